/**
 * Lockstep conformance of the compiled form (generator/packed/) with the readable reference library:
 * from every state the reference library reaches, the compiled successors must be the reference's
 * transitions, in the same order (step, process, params and state), every invariant must have the
 * same value, and the state must survive packing (packed and unpacked it is the same state; the
 * incremental packing of a successor equals its full packing). States are compared by their JSON
 * text: both sides write keys in declaration order, so equal states give equal text.
 *
 * The compiled form against tla-checker goes through conformance/lockstep.ts with the compiled form
 * behind the ReferenceModel interface (`packedReferenceModel`).
 */
import type { LoadedSpec } from "../generator/frontend/load.ts";
import type { Value } from "../generator/ir.ts";
import { type PackedProgram, compilePacked } from "../generator/packed/compile.ts";
import { select } from "../engines/check.ts";
import type { ReferenceModel, ReferenceVariant } from "../engines/model.ts";
import { referenceOf } from "../engines/native/load-reference.ts";
import { instantiate, newState, packedReferenceModel, stateFromJson, stateJson, transitionOf } from "../engines/native/packed-model.ts";
import { EngineError, type TraceState } from "../engines/result.ts";
import { canonicalString, constantValues } from "../engines/state-json.ts";
import { type LockstepResult, lockstep } from "./lockstep.ts";

export interface PackedLockstepOptions {
  config?: string;
  /** null or "base" for the base steps; undefined for the configuration's variant. */
  variant?: string | null;
  /** Compare at most this many states. */
  maxStates?: number;
  model?: ReferenceModel<unknown>;
  /** The compiled form to check (default: compiled now from the spec; tests pass mutants). */
  program?: PackedProgram;
  root?: string;
}

export interface PackedDivergence {
  /** What differs: successors, an invariant, packing, or the initial state. */
  kind: "init" | "successors" | "invariant" | "packing";
  state: TraceState;
  detail: string;
}

export interface PackedLockstepResult {
  ok: boolean;
  states: number;
  transitions: number;
  complete: boolean;
  bits: number;
  divergence?: PackedDivergence;
}

interface Emitted {
  /** Step, process set, process and params. */
  meta: string;
  /** The successor packed in full, and packed from its source (they must agree). */
  full: Int32Array | null;
  incremental: Int32Array | null;
  state: Int32Array;
}

const sameWords = (a: Int32Array | null, b: Int32Array | null): boolean => {
  if (a === null || b === null) return a === b;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

export async function packedLockstep(loaded: LoadedSpec, options: PackedLockstepOptions = {}): Promise<PackedLockstepResult> {
  const { spec } = loaded;
  const sel = select(spec, { config: options.config, variant: options.variant === null ? "base" : options.variant });
  const constants = constantValues(spec, sel.config.name);
  const model = options.model ?? (await referenceOf(loaded.spec));
  const steps: ReferenceVariant<unknown> =
    model.variants.find((v) => v.name === sel.variant) ?? fail(`The reference library of ${model.name} has no variant ${sel.variant ?? "(base)"}`);
  const program = options.program ?? compilePacked(spec, sel.variant, constants as Record<string, Value>, { symmetry: false });
  const W = program.layout.words;
  const base = new Int32Array(W);
  const emitted: Emitted[] = [];
  const mod = instantiate(program, (state, site, self) => {
    const t = transitionOf(program, site, self, mod.P);
    const full = new Int32Array(W);
    const incremental = new Int32Array(W);
    emitted.push({
      meta: JSON.stringify([t.step, t.processSet, t.self, t.params]),
      full: mod.pack(state, full, 0) ? full : null,
      incremental: mod.packFrom(state, base, 0, incremental, 0) ? incremental : null,
      state: Int32Array.from(state),
    });
  });
  const result: PackedLockstepResult = { ok: true, states: 0, transitions: 0, complete: false, bits: program.layout.bits };
  const diverge = (kind: PackedDivergence["kind"], state: TraceState, detail: string): PackedLockstepResult => ({ ...result, ok: false, divergence: { kind, state, detail } });

  const initial = steps.init(constants);
  const compiledInit = newState(program);
  mod.init(compiledInit);
  const initJson = initial.map((s) => model.toJson(s, constants));
  if (initJson.length !== 1 || canonicalString(initJson[0] as TraceState) !== canonicalString(stateJson(program, compiledInit)))
    return diverge("init", stateJson(program, compiledInit), `the reference library starts in ${initJson.map((j) => canonicalString(j)).join(" or ")}`);

  const seen = new Set<string>();
  const queue: unknown[] = [];
  for (const s of initial) {
    const w = new Int32Array(W);
    const k = mod.pack(stateFromJson(program, model.toJson(s, constants)), w, 0) ? w.join(",") : JSON.stringify(model.toJson(s, constants));
    if (!seen.has(k)) {
      seen.add(k);
      queue.push(s);
    }
  }
  const source = newState(program);
  for (let head = 0; head < queue.length; head++) {
    if (options.maxStates !== undefined && result.states >= options.maxStates) return result;
    const ref = queue[head];
    queue[head] = undefined;
    const json = model.toJson(ref, constants);
    stateFromJson(program, json, source);
    // Packing: the state packs, and unpacks to itself.
    if (!mod.pack(source, base, 0)) return diverge("packing", json, "a reachable state does not pack");
    const back = newState(program);
    mod.unpack(base, 0, back);
    if (JSON.stringify(stateJson(program, back)) !== JSON.stringify(json)) return diverge("packing", json, `packed and unpacked it is ${canonicalString(stateJson(program, back))}`);

    for (const inv of model.invariants) {
      const mine = inv.name === "TypeOK" ? source[program.layout.width] === 0 || mod.inRange(source) : (mod.invariants[program.invariants.findIndex((i) => i.name === inv.name)]?.(source) ?? true);
      if (mine !== inv.holds(ref, constants)) return diverge("invariant", json, `${inv.name} is ${mine} in the compiled form and ${!mine} in the reference library`);
    }

    emitted.length = 0;
    mod.successors(source);
    const transitions = steps.successors(ref, constants);
    result.states += 1;
    result.transitions += transitions.length;
    // The reference's successors in the compiled form, packed: equal states pack to equal words.
    const theirs = transitions.map((t) => {
      const next = stateFromJson(program, model.toJson(t.next, constants));
      const words = new Int32Array(W);
      return { meta: JSON.stringify([t.step, t.processSet, t.self, t.params]), words: mod.pack(next, words, 0) ? words : null, next, ref: t.next };
    });
    for (let i = 0; i < Math.max(emitted.length, theirs.length); i++) {
      const a = emitted[i];
      const b = theirs[i];
      const same = a && b && a.meta === b.meta && (a.full && b.words ? sameWords(a.full, b.words) : JSON.stringify(stateJson(program, a.state)) === JSON.stringify(stateJson(program, b.next)));
      if (!same)
        return diverge(
          "successors",
          json,
          `transition ${i}: the compiled form gives ${a ? `${a.meta} → ${canonicalString(stateJson(program, a.state))}` : "nothing"}, the reference library ${b ? `${b.meta} → ${canonicalString(model.toJson(b.ref, constants))}` : "nothing"}`,
        );
    }
    for (const e of emitted)
      if (!sameWords(e.full, e.incremental)) return diverge("packing", json, `a successor packs to ${e.full?.join(",")} in full and to ${e.incremental?.join(",")} from its source`);

    for (const t of theirs) {
      const k = t.words ? t.words.join(",") : JSON.stringify(stateJson(program, t.next));
      if (seen.has(k)) continue;
      seen.add(k);
      queue.push(t.ref);
    }
  }
  result.complete = true;
  return result;
}

/** The compiled form of a selection, for lockstep against tla-checker (conformance/lockstep.ts). */
export async function packedAgainstTla(loaded: LoadedSpec, options: { config?: string; variant?: string | null; maxStates?: number; root?: string }): Promise<LockstepResult> {
  const { spec } = loaded;
  const sel = select(spec, { config: options.config, variant: options.variant === null ? "base" : options.variant });
  const constants = constantValues(spec, sel.config.name);
  const program: PackedProgram = compilePacked(spec, sel.variant, constants as Record<string, Value>, { symmetry: false });
  const model = packedReferenceModel(program, spec.name, spec.source, sel.variant, constants) as ReferenceModel<unknown>;
  return lockstep(loaded, { config: options.config, variant: options.variant, maxStates: options.maxStates, model, root: options.root });
}

function fail(message: string): never {
  throw new EngineError("usage", message);
}
