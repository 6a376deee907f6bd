/**
 * Lockstep conformance: the generated TLA+ module and the generated reference library must have the
 * same initial states and, from every state the reference library reaches, the same successor states.
 *
 * The search is breadth-first over the reference library's states (it is fast; tla-checker is not), and
 * each state is handed to tla-checker's `explore_next` on the module rendered from the same IR. The
 * first state whose successor sets differ is reported with a shortest path to it, so the divergence is
 * as easy to read as a counterexample.
 *
 * Successor states are compared as sets of canonical JSON. tla-checker's action names are reported but
 * not compared: it merges transitions that reach one state from differently named actions, so its
 * action list is not a faithful multiset of enabled steps.
 */
import type { LoadedSpec } from "../generator/frontend/load.ts";
import type { Spec } from "../generator/ir.ts";
import { applyVariant, renderConfig, renderModule } from "../generator/tla/module.ts";
import { select } from "../engines/check.ts";
import { embeddedHolds, embeddedInitialStates, embeddedInvariants, embeddedSuccessors } from "../engines/embedded/engine.ts";
import type { ReferenceModel, ReferenceVariant } from "../engines/model.ts";
import { referenceOf } from "../engines/native/load-reference.ts";
import { EngineError, type Json, type TraceState, type TraceStep } from "../engines/result.ts";
import { canonicalString, constantValues, normalizeState } from "../engines/state-json.ts";
import { isEvaluationError } from "../engines/evaluation.ts";

/** Whether the TLA+ side fails too (tla-checker reports an error) where the reference library stopped. */
function stopsToo(tla: () => unknown): boolean {
  try {
    tla();
    return false;
  } catch {
    return true;
  }
}

export interface LockstepOptions {
  /** The configuration (default: as `raidspec check` picks it). */
  config?: string;
  /** The variant: null or "base" for the base steps; undefined for the configuration's variant. */
  variant?: string | null;
  /** Compare the successors of at most this many states (default: every reachable state). */
  maxStates?: number;
  /** Called after each state whose successors were compared. */
  onProgress?: (progress: LockstepProgress) => void;
  /** The reference library to compare with (default: generated from the spec now). */
  model?: ReferenceModel<unknown>;
  /** The project root (default: the working directory). */
  root?: string;
  /** How the spec was named, for the module header (default: the spec's source path). */
  specArg?: string;
}

export interface LockstepProgress {
  compared: number;
  /** States found but not yet compared. */
  queued: number;
  elapsedMs: number;
}

/** A reference transition, as reported in a divergence. */
export interface ReferenceSuccessor {
  step: string;
  processSet: string;
  self: Json;
  params: Record<string, Json>;
  state: TraceState;
}

/** A TLA+ transition from `explore_next`. */
export interface TlaSuccessor {
  action: string;
  state: TraceState;
}

export type Divergence =
  | {
      kind: "init";
      onlyInReference: TraceState[];
      onlyInTla: TraceState[];
      reference: TraceState[];
      tla: TraceState[];
    }
  | {
      kind: "successors";
      /** The state whose successors differ. */
      state: TraceState;
      /** A shortest path (in reference steps) from an initial state to `state`, `Init` first. */
      path: TraceStep[];
      /** The step names involved: reference steps and TLA+ actions on either side of the difference. */
      steps: string[];
      /** Reference transitions whose successor state TLA+ does not produce. */
      onlyInReference: ReferenceSuccessor[];
      /** TLA+ transitions whose successor state the reference does not produce. */
      onlyInTla: TlaSuccessor[];
      reference: ReferenceSuccessor[];
      tla: TlaSuccessor[];
    }
  | {
      /** The two artefacts evaluate an invariant differently in a reachable state. */
      kind: "invariant";
      state: TraceState;
      path: TraceStep[];
      invariant: string;
      reference: boolean;
      tla: boolean;
    }
  | {
      /** One side could not compute the successors of a state the other handles. */
      kind: "error";
      side: "reference" | "tla";
      message: string;
      /** Null when the initial states could not be computed. */
      state: TraceState | null;
      path: TraceStep[];
    };

interface LockstepStats {
  spec: string;
  /** Null for the base steps. */
  variant: string | null;
  config: string;
  /** States whose successors were compared (the initial-state sets are compared in any case). */
  states: number;
  /** True when every reachable state was compared (no `maxStates` cut, no divergence). */
  complete: boolean;
  initialStates: number;
  /** Reference transitions looked at. */
  transitions: number;
  exploreNextCalls: number;
  /** States where both artefacts stop with an evaluation error (the spec leaves TLA+'s domains there). */
  errorStates: number;
  /** Time spent in `explore_next`, conversions included. */
  exploreNextMs: number;
  durationMs: number;
}

export type LockstepResult = (LockstepStats & { ok: true }) | (LockstepStats & { ok: false; divergence: Divergence });

/** What the BFS remembers of a state: how it was first reached, to rebuild a path. */
interface Visit {
  parent: string | null;
  via: Omit<ReferenceSuccessor, "state"> | null;
}

export async function lockstep(loaded: LoadedSpec, options: LockstepOptions = {}): Promise<LockstepResult> {
  const started = performance.now();
  const root = options.root ?? process.cwd();
  const { spec } = loaded;
  const sel = select(spec, { config: options.config, variant: options.variant === null ? "base" : options.variant });
  const applied = applyVariant(spec, sel.variant);
  const constants = constantValues(spec, sel.config.name);
  const model = options.model ?? (await referenceOf(loaded.spec));
  const steps: ReferenceVariant<unknown> =
    model.variants.find((v) => v.name === sel.variant) ??
    fail(`The reference library of ${model.name} has no variant ${sel.variant ?? "(base)"}: regenerate it with raidspec gen.`);
  const input = {
    spec: applied,
    moduleText: renderModule(spec, sel.variant, options.specArg ?? spec.source),
    // Every invariant in the cfg, so explore_invariants evaluates them all.
    cfgText: renderConfig(spec, sel.config, undefined, { symmetry: false }),
  };

  const stats: LockstepStats = {
    spec: spec.name,
    variant: sel.variant,
    config: sel.config.name,
    states: 0,
    complete: false,
    initialStates: 0,
    transitions: 0,
    exploreNextCalls: 0,
    errorStates: 0,
    exploreNextMs: 0,
    durationMs: 0,
  };
  const done = (extra: { ok: true } | { ok: false; divergence: Divergence }): LockstepResult => ({
    ...stats,
    durationMs: Math.round(performance.now() - started),
    ...extra,
  });
  // Sets in the one canonical order, whichever side listed them (see normalizeJson).
  const toJson = (s: unknown): TraceState => normalizeState(applied, model.toJson(s, constants));
  const visits = new Map<string, Visit>();
  const pathTo = (key: string): TraceStep[] => rebuildPath(visits, key, applied);

  let initial: unknown[];
  try {
    initial = steps.init(constants);
  } catch (e) {
    return done({ ok: false, divergence: { kind: "error", side: "reference", message: messageOf(e), state: null, path: [] } });
  }
  let tlaInitial: TraceState[];
  try {
    tlaInitial = embeddedInitialStates(input).map((s) => normalizeState(applied, s));
  } catch (e) {
    return done({ ok: false, divergence: { kind: "error", side: "tla", message: messageOf(e), state: null, path: [] } });
  }
  const referenceInitial = initial.map(toJson);
  const initDiff = diffStates(referenceInitial, tlaInitial);
  stats.initialStates = new Set(referenceInitial.map(canonicalString)).size;
  if (initDiff.onlyInReference.length > 0 || initDiff.onlyInTla.length > 0)
    return done({ ok: false, divergence: { kind: "init", ...initDiff, reference: referenceInitial, tla: tlaInitial } });

  // The queue holds states as the reference library represents them: converting back from JSON for
  // every state would cost more than the comparison it serves.
  const queue: { key: string; state: unknown; json: TraceState }[] = [];
  initial.forEach((state, i) => {
    const json = referenceInitial[i] as TraceState;
    const key = canonicalString(json);
    if (visits.has(key)) return;
    visits.set(key, { parent: null, via: null });
    queue.push({ key, state, json });
  });

  for (let head = 0; head < queue.length; head++) {
    if (options.maxStates !== undefined && stats.states >= options.maxStates) return done({ ok: true });
    const { key, state, json } = queue[head] as (typeof queue)[number];
    // The same state must satisfy the same invariants on both sides (an engine can evaluate an
    // invariant differently, e.g. by parsing => with the wrong precedence).
    let referenceInvariants: { name: string; holds: boolean }[] = [];
    let referenceFailed: unknown;
    try {
      referenceInvariants = model.invariants.map((inv) => ({ name: inv.name, holds: inv.holds(state, constants) }));
    } catch (e) {
      if (!isEvaluationError(e)) return done({ ok: false, divergence: { kind: "error", side: "reference", message: messageOf(e), state: json, path: pathTo(key) } });
      referenceFailed = e;
    }
    let tlaInvariants: { name: string; holds: boolean; error?: string }[];
    try {
      tlaInvariants = embeddedInvariants(input, json);
    } catch (e) {
      return done({ ok: false, divergence: { kind: "error", side: "tla", message: messageOf(e), state: json, path: pathTo(key) } });
    }
    const tlaFailed = tlaInvariants.find((t) => t.error !== undefined);
    // Where an invariant leaves TLA+'s domains, both artefacts must fail to evaluate it.
    if (referenceFailed && tlaFailed) stats.errorStates += 1;
    else if (referenceFailed || tlaFailed)
      return done({
        ok: false,
        divergence: {
          kind: "error",
          side: referenceFailed ? "reference" : "tla",
          message: referenceFailed ? messageOf(referenceFailed) : `${tlaFailed?.name}: ${tlaFailed?.error}`,
          state: json,
          path: pathTo(key),
        },
      });
    for (const inv of referenceInvariants) {
      const holds = inv.holds;
      const theirs = tlaInvariants.find((t) => t.name === inv.name);
      if (theirs && theirs.holds !== holds)
        return done({ ok: false, divergence: { kind: "invariant", state: json, path: pathTo(key), invariant: inv.name, reference: holds, tla: theirs.holds } });
    }
    // The state constraints too; a state outside them is not explored (TLC's CONSTRAINT), so neither
    // side's successors of it are compared.
    let inModel = true;
    for (const c of model.constraints ?? []) {
      const holds = c.holds(state, constants);
      let theirs: boolean;
      try {
        theirs = embeddedHolds(input, json, c.name);
      } catch (e) {
        return done({ ok: false, divergence: { kind: "error", side: "tla", message: messageOf(e), state: json, path: pathTo(key) } });
      }
      if (theirs !== holds) return done({ ok: false, divergence: { kind: "invariant", state: json, path: pathTo(key), invariant: c.name, reference: holds, tla: theirs } });
      inModel &&= holds;
    }
    stats.states += 1;
    if (!inModel) {
      queue[head] = { key, state: undefined, json: {} };
      continue;
    }

    let reference: ReferenceSuccessor[];
    const nextStates: unknown[] = [];
    try {
      reference = steps.successors(state, constants).map((t) => {
        nextStates.push(t.next);
        return { step: t.step, processSet: t.processSet, self: t.self, params: t.params, state: toJson(t.next) };
      });
    } catch (e) {
      // Where the spec leaves TLA+'s domains, both artefacts must stop: the TLA+ module too.
      if (isEvaluationError(e) && stopsToo(() => embeddedSuccessors(input, json))) {
        stats.errorStates += 1;
        queue[head] = { key, state: undefined, json: {} };
        continue;
      }
      return done({ ok: false, divergence: { kind: "error", side: "reference", message: messageOf(e), state: json, path: pathTo(key) } });
    }
    let tla: TlaSuccessor[];
    const t0 = performance.now();
    try {
      tla = embeddedSuccessors(input, json).map((t) => ({ ...t, state: normalizeState(applied, t.state) }));
    } catch (e) {
      return done({ ok: false, divergence: { kind: "error", side: "tla", message: messageOf(e), state: json, path: pathTo(key) } });
    } finally {
      stats.exploreNextCalls += 1;
      stats.exploreNextMs += performance.now() - t0;
    }
    stats.transitions += reference.length;

    const referenceKeys = new Set(reference.map((r) => canonicalString(r.state)));
    // Once every process is Done the module's Next allows `Terminating`, a stuttering step the
    // reference library has no transition for: it is not a difference in behaviour.
    const terminated = isTerminated(json);
    const tlaKeys = new Set<string>();
    const onlyInTla: TlaSuccessor[] = [];
    for (const t of tla) {
      const k = canonicalString(t.state);
      if (terminated && k === key && !referenceKeys.has(k)) continue;
      tlaKeys.add(k);
      if (!referenceKeys.has(k)) onlyInTla.push(t);
    }
    const onlyInReference = reference.filter((r) => !tlaKeys.has(canonicalString(r.state)));
    if (onlyInReference.length > 0 || onlyInTla.length > 0) {
      const involved = [...new Set([...onlyInReference.map((r) => r.step), ...onlyInTla.map((t) => t.action)])];
      return done({
        ok: false,
        divergence: { kind: "successors", state: json, path: pathTo(key), steps: involved, onlyInReference, onlyInTla, reference, tla },
      });
    }

    reference.forEach((r, i) => {
      const k = canonicalString(r.state);
      if (visits.has(k)) return;
      visits.set(k, { parent: key, via: { step: r.step, processSet: r.processSet, self: r.self, params: r.params } });
      queue.push({ key: k, state: nextStates[i], json: r.state });
    });
    // Drop what is behind the head so a long search holds only the frontier as states.
    queue[head] = { key, state: undefined, json: {} };
    options.onProgress?.({ compared: stats.states, queued: queue.length - head - 1, elapsedMs: performance.now() - started });
  }
  stats.complete = true;
  return done({ ok: true });
}

/** Reference states missing from TLA+ and the other way round, each side deduplicated. */
function diffStates(reference: TraceState[], tla: TraceState[]): { onlyInReference: TraceState[]; onlyInTla: TraceState[] } {
  const refKeys = new Set(reference.map(canonicalString));
  const tlaKeys = new Set(tla.map(canonicalString));
  const unique = (xs: TraceState[], other: Set<string>) => {
    const seen = new Set<string>();
    return xs.filter((x) => {
      const k = canonicalString(x);
      if (other.has(k) || seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  };
  return { onlyInReference: unique(reference, tlaKeys), onlyInTla: unique(tla, refKeys) };
}

function isTerminated(state: TraceState): boolean {
  const pc = state.pc;
  return !!pc && typeof pc === "object" && !Array.isArray(pc) && Object.values(pc).every((label) => label === "Done");
}

function rebuildPath(visits: Map<string, Visit>, key: string, spec: Spec): TraceStep[] {
  const chain: { key: string; via: Visit["via"] }[] = [];
  for (let k: string | null = key; k !== null; ) {
    const v: Visit | undefined = visits.get(k);
    if (!v) break;
    chain.push({ key: k, via: v.via });
    k = v.parent;
  }
  chain.reverse();
  return chain.map(({ key: k, via }) => {
    const state = JSON.parse(k) as TraceState;
    if (!via) return { step: "Init", process: null, params: {}, state };
    const step = spec.processes.find((p) => p.name === via.processSet)?.steps.find((s) => s.label === via.step);
    return {
      step: via.step,
      process: via.self,
      processSet: via.processSet,
      params: via.params,
      state,
      ...(step?.models ? { models: step.models } : {}),
      ...(step ? { loc: step.loc } : {}),
    };
  });
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function fail(message: string): never {
  throw new EngineError("usage", message);
}

