/**
 * Turning a TLA+ engine's counterexample (a list of states, maybe with action names) into trace steps
 * that say which process took which DSL step with which choices.
 *
 * With the generated reference library at hand, each step is found by replaying it there: the
 * transition from the previous state whose successor is the next state (and whose step is the action
 * the engine named). A step that does not replay means the TLA+ module and the reference library
 * disagree, which is reported, never papered over.
 */
import type { Spec } from "../generator/ir.ts";
import type { ConstantValues, ReferenceModel } from "./model.ts";
import { EngineError, type Json, type TraceState, type TraceStep } from "./result.ts";
import { stateKey } from "./state-json.ts";
import { evaluationEngineError, isEvaluationError } from "./evaluation.ts";

const OVERSTEPPED =
  "The engine's counterexample goes through a state where TLC stops with an error (tla-checker computes with 64-bit integers that wrap around, where TLC's are 32-bit and stop): the spec leaves the values TLA+ defines.";

export interface RawTraceStep {
  /** The action name the engine reported, when it reports one. */
  action?: string;
  state: TraceState;
}

export function explainTrace<S>(
  raw: RawTraceStep[],
  spec: Spec,
  model: ReferenceModel<S> | undefined,
  constants: ConstantValues,
  variant: string | null,
): TraceStep[] {
  const steps: TraceStep[] = [];
  raw.forEach((entry, i) => {
    if (i === 0) {
      steps.push({ step: "Init", process: null, params: {}, state: entry.state });
      return;
    }
    const prev = raw[i - 1];
    if (!prev) return;
    let found: Found;
    try {
      found = model ? replayStep(spec, model, constants, variant, prev.state, entry) : fromPc(spec, prev.state, entry);
    } catch (e) {
      // The engine stepped on where the reference library (and TLC) stop with an error.
      if (isEvaluationError(e)) throw evaluationEngineError(e, steps, OVERSTEPPED);
      throw e;
    }
    steps.push({ ...found, ...stepInfo(spec, found.step, found.processSet), state: entry.state });
  });
  return steps;
}

type Found = Pick<TraceStep, "step" | "process" | "processSet" | "params">;

function replayStep<S>(spec: Spec, model: ReferenceModel<S>, constants: ConstantValues, variant: string | null, from: TraceState, to: RawTraceStep): Found {
  const v = model.variants.find((x) => x.name === variant);
  if (!v) throw new EngineError("crash", `the reference library has no variant ${variant ?? "(base)"}`);
  const want = stateKey(spec, to.state);
  const match = v
    .successors(model.fromJson(from, constants), constants)
    .find((t) => (!to.action || t.step === to.action) && stateKey(spec, model.toJson(t.next, constants)) === want);
  if (!match)
    throw new EngineError(
      "crash",
      `the counterexample's step ${to.action ?? ""} does not replay on the reference library: the generated TLA+ and TypeScript disagree (run raidspec conform)`,
    );
  return { step: match.step, process: match.self, processSet: match.processSet, params: match.params };
}

/** Without a reference library: the process is the one whose pc left the action's label. */
function fromPc(spec: Spec, from: TraceState, to: RawTraceStep): Found {
  const before = (from.pc ?? {}) as Record<string, Json>;
  const step = to.action ?? "?";
  const candidates = Object.keys(before).filter((p) => before[p] === step);
  const id = candidates.length === 1 ? candidates[0] : undefined;
  const process: Json = id === undefined ? null : /^-?\d+$/.test(id) ? Number(id) : id;
  return { step, process, processSet: processSetOf(spec, step), params: {} };
}

function processSetOf(spec: Spec, label: string): string | undefined {
  return spec.processes.find((p) => p.steps.some((s) => s.label === label))?.name;
}

function stepInfo(spec: Spec, label: string, processSet: string | undefined): Pick<TraceStep, "models" | "loc"> {
  const action = processSet ? undefined : spec.actions.find((a) => a.name === label);
  if (action) return { loc: action.loc };
  // A procedure's step is taken by a process of any set.
  const inProcedure = spec.procedures.flatMap((p) => p.steps).find((s) => s.label === label);
  if (inProcedure) return { ...(inProcedure.models ? { models: inProcedure.models } : {}), loc: inProcedure.loc };
  const proc = spec.processes.find((p) => p.name === (processSet ?? processSetOf(spec, label)));
  const step = proc?.steps.find((s) => s.label === label);
  return step ? { models: step.models, loc: step.loc } : {};
}

/**
 * The reference library must agree that the counterexample breaks the invariant only in its last
 * state: a TLA+ engine and the generated TypeScript that evaluate an invariant differently disagree.
 */
export function confirmViolation<S>(trace: TraceStep[], model: ReferenceModel<S>, constants: ConstantValues, invariant: string): void {
  const inv = model.invariants.find((i) => i.name === invariant);
  if (!inv) throw new EngineError("crash", `the reference library has no invariant ${invariant}`);
  trace.forEach((step, i) => {
    let holds: boolean;
    try {
      holds = inv.holds(model.fromJson(step.state, constants), constants);
    } catch (e) {
      if (isEvaluationError(e)) throw evaluationEngineError(e, trace.slice(0, i + 1), OVERSTEPPED);
      throw e;
    }
    const last = i === trace.length - 1;
    if (holds === last)
      throw new EngineError(
        "crash",
        `the reference library says ${invariant} ${holds ? "holds" : "is violated"} in state ${i} of the counterexample, the TLA+ engine says the opposite: the generated artefacts disagree (run raidspec conform)`,
      );
  });
}
