/**
 * The interface a generated reference library exports (as `model`), and that the native explorer,
 * trace explanation and conformance use. A generated library satisfies it without importing it: the
 * reference code has no dependency on raidspec.
 */
import type { Json, TraceState } from "./result.ts";

/** Constant bindings: name → value (sets as arrays). */
export type ConstantValues = Record<string, Json>;

/** One enabled step from a state: who takes it, with which nondeterministic choices, and the result. */
export interface Transition<S> {
  /** The DSL step label (= TLA+ action name). */
  step: string;
  /** The process set (`proc`, `writer`, …). */
  processSet: string;
  /** The identity of the process taking the step. */
  self: Json;
  /** Values chosen by `choose` and branches taken by `either` (as `either@line:col` → branch index). */
  params: Record<string, Json>;
  next: S;
}

export interface ReferenceVariant<S> {
  /** Null for the base steps. */
  name: string | null;
  /** The initial states in this variant (its processes may start at other labels than the base's). */
  init(constants: ConstantValues): S[];
  /** Every enabled step of `state`, in a deterministic order. */
  successors(state: S, constants: ConstantValues): Transition<S>[];
}

export interface ReferenceModel<S> {
  /** The spec's module name. */
  name: string;
  /** The named configurations of the spec. */
  configs: Record<string, { constants: ConstantValues; variant: string | null }>;
  variants: ReferenceVariant<S>[];
  /** The initial states of the base steps (see `ReferenceVariant.init` for a variant's). */
  init(constants: ConstantValues): S[];
  /** Invariants in declaration order, TypeOK first. */
  invariants: { name: string; holds(state: S, constants: ConstantValues): boolean }[];
  /**
   * State constraints (TLC's CONSTRAINT), absent when the spec has none: a state that breaks one is
   * checked against the invariants but not counted, and its successors are not explored.
   */
  constraints?: { name: string; holds(state: S, constants: ConstantValues): boolean }[];
  /**
   * The canonical JSON form of a state (see `TraceState`). Map keys can depend on the constants; without
   * them the library uses the configuration it was last called with.
   */
  toJson(state: S, constants?: ConstantValues): TraceState;
  /** A state from its canonical JSON form. */
  fromJson(json: TraceState, constants: ConstantValues): S;
  /**
   * Writes a canonical integer encoding of a state into `out` from index 0 and returns its length:
   * within one configuration two states are equal exactly when their encodings are. The native
   * explorer fingerprints it (JSON text otherwise), reusing one `out` for every state.
   */
  encode?(state: S, out: number[]): number;
  /** The steps of each process set with the kernel function each models and its source location. */
  steps: { label: string; processSet: string; models?: string; line: number; column: number }[];
  source: string;
}
