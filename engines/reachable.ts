/**
 * Reachability goals (`.reachable(name, goal)`): some reachable state must satisfy the goal.
 *
 * Every engine checks a goal the same way, the way TLC has to: as the invariant "the goal does not
 * hold" (`<goal>_unreached == ~(<goal>)`), with the verdict inverted. A violation of that invariant
 * is a state where the goal holds, and the engine's counterexample (the shortest, on the breadth-first
 * engines) is the witness; if the invariant holds, no reachable state reaches the goal: a finding
 * (the situation a bug needs cannot happen, or a step is dead).
 */
import type { Spec } from "../generator/ir.ts";
import { freshName, topLevelNames } from "../generator/tla/fresh-names.ts";
import { EngineError, type CheckResult, type EngineName, type TraceStep } from "./result.ts";

export interface ReachabilityResult {
  goal: string;
  reached: boolean;
  engine: EngineName;
  variant: string | null;
  config: string;
  /** Distinct states explored: up to the witness when reached, every reachable state when not. */
  distinctStates: number;
  /** The shortest path to a state where the goal holds (initial state first), when reached. */
  witness?: TraceStep[];
  /** The invariant the engine checked: the goal's negation. */
  checkedAs: string;
  durationMs: number;
}

/** The spec as the check of one goal sees it: one invariant, the goal's negation, under a fresh name. */
export function goalAsInvariant(spec: Spec, goal: string): { spec: Spec; invariant: string } {
  const g = spec.reachables?.find((r) => r.name === goal);
  if (!g) {
    const names = (spec.reachables ?? []).map((r) => r.name);
    throw new EngineError("usage", `${spec.name} has no reachability goal "${goal}". ${names.length ? `Goals: ${names.join(", ")}.` : "It declares none (.reachable(name, (s) => …))."}`);
  }
  const taken = topLevelNames(spec);
  const invariant = freshName(`${goal}_unreached`, (n) => taken.has(n));
  return {
    spec: { ...spec, invariants: [{ name: invariant, body: { kind: "not", arg: g.body }, doc: `The reachability goal ${goal} is never reached (checked for a witness).`, loc: g.loc }] },
    invariant,
  };
}

/** A goal's check result, read the other way round. */
export function reachabilityOf(goal: string, r: CheckResult, invariant: string): ReachabilityResult {
  if (r.verdict === "violation" && r.invariant !== invariant)
    throw new EngineError("crash", `The check of reachability goal ${goal} stopped on ${r.invariant ?? "another invariant"}, not on ${invariant}.`);
  return {
    goal,
    reached: r.verdict === "violation",
    engine: r.engine,
    variant: r.variant,
    config: r.config,
    distinctStates: r.distinctStates,
    ...(r.verdict === "violation" && r.trace ? { witness: r.trace } : {}),
    checkedAs: invariant,
    durationMs: r.durationMs,
  };
}
