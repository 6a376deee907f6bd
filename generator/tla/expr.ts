/**
 * IR expressions and types → TLA+ text.
 */
import type { BinaryOp, Definition, Expr, Type } from "../ir.ts";
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
  }
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
      return `{${t.values.map(tlaString).join(", ")}}`;
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
  }
}

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
  }
}
