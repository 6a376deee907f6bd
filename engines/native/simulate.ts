/**
 * The simulator: random walks over the compiled successors, for models too big to explore
 * exhaustively. Each walk starts at the initial state and takes, at each step, one enabled transition
 * uniformly at random, checking the invariants in every state it reaches, until its depth bound or a
 * state without successors. Walk i draws from a generator seeded by (seed, i) alone, so a run with
 * the same seed and number of walks takes the same walks and reports the same counterexample.
 *
 * A violation is shrunk before it is reported: cycles are cut out of the walk (a state visited twice)
 * and single steps dropped wherever the rest, replayed by step, process and choices, still reaches a
 * violation. Coverage is what makes a run without a violation worth something: the steps and the
 * branches (emission sites: one per path through a step body to its goto) taken at least once.
 */
import type { PackedProgram } from "../../generator/packed/compile.ts";
import { EngineError, type Json } from "../result.ts";
import { FP, FingerprintTable, hashWords } from "./fingerprint.ts";
import { type Checks, firstViolated, invariantChecks } from "./packed-expand.ts";
import { type Work, crashError, instantiate, isCrash, newState, outOfRangeError, stateJson, transitionOf } from "./packed-model.ts";
import type { PackedTraceStep } from "./packed-search.ts";

export interface SimulateOptions {
  invariants?: string[];
  /** Steps per walk (default 100). */
  depth?: number;
  /** Stop after this many walks. */
  walks?: number;
  /** Stop after this many seconds (default 10 when no walk count is given). */
  seconds?: number;
  seed?: number;
}

export interface Coverage {
  /** Steps (process set and label) taken at least once, of all steps. */
  steps: { covered: number; total: number; missing: string[] };
  /** Emission sites (paths through a step body) taken at least once, of all. */
  branches: { covered: number; total: number };
}

export interface SimulateResult {
  verdict: "ok" | "violation";
  invariant?: string;
  trace?: PackedTraceStep[];
  /** The violating walk's length before shrinking. */
  foundAtLength?: number;
  walks: number;
  /** Transitions taken over all walks. */
  steps: number;
  /** Distinct states visited (by fingerprint). */
  distinctStates: number;
  maxDepth: number;
  durationMs: number;
  walksPerSecond: number;
  coverage: Coverage;
  seed: number;
}

/** mulberry32: small, fast, and good enough to pick among a handful of transitions. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of walk i: a hash of the run's seed and i, so walks are independent of each other and of who runs them. */
function walkSeed(seed: number, i: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  return (h ^ (h >>> 15)) >>> 0;
}

interface Step {
  via: number;
  site: number;
}

export function simulate(program: PackedProgram, opts: SimulateOptions = {}): SimulateResult {
  const started = performance.now();
  const checks = invariantChecks(program, opts.invariants);
  const depth = opts.depth ?? 100;
  const seed = opts.seed ?? 1;
  const deadline = opts.walks === undefined || opts.seconds !== undefined ? started + 1000 * (opts.seconds ?? 10) : Infinity;
  const W = program.layout.words;
  const seen = new FingerprintTable(1 << 16);
  const words = new Int32Array(W);
  const takenSites = new Uint8Array(program.emits.length);
  let random = rng(1);
  let count = 0;
  let chosen = -1;
  let chosenSite = -1;
  const oob: { hit: { via: number; site: number; invariant: string } | null } = { hit: null };
  const next = newState(program);
  const mod = instantiate(program, (state, site, self) => {
    if (state[program.layout.width] !== 0 && !mod.inRange(state)) {
      // A successor with an integer outside its range: TypeOK's violation, or a state the compiled form cannot hold.
      if (!checks.typeOk) throw outOfRangeError(program, state, site, self);
      oob.hit ??= { via: count, site, invariant: firstViolated(mod, checks, state, false) ?? "TypeOK" };
    }
    count++;
    // Reservoir sampling: the k-th successor replaces the pick with probability 1/k.
    if (random() * count < 1) {
      next.set(state);
      chosen = count - 1;
      chosenSite = site;
    }
  });

  let walks = 0;
  let steps = 0;
  let maxDepth = 0;
  const state = newState(program);
  let violation: { invariant: string; path: Step[] } | null = null;
  try {
    while (walks < (opts.walks ?? Infinity) && performance.now() < deadline) {
      random = rng(walkSeed(seed, walks));
      walks++;
      mod.init(state);
      const path: Step[] = [];
      const visit = (s: Work): string | undefined => {
        if (mod.pack(s, words, 0)) {
          hashWords(words, 0, W);
          seen.add(FP[0] as number, FP[1] as number);
          return firstViolated(mod, checks, s, true);
        }
        return firstViolated(mod, checks, s, false);
      };
      let bad = visit(state);
      for (let d = 0; !bad && d < depth; d++) {
        count = 0;
        chosen = -1;
        oob.hit = null;
        mod.successors(state);
        const oor = oob.hit as { via: number; site: number; invariant: string } | null;
        if (oor) {
          path.push({ via: oor.via, site: oor.site });
          bad = oor.invariant;
          break;
        }
        if (chosen < 0) break;
        path.push({ via: chosen, site: chosenSite });
        takenSites[chosenSite] = 1;
        steps++;
        state.set(next);
        bad = visit(state);
      }
      maxDepth = Math.max(maxDepth, path.length);
      if (bad) {
        violation = { invariant: bad, path };
        break;
      }
    }
  } catch (e) {
    if (isCrash(e)) throw crashError(program, e);
    throw e;
  }

  const durationMs = Math.round(performance.now() - started);
  const result: SimulateResult = {
    verdict: violation ? "violation" : "ok",
    walks,
    steps,
    distinctStates: seen.size,
    maxDepth,
    durationMs,
    walksPerSecond: Math.round(walks / Math.max(0.001, durationMs / 1000)),
    coverage: coverage(program, takenSites),
    seed,
  };
  if (!violation) return result;
  const shrunk = shrink(program, checks, violation.path);
  return { ...result, invariant: shrunk.invariant, trace: shrunk.trace, foundAtLength: violation.path.length };
}

function coverage(program: PackedProgram, taken: Uint8Array): Coverage {
  const stepTaken = new Uint8Array(program.steps.length);
  program.emits.forEach((e, i) => {
    if (taken[i]) stepTaken[e.step] = 1;
  });
  // A step's identity is its process set and label (steps of processes specialized per identity repeat).
  const names = program.steps.map((s) => `${s.processSet}.${s.label}`);
  const all = [...new Set(names)];
  const covered = new Set(names.filter((_, i) => stepTaken[i]));
  return {
    steps: { covered: covered.size, total: all.length, missing: all.filter((n) => !covered.has(n)) },
    branches: { covered: taken.reduce((n, t) => n + t, 0), total: taken.length },
  };
}

// ---------------------------------------------------------------------------------------------
// Shrinking

/** A transition by what the reference library calls it: step, process and choices. */
interface Move {
  key: string;
}

function moveKey(program: PackedProgram, site: number, self: number | boolean, P: Int32Array): string {
  const t = transitionOf(program, site, self, P);
  return JSON.stringify([t.step, t.self, t.params]);
}

/** Replays moves by identity from the initial state; the first violation met (its length and invariant), or null. */
function replay(program: PackedProgram, checks: Checks, moves: Move[]): { length: number; invariant: string } | null {
  const mod = instantiate(program, (state, site, self) => {
    if (found) return;
    if (moveKey(program, site, self, mod.P) === want) {
      found = Int32Array.from(state);
    }
  });
  let want = "";
  let found: Work | null = null;
  const state = newState(program);
  mod.init(state);
  const check = (s: Work) => firstViolated(mod, checks, s, s[program.layout.width] === 0 || mod.inRange(s));
  let bad = check(state);
  if (bad) return { length: 0, invariant: bad };
  for (let i = 0; i < moves.length; i++) {
    want = (moves[i] as Move).key;
    found = null;
    mod.successors(state);
    if (!found) return null;
    state.set(found as Work);
    bad = check(state);
    if (bad) return { length: i + 1, invariant: bad };
  }
  return null;
}

function shrink(program: PackedProgram, checks: Checks, path: Step[]): { invariant: string; trace: PackedTraceStep[] } {
  // The walk as moves (by identity) and the states it passes through (by packed form, for cycles).
  const mod = instantiate(program, (state, site, self) => {
    if (n++ === want) {
      hit = { state: Int32Array.from(state), key: moveKey(program, site, self, mod.P) };
    }
  });
  let n = 0;
  let want = 0;
  let hit: { state: Work; key: string } | null = null;
  let state = newState(program);
  mod.init(state);
  const packedOf = (s: Work) => {
    const w = new Int32Array(program.layout.words);
    return mod.pack(s, w, 0) ? w.join(",") : `unpackable:${Array.from(s).join(",")}`;
  };
  const states = [packedOf(state)];
  let moves: Move[] = [];
  for (const step of path) {
    n = 0;
    want = step.via;
    hit = null;
    mod.successors(state);
    const h = hit as { state: Work; key: string } | null;
    if (!h) throw new EngineError("crash", "Replaying a simulated walk failed: the compiled form is not deterministic.");
    moves.push({ key: h.key });
    state = h.state;
    states.push(packedOf(state));
  }
  // Cut cycles: a state seen again means the steps in between can go.
  for (let i = 0; i < states.length; i++) {
    const j = states.lastIndexOf(states[i] as string);
    if (j > i) {
      states.splice(i + 1, j - i);
      moves.splice(i, j - i);
    }
  }
  let best = replay(program, checks, moves);
  if (!best) throw new EngineError("crash", "A simulated violation did not replay after removing its cycles.");
  moves = moves.slice(0, best.length);
  // Drop single steps while the rest still reaches a violation.
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = moves.length - 1; k >= 0; k--) {
      const candidate = [...moves.slice(0, k), ...moves.slice(k + 1)];
      const r = replay(program, checks, candidate);
      if (r && r.length <= candidate.length) {
        moves = candidate.slice(0, r.length);
        best = r;
        changed = true;
        k = Math.min(k, moves.length);
      }
    }
  }
  return { invariant: best.invariant, trace: traceOf(program, moves) };
}

function traceOf(program: PackedProgram, moves: Move[]): PackedTraceStep[] {
  let want = "";
  let found: { state: Work; site: number; self: number | boolean; P: Int32Array } | null = null;
  const mod = instantiate(program, (state, site, self) => {
    if (!found && moveKey(program, site, self, mod.P) === want) found = { state: Int32Array.from(state), site, self, P: Int32Array.from(mod.P) };
  });
  let state = newState(program);
  mod.init(state);
  const trace: PackedTraceStep[] = [{ step: "Init", processSet: null, self: null, params: {}, state: stateJson(program, state) }];
  for (const m of moves) {
    want = m.key;
    found = null;
    mod.successors(state);
    const f = found as { state: Work; site: number; self: number | boolean; P: Int32Array } | null;
    if (!f) throw new EngineError("crash", "Replaying a shrunk walk failed.");
    const t = transitionOf(program, f.site, f.self, f.P);
    trace.push({ step: t.step, processSet: t.processSet, self: t.self as Json, params: t.params, state: stateJson(program, f.state) });
    state = f.state;
  }
  return trace;
}
