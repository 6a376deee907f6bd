/**
 * The compiled explorer: breadth-first search over the compiled form of a spec (generator/packed/).
 *
 * States live only as packed words: the current BFS level and the next one, in chunked Int32Arrays.
 * Per state found the explorer keeps its 64-bit fingerprint (FingerprintTable), its parent's number
 * and the index of the transition that reached it: memory is the fingerprint table plus about two
 * levels of packed states. A counterexample is rebuilt by replaying the recorded transitions from the
 * initial state. Successors are generated in the reference library's order, and each new state is
 * numbered and checked when first found, so the counts, verdicts and shortest counterexamples are the
 * readable explorer's (engines/native/explore.ts), for any number of workers (see packed-parallel.ts).
 *
 * With symmetric domains, a state is fingerprinted by the smallest packed form over the permutations
 * of their values, so one state per orbit is explored; the state kept is the one first found.
 */
import type { PackedProgram } from "../../generator/packed/compile.ts";
import { EngineError, type Json, type TraceState } from "../result.ts";
import { FP, FingerprintTable, IntList, hashWords } from "./fingerprint.ts";
import { type PackedModule, type Work, crashError, instantiate, isCrash, newState, outOfRangeError, stateJson, transitionOf } from "./packed-model.ts";

/** Contract 2 (issue 12 defines it in engines/result.ts; this is its shape). */
export interface Progress {
  distinctStates: number;
  generated?: number;
  depth: number;
  queue: number;
  elapsedMs: number;
}

export interface PackedOptions {
  /** Invariants to check, by name (TypeOK included); default: all. */
  invariants?: string[];
  /** Stop with an EngineError of kind "limit" once more distinct states than this are found. */
  maxStates?: number;
  onProgress?: (p: Progress) => void;
}

export interface PackedTraceStep {
  step: string;
  processSet: string | null;
  self: Json;
  params: Record<string, Json>;
  state: TraceState;
}

export interface PackedResult {
  verdict: "ok" | "violation";
  invariant?: string;
  /** Distinct states found, initial states included (on a violation: up to and including the bad one). */
  distinctStates: number;
  /** Transitions computed. */
  generated: number;
  /** BFS levels below the initial states explored. */
  depth: number;
  trace?: PackedTraceStep[];
  durationMs: number;
  /** Bytes held by the fingerprint table, parents and transition indices, and the largest two levels of states. */
  peakBytes: number;
}

/** A list of packed states (a fixed number of words each) in chunks. */
export class StateList {
  length = 0;
  private readonly chunks: Int32Array[] = [];
  private readonly per: number;

  constructor(
    readonly words: number,
    per = 1 << 16,
  ) {
    this.per = per;
  }

  push(src: Int32Array, o: number): void {
    const c = Math.floor(this.length / this.per);
    let chunk = this.chunks[c];
    if (!chunk) {
      chunk = new Int32Array(this.per * this.words);
      this.chunks.push(chunk);
    }
    const at = (this.length % this.per) * this.words;
    for (let i = 0; i < this.words; i++) chunk[at + i] = src[o + i] as number;
    this.length += 1;
  }

  /** The chunk holding state i (its offset there is `offsetOf(i)`). */
  chunkOf(i: number): Int32Array {
    return this.chunks[Math.floor(i / this.per)] as Int32Array;
  }

  offsetOf(i: number): number {
    return (i % this.per) * this.words;
  }

  get bytes(): number {
    return this.chunks.length * this.per * this.words * 4;
  }
}

/** The invariants to check, resolved: TypeOK is the layout's range check, the rest compiled functions. */
export function invariantChecks(program: PackedProgram, names: string[] | undefined): { names: string[]; typeOk: boolean; indices: number[] } {
  const all = ["TypeOK", ...program.invariants.map((i) => i.name)];
  const wanted = names ?? all;
  for (const n of wanted) if (!all.includes(n)) throw new EngineError("usage", `There is no invariant "${n}" (invariants: ${all.join(", ")}).`);
  return { names: wanted, typeOk: wanted.includes("TypeOK"), indices: wanted.map((n) => all.indexOf(n) - 1) };
}

/** The first of the checked invariants a working-form state breaks (TypeOK when it cannot be packed). */
export function firstViolated(mod: PackedModule, checks: ReturnType<typeof invariantChecks>, state: Work, packable: boolean): string | undefined {
  for (let k = 0; k < checks.indices.length; k++) {
    const i = checks.indices[k] as number;
    if (i < 0) {
      if (!packable) return "TypeOK";
    } else if (!(mod.invariants[i] as (s: Work) => boolean)(state)) return checks.names[k];
  }
  return undefined;
}

/** Thrown through the compiled successors to stop a search: the reason is in the explorer's `event`. */
class Halt {}
const HALT = new Halt();

/** What stopped a search before it was complete, besides a violation found where it was checked. */
type Event =
  | { kind: "typeok"; id: number; invariant: string }
  | { kind: "limit"; id: number }
  | { kind: "error"; error: EngineError };

/** Successors wait in a batch for the fingerprint table, so its cache misses overlap. */
const BATCH = 256;

export function explorePacked(program: PackedProgram, opts: PackedOptions = {}): PackedResult {
  const started = performance.now();
  const checks = invariantChecks(program, opts.invariants);
  const W = program.layout.words;
  const table = new FingerprintTable(1 << 16);
  const parents = new IntList();
  const vias = new IntList();
  const canon = new Int32Array(W);
  const batchWords = new Int32Array(BATCH * W);
  const batchParent = new Int32Array(BATCH);
  const batchVia = new Int32Array(BATCH);
  const batchFp = new Int32Array(2 * BATCH);
  let inBatch = 0;
  let frontier = new StateList(W);
  let next = new StateList(W);
  let levelStart = 0;
  let position = 0;
  let generated = 0;
  let parent = -1;
  let via = 0;
  let base: Int32Array = batchWords;
  let baseOffset = 0;
  let depth = 0;
  let peakLevels = 0;
  let lastProgress = started;
  let event: Event | null = null;

  const mod = instantiate(program, (state, site, self) => {
    generated++;
    const o = inBatch * W;
    if (!mod.packFrom(state, base, baseOffset, batchWords, o)) {
      // An integer outside its declared range: a new state (every state seen was packed) that TypeOK
      // rejects. Its number comes after the successors found before it.
      if (!checks.typeOk) throw outOfRangeError(program, state, site, self);
      const invariant = firstViolated(mod, checks, state, false) ?? "TypeOK";
      flush();
      if (event) throw HALT;
      const id = parents.length;
      parents.push(parent);
      vias.push(via);
      event = { kind: "typeok", id, invariant };
      throw HALT;
    }
    if (canonical) {
      canonical(state, canon, 0);
      hashWords(canon, 0, W);
    } else hashWords(batchWords, o, W);
    batchFp[2 * inBatch] = FP[0] as number;
    batchFp[2 * inBatch + 1] = FP[1] as number;
    batchParent[inBatch] = parent;
    batchVia[inBatch] = via++;
    if (++inBatch === BATCH) {
      flush();
      if (event) throw HALT;
    }
  });
  const canonical = mod.canonical;

  /** Adds the batch's fingerprints to the table in order; new states join the next level. */
  function flush(): void {
    const n = inBatch;
    inBatch = 0;
    table.touch(batchFp, n);
    for (let i = 0; i < n; i++) {
      if (!table.add(batchFp[2 * i] as number, batchFp[2 * i + 1] as number)) continue;
      const id = parents.length;
      if (opts.maxStates !== undefined && id >= opts.maxStates) {
        event = { kind: "limit", id };
        return;
      }
      parents.push(batchParent[i] as number);
      vias.push(batchVia[i] as number);
      next.push(batchWords, i * W);
    }
  }

  const source = newState(program);
  /** The first violation among the states found but not yet checked, below id `below`. */
  const drain = (below: number): { id: number; invariant: string; level: number } | null => {
    const lists: [StateList, number, number, number][] = [
      [frontier, position + 1, levelStart, depth - 1],
      [next, 0, levelStart + frontier.length, depth],
    ];
    for (const [list, from, first, level] of lists)
      for (let q = from; q < list.length; q++) {
        const id = first + q;
        if (id >= below) return null;
        mod.unpack(list.chunkOf(q), list.offsetOf(q), source);
        const bad = firstViolated(mod, checks, source, true);
        if (bad) return { id, invariant: bad, level };
      }
    return null;
  };

  const finish = (extra: Partial<PackedResult>): PackedResult => ({
    verdict: "ok",
    distinctStates: parents.length,
    generated,
    depth,
    durationMs: Math.round(performance.now() - started),
    peakBytes: table.bytes + parents.bytes + vias.bytes + peakLevels,
    ...extra,
  });
  /** A violation by state `id`, found at BFS level `level`. */
  const violation = (id: number, invariant: string, level: number): PackedResult =>
    finish({ verdict: "violation", invariant, distinctStates: id + 1, depth: level, trace: rebuildTrace(program, id, (i) => parents.get(i), (i) => vias.get(i)) });

  /** The verdict once something stopped the search: a violation among the states found before it, or the event's. */
  const settle = (e: Event): PackedResult => {
    const found = drain(e.kind === "error" ? Infinity : e.id);
    if (found) return violation(found.id, found.invariant, found.level);
    if (e.kind === "typeok") return violation(e.id, e.invariant, depth);
    if (e.kind === "limit") throw new EngineError("limit", `Stopped after ${opts.maxStates} distinct states (--max-states) without a verdict.`);
    throw e.error;
  };

  try {
    mod.init(source);
    const initial = new Int32Array(W);
    const packable = mod.pack(source, initial, 0);
    if (!packable) {
      if (!checks.typeOk) throw outOfRangeError(program, source, -1, 0);
      parents.push(-1);
      vias.push(0);
      return violation(0, firstViolated(mod, checks, source, false) ?? "TypeOK", 0);
    }
    if (canonical) canonical(source, canon, 0);
    hashWords(canonical ? canon : initial, 0, W);
    table.add(FP[0] as number, FP[1] as number);
    parents.push(-1);
    vias.push(0);
    next.push(initial, 0);

    while (next.length > 0) {
      frontier = next;
      next = new StateList(W);
      depth += 1;
      for (position = 0; position < frontier.length; position++) {
        base = frontier.chunkOf(position);
        baseOffset = frontier.offsetOf(position);
        mod.unpack(base, baseOffset, source);
        parent = levelStart + position;
        // Invariants are checked when a state is expanded, in the order states were found: the first
        // violation found is the first in that order, as when checking each state as it is found.
        const bad = firstViolated(mod, checks, source, true);
        if (bad) return violation(parent, bad, depth - 1);
        via = 0;
        try {
          mod.successors(source);
        } catch (e) {
          if (e instanceof Halt) return settle(event as unknown as Event);
          const error = isCrash(e) ? crashError(program, e) : e instanceof EngineError ? e : null;
          if (!error) throw e;
          flush();
          return settle(event ?? { kind: "error", error });
        }
        if ((position & 31) === 31) {
          flush();
          if (event) return settle(event);
        }
        if (opts.onProgress && (position & 1023) === 0) {
          const now = performance.now();
          if (now - lastProgress > 250) {
            lastProgress = now;
            opts.onProgress({ distinctStates: parents.length, generated, depth, queue: frontier.length - position + next.length, elapsedMs: Math.round(now - started) });
          }
        }
      }
      flush();
      if (event) return settle(event);
      peakLevels = Math.max(peakLevels, frontier.bytes + next.bytes);
      levelStart += frontier.length;
    }
    depth = Math.max(0, depth - 1);
    return finish({});
  } catch (e) {
    if (isCrash(e)) throw crashError(program, e);
    throw e;
  }
}

/**
 * The path to state `id`, replayed from the initial state through the recorded transition indices:
 * each step is the via-th successor of the state before it, in the reference library's order.
 */
export function rebuildTrace(program: PackedProgram, id: number, parentOf: (id: number) => number, viaOf: (id: number) => number): PackedTraceStep[] {
  const ids: number[] = [];
  for (let x = id; x >= 0; x = parentOf(x)) ids.push(x);
  ids.reverse();
  let want = -1;
  let seen = 0;
  let found: { state: Work; site: number; self: number | boolean; P: Int32Array } | null = null;
  const mod = instantiate(program, (state, site, self) => {
    if (seen++ === want) found = { state: Int32Array.from(state), site, self, P: Int32Array.from(mod.P) };
  });
  let state = newState(program);
  mod.init(state);
  const trace: PackedTraceStep[] = [{ step: "Init", processSet: null, self: null, params: {}, state: stateJson(program, state) }];
  for (const x of ids.slice(1)) {
    want = viaOf(x);
    seen = 0;
    found = null;
    mod.successors(state);
    const f = found as { state: Work; site: number; self: number | boolean; P: Int32Array } | null;
    if (!f) throw new EngineError("crash", "Replaying the counterexample on the compiled form failed: the compiled form is not deterministic.");
    const t = transitionOf(program, f.site, f.self, f.P);
    trace.push({ step: t.step, processSet: t.processSet, self: t.self, params: t.params, state: stateJson(program, f.state) });
    state = f.state;
  }
  return trace;
}
