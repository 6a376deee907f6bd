/**
 * Count conformance: every engine explores the same state space, so on the same (spec, configuration,
 * variant, invariants) they agree on the verdict, and when every invariant holds, on the number of
 * distinct states.
 *
 * On a violation the engines stop early, and how many states they had seen by then depends on their
 * search order, so counts are not compared; the violated invariant and the counterexample's length are
 * (all three engines search breadth-first, so each trace is a shortest one).
 */
import type { LoadedSpec } from "../generator/frontend/load.ts";
import { runCheck, select } from "../engines/check.ts";
import { type CheckResult, EngineError, type EngineErrorKind, type EngineName } from "../engines/result.ts";
import { findTlcJar } from "../engines/tlc/find-jar.ts";

export interface CountsOptions {
  config?: string;
  /** Null or "base" for the base steps; undefined for the configuration's variant. */
  variant?: string | null;
  /** The invariants to check (default: every invariant, TypeOK included). */
  invariants?: string[];
  /** The engines to run (default: embedded, native, and TLC when its jar is found). */
  engines?: EngineName[];
  tlcJar?: string;
  /** TLC's time limit. */
  timeoutMs?: number;
  /**
   * TLC's workers (default 1): with several, TLC's counterexample need not be a shortest one, and the
   * trace lengths compared here would differ for no fault of either artefact.
   */
  workers?: number | "auto";
  root?: string;
  specArg?: string;
}

export type EngineRun =
  | { engine: EngineName; ran: true; result: CheckResult }
  /** `skipped`: the engine is not available here (no Java, no TLC jar), which is not a disagreement. */
  | { engine: EngineName; ran: false; skipped: boolean; kind?: EngineErrorKind; error: string };

export interface CountsResult {
  ok: boolean;
  spec: string;
  /** Null for the base steps. */
  variant: string | null;
  config: string;
  invariants: string[];
  runs: EngineRun[];
  /** What was compared: state counts (all hold), violations (all found one), or nothing comparable. */
  compared: "states" | "violation" | "verdicts" | "nothing";
  problems: string[];
}

const unavailable: EngineErrorKind[] = ["java-missing", "jar-missing"];

export async function compareCounts(loaded: LoadedSpec, options: CountsOptions = {}): Promise<CountsResult> {
  const root = options.root ?? process.cwd();
  const { spec } = loaded;
  const sel = select(spec, { config: options.config, variant: options.variant === null ? "base" : options.variant, invariants: options.invariants });
  const engines = options.engines ?? ["embedded", "native", ...((await findTlcJar(options.tlcJar)) ? (["tlc"] as const) : [])];
  const runs: EngineRun[] = [];
  for (const engine of engines) {
    try {
      const result = await runCheck({
        loaded,
        specArg: options.specArg ?? spec.source,
        config: sel.config.name,
        variant: sel.variant ?? "base",
        invariants: sel.invariants,
        engine,
        // Counts compare across engines only unreduced: no other engine applies symmetric(…) yet.
        symmetry: false,
        tlcJar: options.tlcJar,
        timeoutMs: options.timeoutMs,
        workers: options.workers ?? 1,
        root,
      });
      runs.push({ engine, ran: true, result });
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      runs.push({ engine, ran: false, skipped: unavailable.includes(e.kind), kind: e.kind, error: e.message });
    }
  }
  return {
    ...compare(runs),
    spec: spec.name,
    variant: sel.variant,
    config: sel.config.name,
    invariants: sel.invariants,
    runs,
  };
}

function compare(runs: EngineRun[]): Pick<CountsResult, "ok" | "compared" | "problems"> {
  const problems: string[] = [];
  for (const r of runs) if (!r.ran && !r.skipped) problems.push(`${r.engine} gave no verdict: ${r.error}`);
  const done = runs.flatMap((r) => (r.ran ? [r.result] : []));
  const finish = (compared: CountsResult["compared"]) => ({ ok: problems.length === 0, compared, problems });
  if (done.length < 2) {
    problems.push(`only ${done.length} engine${done.length === 1 ? "" : "s"} gave a verdict: nothing to compare`);
    return finish("nothing");
  }
  const list = (f: (r: CheckResult) => string | number) => done.map((r) => `${r.engine} ${f(r)}`).join(", ");
  const same = <T>(f: (r: CheckResult) => T) => done.every((r) => f(r) === f(done[0] as CheckResult));
  if (!same((r) => r.verdict)) {
    problems.push(`the verdicts differ: ${list((r) => r.verdict)}`);
    return finish("verdicts");
  }
  if (done[0]?.verdict === "ok") {
    if (!same((r) => r.distinctStates)) problems.push(`the distinct state counts differ: ${list((r) => r.distinctStates)}`);
    return finish("states");
  }
  if (!same((r) => r.invariant)) problems.push(`the violated invariants differ: ${list((r) => r.invariant ?? "?")}`);
  // An engine that found a violation without a trace has nothing to measure; the others still compare.
  const traced = done.filter((r) => r.trace);
  const length = (r: CheckResult) => (r.trace?.length ?? 0) - 1;
  if (!traced.every((r) => length(r) === length(traced[0] as CheckResult)))
    problems.push(`the counterexamples differ in length: ${traced.map((r) => `${r.engine} ${length(r)} steps`).join(", ")}`);
  return finish("violation");
}
