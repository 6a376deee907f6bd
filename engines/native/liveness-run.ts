/**
 * The native engine with temporal properties: explore the whole state graph (compiled explorer, or
 * the readable one over the reference library), recording transitions and predicate values, then
 * check each property instance under the spec's fairness (engines/liveness/) and replay a failing
 * instance's lasso into a trace.
 *
 * Liveness is checked on the full graph, so symmetry reduction is not applied (it is not sound for
 * liveness in general), and the search runs on one thread.
 */
import { type PackedProgram, compilePacked, PackedUnsupported } from "../../generator/packed/compile.ts";
import { describeLayout } from "../../generator/packed/layout.ts";
import { applyVariant } from "../../generator/tla/module.ts";
import type { Value } from "../../generator/ir.ts";
import { checkLiveness, lassoVias, type LivenessVerdict } from "../liveness/check.ts";
import type { GraphLasso } from "../liveness/search.ts";
import { fairnessRules } from "../liveness/fairness.ts";
import { GraphRecorder, type StateGraph } from "../liveness/graph.ts";
import type { PropertyPlan } from "../liveness/instances.ts";
import type { ConstantValues, ReferenceModel } from "../model.ts";
import { EngineError, type ExplorerInfo, type Json, type LivenessInfo } from "../result.ts";
import { canonicalString } from "../state-json.ts";
import { buildCoverage } from "../coverage.ts";
import { exploreNative, type NativeResult } from "./explore.ts";
import type { NativeOutcome, NativeRequest } from "./native.ts";
import { explorePackedGraph } from "./packed-graph.ts";
import { replayVias } from "./packed-search.ts";

export async function runNativeLiveness(req: NativeRequest, plan: PropertyPlan): Promise<NativeOutcome> {
  const started = performance.now();
  // A state constraint cuts transitions out of the graph, and a lasso is replayed by transition index
  // among all successors: rather than risk a wrong lasso, the native engine does not combine them.
  if (req.spec.constraints.length > 0)
    throw new EngineError(
      "usage",
      `The native engine does not check temporal properties of a spec with state constraints (${req.spec.constraints.map((c) => c.name).join(", ")}).`,
      "Check the properties with TLC (--engine tlc), or name only invariants with --invariant.",
    );
  const rules = fairnessRules(applyVariant(req.spec, req.variant));
  const compiled = req.explorer === "reference" ? "the readable explorer was asked for (--engine native-reference)" : compileWithPredicates(req, plan);
  if (typeof compiled === "string") return readable(req, plan, rules, compiled);
  const explored = explorePackedGraph(compiled, { invariants: req.invariants, maxStates: req.maxStates, timeoutMs: req.timeoutMs, onProgress: req.onProgress, deadlock: req.deadlock, coverage: req.coverage });
  const explorer: ExplorerInfo = {
    kind: "compiled",
    workers: 1,
    layout: describeLayout(compiled.layout),
    bitsPerState: compiled.layout.bits,
    symmetry: [],
    searchMs: explored.result.durationMs,
  };
  const r = explored.result;
  // With --coverage the graph search counted each step and branch on the way.
  const coverage = r.coverage && buildCoverage(applyVariant(req.spec, req.variant), r.coverage.counts.counts(), { engine: "native", complete: r.coverage.complete });
  const base = { distinctStates: r.distinctStates, generated: r.generated, depth: r.depth, explorer, ...(coverage ? { coverage } : {}) };
  if (r.verdict !== "ok" || !explored.graph) return { ...base, verdict: r.verdict, ...(r.invariant ? { invariant: r.invariant } : {}), ...(r.trace ? { trace: r.trace } : {}) };
  const graph = explored.graph;
  const verdict = checkLiveness(graph, plan.instances, rules, deadline(req.timeoutMs, started, r.distinctStates));
  const liveness = livenessInfo(verdict);
  if (!verdict.violation) return { ...base, verdict: "ok", liveness };
  const { lasso } = verdict.violation;
  const trace = replayVias(compiled, closedVias(graph, lasso).slice(1));
  return { ...base, verdict: "violation", ...violationFields(verdict), trace, ...lassoShape(lasso), liveness };
}

function compileWithPredicates(req: NativeRequest, plan: PropertyPlan): PackedProgram | string {
  try {
    const predicates = plan.predicates.map((p) => ({ property: p.property, expr: p.expr, bound: p.bound.map((b) => ({ name: b.name, value: b.value as Value | null })) }));
    return compilePacked(req.spec, req.variant, req.constants as Record<string, Value>, { symmetry: false, predicates, coverage: req.coverage });
  } catch (e) {
    if (e instanceof PackedUnsupported) return e.message;
    throw e;
  }
}

/** The readable explorer over the reference library, observed into a graph. */
async function readable(req: NativeRequest, plan: PropertyPlan, rules: ReturnType<typeof fairnessRules>, reason: string): Promise<NativeOutcome> {
  const started = performance.now();
  const model = await req.model();
  const predicates = plan.predicates.map((p) => predicateOf(model, req.constants, p.property, p.leaf, p.which, p.bound.map((b) => b.value)));
  const recorder = new GraphRecorder(predicates.length);
  const initial: number[] = [];
  const r: NativeResult<unknown> = exploreNative(model, {
    constants: req.constants,
    variant: req.variant,
    invariants: req.invariants,
    maxStates: req.maxStates,
    timeoutMs: req.timeoutMs,
    onProgress: req.onProgress,
    deadlock: req.deadlock,
    observer: {
      transition: (_from, to, t) => recorder.edge(to, recorder.actionCode(`${t.processSet}\u0000${t.step}\u0000${canonicalString(t.self)}`, () => ({ processSet: t.processSet, step: t.step, self: t.self }))),
      expanded: (id, state, degree) => {
        recorder.expanded(id, degree);
        predicates.forEach((p, k) => recorder.predicateValues[k]?.set(id, p(state)));
      },
    },
  });
  const explorer: ExplorerInfo = { kind: "reference", reason, searchMs: r.durationMs };
  const toJson = (trace: NonNullable<NativeResult<unknown>["trace"]>) => trace.map((t) => ({ step: t.step, processSet: t.processSet, self: t.self, params: t.params, state: model.toJson(t.state, req.constants) }));
  const base = { distinctStates: r.distinctStates, generated: r.generated, depth: r.depth, explorer };
  if (r.verdict !== "ok" || !r.tree) return { ...base, verdict: r.verdict, ...(r.invariant ? { invariant: r.invariant } : {}), ...(r.trace ? { trace: toJson(r.trace) } : {}) };
  const tree = r.tree;
  for (let id = 0; id < r.distinctStates && tree.parentOf(id) === -1; id++) initial.push(id);
  const graph = recorder.finish(r.distinctStates, initial, tree.parentOf, tree.viaOf);
  const verdict = checkLiveness(graph, plan.instances, rules, deadline(req.timeoutMs, started, r.distinctStates));
  const liveness = livenessInfo(verdict);
  if (!verdict.violation) return { ...base, verdict: "ok", liveness };
  const { lasso } = verdict.violation;
  const states = lasso.closing !== undefined && lasso.closing >= 0 ? [...lasso.states, lasso.states[lasso.loopStart ?? 0] as number] : lasso.states;
  const trace = toJson(tree.replay(states, closedVias(graph, lasso)));
  return { ...base, verdict: "violation", ...violationFields(verdict), trace, ...lassoShape(lasso), liveness };
}

/** The --timeout of the whole check (search and liveness), as a tick that throws once it has passed. */
export function deadline(timeoutMs: number | undefined, started: number, distinctStates: number): () => void {
  if (timeoutMs === undefined) return () => {};
  const end = started + timeoutMs;
  return () => {
    if (performance.now() > end)
      throw new EngineError("timeout", `The native engine did not finish within ${timeoutMs} ms (the state graph of ${distinctStates} distinct states was explored; the temporal properties were being checked).`);
  };
}

/** A predicate of the reference library's properties, bound to its arguments. */
function predicateOf(model: ReferenceModel<unknown>, constants: ConstantValues, property: string, leaf: number, which: "p" | "q", args: Json[]): (state: unknown) => boolean {
  const l = model.properties?.find((p) => p.name === property)?.leaves[leaf];
  const f = which === "p" ? l?.p : l?.q;
  if (!l || !f) throw new EngineError("crash", `The reference library has no predicate for property ${property} (regenerate it: npm run gen)`);
  return (state) => f(state, constants, args);
}

function violationFields(v: LivenessVerdict): Pick<NativeOutcome, "property" | "instance"> {
  const i = v.violation?.instance;
  if (!i) return {};
  return { property: i.property, ...(i.bound.length ? { instance: Object.fromEntries(i.bound.map((b) => [b.name, b.value])) } : {}) };
}

function livenessInfo(v: LivenessVerdict): LivenessInfo {
  return { instances: v.instances, transitions: v.transitions, fairness: v.constraints, checkMs: v.durationMs };
}

/** The lasso's vias, with the transition that closes the loop last (when it is not stuttering). */
function closedVias(g: StateGraph, lasso: GraphLasso): number[] {
  const vias = lassoVias(g, lasso);
  if (lasso.closing === undefined || lasso.closing < 0) return vias;
  const last = lasso.states[lasso.states.length - 1] as number;
  return [...vias, lasso.closing - (g.start[last] as number)];
}

/** Where the loop starts; a loop that is not stuttering ends the trace with the step back to it. */
function lassoShape(lasso: GraphLasso): Pick<NativeOutcome, "lasso"> {
  if (lasso.loopStart === undefined) return {};
  return { lasso: { loopStart: lasso.loopStart, stuttering: lasso.closing === undefined || lasso.closing < 0 } };
}
