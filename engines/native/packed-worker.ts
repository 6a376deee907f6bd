/**
 * A worker thread of the parallel compiled explorer: expands the runs of levels packed-parallel.ts
 * gives it (packed-range.ts) and answers each with its reply (or the error).
 */
import { parentPort } from "node:worker_threads";
import { type RangeInit, type RangeRequest, RangeWorker } from "./packed-range.ts";

export type WorkerRequest = ({ type: "init" } & RangeInit) | ({ type: "range" } & RangeRequest);

let worker: RangeWorker | null = null;

/** States a worker expands on its own before it says it is ready (packed-range.ts). */
const WARM_UP = 4096;

parentPort?.on("message", (m: WorkerRequest) => {
  try {
    switch (m.type) {
      case "init":
        worker = new RangeWorker(m);
        worker.warmUp(WARM_UP);
        parentPort?.postMessage({ ok: true, value: null });
        return;
      case "range":
        if (!worker) throw new Error("the worker was not initialized");
        parentPort?.postMessage({ ok: true, value: worker.range(m) });
        return;
    }
  } catch (e) {
    parentPort?.postMessage({ ok: false, error: e instanceof Error ? `${e.message}\n${e.stack ?? ""}` : String(e) });
  }
});
