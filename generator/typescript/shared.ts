/**
 * The vocabulary the reference generator's layers share: inferred value types, generated code with
 * its precedence, identifier allocation, code generation contexts and small code-writing helpers.
 */
import { CodeBlockWriter } from "ts-morph";
import type { Procedure, Process, SourceLoc, Step, Type } from "../ir.ts";
import type { Known } from "./bounds.ts";

// ---------------------------------------------------------------------------------------------
// Value types as the generator infers them

/**
 * A value's type: an IR type, or what inference knows of a value that has no declared type (an
 * arithmetic result, a pc label, none).
 */
export type VT = Type | { kind: "anyInt" } | { kind: "label" } | { kind: "null" } | { kind: "unknown" };

/** A type with named domains looked through. */
export type Resolved = Exclude<VT, { kind: "named" }>;

export const UNKNOWN: VT = { kind: "unknown" };
export const BOOL: VT = { kind: "bool" };
export const ANY_INT: VT = { kind: "anyInt" };

/** Generated code with its JavaScript precedence, so callers know when to parenthesize. */
export interface Code {
  code: string;
  prec: number;
}

export const PREC = { primary: 20, member: 18, unary: 15, mul: 13, add: 12, rel: 10, eq: 9, and: 5, or: 4, cond: 3, arrow: 2 } as const;

export const code = (text: string, prec: number = PREC.primary): Code => ({ code: text, prec });
export const wrap = (c: Code, min: number): string => (c.prec >= min ? c.code : `(${c.code})`);

/** Names of functions and values the generated module itself defines or uses: user names avoid them. */
export const RUNTIME_NAMES = [
  "put", "seqPut", "seqAt", "seqHead", "seqTail", "seqSlice", "sequences", "tuples", "equals", "compare", "rank", "setOf", "has", "union", "minus", "intersect", "count", "mod", "div",
  "intRange", "product", "subsets", "functions", "indexIn", "keyText", "objectOf", "asArray", "asObject",
  "field", "constant", "encodeValue", "draft", "applyStep", "bind", "envOf", "envCache", "latestEnv", "stateToJson", "stateFromJson", "encode", "TypeOK", "model", "configs", "slotOf",
  "labelIndex", "noParams", "EvaluationError", "within", "showValue", "getInt", "getAt", "putInt", "putAt", "add", "sub", "mul", "neg",
  "int32", "some",
];

export const JS_RESERVED = (
  "break case catch class const continue debugger default delete do else enum export extends false finally for " +
  "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
  "yield let static implements interface package private protected public await arguments eval undefined NaN " +
  "Infinity Object Array JSON String Number Math Error Map Set WeakMap Symbol Boolean Record"
).split(" ");

/** Names of the step functions' own locals; bound names from the spec that equal one are renamed. */
export const LOCAL_NAMES = ["s", "env", "out", "self", "json", "constants"];

export const identifierRe = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export const propName = (name: string): string => (identifierRe.test(name) ? name : JSON.stringify(name));
export const member = (base: string, name: string): string => (identifierRe.test(name) ? `${base}.${name}` : `${base}[${JSON.stringify(name)}]`);

/** Allocates identifiers in one namespace: a taken or reserved name gets `_` appended. */
export class Names {
  private readonly used = new Set<string>();

  constructor(reserved: Iterable<string>) {
    for (const r of reserved) this.used.add(r);
  }

  take(base: string): string {
    let name = identifierRe.test(base) ? base : base.replace(/[^A-Za-z0-9_$]/g, "_").replace(/^(?=[0-9])/, "_");
    while (this.used.has(name)) name += "_";
    this.used.add(name);
    return name;
  }
}

/** Doc text safe inside a JSDoc comment. */
export const docText = (text: string): string => text.replace(/\*\//g, "*\\/");

/** Sorted as the generated `compare` sorts strings. */
export const sortStrings = (values: readonly string[]): string[] => [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

// ---------------------------------------------------------------------------------------------
// Code generation contexts

/** What an expression is generated against. */
export interface Ctx {
  /** The state read by variables and pc: `s`, a step's working copy, or null (no state: bind, init). */
  state: string | null;
  /** The executing process set (steps only). */
  process: Process | null;
  /** Code naming a constant or a domain: `env.N` in functions, a local inside `bind`. */
  ref: (name: string) => string;
  /** Whether anonymous enumerations may be hoisted into the environment (not inside `bind`). */
  hoist: boolean;
  /** Names bound by choose, let, lambdas and helper parameters: their code name and type. */
  bound: ReadonlyMap<string, Binding>;
  /** Where the expression is, for error messages. */
  where: string;
  /** The spec statement (or declaration) the expression belongs to: where a run-time check points. */
  loc?: SourceLoc;
}

/** A name bound in generated code: its JavaScript name, its type, and what is known of its value. */
export interface Binding extends Known {
  code: string;
  type: VT;
}

/** The state of one path through a step body while its code is written. */
export interface PathState {
  /** The name of the state the path reads and writes: `s` until the first write, then a copy. */
  draft: string;
  copied: boolean;
  /** How an `await` that fails leaves this alternative: `return`, `continue`, `break label`. */
  exit: string;
  /** The transition's parameters so far: key text → value code. */
  params: { key: string; value: string }[];
  bound: Map<string, Binding>;
  /** Depth of working copies, for their names (t, t1, t2, …). */
  depth: number;
}

export interface StepFunction {
  name: string;
  step: Step;
  /** The process the step belongs to; null for a plain action. */
  process: Process | null;
  next: string;
  /** The domain a plain action is parameterized by (its parameter is the action's `param`). */
  action?: { over?: string; param?: string };
  /** The procedure a step belongs to (its process is the caller's: any process, by pc slot). */
  procedure?: Procedure;
}

// ---------------------------------------------------------------------------------------------
// Small code-writing helpers

/** The conjunction of checks, each on its own terms. */
export function allOf(parts: Code[]): Code {
  return code(parts.map((p) => (p.prec < PREC.and ? `(${p.code})` : p.code)).join(" && "), PREC.and);
}

export function sortedFields(t: Extract<Type, { kind: "record" }>): { name: string; type: Type }[] {
  return [...t.fields].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Runs a body writer now (so what it registers is known before the declarations are written). */
export function written(body: (w: CodeBlockWriter) => void): string {
  const w = new CodeBlockWriter({ indentNumberOfSpaces: 2, newLine: "\n", useSingleQuote: false, useTabs: false });
  body(w);
  return w.toString();
}

export const wrapMember = (text: string): string => (/^[A-Za-z_$][\w$.]*$/.test(text) ? text : `(${text})`);
