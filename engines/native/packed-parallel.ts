/**
 * The compiled explorer on several cores: the same breadth-first search as packed-explore.ts, each
 * level expanded by worker threads, with the same counts, verdicts and counterexamples for any number
 * of workers.
 *
 * `--workers N` means N threads: this one and N - 1 worker threads. They share, in
 * SharedArrayBuffers, the fingerprint table, the level map (level-map.ts), the parents and
 * transition indices, and their output lists. A level goes in two phases (packed-phases.ts):
 * 1. expand (all threads, in one round, or more when the table or level map must grow in between):
 *    pieces of the level are expanded, each successor not met lately offered to the table, which
 *    takes the new ones; the level map keeps per new state the first parent reaching it, and the
 *    threads empty the next level's map meanwhile;
 * 2. settle (all threads, only when some thread lowered a key): per piece, the first occurrences are
 *    kept, in order.
 * Here, between the phases and levels: the table grows to fit the next level's new states (on an
 * estimate; a round stops when it runs out of room), and the new states are numbered piece by piece,
 * in the order the sequential search finds them; they stay in the threads' output lists, which are
 * the next level. Small levels are expanded here directly while the workers start (from one bundled
 * script); their compiled code warms up on their first pieces (threads take pieces as they go, so a
 * slower thread takes fewer; a separate warm-up only delayed the takeover). A violation found in phase 1 is the
 * one with the smallest number among those found (every earlier state was checked); anything else
 * that stops a piece (a crash, a successor out of TypeOK's range, the state limit) is settled here in
 * order, as in the sequential search.
 */
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { PackedProgram } from "../../generator/packed/compile.ts";
import { EngineError } from "../result.ts";
import { droppedBuffer } from "./collect.ts";
import { FingerprintTable } from "./fingerprint.ts";
import { LEVEL_MAX_LOAD, keyOf, levelCapacity, levelMap, regrowLevel } from "./level-map.ts";
import { crashError, isCrash } from "./packed-model.ts";
import { type PackedOptions, type PackedResult, Search } from "./packed-search.ts";
import { EXTRA, type ExpandReply, type ExpandRequest, type Piece, type PieceResult, Phases, type SettleReply, type SettleRequest, type SharedList, fromList, toList } from "./packed-phases.ts";
import type { WorkerRequest } from "./packed-worker.ts";

/** Levels smaller than this are expanded on the main thread until the workers take over. */
const SMALL_LEVEL = 2048;

/** The keyed table's smallest size (slots). */
const MIN_SLOTS = 1 << 16;

type Reply<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * The worker threads' code: packed-worker.ts and what it imports bundled into one script, once per
 * process, by esbuild (which tsx runs on): a worker then starts in a fraction of the time tsx's
 * module hooks take to load the same sources. Without esbuild, workers load them through tsx.
 */
let workerScript: Promise<string | null> | null = null;

function bundledWorker(): Promise<string | null> {
  workerScript ??= import("esbuild")
    .then(async (esbuild) => {
      const entry = fileURLToPath(new URL("./packed-worker.ts", import.meta.url));
      const r = await esbuild.build({ entryPoints: [entry], bundle: true, format: "cjs", platform: "node", target: "node20", write: false, logLevel: "silent" });
      return r.outputFiles[0]?.text ?? null;
    })
    .catch(() => null);
  return workerScript;
}

function tsxBoot(): string {
  const tsx = import.meta.resolve("tsx/esm/api");
  const entry = new URL("./packed-worker.ts", import.meta.url).href;
  return `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); }).catch((e) => { require("node:worker_threads").parentPort.postMessage({ ok: false, error: String(e && e.stack || e) }); });`;
}

class WorkerHandle {
  private readonly worker: Worker;
  private pending: ((r: Reply<unknown>) => void) | null = null;
  private failed: Error | null = null;

  constructor(script: string | null) {
    this.worker = new Worker(script ?? tsxBoot(), { eval: true });
    this.worker.on("message", (r: Reply<unknown>) => {
      const p = this.pending;
      this.pending = null;
      p?.(r);
    });
    this.worker.on("error", (e: Error) => {
      this.failed = e;
      const p = this.pending;
      this.pending = null;
      p?.({ ok: false, error: e.message });
    });
  }

  call<T>(m: WorkerRequest): Promise<T> {
    if (this.failed) return Promise.reject(new EngineError("crash", `a worker thread failed: ${this.failed.message}`));
    return new Promise<T>((resolve, reject) => {
      this.pending = (r) => (r.ok ? resolve(r.value as T) : reject(new EngineError("crash", `a worker thread failed: ${r.error}`)));
      this.worker.postMessage(m);
    });
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

/** For tests: run every level through the phases (smallLevel 1) and wait for the workers first. */
export interface ParallelTuning {
  /** Levels with fewer states are expanded on this thread only, until the workers take over. */
  smallLevel?: number;
  /** Wait for the workers before the first level rather than searching alone until they are up. */
  wait?: boolean;
  /** The fingerprint table's and level map's first size in slots, a power of two (tests make them small to make them grow within a level). */
  slots?: number;
}

export async function explorePackedParallel(program: PackedProgram, opts: PackedOptions, workers: number, tuning: ParallelTuning = {}): Promise<PackedResult> {
  const smallLevel = tuning.smallLevel ?? SMALL_LEVEL;
  const helpers: WorkerHandle[] = [];
  const search = new Search(program, opts, true, workers, tuning.slots);
  const mine = new Phases(program, opts.invariants, 0, search.expander);
  // Workers start while this thread searches alone; they take over at the first level big enough
  // once they are up.
  let up = false;
  let closing = false;
  const ready = bundledWorker().then((script) => {
    if (closing) return [];
    for (let i = 1; i < workers; i++) helpers.push(new WorkerHandle(script));
    return Promise.all(
      helpers.map(async (h, i) => {
        await h.call({ type: "init", program, invariants: opts.invariants, index: i + 1 });
      }),
    );
  });
  let failed: unknown = null;
  ready.then(
    () => (up = true),
    (e: unknown) => (failed = e),
  );
  try {
    const first = search.start();
    if (first) return first;
    if (tuning.wait) await ready;
    while (search.beginLevel()) {
      if (failed) throw failed;
      if (!up || search.frontier.length < smallLevel) {
        const r = search.expandLevel();
        if (r) return r;
        search.endLevel();
        // Let the workers' replies in between levels.
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      await ready;
      return await new ParallelSearch(search, mine, helpers, tuning.slots ?? MIN_SLOTS, tuning.slots === undefined).run();
    }
    return search.finish();
  } catch (e) {
    if (isCrash(e)) throw crashError(program, e);
    throw e;
  } finally {
    closing = true;
    await Promise.all(helpers.map((h) => h.stop()));
  }
}

/** A piece's result with its first state's number. */
type Done = PieceResult & { firstId: number };

/** The levels from the search's current one on, all through the phases. */
class ParallelSearch {
  private readonly threads: number;
  private readonly W: number;
  /** The current level: the lists its states are in, and runs of them in number order. */
  private lists: ExpandRequest["lists"];
  private segments: Piece[];
  private levelStart: number;
  private levelSize: number;
  /** The level map of the current level (level-map.ts), and the one the next level uses (emptied meanwhile). */
  private map: Int32Array;
  private spare: Int32Array;
  /** Which of each thread's two output lists the level writes. */
  private out = 0;
  /** New states per state of the last level (to make room in the table before a level). */
  private ratio = 2;
  private peakLists = 0;

  constructor(
    private readonly search: Search,
    private readonly mine: Phases,
    private readonly helpers: WorkerHandle[],
    /** The level map's smallest size; with `presize` false, it and the table grow only when full (for tests). */
    private readonly minSlots: number,
    private readonly presize: boolean,
  ) {
    this.threads = helpers.length + 1;
    this.W = search.program.layout.words;
    this.lists = [{ list: fromList(search.frontier), records: false }];
    this.levelStart = search.levelStart;
    this.levelSize = search.frontier.length;
    this.segments = [{ list: 0, from: 0, to: this.levelSize, firstId: this.levelStart }];
    this.map = levelMap(minSlots);
    this.spare = levelMap(minSlots);
    const timeout = search.opts.timeoutMs;
    this.deadline = timeout === undefined ? Infinity : Date.now() + timeout - (performance.now() - search.started);
  }

  async run(): Promise<PackedResult> {
    const search = this.search;
    for (;;) {
      const r = await this.expandLevel();
      if (typeof r !== "number") return r;
      if (r === 0) break;
      search.depth += 1;
    }
    const bytes = search.table.bytes + search.parents.bytes + search.vias.bytes + this.map.byteLength + this.spare.byteLength + this.peakLists;
    return search.finish({ peakBytes: bytes });
  }

  /** --timeout's end, as Date.now() (the same clock on every thread). */
  private readonly deadline: number;

  private timedOut(found: number): never {
    throw new EngineError("timeout", `The native engine did not finish within ${this.search.opts.timeoutMs} ms (${found} distinct states found, depth ${this.search.depth}).`);
  }

  /** Grows the table and level map, if needed, to take `extra` more fingerprints (`mapped` of them in the map already). */
  private reserve(extra: number, mapped: number): void {
    const table = this.search.table;
    const buffer = table.slots.buffer;
    // In place, here, while the workers wait (fingerprint.ts); a new buffer only past its reservation.
    table.reserve(extra);
    if (table.slots.buffer !== buffer) droppedBuffer(buffer.byteLength);
    const want = capacityFor(mapped + extra, this.minSlots);
    if (levelCapacity(this.map) < want) this.map = regrowLevel(this.map, want);
  }

  /** Runs the current level; the number of new states (the next level is current then), or the verdict. */
  private async expandLevel(): Promise<number | PackedResult> {
    const search = this.search;
    const n = this.levelSize;
    search.parents.reserve(this.levelStart + n);
    search.vias.reserve(this.levelStart + n);
    const expected = this.presize ? Math.ceil(n * this.ratio * 1.1) : 0;
    this.reserve(expected, 0);
    // The spare level map is emptied during this level, or replaced when its size is far off.
    const spareWant = capacityFor(expected * Math.max(1, this.ratio), this.minSlots);
    const spareSize = levelCapacity(this.spare);
    const clear = spareSize < spareWant || spareSize > 8 * spareWant ? null : this.spare;
    if (!clear) this.spare = levelMap(spareWant);
    const size = Math.max(256, Math.min(8192, Math.ceil(n / (this.threads * 16))));
    let pieces = cut(this.segments, size);
    const done: Done[] = [];
    const outs: SharedList[] = [];
    const lowered: Int32Array[] = [];
    let claims = 0;
    for (let round = 0; pieces.length > 0; round++) {
      const request: ExpandRequest = {
        lists: this.lists,
        pieces,
        control: new SharedArrayBuffer(12),
        table: search.table.slots.buffer as SharedArrayBuffer,
        tableSlots: search.table.capacity,
        map: this.map.buffer as SharedArrayBuffer,
        room: Math.min(search.table.room, Math.floor(levelCapacity(this.map) * LEVEL_MAX_LOAD)) - claims,
        clear: round === 0 && clear ? (clear.buffer as SharedArrayBuffer) : null,
        clearRuns: round === 0 && clear ? Math.max(1, Math.ceil(levelCapacity(clear) / (1 << 15))) : 0,
        parents: search.parents.chunks.map((c) => c.buffer as SharedArrayBuffer),
        vias: search.vias.chunks.map((c) => c.buffer as SharedArrayBuffer),
        deadline: this.deadline,
        out: this.out,
        fresh: round === 0,
      };
      const pending = this.helpers.map((h) => h.call<ExpandReply>({ type: "expand", ...request }));
      const own = this.mine.expand(request);
      const replies = [own, ...(await Promise.all(pending))];
      const rest: Piece[] = [];
      const reported = new Set<number>();
      for (const [thread, reply] of replies.entries()) {
        if (thread > 0) search.offloaded += reply.generated;
        claims += reply.claims;
        if (reply.lowered.length > 0) lowered.push(reply.lowered);
        for (let i = 0; i < reply.largeVias.length; i += 2) search.vias.large.set(reply.largeVias[i] as number, reply.largeVias[i + 1] as number);
        outs[thread] = reply.list;
        for (const p of reply.pieces) {
          const piece = pieces[p.piece] as Piece;
          reported.add(p.piece);
          done.push({ ...p, firstId: piece.firstId });
          if (p.done < piece.to) rest.push({ ...piece, from: p.done, firstId: piece.firstId + p.done - piece.from });
        }
      }
      for (const [i, piece] of pieces.entries()) if (!reported.has(i)) rest.push(piece);
      pieces = rest.sort((a, b) => a.firstId - b.firstId);
      if (pieces.length > 0 && Date.now() > this.deadline) this.timedOut(this.levelStart + n + claims);
      // The table or level map filled up: they grow, and the rest of the level runs in another round.
      if (pieces.length > 0) {
        search.table.size += claims;
        this.reserve(Math.ceil(claims * (pieces.reduce((t, p) => t + p.to - p.from, 0) / Math.max(1, n)) * 2) + 1024, claims);
        search.table.size -= claims;
      }
    }
    done.sort((a, b) => a.firstId - b.firstId);
    this.peakLists = Math.max(this.peakLists, outs.reduce((t, l) => t + l.chunks.length * l.per * (this.W + EXTRA) * 4, 0) * 2);

    // Every state of the level was checked (or a violation stopped its piece): the least violation wins.
    const violations = done.flatMap((d) => (d.violation ? [d.violation] : []));
    if (violations.length > 0) {
      const v = violations.reduce((a, b) => (b.id < a.id ? b : a));
      return search.violation(v.id, v.invariant, search.depth - 1);
    }
    const next = this.levelStart + n;
    const max = search.opts.maxStates;
    if (done.some((d) => d.outOfRange || d.crash) || (max !== undefined && next + claims > max)) return this.settleInOrder(done, outs, next);

    const counts = await this.settle(done, outs, lowered);
    let found = 0;
    const segments: Piece[] = [];
    for (const [i, d] of done.entries()) {
      const c = counts[i] as number;
      if (c > 0) segments.push({ list: d.thread, from: d.from, to: d.from + c, firstId: next + found });
      found += c;
    }
    if (found !== claims) throw new EngineError("crash", `The parallel explorer lost count of a level's new states (${found} kept, ${claims} found): run with --workers 1 and report this.`);
    search.table.size += claims;

    // The next level: the kept records in the threads' output lists.
    this.ratio = claims / Math.max(1, n);
    [this.map, this.spare] = [this.spare, this.map];
    this.lists = outs.map((list) => ({ list, records: true }));
    this.segments = segments;
    this.levelStart = next;
    this.levelSize = claims;
    this.out = 1 - this.out;
    search.progress({ distinctStates: next + claims, queue: claims });
    return claims;
  }

  /**
   * The number of new states per piece: its records, less those of fingerprints another record came
   * before (only fingerprints whose key was lowered can have those; without any, nothing is to do).
   */
  private async settle(done: Done[], outs: SharedList[], lowered: Int32Array[]): Promise<Int32Array> {
    const counts = Int32Array.from(done, (d) => d.to - d.from);
    if (lowered.length === 0) return counts;
    const set = new FingerprintTable(capacityFor(lowered.reduce((t, l) => t + l.length / 2, 0), 1 << 10), true);
    for (const l of lowered) for (let i = 0; i < l.length; i += 2) set.add(l[i] as number, l[i + 1] as number);
    const request: SettleRequest = {
      lists: outs,
      pieces: done.map((d) => ({ thread: d.thread, from: d.from, to: d.to })),
      control: new SharedArrayBuffer(4),
      map: this.map.buffer as SharedArrayBuffer,
      lowered: set.slots.buffer as SharedArrayBuffer,
    };
    const pending = this.helpers.map((h) => h.call<SettleReply>({ type: "settle", ...request }));
    for (const reply of [this.mine.settle(request), ...(await Promise.all(pending))]) for (let i = 0; i < reply.length; i += 2) counts[reply[i] as number] = reply[i + 1] as number;
    return counts;
  }

  /**
   * Something other than a violation stopped a piece, or the level passes the state limit: the new
   * states are numbered here in order up to it, as the sequential search would have, and it settles.
   */
  private settleInOrder(done: Done[], outs: SharedList[], next: number): PackedResult {
    const search = this.search;
    const W = this.W;
    search.next.reset();
    const lists = outs.map((l) => toList(W + EXTRA, l));
    const mask = levelCapacity(this.map) - 1;
    for (const d of done) {
      const list = lists[d.thread];
      if (!list) continue;
      for (let i = d.from; i < d.to; i++) {
        const c = list.chunkOf(i);
        const o = list.offsetOf(i);
        if (keyOf(this.map, mask, c[o + W] as number, c[o + W + 1] as number) !== c[o + W + 2]) continue;
        if (!search.admit(c, o, c[o + W + 2] as number, c[o + W + 3] as number)) return search.settle(search.event ?? { kind: "limit", id: 0 }, next);
      }
      if (d.outOfRange) {
        const id = search.parents.length;
        search.parents.push(d.outOfRange.parent);
        search.vias.push(d.outOfRange.via);
        return search.settle({ kind: "typeok", id, invariant: d.outOfRange.invariant }, next);
      }
      if (d.crash) return search.settle({ kind: "error", error: new EngineError(d.crash.kind, d.crash.message, d.crash.detail) }, next);
    }
    throw new EngineError("crash", "The parallel explorer stopped a level for no reason: run with --workers 1 and report this.");
  }
}

/** Level-map slots for `entries` fingerprints (a power of two). */
function capacityFor(entries: number, min: number): number {
  let c = min;
  while (c * LEVEL_MAX_LOAD < entries) c *= 2;
  return c;
}

/** The level's states in pieces of at most `size`, in number order. */
function cut(segments: Piece[], size: number): Piece[] {
  const pieces: Piece[] = [];
  for (const s of segments)
    for (let f = s.from; f < s.to; f += size) pieces.push({ list: s.list, from: f, to: Math.min(s.to, f + size), firstId: s.firstId + f - s.from });
  return pieces;
}
