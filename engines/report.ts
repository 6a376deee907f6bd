/**
 * A verdict for every (variant, configuration, invariant or property) of a spec: the results table.
 *
 * An engine stops at the first violated invariant, so each (variant, configuration) is checked with
 * all invariants, the violated one is recorded with its counterexample, and the check is repeated
 * without it until the rest hold. Invariants that hold therefore share one complete exploration.
 * The temporal properties are checked the same way, after the invariants (without them); the
 * embedded engine cannot check properties, so with it their rows come from the native engine (the
 * row says which engine).
 */
import type { LoadedSpec } from "../generator/frontend/load.ts";
import { runCheck } from "./check.ts";
import type { CheckResult, EngineName, Progress } from "./result.ts";
import type { Coverage } from "./coverage.ts";

export interface ReportRow {
  variant: string;
  config: string;
  /** The invariant's name, or the property's (see `kind`). */
  invariant: string;
  kind: "invariant" | "property";
  verdict: "ok" | "violation" | "deadlock";
  /** Distinct states of the exploration that gave the verdict. */
  distinctStates: number;
  /** Steps in the counterexample (violations only). */
  traceLength?: number;
  engine: EngineName;
  durationMs: number;
  /** The counterexample itself, for the JSON report. */
  result: CheckResult;
}

/** The coverage column: steps fired and arms taken, of the exploration that gave the row's verdict. */
export function coverageSummary(c: Coverage | undefined): string {
  if (!c) return "";
  const fired = c.steps.filter((s) => s.generated > 0).length;
  const arms = c.steps.flatMap((s) => s.branches ?? []).flatMap((b) => b.arms);
  const taken = arms.filter((a) => a.taken !== 0).length;
  const parts = [`${fired}/${c.steps.length} steps`, ...(c.branchesCounted ? [`${taken}/${arms.length} arms`] : [])];
  return c.complete ? parts.join(", ") : `partial: ${parts.join(", ")}`;
}

export interface ReportRequest {
  loaded: LoadedSpec;
  specArg: string;
  engine: EngineName | "auto";
  /** Native engine: the readable explorer instead of the compiled one. */
  explorer?: "compiled" | "reference";
  workers?: number | "auto";
  configs?: string[];
  variants?: string[];
  tlcJar?: string;
  root: string;
  onRow?: (row: ReportRow) => void;
  /** Passed to each check (see CheckRequest). */
  onProgress?: (p: Progress) => void;
  onEngine?: (engine: EngineName) => void;
  /** Count coverage in every check (the table then has a coverage column). */
  coverage?: boolean;
  /** Only the invariants (with TypeOK), or only the temporal properties (default: both). */
  kind?: ReportRow["kind"];
}

export async function buildReport(req: ReportRequest): Promise<ReportRow[]> {
  const { spec } = req.loaded;
  const variants = req.variants ?? [spec.baseVariant ?? "base", ...spec.variants.map((v) => v.name)];
  const configs = req.configs ?? spec.configs.map((c) => c.name);
  const rows: ReportRow[] = [];
  for (const variant of variants) {
    for (const config of configs) {
      const all: { kind: ReportRow["kind"]; names: string[] }[] = [
        { kind: "invariant", names: ["TypeOK", ...spec.invariants.map((i) => i.name)] },
        { kind: "property", names: spec.properties.map((p) => p.name) },
      ];
      const groups = all.filter((g) => !req.kind || g.kind === req.kind);
      for (const { kind, names } of groups) {
        let remaining = names;
        while (remaining.length > 0) {
          const property = kind === "property";
          const result = await runCheck({
            loaded: req.loaded,
            specArg: req.specArg,
            config,
            variant,
            invariants: property ? [] : remaining,
            properties: property ? remaining : [],
            engine: property && req.engine === "embedded" ? "native" : req.engine,
            explorer: req.explorer,
            workers: req.workers,
            tlcJar: req.tlcJar,
            root: req.root,
            onProgress: req.onProgress,
            onEngine: req.onEngine,
            coverage: req.coverage,
          });
          const failed = property ? result.property : result.invariant;
          const done = result.verdict === "violation" && failed ? [failed] : remaining;
          for (const name of done) {
            const row: ReportRow = {
              variant,
              config,
              invariant: name,
              kind,
              verdict: result.verdict,
              distinctStates: result.distinctStates,
              ...(result.trace ? { traceLength: result.trace.length - 1 } : {}),
              engine: result.engine,
              durationMs: result.durationMs,
              result,
            };
            rows.push(row);
            req.onRow?.(row);
          }
          remaining = remaining.filter((i) => !done.includes(i));
        }
      }
    }
  }
  return rows;
}

/** The results as a Markdown table, in spec order of invariants (properties after them, in the order checked). */
export function reportTable(rows: ReportRow[], invariantOrder: string[]): string {
  const rank = (r: ReportRow) => (r.kind === "property" || !invariantOrder.includes(r.invariant) ? invariantOrder.length : invariantOrder.indexOf(r.invariant));
  const sorted = [...rows].sort((a, b) => a.variant.localeCompare(b.variant) || a.config.localeCompare(b.config) || rank(a) - rank(b));
  const withCoverage = rows.some((r) => r.result.coverage);
  const lines = [
    `| variant | configuration | invariant | verdict | distinct states | trace steps | engine |${withCoverage ? " coverage |" : ""}`,
    `| --- | --- | --- | --- | ---: | ---: | --- |${withCoverage ? " --- |" : ""}`,
    ...sorted.map(
      (r) =>
        `| ${r.variant} | ${r.config} | ${r.kind === "property" ? `${r.invariant} (property)` : r.invariant} | ${r.verdict === "ok" ? "holds" : "**violated**"} | ${r.distinctStates} | ${r.traceLength ?? ""} | ${r.engine} |${withCoverage ? ` ${coverageSummary(r.result.coverage)} |` : ""}`,
    ),
  ];
  return lines.join("\n");
}

/**
 * The results as one Markdown matrix: a row per (configuration, variant), in the order they were
 * checked, a column per name of `columns` that has rows (the invariants, then the properties); a cell
 * says "✓" (holds) or "**✗** n" (violated, n-step shortest counterexample). "states" is the size of the
 * complete exploration (blank when every invariant failed and no native property check explored it all).
 */
export function reportMatrix(rows: ReportRow[], columns: string[]): string {
  const keys: string[] = [];
  const byKey = new Map<string, ReportRow[]>();
  for (const r of rows) {
    const key = `${r.config}\u0000${r.variant}`;
    if (!byKey.has(key)) {
      keys.push(key);
      byKey.set(key, []);
    }
    byKey.get(key)?.push(r);
  }
  const configs = [...new Set(rows.map((r) => r.config))];
  keys.sort((a, b) => configs.indexOf(a.split("\u0000")[0] ?? "") - configs.indexOf(b.split("\u0000")[0] ?? ""));
  const invariants = columns.filter((i) => rows.some((r) => r.invariant === i));
  const lines = [
    `| configuration | variant | states | ${invariants.join(" | ")} |`,
    `| --- | --- | ---: | ${invariants.map(() => ":---:").join(" | ")} |`,
  ];
  for (const key of keys) {
    const group = byKey.get(key) ?? [];
    const first = group[0];
    if (!first) continue;
    // The native engine records the whole graph before it looks for a lasso, so a violated property's count is complete too.
    const full = group.find((r) => r.verdict === "ok") ?? group.find((r) => r.kind === "property" && r.engine === "native");
    const cell = (i: string) => {
      const r = group.find((x) => x.invariant === i);
      return !r ? "" : r.verdict === "ok" ? "✓" : `**✗** ${r.traceLength ?? ""}`;
    };
    lines.push(`| ${first.config} | ${first.variant} | ${full ? full.distinctStates : ""} | ${invariants.map(cell).join(" | ")} |`);
  }
  return lines.join("\n");
}
