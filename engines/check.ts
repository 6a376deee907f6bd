/**
 * One model check: pick the configuration, variant and invariants, generate the module for them, run
 * the chosen engine and return the common result.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { LoadedSpec } from "../generator/frontend/load.ts";
import type { Config, Spec } from "../generator/ir.ts";
import { applyVariant, moduleName, renderConfig, renderModule } from "../generator/tla/module.ts";
import { referencePath } from "../generator/typescript/reference.ts";
import { checkEmbedded } from "./embedded/engine.ts";
import { EMBEDDED_COVERAGE } from "./embedded/coverage.ts";
import { buildCoverage } from "./coverage.ts";
import { confirmViolation, explainTrace, type RawTraceStep } from "./explain.ts";
import type { ConstantValues, ReferenceModel } from "./model.ts";
import { loadReference } from "./native/load-reference.ts";
import { runNative, runSimulation } from "./native/native.ts";
import { type CheckResult, EngineError, type EngineName, type Progress } from "./result.ts";
import { constantValues, stateFromTla } from "./state-json.ts";
import { findTlcJar } from "./tlc/find-jar.ts";
import { runTlc } from "./tlc/run.ts";
import { goalAsInvariant, modelWithGoal } from "./reachable.ts";
import { TLC_COVERAGE, tlcCoverageCounts } from "./tlc/coverage.ts";

export interface CheckRequest {
  loaded: LoadedSpec;
  /** The argument the user named the spec by (for messages and headers). */
  specArg: string;
  config?: string;
  variant?: string;
  invariant?: string;
  /** Several invariants at once (the report uses this); `invariant` is the command line's one. */
  invariants?: string[];
  engine: EngineName | "auto";
  tlcJar?: string;
  maxStates?: number;
  timeoutMs?: number;
  workers?: number | "auto";
  /** Native engine: "reference" runs the readable explorer over the reference library even where the compiled one can. */
  explorer?: "compiled" | "reference";
  /** Native engine: reduce by the spec's symmetric domains (default true). */
  symmetry?: boolean;
  /** Count how often each step fired and each branch was taken (engines/coverage.ts). */
  coverage?: boolean;
  /**
   * Check this reachability goal instead of the invariants: as the one invariant "the goal does not
   * hold" (engines/reachable.ts), whose violation is the witness.
   */
  goal?: string;
  /** Random walks instead of an exhaustive search (native engine). */
  simulate?: { depth?: number; walks?: number; seconds?: number; seed?: number };
  root: string;
  /** Progress reports from engines that give them (native, TLC); see `Progress`. */
  onProgress?: (p: Progress) => void;
  /** Told which engine runs, before it starts (the embedded engine reports no progress). */
  onEngine?: (engine: EngineName) => void;
}

export interface Selection {
  config: Config;
  variant: string | null;
  invariants: string[];
}

/** Resolves the configuration, variant and invariants a request names, or says what exists. */
export function select(spec: Spec, req: Pick<CheckRequest, "config" | "variant" | "invariant" | "invariants">): Selection {
  const names = (xs: { name: string }[]) => xs.map((x) => x.name).join(", ");
  const config = req.config
    ? spec.configs.find((c) => c.name === req.config)
    : (spec.configs.find((c) => c.name === "default") ?? spec.configs[0]);
  if (!config) throw new EngineError("usage", `${spec.name} has no configuration "${req.config}". Configurations: ${names(spec.configs)}.`);
  const wanted = req.variant ?? config.variant ?? null;
  const variant = wanted === "base" || wanted === spec.baseVariant ? null : wanted;
  if (variant && !spec.variants.some((v) => v.name === variant))
    throw new EngineError("usage", `${spec.name} has no variant "${variant}". Variants: ${spec.baseVariant ?? "base"}, ${names(spec.variants)}.`);
  const all = ["TypeOK", ...spec.invariants.map((i) => i.name)];
  const wantedInvariants = req.invariants ?? (req.invariant ? [req.invariant] : all);
  for (const name of wantedInvariants)
    if (!all.includes(name)) throw new EngineError("usage", `${spec.name} has no invariant "${name}". Invariants: ${all.join(", ")}.`);
  return { config, variant, invariants: wantedInvariants };
}

/** The spec's reference library, if it has been generated; one that exists but fails to load is an error. */
async function referenceFor(req: CheckRequest, goal?: { invariant: string }): Promise<ReferenceModel<unknown> | undefined> {
  if (!existsSync(path.join(req.root, referencePath(req.loaded.id)))) return undefined;
  return loadModel(req, goal);
}

/** The reference library; for a goal's check, with the goal's negation among its invariants. */
async function loadModel(req: CheckRequest, goal?: { invariant: string }): Promise<ReferenceModel<unknown>> {
  const model = await loadReference(req.loaded.id, req.root);
  return goal && req.goal ? modelWithGoal(model, req.goal, goal.invariant) : model;
}

export async function runCheck(req: CheckRequest): Promise<CheckResult> {
  const goal = req.goal ? goalAsInvariant(req.loaded.spec, req.goal) : undefined;
  const spec = goal?.spec ?? req.loaded.spec;
  const sel = select(spec, goal ? { ...req, invariant: undefined, invariants: [goal.invariant] } : req);
  const applied = applyVariant(spec, sel.variant);
  const constants = constantValues(spec, sel.config.name);
  const engine = await chooseEngine(req);
  req.onEngine?.(engine.name);
  const started = performance.now();
  const base = { spec: spec.name, variant: sel.variant ?? spec.baseVariant ?? null, config: sel.config.name, engine: engine.name };

  if (req.simulate) {
    if (engine.name !== "native") throw new EngineError("usage", "--simulate runs on the native engine's compiled form.", "Leave out --engine, or pass --engine native.");
    const model = await loadModel(req, goal);
    const r = runSimulation({ spec, variant: sel.variant, constants, invariants: sel.invariants, symmetry: req.symmetry, ...req.simulate });
    const raw: RawTraceStep[] | undefined = r.trace?.map((t) => ({ action: t.step, state: t.state }));
    return { ...finish(base, r, raw, applied, model, constants, sel.variant, started), explorer: r.explorer, simulation: r.simulation };
  }

  if (engine.name === "native") {
    const model = await loadModel(req, goal);
    const r = await runNative({
      spec,
      variant: sel.variant,
      constants,
      invariants: sel.invariants,
      maxStates: req.maxStates,
      workers: req.workers,
      explorer: req.explorer,
      symmetry: req.symmetry,
      onProgress: req.onProgress,
      coverage: req.coverage,
      model: async () => model,
    });
    // The trace is replayed on the reference library (explainTrace), whichever explorer found it.
    const raw: RawTraceStep[] | undefined = r.trace?.map((t) => ({ action: t.step, state: t.state }));
    return { ...finish(base, r, raw, applied, model, constants, sel.variant, started), explorer: r.explorer, ...(r.coverage ? { coverage: r.coverage } : {}) };
  }

  const moduleText = renderModule(spec, sel.variant, req.specArg);
  const cfgText = renderConfig(spec, sel.config, sel.invariants);
  if (engine.name === "embedded") {
    const r = checkEmbedded({ spec: applied, moduleText, cfgText, invariants: sel.invariants, maxStates: req.maxStates, coverage: req.coverage });
    const coverage = r.coverage && buildCoverage(applied, r.coverage.counts, { engine: "embedded", complete: r.coverage.complete, ...EMBEDDED_COVERAGE });
    return { ...finish(base, r, r.trace, applied, await referenceFor(req, goal), constants, sel.variant, started), ...(coverage ? { coverage } : {}) };
  }

  const dir = await mkdtemp(path.join(tmpdir(), "raidspec-tlc-"));
  try {
    const name = moduleName(spec, sel.variant);
    const moduleFile = path.join(dir, `${name}.tla`);
    const cfgFile = path.join(dir, `${name}.cfg`);
    await writeFile(moduleFile, moduleText);
    await writeFile(cfgFile, cfgText);
    const out = await runTlc({
      jar: engine.jar,
      moduleFile,
      cfgFile,
      workers: req.workers ?? "auto",
      timeoutMs: req.timeoutMs,
      onProgress: req.onProgress,
      displayName: `tla/${req.loaded.id}/${name}.tla`,
      coverage: req.coverage,
    });
    const tlcCoverage = () => {
      if (!req.coverage) return {};
      if (!out.coverage) throw new EngineError("crash", "TLC was run with -coverage but printed no coverage report.");
      return { coverage: buildCoverage(applied, tlcCoverageCounts(out.coverage, applied), { engine: "tlc", complete: out.outcome === "ok", ...TLC_COVERAGE }) };
    };
    if (out.outcome === "ok")
      return { ...base, verdict: "ok", distinctStates: out.distinctStates ?? 0, durationMs: Math.round(performance.now() - started), ...tlcCoverage() };
    if (out.outcome !== "invariant")
      throw new EngineError("crash", `TLC stopped without a verdict on the invariants (${out.outcome})`, out.errors.join("\n"));
    const unreadable = out.trace?.flatMap((s) => s.unreadable ?? []) ?? [];
    if (unreadable.length > 0)
      throw new EngineError(
        "crash",
        `TLC printed a counterexample raidspec cannot read (${unreadable.map((u) => u.name).join(", ")})`,
        unreadable.map((u) => `${u.name} = ${u.text}: ${u.error}`).join("\n"),
      );
    const raw = out.trace?.map((s) => ({ action: s.index === 1 ? undefined : (s.action ?? undefined), state: stateFromTla(applied, s.variables) }));
    const r = { verdict: "violation" as const, invariant: out.violatedInvariant, distinctStates: out.distinctStates ?? 0 };
    return { ...finish(base, r, raw, applied, await referenceFor(req, goal), constants, sel.variant, started), ...(out.coverage ? tlcCoverage() : {}) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function finish(
  base: Pick<CheckResult, "spec" | "variant" | "config" | "engine">,
  r: { verdict: "ok" | "violation"; invariant?: string; distinctStates: number },
  raw: RawTraceStep[] | undefined,
  spec: Spec,
  model: ReferenceModel<unknown> | undefined,
  constants: ConstantValues,
  variant: string | null,
  started: number,
): CheckResult {
  const trace = raw ? explainTrace(raw, spec, model, constants, variant) : undefined;
  if (trace && model && r.invariant) confirmViolation(trace, model, constants, r.invariant);
  return {
    ...base,
    verdict: r.verdict,
    ...(r.invariant ? { invariant: r.invariant } : {}),
    distinctStates: r.distinctStates,
    ...(trace ? { trace } : {}),
    durationMs: Math.round(performance.now() - started),
  };
}

type Engine = { name: "tlc"; jar: string } | { name: "embedded" } | { name: "native" };

async function chooseEngine(req: CheckRequest): Promise<Engine> {
  if (req.engine === "embedded" || req.engine === "native") return { name: req.engine };
  if (req.simulate && req.engine === "auto") return { name: "native" };
  const jar = await findTlcJar(req.tlcJar);
  if (jar) return { name: "tlc", jar: jar.path };
  if (req.engine === "tlc")
    throw new EngineError(
      "jar-missing",
      "TLC (tla2tools.jar) was not found.",
      "Pass --tlc-jar <path>, set TLA2TOOLS_JAR, or install the TLA+ VS Code extension; --engine embedded checks without TLC.",
    );
  return { name: "embedded" };
}
