/**
 * `raidspec conform`: the three conformance checks (lockstep, replay, counts; see DESIGN.md) for each
 * variant of a spec in one configuration, and their report.
 */
import { formatTrace, changes } from "../cli/print.ts";
import type { LoadedSpec } from "../generator/frontend/load.ts";
import { loadSpec } from "../generator/frontend/load.ts";
import { select } from "../engines/check.ts";
import type { ReferenceModel } from "../engines/model.ts";
import { referenceOf } from "../engines/native/load-reference.ts";
import type { Json, TraceState } from "../engines/result.ts";
import { canonicalString, constantValues } from "../engines/state-json.ts";
import { compareCounts, type CountsResult } from "./counts.ts";
import { type Divergence, lockstep, type LockstepResult } from "./lockstep.ts";
import { type ReplayResult, verifyCounterexample } from "./replay.ts";

export interface ConformanceOptions {
  /** The configuration (default: as `raidspec check` picks it). */
  config?: string;
  /** Variant names, "base" (or the spec's base-variant name) for the base steps; default: all. */
  variants?: string[];
  /** Bound on the states lockstep compares per variant (default: all reachable states). */
  maxStates?: number;
  tlcJar?: string;
  root?: string;
  specArg?: string;
  /** Progress lines for a person watching (lockstep on a big configuration takes minutes). */
  onProgress?: (line: string) => void;
  /** The reference library to compare with (default: generated from the spec now). */
  model?: ReferenceModel<unknown>;
}

export interface VariantConformance {
  /** Null for the base steps. */
  variant: string | null;
  /** The variant as users name it (the spec's base-variant name or "base" for null). */
  label: string;
  ok: boolean;
  lockstep: LockstepResult;
  counts: CountsResult;
  /** One per counterexample a TLA+ engine found (the native engine's come from the reference itself). */
  replays: ReplayResult[];
}

export interface ConformanceReport {
  ok: boolean;
  spec: string;
  config: string;
  variants: VariantConformance[];
  durationMs: number;
}

export async function runConformance(loaded: LoadedSpec, options: ConformanceOptions = {}): Promise<ConformanceReport> {
  const started = performance.now();
  const root = options.root ?? process.cwd();
  const specArg = options.specArg ?? loaded.spec.source;
  const { spec } = loaded;
  const config = select(spec, { config: options.config }).config.name;
  const baseLabel = spec.baseVariant ?? "base";
  const wanted = options.variants ?? [baseLabel, ...spec.variants.map((v) => v.name)];
  const variants = wanted.map((name) => select(spec, { config, variant: name }).variant);
  const model: ReferenceModel<unknown> = options.model ?? (await referenceOf(loaded.spec));
  const say = options.onProgress ?? (() => {});
  const constants = constantValues(spec, config);

  const out: VariantConformance[] = [];
  for (const variant of variants) {
    const label = variant ?? baseLabel;
    let lastReport = performance.now();
    say(`${label}: lockstep…`);
    const ls = await lockstep(loaded, {
      config,
      variant,
      maxStates: options.maxStates,
      model,
      root,
      specArg,
      onProgress: (p) => {
        if (performance.now() - lastReport < 2000) return;
        lastReport = performance.now();
        say(`${label}: lockstep ${p.compared} states compared, ${p.queued} queued (${(p.elapsedMs / 1000).toFixed(0)} s)`);
      },
    });
    say(`${label}: counts…`);
    const counts = await compareCounts(loaded, { config, variant, tlcJar: options.tlcJar, root, specArg });
    const replays: ReplayResult[] = [];
    for (const run of counts.runs) {
      if (run.engine === "native") continue;
      if (run.ran) {
        if (run.result.verdict === "violation")
          replays.push(verifyCounterexample(model, spec, run.result, { variant, constants, checked: counts.invariants }));
      } else if (run.kind === "crash")
        // explainTrace throws a crash when a step of the engine's trace does not replay.
        replays.push({
          ok: false,
          outcome: "failed",
          engine: run.engine,
          spec: spec.name,
          variant,
          config,
          checked: counts.invariants,
          problems: [run.error],
        });
    }
    out.push({ variant, label, ok: ls.ok && counts.ok && replays.every((r) => r.ok), lockstep: ls, counts, replays });
  }
  return { ok: out.every((v) => v.ok), spec: spec.name, config, variants: out, durationMs: Math.round(performance.now() - started) };
}

// ---------------------------------------------------------------------------------------------
// The report for people

const show = (v: Json): string => (typeof v === "string" ? JSON.stringify(v) : canonicalString(v));
const indent = (text: string, by: string) =>
  text
    .split("\n")
    .map((l) => `${by}${l}`)
    .join("\n");

export function formatConformance(report: ConformanceReport): string {
  const lines = [`Conformance of ${report.spec}, configuration ${report.config}:`];
  for (const v of report.variants) {
    lines.push(`  ${v.label}: ${v.ok ? "agree" : "DIFFER"}`);
    lines.push(indent(formatLockstep(v.lockstep), "    "));
    lines.push(indent(formatCounts(v.counts), "    "));
    if (v.replays.length === 0) lines.push("    replay: no TLA+ counterexample to replay");
    for (const r of v.replays) lines.push(indent(formatReplay(r), "    "));
  }
  lines.push(
    report.ok
      ? `OK: the TLA+ module and the reference library agree (${(report.durationMs / 1000).toFixed(1)} s).`
      : `DIFFERENCES FOUND between the TLA+ module and the reference library (${(report.durationMs / 1000).toFixed(1)} s).`,
  );
  return lines.join("\n");
}

function formatLockstep(r: LockstepResult): string {
  const perCall = r.exploreNextCalls > 0 ? `, ${(r.exploreNextMs / r.exploreNextCalls).toFixed(1)} ms per explore_next` : "";
  const figures = `${r.states} states compared${r.complete ? " (every reachable state)" : r.ok ? " (bounded by --max-states: not every reachable state)" : ""}, ${r.transitions} transitions, ${(r.durationMs / 1000).toFixed(1)} s${perCall}`;
  if (r.ok) return `lockstep: same successors and invariant values in every state compared; ${figures}`;
  return `lockstep: DIVERGENCE; ${figures}\n${indent(formatDivergence(r.divergence), "  ")}`;
}

export function formatDivergence(d: Divergence): string {
  const states = (xs: TraceState[]) => xs.map((s) => `  ${canonicalString(s)}`);
  if (d.kind === "init")
    return [
      "The initial states differ.",
      ...(d.onlyInReference.length ? ["Only in the reference library:", ...states(d.onlyInReference)] : []),
      ...(d.onlyInTla.length ? ["Only in the TLA+ module:", ...states(d.onlyInTla)] : []),
    ].join("\n");
  if (d.kind === "invariant")
    return [
      `${d.invariant} ${d.reference ? "holds" : "is violated"} in the reference library but ${d.tla ? "holds" : "is violated"} in the TLA+ module, in a state reached in ${d.path.length - 1} steps:`,
      indent(formatTrace(d.path), "  "),
    ].join("\n");
  const where = d.state === null ? "computing the initial states" : `in state ${canonicalString(d.state)}`;
  if (d.kind === "error")
    return [
      `The ${d.side === "tla" ? "TLA+ module (tla-checker)" : "reference library"} failed ${where}: ${d.message}`,
      ...(d.path.length ? ["Reached by:", indent(formatTrace(d.path), "  ")] : []),
    ].join("\n");
  const lines = [`The successors differ in a state reached in ${d.path.length - 1} steps (steps involved: ${d.steps.join(", ")}):`, indent(formatTrace(d.path), "  ")];
  const delta = (after: TraceState) => changes(d.state, after).join("; ") || "(no change)";
  if (d.onlyInReference.length) {
    lines.push("Only the reference library takes:");
    for (const t of d.onlyInReference) {
      const params = Object.entries(t.params).map(([k, x]) => `${k}=${show(x)}`);
      lines.push(`  ${t.processSet} ${show(t.self)}: ${t.step}${params.length ? ` with ${params.join(", ")}` : ""} → ${delta(t.state)}`);
    }
  }
  if (d.onlyInTla.length) {
    lines.push("Only the TLA+ module takes:");
    for (const t of d.onlyInTla) lines.push(`  ${t.action} → ${delta(t.state)}`);
  }
  lines.push(`Successors: ${d.reference.length} in the reference library, ${d.tla.length} in the TLA+ module.`);
  return lines.join("\n");
}

function formatCounts(c: CountsResult): string {
  const runs = c.runs.map((r) => {
    if (!r.ran) return `${r.engine}: ${r.skipped ? "skipped" : "no verdict"} (${r.error})`;
    const x = r.result;
    return x.verdict === "ok"
      ? `${r.engine}: holds, ${x.distinctStates} states`
      : `${r.engine}: ${x.invariant ?? "?"} violated${x.trace ? ` in ${x.trace.length - 1} steps` : ""}`;
  });
  const what = { states: "same state counts", violation: "same violation", verdicts: "verdicts compared", nothing: "nothing compared" }[c.compared];
  return [`counts: ${c.ok ? `OK, ${what}` : "DIFFER"}: ${runs.join("; ")}`, ...c.problems.map((p) => `  ${p}`)].join("\n");
}

function formatReplay(r: ReplayResult): string {
  if (r.outcome === "no-counterexample") return `replay (${r.engine}): no counterexample`;
  if (r.ok) return `replay (${r.engine}): the ${r.traceLength}-step counterexample to ${r.invariant} replays on the reference library and breaks it there`;
  return [`replay (${r.engine}): FAILED`, ...r.problems.map((p) => `  ${p}`)].join("\n");
}

// ---------------------------------------------------------------------------------------------
// The command

export interface ConformCommandOptions {
  config?: string;
  variants?: string[];
  maxStates?: number;
  tlcJar?: string;
  /** Print the report as one JSON object instead of text. */
  json?: boolean;
  root?: string;
  /** Where the report goes (default: stdout); progress goes to `progress` (default: stderr). */
  print?: (text: string) => void;
  progress?: (line: string) => void;
}

/**
 * Loads the spec, runs every conformance check and prints the report; returns the exit code (0 the
 * artefacts agree, 1 they differ). Spec and engine errors are thrown for the command line to map.
 */
export async function conformCommand(specArg: string, options: ConformCommandOptions = {}): Promise<number> {
  const print = options.print ?? ((text: string) => console.log(text));
  const progress = options.progress ?? ((line: string) => console.error(line));
  const loaded = loadSpec(specArg, options.root ? { root: options.root } : {});
  const root = loaded.root;
  const report = await runConformance(loaded, {
    config: options.config,
    variants: options.variants,
    maxStates: options.maxStates,
    tlcJar: options.tlcJar,
    root,
    specArg,
    onProgress: options.json ? undefined : progress,
  });
  print(options.json ? JSON.stringify(report) : formatConformance(report));
  return report.ok ? 0 : 1;
}
