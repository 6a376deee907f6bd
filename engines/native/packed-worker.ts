/**
 * A worker thread of the parallel compiled explorer (see packed-parallel.ts for the protocol).
 *
 * `expand`: expands its share of the current level in order: checks each state's invariants,
 * generates its successors and keeps those whose fingerprint is in no table yet (and that it has not
 * kept already this level) as candidates: packed words, fingerprint, parent number, transition index.
 * It stops at a violation, and after a crash or a successor out of TypeOK's range it only checks the
 * rest of its share.
 * `insert`: adds the candidates of every worker, in worker order, whose fingerprints fall in its own
 * table, and marks those that were new: the first occurrence in the order the readable explorer
 * would have found them.
 */
import { parentPort } from "node:worker_threads";
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

export type WorkerRequest =
  | { type: "init"; program: PackedProgram; invariants: string[] | undefined; index: number }
  | { type: "expand"; frontier: SharedList; from: number; to: number; levelStart: number; parts: Part[] }
  | { type: "insert"; lists: SharedList[] };

export type ExpandReply = {
  candidates: SharedList;
  generated: number;
  violation?: { id: number; invariant: string };
  outOfRange?: { parent: number; via: number; invariant: string };
  crash?: { kind: EngineError["kind"]; message: string; detail?: string };
};

/** Candidate records: the packed words, then fingerprint (hi, lo), parent, transition index, new-flag. */
export const EXTRA = 5;

export function toList(words: number, l: SharedList): StateList {
  return new StateList(words, true, l.per, l.chunks.map((c) => new Int32Array(c)), l.length);
}

export function fromList(l: StateList): SharedList {
  return { chunks: l.chunks.map((c) => c.buffer as SharedArrayBuffer), per: l.per, length: l.length };
}

let program: PackedProgram;
let W = 0;
let index = 0;
let expander: Expander;
let table: PartitionedTable;
let local: FingerprintTable;
const recent = new RecentFingerprints();
let candidates: StateList;
/** Transitions already reported. */
let counted = 0;
const record = new Int32Array(64);

function flush(): void {
  const x = expander;
  const n = x.size;
  x.size = 0;
  const fps = x.fps;
  for (let i = 0; i < n; i++) {
    // Met lately: in a table, or already a candidate of this level (candidates all reach the tables).
    if (recent.metAt(fps, i) || table.hasAt(fps, i) || !local.addAt(fps, i)) continue;
    const hi = fps[2 * i] as number;
    const lo = fps[2 * i + 1] as number;
    const o = i * W;
    for (let k = 0; k < W; k++) record[k] = x.words[o + k] as number;
    record[W] = hi;
    record[W + 1] = lo;
    record[W + 2] = x.parents[i] as number;
    record[W + 3] = x.vias[i] as number;
    record[W + 4] = 0;
    candidates.push(record, 0);
  }
}

function expand(m: Extract<WorkerRequest, { type: "expand" }>): ExpandReply {
  table = new PartitionedTable(m.parts.map((p) => new FingerprintTable(0, true, new Int32Array(p.slots), p.size)));
  local = new FingerprintTable(1 << 12);
  candidates = new StateList(W + EXTRA, true, 1 << 14);
  const frontier = toList(W, m.frontier);
  const x = expander;
  const reply: Omit<ExpandReply, "candidates" | "generated"> = {};
  let p = m.from;
  for (; p < m.to; p++) {
    const id = m.levelStart + p;
    const bad = x.load(frontier.chunkOf(p), frontier.offsetOf(p), id);
    if (bad) {
      reply.violation = { id, invariant: bad };
      break;
    }
    try {
      x.expand();
    } catch (e) {
      if (e instanceof Halt && x.outOfRange) {
        const oor = x.outOfRange;
        x.outOfRange = null;
        flush();
        reply.outOfRange = oor;
      } else {
        const error = isCrash(e) ? crashError(program, e) : e instanceof EngineError ? e : new EngineError("crash", String(e instanceof Error ? e.message : e));
        flush();
        reply.crash = { kind: error.kind, message: error.message, ...(error.detail ? { detail: error.detail } : {}) };
      }
      // The rest of the share is only checked: a violation there comes before what stopped it.
      for (p += 1; p < m.to; p++) {
        const bad2 = x.load(frontier.chunkOf(p), frontier.offsetOf(p), m.levelStart + p);
        if (bad2) {
          reply.violation = { id: m.levelStart + p, invariant: bad2 };
          break;
        }
      }
      break;
    }
    if ((p & 31) === 31) flush();
  }
  flush();
  const generated = x.generated - counted;
  counted = x.generated;
  return { ...reply, candidates: fromList(candidates), generated };
}

function insert(m: Extract<WorkerRequest, { type: "insert" }>): Part {
  const own = table.parts[index] as FingerprintTable;
  const R = W + EXTRA;
  for (const l of m.lists) {
    const list = toList(R, l);
    for (let i = 0; i < list.length; i++) {
      const c = list.chunkOf(i);
      const o = list.offsetOf(i);
      const lo = c[o + W + 1] as number;
      if (table.partOf(lo) !== index) continue;
      c[o + W + 4] = own.add(c[o + W] as number, lo) ? 1 : 0;
    }
  }
  return { slots: own.slots.buffer as SharedArrayBuffer, size: own.size };
}

parentPort?.on("message", (m: WorkerRequest) => {
  try {
    switch (m.type) {
      case "init":
        program = m.program;
        W = program.layout.words;
        index = m.index;
        expander = new Expander(program, invariantChecks(program, m.invariants), flush);
        parentPort?.postMessage({ ok: true });
        return;
      case "expand":
        parentPort?.postMessage({ ok: true, value: expand(m) });
        return;
      case "insert":
        parentPort?.postMessage({ ok: true, value: insert(m) });
        return;
    }
  } catch (e) {
    parentPort?.postMessage({ ok: false, error: e instanceof Error ? `${e.message}\n${e.stack ?? ""}` : String(e) });
  }
});
