/**
 * The results table of `raidspec report` in Markdown, followed by the story of the shortest
 * counterexample of each violated invariant (per variant), as `report --markdown` prints it and the
 * README's generated sections hold it. Deterministic: no timings.
 */
import type { ReportRow } from "../engines/report.ts";
import { reportMatrix, reportTable } from "../engines/report.ts";
import { constantValues } from "../engines/state-json.ts";
import type { Spec } from "../generator/ir.ts";
import { applyVariant } from "../generator/tla/module.ts";
import { narrativeLines } from "./narrative.ts";
import { traceModel } from "./trace-model.ts";

/** The story of one counterexample as a fenced text block. */
export function traceBlock(spec: Spec, row: ReportRow): string[] {
  const trace = row.result.trace ?? [];
  const applied = applyVariant(spec, row.variant === (spec.baseVariant ?? "base") ? null : row.variant);
  const r = row.result;
  const model = traceModel({
    trace,
    spec: applied,
    constants: constantValues(spec, row.config),
    ...(row.kind === "property"
      ? { property: row.invariant, ...(r.instance ? { instance: r.instance } : {}), ...(r.loopStart !== undefined ? { loopStart: r.loopStart } : {}), ...(r.loopStep ? { loopStep: r.loopStep } : {}) }
      : { invariant: row.invariant }),
  });
  return ["```text", ...narrativeLines(model), "```"];
}

/** `layout: "matrix"`: one row per (configuration, variant), a column per invariant, then per property (see reportMatrix). */
export function reportMarkdown(rows: ReportRow[], spec: Spec, opts: { layout?: "rows" | "matrix" } = {}): string {
  const order = ["TypeOK", ...spec.invariants.map((i) => i.name)];
  const lines = [opts.layout === "matrix" ? reportMatrix(rows, [...order, ...spec.properties.map((p) => p.name)]) : reportTable(rows, order)];
  // Per variant and invariant, the shortest counterexample over the configurations (the first on a tie).
  const shortest = new Map<string, ReportRow>();
  for (const r of rows) {
    if (r.verdict !== "violation" || !r.result.trace) continue;
    const key = `${r.variant}\u0000${r.invariant}`;
    const best = shortest.get(key);
    if (!best || (r.traceLength ?? 0) < (best.traceLength ?? 0)) shortest.set(key, r);
  }
  const rank = (r: ReportRow) => (r.kind === "property" ? order.length + spec.properties.findIndex((p) => p.name === r.invariant) : order.indexOf(r.invariant));
  const stories = [...shortest.values()].sort((a, b) => a.variant.localeCompare(b.variant) || rank(a) - rank(b));
  if (stories.length > 0) lines.push("", `The shortest counterexample of each violated invariant${rows.some((r) => r.kind === "property") ? " and property" : ""}, told by raidspec:`);
  for (const r of stories) {
    lines.push(
      "",
      `<details><summary><b>${r.variant}: ${r.invariant}${r.kind === "property" ? " (property)" : ""}</b> (configuration ${r.config}, ${r.traceLength} steps${r.result.loopStart !== undefined ? ", a lasso" : ""}, ${r.engine} engine)</summary>`,
      "",
      ...traceBlock(spec, r),
      "",
      "</details>",
    );
  }
  return lines.join("\n");
}
