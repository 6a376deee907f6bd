/**
 * The compiled explorer on several cores: the same breadth-first search as packed-explore.ts, each
 * level expanded by worker threads, with the same counts, verdicts and counterexamples for any number
 * of workers.
 *
 * The fingerprint table is split in one part per worker (by fingerprint), in SharedArrayBuffers every
 * worker reads. A level goes in three phases:
 * 1. expand (all workers): each takes an equal, contiguous share of the level and lists as candidates
 *    the successors no table holds yet (packed-worker.ts);
 * 2. insert (all workers): each adds to its own part, in worker order, the candidates whose
 *    fingerprints fall in it, marking the new ones; worker order is the order the sequential search
 *    finds states in, so the state marked is the first one found;
 * 3. merge (here): the marked candidates, in worker order, are numbered and become the next level.
 * Small levels are expanded here directly. A violation found in phase 1 is the one with the smallest
 * number among those found (every earlier state was checked); anything else that stops a worker
 * (a crash, a successor out of TypeOK's range) is settled here in order, as in the sequential search.
 */
import { Worker } from "node:worker_threads";
import type { PackedProgram } from "../../generator/packed/compile.ts";
import { EngineError } from "../result.ts";
import { FingerprintTable } from "./fingerprint.ts";
import { crashError, isCrash } from "./packed-model.ts";
import { type PackedOptions, type PackedResult, Search } from "./packed-search.ts";
import { EXTRA, type ExpandReply, type Part, type SharedList, type WorkerRequest, fromList, toList } from "./packed-worker.ts";

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
export async function explorePackedParallel(program: PackedProgram, opts: PackedOptions, workers: number, smallLevel = SMALL_LEVEL): Promise<PackedResult> {
  const handles = Array.from({ length: workers }, () => new WorkerHandle());
  const ready = Promise.all(handles.map((h, index) => h.call({ type: "init", program, invariants: opts.invariants, index })));
  // Until the workers are up (and on small levels) the main thread searches.
  let up = false;
  void ready.then(() => (up = true), () => undefined);
  const search = new Search(program, opts, workers, true, workers);
  const W = program.layout.words;
  try {
    const first = search.start();
    if (first) return first;
    while (search.beginLevel()) {
      if (search.frontier.length < smallLevel || (!up && search.frontier.length < 16 * smallLevel)) {
        const r = search.expandLevel();
        if (r) return r;
        search.endLevel();
        continue;
      }
      await ready;
      const r = await parallelLevel(search, handles, W);
      if (r) return r;
      search.endLevel();
    }
    return search.finish();
  } catch (e) {
    if (isCrash(e)) throw crashError(program, e);
    throw e;
  } finally {
    await Promise.all(handles.map((h) => h.stop()));
  }
}

async function parallelLevel(search: Search, handles: WorkerHandle[], W: number): Promise<PackedResult | null> {
  const n = handles.length;
  const frontier = search.frontier;
  const parts = (): Part[] => search.table.parts.map((p) => ({ slots: p.slots.buffer as SharedArrayBuffer, size: p.size }));
  const shared: SharedList = fromList(frontier);
  const bounds = Array.from({ length: n + 1 }, (_, i) => Math.floor((i * frontier.length) / n));
  const t0 = performance.now();
  const replies = await Promise.all(
    handles.map((h, i) => h.call<ExpandReply>({ type: "expand", frontier: shared, from: bounds[i] ?? 0, to: bounds[i + 1] ?? 0, levelStart: search.levelStart, parts: parts() })),
  );
  search.offloaded += replies.reduce((s, r) => s + r.generated, 0);
  // Every state of this level was checked (or a violation stopped its worker): the least violation wins.
  search.position = frontier.length - 1;
  const violations = replies.flatMap((r) => (r.violation ? [r.violation] : []));
  if (violations.length > 0) {
    const v = violations.reduce((a, b) => (b.id < a.id ? b : a));
    return search.violation(v.id, v.invariant, search.depth - 1);
  }

  const lists = replies.map((r) => r.candidates);
  const t1 = performance.now();
  const updated = await Promise.all(handles.map((h) => h.call<Part>({ type: "insert", lists })));
  const t2 = performance.now();
  search.table.parts = updated.map((p) => new FingerprintTable(0, true, new Int32Array(p.slots), p.size));

  const R = W + EXTRA;
  for (const reply of replies) {
    const list = toList(R, reply.candidates);
    for (let i = 0; i < list.length; i++) {
      const c = list.chunkOf(i);
      const o = list.offsetOf(i);
      if (c[o + W + 4] !== 1) continue;
      if (!search.admit(c, o, c[o + W + 2] as number, c[o + W + 3] as number)) return search.settle(search.event ?? { kind: "limit", id: 0 });
    }
    if (reply.outOfRange) {
      const id = search.parents.length;
      search.parents.push(reply.outOfRange.parent);
      search.vias.push(reply.outOfRange.via);
      return search.settle({ kind: "typeok", id, invariant: reply.outOfRange.invariant });
    }
    if (reply.crash) return search.settle({ kind: "error", error: new EngineError(reply.crash.kind, reply.crash.message, reply.crash.detail) });
  }
  search.progress();
  if (process.env.RAIDSPEC_PHASES) console.error(`level ${search.depth}: ${frontier.length} states, expand ${(t1 - t0).toFixed(1)} ms, insert ${(t2 - t1).toFixed(1)} ms, merge ${(performance.now() - t2).toFixed(1)} ms, candidates ${replies.map((r) => r.candidates.length).join("+")}`);
  return null;
}
