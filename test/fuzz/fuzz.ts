/**
 * One fuzz case: a random spec (generate-spec.ts) is written to a scratch project, loaded, generated
 * (TLA+ module syntax-checked, reference library rendered), checked on the native and the embedded
 * engine, and compared in lockstep (conformance/lockstep.ts). The engines must agree: the same
 * verdict, the same distinct-state count when every invariant holds, the same invariant and trace
 * length on a violation, an error on both when one stops with an error.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { lockstep } from "../../conformance/lockstep.ts";
import { describeError } from "../../cli/errors.ts";
import { runCheck } from "../../engines/check.ts";
import type { EngineName } from "../../engines/result.ts";
import { loadSpec } from "../../generator/frontend/load.ts";
import { artefactsOf } from "../../generator/write.ts";
import { generateSpec } from "./generate-spec.ts";

/** Explorations stop (and are not compared) past this many states: fuzz specs are meant to be small. */
const MAX_STATES = 20_000;
/** States lockstep compares per variant. */
const LOCKSTEP_STATES = 300;

export type Outcome =
  | { kind: "ok"; states: number }
  | { kind: "violation"; invariant: string; steps: number; states: number }
  | { kind: "error"; error: string; message: string };

export interface FuzzResult {
  seed: number;
  file: string;
  constructs: string[];
  /** Per variant checked (null: the base steps), what each engine answered. */
  checks: { variant: string | null; native: Outcome; embedded: Outcome; lockstep: string }[];
  /** Set when the engines or the artefacts disagree (a real bug), or the generated spec was rejected. */
  problem?: string;
}

async function outcome(loaded: ReturnType<typeof loadSpec>, variant: string | null, engine: EngineName): Promise<Outcome> {
  try {
    const r = await runCheck({ loaded, specArg: loaded.file, engine, variant: variant ?? "base", maxStates: MAX_STATES, root: loaded.root });
    return r.verdict === "ok" ? { kind: "ok", states: r.distinctStates } : { kind: "violation", invariant: r.invariant ?? "?", steps: (r.trace?.length ?? 1) - 1, states: r.distinctStates };
  } catch (e) {
    const d = describeError(e);
    return { kind: "error", error: d.report.kind, message: d.report.message };
  }
}

const same = (a: Outcome, b: Outcome): boolean => {
  if (a.kind !== b.kind) return false;
  if (a.kind === "ok" && b.kind === "ok") return a.states === b.states;
  if (a.kind === "violation" && b.kind === "violation") return a.invariant === b.invariant && a.steps === b.steps;
  if (a.kind === "error" && b.kind === "error") return a.error === b.error && (a.error === "limit" || a.message === b.message);
  return false;
};

export async function fuzzOne(seed: number, project: string, dsl: string, options: { typecheck?: boolean } = {}): Promise<FuzzResult> {
  const spec = generateSpec(seed, dsl);
  const dir = path.join(project, "spec", `fuzz${seed}`);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "spec.ts");
  writeFileSync(file, spec.source);
  const result: FuzzResult = { seed, file, constructs: [...spec.constructs].sort(), checks: [] };
  let loaded: ReturnType<typeof loadSpec>;
  try {
    loaded = loadSpec(file, { root: project, typecheck: options.typecheck ?? false });
    await artefactsOf(loaded);
  } catch (e) {
    result.problem = `the generated spec was rejected: ${describeError(e).text}`;
    return result;
  }
  for (const variant of [null, ...spec.variants]) {
    const native = await outcome(loaded, variant, "native");
    const embedded = await outcome(loaded, variant, "embedded");
    let ls = "not run";
    if (native.kind !== "error") {
      const r = await lockstep(loaded, { variant, maxStates: LOCKSTEP_STATES, root: project });
      ls = r.ok ? `ok (${r.states} states)` : `DIVERGENCE: ${JSON.stringify(r.divergence).slice(0, 2000)}`;
      if (!r.ok) result.problem ??= `lockstep${variant ? ` (variant ${variant})` : ""}: ${ls}`;
    }
    result.checks.push({ variant, native, embedded, lockstep: ls });
    if (!same(native, embedded)) result.problem ??= `native and embedded disagree${variant ? ` (variant ${variant})` : ""}: ${JSON.stringify(native)} vs ${JSON.stringify(embedded)}`;
  }
  return result;
}

/** Totals over fuzz results, for the report. */
export function summarize(results: FuzzResult[]): string {
  const checks = results.flatMap((r) => r.checks);
  const count = (k: Outcome["kind"]) => checks.filter((c) => c.native.kind === k).length;
  const states = checks.reduce((n, c) => n + ("states" in c.native ? c.native.states : 0), 0);
  const constructs = new Map<string, number>();
  for (const r of results) for (const c of r.constructs) constructs.set(c, (constructs.get(c) ?? 0) + 1);
  const problems = results.filter((r) => r.problem);
  const compared = checks.reduce((n, c) => n + Number(/^ok \((\d+) states\)/.exec(c.lockstep)?.[1] ?? 0), 0);
  return [
    `${results.length} specs, ${checks.length} checks (base steps and variants): ${count("ok")} hold, ${count("violation")} violations, ${count("error")} evaluation errors; ${states} distinct states in all (native); lockstep compared the successors of ${compared} states.`,
    `DSL constructs (specs using each): ${[...constructs].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(", ")}.`,
    problems.length === 0 ? "No disagreement." : `${problems.length} PROBLEMS:\n${problems.map((p) => `  seed ${p.seed} (${p.file}): ${p.problem}`).join("\n")}`,
  ].join("\n");
}
