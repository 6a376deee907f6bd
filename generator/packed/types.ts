/**
 * Concrete types: the IR's types with one configuration's constants put in, so every domain is a
 * finite list of values known before the compiled explorer is generated (`0..NStripes - 1` becomes
 * `0..1`). Also the constant evaluation those bounds need, and the table of every string a spec can
 * hold (enum tags and step labels), which the compiled form stores by number.
 */
import type { DomainDecl, Expr, Spec, Stmt, Type, Value } from "../ir.ts";
import { children } from "../ir-walk.ts";

export type CType =
  | { kind: "bool" }
  | { kind: "int"; lo: number; hi: number }
  /** Tags, sorted as the reference library sorts strings. */
  | { kind: "enum"; values: readonly string[] }
  | { kind: "optional"; value: CType }
  | { kind: "map"; key: CType; value: CType }
  /** Fields in declaration order (the order the reference library's JSON writes them in). */
  | { kind: "record"; fields: readonly { name: string; type: CType }[] }
  | { kind: "set"; element: CType };

/** A scalar value as the reference library's JSON writes it. */
export type ScalarJson = null | boolean | number | string;

/** Thrown when a spec uses something the compiled explorer does not handle (the readable explorer does). */
export class PackedUnsupported extends Error {
  constructor(
    readonly where: string,
    what: string,
  ) {
    super(`${where}: ${what}`);
    this.name = "PackedUnsupported";
  }
}

export const sortStrings = (values: Iterable<string>): string[] => [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

export interface ConcreteContext {
  spec: Spec;
  constants: Readonly<Record<string, Value | null | object>>;
  domains: ReadonlyMap<string, DomainDecl>;
}

export function concreteContext(spec: Spec, constants: Readonly<Record<string, unknown>>): ConcreteContext {
  return { spec, constants: constants as ConcreteContext["constants"], domains: new Map(spec.domains.map((d) => [d.name, d])) };
}

/** The concrete type of an IR type under the configuration's constants. */
export function concrete(t: Type, cx: ConcreteContext, seen: ReadonlySet<string> = new Set()): CType {
  switch (t.kind) {
    case "bool":
      return { kind: "bool" };
    case "int": {
      const lo = constInt(t.lo, cx, "a range's lower bound");
      const hi = constInt(t.hi, cx, "a range's upper bound");
      return { kind: "int", lo, hi };
    }
    case "enum":
      return { kind: "enum", values: sortStrings(t.values) };
    case "map":
      return { kind: "map", key: concrete(t.key, cx, seen), value: concrete(t.value, cx, seen) };
    case "record":
      return { kind: "record", fields: t.fields.map((f) => ({ name: f.name, type: concrete(f.type, cx, seen) })) };
    case "set":
      return { kind: "set", element: concrete(t.element, cx, seen) };
    case "optional":
      return { kind: "optional", value: concrete(t.value, cx, seen) };
    case "named": {
      const d = cx.domains.get(t.name);
      if (!d) throw new PackedUnsupported(cx.spec.source, `unknown domain ${t.name}`);
      if (seen.has(t.name)) throw new PackedUnsupported(cx.spec.source, `the domain ${t.name} is defined in terms of itself`);
      return concrete(d.type, cx, new Set([...seen, t.name]));
    }
    case "seq":
    case "tuple":
    case "frame":
      throw new PackedUnsupported(cx.spec.source, `a ${t.kind} type (the compiled explorer has no sequences, tuples or stacks)`);
  }
}

export function isScalar(t: CType): boolean {
  return t.kind === "bool" || t.kind === "int" || t.kind === "enum" || (t.kind === "optional" && isScalar(t.value) && t.value.kind !== "optional");
}

/** The values of a scalar type in the reference library's sorted order (null first, as its `compare` puts it). */
export function enumerate(t: CType, where: string): ScalarJson[] {
  switch (t.kind) {
    case "bool":
      return [false, true];
    case "int": {
      const n = t.hi - t.lo + 1;
      if (n > 1 << 24) throw new PackedUnsupported(where, `the range ${t.lo}..${t.hi} is too large to enumerate`);
      return Array.from({ length: Math.max(0, n) }, (_, i) => t.lo + i);
    }
    case "enum":
      return [...t.values];
    case "optional":
      return [null, ...enumerate(t.value, where)];
    default:
      throw new PackedUnsupported(where, `a ${t.kind} is used where the compiled explorer needs a scalar (bool, integer, tag, optional)`);
  }
}

/** The number of values of a scalar type. */
export function cardinality(t: CType, where: string): number {
  switch (t.kind) {
    case "bool":
      return 2;
    case "int":
      return Math.max(0, t.hi - t.lo + 1);
    case "enum":
      return t.values.length;
    case "optional":
      return 1 + cardinality(t.value, where);
    default:
      return enumerate(t, where).length;
  }
}

/** Whether every value of `a` is a value of `b` (so a value of type a fits b without a check). */
export function within(a: CType, b: CType): boolean {
  switch (a.kind) {
    case "bool":
      return b.kind === "bool" || (b.kind === "optional" && within(a, b.value));
    case "int":
      if (b.kind === "int") return a.lo >= b.lo && a.hi <= b.hi;
      return b.kind === "optional" && within(a, b.value);
    case "enum":
      if (b.kind === "enum") return a.values.every((v) => b.values.includes(v));
      return b.kind === "optional" && within(a, b.value);
    case "optional":
      return b.kind === "optional" && within(a.value, b.value);
    case "map":
      return b.kind === "map" && sameType(a.key, b.key) && within(a.value, b.value);
    case "record":
      return b.kind === "record" && a.fields.length === b.fields.length && a.fields.every((f) => b.fields.some((g) => g.name === f.name && within(f.type, g.type)));
    case "set":
      return b.kind === "set" && within(a.element, b.element);
  }
}

export function sameType(a: CType, b: CType): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function describe(t: CType): string {
  switch (t.kind) {
    case "bool":
      return "BOOLEAN";
    case "int":
      return `${t.lo}..${t.hi}`;
    case "enum":
      return `{${t.values.map((v) => JSON.stringify(v)).join(", ")}}`;
    case "optional":
      return `${describe(t.value)} or none`;
    case "map":
      return `[${describe(t.key)} -> ${describe(t.value)}]`;
    case "record":
      return `[${t.fields.map((f) => `${f.name}: ${describe(f.type)}`).join(", ")}]`;
    case "set":
      return `SUBSET ${describe(t.element)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Constant expressions (domain bounds, configuration values)

export type ConstValue = boolean | number | string | ConstValue[];

/** Evaluates an expression that reads only constants and literals. */
export function constEval(e: Expr, cx: ConcreteContext): ConstValue {
  const r = (x: Expr) => constEval(x, cx);
  const num = (x: Expr): number => {
    const v = r(x);
    if (typeof v !== "number") throw new PackedUnsupported(cx.spec.source, `expected a number in a constant expression, found ${JSON.stringify(v)}`);
    return v;
  };
  switch (e.kind) {
    case "bool":
    case "int":
    case "string":
      return e.value;
    case "const": {
      const v = cx.constants[e.name];
      if (v === undefined || v === null) throw new PackedUnsupported(cx.spec.source, `the constant ${e.name} is not bound`);
      return v as ConstValue;
    }
    case "neg":
      return -num(e.arg);
    case "not":
      return !r(e.arg);
    case "ite":
      return r(e.cond) ? r(e.then) : r(e.else);
    case "binary": {
      switch (e.op) {
        case "add":
          return num(e.left) + num(e.right);
        case "sub":
          return num(e.left) - num(e.right);
        case "mul":
          return num(e.left) * num(e.right);
        case "div": {
          const b = num(e.right);
          if (b <= 0) throw new PackedUnsupported(cx.spec.source, "\\div by a non-positive number in a constant expression");
          return Math.floor(num(e.left) / b);
        }
        case "mod": {
          const b = num(e.right);
          if (b <= 0) throw new PackedUnsupported(cx.spec.source, "% by a non-positive number in a constant expression");
          const m = num(e.left) % b;
          return m < 0 ? m + b : m;
        }
        case "lt":
          return num(e.left) < num(e.right);
        case "le":
          return num(e.left) <= num(e.right);
        case "gt":
          return num(e.left) > num(e.right);
        case "ge":
          return num(e.left) >= num(e.right);
        case "eq":
          return JSON.stringify(r(e.left)) === JSON.stringify(r(e.right));
        case "neq":
          return JSON.stringify(r(e.left)) !== JSON.stringify(r(e.right));
        case "and":
          return !!r(e.left) && !!r(e.right);
        case "or":
          return !!r(e.left) || !!r(e.right);
        case "implies":
          return !r(e.left) || !!r(e.right);
        default:
          break;
      }
      break;
    }
    default:
      break;
  }
  throw new PackedUnsupported(cx.spec.source, `a ${e.kind} expression where a constant is needed`);
}

function constInt(e: Expr, cx: ConcreteContext, what: string): number {
  const v = constEval(e, cx);
  if (typeof v !== "number" || !Number.isSafeInteger(v)) throw new PackedUnsupported(cx.spec.source, `${what} is not an integer (${JSON.stringify(v)})`);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Strings by number

/**
 * Every string a state can hold or a step can compare with: enum tags, string literals and step
 * labels, sorted, so a string's number orders as the string does. The compiled form stores and
 * compares these numbers; tags of different enums that are the same string get the same number.
 */
export function stringTable(spec: Spec, variantSteps: Spec["processes"]): string[] {
  const out = new Set<string>(["Done"]);
  const visitType = (t: Type): void => {
    switch (t.kind) {
      case "enum":
        for (const v of t.values) out.add(v);
        break;
      case "map":
        visitType(t.key);
        visitType(t.value);
        break;
      case "set":
        visitType(t.element);
        break;
      case "optional":
        visitType(t.value);
        break;
      case "record":
        for (const f of t.fields) visitType(f.type);
        break;
      default:
        break;
    }
  };
  const visitExpr = (e: Expr): void => {
    if (e.kind === "string") out.add(e.value);
    if (e.kind === "typeSet") visitType(e.type);
    for (const c of children(e)) visitExpr(c);
  };
  const visitStmts = (stmts: readonly Stmt[]): void => {
    for (const s of stmts) {
      switch (s.kind) {
        case "assign":
          visitExpr(s.value);
          for (const p of s.target.path) if (p.kind === "index") visitExpr(p.index);
          break;
        case "await":
          visitExpr(s.cond);
          break;
        case "if":
          visitExpr(s.cond);
          visitStmts(s.then);
          visitStmts(s.else);
          break;
        case "either":
          for (const b of s.branches) visitStmts(b);
          break;
        case "choose":
          visitExpr(s.set);
          visitStmts(s.body);
          break;
        case "let":
          visitExpr(s.value);
          visitStmts(s.body);
          break;
        case "goto":
          out.add(s.label);
          break;
      }
    }
  };
  for (const d of spec.domains) visitType(d.type);
  for (const c of spec.constants) visitType(c.type);
  for (const v of spec.variables) {
    visitType(v.type);
    visitExpr(v.init);
  }
  for (const p of [...spec.processes, ...variantSteps]) {
    for (const l of p.locals) {
      visitType(l.type);
      visitExpr(l.init);
    }
    for (const s of p.steps) {
      out.add(s.label);
      visitStmts(s.body);
    }
  }
  for (const v of spec.variants) for (const vp of v.processes) for (const s of vp.steps) {
    out.add(s.label);
    visitStmts(s.body);
  }
  for (const d of spec.definitions) visitExpr(d.body);
  for (const i of spec.invariants) visitExpr(i.body);
  for (const c of spec.configs) for (const k of c.constants) collectValueStrings(k.value, out);
  return sortStrings(out);
}

function collectValueStrings(v: Value, out: Set<string>): void {
  if (typeof v === "string") out.add(v);
  else if (Array.isArray(v)) for (const x of v) collectValueStrings(x, out);
}
