/**
 * The compiled explorer on several cores: the same breadth-first search as packed-explore.ts, each
 * level split between this thread and worker threads, with the same counts, verdicts and
 * counterexamples for any number of workers.
 *
 * `--workers N` means N threads: this one and N - 1 worker threads. A level's states are cut into N
 * consecutive runs. This thread expands the first run as the sequential search does, adding new
 * states to the fingerprint table and numbering them; meanwhile each worker expands its run into
 * candidate records (packed-range.ts), reading the table but never writing it. Then this thread takes
 * the workers' candidates in run order, each looked up again and numbered when it is new: every
 * successor of a later run comes from a parent numbered after those of the earlier runs, so the
 * states are numbered in the sequential search's order, with no lock and no second pass. The runs'
 * lengths follow the last level's measured speeds, so that this thread, which also takes the
 * candidates, ends with the workers.
 *
 * Small levels are expanded here alone while the workers start (from one bundled script). Whatever
 * stops a worker's run (a violation, a successor out of TypeOK's range, a crash, the time-out) is
 * settled here as the sequential search would, at the same state; a worker whose record buffer fills
 * up leaves the rest of its run to this thread.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { PackedProgram } from "../../generator/packed/compile.ts";
import { EngineError } from "../result.ts";
import { CAPACITY } from "./fingerprint.ts";
import { crashError, isCrash } from "./packed-model.ts";
import { CONTROL_WORDS, DONE, EXTRA, OUTPUT_BYTES, PUBLISHED, type RangeReply, type RangeRequest, STOP } from "./packed-range.ts";
import { type PackedOptions, type PackedResult, Search } from "./packed-search.ts";
import type { WorkerRequest } from "./packed-worker.ts";
import type { StateList } from "./packed-expand.ts";

/** Milliseconds without news from a working worker after which it is taken for dead. */
const SILENCE = 60_000;

/** How far ahead of the record it takes this thread reads table slots (a power of two). */
const AHEAD = 32;

/** Levels smaller than this are expanded on the main thread alone. */
const SMALL_LEVEL = 2048;

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

/** The same script, built now (for workers that start while the caller goes on with synchronous work). */
function bundledWorkerNow(): string | null {
  try {
    const esbuild = createRequire(import.meta.url)("esbuild") as typeof import("esbuild");
    const entry = fileURLToPath(new URL("./packed-worker.ts", import.meta.url));
    const r = esbuild.buildSync({ entryPoints: [entry], bundle: true, format: "cjs", platform: "node", target: "node20", write: false, logLevel: "silent" });
    const text = r.outputFiles[0]?.text ?? null;
    workerScript ??= Promise.resolve(text);
    return text;
  } catch {
    return null;
  }
}

function tsxBoot(): string {
  const tsx = import.meta.resolve("tsx/esm/api");
  const entry = new URL("./packed-worker.ts", import.meta.url).href;
  return `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); }).catch((e) => { require("node:worker_threads").parentPort.postMessage({ ok: false, error: String(e && e.stack || e) }); });`;
}

/** A worker thread, its control words and its record buffer. */
class WorkerHandle {
  private readonly worker: Worker;
  private pending: ((r: Reply<unknown>) => void) | null = null;
  private failed: Error | null = null;
  readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
  readonly output: Int32Array;
  /** Per frontier list, how many of its chunks the worker has. */
  readonly sent = [0, 0];
  /** The table buffer the worker has. */
  table: ArrayBufferLike | null = null;

  constructor(script: string | null, outputBytes: number) {
    this.output = new Int32Array(new SharedArrayBuffer(outputBytes));
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

  /** Whether the worker keeps the process alive (not while it waits in the pool). */
  hold(on: boolean): void {
    if (on) this.worker.ref();
    else this.worker.unref();
  }
}

/** Worker threads started ahead of a search (prestartWorkers), not taken yet. */
let pool: Promise<WorkerHandle[]> | null = null;

/**
 * Starts `count` worker threads now, for the next parallel search to take: they load their code while
 * the caller loads and compiles the spec. Unused, they do not keep the process alive.
 */
export function prestartWorkers(count: number): void {
  if (count <= 0 || pool) return;
  // Built and started now, so the threads boot while this one loads the spec (which never yields).
  const script = bundledWorkerNow();
  const handles = Array.from({ length: count }, () => {
    const h = new WorkerHandle(script, OUTPUT_BYTES);
    h.hold(false);
    return h;
  });
  pool = Promise.resolve(handles);
}

/** `count` workers: the pool's, when it has that many (and the default buffers are asked for), else new ones. */
async function takeWorkers(count: number, outputBytes: number | undefined): Promise<WorkerHandle[]> {
  const pooled = pool;
  pool = null;
  const ready = pooled ? await pooled : [];
  if (ready.length === count && outputBytes === undefined) {
    for (const h of ready) h.hold(true);
    return ready;
  }
  await Promise.all(ready.map((h) => h.stop()));
  const script = await bundledWorker();
  return Array.from({ length: count }, () => new WorkerHandle(script, outputBytes ?? OUTPUT_BYTES));
}

/** For tests: run every level through the workers (smallLevel 1) and wait for them first. */
export interface ParallelTuning {
  /** Levels with fewer states are expanded on this thread only. */
  smallLevel?: number;
  /** Wait for the workers before the first level rather than searching alone until they are up. */
  wait?: boolean;
  /** The fingerprint table's first size in slots, a power of two (tests make it small to make it grow within a level, while the workers read it). */
  slots?: number;
  /** Each worker's record buffer in bytes (tests make it small to make it fill up). */
  outputBytes?: number;
  /** The share of a level this thread expands itself, fixed (tests); by default it follows the measured speeds. */
  share?: number;
}

export async function explorePackedParallel(program: PackedProgram, opts: PackedOptions, workers: number, tuning: ParallelTuning = {}): Promise<PackedResult> {
  const smallLevel = tuning.smallLevel ?? SMALL_LEVEL;
  const helpers: WorkerHandle[] = [];
  const search = new Search(program, opts, true, workers, tuning.slots);
  const guard = new Int32Array(new SharedArrayBuffer(8));
  guard[CAPACITY] = search.table.capacity;
  search.table.guard = guard;
  // Workers start while this thread searches alone; they take over at the first level big enough
  // once they are up.
  let up = false;
  let closing = false;
  const ready = takeWorkers(workers - 1, tuning.outputBytes).then((started) => {
    if (closing) {
      void Promise.all(started.map((h) => h.stop()));
      return [];
    }
    helpers.push(...started);
    return Promise.all(
      helpers.map(async (h) => {
        const buffers = { control: h.control.buffer as SharedArrayBuffer, guard: guard.buffer as SharedArrayBuffer, output: h.output.buffer as SharedArrayBuffer };
        await h.call({ type: "init", program, invariants: opts.invariants, ...buffers });
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
    const levels = new Levels(search, helpers, tuning);
    while (search.beginLevel()) {
      if (failed) throw failed;
      const r = up && search.frontier.length >= smallLevel ? await levels.split() : search.expandLevel();
      if (r) return r;
      search.endLevel();
      // Let the workers' replies in between levels.
      if (!up) await new Promise((resolve) => setImmediate(resolve));
    }
    const done = search.finish();
    return { ...done, peakBytes: done.peakBytes + levels.peakRecords };
  } catch (e) {
    if (isCrash(e)) throw crashError(program, e);
    throw e;
  } finally {
    closing = true;
    await Promise.all(helpers.map((h) => h.stop()));
  }
}

/** Milliseconds per frontier state, smoothed from level to level. */
class Rate {
  value = 0;

  note(ms: number, states: number): void {
    if (states < 256) return;
    const v = ms / states;
    this.value = this.value === 0 ? v : (this.value + v) / 2;
  }
}

/** The levels the workers share (see the file's comment). */
class Levels {
  private readonly W: number;
  private readonly R: number;
  /** The frontier list each of the search's two lists is (they take turns), by identity. */
  private readonly listIds = new Map<StateList, number>();
  private readonly own = new Rate();
  private readonly theirs = new Rate();
  /** Milliseconds per worker frontier state spent here taking its candidates. */
  private readonly taking = new Rate();
  /** Bytes of the largest level's records. */
  peakRecords = 0;
  /** What the read-ahead read (kept so it is not optimized away). */
  touched = 0;
  /** New states per frontier state in the last level. */
  private ratio = 2;

  constructor(
    private readonly search: Search,
    private readonly helpers: WorkerHandle[],
    private readonly tuning: ParallelTuning,
  ) {
    this.W = search.program.layout.words;
    this.R = this.W + EXTRA;
  }

  /** This thread's share of a level: its runs should take it as long as a worker's run takes a worker. */
  private share(): number {
    if (this.tuning.share !== undefined) return this.tuning.share;
    const k = this.helpers.length;
    const e0 = this.own.value;
    const e1 = this.theirs.value;
    if (e0 === 0 || e1 === 0) return 1 / (k + 1);
    // x per worker: (1 - kx)·e0 + kx·take = x·e1.
    const x = e0 / (e1 + k * e0 - k * this.taking.value);
    return Math.min(0.9, Math.max(0.05, 1 - k * x));
  }

  private listId(list: StateList): number {
    let id = this.listIds.get(list);
    if (id === undefined) {
      id = this.listIds.size;
      this.listIds.set(list, id);
    }
    return id;
  }

  /** Expands the current level with the workers; a result when the search ends in it. */
  async split(): Promise<PackedResult | null> {
    const search = this.search;
    const frontier = search.frontier;
    const n = frontier.length;
    const k = this.helpers.length;
    const mine = Math.max(1, Math.floor(n * this.share()));
    const per = Math.ceil((n - mine) / k);
    const deadline = search.opts.timeoutMs === undefined ? Infinity : Date.now() + search.opts.timeoutMs - (performance.now() - search.started);
    // The table grows here, before the workers read it, to fit the level's new states on the last
    // level's ratio (not with a first size given: tests make it grow while the workers read it).
    if (this.tuning.slots === undefined) search.table.reserve(Math.ceil(n * this.ratio * 1.25));
    const found = search.parents.length;
    const list = this.listId(frontier);
    const runs: { from: number; to: number; reply: Promise<RangeReply> }[] = [];
    for (const [w, h] of this.helpers.entries()) {
      const from = Math.min(n, mine + w * per);
      const to = Math.min(n, from + per);
      Atomics.store(h.control, PUBLISHED, 0);
      Atomics.store(h.control, DONE, 0);
      Atomics.store(h.control, STOP, 0);
      const chunks = frontier.chunks.slice(h.sent[list]).map((c) => c.buffer as SharedArrayBuffer);
      h.sent[list] = frontier.chunks.length;
      const table = search.table.slots.buffer;
      const request: RangeRequest = { list, chunks, per: frontier.per, from, to, firstId: search.levelStart + from, table: h.table === table ? null : (table as SharedArrayBuffer), deadline };
      h.table = table;
      runs.push({ from, to, reply: h.call<RangeReply>({ type: "range", ...request }) });
    }
    const stopAll = async () => {
      for (const h of this.helpers) Atomics.store(h.control, STOP, 1);
      await Promise.allSettled(runs.map((r) => r.reply));
    };
    const t0 = performance.now();
    const r = search.expandLevel(mine);
    this.own.note(performance.now() - t0, mine);
    if (r) {
      await stopAll();
      return r;
    }
    let records = 0;
    for (const [w, run] of runs.entries()) {
      const h = this.helpers[w] as WorkerHandle;
      const t1 = performance.now();
      const { taken, waited } = this.take(h, run.from, deadline);
      if (search.event) {
        await stopAll();
        return search.settle(search.event);
      }
      const reply = await run.reply;
      search.offloaded += reply.generated;
      records += taken;
      this.theirs.note(reply.ms, run.to - run.from);
      this.taking.note(performance.now() - t1 - waited, run.to - run.from);
      const ended = this.after(reply, run.to);
      if (ended) {
        await stopAll();
        return ended;
      }
    }
    this.peakRecords = Math.max(this.peakRecords, records * this.R * 4);
    this.ratio = (search.parents.length - found) / n;
    search.position = n;
    return null;
  }

  /**
   * Takes a worker's candidates as it writes them: each one the table does not have yet is a new
   * state, numbered next. Returns how many there were and the milliseconds spent waiting for them.
   */
  private take(h: WorkerHandle, from: number, deadline: number): { taken: number; waited: number } {
    const search = this.search;
    const table = search.table;
    const out = h.output;
    const W = this.W;
    const R = this.R;
    let i = 0;
    let waited = 0;
    let heard = performance.now();
    search.position = from;
    for (;;) {
      const published = Atomics.load(h.control, PUBLISHED);
      for (; i < published; i++) {
        const o = i * R;
        // The table slots of the records a little further on are read now, so their cache misses overlap.
        if ((i & (AHEAD - 1)) === 0) for (let j = i + AHEAD; j < Math.min(published, i + 2 * AHEAD); j++) this.touched ^= table.touch(out[j * R + W] as number);
        if (!table.add(out[o + W] as number, out[o + W + 1] as number)) continue;
        const parent = out[o + W + 2] as number;
        if (!search.admit(out, o, parent, out[o + W + 3] as number)) {
          // As the sequential search, stopped while expanding this parent.
          search.position = parent - search.levelStart;
          return { taken: i, waited };
        }
      }
      if (Atomics.load(h.control, DONE) === 1 && Atomics.load(h.control, PUBLISHED) === i) return { taken: i, waited };
      if (Date.now() > deadline) {
        search.event = { kind: "timeout", id: search.parents.length };
        return { taken: i, waited };
      }
      const t = performance.now();
      Atomics.wait(h.control, PUBLISHED, published, 50);
      const now = performance.now();
      waited += now - t;
      // A worker publishes every few states: silence this long means it died (this thread cannot hear of it meanwhile).
      if (Atomics.load(h.control, PUBLISHED) !== published || Atomics.load(h.control, DONE) === 1) heard = now;
      else if (now - heard > SILENCE) throw new EngineError("crash", `A worker thread of the parallel explorer stopped answering (nothing for ${SILENCE / 1000} s): run with --workers 1 and report this.`);
    }
  }

  /**
   * After a worker's candidates are taken: what stopped its run, settled as the sequential search
   * would at the same state (a result), or nothing (undefined) when the run was complete or its
   * rest was expanded here.
   */
  private after(reply: RangeReply, to: number): PackedResult | undefined {
    const search = this.search;
    search.position = reply.stoppedAt;
    if (reply.violation) return search.violation(reply.violation.id, reply.violation.invariant, search.depth - 1);
    if (reply.outOfRange) {
      const id = search.parents.length;
      search.parents.push(reply.outOfRange.parent);
      search.vias.push(reply.outOfRange.via);
      return search.settle({ kind: "typeok", id, invariant: reply.outOfRange.invariant });
    }
    if (reply.crash) return search.settle({ kind: "error", error: new EngineError(reply.crash.kind, reply.crash.message, reply.crash.detail) });
    if (reply.stop === "timeout") {
      // The state at stoppedAt was not checked there: the search stands before it.
      search.position = reply.stoppedAt - 1;
      return search.settle({ kind: "timeout", id: search.parents.length });
    }
    // The worker's buffer filled up: the rest of its run is expanded here.
    if (reply.stoppedAt < to) return search.expandLevel(to) ?? undefined;
    return undefined;
  }
}
