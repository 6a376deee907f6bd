/**
 * Checking every property instance on an explored graph under the spec's fairness: the first
 * instance (in declaration order) that fails, with its lasso.
 */
import { constraintsOn, type FairnessRule } from "./fairness.ts";
import type { StateGraph } from "./graph.ts";
import type { PropertyInstance } from "./instances.ts";
import { findViolation, type GraphLasso, LivenessContext } from "./search.ts";

export interface LivenessVerdict {
  /** The first instance that fails, and its counterexample; none when every instance holds. */
  violation?: { instance: PropertyInstance; lasso: GraphLasso };
  /** The fairness constraints instantiated on the graph (e.g. `WF_vars(proc) for proc 0`). */
  constraints: string[];
  instances: number;
  transitions: number;
  durationMs: number;
}

/**
 * `tick` is called between instances and while fair components are refined; it throws to stop the
 * check (the native engine's --timeout covers this phase too).
 */
export function checkLiveness(g: StateGraph, instances: readonly PropertyInstance[], rules: readonly FairnessRule[], tick: () => void = () => {}): LivenessVerdict {
  const started = performance.now();
  const c = constraintsOn(g.actions, rules);
  const ctx = new LivenessContext(g, c);
  ctx.scratch.tick = tick;
  const base = { constraints: c.describe, instances: instances.length, transitions: g.target.length };
  for (const instance of instances) {
    tick();
    const lasso = findViolation(ctx, instance);
    if (lasso) return { ...base, violation: { instance, lasso }, durationMs: Math.round(performance.now() - started) };
  }
  return { ...base, durationMs: Math.round(performance.now() - started) };
}

/** The lasso's transitions as the indices a trace is replayed by: per state, the via that reached it (the first: its index among the initial states). */
export function lassoVias(g: StateGraph, lasso: GraphLasso): number[] {
  return lasso.states.map((s, i) => (i === 0 ? g.viaOf(s) : (lasso.edges[i - 1] as number) - (g.start[lasso.states[i - 1] as number] as number)));
}
