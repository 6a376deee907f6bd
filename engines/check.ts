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
import { EMBEDDED_COVERAGE } from "./embedded/coverage.ts";
import { buildCoverage } from "./coverage.ts";
import { confirmViolation, explainTrace, type RawTraceStep } from "./explain.ts";
import type { ConstantValues, ReferenceModel } from "./model.ts";
import { referenceOf } from "./native/load-reference.ts";
import { type NativeOutcome, runNative, runSimulation } from "./native/native.ts";
import { type CheckResult, EngineError, type EngineName, type Json, type Progress, type TraceStep } from "./result.ts";
import { confirmLasso } from "./liveness/confirm.ts";
import { propertyPlan } from "./liveness/instances.ts";
import { tlcLasso } from "./tlc/lasso.ts";
import type { TlcTraceState } from "./tlc/parse-output.ts";
import { constantValues, stateFromTla } from "./state-json.ts";
import { findTlcJar } from "./tlc/find-jar.ts";
import { runTlc } from "./tlc/run.ts";
import { TLC_COVERAGE, tlcArmCounts, tlcCoverageCounts, withArms } from "./tlc/coverage.ts";
import { goalAsInvariant } from "./reachable.ts";

export interface CheckRequest {
  loaded: LoadedSpec;
  /** The argument the user named the spec by (for messages and headers). */
  specArg: string;
  config?: string;
  variant?: string;
  invariant?: string;
  /** Several invariants at once (the report uses this); `invariant` is the command line's one. */
  invariants?: string[];
  /** A temporal property (the command line's `--property`), or several. Naming invariants or properties checks exactly those; naming none checks all of both. */
  property?: string;
  properties?: string[];
  /** Report a reachable state where no step is enabled and some process is not Done (verdict "deadlock"). */
  deadlock?: boolean;
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
  properties: string[];
  /** Whether the request named its invariants or properties (else it asked for all of both). */
  named: boolean;
}

/** Resolves the configuration, variant, invariants and properties a request names, or says what exists. */
export function select(spec: Spec, req: Pick<CheckRequest, "config" | "variant" | "invariant" | "invariants" | "property" | "properties">): Selection {
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
  const allProperties = spec.properties.map((p) => p.name);
  const namedInvariants = req.invariants ?? (req.invariant ? [req.invariant] : undefined);
  const namedProperties = req.properties ?? (req.property ? [req.property] : undefined);
  const named = namedInvariants !== undefined || namedProperties !== undefined;
  const wantedInvariants = named ? (namedInvariants ?? []) : all;
  const wantedProperties = named ? (namedProperties ?? []) : allProperties;
  for (const name of wantedInvariants)
    if (!all.includes(name)) throw new EngineError("usage", `${spec.name} has no invariant "${name}". Invariants: ${all.join(", ")}.`);
  for (const name of wantedProperties)
    if (!allProperties.includes(name)) throw new EngineError("usage", `${spec.name} has no property "${name}". Properties: ${allProperties.join(", ") || "none"}.`);
  return { config, variant, invariants: wantedInvariants, properties: wantedProperties, named };
}

/** Why the embedded engine and a simulation leave temporal properties unchecked. */
const NO_LIVENESS = {
  embedded:
    "the embedded engine does not check temporal properties (raidspec does not use tla-checker's liveness checking: on Peterson's noTurn variant its counterexample to StarvationFree is a behaviour that satisfies it)",
  simulate: "a simulation (random walks) cannot show that a temporal property holds",
};

export async function runCheck(req: CheckRequest): Promise<CheckResult> {
  // A reachability goal is checked as the one invariant "the goal does not hold" (engines/reachable.ts).
  const goal = req.goal ? goalAsInvariant(req.loaded.spec, req.goal) : undefined;
  const spec = goal?.spec ?? req.loaded.spec;
  const asked = select(spec, goal ? { ...req, invariant: undefined, invariants: [goal.invariant], property: undefined, properties: undefined } : req);
  const engine = await chooseEngine(req, asked);
  // Asked for everything, an engine that cannot check properties checks the invariants and says
  // which properties it left unchecked (asked for by name, chooseEngine refused).
  const why = req.simulate ? NO_LIVENESS.simulate : engine.name === "embedded" ? NO_LIVENESS.embedded : undefined;
  const skipped = why && asked.properties.length > 0 ? asked.properties : [];
  const sel = skipped.length > 0 ? { ...asked, properties: [] } : asked;
  const r = await checkSelected(req, spec, sel, engine);
  return {
    ...r,
    ...(sel.properties.length > 0 ? { properties: sel.properties } : {}),
    ...(skipped.length > 0 && why ? { notChecked: { properties: skipped, reason: why } } : {}),
  };
}

async function checkSelected(req: CheckRequest, spec: Spec, sel: Selection, engine: Engine): Promise<CheckResult> {
  const applied = applyVariant(spec, sel.variant);
  const constants = constantValues(spec, sel.config.name);
  req.onEngine?.(engine.name);
  const started = performance.now();
  const base = { spec: spec.name, variant: sel.variant ?? spec.baseVariant ?? null, config: sel.config.name, engine: engine.name };
  // The reference library of the spec as it is now: the native engine explores it, the others replay
  // and confirm their counterexamples on it and use it to locate an error in the spec.
  const model = await referenceOf(spec);
  // The time limit is for the model check itself (the spec is loaded and generated by then).
  const deadline = req.timeoutMs === undefined ? undefined : performance.now() + req.timeoutMs;
  const remaining = () => (deadline === undefined ? undefined : Math.max(1, Math.round(deadline - performance.now())));
  // `full`: the check asked for (its properties, --deadlock); without it, the invariants only (to
  // confirm or locate what a TLA+ engine said about them).
  const nativeRun = (explorer: "compiled" | "reference" | undefined, onProgress?: (p: Progress) => void, symmetry = req.symmetry, full = false, coverage = false) =>
    runNative({
      spec,
      variant: sel.variant,
      constants,
      invariants: sel.invariants,
      maxStates: req.maxStates,
      timeoutMs: remaining(),
      workers: req.workers,
      explorer,
      symmetry,
      onProgress,
      coverage,
      model: async () => model,
      ...(full ? { properties: sel.properties, deadlock: req.deadlock } : {}),
    });
  /**
   * The native engine's answer. Where the compiled explorer stops with an error (contract 1), the
   * readable explorer over the reference library checks again: it words the error with the behaviour
   * that led there, and it holds what the compiled form cannot (an integer outside its declared range
   * while TypeOK is not checked, which TLC also goes on with), so its verdict is the answer then.
   */
  const native = async (onProgress?: (p: Progress) => void, symmetry = req.symmetry, full = false, coverage = false): Promise<NativeOutcome> => {
    try {
      return await nativeRun(req.explorer, onProgress, symmetry, full, coverage);
    } catch (e) {
      if (!(e instanceof EngineError && e.kind === "crash") || req.explorer === "reference") throw e;
      const r = await nativeRun("reference", onProgress, symmetry, full, coverage);
      return { ...r, explorer: { kind: "reference", reason: `the compiled explorer stopped (${e.message}), the readable explorer checked the spec` } };
    }
  };

  if (req.simulate) {
    if (engine.name !== "native") throw new EngineError("usage", "--simulate runs on the native engine's compiled form.", "Leave out --engine, or pass --engine native.");
    if (req.deadlock) throw new EngineError("usage", "--simulate cannot show that no reachable state is stuck: random walks do not see every state.", "Check with --deadlock without --simulate.");
    const r = runSimulation({ spec, variant: sel.variant, constants, invariants: sel.invariants, symmetry: req.symmetry, ...req.simulate });
    const raw: RawTraceStep[] | undefined = r.trace?.map((t) => ({ action: t.step, state: t.state }));
    return { ...finish(base, r, raw, applied, model, constants, sel, started), explorer: r.explorer, simulation: r.simulation };
  }

  if (engine.name === "native") {
    const r = await native(req.onProgress, req.symmetry, true, req.coverage);
    // The trace is replayed on the reference library (explainTrace), whichever explorer found it.
    const raw: RawTraceStep[] | undefined = r.trace?.map((t) => ({ action: t.step, state: t.state }));
    const checked = { ...finish(base, r, raw, applied, model, constants, sel, started), explorer: r.explorer, ...(r.coverage ? { coverage: r.coverage } : {}) };
    return r.liveness ? { ...checked, liveness: r.liveness } : checked;
  }

  /**
   * A TLA+ engine stopped with an error: where the reference library stops too, its error names the
   * statement in the spec; where it does not, the engine's own fault is reported as such.
   */
  const locate = async (e: EngineError, who: "TLC" | "tla-checker"): Promise<never> => {
    let found: EngineError | undefined;
    try {
      await native(undefined, false);
    } catch (n) {
      if (n instanceof EngineError && n.loc) found = n;
    }
    if (found) throw new EngineError("crash", found.message, `${who} stops here too: ${e.message}${e.detail ? `\n${e.detail}` : ""}`, { loc: found.loc, trace: found.trace });
    if (who === "tla-checker")
      throw new EngineError(
        e.kind,
        `${e.message}. The reference library evaluates every state of this configuration without an error, so the spec is not at fault: tla-checker (or raidspec's TLA+ generator) is`,
        "Check with TLC (--engine tlc) or the native engine (--engine native), and please report it with the spec.",
      );
    throw e;
  };

  const moduleText = renderModule(spec, sel.variant, genArgument(spec.source));
  // TLC reduces by the symmetric model-value domains (SYMMETRY). tla-checker's reduction stops short
  // of one state per permutation class (58 states where TLC finds 40 on the symmetry fixture), so the
  // embedded engine checks without it: the same verdict, the unreduced count.
  const cfgText = renderConfig(spec, sel.config, sel.invariants, { symmetry: engine.name === "tlc" && (req.symmetry ?? true), properties: sel.properties, checkDeadlock: req.deadlock === true });
  if (engine.name === "embedded") {
    let r: Awaited<ReturnType<typeof checkEmbedded>>;
    try {
      r = await checkEmbedded({ spec: applied, moduleText, cfgText, invariants: sel.invariants, maxStates: req.maxStates, deadlock: req.deadlock, timeoutMs: remaining(), coverage: req.coverage });
    } catch (e) {
      if (e instanceof EngineError && (e.kind === "crash" || e.kind === "parse")) await locate(e, "tla-checker");
      throw e;
    }
    // tla-checker is lenient where TLC is not (its integers are 64-bit and wrap around, its % of a
    // negative number is negative): a verdict that every invariant holds is confirmed on the reference
    // library, which stops where TLC stops. (A violation is confirmed by replaying its trace there.)
    // (Unreduced: tla-checker does not know the spec's symmetric domains.)
    if (r.verdict === "ok") await confirmOk(() => native(undefined, false), r.distinctStates);
    const coverage = r.coverage && buildCoverage(applied, r.coverage.counts, { engine: "embedded", complete: r.coverage.complete, ...EMBEDDED_COVERAGE });
    return { ...finish(base, r, r.trace, applied, model, constants, sel, started), ...(coverage ? { coverage } : {}) };
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
      out = await runTlc({
        jar: engine.jar,
        moduleFile,
        cfgFile,
        workers: req.workers ?? "auto",
        timeoutMs: remaining(),
        onProgress: req.onProgress,
        displayName: `tla/${req.loaded.id}/${name}.tla`,
        coverage: req.coverage,
      });
    } catch (e) {
      if (e instanceof EngineError && e.kind === "crash") await locate(e, "TLC");
      throw e;
    }
    // TLC only warns when an assignment writes a map outside its keys (and leaves the map unchanged);
    // tla-checker and the reference library stop there, and so does raidspec, on every engine.
    const outside = out.messages.find((m) => m.code === TLC_EXCEPT_OUTSIDE_DOMAIN);
    if (outside) await locate(new EngineError("crash", `TLC warns: ${outside.text.replace(/\s+/g, " ").trim()}`), "TLC");
    const tlcCoverage = () => {
      if (!req.coverage) return {};
      if (!out.coverage) throw new EngineError("crash", "TLC was run with -coverage but printed no coverage report.");
      const arms = tlcArmCounts(spec, sel.variant, moduleText, name, out.messages);
      const counts = withArms(tlcCoverageCounts(out.coverage, applied), arms);
      return { coverage: buildCoverage(applied, counts, { engine: "tlc", complete: out.outcome === "ok", inexact: arms.inexact, unknown: arms.unknown, ...TLC_COVERAGE }) };
    };
    if (out.outcome === "ok")
      return { ...base, verdict: "ok", distinctStates: out.distinctStates ?? 0, durationMs: Math.round(performance.now() - started), ...tlcCoverage() };
    if (out.outcome !== "invariant" && out.outcome !== "property" && !(out.outcome === "deadlock" && req.deadlock))
      await locate(new EngineError("crash", `TLC stopped without a verdict on the invariants and properties (${out.outcome})`, out.errors.join("\n")), "TLC");
    const unreadable = out.trace?.flatMap((s) => s.unreadable ?? []) ?? [];
    if (unreadable.length > 0)
      throw new EngineError(
        "crash",
        `TLC printed a counterexample raidspec cannot read (${unreadable.map((u) => u.name).join(", ")})`,
        unreadable.map((u) => `${u.name} = ${u.text}: ${u.error}`).join("\n"),
      );
    const { raw, lasso } = tlcTrace(out.trace ?? [], applied);
    const distinctStates = out.distinctStates ?? 0;
    const r =
      out.outcome === "deadlock"
        ? { verdict: "deadlock" as const, distinctStates }
        : out.outcome === "property" || sel.properties.includes(out.violatedInvariant ?? "")
          ? // TLC checks a property []p of a state predicate p as an invariant.
            { verdict: "violation" as const, property: out.outcome === "property" ? out.violatedProperty : out.violatedInvariant, distinctStates, ...(lasso ? { lasso } : {}) }
          : { verdict: "violation" as const, invariant: out.violatedInvariant, distinctStates };
    return { ...finish(base, r, raw, applied, model, constants, sel, started), ...(out.coverage ? tlcCoverage() : {}) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** An engine's verdict before its trace is explained. */
interface RawVerdict {
  verdict: "ok" | "violation" | "deadlock";
  invariant?: string;
  /** A temporal property that fails (the engine may not say which: then the trace decides). */
  property?: string;
  instance?: Record<string, Json>;
  /** A lasso: see NativeOutcome.lasso. */
  lasso?: { loopStart: number; stuttering: boolean };
  distinctStates: number;
}

/**
 * Runs the native engine after tla-checker found no violation: an evaluation error there is the answer
 * TLC would give; a violation, or another number of distinct states, means the artefacts disagree.
 */
async function confirmOk(native: () => Promise<{ verdict: "ok" | "violation" | "deadlock"; invariant?: string; distinctStates: number }>, checkerStates: number): Promise<void> {
  let r: Awaited<ReturnType<typeof native>>;
  try {
    r = await native();
  } catch (e) {
    if (e instanceof EngineError && e.loc)
      throw new EngineError(e.kind, e.message, `tla-checker found no violation, but it is lenient where TLC is not (its integers are 64-bit and wrap around): TLC stops here with an error.\n${e.detail ?? ""}`, { loc: e.loc, trace: e.trace });
    // A time or state limit reached here leaves the verdict unconfirmed: it is the answer.
    throw e;
  }
  const disagree = (what: string) =>
    new EngineError("crash", `tla-checker finds that every invariant holds in ${checkerStates} distinct states, the reference library ${what}: the generated artefacts disagree`, "Run raidspec conform to see the first state where they differ, and check with TLC (--engine tlc) meanwhile.");
  if (r.verdict === "violation") throw disagree(`finds ${r.invariant ?? "an invariant"} violated`);
  if (r.distinctStates !== checkerStates) throw disagree(`explores ${r.distinctStates}`);
}

/** TLC's warning "The EXCEPT was applied to non-existing fields of the value" (tlc2.output.EC). */
const TLC_EXCEPT_OUTSIDE_DOMAIN = 2144;

function finish(
  base: Pick<CheckResult, "spec" | "variant" | "config" | "engine">,
  r: RawVerdict,
  raw: RawTraceStep[] | undefined,
  spec: Spec,
  model: ReferenceModel<unknown>,
  constants: ConstantValues,
  sel: Selection,
  started: number,
): CheckResult {
  const trace = raw ? explainTrace(raw, spec, model, constants, sel.variant) : undefined;
  if (trace && model && r.invariant) confirmViolation(trace, model, constants, r.invariant);
  const done = (extra: Partial<CheckResult>): CheckResult => ({
    ...base,
    verdict: r.verdict,
    ...(r.invariant ? { invariant: r.invariant } : {}),
    distinctStates: r.distinctStates,
    ...(trace ? { trace } : {}),
    ...extra,
    durationMs: Math.round(performance.now() - started),
  });
  if (r.verdict !== "violation" || r.invariant) return done({});
  // A temporal property: the lasso is confirmed on the reference library, which also says which
  // property (and which instance of it) it breaks when the engine did not.
  if (!trace) throw new EngineError("crash", "the engine reported a property violation without a counterexample");
  const lasso = { trace, ...(r.lasso ? { loopStart: r.lasso.loopStart } : {}), stuttering: r.lasso?.stuttering ?? false };
  const plan = propertyPlan(spec, constants, sel.properties);
  if (!model) {
    if (!r.property) throw new EngineError("crash", "the engine did not say which property fails, and without the reference library raidspec cannot tell", "Run npm run gen.");
    return done({ property: r.property, ...loopFields(lasso) });
  }
  const instance = confirmLasso(lasso, r.property, plan, model, constants, spec, sel.variant);
  const bound = instance.bound.length ? { instance: Object.fromEntries(instance.bound.map((b) => [b.name, b.value])) } : {};
  return done({ property: instance.property, ...bound, ...loopFields(lasso) });
}

/** The trace without the step back to the loop (that step becomes `loopStep`), and where the loop starts. */
function loopFields(lasso: { trace: TraceStep[]; loopStart?: number; stuttering: boolean }): Partial<CheckResult> {
  if (lasso.loopStart === undefined) return {};
  if (lasso.stuttering) return { trace: lasso.trace, loopStart: lasso.loopStart };
  const trace = lasso.trace.slice(0, -1);
  const loopStep = lasso.trace[lasso.trace.length - 1];
  return { trace, loopStart: lasso.loopStart, ...(loopStep ? { loopStep } : {}) };
}

/** TLC's counterexample as raw steps and, for a lasso, where its loop starts (tlc/lasso.ts). */
function tlcTrace(trace: TlcTraceState[], spec: Spec): { raw: RawTraceStep[]; lasso?: { loopStart: number; stuttering: boolean } } {
  const { states, lasso } = tlcLasso(trace);
  const raw = states.map((s) => ({ action: s.index === 1 ? undefined : (s.action ?? undefined), state: stateFromTla(spec, s.variables) }));
  return { raw, ...(lasso ? { lasso } : {}) };
}

type Engine = { name: "tlc"; jar: string } | { name: "embedded" } | { name: "native" };

async function chooseEngine(req: CheckRequest, sel: Selection): Promise<Engine> {
  const properties = sel.properties.length > 0;
  if (properties && sel.named && (req.engine === "embedded" || req.simulate))
    throw new EngineError(
      "usage",
      `Property ${sel.properties.join(", ")} cannot be checked here: ${req.simulate ? NO_LIVENESS.simulate : NO_LIVENESS.embedded}.`,
      req.simulate ? "Check the property without --simulate." : "Use --engine native (or --engine tlc), or name only invariants with --invariant.",
    );
  if (req.engine === "embedded" || req.engine === "native") return { name: req.engine };
  if (req.simulate && req.engine === "auto") return { name: "native" };
  const jar = await findTlcJar(req.tlcJar);
  if (jar) return { name: "tlc", jar: jar.path };
  // Without TLC, properties go to the native engine (the embedded one cannot check them).
  if (properties && req.engine === "auto") return { name: "native" };
  if (req.engine === "tlc")
    throw new EngineError(
      "jar-missing",
      "TLC (tla2tools.jar) was not found.",
      "Pass --tlc-jar <path>, set TLA2TOOLS_JAR, or install the TLA+ VS Code extension; --engine embedded checks without TLC.",
    );
  return { name: "embedded" };
}
