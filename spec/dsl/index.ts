/**
 * The raidspec DSL: the vocabulary a spec is written in.
 *
 * A spec is an ordinary TypeScript module. Its declarations (constants, domains, state, processes,
 * invariants, configurations, variants) are built from the functions below, and TypeScript infers the
 * state type from them, so step bodies get completion and type errors in the editor.
 *
 * raidspec never runs a step body. The front end (`generator/frontend/`) reads the spec's source
 * with the TypeScript compiler and translates the bodies, which are written in a checked subset of
 * TypeScript, into the IR. The functions used only inside bodies (`when`, `goto`, `either`, `choose`,
 * `forall`, …) are therefore markers: they exist so that bodies type-check, and calling one at run
 * time throws. See `spec/dsl/README.md` for the accepted subset.
 */

// ---------------------------------------------------------------------------------------------
// Domains: finite types with a value type attached for inference

declare const valueType: unique symbol;

/** A finite set of values of type `T`. */
export interface Domain<T> {
  readonly [valueType]?: T;
  readonly kind: string;
}

/** The value type of a domain. */
export type ValueOf<D> = D extends Domain<infer T> ? T : never;

type Key = string | number;

/** A total map from keys to values (TLA+ function). */
export type Mapping<K, V> = { [key in K & Key]: V };

function domain<T>(kind: string, detail: object = {}): Domain<T> {
  return { kind, ...detail } as Domain<T>;
}

/** TRUE / FALSE. */
export const bool: Domain<boolean> = domain("bool");

/** The integers `lo..hi`, inclusive. Bounds may use constants. */
export function range(lo: number, hi: number): Domain<number> {
  return domain("int", { lo, hi });
}

/** One of the given string tags. */
export function enumOf<const T extends readonly string[]>(...values: T): Domain<T[number]> {
  return domain("enum", { values });
}

/** A total map from every key of `key` to a value of `value`. */
export function mapOf<K, V>(key: Domain<K>, value: Domain<V>): Domain<Mapping<K, V>> {
  return domain("map", { key, value });
}

/** A record with the given fields. */
export function record<const F extends Record<string, Domain<unknown>>>(
  fields: F,
): Domain<{ [N in keyof F]: ValueOf<F[N]> }> {
  return domain("record", { fields });
}

/** A finite set of values of the domain. */
export function setOf<T>(element: Domain<T>): Domain<ReadonlySet<T>> {
  return domain("set", { element });
}

/** A value of the domain, or `null` (none). */
export function optional<T>(value: Domain<T>): Domain<T | null> {
  return domain("optional", { value });
}

/**
 * Marks a top-level domain as symmetric: its values are interchangeable, so the native explorer may
 * check one state per permutation of them (symmetry reduction). Its values may only be compared with
 * `===`/`!==` and used as map keys, process identities and set elements: never in arithmetic,
 * ordering, or as literals. `const Procs = symmetric(range(1, N));`
 */
export function symmetric<T>(domain: Domain<T>): Domain<T> {
  return domain;
}

/**
 * A constant of the spec, bound by each configuration. Declare it at the top level:
 * `const Writers = constant(range(1, 4))`; its name is the variable's name.
 */
export function constant<T>(type: Domain<T>): T {
  return type as unknown as T;
}

/**
 * A helper predicate or function over the state, defined once and usable in bodies, invariants and
 * other helpers: `const canBatch = helper((s: S, sh: number) => …)`. Its first parameter is the state.
 * It becomes a TLA+ operator and a function of the reference library.
 */
export function helper<F extends (s: never, ...args: never[]) => unknown>(fn: F): F {
  return fn;
}

// ---------------------------------------------------------------------------------------------
// State and processes

export type Schema = Record<string, Domain<unknown>>;
export type StateOf<S extends Schema> = { -readonly [N in keyof S]: ValueOf<S[N]> };

/** The body of one labelled atomic step. `s` holds the state and the process's locals. */
export type StepBody<St, Id> = (s: St, self: Id) => void;

/**
 * A step that says which real-world function it models (shown in traces):
 * `label: { models: "add_stripe_bio", body(s, self) { … } }`.
 */
export interface ModelledStep<St, Id> {
  readonly models: string;
  body(s: St, self: Id): void;
}

export type StepDef<St, Id> = StepBody<St, Id> | ModelledStep<St, Id>;

/** The state an invariant sees: the variables and, per process, its current label. */
export type Observed<St, Id> = St & { readonly pc: Mapping<Id, string> };

export interface ProcessDef<St, Id, L extends Schema> {
  doc?: string;
  locals?: L;
  init?: { [N in keyof L]: ValueOf<L[N]> };
  steps: Record<string, StepDef<St & StateOf<L>, Id>>;
}

export interface Configuration {
  doc?: string;
  /** The variant checked when the command line names none. */
  variant?: string;
  constants?: Record<string, unknown>;
}

/** What the builder remembers of each process: the state its steps see and its identity type. */
export type ProcessTypes = Record<string, { state: unknown; id: unknown }>;

/** The spec under construction. Each method returns the builder, so declarations chain. */
export interface SpecBuilder<St, Ids, Procs extends ProcessTypes> {
  /** A set of processes, one per value of `over`, each running the labelled steps in order. */
  process<const N extends string, Id, const L extends Schema = {}>(
    name: N,
    over: Domain<Id>,
    def: ProcessDef<St, Id, L>,
  ): SpecBuilder<St, Ids | Id, Procs & { [P in N]: { state: St & StateOf<L>; id: Id } }>;
  /** A named property that must hold in every reachable state. */
  invariant(name: string, holds: (s: Observed<St, Ids>) => boolean): SpecBuilder<St, Ids, Procs>;
  /**
   * A reachability goal: some reachable state must satisfy `goal` (a "sometimes" property). `check`
   * reports it reached, with the shortest witness trace, or unreached as a finding: the model cannot
   * get into the situation (a bug needs it, or a step is dead).
   */
  reachable(name: string, goal: (s: Observed<St, Ids>) => boolean): SpecBuilder<St, Ids, Procs>;
  /** A named binding of the constants, e.g. `small`. */
  config(name: string, config: Configuration): SpecBuilder<St, Ids, Procs>;
  /**
   * A named alternative version of some steps of one process (for example the kernel code before a
   * fix). A step with an existing label replaces it; a new label is inserted after the step listed
   * before it. Call it once per process the variant changes.
   */
  variant<N extends keyof Procs & string>(
    name: string,
    process: N,
    def: { doc?: string; steps: Record<string, StepDef<Procs[N]["state"], Procs[N]["id"]>> },
  ): SpecBuilder<St, Ids, Procs>;
}

/** Starts a spec: its module name, its state variables and their initial values. */
export function spec<const S extends Schema>(
  name: string,
  def: {
    doc?: string;
    /** A name for the base steps, so `--variant <base>` selects them (e.g. the kernel before a fix). */
    base?: string;
    state: S;
    init: StateOf<S>;
  },
): SpecBuilder<StateOf<S>, never, {}> {
  const builder: SpecBuilder<StateOf<S>, never, {}> = {
    process: () => builder as never,
    invariant: () => builder,
    reachable: () => builder,
    config: () => builder,
    variant: () => builder,
  };
  void name;
  void def;
  return builder;
}

// ---------------------------------------------------------------------------------------------
// Markers used inside step bodies and invariants (read by the front end, never run)

function marker(name: string): never {
  throw new Error(`raidspec: ${name}() is read from the spec source by the generator and is not meant to run`);
}

/** The step is enabled only when `cond` holds here (PlusCal `await`). */
export function when(cond: boolean): void {
  void cond;
  marker("when");
}

/** Continue at another label of this process; must end its path through the step. */
export function goto(label: string): void {
  void label;
  marker("goto");
}

/** Nondeterministically runs one of the branches (PlusCal `either … or …`). */
export function either(...branches: (() => void)[]): void {
  void branches;
  marker("either");
}

/** A nondeterministically chosen element of `set` (PlusCal `with (x \in set)`). Use as `const x = choose(S)`. */
export function choose<T>(set: Domain<T> | ReadonlySet<T>): T {
  void set;
  return marker("choose");
}

/** Takes a lock (a boolean variable): waits until it is free, then holds it. */
export function acquire(lock: boolean): void {
  void lock;
  marker("acquire");
}

/** Frees a lock taken with `acquire`. */
export function release(lock: boolean): void {
  void lock;
  marker("release");
}

/** `\A x \in set : pred`. */
export function forall<T>(set: Domain<T> | ReadonlySet<T>, pred: (x: T) => boolean): boolean {
  void set;
  void pred;
  return marker("forall");
}

/** `\E x \in set : pred`. */
export function exists<T>(set: Domain<T> | ReadonlySet<T>, pred: (x: T) => boolean): boolean {
  void set;
  void pred;
  return marker("exists");
}

/** The map `[x \in keys |-> value(x)]`. */
export function mapping<K, V>(keys: Domain<K>, value: (k: K) => V): Mapping<K, V> {
  void keys;
  void value;
  return marker("mapping");
}

/** How many elements of `set` satisfy `pred`. */
export function count<T>(set: Domain<T> | ReadonlySet<T>, pred: (x: T) => boolean): number {
  void set;
  void pred;
  return marker("count");
}

/** The elements of `set` that satisfy `pred`. */
export function filter<T>(set: Domain<T> | ReadonlySet<T>, pred: (x: T) => boolean): ReadonlySet<T> {
  void set;
  void pred;
  return marker("filter");
}

/** The set of the given elements. */
export function setLit<T>(...elements: T[]): ReadonlySet<T> {
  void elements;
  return marker("setLit");
}

/** `a \cup b`. */
export function union<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): ReadonlySet<T> {
  void a;
  void b;
  return marker("union");
}

/** `a \ b`. */
export function minus<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): ReadonlySet<T> {
  void a;
  void b;
  return marker("minus");
}

/** `x \in set` (also written `set.has(x)`). */
export function member<T>(x: T, set: Domain<T> | ReadonlySet<T>): boolean {
  void x;
  void set;
  return marker("member");
}

/** Logical implication. */
export function implies(a: boolean, b: boolean): boolean {
  void a;
  void b;
  return marker("implies");
}
