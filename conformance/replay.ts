/**
 * Replay conformance: a counterexample a TLA+ engine finds must be a behaviour of the reference library
 * that breaks the same invariant there, and no earlier.
 *
 * `runCheck` already replays each step through `explainTrace`, but it quietly falls back to reading
 * steps off `pc` when the reference library does not load, and it never looks at the initial state or
 * the invariants. The checks here stand on their own: initial state, every step, the invariant.
 */
import type { LoadedSpec } from "../generator/frontend/load.ts";
import type { Spec } from "../generator/ir.ts";
import { runCheck, select } from "../engines/check.ts";
import type { ConstantValues, ReferenceModel } from "../engines/model.ts";
import { referenceOf } from "../engines/native/load-reference.ts";
import { type CheckResult, EngineError, type EngineName, type TraceStep } from "../engines/result.ts";
import { canonicalString, constantValues, stateKey } from "../engines/state-json.ts";

export interface ReplayOptions {
  config?: string;
  /** Null or "base" for the base steps; undefined for the configuration's variant. */
  variant?: string | null;
  /** The invariant to look for a counterexample to (default: every invariant, TypeOK included). */
  invariant?: string;
  /** The reference library to replay on (default: generated from the spec now). */
  model?: ReferenceModel<unknown>;
  root?: string;
  specArg?: string;
}

export interface ReplayResult {
  /** False only when a check failed; finding no counterexample is not a failure. */
  ok: boolean;
  outcome: "replayed" | "no-counterexample" | "failed";
  engine: EngineName;
  spec: string;
  /** Null for the base steps. */
  variant: string | null;
  config: string;
  /** The invariants the engine checked. */
  checked: string[];
  /** The invariant the engine reports violated. */
  invariant?: string;
  /** Steps in the counterexample, the initial state not counted. */
  traceLength?: number;
  /** Every check that failed, in words. */
  problems: string[];
  trace?: TraceStep[];
}

/** Runs the embedded engine and checks its counterexample (if any) on the reference library. */
export async function replayCounterexample(loaded: LoadedSpec, options: ReplayOptions = {}): Promise<ReplayResult> {
  const root = options.root ?? process.cwd();
  const { spec } = loaded;
  const sel = select(spec, { config: options.config, variant: options.variant === null ? "base" : options.variant, invariant: options.invariant });
  const model = options.model ?? (await referenceOf(loaded.spec));
  let result: CheckResult;
  try {
    result = await runCheck({
      loaded,
      specArg: options.specArg ?? spec.source,
      config: sel.config.name,
      variant: sel.variant ?? "base",
      invariants: sel.invariants,
      engine: "embedded",
      root,
    });
  } catch (e) {
    // explainTrace reports a step that does not replay as a crash; that is this check failing, not an
    // engine problem. Other errors (limits, parse errors) are not about conformance and propagate.
    if (e instanceof EngineError && e.kind === "crash")
      return {
        ok: false,
        outcome: "failed",
        engine: "embedded",
        spec: spec.name,
        variant: sel.variant,
        config: sel.config.name,
        checked: sel.invariants,
        problems: [e.message],
      };
    throw e;
  }
  return verifyCounterexample(model, spec, result, { variant: sel.variant, constants: constantValues(spec, sel.config.name), checked: sel.invariants });
}

/**
 * Checks a finished engine result against the reference library: the trace starts in an initial state,
 * each step is a transition of the step it names, the last state breaks the reported invariant and no
 * earlier state breaks any checked invariant (a breadth-first engine stops at the first bad state).
 */
export function verifyCounterexample<S>(
  model: ReferenceModel<S>,
  spec: Spec,
  result: CheckResult,
  context: { variant: string | null; constants: ConstantValues; checked: string[] },
): ReplayResult {
  const { variant, constants, checked } = context;
  const base = { engine: result.engine, spec: spec.name, variant, config: result.config, checked };
  if (result.verdict === "ok") return { ok: true, outcome: "no-counterexample", ...base, problems: [] };
  const problems: string[] = [];
  const trace = result.trace ?? [];
  const report = (): ReplayResult => ({
    ok: problems.length === 0,
    outcome: problems.length === 0 ? "replayed" : "failed",
    ...base,
    ...(result.invariant ? { invariant: result.invariant } : {}),
    traceLength: Math.max(0, trace.length - 1),
    problems,
    trace,
  });
  const steps = model.variants.find((v) => v.name === variant);
  if (!steps) {
    problems.push(`the reference library has no variant ${variant ?? "(base)"}`);
    return report();
  }
  const first = trace[0];
  if (!first) {
    problems.push(`the ${result.engine} engine reports a violation without a counterexample`);
    return report();
  }
  const key = (s: S) => stateKey(spec, model.toJson(s, constants));
  const initial = new Set(steps.init(constants).map(key));
  if (!initial.has(stateKey(spec, first.state))) problems.push("the counterexample does not start in an initial state of the reference library");

  for (let i = 1; i < trace.length; i++) {
    const before = trace[i - 1] as TraceStep;
    const after = trace[i] as TraceStep;
    const want = stateKey(spec, after.state);
    const matches = steps
      .successors(model.fromJson(before.state, constants), constants)
      .filter((t) => t.step === after.step && key(t.next) === want);
    const byProcess = after.process === null ? matches : matches.filter((t) => canonicalString(t.self) === canonicalString(after.process));
    if (byProcess.length === 0)
      problems.push(
        `step ${i} (${after.step}${after.process === null ? "" : ` by ${canonicalString(after.process)}`}) is not a transition of the reference library`,
      );
  }

  const name = result.invariant;
  const invariant = model.invariants.find((x) => x.name === name);
  if (!name || !invariant) {
    problems.push(`the reference library has no invariant ${name ?? "(none reported)"}`);
    return report();
  }
  const others = checked.map((n) => model.invariants.find((x) => x.name === n)).filter((x) => x !== undefined);
  trace.forEach((step, i) => {
    const state = model.fromJson(step.state, constants);
    if (i === trace.length - 1) {
      if (invariant.holds(state, constants)) problems.push(`${name} holds on the reference library in the counterexample's last state`);
      return;
    }
    for (const inv of others)
      if (!inv.holds(state, constants)) problems.push(`${inv.name} already fails on the reference library in state ${i} of the counterexample`);
  });
  return report();
}
