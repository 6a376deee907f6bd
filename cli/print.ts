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
    ...(r.loopStep ? { loopStep: r.loopStep } : {}),
    ...(r.property ? { property: r.property } : {}),
    ...(r.instance ? { instance: r.instance } : {}),
    title: `${resultTitle(r)}: ${whatFailed(r)}`,
  });
}

/** `invariant X violated`, `property P violated (p = 1)`, `deadlock`. */
export function whatFailed(r: CheckResult): string {
  if (r.verdict === "deadlock") return "deadlock";
  if (r.property) return `property ${r.property} violated${instanceText(r)}`;
  return `invariant ${r.invariant ?? "?"} violated`;
}

function instanceText(r: CheckResult): string {
  return r.instance ? ` (${Object.entries(r.instance).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(", ")})` : "";
}

export function formatResult(r: CheckResult, ctx?: PrintContext): string {
  const what = resultTitle(r);
  const figures = `${r.distinctStates} distinct states${ctx?.noTiming ? "" : `, ${(r.durationMs / 1000).toFixed(2)} s`}`;
  const unchecked = r.notChecked ? `\nNOT CHECKED: property ${r.notChecked.properties.join(", ")}: ${r.notChecked.reason}. Check ${r.notChecked.properties.length > 1 ? "them" : "it"} with --engine native or --engine tlc.` : "";
  if (r.verdict === "ok") return `OK: every checked invariant${r.properties?.length ? " and property" : ""} holds. ${what}; ${figures}.${unchecked}`;
  const head =
    r.verdict === "deadlock"
      ? `DEADLOCK: a reachable state where no step is enabled and not every process is Done. ${what}; ${figures}.`
      : r.property
        ? `VIOLATION: property ${r.property} is violated${instanceText(r)}. ${what}; ${figures}.`
        : `VIOLATION: invariant ${r.invariant ?? "?"} is violated. ${what}; ${figures}.`;
  const model = resultModel(r, ctx);
  if (!model) return `${head}${unchecked}`;
  const steps = `${model.steps.length} step${model.steps.length === 1 ? "" : "s"}`;
  const shape = r.loopStart === undefined ? steps : `a lasso: ${steps}, then the loop from state ${r.loopStart}`;
  return [head, `Counterexample (${shape}):`, ...narrativeLines(model, { fullInit: ctx?.fullInit })].join("\n") + unchecked;
}

/** A trace told without its spec (every variable of the initial state, then each step's changes). */
export function formatTrace(trace: TraceStep[]): string {
  return narrativeLines(traceModel({ trace })).join("\n");
}

/** The changes from one state to the next in the compact notation (`flag[0]: false → true`). */
export function changes(before: TraceState, after: TraceState): string[] {
  return changedEntries(before, after, new Map()).map(formatChange);
}
