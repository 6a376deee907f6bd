/**
 * IR expressions and types → TLA+ text.
 */
import type { BinaryOp, Definition, Expr, LValue, Type } from "../ir.ts";
import { boundNames, exprReads } from "../ir-walk.ts";

export interface ExprContext {
  /** State keys (`var:x`, `local:x`, `pc`) already assigned in the current step: read primed. */
  primed: ReadonlySet<string>;
  definitions: ReadonlyMap<string, Definition>;
  /** Helper parameters bound to argument text while a helper is inlined. */
  substitute?: ReadonlyMap<string, string>;
  /** PlusCal source: process-local variables are written bare (`i`, not `i[self]`). */
  pluscal?: boolean;
}

export const plainContext = (definitions: ReadonlyMap<string, Definition>): ExprContext => ({ primed: new Set(), definitions });

const ops: Record<BinaryOp, { text: string; prec: number; assoc?: boolean }> = {
  implies: { text: "=>", prec: 1 },
  or: { text: "\\/", prec: 3, assoc: true },
  and: { text: "/\\", prec: 3, assoc: true },
  eq: { text: "=", prec: 5 },
  neq: { text: "#", prec: 5 },
  lt: { text: "<", prec: 5 },
  le: { text: "<=", prec: 5 },
  gt: { text: ">", prec: 5 },
  ge: { text: ">=", prec: 5 },
  in: { text: "\\in", prec: 5 },
  union: { text: "\\cup", prec: 8, assoc: true },
  intersect: { text: "\\cap", prec: 8, assoc: true },
  minus: { text: "\\", prec: 8 },
  add: { text: "+", prec: 10, assoc: true },
  sub: { text: "-", prec: 10 },
  mul: { text: "*", prec: 13, assoc: true },
  div: { text: "\\div", prec: 13 },
  mod: { text: "%", prec: 13 },
};

const atomic = 100;

function precedence(e: Expr): number {
  switch (e.kind) {
    case "binary":
      return ops[e.op].prec;
    case "not":
      return 4;
    case "neg":
      return 12;
    case "int":
      return e.value < 0 ? 12 : atomic;
    case "concat":
      return 13;
    case "ite":
    case "quant":
      return 0;
    default:
      return atomic;
  }
}

export function tlaString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** Renders an expression; `parentPrec` decides whether it needs parentheses. */
export function renderExpr(e: Expr, ctx: ExprContext, parentPrec = 0): string {
  const text = renderBare(e, ctx);
  return precedence(e) <= parentPrec && precedence(e) < atomic ? `(${text})` : text;
}

function primedName(name: string, key: string, ctx: ExprContext): string {
  return ctx.primed.has(key) ? `${name}'` : name;
}

function renderBare(e: Expr, ctx: ExprContext): string {
  const r = (x: Expr, prec = 0) => renderExpr(x, ctx, prec);
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
      return `${r(e.base, atomic - 1)}[${r(e.index)}]`;
    case "field":
      return `${r(e.base, atomic - 1)}.${e.field}`;
    case "not":
      return `~${r(e.arg, 4)}`;
    case "neg":
      return `-${r(e.arg, 12)}`;
    case "binary": {
      const op = ops[e.op];
      if (e.op === "implies") {
        // Operands of => are always parenthesized: tla-checker parses A => B /\ C as (A => B) /\ C.
        const side = (x: Expr) => (x.kind === "binary" || x.kind === "not" ? `(${r(x)})` : r(x, op.prec));
        return `${side(e.left)} => ${side(e.right)}`;
      }
      // Same associative operator chains without parentheses; everything else at equal precedence is
      // parenthesized (TLA+ rejects mixing /\ and \/ without them).
      const left = e.left.kind === "binary" && e.left.op === e.op && op.assoc ? r(e.left, op.prec - 1) : r(e.left, op.prec);
      const right = e.right.kind === "binary" && e.right.op === e.op && op.assoc ? r(e.right, op.prec - 1) : r(e.right, op.prec);
      return `${left} ${op.text} ${right}`;
    }
    case "ite":
      return `IF ${r(e.cond)} THEN ${r(e.then)} ELSE ${r(e.else)}`;
    case "quant":
      return `${e.quantifier === "forall" ? "\\A" : "\\E"} ${e.name} \\in ${r(e.set, 5)} : ${r(e.body)}`;
    case "fn":
      return `[${e.name} \\in ${r(e.set, 5)} |-> ${r(e.body)}]`;
    case "count":
      return `Cardinality({${e.name} \\in ${r(e.set, 5)} : ${r(e.body)}})`;
    case "filter":
      return `{${e.name} \\in ${r(e.set, 5)} : ${r(e.body)}}`;
    case "record":
      return `[${e.fields.map((f) => `${f.name} |-> ${r(f.value)}`).join(", ")}]`;
    case "setOf":
      return `{${e.elements.map((x) => r(x)).join(", ")}}`;
    case "range":
      return `${r(e.lo, 9)}..${r(e.hi, 9)}`;
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
      return `${r(e.seq, atomic - 1)}[${renderPosition(e.index, ctx)}]`;
    case "len":
      return `Len(${r(e.seq)})`;
    case "head":
      return `Head(${r(e.seq)})`;
    case "tail":
      return `Tail(${r(e.seq)})`;
    case "append":
      return `Append(${r(e.seq)}, ${r(e.value)})`;
    case "concat":
      return `${r(e.left, 12)} \\o ${r(e.right, 13)}`;
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
    if (k === 0) return renderExpr(index.left, ctx, 9);
    return `${renderExpr(index.left, ctx, 9)} ${k < 0 ? "-" : "+"} ${Math.abs(k)}`;
  }
  return `${renderExpr(index, ctx, 9)} + 1`;
}

/**
 * A helper call. Helpers read the state unprimed, so a call made after the step assigned something the
 * helper reads is inlined with that state primed; otherwise the helper's name is used.
 */
function renderCall(e: Extract<Expr, { kind: "call" }>, ctx: ExprContext): string {
  const def = ctx.definitions.get(e.name);
  if (!def) throw new Error(`unknown helper ${e.name}`);
  const args = e.args.map((a) => renderExpr(a, ctx));
  const reads = exprReads(def.body, ctx.definitions);
  // An argument that mentions a name the helper uses for a parameter is inlined too: tla-checker
  // evaluates arguments where the parameters are already bound, so inBatch(m, sh) with a parameter
  // named sh would read its own parameter (TLC would not).
  const captured = e.args.some((a) => [...boundNames(a)].some((n) => def.params.includes(n)));
  if (!captured && ![...reads].some((k) => ctx.primed.has(k))) return args.length ? `${e.name}(${args.join(", ")})` : e.name;
  const substitute = new Map(def.params.map((p, i) => [p, args[i] ?? p]));
  return `(${renderExpr(def.body, { ...ctx, substitute }, 0)})`;
}

/** A type as the TLA+ set of its values. */
export function renderType(t: Type, ctx: ExprContext): string {
  switch (t.kind) {
    case "bool":
      return "BOOLEAN";
    case "int":
      return `${renderExpr(t.lo, ctx, 9)}..${renderExpr(t.hi, ctx, 9)}`;
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
      return t.elements.map((x) => (x.kind === "named" || x.kind === "bool" ? renderType(x, ctx) : `(${renderType(x, ctx)})`)).join(" \\X ");
  }
}

/**
 * The operator behind `renderType` of a sequence type, defined in every module that has one. Its
 * names end in `_`, which the front end reserves, so they clash with no name of the spec.
 */
export const BOUNDED_SEQ = "BoundedSeq(elems_, max_) == UNION {[1..len_ -> elems_] : len_ \\in 0..max_}";

function wrapSet(t: Type, ctx: ExprContext): string {
  const text = renderType(t, ctx);
  return t.kind === "int" || t.kind === "optional" || t.kind === "set" ? `(${text})` : text;
}

/**
 * `value \in T` written so that no engine has to enumerate T: functions and records are checked
 * pointwise, integers by their bounds. (tla-checker enumerates [K -> 0..65535] otherwise.)
 */
export function renderTypeCheck(value: string, t: Type, ctx: ExprContext, depth = 0): string {
  const k = `k${depth}`;
  switch (t.kind) {
    case "bool":
      return `${value} \\in BOOLEAN`;
    case "int":
      return `${renderExpr(t.lo, ctx, 5)} <= ${value} /\\ ${value} <= ${renderExpr(t.hi, ctx, 5)}`;
    case "enum":
      return `${value} \\in ${renderType(t, ctx)}`;
    case "named":
      return `${value} \\in ${t.name}`;
    case "optional":
      return `(${value} = NoValue \\/ ${renderTypeCheck(value, t.value, ctx, depth)})`;
    case "set":
      return `${value} \\subseteq ${wrapSet(t.element, ctx)}`;
    case "record":
      return [`DOMAIN ${value} = {${t.fields.map((f) => tlaString(f.name)).join(", ")}}`, ...t.fields.map((f) => renderTypeCheck(`${value}.${f.name}`, f.type, ctx, depth))].join(" /\\ ");
    case "map":
      return `DOMAIN ${value} = ${renderType(t.key, ctx)} /\\ \\A ${k} \\in ${renderType(t.key, ctx)} : ${renderTypeCheck(`${value}[${k}]`, t.value, ctx, depth + 1)}`;
    case "seq":
      return `Len(${value}) <= ${renderExpr(t.maxLen, ctx, 5)} /\\ (\\A ${k} \\in 1..Len(${value}) : ${renderTypeCheck(`${value}[${k}]`, t.element, ctx, depth + 1)})`;
    case "tuple":
      return [`DOMAIN ${value} = 1..${t.elements.length}`, ...t.elements.map((x, i) => `(${renderTypeCheck(`${value}[${i + 1}]`, x, ctx, depth)})`)].join(" /\\ ");
  }
}
