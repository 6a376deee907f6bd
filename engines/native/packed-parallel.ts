/**
 * The compiled explorer on several cores: the same breadth-first search as packed-explore.ts, each
 * level expanded by worker threads, with the same counts, verdicts and counterexamples for any number
 * of workers.
 *
 * `--workers N` means N threads: this one and N - 1 worker threads. The fingerprint table is split in
 * one part per thread (by fingerprint), in SharedArrayBuffers every thread reads. A level goes in
 * three phases (packed-phases.ts):
 * 1. expand (all threads): the level is cut into blocks that threads take in turn, listing as
 *    candidates the successors no table holds yet;
 * 2. insert (all threads): each adds to its own part, in block order, the candidates whose
 *    fingerprints fall in it, marking the new ones; block order is the order the sequential search
 *    finds states in, so the state marked is the first one found;
 * 3. merge (here): the marked candidates, in block order, are numbered and become the next level.
 * Small levels are expanded here directly, also while the workers start (and warm up their compiled
 * code on a sample of states). A violation found in phase 1 is the one with the smallest number
 * among those found (every earlier state was checked); anything else that stops a block (a crash, a
 * successor out of TypeOK's range) is settled here in order, as in the sequential search.
 */
import { Worker } from "node:worker_threads";
import type { PackedProgram } from "../../generator/packed/compile.ts";
import { EngineError } from "../result.ts";
import { FingerprintTable } from "./fingerprint.ts";
import { crashError, isCrash } from "./packed-model.ts";
import { type PackedOptions, type PackedResult, Search } from "./packed-search.ts";
import { EXTRA, type ExpandReply, type ExpandRequest, type Part, Phases, fromList, toList } from "./packed-phases.ts";
import type { WorkerRequest } from "./packed-worker.ts";

/** Levels smaller than this are expanded on the main thread (a round of messages costs more). */
const SMALL_LEVEL = 2048;

type Reply<T> = { ok: true; value: T } | { ok: false; error: string };

class WorkerHandle {
  private readonly worker: Worker;
  private pending: ((r: Reply<unknown>) => void) | null = null;
  private failed: Error | null = null;

  constructor() {
    // Workers run the TypeScript sources through tsx, as the CLI does (bin/raidspec.js).
    const tsx = import.meta.resolve("tsx/esm/api");
    const entry = new URL("./packed-worker.ts", import.meta.url).href;
    const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); }).catch((e) => { require("node:worker_threads").parentPort.postMessage({ ok: false, error: String(e && e.stack || e) }); });`;
    this.worker = new Worker(boot, { eval: true });
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

/**
 * `smallLevel`: levels with fewer states are expanded on this thread (tests lower it to run every
 * level through the workers).
 */
/** For tests: run every level through the phases (smallLevel 1) and wait for the workers first. */
export interface ParallelTuning {
  /** Levels with fewer states are expanded on this thread only. */
  smallLevel?: number;
  /** Wait for the workers before the first level rather than searching alone until they are up. */
  wait?: boolean;
}

export async function explorePackedParallel(program: PackedProgram, opts: PackedOptions, workers: number, tuning: ParallelTuning = {}): Promise<PackedResult> {
  const smallLevel = tuning.smallLevel ?? SMALL_LEVEL;
  const helpers = Array.from({ length: Math.max(0, workers - 1) }, () => new WorkerHandle());
  const search = new Search(program, opts, workers, true, workers);
  const mine = new Phases(program, opts.invariants, 0, search.expander);
  // Workers start (and warm up their compiled code on the level this thread is at) while this
  // thread searches alone; they join at the first level big enough once they are up.
  let up = false;
  const ready = Promise.all(
    helpers.map(async (h, i) => {
      await h.call({ type: "init", program, invariants: opts.invariants, index: i + 1 });
      const frontier = fromList(search.frontier);
      await h.call({ type: "warm", frontier, rounds: Math.max(1, Math.ceil(6000 / Math.max(1, frontier.length))) });
    }),
  );
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
      const r = await parallelLevel(search, mine, helpers, program.layout.words);
      if (r) return r;
      search.endLevel();
    }
    return search.finish();
  } catch (e) {
    if (isCrash(e)) throw crashError(program, e);
    throw e;
  } finally {
    await Promise.all(helpers.map((h) => h.stop()));
  }
}

async function parallelLevel(search: Search, mine: Phases, helpers: WorkerHandle[], W: number): Promise<PackedResult | null> {
  const threads = helpers.length + 1;
  const frontier = search.frontier;
  const request: ExpandRequest = {
    frontier: fromList(frontier),
    levelStart: search.levelStart,
    // Enough blocks for the threads to even out, few enough to keep their bookkeeping small.
    blockSize: Math.max(256, Math.min(8192, Math.ceil(frontier.length / (threads * 16)))),
    counter: new SharedArrayBuffer(4),
    parts: search.table.parts.map((p) => ({ slots: p.slots.buffer as SharedArrayBuffer, size: p.size })),
  };
  const pending = helpers.map((h) => h.call<ExpandReply>({ type: "expand", ...request }));
  const own = mine.expand(request);
  const replies = [own, ...(await Promise.all(pending))];
  search.offloaded += replies.slice(1).reduce((s, r) => s + r.generated, 0);
  const blocks = replies.flatMap((r, thread) => r.blocks.map((b) => ({ ...b, thread }))).sort((a, b) => a.block - b.block);
  // Every state of this level was checked (or a violation stopped its block): the least violation wins.
  search.position = frontier.length - 1;
  const violations = blocks.flatMap((b) => (b.violation ? [b.violation] : []));
  if (violations.length > 0) {
    const v = violations.reduce((a, b) => (b.id < a.id ? b : a));
    return search.violation(v.id, v.invariant, search.depth - 1);
  }

  const insert = { lists: replies.map((r) => r.list), order: blocks.map((b) => ({ thread: b.thread, from: b.from, to: b.to })) };
  const pendingParts = helpers.map((h) => h.call<Part>({ type: "insert", ...insert }));
  const parts = [mine.insert(insert), ...(await Promise.all(pendingParts))];
  search.table.parts = parts.map((p) => new FingerprintTable(0, true, new Int32Array(p.slots), p.size));

  const R = W + EXTRA;
  const lists = replies.map((r) => toList(R, r.list));
  for (const b of blocks) {
    const list = lists[b.thread] as ReturnType<typeof toList>;
    for (let i = b.from; i < b.to; i++) {
      const c = list.chunkOf(i);
      const o = list.offsetOf(i);
      if (c[o + W + 4] !== 1) continue;
      if (!search.admit(c, o, c[o + W + 2] as number, c[o + W + 3] as number)) return search.settle(search.event ?? { kind: "limit", id: 0 });
    }
    if (b.outOfRange) {
      const id = search.parents.length;
      search.parents.push(b.outOfRange.parent);
      search.vias.push(b.outOfRange.via);
      return search.settle({ kind: "typeok", id, invariant: b.outOfRange.invariant });
    }
    if (b.crash) return search.settle({ kind: "error", error: new EngineError(b.crash.kind, b.crash.message, b.crash.detail) });
  }
  search.progress();
  return null;
}
