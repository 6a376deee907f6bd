/**
 * What the compiler knows of a value while it writes code: a scalar as a JavaScript expression (in
 * the working form's representation, folded when known), or a compound value as a place in a
 * working array or as a literal built slot by slot.
 */
import { NONE } from "./layout.ts";
import type { CType } from "./types.ts";

/** The type of an expression: a concrete type, an integer of no declared range, or none (`null`). */
export type ET = CType | { kind: "anyInt" } | { kind: "none" };

/** A scalar value: JavaScript code in the working form's representation. */
export interface Sc {
  k: "sc";
  code: string;
  type: ET;
  /** The value, when it is known while compiling (a literal, a constant, an unrolled element). */
  val?: number | boolean;
  /** A boolean read from a slot: the code gives 0/1 rather than false/true. */
  bit?: boolean;
}

/** An offset into a working array: a constant part and code terms added to it. */
export interface Off {
  c: number;
  d: string[];
}

/** A compound value stored in a working array from `off` on. */
export interface Place {
  k: "place";
  arr: string;
  off: Off;
  type: CType;
  /** The state variable (and path) it belongs to, for messages. */
  name: string;
  /** A copy of a value (a `const` in a step) whose integers were not range-checked: reads are plain integers. */
  loose?: boolean;
}

/** `mapping(D, λ)` over a domain known while compiling: the value at each key position. */
export interface FnLit {
  k: "fn";
  type: Extract<CType, { kind: "map" }>;
  at: (position: number) => V;
}

export interface RecLit {
  k: "rec";
  type: Extract<CType, { kind: "record" }>;
  fields: ReadonlyMap<string, V>;
}

/** A compound `c ? a : b`. */
export interface IteV {
  k: "ite";
  type: CType;
  cond: Sc;
  then: V;
  else: V;
}

export type V = Sc | Place | FnLit | RecLit | IteV;

export const sc = (code: string, type: ET, extra: Partial<Sc> = {}): Sc => ({ k: "sc", code, type, ...extra });

export const BOOL: CType = { kind: "bool" };
export const ANY_INT: ET = { kind: "anyInt" };

/** Code for a number in generated source. */
export function numCode(n: number): string {
  if (n === NONE) return "NONE";
  return n < 0 ? `(${n})` : String(n);
}

export function constSc(val: number | boolean, type: ET): Sc {
  return sc(typeof val === "boolean" ? String(val) : numCode(val), type, { val });
}

export function offCode(o: Off): string {
  if (o.d.length === 0) return String(o.c);
  const terms = o.c === 0 ? o.d : [...o.d, String(o.c)];
  return terms.join(" + ");
}

export function addOff(o: Off, c: number, d?: string): Off {
  return { c: o.c + c, d: d ? [...o.d, d] : o.d };
}

/** Whether code is simple enough to repeat without a temporary (a name, a number, a slot read). */
export function isSimple(code: string): boolean {
  return /^(?:-?\d+|\(-\d+\)|NONE|true|false|[A-Za-z_$][\w$]*(?:\[[\w$ +]+\])?)$/.test(code);
}

export const paren = (code: string): string => (isSimple(code) || /^\(.*\)$/s.test(code) && balanced(code.slice(1, -1)) ? code : `(${code})`);

function balanced(s: string): boolean {
  let depth = 0;
  for (const ch of s) {
    if (ch === "(") depth++;
    else if (ch === ")" && --depth < 0) return false;
  }
  return depth === 0;
}
