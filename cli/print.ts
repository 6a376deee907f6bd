/**
 * Human-readable check results: the verdict, then the counterexample step by step (step name, process,
 * the function it models, and the variables that changed).
 */
import type { CheckResult, Json, TraceState, TraceStep } from "../engines/result.ts";
import { canonicalString } from "../engines/state-json.ts";

const show = (v: Json): string => (typeof v === "string" ? JSON.stringify(v) : canonicalString(v));

/** The changes from one state to the next, one level into maps and records (`flag[0]: false → true`). */
export function changes(before: TraceState, after: TraceState): string[] {
  const out: string[] = [];
  for (const name of Object.keys(after)) {
    const a = before[name] ?? null;
    const b = after[name] ?? null;
    if (canonicalString(a) === canonicalString(b)) continue;
    if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
      for (const key of Object.keys(b)) {
        const x = a[key] ?? null;
        const y = b[key] ?? null;
        if (canonicalString(x) !== canonicalString(y)) out.push(`${name}[${key}]: ${show(x)} → ${show(y)}`);
      }
    } else out.push(`${name}: ${show(a)} → ${show(b)}`);
  }
  return out;
}

export function formatStepHeader(step: TraceStep, i: number): string {
  if (step.step === "Init") return `${String(i).padStart(3)}. Init`;
  // A plain action belongs to no process.
  const who = step.processSet ? `${step.processSet} ${show(step.process)}` : step.process === null ? "action" : `process ${show(step.process)}`;
  // Which branch of an either() was taken shows in the state changes; its key is only a location.
  const params = Object.entries(step.params)
    .filter(([k]) => !k.startsWith("either@"))
    .map(([k, v]) => `${k}=${show(v)}`);
  const models = step.models ? `  [${step.models}]` : "";
  const where = step.loc ? `  (${step.loc.file}:${step.loc.line})` : "";
  return `${String(i).padStart(3)}. ${who}: ${step.step}${params.length ? ` with ${params.join(", ")}` : ""}${models}${where}`;
}

export function formatTrace(trace: TraceStep[]): string {
  const lines: string[] = [];
  trace.forEach((step, i) => {
    lines.push(formatStepHeader(step, i));
    const prev = trace[i - 1];
    const detail = prev ? changes(prev.state, step.state) : Object.entries(step.state).map(([k, v]) => `${k} = ${show(v)}`);
    for (const d of detail) lines.push(`       ${d}`);
  });
  return lines.join("\n");
}

export function formatResult(r: CheckResult): string {
  const what = `${r.spec}${r.variant ? ` (variant ${r.variant})` : ""}, configuration ${r.config}, ${r.engine} engine`;
  const figures = `${r.distinctStates} distinct states, ${(r.durationMs / 1000).toFixed(2)} s`;
  if (r.verdict === "ok") return `OK: every checked invariant holds. ${what}; ${figures}.`;
  const head = `VIOLATION: invariant ${r.invariant ?? "?"} is violated. ${what}; ${figures}.`;
  if (!r.trace) return head;
  return `${head}\nCounterexample (${r.trace.length - 1} steps):\n${formatTrace(r.trace)}`;
}
