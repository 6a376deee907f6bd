/**
 * A counterexample prepared for reading: lanes (one per process), one entry per step with who took
 * it, the kernel function, the choices, the story and the changes, the initial state against the idle
 * one, and why the invariant fails in the last state. The text, SVG and HTML renderers all draw this.
 */
import type { Process, SourceLoc, Spec } from "../generator/ir.ts";
import type { ConstantValues } from "../engines/model.ts";
import type { Json, TraceState, TraceStep } from "../engines/result.ts";
import { canonicalString, stateTypes } from "../engines/state-json.ts";
import { type EvalEnv, keyText, typeValues } from "./eval.ts";
import { idleState } from "./idle.ts";
import { type ExplainOutcome, explainViolation } from "./invariant-explain.ts";
import { changedEntries, type Entry, formatValue, nonIdleEntries, type Shape, shapeOf, shapes } from "./notation.ts";
import { docSummary, propertyNames, stepChoices, storyLines, tellStory } from "./story.ts";

export interface TraceInput {
  trace: TraceStep[];
  /** The spec with the trace's variant applied; without it the trace is shown from its states alone. */
  spec?: Spec;
  constants?: ConstantValues;
  /** The invariant the last state violates. */
  invariant?: string;
  /** Index of the state a lasso trace loops back to. */
  loopStart?: number;
  /** The step from the last state back to `trace[loopStart]` (none when the loop is stuttering). */
  loopStep?: TraceStep;
  /** The temporal property the behaviour breaks, and the values its foralls bind there. */
  property?: string;
  instance?: Record<string, Json>;
  /** One line saying what was checked (`Raid5 (pre-d0852df), configuration small, …`). */
  title?: string;
}

export interface Lane {
  /** `writer 1`, or the process set's name when the set has one process (`raid5d`). */
  name: string;
  processSet?: string;
  self: Json;
  doc?: string;
}

export interface StepModel {
  /** Position in the trace (1 for the first step). */
  index: number;
  /** Index into `TraceModel.lanes`. */
  lane: number;
  who: string;
  label: string;
  /** The kernel function the step models, when the spec says. */
  models?: string;
  /** The choices made (`sh=1`). */
  choices: string[];
  /** The step's story, or the first line of its doc. */
  story?: string;
  changes: Entry[];
  /** The label the process goes on to. */
  next?: string;
  loc?: SourceLoc;
  state: TraceState;
}

export interface InitModel {
  story?: string;
  /** What differs from the idle state (everything, when the spec is unknown). */
  differs: Entry[];
  /** Every variable's value. */
  whole: Entry[];
  state: TraceState;
}

export interface TraceModel {
  title?: string;
  lanes: Lane[];
  init: InitModel;
  steps: StepModel[];
  invariant?: string;
  explanation?: ExplainOutcome;
  loopStart?: number;
  /** The step back to `loopStart`'s state (its index is one past the last step's). */
  loopStep?: StepModel;
  property?: string;
  instance?: Record<string, Json>;
  /** The property's story for this instance, told in the last state (`writer 1 sleeps on overflow_wait …`). */
  propertyStory?: string;
}

const laneKey = (processSet: string | undefined, self: Json) => `${processSet ?? ""}\u0000${canonicalString(self)}`;

function lanesOf(input: TraceInput): Lane[] {
  const lanes: Lane[] = [];
  const { spec, constants } = input;
  if (spec && constants) {
    for (const p of spec.processes) {
      const ids = typeValues(spec, { kind: "named", name: p.over }, constants);
      for (const id of ids) lanes.push({ name: ids.length === 1 ? p.name : `${p.name} ${formatValue(id)}`, processSet: p.name, self: id, ...(p.doc ? { doc: p.doc } : {}) });
    }
  }
  for (const step of [...input.trace.slice(1), ...(input.loopStep ? [input.loopStep] : [])]) {
    if (lanes.some((l) => laneKey(l.processSet, l.self) === laneKey(step.processSet, step.process))) continue;
    // The spec's plain actions belong to no process: they share one lane.
    const action = step.process === null && (input.spec?.actions ?? []).some((a) => a.name === step.step);
    const name = step.processSet ? `${step.processSet} ${formatValue(step.process)}` : action ? "action" : step.process === null ? "?" : `process ${formatValue(step.process)}`;
    lanes.push({ name, ...(step.processSet ? { processSet: step.processSet } : {}), self: step.process });
  }
  return lanes;
}

/** A state with the acting process's locals and pc taken out of their per-process maps (`wdev`, not `wdev[2]`). */
function ownView(state: TraceState, self: Json, locals: string[]): TraceState {
  const out: TraceState = { ...state };
  const k = keyText(self);
  for (const name of [...locals, "pc"]) {
    const m = state[name];
    if (!m || typeof m !== "object" || Array.isArray(m) || !(k in m)) continue;
    const { [k]: own, ...others } = m;
    out[name] = others;
    out[`${name}\u0000own`] = own ?? null;
  }
  return out;
}

function stepModel(input: TraceInput, lanes: Lane[], i: number, shapeMap: Map<string, Shape>): StepModel {
  const step = input.trace[i] as TraceStep;
  const before = (input.trace[i - 1] as TraceStep).state;
  const { spec, constants } = input;
  const proc: Process | undefined = spec?.processes.find((p) => p.name === step.processSet);
  const ir = proc?.steps.find((s) => s.label === step.step);
  const locals = proc?.locals.map((l) => l.name) ?? [];
  const lane = lanes.findIndex((l) => laneKey(l.processSet, l.self) === laneKey(step.processSet, step.process));
  // The process's own locals and pc are shown without their key; its pc becomes "next".
  if (proc && spec) for (const l of proc.locals) shapeMap.set(`${l.name}\u0000own`, shapeOf(spec, l.type));
  const all = changedEntries(ownView(before, step.process, locals), ownView(step.state, step.process, locals), shapeMap);
  const pcOwn = all.find((e) => e.path === "pc\u0000own");
  const changes = all.filter((e) => e !== pcOwn).map((e) => ({ ...e, path: e.path.replace("\u0000own", "") }));
  const choices = Object.entries(step.params)
    .filter(([k]) => !k.startsWith("either@"))
    .map(([k, v]) => `${k}=${formatValue(v)}`);
  let story: string | undefined;
  if (spec && constants && proc && ir) {
    const env: EvalEnv = { spec, constants, state: step.state, before, self: step.process, process: proc, bound: new Map(Object.entries(step.params)) };
    story = tellStory(storyLines(ir.doc, { spec, process: proc, bound: stepChoices(ir.body) }), env) ?? (docSummary(ir.doc) || undefined);
  }
  const models = step.models ?? ir?.models;
  const loc = step.loc ?? ir?.loc;
  return {
    index: i,
    lane,
    who: lanes[lane]?.name ?? "?",
    label: step.step,
    ...(models ? { models } : {}),
    choices,
    ...(story ? { story } : {}),
    changes,
    ...(pcOwn && typeof pcOwn.value === "string" ? { next: pcOwn.value } : {}),
    ...(loc ? { loc } : {}),
    state: step.state,
  };
}

/** Why the lasso breaks the property: its story, with the instance's names bound, in the last state. */
function propertyStory(input: TraceInput, state: TraceState): string | undefined {
  const { spec, constants } = input;
  const prop = spec?.properties.find((p) => p.name === input.property);
  if (!spec || !constants || !prop) return undefined;
  const bound = new Map(Object.entries(input.instance ?? {}));
  return tellStory(storyLines(prop.doc, { spec, bound: propertyNames(prop.body) }), { spec, constants, state, bound });
}

function initModel(input: TraceInput, shapeMap: Map<string, Shape>): InitModel {
  const state = (input.trace[0] as TraceStep).state;
  const { spec, constants } = input;
  const whole = Object.entries(state).map(([path, value]) => ({ path, value }));
  if (!spec || !constants) return { differs: whole, whole, state };
  const differs = nonIdleEntries(state, idleState(spec, constants), shapeMap);
  const story = tellStory(storyLines(spec.doc, { spec, bound: new Set() }), { spec, constants, state, bound: new Map() });
  return { ...(story ? { story } : {}), differs, whole, state };
}

export function traceModel(input: TraceInput): TraceModel {
  if (input.trace.length === 0) throw new Error("an empty trace");
  const shapeMap = shapes(input.spec);
  if (!input.spec) for (const name of Object.keys(input.trace[0]?.state ?? {})) shapeMap.delete(name);
  const lanes = lanesOf(input);
  const steps = input.trace.slice(1).map((_, k) => stepModel(input, lanes, k + 1, shapeMap));
  const last = input.trace[input.trace.length - 1] as TraceStep;
  const explanation =
    input.invariant && input.spec && input.constants ? explainViolation(input.spec, input.constants, input.invariant, last.state) : undefined;
  const story = input.property ? propertyStory(input, last.state) : undefined;
  return {
    ...(input.title ? { title: input.title } : {}),
    lanes,
    init: initModel(input, shapeMap),
    steps,
    ...(input.invariant ? { invariant: input.invariant } : {}),
    ...(explanation ? { explanation } : {}),
    ...(input.loopStart !== undefined ? { loopStart: input.loopStart } : {}),
    ...(input.loopStep ? { loopStep: stepModel({ ...input, trace: [...input.trace, input.loopStep] }, lanes, input.trace.length, shapeMap) } : {}),
    ...(input.property ? { property: input.property } : {}),
    ...(input.instance ? { instance: input.instance } : {}),
    ...(story ? { propertyStory: story } : {}),
  };
}

/** The state types' names in declaration order (for tables). */
export function stateKeys(input: TraceInput): string[] {
  const fromStates = Object.keys(input.trace[0]?.state ?? {});
  if (!input.spec) return fromStates;
  const typed = [...stateTypes(input.spec).keys()];
  return [...typed.filter((k) => fromStates.includes(k)), ...fromStates.filter((k) => !typed.includes(k))];
}
