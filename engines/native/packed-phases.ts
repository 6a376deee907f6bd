/**
 * The two parallel phases of a BFS level (see packed-parallel.ts), as run by each thread: the main
 * thread and every worker thread.
 *
 * `expand`: the level is cut into blocks of consecutive states; threads take blocks in turn (a
 * shared counter), so they stay busy however uneven the blocks are. Per block a thread checks each
 * state's invariants, generates its successors and keeps as candidates those whose fingerprint it
 * has not met lately: packed words, fingerprint, parent number, transition index. A block stops expanding at a violation, and after a crash or a successor out of
 * TypeOK's range only checks the rest of its states.
 * `insert`: adds to this thread's part of the fingerprint table, in block order, the candidates whose
 * fingerprints fall in it, and marks those that were new: block order is the order the sequential
 * search finds states in, so the first occurrence of a new state is the one marked.
 */
import type { PackedProgram } from "../../generator/packed/compile.ts";
import { EngineError } from "../result.ts";
import { FingerprintTable, PartitionedTable, RecentFingerprints } from "./fingerprint.ts";
import { Expander, Halt, StateList, invariantChecks } from "./packed-expand.ts";
import { crashError, isCrash } from "./packed-model.ts";

export interface Part {
  slots: SharedArrayBuffer;
  size: number;
}

export interface SharedList {
  chunks: SharedArrayBuffer[];
  per: number;
  length: number;
}

export interface ExpandRequest {
  frontier: SharedList;
  levelStart: number;
  blockSize: number;
  /** Int32Array(1): the next block to take. */
  counter: SharedArrayBuffer;
  parts: Part[];
}

/** What a thread found in one block; its candidates are records from..to of the thread's list. */
export interface BlockResult {
  block: number;
  from: number;
  to: number;
  violation?: { id: number; invariant: string };
  outOfRange?: { parent: number; via: number; invariant: string };
  crash?: { kind: EngineError["kind"]; message: string; detail?: string };
}

export interface ExpandReply {
  list: SharedList;
  blocks: BlockResult[];
  generated: number;
}

/** Candidate records, block by block, in block order: each block's list (by thread) and record range. */
export interface InsertRequest {
  lists: SharedList[];
  order: { thread: number; from: number; to: number }[];
}

/** Candidate records: the packed words, then fingerprint (hi, lo), parent, transition index, new-flag. */
export const EXTRA = 5;

export function toList(words: number, l: SharedList): StateList {
  return new StateList(words, true, l.per, l.chunks.map((c) => new Int32Array(c)), l.length);
}

export function fromList(l: StateList): SharedList {
  return { chunks: l.chunks.map((c) => c.buffer as SharedArrayBuffer), per: l.per, length: l.length };
}

export class Phases {
  readonly expander: Expander;
  private readonly W: number;
  private table = new PartitionedTable([]);
  private readonly recent = new RecentFingerprints();
  private candidates: StateList;
  private readonly record: Int32Array;
  /** Transitions already reported. */
  private counted = 0;
  /** While warming up, successors are generated and dropped. */
  private warming = false;

  constructor(
    readonly program: PackedProgram,
    invariants: string[] | undefined,
    /** This thread's part of the fingerprint table. */
    readonly index: number,
    expander?: Expander,
  ) {
    this.W = program.layout.words;
    this.expander = expander ?? new Expander(program, invariantChecks(program, invariants), () => this.flush());
    this.candidates = new StateList(this.W + EXTRA, true, 1 << 12);
    this.record = new Int32Array(this.W + EXTRA);
  }

  private flush(): void {
    const x = this.expander;
    const n = x.size;
    x.size = 0;
    if (this.warming) return;
    const fps = x.fps;
    const W = this.W;
    const record = this.record;
    for (let i = 0; i < n; i++) {
      // Met lately: in a table, or a candidate already (an earlier one, in block order). Everything
      // else is a candidate, states seen before included: the insert phase looks each up once (a
      // lookup here too would cost a second cache miss per state).
      if (this.recent.metAt(fps, i)) continue;
      const o = i * W;
      for (let k = 0; k < W; k++) record[k] = x.words[o + k] as number;
      record[W] = fps[2 * i] as number;
      record[W + 1] = fps[2 * i + 1] as number;
      record[W + 2] = x.parents[i] as number;
      record[W + 3] = x.vias[i] as number;
      record[W + 4] = 0;
      this.candidates.push(record, 0);
    }
  }

  /** Runs the compiled successors over the given states a few times and drops what they find (JIT warm-up). */
  warm(frontier: SharedList, rounds: number): void {
    const list = toList(this.W, frontier);
    this.warming = true;
    try {
      for (let r = 0; r < rounds; r++)
        for (let p = 0; p < list.length; p++) {
          this.expander.load(list.chunkOf(p), list.offsetOf(p), p);
          try {
            this.expander.expand();
          } catch {
            break;
          }
          this.flush();
        }
    } finally {
      this.warming = false;
      this.expander.size = 0;
      this.expander.outOfRange = null;
      this.counted = this.expander.generated;
    }
  }

  expand(m: ExpandRequest, onFlush: () => void = () => this.flush()): ExpandReply {
    const x = this.expander;
    this.table = new PartitionedTable(m.parts.map((p) => new FingerprintTable(0, true, new Int32Array(p.slots), p.size)));
    // Kept from level to level: the main thread is done with the last level's candidates.
    this.candidates.reset();
    const restore = x.onFull;
    x.onFull = onFlush;
    const frontier = toList(this.W, m.frontier);
    const counter = new Int32Array(m.counter);
    const blocks: BlockResult[] = [];
    try {
      for (;;) {
        const b = Atomics.add(counter, 0, 1);
        const start = b * m.blockSize;
        if (start >= frontier.length) break;
        const end = Math.min(frontier.length, start + m.blockSize);
        const result: BlockResult = { block: b, from: this.candidates.length, to: 0 };
        this.block(frontier, start, end, m.levelStart, result);
        this.flush();
        result.to = this.candidates.length;
        blocks.push(result);
      }
    } finally {
      x.onFull = restore;
    }
    const generated = x.generated - this.counted;
    this.counted = x.generated;
    return { list: fromList(this.candidates), blocks, generated };
  }

  private block(frontier: StateList, start: number, end: number, levelStart: number, result: BlockResult): void {
    const x = this.expander;
    for (let p = start; p < end; p++) {
      const id = levelStart + p;
      const bad = x.load(frontier.chunkOf(p), frontier.offsetOf(p), id);
      if (bad) {
        result.violation = { id, invariant: bad };
        return;
      }
      try {
        x.expand();
      } catch (e) {
        if (e instanceof Halt && x.outOfRange) {
          result.outOfRange = x.outOfRange;
          x.outOfRange = null;
        } else {
          const error = isCrash(e) ? crashError(this.program, e) : e instanceof EngineError ? e : new EngineError("crash", String(e instanceof Error ? e.message : e));
          result.crash = { kind: error.kind, message: error.message, ...(error.detail ? { detail: error.detail } : {}) };
        }
        this.flush();
        // The rest of the block is only checked: a violation there comes before what stopped it.
        for (let q = p + 1; q < end; q++) {
          const bad2 = x.load(frontier.chunkOf(q), frontier.offsetOf(q), levelStart + q);
          if (bad2) {
            result.violation = { id: levelStart + q, invariant: bad2 };
            return;
          }
        }
        return;
      }
      if ((p & 31) === 31) this.flush();
    }
  }

  insert(m: InsertRequest): Part {
    const own = this.table.parts[this.index] as FingerprintTable;
    const R = this.W + EXTRA;
    const W = this.W;
    const lists = m.lists.map((l) => toList(R, l));
    for (const { thread, from, to } of m.order) {
      const list = lists[thread] as StateList;
      for (let i = from; i < to; i++) {
        const c = list.chunkOf(i);
        const o = list.offsetOf(i);
        const lo = c[o + W + 1] as number;
        if (this.table.partOf(lo) !== this.index) continue;
        c[o + W + 4] = own.add(c[o + W] as number, lo) ? 1 : 0;
      }
    }
    return { slots: own.slots.buffer as SharedArrayBuffer, size: own.size };
  }
}
