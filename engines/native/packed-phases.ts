/**
 * The two parallel phases of a BFS level (see packed-parallel.ts), as run by each thread: the main
 * thread and every worker thread. All data is in SharedArrayBuffers; the messages carry handles.
 *
 * `expand`: the level is cut into pieces of consecutive states; threads take pieces in turn (a
 * shared counter), so they stay busy however uneven the pieces are, and each thread's pieces come in
 * increasing order. Per piece a thread writes each state's parent and transition index (known now
 * that states are numbered), checks its invariants and generates its successors. A successor this
 * thread has not met lately is offered to the fingerprint table and level map with its parent's number
 * as key (level-map.ts); when it is new or lowers a key, it is recorded in the thread's output list:
 * packed words, fingerprint, parent, transition index. A piece stops expanding at a violation,
 * and after a crash or a successor out of TypeOK's range only checks the rest of its states. When
 * the table is nearly full, threads stop at the next few states' end and report how far they got:
 * the owner grows it and runs the rest.
 * `settle`: per piece, the records whose fingerprint's key in the level map is still their parent are the first occurrences
 * of new states; they are moved to the front of the piece's records, in order. They are the next
 * level (numbered by the owner, in piece order).
 */
import type { PackedProgram } from "../../generator/packed/compile.ts";
import { EngineError } from "../result.ts";
import { FingerprintTable, RecentFingerprints, setIn, setVia } from "./fingerprint.ts";
import { keyOf, levelCapacity, offer } from "./level-map.ts";
import { BATCH, Expander, Halt, StateList, invariantChecks } from "./packed-expand.ts";
import { crashError, isCrash } from "./packed-model.ts";

export interface SharedList {
  chunks: SharedArrayBuffer[];
  per: number;
  length: number;
}

/** Frontier states at positions from..to of list `list`, numbered from `firstId`. */
export interface Piece {
  list: number;
  from: number;
  to: number;
  firstId: number;
}

export interface ExpandRequest {
  /** The lists pieces are in; `records`: output lists of a level (whose parents and transition indices are written here). */
  lists: { list: SharedList; records: boolean }[];
  pieces: Piece[];
  /** Int32Array(3): the next piece to take, fingerprints claimed, stop flag. */
  control: SharedArrayBuffer;
  /** The fingerprint table's slots and the level map (level-map.ts); how many fingerprints they may take before the round stops. */
  table: SharedArrayBuffer;
  /** The table's slots in use (at the start of its buffer, which may be reserved for more). */
  tableSlots: number;
  map: SharedArrayBuffer;
  room: number;
  /** A level map to empty meanwhile (the next level's), in `clearRuns` runs taken before the pieces. */
  clear: SharedArrayBuffer | null;
  clearRuns: number;
  parents: SharedArrayBuffer[];
  vias: SharedArrayBuffer[];
  /** Date.now() after which the round stops (--timeout), or Infinity. */
  deadline: number;
  /** Which of this thread's two output lists to write (the other is the frontier). */
  out: number;
  /** The first round of a level empties the output list; a later one appends. */
  fresh: boolean;
}

/** What a thread did with one piece; its records are from..to of the thread's output list. */
export interface PieceResult {
  piece: number;
  /** Frontier positions up to here were expanded (less than the piece's `to` when the round stopped). */
  done: number;
  thread: number;
  from: number;
  to: number;
  violation?: { id: number; invariant: string };
  outOfRange?: { parent: number; via: number; invariant: string };
  crash?: { kind: EngineError["kind"]; message: string; detail?: string };
}

export interface ExpandReply {
  list: SharedList;
  pieces: PieceResult[];
  generated: number;
  /** Fingerprints this thread added to the table. */
  claims: number;
  /** Pairs: a state's number and its transition index, where that is too large for the shared list (ViaList). */
  largeVias: Int32Array;
  /** The fingerprints (hi, lo pairs) whose key this thread lowered: the only ones whose first records may have lost. */
  lowered: Int32Array;
}

export interface SettleRequest {
  /** Each thread's output list, by thread. */
  lists: SharedList[];
  pieces: { thread: number; from: number; to: number }[];
  /** Int32Array(1): the next piece to take. */
  control: SharedArrayBuffer;
  map: SharedArrayBuffer;
  /** A FingerprintTable's slots: the fingerprints some thread lowered the key of. */
  lowered: SharedArrayBuffer;
}

/** Pairs: a piece's index in the request, then its number of new states. */
export type SettleReply = number[];

/** Output records: the packed words, then fingerprint (hi, lo), parent and transition index. */
export const EXTRA = 4;

export function toList(words: number, l: SharedList): StateList {
  return new StateList(words, true, l.per, l.chunks.map((c) => new Int32Array(c)), l.length);
}

export function fromList(l: StateList): SharedList {
  return { chunks: l.chunks.map((c) => c.buffer as SharedArrayBuffer), per: l.per, length: l.length };
}

const NO_SLOTS: Int32Array = new Int32Array(0);

export class Phases {
  readonly expander: Expander;
  private readonly W: number;
  private readonly recent = new RecentFingerprints();
  private readonly outs: [StateList, StateList];
  private out: StateList;
  /** Transitions already reported. */
  private counted = 0;
  // The current expansion's table and level map.
  private table = NO_SLOTS;
  private mask = 0;
  private map = NO_SLOTS;
  private mapMask = 0;
  private claims = 0;
  private lowered: number[] = [];
  private largeVias: number[] = [];
  private unreported = 0;
  /** Per successor of the batch, whether this thread did not meet it lately (flush). */
  private readonly unmet = new Uint8Array(BATCH);
  /** What flush's read-ahead read (kept so it is not optimized away). */
  touched = 0;

  constructor(
    readonly program: PackedProgram,
    invariants: string[] | undefined,
    readonly index: number,
    expander?: Expander,
  ) {
    this.W = program.layout.words;
    this.expander = expander ?? new Expander(program, invariantChecks(program, invariants), () => this.flush());
    this.outs = [new StateList(this.W + EXTRA, true, 1 << 12), new StateList(this.W + EXTRA, true, 1 << 12)];
    this.out = this.outs[0];
  }

  private flush(): void {
    const x = this.expander;
    const n = x.size;
    x.size = 0;
    const fps = x.fps;
    const W = this.W;
    const table = this.table;
    const mask = this.mask;
    const map = this.map;
    const mapMask = this.mapMask;
    const out = this.out;
    // Met lately by this thread: found before, or offered before from an earlier parent. The others'
    // slots in the table and level map are read ahead all at once, so their cache misses overlap.
    const unmet = this.unmet;
    let touched = 0;
    for (let i = 0; i < n; i++) {
      const met = this.recent.metAt(fps, i);
      unmet[i] = met ? 0 : 1;
      if (!met) touched ^= (table[2 * ((fps[2 * i] as number) & mask)] as number) ^ (map[3 * ((fps[2 * i + 1] as number) & mapMask)] as number);
    }
    this.touched = touched;
    for (let i = 0; i < n; i++) {
      if (unmet[i] === 0) continue;
      const hi = fps[2 * i] as number;
      const lo = fps[2 * i + 1] as number;
      const parent = x.parents[i] as number;
      const r = offer(table, mask, map, mapMask, hi, lo, parent);
      if (r < 0) continue;
      if (r > 0) this.claims++;
      else this.lowered.push(hi, lo);
      const at = out.add();
      const tail = out.tail;
      const o = i * W;
      for (let k = 0; k < W; k++) tail[at + k] = x.words[o + k] as number;
      tail[at + W] = hi;
      tail[at + W + 1] = lo;
      tail[at + W + 2] = parent;
      tail[at + W + 3] = x.vias[i] as number;
    }
  }

  expand(m: ExpandRequest): ExpandReply {
    const x = this.expander;
    this.table = new Int32Array(m.table, 0, 2 * m.tableSlots);
    this.mask = m.tableSlots - 1;
    this.map = new Int32Array(m.map);
    this.mapMask = levelCapacity(this.map) - 1;
    const limit = m.room;
    this.out = this.outs[m.out] as StateList;
    if (m.fresh) this.out.reset();
    // A later round's pieces may come before this thread's earlier ones: what it met there may not
    // be skipped here, where a smaller parent can lower a key.
    else this.recent.clear();
    this.claims = 0;
    this.lowered = [];
    this.largeVias = [];
    this.unreported = 0;
    const restore = x.onFull;
    x.onFull = () => this.flush();
    const lists = m.lists.map((l) => ({ list: toList(l.records ? this.W + EXTRA : this.W, l.list), records: l.records }));
    const parents = m.parents.map((b) => new Int32Array(b));
    const vias = m.vias.map((b) => new Uint8Array(b));
    const control = new Int32Array(m.control);
    const results: PieceResult[] = [];
    try {
      // The counter hands out the runs of the level map to empty first, then the pieces.
      let taken = Atomics.add(control, 0, 1);
      if (m.clear) {
        const map = new Int32Array(m.clear);
        const per = Math.ceil(map.length / m.clearRuns / 3) * 3;
        for (; taken < m.clearRuns; taken = Atomics.add(control, 0, 1)) map.fill(0, taken * per, Math.min(map.length, (taken + 1) * per));
      }
      for (; Atomics.load(control, 2) === 0; taken = Atomics.add(control, 0, 1)) {
        const b = taken - m.clearRuns;
        const piece = m.pieces[b];
        if (!piece) break;
        const { list, records } = lists[piece.list] as { list: StateList; records: boolean };
        const result: PieceResult = { piece: b, done: piece.to, thread: this.index, from: this.out.length, to: 0 };
        this.piece(list, records ? { parents, vias } : null, piece, result, control, limit, m.deadline);
        this.flush();
        result.to = this.out.length;
        results.push(result);
      }
    } finally {
      x.onFull = restore;
      // Holding on to them would keep the memory of a table the owner outgrows (collect.ts).
      this.table = NO_SLOTS;
      this.map = NO_SLOTS;
    }
    const generated = x.generated - this.counted;
    this.counted = x.generated;
    return { list: fromList(this.out), pieces: results, generated, claims: this.claims, lowered: Int32Array.from(this.lowered), largeVias: Int32Array.from(this.largeVias) };
  }

  /** Loads state `id` at position p of the list (first recording its parent and transition index, for a record) and checks it. */
  private load(list: StateList, meta: { parents: Int32Array[]; vias: Uint8Array[] } | null, p: number, id: number): string | undefined {
    const c = list.chunkOf(p);
    const o = list.offsetOf(p);
    if (meta) {
      const W = this.W;
      setIn(meta.parents, id, c[o + W + 2] as number);
      if (!setVia(meta.vias, id, c[o + W + 3] as number)) this.largeVias.push(id, c[o + W + 3] as number);
    }
    return this.expander.load(c, o, id);
  }

  private piece(list: StateList, meta: { parents: Int32Array[]; vias: Uint8Array[] } | null, piece: Piece, result: PieceResult, control: Int32Array, limit: number, deadline: number): void {
    const x = this.expander;
    const { from, to, firstId } = piece;
    for (let p = from; p < to; p++) {
      const id = firstId + p - from;
      const bad = this.load(list, meta, p, id);
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
        // The rest of the piece is only checked: a violation there comes before what stopped it.
        for (let q = p + 1; q < to; q++) {
          const id2 = firstId + q - from;
          const bad2 = this.load(list, meta, q, id2);
          if (bad2) {
            result.violation = { id: id2, invariant: bad2 };
            return;
          }
        }
        return;
      }
      if ((p & 31) === 31) {
        this.flush();
        // Claims are counted in every few states: stop here when the table is nearly full (or time is up).
        const claimed = Atomics.add(control, 1, this.claims - this.unreported) + this.claims - this.unreported;
        this.unreported = this.claims;
        if (claimed > limit || Date.now() > deadline) Atomics.store(control, 2, 1);
        if (Atomics.load(control, 2) !== 0 && p + 1 < to) {
          result.done = p + 1;
          return;
        }
      }
    }
  }

  settle(m: SettleRequest): SettleReply {
    const R = this.W + EXTRA;
    const W = this.W;
    const lists = m.lists.map((l) => toList(R, l));
    const map = new Int32Array(m.map);
    const mask = levelCapacity(map) - 1;
    const lowered = new FingerprintTable(0, false, new Int32Array(m.lowered));
    const control = new Int32Array(m.control);
    const counts: number[] = [];
    for (;;) {
      const b = Atomics.add(control, 0, 1);
      const piece = m.pieces[b];
      if (!piece) break;
      const list = lists[piece.thread] as StateList;
      let w = piece.from;
      for (let i = piece.from; i < piece.to; i++) {
        const c = list.chunkOf(i);
        const o = list.offsetOf(i);
        const hi = c[o + W] as number;
        const lo = c[o + W + 1] as number;
        if (lowered.has(hi, lo) && keyOf(map, mask, hi, lo) !== c[o + W + 2]) continue;
        if (w !== i) {
          // Record w is an earlier one than record i (w < i): the two never overlap.
          const cw = list.chunkOf(w);
          const ow = list.offsetOf(w);
          for (let k = 0; k < R; k++) cw[ow + k] = c[o + k] as number;
        }
        w++;
      }
      counts.push(b, w - piece.from);
    }
    return counts;
  }
}
