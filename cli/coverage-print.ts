/**
 * Coverage as text for a terminal: one line per step (process set, step, counts), its branch arms
 * indented under it, then the warnings (steps never fired, arms never taken) and the engine's notes.
 */
import { armWords, type Coverage, type StepCoverage } from "../engines/coverage.ts";

const count = (n: number | null | undefined): string => (n === null || n === undefined ? "?" : String(n));

function stepLine(s: StepCoverage, width: number, c: Coverage): string {
  const name = `${s.processSet}.${s.step}`.padEnd(width);
  const distinct = s.distinct === undefined ? "" : `  ${String(s.distinct).padStart(7)} new`;
  const what = c.generatedMeans === "transitions" ? "fired" : "edges";
  return `  ${name} ${String(s.generated).padStart(8)} ${what}${distinct}${s.generated === 0 ? "   NEVER FIRED" : ""}`;
}

export function formatCoverage(c: Coverage): string {
  const width = Math.max(...c.steps.map((s) => s.processSet.length + 1 + s.step.length), 4);
  const lines = [
    `Coverage (${c.engine} engine${c.complete ? "" : ", partial: the search stopped before it explored every state"}): ${c.init.distinct} initial state${c.init.distinct === 1 ? "" : "s"}`,
  ];
  for (const s of c.steps) {
    lines.push(stepLine(s, width, c));
    for (const b of s.branches ?? [])
      for (const a of b.arms) {
        const mark = a.taken === 0 ? "   NEVER" : a.exact === false ? "   (formula evaluations, a bound)" : "";
        lines.push(`      ${armWords(b, a.arm, b.arms.length).padEnd(40)} ${count(a.taken).padStart(8)}${mark}`);
      }
  }
  if (c.warnings.length) lines.push(`Warnings (${c.warnings.length}):`, ...c.warnings.map((w) => `  ${w}`));
  else if (c.complete) lines.push(c.branchesCounted ? "Every step fired and every branch arm was taken." : "Every step fired.");
  for (const n of c.notes) lines.push(`Note: ${n}`);
  return lines.join("\n");
}
