/**
 * The TypeScript generator: a spec → `reference/<id>.ts`, a typed, dependency-free library that IS the
 * spec's semantics (no interpretation of the IR at run time): the state type, the initial states, the
 * enabled steps of a state with their parameters, each invariant, the configurations, and a `model`
 * object the native explorer and conformance use.
 *
 * The generated code must agree with the generated TLA+ state for state, so it follows the same
 * translation rules (`generator/tla/translate.ts`): statements run in order on a working copy of the
 * state, `when` disables the step, `either`/`choose` give one successor per alternative, a path without
 * `goto` falls through to the next label, and consecutive assignments to one variable are one update
 * whose right-hand sides read the state before it (PlusCal's `||`).
 *
 * Representation, chosen for the explorer's speed: maps are arrays indexed by the key's position in its
 * type's sorted enumeration (`key - lo` for integer ranges), sets are sorted arrays without duplicates,
 * records are plain objects with their fields in alphabetical order, none is null, `pc` is an array with
 * one slot per process (process sets in declaration order). Updates copy only the changed path.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  CodeBlockWriter,
  IndentationText,
  NewLineKind,
  Project,
  QuoteKind,
  type StatementStructures,
  StructureKind,
  VariableDeclarationKind,
  ts,
} from "ts-morph";
import type { Definition, DomainDecl, Expr, LValue, Process, Spec, Step, Stmt, Type } from "../ir.ts";
import { children } from "../ir-walk.ts";
import { plainContext, renderType } from "../tla/expr.ts";
import { applyVariant } from "../tla/module.ts";
import { nextLabel, withFallThrough } from "../tla/translate.ts";

/** Where the reference library of a spec lives, relative to the project root. */
export function referencePath(id: string): string {
  return `reference/${id}.ts`;
}

/** Renders and writes `reference/<id>.ts`; returns the path written (relative to root). */
export function writeReference(loaded: { id: string; spec: Spec }, root: string, specArg: string): string {
  const rel = referencePath(loaded.id);
  const abs = path.join(root, rel);
  const text = renderReference(loaded.spec, specArg);
  if (!existsSync(path.dirname(abs))) mkdirSync(path.dirname(abs), { recursive: true });
  if (!existsSync(abs) || readFileSync(abs, "utf8") !== text) writeFileSync(abs, text);
  return rel;
}

/** The full text of the reference library of a spec (every variant in one file). */
export function renderReference(spec: Spec, specArg: string): string {
  return new ReferenceGenerator(spec, specArg).render();
}

// ---------------------------------------------------------------------------------------------
// Value types as the generator infers them

/**
 * A value's type: an IR type, or what inference knows of a value that has no declared type (an
 * arithmetic result, a pc label, none).
 */
type VT = Type | { kind: "anyInt" } | { kind: "label" } | { kind: "null" } | { kind: "unknown" };

/** A type with named domains looked through. */
type Resolved = Exclude<VT, { kind: "named" }>;

const UNKNOWN: VT = { kind: "unknown" };
const BOOL: VT = { kind: "bool" };
const ANY_INT: VT = { kind: "anyInt" };

/** Generated code with its JavaScript precedence, so callers know when to parenthesize. */
interface Code {
  code: string;
  prec: number;
}

const PREC = { primary: 20, member: 18, unary: 15, mul: 13, add: 12, rel: 10, eq: 9, and: 5, or: 4, cond: 3, arrow: 2 } as const;

const code = (text: string, prec: number = PREC.primary): Code => ({ code: text, prec });
const wrap = (c: Code, min: number): string => (c.prec >= min ? c.code : `(${c.code})`);

/** Names of functions and values the generated module itself defines or uses: user names avoid them. */
const RUNTIME_NAMES = [
  "put", "equals", "compare", "rank", "setOf", "has", "union", "minus", "intersect", "count", "mod", "div",
  "intRange", "product", "subsets", "functions", "indexIn", "keyText", "objectOf", "asArray", "asObject",
  "field", "constant", "encodeValue", "draft", "applyStep", "bind", "envOf", "envCache", "latestEnv", "stateToJson", "stateFromJson", "encode", "TypeOK", "model", "configs", "slotOf",
  "labelIndex", "noParams",
];

const JS_RESERVED = (
  "break case catch class const continue debugger default delete do else enum export extends false finally for " +
  "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
  "yield let static implements interface package private protected public await arguments eval undefined NaN " +
  "Infinity Object Array JSON String Number Math Error Map Set WeakMap Symbol Boolean Record"
).split(" ");

/** Names of the step functions' own locals; bound names from the spec that equal one are renamed. */
const LOCAL_NAMES = ["s", "env", "out", "self", "json", "constants"];

const identifierRe = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const propName = (name: string): string => (identifierRe.test(name) ? name : JSON.stringify(name));
const member = (base: string, name: string): string => (identifierRe.test(name) ? `${base}.${name}` : `${base}[${JSON.stringify(name)}]`);

/** Allocates identifiers in one namespace: a taken or reserved name gets `_` appended. */
class Names {
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
const docText = (text: string): string => text.replace(/\*\//g, "*\\/");

/** Sorted as the generated `compare` sorts strings. */
const sortStrings = (values: readonly string[]): string[] => [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

// ---------------------------------------------------------------------------------------------
// Code generation contexts

/** What an expression is generated against. */
interface Ctx {
  /** The state read by variables and pc: `s`, a step's working copy, or null (no state: bind, init). */
  state: string | null;
  /** The executing process set (steps only). */
  process: Process | null;
  /** Code naming a constant or a domain: `env.N` in functions, a local inside `bind`. */
  ref: (name: string) => string;
  /** Whether anonymous enumerations may be hoisted into the environment (not inside `bind`). */
  hoist: boolean;
  /** Names bound by choose, let, lambdas and helper parameters: their code name and type. */
  bound: ReadonlyMap<string, { code: string; type: VT }>;
  /** Where the expression is, for error messages. */
  where: string;
}

/** The state of one path through a step body while its code is written. */
interface PathState {
  /** The name of the state the path reads and writes: `s` until the first write, then a copy. */
  draft: string;
  copied: boolean;
  /** How an `await` that fails leaves this alternative: `return`, `continue`, `break label`. */
  exit: string;
  /** The transition's parameters so far: key text → value code. */
  params: { key: string; value: string }[];
  bound: Map<string, { code: string; type: VT }>;
  /** Depth of working copies, for their names (t, t1, t2, …). */
  depth: number;
}

interface StepFunction {
  name: string;
  step: Step;
  process: Process;
  next: string;
}

class ReferenceGenerator {
  private readonly defs: Map<string, Definition>;
  private readonly domains: Map<string, DomainDecl>;
  private readonly values = new Names([...RUNTIME_NAMES, ...JS_RESERVED, ...LOCAL_NAMES]);
  private readonly types = new Names([
    "State", "Draft", "Env", "Label", "Json", "Transition", "Model", "ProcessId", "JsonObject", "Constants", ...JS_RESERVED,
  ]);
  /** Domain name → TS type alias. */
  private readonly domainTypes = new Map<string, string>();
  /** Helper name → function name. */
  private readonly helperNames = new Map<string, string>();
  /** Helper name → inferred parameter types. */
  private readonly helperParams = new Map<string, VT[]>();
  /** Enum values (sorted, joined) → name of its index table. */
  private readonly enumTables = new Map<string, { name: string; values: string[] }>();
  /** Hoisted enumerations of anonymous types: JSON of the type → env field. */
  private readonly hoisted = new Map<string, { field: string; type: Type }>();
  private readonly envFields = new Names([]);
  private readonly usedRuntime = new Set<string>();
  /** Constants and domains the generated functions read from the environment. */
  private readonly usedRefs = new Set<string>();
  /** The domains `bind` enumerates (those used, and those their enumerations need), in declaration order. */
  private boundDomains: DomainDecl[] = [];
  private readonly labels: string[];
  private readonly multiProcess: boolean;
  private labelCounter = 0;

  constructor(
    private readonly spec: Spec,
    private readonly specArg: string,
  ) {
    this.defs = new Map(spec.definitions.map((d) => [d.name, d]));
    this.domains = new Map(spec.domains.map((d) => [d.name, d]));
    const labels = [
      ...spec.processes.flatMap((p) => p.steps.map((s) => s.label)),
      ...spec.variants.flatMap((v) => v.processes.flatMap((vp) => vp.steps.map((s) => s.label))),
    ];
    this.labels = [...new Set([...labels, "Done"])];
    this.multiProcess = spec.processes.length > 1;
    for (const d of spec.domains) this.domainTypes.set(d.name, this.types.take(d.name));
    for (const c of spec.constants) this.envFields.take(c.name);
    for (const d of spec.domains) this.envFields.take(d.name);
    for (const d of spec.definitions) this.helperNames.set(d.name, this.values.take(d.name));
    this.inferHelperParams();
  }

  // -------------------------------------------------------------------------------------------
  // Types

  private resolve(t: VT): Resolved {
    let cur = t;
    const seen = new Set<string>();
    while (cur.kind === "named") {
      if (seen.has(cur.name)) throw new Error(`The domain ${cur.name} is defined in terms of itself`);
      seen.add(cur.name);
      const d = this.domains.get(cur.name);
      if (!d) throw new Error(`Unknown domain ${cur.name}`);
      cur = d.type;
    }
    return cur;
  }

  private isScalar(t: VT): boolean {
    const r = this.resolve(t);
    switch (r.kind) {
      case "bool":
      case "int":
      case "anyInt":
      case "enum":
      case "label":
      case "null":
        return true;
      case "optional":
        return this.isScalar(r.value);
      default:
        return false;
    }
  }

  /** Whether TypeScript would widen a literal of the type (so the code must annotate it). */
  private hasStrings(t: VT): boolean {
    const r = this.resolve(t);
    switch (r.kind) {
      case "enum":
      case "label":
        return true;
      case "optional":
        return this.hasStrings(r.value);
      case "map":
        return this.hasStrings(r.value);
      case "set":
        return this.hasStrings(r.element);
      case "record":
        return r.fields.some((f) => this.hasStrings(f.type));
      default:
        return false;
    }
  }

  /** The TypeScript type of the representation of a value of type `t`. */
  private tsType(t: VT): string {
    switch (t.kind) {
      case "bool":
        return "boolean";
      case "int":
      case "anyInt":
        return "number";
      case "enum":
        return t.values.length ? sortStrings(t.values).map((v) => JSON.stringify(v)).join(" | ") : "never";
      case "label":
        return "Label";
      case "null":
        return "null";
      case "unknown":
        return "unknown";
      case "named":
        return this.domainTypes.get(t.name) ?? this.tsType(this.resolve(t));
      case "optional":
        return `${this.tsType(t.value)} | null`;
      case "map":
        return `readonly ${this.tsElement(t.value)}[]`;
      case "set":
        return `readonly ${this.tsElement(t.element)}[]`;
      case "record":
        return `{ ${t.fields.map((f) => `readonly ${propName(f.name)}: ${this.tsType(f.type)}`).join("; ")} }`;
    }
  }

  private tsElement(t: VT): string {
    const text = this.tsType(t);
    return (/[|&]/.test(text) && !text.startsWith("{")) || text.startsWith("readonly ") ? `(${text})` : text;
  }

  private elementOf(t: VT): VT {
    const r = this.resolve(t);
    return r.kind === "set" ? r.element : UNKNOWN;
  }

  private join(a: VT, b: VT): VT {
    if (a.kind === "null") return b.kind === "null" || b.kind === "unknown" ? a : { kind: "optional", value: b as Type };
    if (b.kind === "null") return a.kind === "unknown" ? b : { kind: "optional", value: a as Type };
    if (a.kind === "unknown") return b;
    if (b.kind === "unknown") return a;
    const ra = this.resolve(a);
    const rb = this.resolve(b);
    if (ra.kind === "enum" && rb.kind === "enum" && a.kind !== "named" && b.kind !== "named")
      return { kind: "enum", values: [...new Set([...ra.values, ...rb.values])] };
    if (b.kind === "named" && a.kind !== "named" && ra.kind === rb.kind) return b;
    return a;
  }

  /** The type of an expression. */
  private typeOf(e: Expr, bound: ReadonlyMap<string, { type: VT }>, process: Process | null, calls = new Set<string>()): VT {
    const t = (x: Expr, b = bound) => this.typeOf(x, b, process, calls);
    const withName = (name: string, type: VT) => new Map([...bound, [name, { type }]]);
    switch (e.kind) {
      case "bool":
        return BOOL;
      case "int":
        return ANY_INT;
      case "string":
        return { kind: "enum", values: [e.value] };
      case "none":
        return { kind: "null" };
      case "var":
        return this.spec.variables.find((v) => v.name === e.name)?.type ?? UNKNOWN;
      case "local":
        return this.findLocal(e.name, process)?.type ?? UNKNOWN;
      case "self":
        return process ? { kind: "named", name: process.over } : UNKNOWN;
      case "const":
        return this.spec.constants.find((c) => c.name === e.name)?.type ?? UNKNOWN;
      case "bound":
        return bound.get(e.name)?.type ?? UNKNOWN;
      case "domain":
        return { kind: "set", element: { kind: "named", name: e.name } };
      case "pc":
        return { kind: "label" };
      case "index": {
        const base = this.resolve(t(e.base));
        return base.kind === "map" ? base.value : UNKNOWN;
      }
      case "field": {
        let base = this.resolve(t(e.base));
        if (base.kind === "optional") base = this.resolve(base.value);
        return base.kind === "record" ? (base.fields.find((f) => f.name === e.field)?.type ?? UNKNOWN) : UNKNOWN;
      }
      case "not":
      case "quant":
        return BOOL;
      case "neg":
      case "count":
      case "size":
        return ANY_INT;
      case "binary":
        switch (e.op) {
          case "add":
          case "sub":
          case "mul":
          case "div":
          case "mod":
            return ANY_INT;
          case "union":
          case "minus":
          case "intersect": {
            const l = t(e.left);
            return this.elementOf(l).kind === "unknown" ? t(e.right) : l;
          }
          default:
            return BOOL;
        }
      case "ite":
        return this.join(t(e.then), t(e.else));
      case "fn": {
        const key = this.elementOf(t(e.set));
        const value = t(e.body, withName(e.name, key));
        return key.kind === "unknown" ? UNKNOWN : { kind: "map", key: key as Type, value: value as Type };
      }
      case "filter":
        return t(e.set);
      case "record":
        return { kind: "record", fields: e.fields.map((f) => ({ name: f.name, type: t(f.value) as Type })) };
      case "setOf": {
        const element = e.elements.map((x) => t(x)).reduce((a, b) => this.join(a, b), UNKNOWN);
        return { kind: "set", element: element as Type };
      }
      case "range":
        return { kind: "set", element: { kind: "int", lo: e.lo, hi: e.hi } };
      case "typeSet":
        return { kind: "set", element: e.type };
      case "call": {
        const def = this.defs.get(e.name);
        if (!def || calls.has(e.name)) return UNKNOWN;
        const params = new Map(def.params.map((p, i) => [p, { type: e.args[i] ? t(e.args[i]) : UNKNOWN }]));
        return this.typeOf(def.body, params, null, new Set([...calls, e.name]));
      }
    }
  }

  private findLocal(name: string, process: Process | null): { type: Type } | undefined {
    return (process?.locals ?? this.spec.processes.flatMap((p) => p.locals)).find((l) => l.name === name);
  }

  /**
   * Helper parameters have no declared types in the IR: take them from the arguments of the calls
   * (or, for a helper never called, from how its body uses them).
   */
  private inferHelperParams(): void {
    const found = new Map<string, VT[]>(this.spec.definitions.map((d) => [d.name, d.params.map(() => UNKNOWN)]));
    const visitExpr = (e: Expr, bound: ReadonlyMap<string, { type: VT }>, process: Process | null): void => {
      if (e.kind === "call") {
        const slots = found.get(e.name);
        e.args.forEach((a, i) => {
          if (slots && slots[i]?.kind === "unknown") slots[i] = this.typeOf(a, bound, process);
        });
      }
      if (e.kind === "quant" || e.kind === "fn" || e.kind === "count" || e.kind === "filter") {
        visitExpr(e.set, bound, process);
        const element = this.elementOf(this.typeOf(e.set, bound, process));
        visitExpr(e.body, new Map([...bound, [e.name, { type: element }]]), process);
        return;
      }
      for (const c of children(e)) visitExpr(c, bound, process);
    };
    const visitStmts = (stmts: Stmt[], bound: ReadonlyMap<string, { type: VT }>, process: Process): void => {
      for (const s of stmts) {
        switch (s.kind) {
          case "assign":
            visitExpr(s.value, bound, process);
            for (const p of s.target.path) if (p.kind === "index") visitExpr(p.index, bound, process);
            break;
          case "await":
            visitExpr(s.cond, bound, process);
            break;
          case "if":
            visitExpr(s.cond, bound, process);
            visitStmts(s.then, bound, process);
            visitStmts(s.else, bound, process);
            break;
          case "either":
            for (const b of s.branches) visitStmts(b, bound, process);
            break;
          case "choose":
            visitExpr(s.set, bound, process);
            visitStmts(s.body, new Map([...bound, [s.name, { type: this.elementOf(this.typeOf(s.set, bound, process)) }]]), process);
            break;
          case "let":
            visitExpr(s.value, bound, process);
            visitStmts(s.body, new Map([...bound, [s.name, { type: this.typeOf(s.value, bound, process) }]]), process);
            break;
          case "goto":
            break;
        }
      }
    };
    const none = new Map<string, { type: VT }>();
    for (const v of this.spec.variables) visitExpr(v.init, none, null);
    for (const inv of this.spec.invariants) visitExpr(inv.body, none, null);
    for (const p of this.spec.processes) {
      for (const l of p.locals) visitExpr(l.init, none, p);
      for (const s of p.steps) visitStmts(s.body, none, p);
    }
    for (const v of this.spec.variants)
      for (const vp of v.processes) {
        const p = this.spec.processes.find((x) => x.name === vp.process);
        if (p) for (const s of vp.steps) visitStmts(s.body, none, p);
      }
    // Helpers calling helpers: a few rounds reach every chain of realistic depth.
    for (let round = 0; round < 4; round++)
      for (const d of this.spec.definitions) {
        const types = found.get(d.name) ?? [];
        visitExpr(d.body, new Map(d.params.map((p, i) => [p, { type: types[i] ?? UNKNOWN }])), null);
      }
    for (const d of this.spec.definitions) {
      const types = found.get(d.name) ?? [];
      d.params.forEach((p, i) => {
        if (types[i]?.kind === "unknown") types[i] = this.usageType(d.body, p, d.params, types);
      });
      this.helperParams.set(d.name, types);
    }
  }

  /** The type a helper's body gives a parameter by how it uses it. */
  private usageType(body: Expr, param: string, params: string[], types: VT[]): VT {
    const bound = new Map(params.map((p, i) => [p, { type: types[i] ?? UNKNOWN }]));
    const isParam = (e: Expr) => e.kind === "bound" && e.name === param;
    let found: VT = UNKNOWN;
    const visit = (e: Expr): void => {
      if (found.kind !== "unknown") return;
      if (e.kind === "index" && isParam(e.index)) {
        const base = this.resolve(this.typeOf(e.base, bound, null));
        if (base.kind === "map") found = base.key;
      } else if (e.kind === "binary") {
        if (["add", "sub", "mul", "div", "mod", "lt", "le", "gt", "ge"].includes(e.op) && (isParam(e.left) || isParam(e.right))) found = ANY_INT;
        else if ((e.op === "eq" || e.op === "neq") && isParam(e.left)) found = this.typeOf(e.right, bound, null);
        else if ((e.op === "eq" || e.op === "neq") && isParam(e.right)) found = this.typeOf(e.left, bound, null);
        else if (e.op === "in" && isParam(e.left)) found = this.elementOf(this.typeOf(e.right, bound, null));
      } else if (e.kind === "not" && isParam(e.arg)) found = BOOL;
      for (const c of children(e)) visit(c);
    };
    visit(body);
    return found;
  }

  // -------------------------------------------------------------------------------------------
  // Enumerations, positions and tables

  private enumTable(values: readonly string[]): string {
    const sorted = sortStrings([...new Set(values)]);
    const key = sorted.join("\u0000");
    let entry = this.enumTables.get(key);
    if (!entry) {
      const named = this.spec.domains.find((d) => d.type.kind === "enum" && sortStrings(d.type.values).join("\u0000") === key);
      entry = { name: this.values.take(named ? `${named.name}Index` : `enumIndex${this.enumTables.size + 1}`), values: sorted };
      this.enumTables.set(key, entry);
    }
    return entry.name;
  }

  /** Code evaluating to the sorted enumeration of a type. */
  private enumeration(t: Type, ctx: Ctx): string {
    if (t.kind === "named") return ctx.ref(t.name);
    if (!ctx.hoist || t.kind === "bool") return this.enumerationCode(t, ctx);
    const key = JSON.stringify(t);
    let entry = this.hoisted.get(key);
    if (!entry) {
      entry = { field: this.envFields.take(`values${this.hoisted.size + 1}`), type: t };
      this.hoisted.set(key, entry);
    }
    return `env.${entry.field}`;
  }

  private enumerationCode(t: Type, ctx: Ctx): string {
    switch (t.kind) {
      case "bool":
        return "[false, true]";
      case "int":
        this.usedRuntime.add("intRange");
        return `intRange(${this.expr(t.lo, ctx).code}, ${this.expr(t.hi, ctx).code})`;
      case "enum":
        return `[${sortStrings([...new Set(t.values)]).map((v) => JSON.stringify(v)).join(", ")}] as const`;
      case "optional":
        return `[null, ...${this.enumeration(t.value, ctx)}]`;
      case "record":
        this.usedRuntime.add("product");
        return `product({ ${sortedFields(t).map((f) => `${propName(f.name)}: ${this.enumeration(f.type, ctx)}`).join(", ")} })`;
      case "set":
        this.usedRuntime.add("subsets");
        return `subsets(${this.enumeration(t.element, ctx)})`;
      case "map":
        this.usedRuntime.add("functions");
        return `functions(${wrapMember(this.enumeration(t.key, ctx))}.length, ${this.enumeration(t.value, ctx)})`;
      case "named":
        return ctx.ref(t.name);
    }
  }

  /** Code for the position of key `k` in the sorted enumeration of type `t` (a map's array index). */
  private position(t: Type, k: Code, ctx: Ctx): Code {
    const r = this.resolve(t);
    switch (r.kind) {
      case "int": {
        const lo = this.expr(r.lo, this.boundsCtx(ctx));
        if (lo.code === "0") return k;
        if (/^-?\d+$/.test(lo.code)) {
          const n = Number(lo.code);
          return code(`${wrap(k, PREC.add)} ${n < 0 ? "+" : "-"} ${Math.abs(n)}`, PREC.add);
        }
        return code(`${wrap(k, PREC.add)} - ${wrap(lo, PREC.add + 1)}`, PREC.add);
      }
      case "bool":
        if (k.code === "true" || k.code === "false") return code(k.code === "true" ? "1" : "0");
        return code(`${wrap(k, PREC.cond + 1)} ? 1 : 0`, PREC.cond);
      case "enum":
        return code(`${this.enumTable(r.values)}[${k.code}]`, PREC.member);
      case "optional": {
        const inner = this.position(r.value, code(`(${k.code} as ${this.tsType(r.value)})`), ctx);
        return code(`${wrap(k, PREC.eq)} === null ? 0 : 1 + ${wrap(inner, PREC.add + 1)}`, PREC.cond);
      }
      default:
        this.usedRuntime.add("indexIn");
        return code(`indexIn(${this.enumeration(t, ctx)}, ${k.code})`);
    }
  }

  /** Domain bounds read only constants: from any context they are generated against the environment. */
  private boundsCtx(ctx: Ctx): Ctx {
    return { ...ctx, bound: new Map(), state: null, process: null };
  }

  /** Code for the pc slot of process `id` of process set `p` (or of any set, when p is null). */
  private pcSlot(p: Process | null, id: Code, ctx: Ctx): Code {
    const only = this.spec.processes[0];
    if (!this.multiProcess && only) return this.position({ kind: "named", name: only.over }, id, ctx);
    if (p) {
      const pos = this.position({ kind: "named", name: p.over }, id, ctx);
      return code(`env.pcBase${member("", p.name)} + ${wrap(pos, PREC.add + 1)}`, PREC.add);
    }
    this.usedRuntime.add("slotOf");
    return code(`slotOf(env, ${id.code})`);
  }

  // -------------------------------------------------------------------------------------------
  // Expressions

  private expr(e: Expr, ctx: Ctx, expected?: VT): Code {
    const r = (x: Expr, exp?: VT) => this.expr(x, ctx, exp);
    const type = (x: Expr) => this.typeOf(x, ctx.bound, ctx.process);
    const fail = (what: string): never => {
      throw new Error(`${this.spec.source}: ${ctx.where}: ${what}`);
    };
    const state = (): string => ctx.state ?? fail(`${e.kind === "pc" ? "pc" : "state"} is read where there is no state`);
    switch (e.kind) {
      case "bool":
        return code(e.value ? "true" : "false");
      case "int":
        return e.value < 0 ? code(String(e.value), PREC.unary) : code(String(e.value));
      case "string":
        return code(JSON.stringify(e.value));
      case "none":
        return code("null");
      case "var":
        return code(member(state(), e.name), PREC.member);
      case "local": {
        const p = ctx.process ?? fail(`the local ${e.name} is read outside a step`);
        const pos = this.position({ kind: "named", name: p.over }, code("self"), ctx);
        return code(`${member(state(), e.name)}[${pos.code}]`, PREC.member);
      }
      case "self":
        return code("self");
      case "const":
      case "domain":
        return code(ctx.ref(e.name), PREC.member);
      case "bound":
        return code(ctx.bound.get(e.name)?.code ?? fail(`unknown name ${e.name}`));
      case "pc": {
        const idType = type(e.process);
        const owner = e.process.kind === "self" && ctx.process ? ctx.process : idType.kind === "named" ? (this.spec.processes.find((p) => p.over === idType.name) ?? null) : null;
        const slot = this.pcSlot(owner, this.nonNull(r(e.process), idType), ctx);
        return code(`${state()}.pc[${slot.code}]`, PREC.member);
      }
      case "index": {
        const base = this.resolve(type(e.base));
        if (base.kind !== "map") return fail(`cannot index a value that is not a map`);
        const pos = this.position(base.key, this.nonNull(r(e.index), type(e.index)), ctx);
        return code(`${wrap(r(e.base), PREC.member)}[${pos.code}]`, PREC.member);
      }
      case "field": {
        const baseType = this.resolve(type(e.base));
        const base = wrap(r(e.base), PREC.member);
        return code(member(baseType.kind === "optional" ? `${base}!` : base, e.field), PREC.member);
      }
      case "not":
        return this.negate(e.arg, ctx);
      case "neg": {
        const arg = this.nonNull(r(e.arg), type(e.arg));
        return code(`-${arg.code.startsWith("-") ? `(${arg.code})` : wrap(arg, PREC.unary)}`, PREC.unary);
      }
      case "binary":
        return this.binary(e, ctx);
      case "ite": {
        const want = expected ?? type(e);
        return code(`${wrap(r(e.cond), PREC.cond + 1)} ? ${wrap(r(e.then, want), PREC.cond)} : ${wrap(r(e.else, want), PREC.cond)}`, PREC.cond);
      }
      case "quant":
      case "count":
      case "filter": {
        const set = this.expr(e.set, ctx);
        const lambda = this.lambda(e.name, this.elementOf(type(e.set)), e.body, ctx);
        if (e.kind === "count") {
          this.usedRuntime.add("count");
          return code(`count(${set.code}, ${lambda})`);
        }
        const method = e.kind === "filter" ? "filter" : e.quantifier === "forall" ? "every" : "some";
        return code(`${wrap(set, PREC.member)}.${method}(${lambda})`, PREC.member);
      }
      case "fn": {
        if (!["domain", "typeSet", "range"].includes(e.set.kind))
          fail("mapping(…) is supported over a domain (a map's keys are a whole domain in the reference library)");
        const want = expected ? this.resolve(expected) : undefined;
        const valueType = want?.kind === "map" ? want.value : undefined;
        const set = this.expr(e.set, ctx);
        const lambda = this.lambda(e.name, this.elementOf(type(e.set)), e.body, ctx, valueType && this.hasStrings(valueType) ? valueType : undefined);
        return code(`${wrap(set, PREC.member)}.map(${lambda})`, PREC.member);
      }
      case "record": {
        const want = expected ? this.resolve(expected) : undefined;
        const fields = [...e.fields].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        const fieldType = (name: string) => (want?.kind === "record" ? want.fields.find((f) => f.name === name)?.type : undefined);
        return code(`{ ${fields.map((f) => `${propName(f.name)}: ${this.expr(f.value, ctx, fieldType(f.name)).code}`).join(", ")} }`);
      }
      case "setOf": {
        this.usedRuntime.add("setOf");
        const want = expected ? this.resolve(expected) : undefined;
        const element = want?.kind === "set" ? want.element : undefined;
        const typeArg = element && this.hasStrings(element) ? `<${this.tsType(element)}>` : "";
        return code(`setOf${typeArg}([${e.elements.map((x) => r(x, element).code).join(", ")}])`);
      }
      case "range":
        this.usedRuntime.add("intRange");
        return code(`intRange(${r(e.lo).code}, ${r(e.hi).code})`);
      case "size":
        return code(`${wrap(r(e.set), PREC.member)}.length`, PREC.member);
      case "typeSet":
        return code(this.enumeration(e.type, ctx), PREC.member);
      case "call": {
        const def = this.defs.get(e.name) ?? fail(`unknown helper ${e.name}`);
        const args = e.args.map((a) => r(a).code);
        return code(`${this.helperNames.get(def.name) ?? def.name}(env, ${ctx.state ?? "s"}${args.map((a) => `, ${a}`).join("")})`);
      }
    }
  }

  /** The IR drops TypeScript's `!`: an optional value used as a number or key gets it back. */
  private nonNull(c: Code, t: VT): Code {
    return this.resolve(t).kind === "optional" ? code(`${wrap(c, PREC.member)}!`, PREC.member) : c;
  }

  /**
   * `!e`, written the way a reader would: comparisons flipped, De Morgan through && and ||, double
   * negation removed.
   */
  private negate(e: Expr, ctx: Ctx): Code {
    const flip: Partial<Record<string, Extract<Expr, { kind: "binary" }>["op"]>> = { eq: "neq", neq: "eq", lt: "ge", ge: "lt", le: "gt", gt: "le" };
    if (e.kind === "not") return this.expr(e.arg, ctx);
    if (e.kind === "bool") return code(e.value ? "false" : "true");
    if (e.kind === "binary") {
      const op = flip[e.op];
      if (op) return this.expr({ ...e, op }, ctx);
      if (e.op === "and" || e.op === "or") {
        const parts = [this.negate(e.left, ctx), this.negate(e.right, ctx)];
        const joined = e.op === "and" ? "||" : "&&";
        const prec = e.op === "and" ? PREC.or : PREC.and;
        return code(parts.map((p) => (p.prec <= PREC.and ? `(${p.code})` : wrap(p, prec + 1))).join(` ${joined} `), prec);
      }
      if (e.op === "implies") return this.negate({ kind: "binary", op: "or", left: { kind: "not", arg: e.left }, right: e.right }, ctx);
    }
    return this.not(this.expr(e, ctx));
  }

  private not(arg: Code): Code {
    if (arg.code.startsWith("!") && arg.prec === PREC.unary) return code(arg.code.slice(1).replace(/^\((.*)\)$/s, "$1"), PREC.primary - 1);
    return code(`!${wrap(arg, PREC.unary)}`, PREC.unary);
  }

  /** `(x) => body` with the bound name in scope (and renamed if it collides). */
  private lambda(name: string, element: VT, body: Expr, ctx: Ctx, returns?: VT): string {
    const js = this.localName(name, ctx.bound);
    const inner: Ctx = { ...ctx, bound: new Map([...ctx.bound, [name, { code: js, type: element }]]) };
    const b = this.expr(body, inner, returns);
    const text = b.code.startsWith("{") ? `(${b.code})` : wrap(b, PREC.arrow);
    const uses = usesBound(body, name);
    return `(${uses ? js : ""})${returns ? `: ${this.tsType(returns)}` : ""} => ${text}`;
  }

  /** A JavaScript name for a name bound by the spec; renamed when it would shadow the module's own. */
  private localName(name: string, bound: ReadonlyMap<string, { code: string }>): string {
    let js = name;
    const taken = (n: string) =>
      LOCAL_NAMES.includes(n) ||
      /^t\d*$|^v\d+$|^k\d+_\d+$/.test(n) ||
      RUNTIME_NAMES.includes(n) ||
      JS_RESERVED.includes(n) ||
      [...this.helperNames.values()].includes(n) ||
      [...bound.values()].some((b) => b.code === n && n !== name);
    while (taken(js)) js += "_";
    return js;
  }

  private binary(e: Extract<Expr, { kind: "binary" }>, ctx: Ctx): Code {
    const type = (x: Expr) => this.typeOf(x, ctx.bound, ctx.process);
    const infix = (op: string, prec: number, assoc = false): Code => {
      const numeric = prec >= PREC.rel;
      const l = numeric ? this.nonNull(this.expr(e.left, ctx), type(e.left)) : this.expr(e.left, ctx);
      const rr = numeric ? this.nonNull(this.expr(e.right, ctx), type(e.right)) : this.expr(e.right, ctx);
      const sameOp = (x: Expr) => assoc && x.kind === "binary" && x.op === e.op;
      // Mixed && and || read better parenthesized, whatever JavaScript's precedence says.
      const logical = (x: Expr, c: Code) => (prec <= PREC.and && x.kind === "binary" && (x.op === "and" || x.op === "or") && x.op !== e.op ? `(${c.code})` : undefined);
      const left = logical(e.left, l) ?? wrap(l, prec);
      const right = logical(e.right, rr) ?? wrap(rr, sameOp(e.right) ? prec : prec + 1);
      return code(`${left} ${op} ${right}`, prec);
    };
    const call = (fn: string): Code => {
      this.usedRuntime.add(fn);
      const numeric = fn === "mod" || fn === "div";
      const arg = (x: Expr) => (numeric ? this.nonNull(this.expr(x, ctx), type(x)) : this.expr(x, ctx));
      return code(`${fn}(${arg(e.left).code}, ${arg(e.right).code})`);
    };
    switch (e.op) {
      case "and":
        return infix("&&", PREC.and, true);
      case "or":
        return infix("||", PREC.or, true);
      case "implies": {
        const l = this.negate(e.left, ctx);
        const rr = this.expr(e.right, ctx);
        const right = rr.prec <= PREC.and ? `(${rr.code})` : wrap(rr, PREC.or + 1);
        return code(`${wrap(l, PREC.or + 1)} || ${right}`, PREC.or);
      }
      case "eq":
      case "neq":
        return this.equality(e, ctx);
      case "lt":
        return infix("<", PREC.rel);
      case "le":
        return infix("<=", PREC.rel);
      case "gt":
        return infix(">", PREC.rel);
      case "ge":
        return infix(">=", PREC.rel);
      case "add":
        return infix("+", PREC.add, true);
      case "sub":
        return infix("-", PREC.add);
      case "mul":
        return infix("*", PREC.mul, true);
      case "div":
        return call("div");
      case "mod":
        return call("mod");
      case "in": {
        const element = this.elementOf(type(e.right));
        this.usedRuntime.add("has");
        const x = this.expr(e.left, ctx, element);
        return code(`has(${this.expr(e.right, ctx).code}, ${x.code})`);
      }
      case "union":
      case "minus":
      case "intersect":
        return call(e.op);
    }
  }

  private equality(e: Extract<Expr, { kind: "binary" }>, ctx: Ctx): Code {
    const eq = e.op === "eq";
    const lt = this.typeOf(e.left, ctx.bound, ctx.process);
    const rt = this.typeOf(e.right, ctx.bound, ctx.process);
    let l = this.expr(e.left, ctx, rt);
    let r = this.expr(e.right, ctx, lt);
    const scalar = e.left.kind === "none" || e.right.kind === "none" || (this.isScalar(lt) && this.isScalar(rt));
    if (!scalar) {
      this.usedRuntime.add("equals");
      const c = code(`equals(${l.code}, ${r.code})`);
      return eq ? c : this.not(c);
    }
    // A string the other side's type cannot hold compares unequal; TypeScript rejects the comparison.
    const castIfForeign = (lit: Expr, other: VT, otherCode: Code): Code => {
      if (lit.kind !== "string") return otherCode;
      const o = this.resolve(other);
      const holds = o.kind === "enum" ? o.values.includes(lit.value) : o.kind === "label" ? this.labels.includes(lit.value) : true;
      return holds ? otherCode : code(`(${otherCode.code} as string)`);
    };
    l = castIfForeign(e.right, lt, l);
    r = castIfForeign(e.left, rt, r);
    return code(`${wrap(l, PREC.eq + 1)} ${eq ? "===" : "!=="} ${wrap(r, PREC.eq + 1)}`, PREC.eq);
  }

  // -------------------------------------------------------------------------------------------
  // Steps

  private fnCtx(state: string | null, process: Process | null, bound: ReadonlyMap<string, { code: string; type: VT }>, where: string): Ctx {
    const ref = (name: string) => {
      this.usedRefs.add(name);
      return member("env", name);
    };
    return { state, process, ref, hoist: true, bound, where };
  }

  private stepFunction(fn: StepFunction): StatementStructures {
    const { step, process } = fn;
    const body = withFallThrough(step.body, fn.next, step.loc);
    const docs = [
      `${step.label} (process ${process.name})${step.models ? `: models ${step.models}` : ""}.`,
      ...(step.doc ? ["", step.doc] : []),
      "",
      `${step.loc.file}:${step.loc.line}:${step.loc.column}. Runs when pc[self] is ${JSON.stringify(step.label)}; pushes one transition per enabled alternative onto \`out\`.`,
    ];
    return {
      kind: StructureKind.Function,
      name: fn.name,
      docs: [docText(docs.join("\n"))],
      parameters: [
        { name: "env", type: "Env" },
        { name: "s", type: "State" },
        { name: "self", type: this.tsType({ kind: "named", name: process.over }) },
        { name: "out", type: "Transition[]" },
      ],
      returnType: "void",
      statements: written((w) => {
        this.labelCounter = 0;
        const path: PathState = { draft: "s", copied: false, exit: "return", params: [], bound: new Map(), depth: 0 };
        this.block(w, body, path, fn);
      }),
    };
  }

  private block(w: CodeBlockWriter, stmts: Stmt[], path: PathState, fn: StepFunction): void {
    for (let i = 0; i < stmts.length; i++) {
      const st = stmts[i];
      if (!st) continue;
      const rest = stmts.slice(i + 1);
      const ctx = this.fnCtx(path.draft, fn.process, path.bound, `step ${fn.step.label}`);
      switch (st.kind) {
        case "await": {
          w.writeLine(`if (${this.negate(st.cond, ctx).code}) ${path.exit};`);
          break;
        }
        case "assign": {
          const group = [st];
          while (true) {
            const following = stmts[i + 1];
            if (following?.kind !== "assign" || following.target.scope !== st.target.scope || following.target.name !== st.target.name) break;
            group.push(following);
            i++;
          }
          this.ensureCopy(w, path);
          this.assignments(w, group, { ...ctx, state: path.draft });
          break;
        }
        case "goto": {
          this.ensureCopy(w, path);
          const slot = this.pcSlot(fn.process, code("self"), ctx);
          w.writeLine(`${path.draft}.pc = put(${path.draft}.pc, ${slot.code}, ${JSON.stringify(st.label)});`);
          this.usedRuntime.add("put");
          const self = this.toJson({ kind: "named", name: fn.process.over }, "self", 0);
          const params = path.params.length ? `{ ${path.params.map((p) => (p.key === p.value ? p.key : `${p.key}: ${p.value}`)).join(", ")} }` : "{}";
          w.writeLine(
            `out.push({ step: ${JSON.stringify(fn.step.label)}, processSet: ${JSON.stringify(fn.process.name)}, self${self === "self" ? "" : `: ${self}`}, params: ${params}, next: ${path.draft} });`,
          );
          return;
        }
        case "if": {
          const cond = this.expr(st.cond, ctx);
          const nondeterministic = hasNondeterminism([st]);
          // Alternatives inside the if must each run the statements after it: move them into both branches.
          const [thenStmts, elseStmts] = nondeterministic && rest.length ? [[...st.then, ...rest], [...st.else, ...rest]] : [st.then, st.else];
          if (!(nondeterministic && rest.length) && rest.length && assigns([st])) this.ensureCopy(w, path);
          w.write(`if (${cond.code}) `).inlineBlock(() => this.block(w, thenStmts, { ...path, bound: new Map(path.bound) }, fn));
          if (elseStmts.length) w.write(" else ").inlineBlock(() => this.block(w, elseStmts, { ...path, bound: new Map(path.bound) }, fn));
          w.newLine();
          if (nondeterministic && rest.length) return;
          break;
        }
        case "either": {
          const key = `either@${st.loc.line}:${st.loc.column}`;
          st.branches.forEach((branch, j) => {
            const body = [...branch, ...rest];
            const label = hasDirectAwait(body) ? `branch${++this.labelCounter}` : null;
            w.writeLine(`// either, branch ${j + 1} of ${st.branches.length} (${st.loc.file}:${st.loc.line})`);
            w.write(label ? `${label}: ` : "").inlineBlock(() =>
              this.block(w, body, { ...path, copied: false, exit: label ? `break ${label}` : path.exit, params: [...path.params, { key: JSON.stringify(key), value: String(j) }], bound: new Map(path.bound) }, fn),
            );
            w.newLine();
          });
          return;
        }
        case "choose": {
          const js = this.localName(st.name, path.bound);
          const setType = this.typeOf(st.set, path.bound, fn.process);
          const element = this.elementOf(setType);
          const set = this.expr(st.set, ctx);
          const bound = new Map(path.bound).set(st.name, { code: js, type: element });
          const value = this.toJson(element, js, 0);
          w.write(`for (const ${js} of ${set.code}) `).inlineBlock(() =>
            this.block(w, [...st.body, ...rest], { ...path, copied: false, exit: "continue", params: [...path.params, { key: propName(st.name), value }], bound }, fn),
          );
          w.newLine();
          return;
        }
        case "let": {
          const js = this.localName(st.name, path.bound);
          const valueType = this.typeOf(st.value, path.bound, fn.process);
          w.writeLine(`const ${js} = ${this.expr(st.value, ctx).code};`);
          path.bound.set(st.name, { code: js, type: valueType });
          this.block(w, [...st.body, ...rest], path, fn);
          return;
        }
      }
    }
  }

  /** Makes the path's state a private copy before its first write. */
  private ensureCopy(w: CodeBlockWriter, path: PathState): void {
    if (path.copied) return;
    const name = path.depth === 0 ? "t" : `t${path.depth}`;
    w.writeLine(`const ${name} = draft(${path.draft});`);
    path.draft = name;
    path.copied = true;
    path.depth += 1;
  }

  /**
   * One update of a variable from consecutive assignments. Their right-hand sides read the state
   * before the update (as in the TLA+ `[x EXCEPT ![i] = a, ![j] = b]`), so when a later one could
   * read the variable (through a helper) the values are computed first.
   */
  private assignments(w: CodeBlockWriter, group: Extract<Stmt, { kind: "assign" }>[], ctx: Ctx): void {
    const first = group[0];
    if (!first) return;
    const target = first.target;
    const variable =
      target.scope === "var" ? this.spec.variables.find((v) => v.name === target.name) : ctx.process?.locals.find((l) => l.name === target.name);
    if (!variable) throw new Error(`${this.spec.source}: ${ctx.where}: unknown variable ${target.name}`);
    const draft = ctx.state ?? "s";
    const holder = member(draft, target.name);
    const pre = group.length > 1 && group.slice(1).some((g) => containsCall(g));
    const prepared = group.map((g, gi) => {
      const indices = g.target.path.map((p) => (p.kind === "index" ? this.nonNull(this.expr(p.index, ctx), this.typeOf(p.index, ctx.bound, ctx.process)) : null));
      const values = { value: this.expr(g.value, ctx, this.pathType(variable.type, g.target)).code, indices };
      if (!pre) return values;
      const v = `v${gi}`;
      w.writeLine(`const ${v} = ${values.value};`);
      const temps = values.indices.map((ix, k) => {
        if (!ix) return null;
        w.writeLine(`const k${gi}_${k} = ${ix.code};`);
        return code(`k${gi}_${k}`);
      });
      return { value: v, indices: temps };
    });
    group.forEach((g, gi) => {
      const p = prepared[gi];
      if (!p) return;
      let path = g.target.path.map((seg, k) => ({ seg, index: p.indices[k] ?? null }));
      let type: VT = variable.type;
      if (target.scope === "local") {
        const pos = this.position({ kind: "named", name: ctx.process?.over ?? "" }, code("self"), ctx);
        type = { kind: "map", key: { kind: "named", name: ctx.process?.over ?? "" }, value: variable.type };
        path = [{ seg: { kind: "index", index: { kind: "self" } }, index: pos }, ...path];
        // The local's own position needs no translation below: mark it already positioned.
        w.writeLine(`${holder} = ${this.update(holder, type, path, p.value, ctx, true)};`);
        return;
      }
      if (path.length === 0) {
        w.writeLine(`${holder} = ${p.value};`);
        return;
      }
      w.writeLine(`${holder} = ${this.update(holder, type, path, p.value, ctx, false)};`);
    });
  }

  /** The declared type of an assignment target's part. */
  private pathType(type: Type, target: LValue): VT {
    let t: VT = type;
    for (const seg of target.path) {
      const r = this.resolve(t);
      if (seg.kind === "index") t = r.kind === "map" ? r.value : UNKNOWN;
      else {
        const rec = r.kind === "optional" ? this.resolve(r.value) : r;
        t = rec.kind === "record" ? (rec.fields.find((f) => f.name === seg.field)?.type ?? UNKNOWN) : UNKNOWN;
      }
    }
    return t;
  }

  /** Code for `current` with the part at `path` replaced by `value` (copying only that path). */
  private update(
    current: string,
    type: VT,
    path: { seg: LValue["path"][number]; index: Code | null }[],
    value: string,
    ctx: Ctx,
    firstPositioned: boolean,
  ): string {
    const [head, ...tail] = path;
    if (!head) return value;
    const r = this.resolve(type);
    if (head.seg.kind === "index") {
      if (r.kind !== "map") throw new Error(`${this.spec.source}: ${ctx.where}: cannot index a value that is not a map`);
      const index = head.index ?? code("undefined");
      const pos = firstPositioned ? index : this.position(r.key, index, ctx);
      this.usedRuntime.add("put");
      const inner = tail.length ? this.update(`${current}[${pos.code}]`, r.value, tail, value, ctx, false) : value;
      return `put(${current}, ${pos.code}, ${inner})`;
    }
    const field = head.seg.field;
    const rec = r.kind === "optional" ? this.resolve(r.value) : r;
    const fieldType = rec.kind === "record" ? (rec.fields.find((f) => f.name === field)?.type ?? UNKNOWN) : UNKNOWN;
    const base = r.kind === "optional" ? `${current}!` : current;
    const inner = tail.length ? this.update(member(base, field), fieldType, tail, value, ctx, false) : value;
    // A record literal with every field (in canonical order) rather than a spread: records built by
    // one literal shape share a hidden class, which keeps the explorer's property reads fast.
    if (rec.kind === "record" && rec.fields.length <= 6)
      return `{ ${sortedFields(rec)
        .map((f) => `${propName(f.name)}: ${f.name === field ? inner : member(base, f.name)}`)
        .join(", ")} }`;
    return `{ ...${base}, ${propName(field)}: ${inner} }`;
  }

  // -------------------------------------------------------------------------------------------
  // JSON and encoding

  /** Code converting the representation `v` (a name or property path) of a `t` value to JSON. */
  private toJson(t: VT, v: string, depth: number): string {
    const r = this.resolve(t);
    const x = depth === 0 ? "x" : `x${depth}`;
    switch (r.kind) {
      case "bool":
      case "int":
      case "anyInt":
      case "enum":
      case "label":
      case "null":
        return v;
      case "unknown":
        return `${v} as Json`;
      case "optional": {
        const inner = this.toJson(r.value, v, depth);
        return inner === v ? v : `${v} === null ? null : ${inner}`;
      }
      case "record":
        return `{ ${r.fields.map((f) => `${propName(f.name)}: ${this.toJson(f.type, member(v, f.name), depth)}`).join(", ")} }`;
      case "set": {
        const inner = this.toJson(r.element, x, depth + 1);
        return inner === x ? `[...${v}]` : `${v}.map((${x}) => ${inner.startsWith("{") ? `(${inner})` : inner})`;
      }
      case "map":
        return this.mapJson(r.key, r.value, v, depth);
    }
  }

  private mapJson(key: Type, value: Type, v: string, depth: number): string {
    this.usedRuntime.add("objectOf");
    const x = depth === 0 ? "x" : `x${depth}`;
    const keysCode = this.keysJson(key, this.fnCtx("s", null, new Map(), "toJson"));
    const inner = this.toJson(value, x, depth + 1);
    return inner === x ? `objectOf(${keysCode}, ${v})` : `objectOf(${keysCode}, ${v}, (${x}) => ${inner.startsWith("{") ? `(${inner})` : inner})`;
  }

  /** The TypeScript type a JSON value of type `t` only needs casting to (null when it needs converting). */
  private jsonCast(t: VT): string | null {
    const r = this.resolve(t);
    switch (r.kind) {
      case "bool":
        return "boolean";
      case "int":
      case "anyInt":
        return "number";
      case "enum":
      case "label":
        return this.tsType(t.kind === "named" ? t : r);
      case "null":
        return "null";
      case "optional": {
        const inner = this.jsonCast(r.value);
        return inner ? `${inner} | null` : null;
      }
      default:
        return null;
    }
  }

  /** Code converting JSON `j` to the representation of a `t` value. */
  private fromJson(t: VT, j: string, ctx: Ctx, depth: number): string {
    const r = this.resolve(t);
    const cast = this.jsonCast(t);
    if (cast) return `${j} as ${cast}`;
    const x = `j${depth + 1}`;
    const lambda = (body: string) => `(${x}) => ${body.startsWith("{") ? `(${body})` : body}`;
    // A compound value reads its JSON more than once: name it first unless it already is a name.
    const named = (build: (name: string) => string): string => {
      if (identifierRe.test(j)) return build(j);
      this.usedRuntime.add("read");
      return `read(${j}, ${lambda(build(x))})`;
    };
    switch (r.kind) {
      case "unknown":
        return j;
      case "optional":
        return named((v) => `${v} === null ? null : ${this.fromJson(r.value, v, ctx, depth + 1)}`);
      case "record":
        this.usedRuntime.add("field");
        return named((v) => `{ ${sortedFields(r).map((f) => `${propName(f.name)}: ${this.fromJson(f.type, `field(${v}, ${JSON.stringify(f.name)})`, ctx, depth + 1)}`).join(", ")} }`);
      case "set":
        this.usedRuntime.add("setOf");
        this.usedRuntime.add("asArray");
        return `setOf(asArray(${j}).map(${lambda(this.fromJson(r.element, x, ctx, depth + 1))}))`;
      case "map":
        return this.valuesOf(j, this.keysJson(r.key, ctx), lambda(this.fromJson(r.value, x, ctx, depth + 1)));
      default:
        return j;
    }
  }

  /** Code for a map's array from its JSON object `j`. */
  private valuesOf(j: string, keys: string, convert: string): string {
    this.usedRuntime.add("valuesOf");
    return `valuesOf(${j}, ${keys}, ${convert})`;
  }

  /** Code for the keys of a map over type `key` as JSON values, in position order. */
  private keysJson(key: Type, ctx: Ctx): string {
    const keys = this.enumeration(key, ctx);
    const j = this.toJson(key, "k", 1);
    return j === "k" ? keys : `${wrapMember(keys)}.map((k) => ${j.startsWith("{") ? `(${j})` : j})`;
  }

  /** Statements writing the canonical integer encoding of `v` into `out` at `n`, advancing `n`. */
  private encode(w: CodeBlockWriter, t: VT, v: string, depth: number): void {
    const r = this.resolve(t);
    const x = depth === 0 ? "x" : `x${depth}`;
    switch (r.kind) {
      case "bool":
        w.writeLine(`out[n++] = ${v} ? 1 : 0;`);
        return;
      case "int":
      case "anyInt":
        w.writeLine(`out[n++] = ${v};`);
        return;
      case "enum":
        w.writeLine(`out[n++] = ${this.enumTable(r.values)}[${v}];`);
        return;
      case "label":
        w.writeLine(`out[n++] = labelIndex[${v}];`);
        return;
      case "null":
      case "unknown":
        this.usedRuntime.add("encodeValue");
        w.writeLine(`n = encodeValue(${v}, out, n);`);
        return;
      case "optional":
        w.write(`if (${v} === null) out[n++] = 0;`).newLine();
        w.write("else ").inlineBlock(() => {
          w.writeLine("out[n++] = 1;");
          this.encode(w, r.value, v, depth);
        });
        w.newLine();
        return;
      case "record":
        for (const f of sortedFields(r)) this.encode(w, f.type, member(v, f.name), depth);
        return;
      case "set":
      case "map": {
        if (r.kind === "set") w.writeLine(`out[n++] = ${v}.length;`);
        const element = r.kind === "set" ? r.element : r.value;
        const inner = this.resolve(element);
        // Flat arrays of scalars go through small index-loop helpers: this is the explorer's hot path.
        if (inner.kind === "bool" || inner.kind === "int" || inner.kind === "anyInt") {
          const helper = inner.kind === "bool" ? "bits" : "ints";
          this.usedRuntime.add(helper);
          w.writeLine(`n = ${helper}(${v}, out, n);`);
          return;
        }
        if (inner.kind === "enum") {
          this.usedRuntime.add("tags");
          w.writeLine(`n = tags(${v}, ${this.enumTable(inner.values)}, out, n);`);
          return;
        }
        w.write(`for (const ${x} of ${v}) `).inlineBlock(() => this.encode(w, element, x, depth + 1));
        w.newLine();
        return;
      }
    }
  }

  /** A membership test of `v` in type `t` for what the TypeScript types cannot guarantee (int bounds). */
  private typeCheck(t: VT, v: string, ctx: Ctx, depth: number): Code | null {
    const r = this.resolve(t);
    const x = depth === 0 ? "x" : `x${depth}`;
    switch (r.kind) {
      case "int": {
        const b = this.boundsCtx(ctx);
        return code(`${v} >= ${wrap(this.expr(r.lo, b), PREC.rel + 1)} && ${v} <= ${wrap(this.expr(r.hi, b), PREC.rel + 1)}`, PREC.and);
      }
      case "optional": {
        const inner = this.typeCheck(r.value, v, ctx, depth);
        return inner ? code(`${v} === null || ${inner.prec <= PREC.and ? `(${inner.code})` : inner.code}`, PREC.or) : null;
      }
      case "record": {
        const parts = r.fields.map((f) => this.typeCheck(f.type, member(v, f.name), ctx, depth)).filter((p): p is Code => p !== null);
        return parts.length ? allOf(parts) : null;
      }
      case "set":
      case "map": {
        const inner = this.typeCheck(r.kind === "set" ? r.element : r.value, x, ctx, depth + 1);
        return inner ? code(`${v}.every((${x}) => ${inner.code})`, PREC.member) : null;
      }
      default:
        return null;
    }
  }

  // -------------------------------------------------------------------------------------------
  // The module

  render(): string {
    const spec = this.spec;
    const variantNames: (string | null)[] = [null, ...spec.variants.map((v) => v.name)];
    const specs = variantNames.map((v) => ({ name: v, spec: applyVariant(spec, v) }));

    // Step functions: one per distinct (step, fall-through label); variants reuse the base ones.
    const functions = new Map<string, StepFunction>();
    const perVariant = specs.map(({ name, spec: vs }) => ({
      name,
      spec: vs,
      dispatch: vs.processes.map((p) => ({
        process: p,
        steps: p.steps.map((step, i) => {
          const next = nextLabel(p, i);
          const key = JSON.stringify([p.name, step, next]);
          let fn = functions.get(key);
          if (!fn) {
            const taken = [...functions.values()].some((f) => f.step.label === step.label);
            fn = { name: this.values.take(taken && name ? `${step.label}_${name}` : step.label), step, process: p, next };
            functions.set(key, fn);
          }
          return fn;
        }),
      })),
    }));
    const successorNames = perVariant.map((v) => this.values.take(v.name ? `successors_${v.name}` : "successors"));
    const initNames = perVariant.map((v) => this.values.take(v.name ? `initialStates_${v.name}` : "initialStates"));
    const invariantNames = spec.invariants.map((inv) => this.values.take(inv.name));

    // Bodies are generated first: they register the tables and enumerations the declarations need.
    const stepStructures = [...functions.values()].map((fn) => this.stepFunction(fn));
    const successorStructures = perVariant.map((v, i) => this.successorsFunction(v.name, v.dispatch, successorNames[i] ?? "successors"));
    successorStructures.push(this.applyStepFunction(perVariant.map((v, i) => ({ name: v.name, fn: successorNames[i] ?? "successors" }))));
    const initStructures = perVariant.map((v, i) => this.initFunction(v.name, v.spec, initNames[i] ?? "initialStates"));
    const helperStructures = spec.definitions.map((d) => this.helperFunction(d));
    const invariantStructures = [this.typeOKFunction(), ...spec.invariants.map((inv, i) => this.invariantFunction(inv, invariantNames[i] ?? inv.name))];
    const jsonStructures = [this.stateToJsonFunction(), this.stateFromJsonFunction(), this.encodeFunction()];
    const modelStructures = this.modelStatements(perVariant.map((v, i) => ({ name: v.name, init: initNames[i] ?? "", successors: successorNames[i] ?? "" })), invariantNames);
    const bindStructure = this.bindFunction();

    const statements: (string | StatementStructures)[] = [
      this.header(),
      section("Types"),
      ...this.typeStatements(),
      section("Configurations"),
      ...this.configStatements(),
      bindStructure,
      ...(this.multiProcess ? [this.slotOfFunction()] : []),
      section("Initial states"),
      ...initStructures,
      section("Steps"),
      ...successorStructures,
      ...stepStructures,
      ...(helperStructures.length ? [section("Helpers"), ...helperStructures] : []),
      section("Invariants"),
      ...invariantStructures,
      section("JSON and encoding"),
      ...jsonStructures,
      section("The model (the shape raidspec's engines use)"),
      ...modelStructures,
      section("Value helpers (TLA+ semantics on plain values)"),
      ...this.tableStatements(),
      ...this.runtimeStatements(),
    ];

    const project = new Project({
      useInMemoryFileSystem: true,
      manipulationSettings: { indentationText: IndentationText.TwoSpaces, newLineKind: NewLineKind.LineFeed, quoteKind: QuoteKind.Double },
    });
    const file = project.createSourceFile("reference.ts", "", { overwrite: true });
    file.addStatements(statements.flatMap((st, i) => (i === 0 ? [st] : [BLANK, st])));
    file.formatText({
      indentSize: 2,
      tabSize: 2,
      convertTabsToSpaces: true,
      newLineCharacter: "\n",
      insertSpaceAfterOpeningAndBeforeClosingNonemptyBraces: true,
    });
    const text = file
      .getFullText()
      .split("\n")
      .map((line) => (line.trim() === BLANK ? "" : line))
      .join("\n");
    return `${text.replace(/\n{3,}/g, "\n\n").trimEnd()}\n`;
  }

  private header(): string {
    const lines = [
      `${this.spec.name}: the reference library generated by raidspec from ${this.spec.source}.`,
      `Do not edit: change the spec and run \`raidspec gen ${this.specArg}\`.`,
      ...(this.spec.doc ? ["", ...this.spec.doc.split("\n")] : []),
      "",
      "Plain, dependency-free TypeScript: the state type, the initial states, the enabled steps of a state",
      "(with the process taking each and its nondeterministic choices), the invariants and the",
      "configurations. `model` bundles them for raidspec's native explorer and for tests that drive a real",
      "implementation side by side with this reference.",
      "",
      "Representation: a map is an array indexed by the key's position in its domain (`key - lo` for an",
      "integer range), a set is a sorted array without duplicates, a record is an object, none is null, and",
      "`pc` holds one label per process. States are immutable: a step copies only what it changes.",
      "`toJson`/`fromJson` convert to and from the canonical JSON form used in traces.",
    ];
    return `/*\n${lines.map((l) => (l ? ` * ${docText(l)}` : " *")).join("\n")}\n */`;
  }

  private typeStatements(): (string | StatementStructures)[] {
    const out: (string | StatementStructures)[] = [];
    out.push({
      kind: StructureKind.TypeAlias,
      name: "Json",
      isExported: true,
      docs: ["A value as plain JSON: the canonical form of states in traces."],
      type: "null | boolean | number | string | Json[] | { [key: string]: Json }",
    });
    for (const d of this.spec.domains)
      out.push({
        kind: StructureKind.TypeAlias,
        name: this.domainTypes.get(d.name) ?? d.name,
        isExported: true,
        docs: [docText(`${d.doc ? `${d.doc}\n\n` : ""}A value of the domain ${d.name} == ${this.describeType(d.type)}.`)],
        type: this.tsType(this.resolve(d.type)),
      });
    out.push({
      kind: StructureKind.TypeAlias,
      name: "Label",
      isExported: true,
      docs: ["A step label (the value of a process's pc), of any variant; Done after a process's last step."],
      type: this.labels.map((l) => JSON.stringify(l)).join(" | "),
    });
    if (this.multiProcess)
      out.push({
        kind: StructureKind.TypeAlias,
        name: "ProcessId",
        isExported: true,
        docs: ["The identity of a process of any process set."],
        type: [...new Set(this.spec.processes.map((p) => this.tsType({ kind: "named", name: p.over })))].join(" | "),
      });
    const locals = this.spec.processes.flatMap((p) => p.locals.map((l) => ({ l, p })));
    out.push({
      kind: StructureKind.Interface,
      name: "State",
      isExported: true,
      docs: ["A state of the model: the variables, each process set's locals, and pc."],
      properties: [
        ...this.spec.variables.map((v) => ({
          name: propName(v.name),
          isReadonly: true,
          type: this.tsType(v.type),
          docs: [docText(`${v.doc ? `${v.doc}\n\n` : ""}In ${this.describeType(v.type)}.`)],
        })),
        ...locals.map(({ l, p }) => ({
          name: propName(l.name),
          isReadonly: true,
          type: `readonly ${this.tsElement(l.type)}[]`,
          docs: [docText(`${l.doc ? `${l.doc}\n\n` : ""}Local of process set ${p.name}: a value in ${this.describeType(l.type)} per process of ${p.over}, by position.`)],
        })),
        {
          name: "pc",
          isReadonly: true,
          type: "readonly Label[]",
          docs: [
            this.multiProcess
              ? `The label of each process: the processes of ${this.spec.processes.map((p) => p.over).join(", then ")}, by position.`
              : `The label of each process of ${this.spec.processes[0]?.over ?? "no process set"}, by position.`,
          ],
        },
      ],
    });
    out.push({
      kind: StructureKind.TypeAlias,
      name: "Draft",
      docs: ["A step's private working copy of a state."],
      type: "{ -readonly [K in keyof State]: State[K] }",
    });
    const fields = [...this.spec.variables.map((v) => v.name), ...locals.map(({ l }) => l.name), "pc"];
    out.push({
      kind: StructureKind.Function,
      name: "draft",
      docs: [
        "A copy of a state to work on. Every state is built by this one object literal, so all states share one hidden class in the JavaScript engine and reading them stays fast.",
      ],
      parameters: [{ name: "s", type: "State" }],
      returnType: "Draft",
      statements: `return { ${fields.map((f) => `${propName(f)}: ${member("s", f)}`).join(", ")} };`,
    });
    out.push({
      kind: StructureKind.Interface,
      name: "Transition",
      isExported: true,
      docs: ["One enabled step of a state: who takes it, with which choices, and the state after it."],
      properties: [
        { name: "step", type: "string", docs: ["The step label (= the TLA+ action name)."] },
        { name: "processSet", type: "string" },
        { name: "self", type: "Json", docs: ["The identity of the process taking the step."] },
        { name: "params", type: "Record<string, Json>", docs: ["Values chosen by `choose`, and `either@line:col` → the branch taken."] },
        { name: "next", type: "State" },
      ],
    });
    return out;
  }

  /** A type in TLA+ notation, for docs. */
  private describeType(t: Type): string {
    return renderType(t, plainContext(this.defs)).replace(/\\cup \{NoValue\}/g, "\\cup {none}");
  }

  private configStatements(): StatementStructures[] {
    const constants = this.spec.constants.map((c) => ({ name: propName(c.name), isReadonly: true, type: this.tsType(c.type), docs: c.doc ? [docText(c.doc)] : [] }));
    const domains = this.boundDomains.map((d) => ({
      name: propName(d.name),
      isReadonly: true,
      type: `readonly ${this.tsElement({ kind: "named", name: d.name })}[]`,
      docs: [docText(`The values of ${d.name}, sorted.`)],
    }));
    // Enumerations hoisted while the bodies were written.
    const hoisted = [...this.hoisted.values()].map((h) => ({ name: h.field, isReadonly: true, type: `readonly ${this.tsElement(h.type)}[]` }));
    const processFields = this.multiProcess
      ? [
          { name: "pcBase", isReadonly: true, type: `{ ${this.spec.processes.map((p) => `readonly ${propName(p.name)}: number`).join("; ")} }`, docs: ["Where each process set's slots start in pc."] },
          { name: "processes", isReadonly: true, type: "readonly ProcessId[]", docs: ["Every process identity, in pc order."] },
        ]
      : [];
    return [
      {
        kind: StructureKind.Interface,
        name: "Env",
        isExported: true,
        docs: ["A configuration's constants with every domain enumerated: computed once by `bind`."],
        properties: [...constants, ...domains, ...hoisted, ...processFields],
      },
      {
        kind: StructureKind.VariableStatement,
        declarationKind: VariableDeclarationKind.Const,
        isExported: true,
        docs: ["The named configurations: constant values as JSON, and the variant each checks by default."],
        declarations: [
          {
            name: "configs",
            type: "Record<string, { constants: Record<string, Json>; variant: string | null }>",
            initializer: (w) => {
              w.write("{").indent(() => {
                for (const c of this.spec.configs) {
                  const constants = c.constants.map((k) => `${propName(k.name)}: ${JSON.stringify(k.value)}`).join(", ");
                  const variant = c.variant && c.variant !== this.spec.baseVariant ? JSON.stringify(c.variant) : "null";
                  w.writeLine(`${propName(c.name)}: { constants: {${constants ? ` ${constants} ` : ""}}, variant: ${variant} },`);
                }
              });
              w.write("}");
            },
          },
        ],
      },
    ];
  }

  private bindFunction(): StatementStructures {
    const locals = new Names([...RUNTIME_NAMES, ...JS_RESERVED, "constants"]);
    const localOf = new Map<string, string>();
    for (const c of this.spec.constants) localOf.set(c.name, locals.take(c.name));
    for (const d of this.spec.domains) localOf.set(d.name, locals.take(d.name));
    const ctx: Ctx = { state: null, process: null, ref: (name) => localOf.get(name) ?? name, hoist: false, bound: new Map(), where: "bind" };
    // Enumerating a domain nobody iterates could be huge (a setOf or mapOf domain): only what is used.
    const needed = new Set<string>();
    const need = (name: string): void => {
      const d = this.domains.get(name);
      if (!d || needed.has(name)) return;
      needed.add(name);
      for (const dep of typeDomains(d.type)) need(dep);
    };
    for (const name of this.usedRefs) need(name);
    for (const h of this.hoisted.values()) for (const dep of typeDomains(h.type)) need(dep);
    if (this.multiProcess) for (const p of this.spec.processes) need(p.over);
    this.boundDomains = this.spec.domains.filter((d) => needed.has(d.name));
    this.usedRuntime.add("constant");
    return {
      kind: StructureKind.Function,
      name: "bind",
      isExported: true,
      docs: ["The environment of a configuration: its constants (as JSON, sets as arrays) converted, and every domain enumerated."],
      parameters: [{ name: "constants", type: "Record<string, Json>" }],
      returnType: "Env",
      statements: written((w) => {
        for (const c of this.spec.constants) {
          const local = localOf.get(c.name) ?? c.name;
          w.writeLine(`const ${local}: ${this.tsType(c.type)} = ${this.fromJson(c.type, `constant(constants, ${JSON.stringify(c.name)})`, ctx, 0)};`);
        }
        for (const d of this.boundDomains) {
          const local = localOf.get(d.name) ?? d.name;
          w.writeLine(`const ${local}: readonly ${this.tsElement({ kind: "named", name: d.name })}[] = ${this.enumerationCode(d.type, ctx)};`);
        }
        const fields = [
          ...this.spec.constants.map((c) => ({ name: c.name, value: localOf.get(c.name) ?? c.name })),
          ...this.boundDomains.map((d) => ({ name: d.name, value: localOf.get(d.name) ?? d.name })),
          ...[...this.hoisted.values()].map((h) => ({ name: h.field, value: this.enumerationCode(h.type, ctx) })),
        ];
        if (this.multiProcess) {
          let offset = "0";
          const bases: string[] = [];
          for (const p of this.spec.processes) {
            bases.push(`${propName(p.name)}: ${offset}`);
            offset = `${offset === "0" ? "" : `${offset} + `}${ctx.ref(p.over)}.length`;
          }
          w.writeLine(`const processes: readonly ProcessId[] = [${this.spec.processes.map((p) => `...${ctx.ref(p.over)}`).join(", ")}];`);
          this.usedRuntime.add("setOf");
          w.writeLine("// pc has one entry per identity: process sets must not share one.");
          w.writeLine(`if (setOf(processes).length !== processes.length) throw new Error("Two process sets share a process identity");`);
          fields.push({ name: "pcBase", value: `{ ${bases.join(", ")} }` }, { name: "processes", value: "processes" });
        }
        w.writeLine(`return { ${fields.map((f) => (f.name === f.value ? f.name : `${propName(f.name)}: ${f.value}`)).join(", ")} };`);
      }),
    };
  }

  private slotOfFunction(): StatementStructures {
    this.usedRuntime.add("equals");
    return {
      kind: StructureKind.Function,
      name: "slotOf",
      docs: ["The position of a process in pc."],
      parameters: [
        { name: "env", type: "Env" },
        { name: "id", type: "ProcessId" },
      ],
      returnType: "number",
      statements: [
        "const slot = env.processes.findIndex((p) => equals(p, id));",
        "if (slot < 0) throw new Error(`${JSON.stringify(id)} is not a process`);",
        "return slot;",
      ].join("\n"),
    };
  }

  private initFunction(variant: string | null, vs: Spec, name: string): StatementStructures {
    const ctx = this.fnCtx(null, null, new Map(), "init");
    return {
      kind: StructureKind.Function,
      name,
      isExported: true,
      docs: [`The initial states${variant ? ` of variant ${JSON.stringify(variant)}` : ""}: every variable at its initial value, every process at its first step.`],
      parameters: [{ name: "env", type: "Env" }],
      returnType: "State[]",
      statements: written((w) => {
        w.write("return [").indent(() => {
          w.write("draft({").indent(() => {
            for (const v of vs.variables) w.writeLine(`${propName(v.name)}: ${this.expr(v.init, ctx, v.type).code},`);
            for (const p of vs.processes)
              for (const l of p.locals) {
                const pctx: Ctx = { ...ctx, process: p, bound: new Map([["self", { code: "self", type: { kind: "named", name: p.over } }]]) };
                const value = this.expr(l.init, pctx, l.type);
                const annot = this.hasStrings(l.type) ? `: ${this.tsType(l.type)}` : "";
                w.writeLine(`${propName(l.name)}: ${ctx.ref(p.over)}.map((${usesSelf(l.init) ? "self" : ""})${annot} => ${value.code.startsWith("{") ? `(${value.code})` : value.code}),`);
              }
            const pcs = vs.processes.map((p) => `${ctx.ref(p.over)}.map((): Label => ${JSON.stringify(p.steps[0]?.label ?? "Done")})`);
            w.writeLine(`pc: ${pcs.length === 0 ? "[]" : pcs.length === 1 ? pcs[0] : `[${pcs.map((x) => `...${x}`).join(", ")}]`},`);
          });
          w.write("}),");
        });
        w.write("];");
      }),
    };
  }

  private successorsFunction(variant: string | null, dispatch: { process: Process; steps: StepFunction[] }[], name: string): StatementStructures {
    return {
      kind: StructureKind.Function,
      name,
      isExported: true,
      docs: [
        `Every enabled step of \`s\`${variant ? ` in variant ${JSON.stringify(variant)}` : " (base steps)"}, in a fixed order: process by process, then alternative by alternative.`,
      ],
      parameters: [
        { name: "env", type: "Env" },
        { name: "s", type: "State" },
      ],
      returnType: "Transition[]",
      statements: written((w) => {
        w.writeLine("const out: Transition[] = [];");
        for (const { process, steps } of dispatch) {
          const ctx = this.fnCtx("s", process, new Map(), "successors");
          const slot = this.pcSlot(process, code("self"), ctx);
          w.write(`for (const self of ${ctx.ref(process.over)}) `).inlineBlock(() => {
            w.write(`switch (s.pc[${slot.code}]) `).inlineBlock(() => {
              for (const fn of steps) {
                w.writeLine(`case ${JSON.stringify(fn.step.label)}:`);
                w.indent(() => {
                  w.writeLine(`${fn.name}(env, s, self, out);`);
                  w.writeLine("break;");
                });
              }
            });
          });
          w.newLine();
        }
        w.writeLine("return out;");
      }),
    };
  }

  private applyStepFunction(variants: { name: string | null; fn: string }[]): StatementStructures {
    this.usedRuntime.add("equals");
    const table = variants.map((v) => `[${v.name === null ? "null" : JSON.stringify(v.name)}, ${v.fn}]`).join(", ");
    return {
      kind: StructureKind.Function,
      name: "applyStep",
      isExported: true,
      docs: [
        "The states that one step can lead to: `step` taken by process `self` from `s`, with the given choices (a `choose` value by name, `either@line:col` → branch). Several states when choices are left open; none when the step is not enabled. For driving an implementation side by side with the reference.",
      ],
      parameters: [
        { name: "env", type: "Env" },
        { name: "s", type: "State" },
        { name: "step", type: "string" },
        { name: "self", type: "Json" },
        { name: "params", type: "Record<string, Json>", initializer: "{}" },
        { name: "variant", type: "string | null", initializer: "null" },
      ],
      returnType: "State[]",
      statements: [
        `const byVariant = new Map<string | null, (env: Env, s: State) => Transition[]>([${table}]);`,
        "const successorsOf = byVariant.get(variant);",
        "if (!successorsOf) throw new Error(`no variant ${variant}`);",
        "return successorsOf(env, s)",
        "  .filter((t) => t.step === step && equals(t.self, self) && Object.keys(params).every((k) => equals(t.params[k], params[k])))",
        "  .map((t) => t.next);",
      ].join("\n"),
    };
  }

  private helperFunction(d: Definition): StatementStructures {
    const types = this.helperParams.get(d.name) ?? [];
    const params = d.params.map((p, i) => ({ name: p, js: this.localName(p, new Map()), type: types[i] ?? UNKNOWN }));
    const bound = new Map(params.map((p) => [p.name, { code: p.js, type: p.type }]));
    const ctx = this.fnCtx("s", null, bound, `helper ${d.name}`);
    const body = this.expr(d.body, ctx);
    const result = this.typeOf(d.body, bound, null);
    const returnType = result.kind === "bool" ? "boolean" : result.kind === "anyInt" || result.kind === "int" ? "number" : undefined;
    return {
      kind: StructureKind.Function,
      name: this.helperNames.get(d.name) ?? d.name,
      isExported: true,
      docs: [docText(`${d.doc ? `${d.doc}\n\n` : ""}Helper ${d.name} (${d.loc.file}:${d.loc.line}); reads the state it is given.`)],
      parameters: [{ name: "env", type: "Env" }, { name: "s", type: "State" }, ...params.map((p) => ({ name: p.js, type: this.tsType(p.type) }))],
      returnType,
      statements: [`return ${body.code};`],
    };
  }

  private typeOKFunction(): StatementStructures {
    const ctx = this.fnCtx("s", null, new Map(), "TypeOK");
    const parts: Code[] = [];
    for (const v of this.spec.variables) {
      const c = this.typeCheck(v.type, member("s", v.name), ctx, 0);
      if (c) parts.push(c);
    }
    for (const p of this.spec.processes)
      for (const l of p.locals) {
        const c = this.typeCheck(l.type, "x", ctx, 1);
        if (c) parts.push(code(`${member("s", l.name)}.every((x) => ${c.code})`, PREC.member));
      }
    return {
      kind: StructureKind.Function,
      name: "TypeOK",
      isExported: true,
      docs: [
        "Every variable is in its type (the generated TypeOK). The TypeScript types already hold booleans, tags, labels and map keys; what is checked here is what they cannot: integer bounds, at every depth.",
      ],
      parameters: [
        { name: "env", type: "Env" },
        { name: "s", type: "State" },
      ],
      returnType: "boolean",
      statements: [`return ${parts.length ? allOf(parts).code : "true"};`],
    };
  }

  private invariantFunction(inv: Spec["invariants"][number], name: string): StatementStructures {
    const ctx = this.fnCtx("s", null, new Map(), `invariant ${inv.name}`);
    return {
      kind: StructureKind.Function,
      name,
      isExported: true,
      docs: [docText(`${inv.doc ? `${inv.doc}\n\n` : ""}Invariant ${inv.name} (${inv.loc.file}:${inv.loc.line}).`)],
      parameters: [
        { name: "env", type: "Env" },
        { name: "s", type: "State" },
      ],
      returnType: "boolean",
      statements: [`return ${this.expr(inv.body, ctx).code};`],
    };
  }

  private stateToJsonFunction(): StatementStructures {
    const entries: string[] = [];
    for (const v of this.spec.variables) entries.push(`${propName(v.name)}: ${this.toJson(v.type, member("s", v.name), 0)},`);
    const ctx = this.fnCtx("s", null, new Map(), "toJson");
    for (const p of this.spec.processes)
      for (const l of p.locals) entries.push(`${propName(l.name)}: ${this.mapJson({ kind: "named", name: p.over }, l.type, member("s", l.name), 0)},`);
    this.usedRuntime.add("objectOf");
    entries.push(`pc: objectOf(${this.processKeysJson(ctx)}, s.pc),`);
    return {
      kind: StructureKind.Function,
      name: "stateToJson",
      isExported: true,
      docs: ["The canonical JSON form of a state: maps as objects keyed by the key's text, sets as sorted arrays, none as null, locals and pc by process identity."],
      parameters: [
        { name: "env", type: "Env" },
        { name: "s", type: "State" },
      ],
      returnType: "{ [key: string]: Json }",
      statements: written((w) => {
        w.write("return {").indent(() => {
          for (const e of entries) w.writeLine(e);
        });
        w.write("};");
      }),
    };
  }

  private stateFromJsonFunction(): StatementStructures {
    const ctx = this.fnCtx(null, null, new Map(), "fromJson");
    const entries: string[] = [];
    this.usedRuntime.add("field");
    for (const v of this.spec.variables) entries.push(`${propName(v.name)}: ${this.fromJson(v.type, `field(json, ${JSON.stringify(v.name)})`, ctx, 0)},`);
    for (const p of this.spec.processes)
      for (const l of p.locals) {
        const body = this.fromJson(l.type, "j1", ctx, 1);
        const convert = `(j1) => ${body.startsWith("{") ? `(${body})` : body}`;
        entries.push(`${propName(l.name)}: ${this.valuesOf(`field(json, ${JSON.stringify(l.name)})`, this.keysJson({ kind: "named", name: p.over }, ctx), convert)},`);
      }
    entries.push(`pc: ${this.valuesOf('field(json, "pc")', this.processKeysJson(ctx), "(j1) => j1 as Label")},`);
    return {
      kind: StructureKind.Function,
      name: "stateFromJson",
      isExported: true,
      docs: ["A state from its canonical JSON form (the inverse of `stateToJson`)."],
      parameters: [
        { name: "env", type: "Env" },
        { name: "json", type: "{ [key: string]: Json }" },
      ],
      returnType: "State",
      statements: written((w) => {
        w.write("return draft({").indent(() => {
          for (const e of entries) w.writeLine(e);
        });
        w.write("});");
      }),
    };
  }

  /** Code for every process identity as JSON, in pc order. */
  private processKeysJson(ctx: Ctx): string {
    const only = this.spec.processes[0];
    if (!only) return "[]";
    if (!this.multiProcess) return this.keysJson({ kind: "named", name: only.over }, ctx);
    const scalar = this.spec.processes.every((p) => this.toJson({ kind: "named", name: p.over }, "k", 1) === "k");
    if (scalar) return "env.processes";
    return `[${this.spec.processes.map((p) => `...${this.keysJson({ kind: "named", name: p.over }, ctx)}`).join(", ")}]`;
  }

  private encodeFunction(): StatementStructures {
    return {
      kind: StructureKind.Function,
      name: "encode",
      isExported: true,
      docs: [
        "Writes a canonical integer encoding of `s` into `out` from index 0 and returns its length: within one configuration, two states are equal exactly when their encodings are. The explorer hashes it into a fingerprint (reusing `out`, so what lies past the length is stale).",
      ],
      parameters: [
        { name: "s", type: "State" },
        { name: "out", type: "number[]" },
      ],
      returnType: "number",
      statements: written((w) => {
        w.writeLine("let n = 0;");
        for (const v of this.spec.variables) this.encode(w, v.type, member("s", v.name), 0);
        for (const p of this.spec.processes) for (const l of p.locals) this.encode(w, { kind: "map", key: { kind: "named", name: p.over }, value: l.type }, member("s", l.name), 0);
        this.usedRuntime.add("tags");
        w.writeLine("n = tags(s.pc, labelIndex, out, n);");
        w.writeLine("return n;");
      }),
    };
  }

  private modelStatements(variants: { name: string | null; init: string; successors: string }[], invariantNames: string[]): StatementStructures[] {
    const stepsMeta = new Map<string, string>();
    const addSteps = (processName: string, steps: Step[]) => {
      for (const s of steps) {
        const key = `${processName}\u0000${s.label}`;
        if (stepsMeta.has(key)) continue;
        stepsMeta.set(
          key,
          `{ label: ${JSON.stringify(s.label)}, processSet: ${JSON.stringify(processName)}, ${s.models ? `models: ${JSON.stringify(s.models)}, ` : ""}line: ${s.loc.line}, column: ${s.loc.column} },`,
        );
      }
    };
    for (const p of this.spec.processes) addSteps(p.name, p.steps);
    for (const v of this.spec.variants) for (const vp of v.processes) addSteps(vp.process, vp.steps);
    const C = "Record<string, Json>";
    return [
      {
        kind: StructureKind.Interface,
        name: "Model",
        isExported: true,
        docs: ["What `model` offers: structurally raidspec's `ReferenceModel<State>` (engines/model.ts), without depending on raidspec."],
        properties: [
          { name: "name", type: "string" },
          { name: "source", type: "string" },
          { name: "configs", type: `Record<string, { constants: ${C}; variant: string | null }>` },
          { name: "steps", type: "{ label: string; processSet: string; models?: string; line: number; column: number }[]" },
          { name: "variants", type: `{ name: string | null; init(constants: ${C}): State[]; successors(state: State, constants: ${C}): Transition[] }[]` },
          { name: "init", type: `(constants: ${C}) => State[]` },
          { name: "invariants", type: `{ name: string; holds(state: State, constants: ${C}): boolean }[]` },
          { name: "toJson", type: `(state: State, constants?: ${C}) => { [key: string]: Json }` },
          { name: "fromJson", type: `(json: { [key: string]: Json }, constants: ${C}) => State` },
          { name: "encode", type: "(state: State, out: number[]) => number" },
        ],
      },
      {
        kind: StructureKind.VariableStatement,
        declarationKind: VariableDeclarationKind.Const,
        docs: ["Environments by constants object: binding is done once per configuration."],
        declarations: [{ name: "envCache", initializer: "new WeakMap<object, Env>()" }],
      },
      {
        kind: StructureKind.VariableStatement,
        declarationKind: VariableDeclarationKind.Let,
        docs: ["The environment bound last, for `toJson` called without constants."],
        declarations: [{ name: "latestEnv", type: "Env | undefined" }],
      },
      {
        kind: StructureKind.Function,
        name: "envOf",
        docs: ["The environment of a constants object (bound once, then cached)."],
        parameters: [{ name: "constants", type: C, hasQuestionToken: true }],
        returnType: "Env",
        statements: [
          "if (!constants) {",
          "  if (latestEnv) return latestEnv;",
          `  ${this.envNeedsConstants() ? 'throw new Error("Pass the constants: this spec\'s domains depend on them");' : "return bind({});"}`,
          "}",
          "let env = envCache.get(constants);",
          "if (!env) {",
          "  env = bind(constants);",
          "  envCache.set(constants, env);",
          "}",
          "latestEnv = env;",
          "return env;",
        ].join("\n"),
      },
      {
        kind: StructureKind.VariableStatement,
        declarationKind: VariableDeclarationKind.Const,
        isExported: true,
        docs: ["The model: what raidspec's native explorer, trace replay and conformance checks use."],
        declarations: [
          {
            name: "model",
            type: "Model",
            initializer: (w) => {
              w.write("{").indent(() => {
                w.writeLine(`name: ${JSON.stringify(this.spec.name)},`);
                w.writeLine(`source: ${JSON.stringify(this.spec.source)},`);
                w.writeLine("configs,");
                w.write("steps: [").indent(() => {
                  for (const s of stepsMeta.values()) w.writeLine(s);
                });
                w.writeLine("],");
                w.write("variants: [").indent(() => {
                  for (const v of variants)
                    w.writeLine(
                      `{ name: ${v.name ? JSON.stringify(v.name) : "null"}, init: (c) => ${v.init}(envOf(c)), successors: (state, c) => ${v.successors}(envOf(c), state) },`,
                    );
                });
                w.writeLine("],");
                w.writeLine(`init: (c) => ${variants[0]?.init ?? "initialStates"}(envOf(c)),`);
                w.write("invariants: [").indent(() => {
                  w.writeLine(`{ name: "TypeOK", holds: (state, c) => TypeOK(envOf(c), state) },`);
                  this.spec.invariants.forEach((inv, i) => w.writeLine(`{ name: ${JSON.stringify(inv.name)}, holds: (state, c) => ${invariantNames[i] ?? inv.name}(envOf(c), state) },`));
                });
                w.writeLine("],");
                w.writeLine("toJson: (state, c) => stateToJson(envOf(c), state),");
                w.writeLine("fromJson: (json, c) => stateFromJson(envOf(c), json),");
                w.writeLine("encode,");
              });
              w.write("}");
            },
          },
        ],
      },
    ];
  }

  /** Whether binding needs the constants: a constant exists (whose domains might read it). */
  private envNeedsConstants(): boolean {
    return this.spec.constants.length > 0;
  }

  private tableStatements(): StatementStructures[] {
    const tables: StatementStructures[] = [
      {
        kind: StructureKind.VariableStatement,
        declarationKind: VariableDeclarationKind.Const,
        docs: ["The position of each label, for the encoding."],
        declarations: [{ name: "labelIndex", type: "Readonly<Record<Label, number>>", initializer: `{ ${this.labels.map((l, i) => `${propName(l)}: ${i}`).join(", ")} }` }],
      },
    ];
    for (const { name, values } of this.enumTables.values())
      tables.push({
        kind: StructureKind.VariableStatement,
        declarationKind: VariableDeclarationKind.Const,
        docs: ["The position of each tag in its sorted domain (a map's array index)."],
        declarations: [
          {
            name,
            type: `Readonly<Record<${values.map((v) => JSON.stringify(v)).join(" | ") || "never"}, number>>`,
            initializer: `{ ${values.map((v, i) => `${propName(v)}: ${i}`).join(", ")} }`,
          },
        ],
      });
    return tables;
  }

  private runtimeStatements(): string[] {
    const needed = new Set<string>();
    const add = (name: string) => {
      if (needed.has(name)) return;
      needed.add(name);
      for (const dep of RUNTIME[name]?.deps ?? []) add(dep);
    };
    for (const name of this.usedRuntime) if (RUNTIME[name]) add(name);
    return Object.keys(RUNTIME)
      .filter((name) => needed.has(name))
      .map((name) => RUNTIME[name]?.text ?? "");
  }
}

// ---------------------------------------------------------------------------------------------
// Small IR queries

/** The conjunction of checks, each on its own terms. */
function allOf(parts: Code[]): Code {
  return code(parts.map((p) => (p.prec < PREC.and ? `(${p.code})` : p.code)).join(" && "), PREC.and);
}

function sortedFields(t: Extract<Type, { kind: "record" }>): { name: string; type: Type }[] {
  return [...t.fields].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Runs a body writer now (so what it registers is known before the declarations are written). */
function written(body: (w: CodeBlockWriter) => void): string {
  const w = new CodeBlockWriter({ indentNumberOfSpaces: 2, newLine: "\n", useSingleQuote: false, useTabs: false });
  body(w);
  return w.toString();
}

/** A line the printer turns into a blank line between top-level declarations. */
const BLANK = "//@blank@";

function section(title: string): string {
  return `// ${"-".repeat(93)}\n// ${title}\n${BLANK}`;
}

const wrapMember = (text: string): string => (/^[A-Za-z_$][\w$.]*$/.test(text) ? text : `(${text})`);

function usesBound(e: Expr, name: string): boolean {
  if (e.kind === "bound" && e.name === name) return true;
  if ((e.kind === "quant" || e.kind === "fn" || e.kind === "count" || e.kind === "filter") && e.name === name) return usesBound(e.set, name);
  return children(e).some((c) => usesBound(c, name));
}

/** The named domains a type mentions (its enumeration reads theirs). */
function typeDomains(t: Type): string[] {
  switch (t.kind) {
    case "named":
      return [t.name];
    case "map":
      return [...typeDomains(t.key), ...typeDomains(t.value)];
    case "set":
      return typeDomains(t.element);
    case "optional":
      return typeDomains(t.value);
    case "record":
      return t.fields.flatMap((f) => typeDomains(f.type));
    default:
      return [];
  }
}

function usesSelf(e: Expr): boolean {
  return e.kind === "self" || children(e).some(usesSelf);
}

function containsCall(s: Extract<Stmt, { kind: "assign" }>): boolean {
  const has = (e: Expr): boolean => e.kind === "call" || children(e).some(has);
  return has(s.value) || s.target.path.some((p) => p.kind === "index" && has(p.index));
}

function hasNondeterminism(stmts: Stmt[]): boolean {
  return stmts.some((s) => {
    switch (s.kind) {
      case "either":
      case "choose":
        return true;
      case "if":
        return hasNondeterminism(s.then) || hasNondeterminism(s.else);
      case "let":
        return hasNondeterminism(s.body);
      default:
        return false;
    }
  });
}

function assigns(stmts: Stmt[]): boolean {
  return stmts.some((s) => {
    switch (s.kind) {
      case "assign":
      case "goto":
        return true;
      case "if":
        return assigns(s.then) || assigns(s.else);
      case "either":
        return s.branches.some(assigns);
      case "choose":
      case "let":
        return assigns(s.body);
      default:
        return false;
    }
  });
}

/** Whether an await in these statements exits this alternative (not one nested inside it). */
function hasDirectAwait(stmts: Stmt[]): boolean {
  return stmts.some((s) => {
    switch (s.kind) {
      case "await":
        return true;
      case "if":
        return hasDirectAwait(s.then) || hasDirectAwait(s.else);
      case "let":
        return hasDirectAwait(s.body);
      default:
        return false;
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The value helpers emitted into a reference (only those it uses), in this order.

const RUNTIME: Record<string, { deps?: string[]; text: string }> = {
  put: {
    text: `/** The array \`a\` with position \`i\` set to \`v\`: a copy, or \`a\` itself when nothing changes. */
function put<T>(a: readonly T[], i: number, v: T): readonly T[] {
  if (a[i] === v) return a;
  const b = a.slice();
  b[i] = v;
  return b;
}`,
  },
  equals: {
    text: `/** Structural equality (records, maps and sets included), as TLA+'s \`=\`. */
function equals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equals(a[i], b[i])) return false;
    return true;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = Object.keys(ra);
  if (keys.length !== Object.keys(rb).length) return false;
  for (const k of keys) if (!equals(ra[k], rb[k])) return false;
  return true;
}`,
  },
  rank: {
    text: `/** The kind of a value, for ordering values of different kinds. */
function rank(v: unknown): number {
  if (v === null) return 0;
  switch (typeof v) {
    case "boolean":
      return 1;
    case "number":
      return 2;
    case "string":
      return 3;
    default:
      return Array.isArray(v) ? 4 : 5;
  }
}`,
  },
  compare: {
    deps: ["rank"],
    text: `/** The canonical order of values (numbers ascending, strings by code unit, arrays lexicographically): sets are sorted by it. */
function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  const ka = rank(a);
  const kb = rank(b);
  if (ka !== kb) return ka - kb;
  if (typeof a === "number") return a - (b as number);
  if (typeof a === "string") return a < (b as string) ? -1 : 1;
  if (typeof a === "boolean") return a ? 1 : -1;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    for (let i = 0; i < a.length && i < bb.length; i++) {
      const c = compare(a[i], bb[i]);
      if (c !== 0) return c;
    }
    return a.length - bb.length;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const k of Object.keys(ra)) {
    const c = compare(ra[k], rb[k]);
    if (c !== 0) return c;
  }
  return 0;
}`,
  },
  setOf: {
    deps: ["compare"],
    text: `/** The set of the given elements: sorted, without duplicates. */
function setOf<T>(xs: readonly T[]): readonly T[] {
  const sorted = [...xs].sort(compare);
  return sorted.filter((x, i) => i === 0 || compare(sorted[i - 1], x) !== 0);
}`,
  },
  indexIn: {
    deps: ["compare"],
    text: `/** The position of \`x\` in the sorted array \`xs\`, or -1. */
function indexIn<T>(xs: readonly T[], x: T): number {
  let lo = 0;
  let hi = xs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = compare(xs[mid], x);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}`,
  },
  has: {
    deps: ["indexIn"],
    text: `/** \`x \\in set\`. */
function has<T>(set: readonly T[], x: T): boolean {
  return typeof x === "object" && x !== null ? indexIn(set, x) >= 0 : set.includes(x);
}`,
  },
  union: {
    deps: ["compare"],
    text: `/** \`a \\cup b\`. */
function union<T>(a: readonly T[], b: readonly T[]): readonly T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const c = i >= a.length ? 1 : j >= b.length ? -1 : compare(a[i], b[j]);
    if (c <= 0) out.push(a[i++]);
    else out.push(b[j++]);
    if (c === 0) j++;
  }
  return out;
}`,
  },
  minus: {
    deps: ["indexIn"],
    text: `/** \`a \\ b\`. */
function minus<T>(a: readonly T[], b: readonly T[]): readonly T[] {
  return a.filter((x) => indexIn(b, x) < 0);
}`,
  },
  intersect: {
    deps: ["indexIn"],
    text: `/** \`a \\cap b\`. */
function intersect<T>(a: readonly T[], b: readonly T[]): readonly T[] {
  return a.filter((x) => indexIn(b, x) >= 0);
}`,
  },
  count: {
    text: `/** \`Cardinality({x \\in set : pred(x)})\`. */
function count<T>(set: readonly T[], pred: (x: T) => boolean): number {
  let n = 0;
  for (const x of set) if (pred(x)) n++;
  return n;
}`,
  },
  mod: {
    text: `/** TLA+'s \`a % b\` (for b > 0 the result is in 0..b-1, also for negative a, unlike JavaScript's). */
function mod(a: number, b: number): number {
  if (b <= 0) throw new Error(\`\${a} % \${b}: TLA+ defines % for a positive divisor only\`);
  const r = a % b;
  return r < 0 ? r + b : r;
}`,
  },
  div: {
    text: `/** TLA+'s \`a \\div b\` (rounds down). */
function div(a: number, b: number): number {
  if (b <= 0) throw new Error(\`\${a} \\\\div \${b}: TLA+ defines \\\\div for a positive divisor only\`);
  return Math.floor(a / b);
}`,
  },
  intRange: {
    text: `/** The integers lo..hi. */
function intRange(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let i = lo; i <= hi; i++) out.push(i);
  return out;
}`,
  },
  product: {
    text: `/** Every record with one value from each field's list (sorted, fields in alphabetical order). */
function product<F extends Record<string, readonly unknown[]>>(fields: F): { [K in keyof F]: F[K][number] }[] {
  let out: Record<string, unknown>[] = [{}];
  for (const [name, values] of Object.entries(fields)) out = out.flatMap((r) => values.map((v) => ({ ...r, [name]: v })));
  return out as { [K in keyof F]: F[K][number] }[];
}`,
  },
  subsets: {
    deps: ["compare"],
    text: `/** Every subset of the sorted \`xs\`, sorted. */
function subsets<T>(xs: readonly T[]): (readonly T[])[] {
  const out: T[][] = [];
  for (let mask = 0; mask < 2 ** xs.length; mask++) out.push(xs.filter((_, i) => (mask / 2 ** i) % 2 >= 1));
  return out.sort(compare);
}`,
  },
  functions: {
    text: `/** Every array of length n over \`values\`, in lexicographic order. */
function functions<T>(n: number, values: readonly T[]): (readonly T[])[] {
  let out: T[][] = [[]];
  for (let i = 0; i < n; i++) out = out.flatMap((prefix) => values.map((v) => [...prefix, v]));
  return out;
}`,
  },
  keyText: {
    text: `/** The text of a map key in JSON: the value itself for a scalar, its JSON otherwise. */
function keyText(key: Json): string {
  return typeof key === "object" && key !== null ? JSON.stringify(key) : String(key);
}`,
  },
  objectOf: {
    deps: ["keyText"],
    text: `/** A map (an array by key position) as a JSON object keyed by the keys' text. */
function objectOf<T>(keys: readonly Json[], values: readonly T[], toJson: (v: T) => Json = (v) => v as Json): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  keys.forEach((k, i) => {
    out[keyText(k)] = toJson(values[i] as T);
  });
  return out;
}`,
  },
  read: {
    text: `/** \`f(j)\`: names a JSON value that a conversion reads more than once. */
function read<T>(j: Json, f: (j: Json) => T): T {
  return f(j);
}`,
  },
  valuesOf: {
    deps: ["field", "keyText"],
    text: `/** A map's array (by key position) from its JSON object. */
function valuesOf<T>(j: Json, keys: readonly Json[], f: (v: Json) => T): T[] {
  return keys.map((k) => f(field(j, keyText(k))));
}`,
  },
  asArray: {
    text: `function asArray(j: Json): Json[] {
  if (!Array.isArray(j)) throw new Error(\`expected a JSON array, found \${JSON.stringify(j)}\`);
  return j;
}`,
  },
  asObject: {
    text: `function asObject(j: Json): { [key: string]: Json } {
  if (typeof j !== "object" || j === null || Array.isArray(j)) throw new Error(\`expected a JSON object, found \${JSON.stringify(j)}\`);
  return j;
}`,
  },
  field: {
    deps: ["asObject"],
    text: `/** A field of a JSON object, which must be there. */
function field(j: Json, name: string): Json {
  const value = asObject(j)[name];
  if (value === undefined) throw new Error(\`missing \${JSON.stringify(name)} in \${JSON.stringify(j)}\`);
  return value;
}`,
  },
  constant: {
    text: `/** A constant's value from a configuration, which must bind it. */
function constant(constants: Record<string, Json>, name: string): Json {
  const value = constants[name];
  if (value === undefined) throw new Error(\`the constant \${name} is not bound\`);
  return value;
}`,
  },
  bits: {
    text: `/** Encodes booleans as 0/1 at \`n\`; returns the new end. */
function bits(a: readonly boolean[], out: number[], n: number): number {
  for (let i = 0; i < a.length; i++) out[n++] = a[i] ? 1 : 0;
  return n;
}`,
  },
  ints: {
    text: `/** Encodes integers as themselves at \`n\`; returns the new end. */
function ints(a: readonly number[], out: number[], n: number): number {
  for (let i = 0; i < a.length; i++) out[n++] = a[i] as number;
  return n;
}`,
  },
  tags: {
    text: `/** Encodes tags (or labels) by their position in \`index\` at \`n\`; returns the new end. */
function tags<T extends string>(a: readonly T[], index: Readonly<Record<T, number>>, out: number[], n: number): number {
  for (let i = 0; i < a.length; i++) out[n++] = index[a[i] as T];
  return n;
}`,
  },
  encodeValue: {
    text: `/** Encodes a value whose type is not known statically (its JSON text, length first) at \`n\`; returns the new end. */
function encodeValue(v: unknown, out: number[], n: number): number {
  const text = JSON.stringify(v) ?? "";
  out[n++] = text.length;
  for (let i = 0; i < text.length; i++) out[n++] = text.charCodeAt(i);
  return n;
}`,
  },
};
