/**
 * Checking a spec's reachability goals: one search per goal (engines/reachable.ts), each stopping at
 * the first state that reaches it.
 */
import { type CheckRequest, runCheck } from "./check.ts";
import { goalAsInvariant, type ReachabilityResult, reachabilityOf } from "./reachable.ts";

/** The goals named (default: every goal of the spec), checked in order on the request's engine and configuration. */
export async function checkGoals(req: Omit<CheckRequest, "goal" | "invariant" | "invariants" | "coverage">, goals?: string[]): Promise<ReachabilityResult[]> {
  const spec = req.loaded.spec;
  const out: ReachabilityResult[] = [];
  for (const goal of goals ?? (spec.reachables ?? []).map((r) => r.name)) {
    const { invariant } = goalAsInvariant(spec, goal);
    out.push(reachabilityOf(goal, await runCheck({ ...req, goal }), invariant));
  }
  return out;
}
