/**
 * A worker thread's share of a BFS level in the parallel compiled explorer (packed-parallel.ts): the
 * successors of a run of consecutive frontier states, as candidate records for the main thread.
 *
 * The main thread expands the level's first states itself, into the fingerprint table, and then takes
 * each worker's candidates in order: every state a worker reaches comes from a parent numbered after
 * all of the main thread's, so its new states come after the main thread's, in the order the worker
 * found them, which is the sequential search's order. A worker only reads the table, with no lock:
 * a successor it finds there is not new (found in an earlier level, or by the main thread before);
 * one it does not find, or cannot be sure of, becomes a candidate, unless it is one already (a table
 * of the worker's own for the level), and the main thread looks each candidate up again as it adds it.
 * So a read that races a write can only make a candidate of a state that is not new, never lose one.
 * The table grows (moves its fingerprints) only with its guard's epoch odd; look-ups during a growth
 * count for nothing.
 *
 * A candidate record is the successor's packed words, then its fingerprint (hi, lo), its parent's
 * number and its transition index. Records go into one buffer per worker, reserved for many (its
 * pages become memory as they are written); the count written so far is published in the worker's
 * control words, so the main thread takes them as they come.
 */
import type { PackedProgram } from "../../generator/packed/compile.ts";
import { EngineError } from "../result.ts";
import { CAPACITY, EPOCH, FingerprintTable } from "./fingerprint.ts";
import { BATCH, Expander, Halt, StateList, invariantChecks } from "./packed-expand.ts";
import { crashError, isCrash } from "./packed-model.ts";

/** Words of a record beyond the packed state: fingerprint hi, lo, parent, transition index. */
export const EXTRA = 4;

/** A worker's control words (an Int32Array over a SharedArrayBuffer of CONTROL_WORDS words). */
export const PUBLISHED = 0;
/** 1 once the worker is done with its range for this level (its reply message follows). */
export const DONE = 1;
/** Set to 1 by the main thread to make the worker stop at the next state's end. */
export const STOP = 2;
export const CONTROL_WORDS = 4;


/** Bytes reserved per worker for its records (address space; only the pages written become memory). */
export const OUTPUT_BYTES = 256 << 20;

/** What a worker needs once: the program and the buffers it shares with the main thread (the table's guard: FingerprintTable.guard). */
export interface RangeInit {
  program: PackedProgram;
  invariants: string[] | undefined;
  control: SharedArrayBuffer;
  guard: SharedArrayBuffer;
  output: SharedArrayBuffer;
}

/** One level's range: frontier positions from..to of list `list`, the state at `from` being number `firstId`. */
export interface RangeRequest {
  list: number;
  /** The list's chunks the worker has not been sent yet (lists only grow; their chunks are kept from level to level). */
  chunks: SharedArrayBuffer[];
  per: number;
  from: number;
  to: number;
  firstId: number;
  /** The table's buffer, when it is a new one (it moved past its reservation), else null. */
  table: SharedArrayBuffer | null;
  /** Date.now() after which the worker stops (--timeout), or Infinity. */
  deadline: number;
}

export interface RangeReply {
  /** Frontier positions before this were expanded completely; their candidates are all written. */
  stoppedAt: number;
  generated: number;
  /** Milliseconds the range took here. */
  ms: number;
  /** Why the worker stopped before `to`: a state breaking an invariant (not expanded), a successor out of TypeOK's range or a crash (while expanding `stoppedAt`: its candidates before it are written), the deadline, a full output buffer, or the main thread's stop. */
  violation?: { id: number; invariant: string };
  outOfRange?: { parent: number; via: number; invariant: string };
  crash?: { kind: EngineError["kind"]; message: string; detail?: string };
  stop?: "timeout" | "full" | "asked";
}

export class RangeWorker {
  private readonly expander: Expander;
  private readonly W: number;
  private readonly R: number;
  /** The candidates of the current level (this worker's own table). */
  private readonly level = new FingerprintTable(1 << 16);
  private readonly control: Int32Array;
  private readonly guard: Int32Array;
  private readonly out: Int32Array;
  private readonly capacity: number;
  private lists: Int32Array[][] = [[], []];
  private tableBuffer: SharedArrayBuffer | null = null;
  private table: Int32Array = new Int32Array(0);
  private mask = 0;
  /** The guard's epoch the view above was made at. */
  private epoch = -1;
  private count = 0;
  /** The parent of the last record written, and where its records start (to take them back when the buffer is full). */
  private lastParent = -1;
  private firstOfLast = 0;
  private full = false;
  /** The parent whose successor did not fit (when full). */
  private fullParent = -1;
  private counted = 0;
  /** The transitions computed before each of the last 64 states was expanded (by position mod 64): a flush covers fewer. */
  private readonly generatedAt = new Float64Array(64);
  private readonly unmet = new Uint8Array(BATCH);
  /** What the read-ahead read (kept so it is not optimized away). */
  touched = 0;

  constructor(readonly init: RangeInit) {
    const program = init.program;
    this.W = program.layout.words;
    this.R = this.W + EXTRA;
    this.expander = new Expander(program, invariantChecks(program, init.invariants), () => this.flush());
    this.control = new Int32Array(init.control);
    this.guard = new Int32Array(init.guard);
    this.out = new Int32Array(init.output);
    this.capacity = Math.floor(this.out.length / this.R);
  }

  /**
   * Runs the compiled code on the first `states` states of a search of its own before the worker
   * says it is ready: a cold worker takes several times longer per state than a warm one, and the
   * main thread would wait for it at the end of its first level.
   */
  warmUp(states: number): void {
    const x = this.expander;
    const W = this.W;
    const seen = new FingerprintTable(1 << 14);
    const list = new StateList(W, false, 1 << 12);
    const first = x.initial();
    if (!first) return;
    seen.add(first.fp[0], first.fp[1]);
    list.push(first.words, 0);
    const restore = x.onFull;
    x.onFull = () => {
      for (let i = 0; i < x.size && list.length < states; i++) if (seen.addAt(x.fps, i)) list.push(x.words, i * W);
      x.size = 0;
    };
    try {
      for (let p = 0; p < list.length && p < states; p++) {
        if (x.load(list.chunkOf(p), list.offsetOf(p), p)) continue;
        x.expand();
        x.onFull();
      }
    } catch {
      // A crash or an out-of-range successor: the search proper meets it and says so.
    } finally {
      x.onFull = restore;
      x.size = 0;
      // What the warm-up queued is not in the search's table: a successor met there must not be dropped.
      x.recent.clear();
      x.outOfRange = null;
      x.halted = false;
      this.counted = x.generated;
    }
  }

  /** A view of the table as the guard says it is now; false while it grows. */
  private view(): boolean {
    const epoch = Atomics.load(this.guard, EPOCH);
    if (epoch & 1) return false;
    if (epoch !== this.epoch && this.tableBuffer) {
      const slots = Atomics.load(this.guard, CAPACITY);
      // Grown past the buffer this thread has: it is told of the new one at the next level.
      if (slots * 8 > this.tableBuffer.byteLength) return false;
      this.table = new Int32Array(this.tableBuffer, 0, 2 * slots);
      this.mask = slots - 1;
      this.epoch = epoch;
    }
    return this.epoch === epoch;
  }

  private has(hi: number, lo: number): boolean {
    const t = this.table;
    const mask = this.mask;
    let i = hi & mask;
    for (let n = 0; n <= mask; n++) {
      const h = t[2 * i] as number;
      if (h === 0) return false;
      if (h === hi && t[2 * i + 1] === lo) return true;
      i = (i + 1) & mask;
    }
    return false;
  }

  /** Takes the batch (successors not met lately): each one not in the table becomes a candidate, unless it is one already. */
  private flush(): void {
    const x = this.expander;
    const n = x.size;
    x.size = 0;
    if (this.full) return;
    const fps = x.fps;
    const unmet = this.unmet;
    const seeing = this.view();
    const epoch = this.epoch;
    let touched = 0;
    // The expander queued only successors not met lately.
    for (let i = 0; i < n; i++) {
      unmet[i] = 1;
      if (seeing) touched ^= this.table[2 * ((fps[2 * i] as number) & this.mask)] as number;
    }
    this.touched = touched;
    if (seeing) for (let i = 0; i < n; i++) if (unmet[i] === 1 && this.has(fps[2 * i] as number, fps[2 * i + 1] as number)) unmet[i] = 2;
    // The table grew meanwhile: what was found in it may have been a moving fingerprint's half.
    const sure = seeing && Atomics.load(this.guard, EPOCH) === epoch;
    const W = this.W;
    const R = this.R;
    const out = this.out;
    for (let i = 0; i < n; i++) {
      const u = unmet[i] as number;
      if (u === 2 && sure) continue;
      const hi = fps[2 * i] as number;
      const lo = fps[2 * i + 1] as number;
      if (!this.level.add(hi, lo)) continue;
      const parent = x.parents[i] as number;
      if (this.count === this.capacity) {
        // Full: the records of this parent are taken back, and the main thread expands it and the rest.
        if (parent === this.lastParent) this.count = this.firstOfLast;
        this.full = true;
        this.fullParent = parent;
        x.halted = true;
        return;
      }
      if (parent !== this.lastParent) {
        this.lastParent = parent;
        this.firstOfLast = this.count;
      }
      const o = this.count * R;
      const s = i * W;
      for (let k = 0; k < W; k++) out[o + k] = x.words[s + k] as number;
      out[o + W] = hi;
      out[o + W + 1] = lo;
      out[o + W + 2] = parent;
      out[o + W + 3] = x.vias[i] as number;
      this.count++;
    }
    Atomics.store(this.control, PUBLISHED, this.count);
    Atomics.notify(this.control, PUBLISHED);
  }

  /** Expands the range; the records are in the output buffer, published as they are written. */
  range(m: RangeRequest): RangeReply {
    const started = performance.now();
    const lists = this.lists[m.list] as Int32Array[];
    for (const c of m.chunks) lists.push(new Int32Array(c));
    if (m.table) {
      this.tableBuffer = m.table;
      this.epoch = -1;
    }
    const list = new StateList(this.W, true, m.per, lists, Number.MAX_SAFE_INTEGER);
    this.count = 0;
    this.lastParent = -1;
    this.full = false;
    this.level.clear();
    const x = this.expander;
    x.halted = false;
    x.size = 0;
    x.outOfRange = null;
    const reply: RangeReply = { stoppedAt: m.to, generated: 0, ms: 0 };
    try {
      this.expand(list, m, reply);
    } finally {
      const done = this.count;
      reply.generated = x.generated - this.counted;
      this.counted = x.generated;
      reply.ms = performance.now() - started;
      Atomics.store(this.control, PUBLISHED, done);
      Atomics.store(this.control, DONE, 1);
      Atomics.notify(this.control, PUBLISHED);
    }
    return reply;
  }

  private expand(list: StateList, m: RangeRequest, reply: RangeReply): void {
    const x = this.expander;
    for (let p = m.from; p < m.to; p++) {
      if ((p & 31) === 0 && p !== m.from) {
        const stop = Atomics.load(this.control, STOP) !== 0 ? "asked" : Date.now() > m.deadline ? "timeout" : null;
        if (stop) {
          this.flush();
          if (this.full) break;
          reply.stoppedAt = p;
          reply.stop = stop;
          return;
        }
      }
      const id = m.firstId + p - m.from;
      this.generatedAt[p & 63] = x.generated;
      const bad = x.load(list.chunkOf(p), list.offsetOf(p), id);
      if (bad) {
        reply.stoppedAt = p;
        reply.violation = { id, invariant: bad };
        return;
      }
      try {
        x.expand();
      } catch (e) {
        if (e instanceof Halt && this.full) break;
        if (e instanceof Halt && x.outOfRange) {
          reply.outOfRange = x.outOfRange;
          x.outOfRange = null;
        } else {
          const error = isCrash(e) ? crashError(this.expander.program, e) : e instanceof EngineError ? e : new EngineError("crash", String(e instanceof Error ? e.message : e));
          reply.crash = { kind: error.kind, message: error.message, ...(error.detail ? { detail: error.detail } : {}) };
        }
        reply.stoppedAt = p;
        this.flush();
        if (this.full) break;
        return;
      }
      if ((p & 31) === 31) {
        this.flush();
        if (this.full) break;
      }
    }
    if (!this.full) this.flush();
    if (this.full) {
      // The parent whose records did not fit is the first the main thread expands itself.
      reply.stoppedAt = this.fullParent - m.firstId + m.from;
      reply.stop = "full";
      // The transitions of the states from there on are computed again by the main thread.
      this.expander.generated = this.generatedAt[reply.stoppedAt & 63] as number;
      delete reply.outOfRange;
      delete reply.crash;
    }
  }
}
