/**
 * IR expressions and types → TLA+ text.
 */
import type { BinaryOp, Definition, Expr, LValue, Type } from "../ir.ts";
import { exprReads } from "../ir-walk.ts";
import { freshName } from "./fresh-names.ts";

export interface ExprContext {
  /** State keys (`var:x`, `local:x`, `pc`) already assigned in the current step: read primed. */
  primed: ReadonlySet<string>;
  definitions: ReadonlyMap<string, Definition>;
  /** Helper parameters bound to argument text while a helper is inlined. */
  substitute?: ReadonlyMap<string, string>;
  /**
   * PlusCal source: process-local variables are written bare (`i`, not `i[self]`) and assigned ones
   * unprimed; `primed` still decides which helper calls are written out in place.
   */
  pluscal?: boolean;
}

export const plainContext = (definitions: ReadonlyMap<string, Definition>): ExprContext => ({ primed: new Set(), definitions });

/**
 * TLA+'s operator precedence, as SANY applies it (tla2sany/parser/Operators.java): each operator has
 * a range low..high and an associativity. SANY rejects two operators next to each other without
 * parentheses when their ranges overlap, unless they are the same left-associative operator
 * ("Precedence conflict between ops \\lor and \\land"); when the ranges do not overlap the one with the
 * higher range binds tighter. So parentheses go exactly where SANY would not read the tree as written.
 */
interface Precedence {
  low: number;
  high: number;
}

interface InfixOp extends Precedence {
  text: string;
  /** SANY lets `a op b op c` chain (left-associative). */
  left?: boolean;
  /** The operator is associative as mathematics, so `a op (b op c)` may be written `a op b op c`. */
  associative?: boolean;
}

const ops: Record<BinaryOp, InfixOp> = {
  implies: { text: "=>", low: 10, high: 10 },
  or: { text: "\\/", low: 30, high: 30, left: true, associative: true },
  and: { text: "/\\", low: 30, high: 30, left: true, associative: true },
  eq: { text: "=", low: 50, high: 50 },
  neq: { text: "#", low: 50, high: 50 },
  lt: { text: "<", low: 50, high: 50 },
  le: { text: "<=", low: 50, high: 50 },
  gt: { text: ">", low: 50, high: 50 },
  ge: { text: ">=", low: 50, high: 50 },
  in: { text: "\\in", low: 50, high: 50 },
  union: { text: "\\cup", low: 80, high: 80, left: true, associative: true },
  intersect: { text: "\\cap", low: 80, high: 80, left: true, associative: true },
  minus: { text: "\\", low: 80, high: 80 },
  add: { text: "+", low: 100, high: 100, left: true, associative: true },
  sub: { text: "-", low: 110, high: 110, left: true },
  // 10-11 in the book's table: `a + b % c` and `a % b - c` are conflicts.
  mod: { text: "%", low: 100, high: 110 },
  mul: { text: "*", low: 130, high: 130, left: true, associative: true },
  div: { text: "\\div", low: 130, high: 130 },
};

const dots: InfixOp = { text: "..", low: 90, high: 90 };
/** Sequence concatenation (`\\o`, 13-13 left-associative in the book's table). */
const concatOp: InfixOp = { text: "\\o", low: 130, high: 130, left: true, associative: true };
/** The Cartesian product of a tuple type (`A \\X B`, 10-13). */
const crossOp: InfixOp = { text: "\\X", low: 100, high: 130 };
const notOp: Precedence = { low: 40, high: 40 };
/** Unary minus (`-.`): SANY also rejects it right after a tighter infix operator (`a * -b`). */
const negOp: Precedence = { low: 120, high: 120 };

/** How an expression sits among operators. */
type Shape =
  | { kind: "infix"; op: InfixOp }
  | { kind: "prefix"; op: Precedence }
  /** IF, \\A, \\E: extend as far right as they can, so they are parenthesized as operands. */
  | { kind: "open" }
  | { kind: "atomic" };

function shapeOf(e: Expr): Shape {
  switch (e.kind) {
    case "binary":
      return { kind: "infix", op: ops[e.op] };
    case "range":
      return { kind: "infix", op: dots };
    case "not":
      return { kind: "prefix", op: notOp };
    case "neg":
      return { kind: "prefix", op: negOp };
    case "int":
      return e.value < 0 ? { kind: "prefix", op: negOp } : { kind: "atomic" };
    case "concat":
      return { kind: "infix", op: concatOp };
    case "ite":
    case "quant":
      return { kind: "open" };
    case "typeSet":
      return typeShape(e.type);
    default:
      return { kind: "atomic" };
  }
}

/**
 * Where an expression is rendered: at the top of a formula, as an operand of an infix or prefix
 * operator, as the set of a binder (`\\E x \\in <set> :`, like the right operand of \\in), or where
 * only an atom may stand (the base of `f[x]`, `r.f`, `[f EXCEPT …]`).
 */
export type Position =
  | "top"
  /** The value an action assigns: the right of `x' =` (x' = a /\ b would read as (x' = a) /\ b). */
  | "value"
  /**
   * An item of a /\ or \/ list: a /\ or \/ inside it is parenthesized too (TLA+ reads it without,
   * tla-checker misreads `/\ a /\ b` as an item after a nested IF).
   */
  | "item"
  | "set"
  | "atom"
  | { kind: "left" | "right"; op: InfixOp }
  | { kind: "prefix"; op: Precedence };

function needsParens(shape: Shape, at: Position): boolean {
  if (shape.kind === "atomic") return false;
  if (at === "atom") return true;
  // IF and quantifiers stay parenthesized even at the top, so they read as one value.
  if (shape.kind === "open") return true;
  if (at === "top") return false;
  if (at === "item") return shape.kind === "infix" && shape.op.high <= ops.and.high;
  const where = at === "set" ? { kind: "right" as const, op: ops.in } : at === "value" ? { kind: "right" as const, op: ops.eq } : at;
  const child = shape.op;
  if (where.kind === "prefix") return shape.kind === "prefix" || !(where.op.high < child.low);
  const parent = where.op;
  if (shape.kind === "prefix")
    // `~a = b` reads as ~(a = b); `a * -b` is a conflict.
    return where.kind === "left" ? !(child.low > parent.high) : parent.low > child.high;
  const same = shape.op === parent;
  if (where.kind === "left") return !(child.low > parent.high || (same && parent.left === true));
  return !(parent.high < child.low || (same && parent.associative === true));
}

export function tlaString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** Renders an expression at a position; parentheses go where SANY would otherwise read it differently. */
export function renderExpr(e: Expr, ctx: ExprContext, at: Position = "top"): string {
  const text = renderBare(e, ctx);
  return needsParens(shapeOf(e), at) ? `(${text})` : text;
}

// In PlusCal text a variable is written bare even after the step assigned it: pcal.trans primes it.
function primedName(name: string, key: string, ctx: ExprContext): string {
  return ctx.primed.has(key) && !ctx.pluscal ? `${name}'` : name;
}

function renderBare(e: Expr, ctx: ExprContext): string {
  const r = (x: Expr, at: Position = "top") => renderExpr(x, ctx, at);
  switch (e.kind) {
    case "bool":
      return e.value ? "TRUE" : "FALSE";
    case "int":
      return String(e.value);
    case "string":
      return tlaString(e.value);
    case "model":
      return e.name;
    case "none":
      return "NoValue";
    case "var":
      return primedName(e.name, `var:${e.name}`, ctx);
    case "local":
      return ctx.pluscal ? e.name : `${primedName(e.name, `local:${e.name}`, ctx)}[self]`;
    case "locals":
      return primedName(e.name, `local:${e.name}`, ctx);
    case "self":
      return "self";
    case "const":
    case "domain":
      return e.name;
    case "bound":
      return ctx.substitute?.get(e.name) ?? e.name;
    case "pc":
      return `${primedName("pc", "pc", ctx)}[${r(e.process)}]`;
    case "index":
      return `${r(e.base, "atom")}[${r(e.index)}]`;
    case "field":
      return `${r(e.base, "atom")}.${e.field}`;
    case "not":
      // TLA+ reads ~a = b as ~(a = b), tla-checker as (~a) = b: an operand that is not atomic is parenthesized.
      return `~${shapeOf(e.arg).kind === "atomic" ? r(e.arg, { kind: "prefix", op: notOp }) : `(${r(e.arg)})`}`;
    case "neg":
      return `-${r(e.arg, { kind: "prefix", op: negOp })}`;
    case "binary": {
      const op = ops[e.op];
      if (e.op === "implies") {
        // Operands of => are always parenthesized: tla-checker parses A => B /\ C as (A => B) /\ C.
        const side = (x: Expr, kind: "left" | "right") => (x.kind === "binary" || x.kind === "not" ? `(${r(x)})` : r(x, { kind, op }));
        return `${side(e.left, "left")} => ${side(e.right, "right")}`;
      }
      // tla-checker's % of a negative number is negative (TLA+'s, TLC's and the reference library's
      // is in 0..b-1): in the translation (which tla-checker checks), ((a % b) + b) % b is the same in
      // TLA+ and right in tla-checker too. The PlusCal text keeps a % b.
      if (e.op === "mod" && !ctx.pluscal)
        return `((${r(e.left, { kind: "left", op })} % ${r(e.right, { kind: "right", op })}) + ${r(e.right, { kind: "right", op: ops.add })}) % ${r(e.right, { kind: "right", op })}`;
      return `${r(e.left, { kind: "left", op })} ${op.text} ${r(e.right, { kind: "right", op })}`;
    }
    case "ite":
      return `IF ${r(e.cond)} THEN ${r(e.then)} ELSE ${r(e.else)}`;
    case "quant":
      return `${e.quantifier === "forall" ? "\\A" : "\\E"} ${e.name} \\in ${r(e.set, "set")} : ${r(e.body)}`;
    case "fn":
      return `[${e.name} \\in ${r(e.set, "set")} |-> ${r(e.body)}]`;
    case "count":
      return `Cardinality({${e.name} \\in ${r(e.set, "set")} : ${r(e.body)}})`;
    case "filter":
      return `{${e.name} \\in ${r(e.set, "set")} : ${r(e.body)}}`;
    case "record":
      return `[${e.fields.map((f) => `${f.name} |-> ${r(f.value)}`).join(", ")}]`;
    case "setOf":
      return `{${e.elements.map((x) => r(x)).join(", ")}}`;
    case "range":
      return `${r(e.lo, { kind: "left", op: dots })}..${r(e.hi, { kind: "right", op: dots })}`;
    case "size":
      return `Cardinality(${r(e.set)})`;
    case "typeSet":
      return renderType(e.type, ctx);
    case "call":
      return renderCall(e, ctx);
    case "anyOf":
      throw new Error("anyOf(…) is an initial value, not an expression (the front end rejects it elsewhere)");
    case "tuple":
      return `<<${e.elements.map((x) => r(x)).join(", ")}>>`;
    case "at":
      return `${r(e.seq, "atom")}[${renderPosition(e.index, ctx)}]`;
    case "len":
      return `Len(${r(e.seq)})`;
    case "head":
      return `Head(${r(e.seq)})`;
    case "tail":
      return `Tail(${r(e.seq)})`;
    case "append":
      return `Append(${r(e.seq)}, ${r(e.value)})`;
    case "concat":
      return `${r(e.left, { kind: "left", op: concatOp })} \\o ${r(e.right, { kind: "right", op: concatOp })}`;
    case "subSeq":
      return `SubSeq(${r(e.seq)}, ${renderPosition(e.from, ctx)}, ${r(e.to)})`;
  }
}

/** An assignment target's path: `[key]`, `[position + 1]`, `.field`. */
export function renderPath(path: LValue["path"], ctx: ExprContext): string {
  return path.map((p) => (p.kind === "index" ? `[${renderExpr(p.index, ctx)}]` : p.kind === "at" ? `[${renderPosition(p.index, ctx)}]` : `.${p.field}`)).join("");
}

/** A 0-based position (as the DSL counts) as TLA+'s 1-based one: `i + 1`, or the literal. */
export function renderPosition(index: Expr, ctx: ExprContext): string {
  if (index.kind === "int") return String(index.value + 1);
  // `i - 1` (the last element is s[s.length - 1]) is `i` in TLA+; `i + k` is `i + (k + 1)`.
  if (index.kind === "binary" && index.right.kind === "int" && (index.op === "sub" || index.op === "add")) {
    const k = index.op === "sub" ? 1 - index.right.value : index.right.value + 1;
    if (k === 0) return renderExpr(index.left, ctx);
    return `${renderExpr(index.left, ctx, { kind: "left", op: k < 0 ? ops.sub : ops.add })} ${k < 0 ? "-" : "+"} ${Math.abs(k)}`;
  }
  return `${renderExpr(index, ctx, { kind: "left", op: ops.add })} + 1`;
}

/**
 * A helper call. Helpers read the state unprimed, so a call made after the step assigned something the
 * helper reads is inlined with that state primed; otherwise the helper's name is used. The bound-name
 * pass (fresh-names.ts) has made the helper's bound names differ from every name in scope here, so
 * the inlined body captures nothing.
 */
function renderCall(e: Extract<Expr, { kind: "call" }>, ctx: ExprContext): string {
  const def = ctx.definitions.get(e.name);
  if (!def) throw new Error(`unknown helper ${e.name}`);
  const args = e.args.map((a) => renderExpr(a, ctx));
  const reads = exprReads(def.body, ctx.definitions);
  // An argument that mentions a name the helper uses for a parameter is inlined too: tla-checker
  // evaluates arguments where the parameters are already bound, so inBatch(m, sh) with a parameter
  // named sh would read its own parameter (TLC would not). The test is on the argument's text, which
  // also holds what an enclosing inlined helper substituted into it.
  const captured = args.some((a) => identifiersIn(a).some((n) => def.params.includes(n)));
  if (!captured && ![...reads].some((k) => ctx.primed.has(k))) return args.length ? `${e.name}(${args.join(", ")})` : e.name;
  // A substituted argument stands where a name stood, so it must be an atom there.
  const substitute = new Map(def.params.map((p, i) => [p, e.args[i] ? renderExpr(e.args[i], ctx, "atom") : p]));
  return renderExpr(def.body, { ...ctx, substitute }, "atom");
}

/** The identifiers a TLA+ text mentions outside its string literals (a superset of the names it uses). */
export function identifiersIn(text: string): string[] {
  return text.replace(/"(?:[^"\\]|\\.)*"/g, '""').match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
}

/** How a rendered type sits among operators (see shapeOf). */
function typeShape(t: Type): Shape {
  switch (t.kind) {
    case "int":
      return { kind: "infix", op: dots };
    case "optional":
      return { kind: "infix", op: ops.union };
    case "set":
      return { kind: "prefix", op: subsetOp };
    case "tuple":
      return { kind: "infix", op: crossOp };
    default:
      return { kind: "atomic" };
  }
}

/** SUBSET (like DOMAIN) is a prefix operator of range 100-130. */
const subsetOp: Precedence = { low: 100, high: 130 };

function renderTypeAt(t: Type, ctx: ExprContext, at: Position): string {
  const text = renderType(t, ctx);
  return needsParens(typeShape(t), at) ? `(${text})` : text;
}

/** A type as the TLA+ set of its values. */
export function renderType(t: Type, ctx: ExprContext): string {
  switch (t.kind) {
    case "bool":
      return "BOOLEAN";
    case "int":
      return `${renderExpr(t.lo, ctx, { kind: "left", op: dots })}..${renderExpr(t.hi, ctx, { kind: "right", op: dots })}`;
    case "enum":
      return `{${t.values.map((v) => (t.model ? v : tlaString(v))).join(", ")}}`;
    case "map":
      return `[${renderType(t.key, ctx)} -> ${renderType(t.value, ctx)}]`;
    case "record":
      return `[${t.fields.map((f) => `${f.name}: ${renderType(f.type, ctx)}`).join(", ")}]`;
    case "set":
      return `SUBSET ${wrapSet(t.element, ctx)}`;
    case "optional":
      return `${wrapSet(t.value, ctx)} \\cup {NoValue}`;
    case "named":
      return t.name;
    case "seq":
      return `BoundedSeq(${renderType(t.element, ctx)}, ${renderExpr(t.maxLen, ctx)})`;
    case "tuple":
      return t.elements.map((x) => renderTypeAt(x, ctx, { kind: "left", op: crossOp })).join(" \\X ");
    case "frame":
      throw new Error("a stack frame is not a domain of the spec");
  }
}

/**
 * The operator behind `renderType` of a sequence type, defined in every module that has one. Its
 * names end in `_`, which the front end reserves, so they clash with no name of the spec.
 */
export const BOUNDED_SEQ = "BoundedSeq(elems_, max_) == UNION {[1..len_ -> elems_] : len_ \\in 0..max_}";

// Kept from the first generator for stable output: a range, an optional or a set type is
// parenthesized as the operand of SUBSET or \\cup even where precedence alone would not need it.
function wrapSet(t: Type, ctx: ExprContext): string {
  const text = renderType(t, ctx);
  return t.kind === "int" || t.kind === "optional" || t.kind === "set" ? `(${text})` : text;
}

/** One conjunct of a type check; an open one (`\\A k : …`) extends as far right as it can. */
interface Conjunct {
  text: string;
  open: boolean;
}

const conj = (parts: Conjunct[]): string =>
  parts.map((p, i) => (p.open && i < parts.length - 1 ? `(${p.text})` : p.text)).join(" /\\ ");

/**
 * `value \\in T` written so that no engine has to enumerate T: functions and records are checked
 * pointwise, integers by their bounds. (tla-checker enumerates [K -> 0..65535] otherwise.) The bound
 * names it introduces (`k0`, `k1`, …) avoid `taken` (the module's top-level names).
 */
export function renderTypeCheck(value: string, t: Type, ctx: ExprContext, taken: ReadonlySet<string> = new Set()): string {
  return conj(typeCheck(value, t, ctx, taken, 0));
}

function typeCheck(value: string, t: Type, ctx: ExprContext, taken: ReadonlySet<string>, depth: number): Conjunct[] {
  const atom = (text: string): Conjunct => ({ text, open: false });
  switch (t.kind) {
    case "bool":
      return [atom(`${value} \\in BOOLEAN`)];
    case "int":
      return [
        atom(`${renderExpr(t.lo, ctx, { kind: "left", op: ops.le })} <= ${value}`),
        atom(`${value} <= ${renderExpr(t.hi, ctx, { kind: "right", op: ops.le })}`),
      ];
    case "enum":
    case "named":
      return [atom(`${value} \\in ${renderTypeAt(t, ctx, "set")}`)];
    case "optional": {
      const inner = typeCheck(value, t.value, ctx, taken, depth);
      const only = inner[0];
      // The inner check is one comparison (tighter than \\/), or it is parenthesized.
      const right = inner.length === 1 && only && !only.open ? only.text : `(${conj(inner)})`;
      return [atom(`(${value} = NoValue \\/ ${right})`)];
    }
    case "set":
      return [atom(`${value} \\subseteq ${wrapSet(t.element, ctx)}`)];
    case "record":
      return [
        atom(`DOMAIN ${value} = {${t.fields.map((f) => tlaString(f.name)).join(", ")}}`),
        ...t.fields.flatMap((f) => typeCheck(`${value}.${f.name}`, f.type, ctx, taken, depth)),
      ];
    case "map": {
      const k = freshName(`k${depth}`, (n) => taken.has(n));
      return [
        atom(`DOMAIN ${value} = ${renderTypeAt(t.key, ctx, { kind: "right", op: ops.eq })}`),
        { text: `\\A ${k} \\in ${renderTypeAt(t.key, ctx, "set")} : ${conj(typeCheck(`${value}[${k}]`, t.value, ctx, taken, depth + 1))}`, open: true },
      ];
    }
    case "seq": {
      const k = freshName(`k${depth}`, (n) => taken.has(n));
      return [
        atom(`Len(${value}) <= ${renderExpr(t.maxLen, ctx, { kind: "right", op: ops.le })}`),
        { text: `\\A ${k} \\in 1..Len(${value}) : ${conj(typeCheck(`${value}[${k}]`, t.element, ctx, taken, depth + 1))}`, open: true },
      ];
    }
    case "tuple":
      return [atom(`DOMAIN ${value} = 1..${t.elements.length}`), ...t.elements.flatMap((x, i) => typeCheck(`${value}[${i + 1}]`, x, ctx, taken, depth))];
    case "frame":
      throw new Error("a stack frame is not a domain of the spec");
  }
}
