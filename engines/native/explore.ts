/**
 * The native explorer: exhaustive breadth-first search over a generated reference library.
 *
 * Like TLC, it keeps only a 64-bit fingerprint of each state it has seen (two 32-bit hashes of the
 * state's canonical integer encoding, in an open-addressing table of typed arrays) plus, per state, its
 * parent and the index of the transition that reached it. Only the current BFS level is held as state
 * objects, so millions of states fit in memory. A counterexample is rebuilt by replaying the recorded
 * transition indices from the initial state. Because the search is breadth-first and invariants are
 * checked when a state is first found, the counterexample is a shortest one.
 *
 * State constraints follow TLC's CONSTRAINT: a state outside them is checked against the invariants
 * (a violation there is reported, with its trace), but it is not counted and not explored.
 *
 * As with TLC's fingerprints, two distinct states could in principle share a fingerprint (probability
 * about n²/2⁶⁵ for n states): one of them would then be missed.
 */
import type { ConstantValues, ReferenceModel, ReferenceVariant, Transition } from "../model.ts";
import { FP, hashWords } from "./fingerprint.ts";
import { EngineError, type Json, type Progress } from "../result.ts";
import { evaluationEngineError, isEvaluationError, nativeTrace } from "../evaluation.ts";

export interface NativeOptions {
  constants: ConstantValues;
  /** The variant's steps (null: the base steps). */
  variant: string | null;
  /** Invariants to check, by name; default: every invariant of the model, TypeOK included. */
  invariants?: string[];
  /** Stop with an EngineError of kind "limit" once more distinct states than this are found. */
  maxStates?: number;
  /** Stop with an EngineError of kind "timeout" after this many milliseconds. */
  timeoutMs?: number;
  /** Called about four times a second with how far the search has got. */
  onProgress?: (p: Progress) => void;
  /** The least time between two progress reports (default 250 ms). */
  progressEveryMs?: number;
}

export interface NativeTraceStep<S> {
  /** The step label; `Init` for the initial state. */
  step: string;
  /** The process set of the step (null for `Init`). */
  processSet: string | null;
  /** The process that took the step (null for `Init`). */
  self: Json;
  params: Record<string, Json>;
  state: S;
}

export interface NativeResult<S> {
  verdict: "ok" | "violation";
  /** The invariant that failed (on a violation). */
  invariant?: string;
  /** Distinct states found, initial states included (on a violation: up to and including the bad one). */
  distinctStates: number;
  /** Transitions computed (TLC's "states generated" without the initial states). */
  generated: number;
  /** The number of BFS levels below the initial states that were explored. */
  depth: number;
  /** The shortest counterexample, initial state first (on a violation). */
  trace?: NativeTraceStep<S>[];
  durationMs: number;
}

export function exploreNative<S>(model: ReferenceModel<S>, opts: NativeOptions): NativeResult<S> {
  const started = performance.now();
  const variant: ReferenceVariant<S> =
    model.variants.find((v) => v.name === opts.variant) ??
    usage(`${model.name} has no variant "${opts.variant}" in its reference library (variants: ${model.variants.map((v) => v.name ?? "base").join(", ")}).`);
  const checks = (opts.invariants ?? model.invariants.map((i) => i.name)).map((name) => {
    const inv = model.invariants.find((i) => i.name === name);
    return inv ?? usage(`${model.name} has no invariant "${name}" (invariants: ${model.invariants.map((i) => i.name).join(", ")}).`);
  });
  const { constants } = opts;
  const fingerprint = fingerprinter(model, constants);
  const seen = new StateTable();
  const violated = (state: S): string | undefined => {
    for (const inv of checks) if (!inv.holds(state, constants)) return inv.name;
    return undefined;
  };
  // TLC's CONSTRAINT: a state outside the constraints is checked against the invariants (every time it
  // is reached), but it is not counted and not explored.
  const constraints = model.constraints ?? [];
  const inModel = (state: S): boolean => {
    for (const c of constraints) if (!c.holds(state, constants)) return false;
    return true;
  };
  const finish = (extra: Partial<NativeResult<S>>): NativeResult<S> => ({
    verdict: "ok",
    distinctStates: seen.size,
    generated,
    depth,
    durationMs: Math.round(performance.now() - started),
    ...extra,
  });
  const deadline = opts.timeoutMs === undefined ? Infinity : started + opts.timeoutMs;
  const limit = () => {
    if (opts.maxStates !== undefined && seen.size > opts.maxStates)
      throw new EngineError("limit", `Stopped after ${opts.maxStates} distinct states (--max-states) without a verdict.`);
    // The clock is read every 1024 states: cheap, and a fraction of a second at the explorer's speed.
    if ((seen.size & 1023) === 0 && performance.now() > deadline)
      throw new EngineError("timeout", `The native engine did not finish within ${opts.timeoutMs} ms (${seen.size} distinct states found, depth ${depth}).`);
  };

  let generated = 0;
  let depth = 0;
  /** The state being evaluated (-1: the initial states), for the behaviour an evaluation error reports. */
  let current = -1;
  let lastReport = started;
  const report = (queue: number) => {
    const now = performance.now();
    if (now - lastReport < (opts.progressEveryMs ?? 250)) return;
    lastReport = now;
    opts.onProgress?.({ distinctStates: seen.size, generated, depth, queue, elapsedMs: Math.round(now - started) });
  };
  try {
    const initial = variant.init(constants);
    let frontier: S[] = [];
    let frontierIds: number[] = [];
    for (let k = 0; k < initial.length; k++) {
      const state = initial[k] as S;
      if (!inModel(state)) {
        const bad = violated(state);
        if (bad) return finish({ verdict: "violation", invariant: bad, trace: [{ step: "Init", processSet: null, self: null, params: {}, state }] });
        continue;
      }
      fingerprint(state);
      const id = seen.add(fpHi, fpLo, -1, k);
      if (id < 0) continue;
      limit();
      current = id;
      const bad = violated(state);
      if (bad) return finish({ verdict: "violation", invariant: bad, trace: rebuild(id) });
      frontier.push(state);
      frontierIds.push(id);
    }
    while (frontier.length > 0) {
      const next: S[] = [];
      const nextIds: number[] = [];
      depth += 1;
      for (let i = 0; i < frontier.length; i++) {
        const parent = frontierIds[i] as number;
        current = parent;
        const transitions = variant.successors(frontier[i] as S, constants);
        generated += transitions.length;
        if (opts.onProgress && (i & 255) === 0) report(frontier.length - i + next.length);
        for (let j = 0; j < transitions.length; j++) {
          const state = (transitions[j] as { next: S }).next;
          if (!inModel(state)) {
            const bad = violated(state);
            if (bad) return finish({ verdict: "violation", invariant: bad, trace: [...rebuild(parent), traceStep(transitions[j] as Transition<S>)] });
            continue;
          }
          fingerprint(state);
          const id = seen.add(fpHi, fpLo, parent, j);
          if (id < 0) continue;
          limit();
          current = id;
          const bad = violated(state);
          if (bad) return finish({ verdict: "violation", invariant: bad, trace: rebuild(id) });
          next.push(state);
          nextIds.push(id);
        }
      }
      frontier = next;
      frontierIds = nextIds;
    }
    depth = Math.max(0, depth - 1);
    return finish({});
  } catch (e) {
    if (e instanceof EngineError) throw e;
    if (isEvaluationError(e)) throw evaluationEngineError(e, current >= 0 ? nativeTrace(model, constants, rebuild(current)) : undefined);
    throw new EngineError("crash", `The reference library of ${model.name} failed while exploring: ${e instanceof Error ? e.message : String(e)}`);
  }

  /** The path from an initial state to state `id`, replayed through the recorded transition indices. */
  function rebuild(id: number): NativeTraceStep<S>[] {
    const ids: number[] = [];
    for (let x = id; x >= 0; x = seen.parentOf(x)) ids.push(x);
    ids.reverse();
    const first = ids[0] as number;
    let state = variant.init(constants)[seen.viaOf(first)] as S;
    const trace: NativeTraceStep<S>[] = [{ step: "Init", processSet: null, self: null, params: {}, state }];
    for (const x of ids.slice(1)) {
      const t = variant.successors(state, constants)[seen.viaOf(x)];
      if (!t) throw new EngineError("crash", `Replaying the counterexample of ${model.name} failed: the reference library is not deterministic.`);
      fingerprint(t.next);
      if (!seen.matches(x, fpHi, fpLo))
        throw new EngineError("crash", `Replaying the counterexample of ${model.name} failed: the reference library is not deterministic.`);
      trace.push(traceStep(t));
      state = t.next;
    }
    return trace;
  }
}

function traceStep<S>(t: Transition<S>): NativeTraceStep<S> {
  return { step: t.step, processSet: t.processSet, self: t.self, params: t.params, state: t.next };
}

function usage(message: string): never {
  throw new EngineError("usage", message);
}

// ---------------------------------------------------------------------------------------------
// Fingerprints

/** The last fingerprint computed (two halves; kept in module variables to avoid allocating a pair). */
let fpHi = 0;
let fpLo = 0;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** A function that fingerprints a state into fpHi/fpLo, through the model's encoding if it has one. */
function fingerprinter<S>(model: ReferenceModel<S>, constants: ConstantValues): (state: S) => void {
  const encode = model.encode?.bind(model);
  // One buffer for every state: the encoding overwrites its prefix and says how long it is.
  const buf: number[] = [];
  if (encode)
    return (state: S) => {
      hashInts(buf, encode(state, buf));
    };
  return (state: S) => {
    const text = JSON.stringify(model.toJson(state, constants));
    for (let i = 0; i < text.length; i++) buf[i] = text.charCodeAt(i);
    hashInts(buf, text.length);
  };
}

/**
 * Hashes a list of numbers into fpHi/fpLo: as 32-bit words (a number that is not a 32-bit integer
 * by its bits, two words) through the compiled explorer's fingerprint.
 */
function hashInts(buf: readonly number[], length: number): void {
  let n = 0;
  for (let i = 0; i < length; i++) {
    if (n + 2 > words.length) {
      const bigger = new Int32Array(words.length * 2);
      bigger.set(words);
      words = bigger;
    }
    const v = buf[i] as number;
    if ((v | 0) === v) words[n++] = v;
    else {
      f64[0] = v;
      words[n++] = u32[0] as number;
      words[n++] = u32[1] as number;
    }
  }
  hashWords(words, 0, n);
  fpHi = (FP[0] as number) >>> 0;
  fpLo = (FP[1] as number) >>> 0;
}

let words = new Int32Array(256);

/**
 * The set of fingerprints seen, with each state's parent and transition index. States are numbered in
 * the order found; the open-addressing table maps a fingerprint to that number.
 */
class StateTable {
  size = 0;
  private slots = new Int32Array(1 << 16);
  private mask = (1 << 16) - 1;
  private hi = new Uint32Array(1 << 15);
  private lo = new Uint32Array(1 << 15);
  private parent = new Int32Array(1 << 15);
  private via = new Int32Array(1 << 15);

  /** Adds a fingerprint; returns its new state number, or -1 if it was already there. */
  add(h: number, l: number, parent: number, via: number): number {
    let slot = h & this.mask;
    for (;;) {
      const entry = this.slots[slot] as number;
      if (entry === 0) break;
      if (this.hi[entry - 1] === h && this.lo[entry - 1] === l) return -1;
      slot = (slot + 1) & this.mask;
    }
    const id = this.size;
    if (id === this.hi.length) this.growStates();
    this.hi[id] = h;
    this.lo[id] = l;
    this.parent[id] = parent;
    this.via[id] = via;
    this.slots[slot] = id + 1;
    this.size += 1;
    if (this.size * 2 > this.slots.length) this.growSlots();
    return id;
  }

  parentOf(id: number): number {
    return this.parent[id] as number;
  }

  viaOf(id: number): number {
    return this.via[id] as number;
  }

  matches(id: number, h: number, l: number): boolean {
    return this.hi[id] === h && this.lo[id] === l;
  }

  private growStates(): void {
    const grow = <T extends Uint32Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(a.length * 2);
      b.set(a);
      return b;
    };
    this.hi = grow(this.hi, (n) => new Uint32Array(n));
    this.lo = grow(this.lo, (n) => new Uint32Array(n));
    this.parent = grow(this.parent, (n) => new Int32Array(n));
    this.via = grow(this.via, (n) => new Int32Array(n));
  }

  private growSlots(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 0; id < this.size; id++) {
      let slot = (this.hi[id] as number) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
