/**
 * Human-readable check results: the verdict, then the counterexample told step by step (see
 * traces/narrative.ts), then why the invariant fails in the last state.
 */
import type { ConstantValues } from "../engines/model.ts";
import type { CheckResult, TraceState, TraceStep } from "../engines/result.ts";
import type { Spec } from "../generator/ir.ts";
import { narrativeLines } from "../traces/narrative.ts";
import { changedEntries, formatChange } from "../traces/notation.ts";
import { type TraceModel, traceModel } from "../traces/trace-model.ts";

/** What the narrative reads besides the result: the spec (variant applied) and the configuration's constants. */
export interface PrintContext {
  spec: Spec;
  constants: ConstantValues;
  fullInit?: boolean;
  /** Leave the duration out (for generated documents that must not change from run to run). */
  noTiming?: boolean;
}

export function resultTitle(r: CheckResult): string {
  return `${r.spec}${r.variant ? ` (variant ${r.variant})` : ""}, configuration ${r.config}, ${r.engine} engine`;
}

/** The counterexample of a result, prepared for the text, SVG and HTML renderers. */
export function resultModel(r: CheckResult, ctx?: PrintContext): TraceModel | undefined {
  if (!r.trace) return undefined;
  return traceModel({
    trace: r.trace,
    ...(ctx ? { spec: ctx.spec, constants: ctx.constants } : {}),
    ...(r.invariant ? { invariant: r.invariant } : {}),
    ...(r.loopStart !== undefined ? { loopStart: r.loopStart } : {}),
    title: `${resultTitle(r)}: invariant ${r.invariant ?? "?"} violated`,
  });
}

export function formatResult(r: CheckResult, ctx?: PrintContext): string {
  const what = resultTitle(r);
  const figures = `${r.distinctStates} distinct states${ctx?.noTiming ? "" : `, ${(r.durationMs / 1000).toFixed(2)} s`}`;
  if (r.verdict === "ok") return `OK: every checked invariant holds. ${what}; ${figures}.`;
  const head = `VIOLATION: invariant ${r.invariant ?? "?"} is violated. ${what}; ${figures}.`;
  const model = resultModel(r, ctx);
  if (!model) return head;
  return [head, `Counterexample (${model.steps.length} steps):`, ...narrativeLines(model, { fullInit: ctx?.fullInit })].join("\n");
}

/** A trace told without its spec (every variable of the initial state, then each step's changes). */
export function formatTrace(trace: TraceStep[]): string {
  return narrativeLines(traceModel({ trace })).join("\n");
}

/** The changes from one state to the next in the compact notation (`flag[0]: false → true`). */
export function changes(before: TraceState, after: TraceState): string[] {
  return changedEntries(before, after, new Map()).map(formatChange);
}
