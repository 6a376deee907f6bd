/**
 * Reachability goals as text: reached, with the witness told like a counterexample, or unreached as
 * a finding. On TLC the check was of the goal's negation as an invariant, and the text says so.
 */
import type { ReachabilityResult } from "../engines/reachable.ts";
import { narrativeLines } from "../traces/narrative.ts";
import { traceModel } from "../traces/trace-model.ts";
import type { PrintContext } from "./print.ts";

export function formatReachability(results: ReachabilityResult[], ctx?: PrintContext): string {
  const lines: string[] = [];
  for (const r of results) {
    const how = r.engine === "tlc" ? ` (TLC checked INVARIANT ${r.checkedAs}, the goal's negation: its violation is the witness)` : "";
    if (!r.reached) {
      lines.push(`UNREACHED: reachability goal ${r.goal} holds in none of the ${r.distinctStates} reachable states${how}. The model cannot get into this situation.`);
      continue;
    }
    const steps = r.witness ? r.witness.length - 1 : undefined;
    lines.push(`REACHED: reachability goal ${r.goal}${steps !== undefined ? `, witness of ${steps} step${steps === 1 ? "" : "s"}` : ""}${how}.`);
    if (r.witness) {
      const model = traceModel({ trace: r.witness, ...(ctx ? { spec: ctx.spec, constants: ctx.constants } : {}), title: `witness for ${r.goal}` });
      lines.push(...narrativeLines(model, { fullInit: ctx?.fullInit }).map((l) => `  ${l}`));
    }
  }
  return lines.join("\n");
}
