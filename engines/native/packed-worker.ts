/**
 * A worker thread of the parallel compiled explorer: runs the phases of packed-phases.ts on the
 * messages of packed-parallel.ts and answers each with its result (or the error).
 */
import { parentPort } from "node:worker_threads";
import type { PackedProgram } from "../../generator/packed/compile.ts";
import { droppedBuffer } from "./collect.ts";
import { type ExpandRequest, Phases, type SettleRequest } from "./packed-phases.ts";

export type WorkerRequest =
  | { type: "init"; program: PackedProgram; invariants: string[] | undefined; index: number }
  | ({ type: "expand" } & ExpandRequest)
  | ({ type: "settle" } & SettleRequest);

let phases: Phases | null = null;

/**
 * The size of the fingerprint table's buffer the last expansion was given. Every message brings a new
 * SharedArrayBuffer object (over the same memory while the table grows in place), so a buffer is
 * known to be replaced by its size: the table moves only to a larger one (fingerprint.ts), and then
 * the old one's memory can be released.
 */
let heldBytes = 0;

function release(table: SharedArrayBuffer): void {
  if (heldBytes !== 0 && table.byteLength !== heldBytes) droppedBuffer(heldBytes);
  heldBytes = table.byteLength;
}

function ready(): Phases {
  if (!phases) throw new Error("the worker was not initialized");
  return phases;
}

parentPort?.on("message", (m: WorkerRequest) => {
  try {
    switch (m.type) {
      case "init":
        phases = new Phases(m.program, m.invariants, m.index);
        parentPort?.postMessage({ ok: true, value: null });
        return;
      case "expand":
        release(m.table);
        parentPort?.postMessage({ ok: true, value: ready().expand(m) });
        return;
      case "settle":
        parentPort?.postMessage({ ok: true, value: ready().settle(m) });
        return;
    }
  } catch (e) {
    parentPort?.postMessage({ ok: false, error: e instanceof Error ? `${e.message}\n${e.stack ?? ""}` : String(e) });
  }
});
