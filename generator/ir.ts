/**
 * The intermediate representation of a spec.
 *
 * Plain, JSON-serializable data: the front end (spec source → IR) produces it, and every generator
 * (TLA+, TypeScript reference) reads only this. Every node that a user could have got wrong carries
 * the source location it came from, so later phases can still point at the spec file.
 */

/** A position in the spec source (1-based line and column). */
export interface SourceLoc {
  file: string;
  line: number;
  column: number;
}

// ---------------------------------------------------------------------------------------------
// Types (finite domains)

/** The type of a value. Every type is a finite set of values, so a model checker can enumerate it. */
export type Type =
  | { kind: "bool" }
  /** Integers lo..hi (inclusive); the bounds may mention constants. */
  | { kind: "int"; lo: Expr; hi: Expr }
  /**
   * One of a fixed set of string tags; with `model`, TLC model values (uninterpreted atoms, declared
   * as CONSTANTS and bound to themselves in the .cfg), which symmetry can permute.
   */
  | { kind: "enum"; values: string[]; model?: boolean }
  /** A total function from a finite key type to a value type (TLA+ `[K -> V]`). */
  | { kind: "map"; key: Type; value: Type }
  /** A record with fixed fields (TLA+ `[a: A, b: B]`). */
  | { kind: "record"; fields: { name: string; type: Type }[] }
  /** A finite set of values of a type (TLA+ `SUBSET T`). */
  | { kind: "set"; element: Type }
  /** A value of the type, or none (TLA+ `T \cup {NoValue}`). */
  | { kind: "optional"; value: Type }
  /** A sequence of at most `maxLen` elements (TLA+ `Seq(T)`, bounded). */
  | { kind: "seq"; element: Type; maxLen: Expr }
  /** A tuple with one value of each type (TLA+ `T1 \X T2 \X …`). */
  | { kind: "tuple"; elements: Type[] }
  /** A named domain declared with `domain(...)`; resolved through `Spec.domains`. */
  | { kind: "named"; name: string }
  /**
   * A frame of a process's stack (no spec declares one: it is the element type of the generated
   * `stack`): a record of `procedure`, `pc` and the called procedure's parameters and locals, whose
   * fields therefore depend on `procedure`.
   */
  | { kind: "frame"; procedures: { name: string; fields: { name: string; type: Type }[] }[] };

/** A named domain declared at the top level of a spec (used for process sets and keys). */
export interface DomainDecl {
  name: string;
  type: Type;
  /**
   * Declared with `symmetric(…)`: its values are interchangeable (only compared, used as keys, process
   * identities and set elements), so an engine may treat states that differ by a permutation of them
   * as one (symmetry reduction).
   */
  symmetric?: true;
  doc?: string;
  loc: SourceLoc;
}

// ---------------------------------------------------------------------------------------------
// Expressions

export type BinaryOp =
  | "and"
  | "or"
  | "implies"
  | "eq"
  | "neq"
  | "lt"
  | "le"
  | "gt"
  | "ge"
  | "add"
  | "sub"
  | "mul"
  | "div"
  | "mod"
  | "in"
  | "union"
  | "minus"
  | "intersect";

export type Expr =
  | { kind: "bool"; value: boolean }
  | { kind: "int"; value: number }
  | { kind: "string"; value: string }
  /** A TLC model value (a value of a `modelValues(…)` domain), written in the spec as its name. */
  | { kind: "model"; name: string }
  /** The "no value" of optional types. */
  | { kind: "none" }
  /** A state variable (global), read in the current state. */
  | { kind: "var"; name: string }
  /** A process-local variable of the executing process. */
  | { kind: "local"; name: string }
  /** A process-local variable of every process of its set, as a map from identity to value (invariants). */
  | { kind: "locals"; name: string }
  /** The identity of the executing process. */
  | { kind: "self" }
  /** A spec constant, bound by the configuration. */
  | { kind: "const"; name: string }
  /** A name bound by a quantifier, a `choose`, a `let` or a lambda. */
  | { kind: "bound"; name: string }
  /** A named domain, used as a set value. */
  | { kind: "domain"; name: string }
  /** The program counter (label) of a process. */
  | { kind: "pc"; process: Expr }
  | { kind: "index"; base: Expr; index: Expr }
  | { kind: "field"; base: Expr; field: string }
  | { kind: "not"; arg: Expr }
  | { kind: "neg"; arg: Expr }
  | { kind: "binary"; op: BinaryOp; left: Expr; right: Expr }
  | { kind: "ite"; cond: Expr; then: Expr; else: Expr }
  /** `\A x \in set : body` / `\E x \in set : body`. */
  | { kind: "quant"; quantifier: "forall" | "exists"; name: string; set: Expr; body: Expr }
  /** `[x \in set |-> body]`: a function built from a lambda. */
  | { kind: "fn"; name: string; set: Expr; body: Expr }
  /** `Cardinality({x \in set : body})`. */
  | { kind: "count"; name: string; set: Expr; body: Expr }
  /** `{x \in set : body}`. */
  | { kind: "filter"; name: string; set: Expr; body: Expr }
  | { kind: "record"; fields: { name: string; value: Expr }[] }
  | { kind: "setOf"; elements: Expr[] }
  /** A sequence or tuple value `<<a, b>>`. */
  | { kind: "tuple"; elements: Expr[] }
  /** The element of a sequence or tuple at a 0-based position (as in TypeScript; TLA+ `s[i + 1]`). */
  | { kind: "at"; seq: Expr; index: Expr }
  /** Sequence operators (TLA+ Sequences): `Len`, `Head`, `Tail`, `Append`, `\o`. */
  | { kind: "len"; seq: Expr }
  | { kind: "head"; seq: Expr }
  | { kind: "tail"; seq: Expr }
  | { kind: "append"; seq: Expr; value: Expr }
  | { kind: "concat"; left: Expr; right: Expr }
  /** The elements at 0-based positions from..to-1 (as `Array.slice`; TLA+ `SubSeq(s, from + 1, to)`). */
  | { kind: "subSeq"; seq: Expr; from: Expr; to: Expr }
  /** `lo..hi` as a set value. */
  | { kind: "range"; lo: Expr; hi: Expr }
  | { kind: "size"; set: Expr }
  /** The set of all values of a type (for `choose` over a type). */
  | { kind: "typeSet"; type: Type }
  /** A call of a spec-level definition (a helper predicate or function). */
  | { kind: "call"; name: string; args: Expr[] }
  /**
   * Any element of a set: only as a whole initial value (`x \in S` in Init), never inside an
   * expression. A process local's `anyOf` is chosen by every process for itself (`x \in [Procs -> S]`).
   */
  | { kind: "anyOf"; set: Expr };

// ---------------------------------------------------------------------------------------------
// Statements (the body of one labelled atomic step)

/** An assignment target: a variable, possibly indexed and with fields (`x[i].f`). */
export interface LValue {
  /** "var" for a global state variable, "local" for a process-local one. */
  scope: "var" | "local";
  name: string;
  /** `index` into a map, `at` a 0-based position of a sequence or tuple, `field` of a record. */
  path: ({ kind: "index"; index: Expr } | { kind: "at"; index: Expr } | { kind: "field"; field: string })[];
}

export type Stmt =
  | { kind: "assign"; target: LValue; value: Expr; loc: SourceLoc }
  /** The step is enabled only if the condition holds at this point (PlusCal `await`). */
  | { kind: "await"; cond: Expr; loc: SourceLoc }
  | { kind: "if"; cond: Expr; then: Stmt[]; else: Stmt[]; loc: SourceLoc }
  /** Nondeterministic choice between branches (PlusCal `either … or …`). */
  | { kind: "either"; branches: Stmt[][]; loc: SourceLoc }
  /** Nondeterministic choice of a value (PlusCal `with (x \in S)`). */
  | { kind: "choose"; name: string; set: Expr; body: Stmt[]; loc: SourceLoc }
  /** A local definition (PlusCal `with (x = e)`). */
  | { kind: "let"; name: string; value: Expr; body: Stmt[]; loc: SourceLoc }
  /** Continue at another label of the same process. Always the last statement on its path. */
  | { kind: "goto"; label: string; loc: SourceLoc }
  /**
   * A macro call (PlusCal `Name(args);`): `body` is the macro's statements with its parameters replaced
   * by the arguments, run in place as if written there (`inlineMacros`). Generators other than the
   * PlusCal printer read the inlined body.
   */
  | { kind: "macro"; name: string; args: Expr[]; body: Stmt[]; loc: SourceLoc }
  /**
   * A procedure call (PlusCal `call P(args)`), the last statement on its path: the procedure's
   * parameters get the arguments, its locals their initial values, and a frame saving their old values
   * and the label to return to goes on the process's stack. `returnTo` is that label (the step's
   * fall-through), filled in with the fall-through (`withFallThrough`).
   */
  | { kind: "call"; procedure: string; args: Expr[]; returnTo?: string; loc: SourceLoc }
  /** Return from the procedure (PlusCal `return`): back to the caller's label, its frame popped and restored. */
  | { kind: "return"; loc: SourceLoc };

/**
 * A procedure (PlusCal `procedure`): labelled steps any process can call. Its parameters and locals
 * are variables of every process (TLA+ functions over ProcSet), saved on the process's stack by a call
 * and restored by the return.
 */
export interface Procedure {
  name: string;
  /** Parameters, with their values before any call (PlusCal `procedure P(a = init)`). */
  params: Variable[];
  locals: Variable[];
  steps: Step[];
  doc?: string;
  loc: SourceLoc;
}

/** A macro declared with `macro(…)`: statements with parameters, inlined where called (PlusCal `macro`). */
export interface Macro {
  name: string;
  params: string[];
  /** The statements, parameters as bound names. */
  body: Stmt[];
  doc?: string;
  loc: SourceLoc;
}

/** One labelled atomic step: between two labels another process may run; inside one, nothing does. */
export interface Step {
  label: string;
  /** The kernel (or other real-world) function this step models, for telling traces. */
  models?: string;
  doc?: string;
  body: Stmt[];
  loc: SourceLoc;
}

/**
 * A plain action (TLA+ style, outside every process): enabled whenever its body's guards hold, it
 * changes the variables it assigns and nothing else (no pc). With `over`, one action per value of that
 * domain, the value bound to `param` (TLA+ `\E param \in over : Name(param)`).
 */
export interface Action {
  name: string;
  /** The domain the action is parameterized by, and the parameter's name in the body. */
  over?: string;
  param?: string;
  body: Stmt[];
  doc?: string;
  loc: SourceLoc;
}

export interface Variable {
  name: string;
  type: Type;
  /** The initial value, or `anyOf(set)`: any element of the set. */
  init: Expr;
  doc?: string;
  loc: SourceLoc;
}

export interface Process {
  /** The process-set name (PlusCal `process (name \in set)`). */
  name: string;
  /** The set of process identities: a named domain. */
  over: string;
  locals: Variable[];
  steps: Step[];
  doc?: string;
  loc: SourceLoc;
}

/** A helper defined once in the spec (TLA+ operator, TypeScript function). Reads state directly. */
export interface Definition {
  name: string;
  params: string[];
  body: Expr;
  /** The helper reads no state: it is called without one (its first parameter is not the state). */
  pure?: boolean;
  doc?: string;
  loc: SourceLoc;
}

export interface Constant {
  name: string;
  type: Type;
  doc?: string;
  loc: SourceLoc;
}

export interface Invariant {
  name: string;
  body: Expr;
  doc?: string;
  loc: SourceLoc;
}

/**
 * A state constraint (TLC's CONSTRAINT): a state that breaks it is still checked against the
 * invariants, but it is not counted and its successors are not explored.
 */
export type Constraint = Invariant;

/** A named binding of every constant, e.g. `small`. */
export interface Config {
  name: string;
  /** Each constant's value, and where the configuration writes it. */
  constants: { name: string; value: Value; loc?: SourceLoc }[];
  /** The variant checked when none is named on the command line. */
  variant?: string;
  doc?: string;
  loc: SourceLoc;
}

/** A named alternative version of some steps (for example old and fixed kernel code). */
export interface Variant {
  name: string;
  doc?: string;
  /** Per process, its complete step list in this variant (the base steps with the overrides applied). */
  processes: { process: string; steps: Step[] }[];
  loc: SourceLoc;
}

/** A constant's value in a configuration: plain data. */
export type Value = boolean | number | string | Value[];

export interface Spec {
  /** The TLA+ module name and the reference library's name. */
  name: string;
  doc?: string;
  /** The spec source file, relative to the project root. */
  source: string;
  /** Where the spec's name is written (`spec("Name", …)`). */
  loc?: SourceLoc;
  /** The name under which the base steps are also selectable as a variant (e.g. "pre-d0852df"). */
  baseVariant?: string;
  constants: Constant[];
  domains: DomainDecl[];
  variables: Variable[];
  definitions: Definition[];
  /** Macros, for the PlusCal algorithm (their calls carry their inlined bodies). */
  macros: Macro[];
  processes: Process[];
  /** Procedures, callable from every process. */
  procedures: Procedure[];
  /** Plain actions, in declaration order (after the processes' steps in Next). */
  actions: Action[];
  invariants: Invariant[];
  /** State constraints, in declaration order (every configuration applies all of them). */
  constraints: Constraint[];
  /**
   * The initial states as a predicate (`.initially(…)`): the states satisfying it, where variables and
   * locals range as their `init` says (the front end makes one without a value range over its type)
   * and each process's pc over the labels it can be at (`pcLabels`). Without it, pc starts at each
   * process's first step.
   */
  initially?: { body: Expr; doc?: string; loc: SourceLoc };
  configs: Config[];
  variants: Variant[];
}
