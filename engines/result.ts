/**
 * The one result shape every engine (TLC, embedded tla-checker, native explorer) returns.
 */
import type { SourceLoc } from "../generator/ir.ts";

/** A value as shown to users and compared across engines: plain JSON. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * A state as plain JSON: one entry per variable (process-local variables and `pc` included). Maps are
 * objects keyed by the key's text (`{"0": false, "1": true}`), records are objects, sets are sorted
 * arrays, "no value" is null.
 */
export type TraceState = Record<string, Json>;

export interface TraceStep {
  /** The DSL step name (TLA+ action name); `Init` for the initial state. */
  step: string;
  /** The identity of the process that took the step (null for `Init`). */
  process: Json;
  /** The process set it belongs to (e.g. `writer`), when known. */
  processSet?: string;
  /** Nondeterministic choices made inside the step, by name. */
  params: Record<string, Json>;
  /** The state after the step. */
  state: TraceState;
  /** The real-world function the step models, when the spec says. */
  models?: string;
  /** Where the step is written in the spec. */
  loc?: SourceLoc;
}

export type EngineName = "tlc" | "embedded" | "native";

export interface CheckResult {
  spec: string;
  variant: string | null;
  config: string;
  engine: EngineName;
  verdict: "ok" | "violation";
  /** The invariant that failed (on a violation). */
  invariant?: string;
  /** Distinct states found (on a violation: found before it stopped). */
  distinctStates: number;
  /** The counterexample, initial state first (on a violation). */
  trace?: TraceStep[];
  /**
   * For a lasso-shaped counterexample (a liveness violation): the index in `trace` of the state the
   * last step leads back to, so `trace[loopStart..]` repeats for ever.
   */
  loopStart?: number;
  durationMs: number;
  /**
   * Native engine: the explorer that ran (the compiled one with its workers, packed layout and the
   * symmetric domains it reduced by, or the readable one and why). With symmetry, distinctStates
   * counts one state per orbit and compares with no other engine's count.
   */
  explorer?: ExplorerInfo;
  /** Set when the check was a simulation (random walks): an OK then is not a proof. */
  simulation?: SimulationInfo;
}

export interface SimulationInfo {
  walks: number;
  /** Transitions taken over all walks. */
  steps: number;
  /** The bound on steps per walk, and the longest walk. */
  depth: number;
  maxDepth: number;
  walksPerSecond: number;
  seed: number;
  /** Steps and branches (paths through a step body) taken at least once. */
  coverage: { steps: { covered: number; total: number; missing: string[] }; branches: { covered: number; total: number } };
  /** The violating walk's length before it was shrunk. */
  foundAtLength?: number;
}

/** Which native explorer ran: the compiled one (workers, packed layout, symmetric domains), or the readable one and why. */
export type ExplorerInfo =
  | { kind: "compiled"; workers: number; layout: string; bitsPerState: number; symmetry: string[]; searchMs?: number }
  | { kind: "reference"; reason: string; searchMs?: number };

/**
 * How far a running check has got, for a progress line. Engines that can report it accept
 * `onProgress?: (p: Progress) => void` and call it at most a few times a second.
 */
export interface Progress {
  /** Distinct states found so far. */
  distinctStates: number;
  /** States generated (successors computed, duplicates included), when the engine counts them. */
  generated?: number;
  /** The breadth-first level being explored. */
  depth: number;
  /** States found but not yet explored. */
  queue: number;
  /** Time since the check started. */
  elapsedMs: number;
}

/** Why a check could not produce a verdict. Each kind maps to its own exit code. */
export type EngineErrorKind =
  | "usage" // bad command line or spec input
  | "java-missing"
  | "jar-missing"
  | "parse" // the engine rejected the module (SANY errors, tla-checker parse errors)
  | "crash" // the engine failed while checking
  | "timeout"
  | "limit" // a state or depth limit was hit before the search finished
  | "internal" // a fault of raidspec itself (a bug to report)
  | "interrupted"; // stopped by Ctrl-C (SIGINT) or SIGTERM

export const exitCodes: Record<EngineErrorKind | "ok" | "violation", number> = {
  ok: 0,
  violation: 1,
  usage: 2,
  "java-missing": 3,
  "jar-missing": 4,
  parse: 5,
  crash: 6,
  timeout: 7,
  limit: 8,
  internal: 9,
  interrupted: 130,
};

export class EngineError extends Error {
  /** The spec source location the error is about (an evaluation error's statement). */
  readonly loc?: SourceLoc;
  /** The behaviour leading to the state where the error happened, initial state first. */
  readonly trace?: TraceStep[];

  constructor(
    readonly kind: EngineErrorKind,
    message: string,
    /** Raw tool output worth showing (for example SANY's error text). */
    readonly detail?: string,
    where: { loc?: SourceLoc; trace?: TraceStep[] } = {},
  ) {
    super(message);
    this.name = "EngineError";
    if (where.loc) this.loc = where.loc;
    if (where.trace) this.trace = where.trace;
  }
}
