/**
 * The state of one breadth-first search over packed states, and its sequential level expansion.
 *
 * States are numbered in the order the readable explorer finds them (BFS level by level, each level
 * in the order of its parents, each parent's successors in the reference library's order). Per state
 * the search keeps its fingerprint (in the table), its parent's number and its transition index; only
 * the current level and the next are held as packed words.
 *
 * Invariants are checked when a state is expanded rather than when it is found: states are expanded
 * in number order, so the first violation met is still the one with the smallest number, which is the
 * one the readable explorer (checking each state as it finds it) reports, with the same count (its
 * number + 1) and trace. When something else stops the search first (a successor out of TypeOK's
 * range, a crash, the state limit), the states found before it and not yet checked are checked first
 * (`settle`), since the readable explorer would have checked them on the way.
 */
import type { PackedProgram } from "../../generator/packed/compile.ts";
import { EngineError, type Json, type Progress, type TraceState } from "../result.ts";
import { FingerprintTable, IntList, ViaList } from "./fingerprint.ts";
import { PackedCoverage } from "./packed-coverage.ts";
import { Expander, Halt, StateList, firstViolated, invariantChecks, type Checks } from "./packed-expand.ts";
import { type Work, crashError, instantiate, isCrash, newState, outOfRangeError, stateJson, transitionOf } from "./packed-model.ts";

export interface PackedOptions {
  /** Invariants to check, by name (TypeOK included); default: all. */
  invariants?: string[];
  /** Report a reachable state where no step is enabled and some process is not Done (PlusCal's Terminating). */
  deadlock?: boolean;
  /** Stop with an EngineError of kind "limit" once more distinct states than this are found. */
  maxStates?: number;
  /** Stop with an EngineError of kind "timeout" after this many milliseconds. */
  timeoutMs?: number;
  onProgress?: (p: Progress) => void;
  /** Count transitions and new states per emission site (engines/native/packed-coverage.ts); one thread only. */
  coverage?: boolean;
}

export interface PackedTraceStep {
  step: string;
  processSet: string | null;
  self: Json;
  params: Record<string, Json>;
  state: TraceState;
}

export interface PackedResult {
  /** "deadlock": the trace ends in a state where no step is enabled and some process is not Done. */
  verdict: "ok" | "violation" | "deadlock";
  invariant?: string;
  /** Distinct states found, initial states included (on a violation: up to and including the bad one). */
  distinctStates: number;
  /** Transitions computed. */
  generated: number;
  /** BFS levels below the initial states explored (on a violation: the bad state's level). */
  depth: number;
  trace?: PackedTraceStep[];
  durationMs: number;
  /** Bytes held by the fingerprint table, parents and transition indices, and the largest two levels of states. */
  peakBytes: number;
  workers: number;
  /** With `coverage`: the counts, and whether the search explored every reachable state. */
  coverage?: { counts: PackedCoverage; complete: boolean };
}

/** What stopped a search before it was complete, besides a violation found where it was checked. */
export type Event =
  | { kind: "typeok"; id: number; invariant: string }
  | { kind: "limit"; id: number }
  | { kind: "timeout"; id: number }
  | { kind: "error"; error: EngineError };

/**
 * The fingerprint table's first size: 2^16 slots (512 KB), enough for 45,000 states, so the many
 * small searches (tests, small configurations) commit little memory. Its first growth goes straight
 * to 2^22 slots (32 MB, 2.9 million states): doubling its way there would rehash every fingerprint
 * six times, and md/raid5's larger configurations go well past it.
 */
const INITIAL_SLOTS = 1 << 16;
const FIRST_GROWTH = 1 << 22;

/**
 * The fingerprint table's buffer is reserved for 2^26 slots (512 MB of address space, about 47
 * million states), which it doubles within in place; only the pages it uses become memory.
 */
const RESERVED_SLOTS = 1 << 26;

export class Search {
  readonly started = performance.now();
  readonly checks: Checks;
  readonly expander: Expander;
  readonly table: FingerprintTable;
  readonly parents: IntList;
  readonly vias: ViaList;
  readonly coverage: PackedCoverage | null;
  frontier: StateList;
  next: StateList;
  /** The number of the current level's first state. */
  levelStart = 0;
  /** The frontier position being expanded. */
  position = 0;
  depth = 0;
  /** Transitions computed by worker threads (the expander counts this thread's). */
  offloaded = 0;
  event: Event | null = null;
  private peakLevels = 0;
  private lastProgress = performance.now();

  constructor(
    readonly program: PackedProgram,
    readonly opts: PackedOptions,
    readonly shared = false,
    readonly workers = 1,
    /** The table's first size; one given (tests make it small so it grows often) grows by doubling only. */
    initialSlots?: number,
  ) {
    this.checks = invariantChecks(program, opts.invariants);
    this.table = new FingerprintTable(initialSlots ?? INITIAL_SLOTS, shared, undefined, 0, RESERVED_SLOTS, initialSlots === undefined ? FIRST_GROWTH : 0);
    // Only this thread writes them, also with workers (packed-parallel.ts).
    this.parents = new IntList();
    this.vias = new ViaList();
    this.frontier = new StateList(program.layout.words, shared);
    this.next = new StateList(program.layout.words, shared);
    this.coverage = opts.coverage ? new PackedCoverage(program) : null;
    this.expander = new Expander(program, this.checks, () => this.flush(), this.coverage);
  }

  /** Adds the initial state; a result when it already ends the search. */
  start(): PackedResult | null {
    const first = this.expander.initial();
    this.parents.push(-1);
    this.vias.push(0);
    if (!first) {
      if (!this.checks.typeOk) throw outOfRangeError(this.program, this.expander.source, -1, 0);
      return this.violation(0, firstViolated(this.expander.mod, this.checks, this.expander.source, false) ?? "TypeOK", 0);
    }
    this.table.add(first.fp[0], first.fp[1]);
    this.next.push(first.words, 0);
    return null;
  }

  /** Makes the next level current; false when there is none. */
  beginLevel(): boolean {
    if (this.next.length === 0) return false;
    // The two lists take turns: the level just done is emptied and holds the next one.
    const done = this.frontier;
    this.frontier = this.next;
    this.next = done;
    done.reset();
    this.depth += 1;
    this.position = 0;
    return true;
  }

  endLevel(): void {
    this.peakLevels = Math.max(this.peakLevels, this.frontier.bytes + this.next.bytes);
    this.levelStart += this.frontier.length;
  }

  /** A new state found in order: numbered, recorded and queued; false when the state limit stops the search. */
  admit(words: Int32Array, o: number, parent: number, via: number): boolean {
    const id = this.parents.length;
    if (this.opts.maxStates !== undefined && id >= this.opts.maxStates) {
      this.event ??= { kind: "limit", id };
      return false;
    }
    // The clock is read every 1024 states (--timeout).
    if (this.opts.timeoutMs !== undefined && (id & 1023) === 0 && performance.now() - this.started > this.opts.timeoutMs) {
      this.event ??= { kind: "timeout", id };
      return false;
    }
    this.parents.push(parent);
    this.vias.push(via);
    this.next.push(words, o);
    return true;
  }

  /** What flush's cache-warming reads read (kept so they are not optimized away). */
  touched = 0;

  /** Adds the expander's batch (successors not met lately) to the table in order; new states join the next level. */
  flush(): void {
    const x = this.expander;
    const n = x.size;
    x.size = 0;
    if (this.event) return;
    const W = this.program.layout.words;
    const fps = x.fps;
    const found = this.coverage?.found;
    // First their slots brought into the cache all at once.
    let touched = 0;
    for (let i = 0; i < n; i++) touched ^= this.table.touchAt(fps, i);
    this.touched = touched;
    for (let i = 0; i < n; i++) {
      if (!this.table.addAt(fps, i)) continue;
      if (!this.admit(x.words, i * W, x.parents[i] as number, x.vias[i] as number)) {
        x.halted = true;
        return;
      }
      if (found) found[x.sites[i] as number]++;
    }
  }

  /** Expands the current level here, from the current position up to `to`; a result when the search ends in it. */
  expandLevel(to = this.frontier.length): PackedResult | null {
    const x = this.expander;
    const frontier = this.frontier;
    for (; this.position < to; this.position++) {
      const id = this.levelStart + this.position;
      const bad = x.load(frontier.chunkOf(this.position), frontier.offsetOf(this.position), id);
      if (bad) return this.violation(id, bad, this.depth - 1);
      try {
        x.expand();
      } catch (e) {
        return this.stopped(e);
      }
      const ended = this.expanded(id);
      if (ended) return ended;
      if ((this.position & 31) === 31) {
        this.flush();
        if (this.event) return this.settle(this.event);
      }
      if ((this.position & 1023) === 0) this.progress();
    }
    this.flush();
    if (this.event) return this.settle(this.event);
    return null;
  }

  private generatedBefore = 0;

  /**
   * State `id` (in the expander's source) has just been expanded: with `deadlock`, a state without
   * successors where some process is not Done ends the search. Subclasses record more here.
   */
  expanded(id: number): PackedResult | null {
    const degree = this.expander.generated - this.generatedBefore;
    this.generatedBefore = this.expander.generated;
    if (degree === 0 && this.opts.deadlock && !allDone(this.program, this.expander.source)) return this.deadlockAt(id);
    this.record(id, degree);
    return null;
  }

  /** Subclasses keep more of each expanded state here (its successors are in the batch or flushed). */
  protected record(_id: number, _degree: number): void {}

  /** A deadlock in state `id`: unless a state found before it breaks an invariant (a readable explorer checks each when it finds it). */
  deadlockAt(id: number): PackedResult {
    this.flush();
    const found = this.drain(this.parents.length);
    if (found) return this.violation(found.id, found.invariant, found.level);
    const trace = rebuildTrace(this.program, id, (i) => this.parents.get(i), (i) => this.vias.get(i));
    return this.finish({ verdict: "deadlock", distinctStates: this.parents.length, depth: this.depth - 1, trace });
  }

  /** The verdict after the successors of the current state stopped with `e`. */
  stopped(e: unknown): PackedResult {
    const x = this.expander;
    if (e instanceof Halt) {
      if (x.outOfRange) {
        // The successors queued before it come first.
        const oor = x.outOfRange;
        this.flush();
        if (!this.event) {
          const id = this.parents.length;
          this.parents.push(oor.parent);
          this.vias.push(oor.via);
          this.event = { kind: "typeok", id, invariant: oor.invariant };
        }
      }
      return this.settle(this.event ?? { kind: "error", error: new EngineError("crash", "the search stopped for no reason") });
    }
    const error = isCrash(e) ? crashError(this.program, e) : e instanceof EngineError ? e : null;
    if (!error) throw e;
    this.flush();
    return this.settle(this.event ?? { kind: "error", error });
  }

  /** Reports progress (at most four times a second); `at` overrides the figures (the parallel search keeps its own). */
  progress(at?: { distinctStates: number; queue: number }): void {
    const on = this.opts.onProgress;
    if (!on) return;
    const now = performance.now();
    if (now - this.lastProgress < 250) return;
    this.lastProgress = now;
    on({
      distinctStates: at?.distinctStates ?? this.parents.length,
      generated: this.generated,
      depth: this.depth,
      queue: at?.queue ?? this.frontier.length - this.position + this.next.length,
      elapsedMs: Math.round(now - this.started),
    });
  }

  /**
   * The first violation among the states found but not yet checked, below number `below`. `nextFirst`:
   * every state of the current level was checked, and the next level (in `next`) starts at this number.
   */
  drain(below: number, nextFirst?: number): { id: number; invariant: string; level: number } | null {
    const lists: [StateList, number, number, number][] =
      nextFirst === undefined
        ? [
            [this.frontier, this.position + 1, this.levelStart, this.depth - 1],
            [this.next, 0, this.levelStart + this.frontier.length, this.depth],
          ]
        : [[this.next, 0, nextFirst, this.depth]];
    const x = this.expander;
    for (const [list, from, first, level] of lists)
      for (let q = from; q < list.length; q++) {
        const id = first + q;
        if (id >= below) return null;
        const bad = x.load(list.chunkOf(q), list.offsetOf(q), id);
        if (bad) return { id, invariant: bad, level };
      }
    return null;
  }

  /** The verdict once something stopped the search: a violation among the states found before it, or the event's. */
  settle(e: Event, nextFirst?: number): PackedResult {
    const found = this.drain(e.kind === "error" ? Infinity : e.id, nextFirst);
    if (found) return this.violation(found.id, found.invariant, found.level);
    if (e.kind === "typeok") return this.violation(e.id, e.invariant, this.depth);
    if (e.kind === "limit") throw new EngineError("limit", `Stopped after ${this.opts.maxStates} distinct states (--max-states) without a verdict.`);
    if (e.kind === "timeout") throw new EngineError("timeout", `The native engine did not finish within ${this.opts.timeoutMs} ms (${e.id} distinct states found, depth ${this.depth}).`);
    throw e.error;
  }

  /** A violation by state `id`, found at BFS level `level`. */
  violation(id: number, invariant: string, level: number): PackedResult {
    const trace = rebuildTrace(this.program, id, (i) => this.parents.get(i), (i) => this.vias.get(i));
    return this.finish({ verdict: "violation", invariant, distinctStates: id + 1, depth: level, trace });
  }

  get generated(): number {
    return this.expander.generated + this.offloaded;
  }

  finish(extra: Partial<PackedResult> = {}): PackedResult {
    return {
      verdict: "ok",
      distinctStates: this.parents.length,
      generated: this.generated,
      depth: Math.max(0, this.depth - 1),
      durationMs: Math.round(performance.now() - this.started),
      peakBytes: this.table.bytes + this.parents.bytes + this.vias.bytes + this.peakLevels,
      workers: this.workers,
      ...(this.coverage ? { coverage: { counts: this.coverage, complete: (extra.verdict ?? "ok") === "ok" } } : {}),
      ...extra,
    };
  }
}

/** Whether every process of a working-form state is at Done (PlusCal's Terminating: stuttering, not a deadlock). */
export function allDone(program: PackedProgram, state: Work): boolean {
  // Without processes there is no pc and no Terminating: a state with no step is stuck (as in explore.ts).
  if (program.layout.processes.length === 0) return false;
  const done = program.layout.stringId.get("Done");
  for (const p of program.layout.processes) for (let i = 0; i < p.ids.length; i++) if (state[p.pcOffset + i] !== done) return false;
  return true;
}

/**
 * The path to state `id`, replayed from the initial state through the recorded transition indices:
 * each step is the via-th successor of the state before it, in the reference library's order.
 */
export function rebuildTrace(program: PackedProgram, id: number, parentOf: (id: number) => number, viaOf: (id: number) => number): PackedTraceStep[] {
  const ids: number[] = [];
  for (let x = id; x >= 0; x = parentOf(x)) ids.push(x);
  ids.reverse();
  return replayVias(
    program,
    ids.slice(1).map((x) => viaOf(x)),
  );
}

/** A trace from the initial state through the given transition indices (each the via-th successor of the state before it). */
export function replayVias(program: PackedProgram, vias: readonly number[]): PackedTraceStep[] {
  let want = -1;
  let seen = 0;
  let found: { state: Work; site: number; self: number | boolean; P: Int32Array } | null = null;
  const mod = instantiate(program, (state, site, self) => {
    if (seen++ === want) found = { state: Int32Array.from(state), site, self, P: Int32Array.from(mod.P) };
  });
  let state = newState(program);
  mod.init(state);
  const trace: PackedTraceStep[] = [{ step: "Init", processSet: null, self: null, params: {}, state: stateJson(program, state) }];
  for (const via of vias) {
    want = via;
    seen = 0;
    found = null;
    mod.successors(state);
    const f = found as { state: Work; site: number; self: number | boolean; P: Int32Array } | null;
    if (!f) throw new EngineError("crash", "Replaying the counterexample on the compiled form failed: the compiled form is not deterministic.");
    const t = transitionOf(program, f.site, f.self, f.P);
    trace.push({ step: t.step, processSet: t.processSet, self: t.self, params: t.params, state: stateJson(program, f.state) });
    state = f.state;
  }
  return trace;
}
