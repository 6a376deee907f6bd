/**
 * One model check: pick the configuration, variant and invariants, generate the module for them, run
 * the chosen engine and return the common result.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { LoadedSpec } from "../generator/frontend/load.ts";
import type { Config, Spec } from "../generator/ir.ts";
import { applyVariant, moduleName, renderConfig, renderModule } from "../generator/tla/module.ts";
import { genArgument } from "../generator/spec-source.ts";
import { checkEmbedded } from "./embedded/engine.ts";
import { confirmViolation, explainTrace, type RawTraceStep } from "./explain.ts";
import type { ConstantValues, ReferenceModel } from "./model.ts";
import { referenceOf } from "./native/load-reference.ts";
import { exploreNative } from "./native/explore.ts";
import { type CheckResult, EngineError, type EngineName } from "./result.ts";
import { constantValues, stateFromTla } from "./state-json.ts";
import { findTlcJar } from "./tlc/find-jar.ts";
import { runTlc } from "./tlc/run.ts";

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
  root: string;
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

export async function runCheck(req: CheckRequest): Promise<CheckResult> {
  const { spec } = req.loaded;
  const sel = select(spec, req);
  const applied = applyVariant(spec, sel.variant);
  const constants = constantValues(spec, sel.config.name);
  const engine = await chooseEngine(req);
  const started = performance.now();
  const deadline = req.timeoutMs === undefined ? undefined : started + req.timeoutMs;
  const remaining = () => (deadline === undefined ? undefined : Math.max(1, Math.round(deadline - performance.now())));
  const base = { spec: spec.name, variant: sel.variant ?? spec.baseVariant ?? null, config: sel.config.name, engine: engine.name };
  // The reference library of the spec as it is now: the native engine explores it, the others replay
  // and confirm their counterexamples on it and use it to locate an error in the spec.
  const model = await referenceOf(spec);
  const native = () => exploreNative(model, { constants, variant: sel.variant, invariants: sel.invariants, maxStates: req.maxStates, timeoutMs: remaining() });

  if (engine.name === "native") {
    const r = native();
    const raw: RawTraceStep[] | undefined = r.trace?.map((t) => ({ action: t.step, state: model.toJson(t.state, constants) }));
    return finish(base, r, raw, applied, model, constants, sel.variant, started);
  }

  /**
   * A TLA+ engine stopped with an error: where the reference library stops too, its error names the
   * statement in the spec; where it does not, the engine's own fault is reported as such.
   */
  const locate = (e: EngineError, who: "TLC" | "tla-checker"): never => {
    let found: EngineError | undefined;
    try {
      native();
    } catch (n) {
      if (n instanceof EngineError && n.loc) found = n;
    }
    if (found) throw new EngineError("crash", found.message, `${who} stops here too: ${e.message}${e.detail ? `\n${e.detail}` : ""}`, { loc: found.loc, trace: found.trace });
    if (who === "tla-checker")
      throw new EngineError(
        e.kind,
        `${e.message}. The reference library evaluates every state of this configuration without an error, so this is a fault of tla-checker, not of the spec`,
        "Check with TLC (--engine tlc) or the native engine (--engine native).",
      );
    throw e;
  };

  const moduleText = renderModule(spec, sel.variant, genArgument(spec.source));
  const cfgText = renderConfig(spec, sel.config, sel.invariants);
  if (engine.name === "embedded") {
    let r: Awaited<ReturnType<typeof checkEmbedded>>;
    try {
      r = await checkEmbedded({ spec: applied, moduleText, cfgText, invariants: sel.invariants, maxStates: req.maxStates, timeoutMs: remaining() });
    } catch (e) {
      if (e instanceof EngineError && (e.kind === "crash" || e.kind === "parse")) locate(e, "tla-checker");
      throw e;
    }
    // tla-checker's integers are 64-bit and wrap around; TLC's are 32-bit and stop with an error. When
    // the spec computes integers that could leave 32 bits, the reference library makes the check.
    if (r.verdict === "ok" && (model.overflowChecks ?? 1) > 0) confirmNoOverflow(native);
    return finish(base, r, r.trace, applied, model, constants, sel.variant, started);
  }

  const dir = await mkdtemp(path.join(tmpdir(), "raidspec-tlc-"));
  try {
    const name = moduleName(spec, sel.variant);
    const moduleFile = path.join(dir, `${name}.tla`);
    const cfgFile = path.join(dir, `${name}.cfg`);
    await writeFile(moduleFile, moduleText);
    await writeFile(cfgFile, cfgText);
    let out: Awaited<ReturnType<typeof runTlc>>;
    try {
      out = await runTlc({ jar: engine.jar, moduleFile, cfgFile, workers: req.workers ?? "auto", timeoutMs: remaining() });
    } catch (e) {
      if (e instanceof EngineError && e.kind === "crash") locate(e, "TLC");
      throw e;
    }
    // TLC only warns when an assignment writes a map outside its keys (and leaves the map unchanged);
    // tla-checker and the reference library stop there, and so does raidspec, on every engine.
    const outside = out.messages.find((m) => m.code === TLC_EXCEPT_OUTSIDE_DOMAIN);
    if (outside) locate(new EngineError("crash", `TLC warns: ${outside.text.replace(/\s+/g, " ").trim()}`), "TLC");
    if (out.outcome === "ok") return { ...base, verdict: "ok", distinctStates: out.distinctStates ?? 0, durationMs: Math.round(performance.now() - started) };
    if (out.outcome !== "invariant")
      locate(new EngineError("crash", `TLC stopped without a verdict on the invariants (${out.outcome})`, out.errors.join("\n")), "TLC");
    const unreadable = out.trace?.flatMap((s) => s.unreadable ?? []) ?? [];
    if (unreadable.length > 0)
      throw new EngineError(
        "crash",
        `TLC printed a counterexample raidspec cannot read (${unreadable.map((u) => u.name).join(", ")})`,
        unreadable.map((u) => `${u.name} = ${u.text}: ${u.error}`).join("\n"),
      );
    const raw = out.trace?.map((s) => ({ action: s.index === 1 ? undefined : (s.action ?? undefined), state: stateFromTla(applied, s.variables) }));
    const r = { verdict: "violation" as const, invariant: out.violatedInvariant, distinctStates: out.distinctStates ?? 0 };
    return finish(base, r, raw, applied, model, constants, sel.variant, started);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Runs the native engine after tla-checker found no violation: an evaluation error there is the answer
 * TLC would give, and a violation there means the artefacts disagree.
 */
function confirmNoOverflow(native: () => { verdict: "ok" | "violation"; invariant?: string }): void {
  try {
    const r = native();
    if (r.verdict === "violation")
      throw new EngineError("crash", `tla-checker finds no violation, the reference library finds ${r.invariant ?? "an invariant"} violated: the generated artefacts disagree (run raidspec conform)`);
  } catch (e) {
    if (e instanceof EngineError && e.loc)
      throw new EngineError(e.kind, e.message, `tla-checker found no violation, but it computes with 64-bit integers that wrap around; TLC's are 32-bit and stop here with an error.\n${e.detail ?? ""}`, { loc: e.loc, trace: e.trace });
    if (e instanceof EngineError && (e.kind === "timeout" || e.kind === "limit")) return;
    throw e;
  }
}

/** TLC's warning "The EXCEPT was applied to non-existing fields of the value" (tlc2.output.EC). */
const TLC_EXCEPT_OUTSIDE_DOMAIN = 2144;

function finish(
  base: Pick<CheckResult, "spec" | "variant" | "config" | "engine">,
  r: { verdict: "ok" | "violation"; invariant?: string; distinctStates: number },
  raw: RawTraceStep[] | undefined,
  spec: Spec,
  model: ReferenceModel<unknown>,
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
