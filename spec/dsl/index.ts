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
 * time throws. The README's "Writing a spec" lists the accepted subset, construct by construct.
 */

// ---------------------------------------------------------------------------------------------
// Domains: finite types with a value type attached for inference

declare const valueType: unique symbol;

/** A finite set of values of type `T`. */
export interface Domain<T> {
  readonly [valueType]?: T;
  readonly kind: string;
}

/**
 * A value type as state holds it: tuples and records written in place (`[false, 0]`, inferred as
 * literal types) assignable to mutable state.
 */
export type Writable<T> = T extends ReadonlySet<unknown>
  ? T
  : T extends readonly unknown[]
    ? { -readonly [I in keyof T]: Writable<T[I]> }
    : T extends object
      ? { -readonly [K in keyof T]: Writable<T[K]> }
      : T;

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

/**
 * TLC model values: uninterpreted, pairwise distinct atoms (`const RM = modelValues("rm1", "rm2")`),
 * declared as constants of the TLA+ module and bound to themselves in every .cfg. In bodies a value is
 * written as its name (`s.owner === "rm1"`); interchangeable identities are what symmetry permutes.
 */
export function modelValues<const T extends readonly string[]>(...names: T): Domain<T[number]> {
  return domain("model", { values: names });
}

/** A total map from every key of `key` to a value of `value`. */
export function mapOf<K, V>(key: Domain<K>, value: Domain<V>): Domain<Mapping<K, V>> {
  return domain("map", { key, value });
}

/** A record with the given fields. */
export function record<const F extends Record<string, Domain<unknown>>>(
  fields: F,
): Domain<{ -readonly [N in keyof F]: ValueOf<F[N]> }> {
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
 * A sequence of at most `maxLen` values of the domain (TLA+ `Seq`, bounded): a queue, a channel, a
 * stack. In bodies it is an array: `s.q[0]` (positions count from 0, as in TypeScript), `s.q.length`,
 * `append(s.q, x)`, `head`, `tail`, `subSeq`, `concat`.
 */
export function seqOf<T>(element: Domain<T>, maxLen: number): Domain<T[]> {
  return domain("seq", { element, maxLen });
}

/** A tuple with one value of each domain, in order (TLA+ `D1 \X D2`); in bodies a TypeScript tuple. */
export function tupleOf<const D extends readonly Domain<unknown>[]>(...elements: D): Domain<{ -readonly [I in keyof D]: ValueOf<D[I]> }> {
  return domain("tuple", { elements });
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
 * A helper predicate or function, defined once and usable in bodies, invariants and other helpers. It
 * becomes a TLA+ operator and a function of the reference library. When its first parameter has the
 * spec's state type it reads the state (`const canBatch = helper((s: S, sh: number) => …)`, called as
 * `canBatch(s, sh)`); otherwise it reads none (`const other = helper((p: number) => 1 - p)`).
 */
export function helper<F extends (...args: never[]) => unknown>(fn: F): F {
  return fn;
}

/**
 * A macro: statements written once and run in place wherever called, as PlusCal's `macro` (its
 * parameters stand for the call's argument expressions). Its first parameter is the state:
 * `const Prepare = macro((s: S, p: RMId) => { when(s.rmState[p] === "working"); s.rmState[p] = "prepared"; })`,
 * called in a step as `Prepare(s, self);`. No goto inside: a macro has no label of its own.
 */
export function macro<F extends (s: never, ...args: never[]) => void>(fn: F): F {
  return fn;
}

// ---------------------------------------------------------------------------------------------
// State and processes

export type Schema = Record<string, Domain<unknown>>;
export type StateOf<S extends Schema> = { -readonly [N in keyof S]: ValueOf<S[N]> };

/** Every process's current label, by identity (read-only: steps move their own with `goto`). */
export interface Labels {
  readonly pc: Mapping<Key, string>;
}

/** What a step of a process with locals `L` sees: the state, its own locals, and every label. */
export type StepState<St, L extends Schema> = St & StateOf<L> & Labels;

/** The body of one labelled atomic step. `s` holds the state and the process's locals. */
export type StepBody<St, Id> = (s: St, self: Id) => void;

/**
 * A step with options: which real-world function it models (shown in traces) and its own fairness:
 * `label: { models: "add_stripe_bio", body(s, self) { … } }`. In a fair process, `fair: "strong"`
 * makes the step strongly fair (PlusCal `label:+`, in a weakly fair process) and `fair: "none"` leaves
 * it out of the process's fairness (PlusCal `label:-`).
 */
export interface ModelledStep<St, Id> {
  readonly models?: string;
  readonly fair?: "strong" | "none";
  body(s: St, self: Id): void;
}

export type StepDef<St, Id> = StepBody<St, Id> | ModelledStep<St, Id>;

/**
 * The state an invariant sees: the variables, per process its current label, and each process-local
 * variable as a map from the identities of its process set to their values.
 */
export type Observed<St, Id, Procs extends ProcessTypes = {}> = St & { readonly pc: Mapping<Id, string> } & LocalsOf<Procs>;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** The locals of every process set as maps over their identities. */
export type LocalsOf<Procs extends ProcessTypes> = [keyof Procs] extends [never]
  ? unknown
  : UnionToIntersection<
      { [N in keyof Procs]: { readonly [V in keyof Procs[N]["locals"]]: Mapping<Procs[N]["id"], Procs[N]["locals"][V]> } }[keyof Procs]
    >;

/**
 * Fairness of a process: "weak" (PlusCal `fair process`, TLA+ `WF_vars`: a step that stays enabled is
 * eventually taken), "strong" (`fair+ process`, `SF_vars`: a step enabled again and again is eventually
 * taken); "none" (the default) lets the process stop for ever anywhere.
 */
export type Fairness = "weak" | "strong" | "none";

export interface ProcessDef<St, Id, L extends Schema> {
  doc?: string;
  /** The fairness of each process of the set (default "none"); it matters only for `.property(…)`. */
  fair?: Fairness;
  locals?: L;
  /** Each local's initial value, or `anyOf(S)` for any value of S (every process chooses its own). */
  init?: Partial<{ [N in keyof L]: ValueOf<L[N]> }>;
  steps: Record<string, StepDef<StepState<St, L>, Id>>;
}

export interface Configuration {
  doc?: string;
  /** The variant checked when the command line names none. */
  variant?: string;
  constants?: Record<string, unknown>;
}

/** What the builder remembers of each process: the state its steps see, its identity type, its locals. */
export type ProcessTypes = Record<string, { state: unknown; id: unknown; locals: object }>;

/**
 * A procedure's `init`: every parameter's value before any call, and every local's value at each call;
 * optional for a procedure with neither.
 */
export type ProcedureInit<P extends Schema, L extends Schema> = {} extends ProcedureValues<P, L> ? { init?: ProcedureValues<P, L> } : { init: ProcedureValues<P, L> };
type ProcedureValues<P extends Schema, L extends Schema> = { [N in keyof P]: ValueOf<P[N]> } & { [N in keyof L]: ValueOf<L[N]> };

/** The spec under construction. Each method returns the builder, so declarations chain. */
export interface SpecBuilder<St, Ids, Procs extends ProcessTypes> {
  /** A set of processes, one per value of `over`, each running the labelled steps in order. */
  process<const N extends string, Id, const L extends Schema = {}>(
    name: N,
    over: Domain<Id>,
    def: ProcessDef<St, Id, L>,
  ): SpecBuilder<St, Ids | Id, Procs & { [P in N]: { state: StepState<St, L>; id: Id; locals: StateOf<L> } }>;
  /**
   * A plain action outside every process (a TLA+ action): enabled whenever its `when`s hold, it changes
   * the variables it assigns. With a domain, one action per value: `.action("Prepare", RM, (s, rm) => …)`
   * is TLA+'s `\E rm \in RM : Prepare(rm)`. It reads every process's label and locals, and moves none.
   */
  action(name: string, body: (s: Observed<St, Ids, Procs>) => void): SpecBuilder<St, Ids, Procs>;
  action<P>(name: string, over: Domain<P>, body: (s: Observed<St, Ids, Procs>, p: P) => void): SpecBuilder<St, Ids, Procs>;
  /**
   * A procedure (PlusCal `procedure`) any process can call with `call("Name", …args)` as the last
   * statement on a path of a step; it runs its labelled steps with its parameters and locals, and
   * `ret()` returns to the step after the call. No recursion.
   */
  procedure<const P extends Schema, const L extends Schema = {}>(
    name: string,
    def: {
      doc?: string;
      params?: P;
      locals?: L;
      steps: Record<string, StepDef<St & StateOf<P> & StateOf<L> & Labels, Key>>;
    } & ProcedureInit<P, L>,
  ): SpecBuilder<St, Ids, Procs>;
  /** A named property that must hold in every reachable state. */
  invariant(name: string, holds: (s: Observed<St, Ids, Procs>) => boolean): SpecBuilder<St, Ids, Procs>;
  /**
   * A named temporal property over state predicates, checked under the processes' fairness:
   * `.property("StarvationFree", (s) => forall(Procs, (p) => leadsTo(s.pc[p] === "wait", s.pc[p] === "cs")))`.
   */
  property(name: string, holds: (s: Observed<St, Ids, Procs>) => Temporal): SpecBuilder<St, Ids, Procs>;
  /**
   * A state constraint (TLC's CONSTRAINT) bounding the model: a state that breaks it is checked against
   * the invariants but not counted, and its successors are not explored.
   */
  constraint(name: string, holds: (s: Observed<St, Ids, Procs>) => boolean): SpecBuilder<St, Ids, Procs>;
  /**
   * The initial states are every state satisfying `holds`: each variable and local without an init
   * value ranges over its whole domain, and each process's label over its steps' labels (and Done, if
   * it can finish). Like TLC with `Init == TypeOK /\ Inv`, every such state is enumerated.
   */
  initially(holds: (s: Observed<St, Ids, Procs>) => boolean): SpecBuilder<St, Ids, Procs>;
  /**
   * A reachability goal: some reachable state must satisfy `goal` (a "sometimes" property). `check`
   * reports it reached, with the shortest witness trace, or unreached as a finding: the model cannot
   * get into the situation (a bug needs it, or a step is dead).
   */
  reachable(name: string, goal: (s: Observed<St, Ids, Procs>) => boolean): SpecBuilder<St, Ids, Procs>;
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
    def: {
      doc?: string;
      /** The process's fairness in this variant (default: as in the base). */
      fair?: Fairness;
      steps?: Record<string, StepDef<Procs[N]["state"], Procs[N]["id"]>>;
    },
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
    /**
     * Each variable's initial value, or `anyOf(S)` for any value of S. A variable may be left out only
     * when `.initially(…)` gives the initial states as a predicate.
     */
    init?: Partial<StateOf<S>>;
  },
): SpecBuilder<StateOf<S>, never, {}> {
  const builder: SpecBuilder<StateOf<S>, never, {}> = {
    process: () => builder as never,
    procedure: () => builder,
    action: () => builder,
    invariant: () => builder,
    property: () => builder,
    reachable: () => builder,
    constraint: () => builder,
    initially: () => builder,
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

/** Calls a procedure declared with `.procedure(name, …)`; the last statement on its path (PlusCal `call`). */
export function call(procedure: string, ...args: unknown[]): void {
  void procedure;
  void args;
  marker("call");
}

/** Returns from the procedure to the step after its call (PlusCal `return`). */
export function ret(): void {
  marker("ret");
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

/**
 * Any value of `set`, as an initial value: `init: { active: anyOf(bool) }` starts from every choice
 * (PlusCal `variables active \in BOOLEAN`). `mapping(D, () => anyOf(S))` is any map from D to S.
 */
export function anyOf<T>(set: SetLike<T>): T {
  void set;
  return marker("anyOf");
}

/** `\A x \in set : pred`; in a `.property(…)`, also around a temporal formula. */
export function forall<T>(set: Domain<T> | ReadonlySet<T>, pred: (x: T) => Temporal): Temporal;
export function forall<T>(set: Domain<T> | ReadonlySet<T>, pred: (x: T) => boolean): boolean;
export function forall<T>(set: Domain<T> | ReadonlySet<T>, pred: (x: T) => boolean | Temporal): boolean | Temporal {
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
export function mapping<K, const V>(keys: Domain<K>, value: (k: K) => V): Mapping<K, Writable<V>> {
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

/** The set of the given elements (`setLit()` is the empty set of any element type). */
export function setLit(): ReadonlySet<never>;
export function setLit<T>(...elements: T[]): ReadonlySet<T>;
export function setLit<T>(...elements: T[]): ReadonlySet<T> {
  void elements;
  return marker("setLit");
}

/** A set value or a domain (a domain is the set of its values). */
export type SetLike<T> = Domain<T> | ReadonlySet<T>;

/** `a \cup b`. */
export function union<T>(a: SetLike<T>, b: SetLike<T>): ReadonlySet<T> {
  void a;
  void b;
  return marker("union");
}

/** `a \ b`. */
export function minus<T>(a: SetLike<T>, b: SetLike<T>): ReadonlySet<T> {
  void a;
  void b;
  return marker("minus");
}

/** `a \cap b`. */
export function intersect<T>(a: SetLike<T>, b: SetLike<T>): ReadonlySet<T> {
  void a;
  void b;
  return marker("intersect");
}

/** `x \in set` (also written `set.has(x)`). */
export function member<T>(x: T, set: Domain<T> | ReadonlySet<T>): boolean {
  void x;
  void set;
  return marker("member");
}

/** The tuple (or sequence) of the given values, `<<a, b>>`; an array literal `[a, b]` means the same. */
export function tuple<const T extends readonly unknown[]>(...values: T): { -readonly [I in keyof T]: T[I] } {
  void values;
  return marker("tuple");
}

/** `Append(seq, x)`: the sequence with `x` added at its end. */
export function append<T>(seq: readonly T[], x: T): T[] {
  void seq;
  void x;
  return marker("append");
}

/** `Head(seq)`: the first element (the sequence must not be empty). */
export function head<T>(seq: readonly T[]): T {
  void seq;
  return marker("head");
}

/** `Tail(seq)`: every element but the first (the sequence must not be empty). */
export function tail<T>(seq: readonly T[]): T[] {
  void seq;
  return marker("tail");
}

/** `Len(seq)` (also written `seq.length`). */
export function len(seq: readonly unknown[]): number {
  void seq;
  return marker("len");
}

/** `a \o b`: the elements of `a`, then those of `b`. */
export function concat<T>(a: readonly T[], b: readonly T[]): T[] {
  void a;
  void b;
  return marker("concat");
}

/**
 * The elements at positions `from` up to but not including `to`, counted from 0 as `Array.slice`
 * does (TLA+ `SubSeq(seq, from + 1, to)`); 0 <= from <= to <= the length.
 */
export function subSeq<T>(seq: readonly T[], from: number, to: number): T[] {
  void seq;
  void from;
  void to;
  return marker("subSeq");
}

/** Logical implication. */
export function implies(a: boolean, b: boolean): boolean {
  void a;
  void b;
  return marker("implies");
}

// ---------------------------------------------------------------------------------------------
// Temporal formulas, for `.property(…)` (markers too)

declare const temporal: unique symbol;

/** A temporal formula over state predicates: what `.property(…)` returns. Combine several with `&&`. */
export interface Temporal {
  readonly [temporal]: true;
}

/** `[]p`: p holds in every state of every behaviour (checked like an invariant). */
export function always(p: boolean): Temporal {
  void p;
  return marker("always");
}

/** `<>p`: every fair behaviour reaches a state where p holds. */
export function eventually(p: boolean): Temporal {
  void p;
  return marker("eventually");
}

/** `p ~> q` (p leads to q): whenever p holds, q holds then or later, on every fair behaviour. */
export function leadsTo(p: boolean, q: boolean): Temporal {
  void p;
  void q;
  return marker("leadsTo");
}

/** `[]<>p`: p holds again and again, for ever, on every fair behaviour. */
export function alwaysEventually(p: boolean): Temporal {
  void p;
  return marker("alwaysEventually");
}

/** `<>[]p`: from some point on, p holds for ever, on every fair behaviour. */
export function eventuallyAlways(p: boolean): Temporal {
  void p;
  return marker("eventuallyAlways");
}
