/**
 * Why an invariant is false in a state: the invariant's IR is walked on the state, descending into
 * the conjunct that is false, the instance of a `forall` that fails (or the witness of an `exists`
 * that holds under a negation), down to atoms whose values are shown (`isWriting(1) = true,
 * bitDisk[1] = false`), with the quantified names bound on the way (`sh = 1`) and the invariant's
 * story filled in with them.
 *
 * The engines decide violations; this only explains one. If the interpreter does not find the
 * invariant false in the state, there is no explanation (never a made-up one).
 */
import type { BinaryOp, Expr, Spec, Type } from "../generator/ir.ts";
import type { ConstantValues } from "../engines/model.ts";
import type { Json, TraceState } from "../engines/result.ts";
import { canonicalString, resolveType, stateTypes } from "../engines/state-json.ts";
import { type EvalEnv, EvalError, evaluate, keyText, typeValues } from "./eval.ts";
import { formatValue } from "./notation.ts";
import { docSummary, quantifiedNames, storyLines, tellStory } from "./story.ts";

export interface Explanation {
  invariant: string;
  /** The first line of the invariant's doc comment. */
  doc?: string;
  /** Names bound on the way to the false part, outermost first. */
  bindings: { name: string; value: Json }[];
  /** The atoms that make it false, with their values. */
  facts: string[];
  /** The invariant's story for this instance (`stripe 1's data is being written while …`). */
  story?: string;
}

export type ExplainOutcome = { ok: true; explanation: Explanation } | { ok: false; reason: string };

const SYMBOL: Partial<Record<BinaryOp, string>> = { eq: "==", neq: "!=", lt: "<", le: "<=", gt: ">", ge: ">=", add: "+", sub: "-", mul: "*", div: "\\div", mod: "%", and: "&&", or: "||", in: "in" };
const NEGATED: Partial<Record<BinaryOp, BinaryOp>> = { eq: "neq", neq: "eq", lt: "ge", ge: "lt", le: "gt", gt: "le" };
const PREC: Partial<Record<BinaryOp, number>> = { or: 1, and: 2, eq: 3, neq: 3, lt: 3, le: 3, gt: 3, ge: 3, in: 3, add: 4, sub: 4, mul: 5, div: 5, mod: 5 };
const RELATIONS = new Set<BinaryOp>(["eq", "neq", "lt", "le", "gt", "ge"]);

/** An expression as the spec reads it, with bound names and indices replaced by their values. */
export function showExpr(e: Expr, env: EvalEnv): string {
  const sh = (x: Expr) => showExpr(x, env);
  const value = (x: Expr): string => {
    try {
      return formatValue(evaluate(x, env));
    } catch {
      return sh(x);
    }
  };
  const operand = (x: Expr, parent = 99, right = false) => {
    const p = x.kind === "binary" ? (PREC[x.op] ?? 0) : x.kind === "ite" ? 0 : 99;
    return p < parent || (right && p === parent && p < 99) ? `(${sh(x)})` : sh(x);
  };
  switch (e.kind) {
    case "bool":
    case "int":
    case "string":
    case "none":
      return formatValue(evaluate(e, env));
    case "var":
    case "local":
    case "const":
    case "domain":
      return e.name;
    case "self":
      return "self";
    case "bound":
      return env.bound.has(e.name) ? formatValue(env.bound.get(e.name) ?? null) : e.name;
    case "pc":
      return `pc[${value(e.process)}]`;
    case "index":
      return `${sh(e.base)}[${value(e.index)}]`;
    case "field":
      return `${sh(e.base)}.${e.field}`;
    case "not":
      return `!${operand(e.arg)}`;
    case "neg":
      return `-${operand(e.arg)}`;
    case "binary":
      if (e.op === "implies") return `implies(${sh(e.left)}, ${sh(e.right)})`;
      if (e.op === "union" || e.op === "minus" || e.op === "intersect") return `${e.op}(${sh(e.left)}, ${sh(e.right)})`;
      return `${operand(e.left, PREC[e.op])} ${SYMBOL[e.op] ?? e.op} ${operand(e.right, PREC[e.op], true)}`;
    case "ite":
      return `${operand(e.cond)} ? ${operand(e.then)} : ${operand(e.else)}`;
    case "quant":
      return `${e.quantifier}(${sh(e.set)}, (${e.name}) => ${sh(e.body)})`;
    case "fn":
      return `mapping(${sh(e.set)}, (${e.name}) => ${sh(e.body)})`;
    case "count":
    case "filter":
      return `${e.kind}(${sh(e.set)}, (${e.name}) => ${sh(e.body)})`;
    case "record":
      return `{${e.fields.map((f) => `${f.name}: ${sh(f.value)}`).join(", ")}}`;
    case "setOf":
      return `setLit(${e.elements.map(sh).join(", ")})`;
    case "range":
      return `${sh(e.lo)}..${sh(e.hi)}`;
    case "size":
      return `size(${sh(e.set)})`;
    case "typeSet":
      return "(a type)";
    case "call":
      return `${e.name}(${e.args.map(value).join(", ")})`;
    case "model":
      return e.name;
    case "locals":
      return e.name;
    case "anyOf":
      return `anyOf(${sh(e.set)})`;
    case "tuple":
      return `[${e.elements.map(sh).join(", ")}]`;
    case "at":
      return `${sh(e.seq)}[${value(e.index)}]`;
    case "len":
      return `${sh(e.seq)}.length`;
    case "head":
    case "tail":
      return `${e.kind}(${sh(e.seq)})`;
    case "append":
      return `append(${sh(e.seq)}, ${sh(e.value)})`;
    case "concat":
      return `concat(${sh(e.left)}, ${sh(e.right)})`;
    case "subSeq":
      return `subSeq(${sh(e.seq)}, ${value(e.from)}, ${value(e.to)})`;
  }
}

interface Walk {
  env: EvalEnv;
  bindings: { name: string; value: Json }[];
  facts: string[];
}

const truth = (e: Expr, env: EvalEnv): boolean => evaluate(e, env) === true;
const isLiteral = (e: Expr) => e.kind === "int" || e.kind === "bool" || e.kind === "string" || e.kind === "none";

function conjuncts(e: Expr, op: "and" | "or"): Expr[] {
  return e.kind === "binary" && e.op === op ? [...conjuncts(e.left, op), ...conjuncts(e.right, op)] : [e];
}

/** `ends[1] = 2 > starts[1] = 0`: both sides with their values, and the relation that does hold. */
function relationFact(e: Extract<Expr, { kind: "binary" }>, env: EvalEnv, holds: boolean): string {
  const side = (x: Expr) => (isLiteral(x) ? showExpr(x, env) : `${showExpr(x, env)} = ${formatValue(evaluate(x, env))}`);
  const op = holds ? e.op : (NEGATED[e.op] ?? e.op);
  return `${side(e.left)} ${SYMBOL[op] ?? op} ${side(e.right)}`;
}

function atom(e: Expr, w: Walk, holds: boolean): void {
  if (e.kind === "binary" && RELATIONS.has(e.op)) w.facts.push(relationFact(e, w.env, holds));
  else w.facts.push(`${showExpr(e, w.env)} = ${holds}`);
}

function bind(w: Walk, name: string, value: Json): Walk {
  w.bindings.push({ name, value });
  return { ...w, env: { ...w.env, bound: new Map([...w.env.bound, [name, value]]) } };
}

function whyFalse(e: Expr, w: Walk): void {
  if (e.kind === "binary" && e.op === "and") {
    const first = conjuncts(e, "and").find((c) => !truth(c, w.env));
    if (first) whyFalse(first, w);
    return;
  }
  if (e.kind === "binary" && e.op === "or") return conjuncts(e, "or").forEach((c) => whyFalse(c, w));
  if (e.kind === "binary" && e.op === "implies") {
    whyTrue(e.left, w);
    return whyFalse(e.right, w);
  }
  if (e.kind === "not") return whyTrue(e.arg, w);
  if (e.kind === "ite") return whyFalse(truth(e.cond, w.env) ? e.then : e.else, w);
  if (e.kind === "quant" && e.quantifier === "forall") {
    for (const x of evaluate(e.set, w.env) as Json[]) {
      const inner = { ...w.env, bound: new Map([...w.env.bound, [e.name, x]]) };
      if (!truth(e.body, inner)) return whyFalse(e.body, bind(w, e.name, x));
    }
    return;
  }
  if (e.kind === "quant") {
    w.facts.push(`no ${e.name} in ${showExpr(e.set, w.env)} has ${showExpr(e.body, w.env)}`);
    return;
  }
  atom(e, w, false);
}

function whyTrue(e: Expr, w: Walk): void {
  if (e.kind === "binary" && e.op === "and") return conjuncts(e, "and").forEach((c) => whyTrue(c, w));
  if (e.kind === "binary" && e.op === "or") {
    const first = conjuncts(e, "or").find((c) => truth(c, w.env));
    if (first) whyTrue(first, w);
    return;
  }
  if (e.kind === "binary" && e.op === "implies") return truth(e.left, w.env) ? whyTrue(e.right, w) : whyFalse(e.left, w);
  if (e.kind === "not") return whyFalse(e.arg, w);
  if (e.kind === "ite") return whyTrue(truth(e.cond, w.env) ? e.then : e.else, w);
  if (e.kind === "quant" && e.quantifier === "exists") {
    for (const x of evaluate(e.set, w.env) as Json[]) {
      const inner = { ...w.env, bound: new Map([...w.env.bound, [e.name, x]]) };
      if (truth(e.body, inner)) return whyTrue(e.body, bind(w, e.name, x));
    }
    return;
  }
  atom(e, w, true);
}

/** Why `invariant` is false in `state`, or why raidspec cannot say. */
export function explainViolation(spec: Spec, constants: ConstantValues, invariant: string, state: TraceState): ExplainOutcome {
  if (invariant === "TypeOK") return explainTypeOK(spec, constants, state);
  const inv = spec.invariants.find((i) => i.name === invariant);
  if (!inv) return { ok: false, reason: `the spec has no invariant ${invariant}` };
  const env: EvalEnv = { spec, constants, state, bound: new Map() };
  try {
    if (truth(inv.body, env)) return { ok: false, reason: `${invariant} holds in this state by raidspec's own evaluation, so it cannot say why it fails` };
    const w: Walk = { env, bindings: [], facts: [] };
    whyFalse(inv.body, w);
    const bound = new Map(w.bindings.map((b) => [b.name, b.value] as const));
    const story = tellStory(storyLines(inv.doc, { spec, bound: quantifiedNames(inv.body) }), { ...env, bound });
    const doc = docSummary(inv.doc);
    return { ok: true, explanation: { invariant, ...(doc ? { doc } : {}), bindings: w.bindings, facts: w.facts, ...(story ? { story } : {}) } };
  } catch (e) {
    if (e instanceof EvalError) return { ok: false, reason: `evaluating ${invariant} failed: ${e.message}` };
    throw e;
  }
}

/** TypeOK (generated, not written in the spec): the first place whose value is outside its type. */
function explainTypeOK(spec: Spec, constants: ConstantValues, state: TraceState): ExplainOutcome {
  for (const [name, type] of stateTypes(spec)) {
    if (name === "pc") continue;
    const bad = outside(spec, constants, type, state[name] ?? null, name);
    if (bad) return { ok: true, explanation: { invariant: "TypeOK", doc: "Every variable holds a value of its declared type.", bindings: [], facts: [bad] } };
  }
  return { ok: false, reason: "every variable is within its type by raidspec's own evaluation" };
}

function outside(spec: Spec, constants: ConstantValues, type: Type, v: Json, path: string): string | undefined {
  const t = resolveType(spec, type);
  if (t.kind === "map" && v && typeof v === "object" && !Array.isArray(v)) {
    for (const k of typeValues(spec, t.key, constants)) {
      const bad = outside(spec, constants, t.value, v[keyText(k)] ?? null, `${path}[${formatValue(k)}]`);
      if (bad) return bad;
    }
    return undefined;
  }
  if (t.kind === "record" && v && typeof v === "object" && !Array.isArray(v)) {
    for (const f of t.fields) {
      const bad = outside(spec, constants, f.type, v[f.name] ?? null, `${path}.${f.name}`);
      if (bad) return bad;
    }
    return undefined;
  }
  if (t.kind === "optional") return v === null ? undefined : outside(spec, constants, t.value, v, path);
  if (t.kind === "set" && Array.isArray(v)) {
    for (const x of v) {
      const bad = outside(spec, constants, t.element, x, `an element of ${path}`);
      if (bad) return bad;
    }
    return undefined;
  }
  if (t.kind === "int") {
    const env: EvalEnv = { spec, constants, state: {}, bound: new Map() };
    const lo = evaluate(t.lo, env) as number;
    const hi = evaluate(t.hi, env) as number;
    return typeof v === "number" && Number.isInteger(v) && v >= lo && v <= hi ? undefined : `${path} = ${formatValue(v)} is outside ${lo}..${hi}`;
  }
  const values = typeValues(spec, t, constants);
  return values.some((x) => canonicalString(x) === canonicalString(v)) ? undefined : `${path} = ${formatValue(v)} is not a value of its type`;
}
