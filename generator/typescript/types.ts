/**
 * The base of the reference generator: the state of one generation (names allocated, helpers, tables
 * and runtime helpers used) and the value types — resolving domains, the TypeScript type of a value's
 * representation, and the inference of expression and helper parameter types.
 */
import type { Definition, DomainDecl, Expr, Process, Spec, Stmt, Type, Variable } from "../ir.ts";
import { children, pathIndices } from "../ir-walk.ts";
import { Bounds } from "./bounds.ts";
import { UNKNOWN, BOOL, ANY_INT, RUNTIME_NAMES, JS_RESERVED, LOCAL_NAMES, propName, Names, sortStrings, type VT, type Resolved } from "./shared.ts";

export abstract class TypeGenerator {
  protected readonly defs: Map<string, Definition>;
  protected readonly domains: Map<string, DomainDecl>;
  protected readonly values = new Names([...RUNTIME_NAMES, ...JS_RESERVED, ...LOCAL_NAMES]);
  private readonly types = new Names([
    "State", "Draft", "Env", "Label", "Json", "Transition", "Model", "ProcessId", "JsonObject", "Constants", ...JS_RESERVED,
  ]);
  /** Domain name → TS type alias. */
  protected readonly domainTypes = new Map<string, string>();
  /** Helper name → function name. */
  protected readonly helperNames = new Map<string, string>();
  /** Helper name → inferred parameter types. */
  protected readonly helperParams = new Map<string, VT[]>();
  /** Enum values (sorted, joined) → name of its index table. */
  protected readonly enumTables = new Map<string, { name: string; values: string[] }>();
  /** Hoisted enumerations of anonymous types: JSON of the type → env field. */
  protected readonly hoisted = new Map<string, { field: string; type: Type }>();
  protected readonly envFields = new Names([]);
  protected readonly usedRuntime = new Set<string>();
  /** Constants and domains the generated functions read from the environment. */
  protected readonly usedRefs = new Set<string>();
  /** The domains `bind` enumerates (those used, and those their enumerations need), in declaration order. */
  protected boundDomains: DomainDecl[] = [];
  protected readonly labels: string[];
  /** Every procedure's parameters and locals: variables of every process, stored by pc slot. */
  protected readonly procVars: Variable[];
  protected readonly procVarNames: ReadonlySet<string>;
  protected readonly multiProcess: boolean;
  /** What is statically known of integer values: where run-time checks can be left out. */
  protected readonly bounds: Bounds;

  constructor(protected readonly spec: Spec) {
    this.defs = new Map(spec.definitions.map((d) => [d.name, d]));
    this.domains = new Map(spec.domains.map((d) => [d.name, d]));
    const labels = [
      ...spec.processes.flatMap((p) => p.steps.map((s) => s.label)),
      ...spec.variants.flatMap((v) => v.processes.flatMap((vp) => vp.steps.map((s) => s.label))),
      ...spec.procedures.flatMap((p) => p.steps.map((s) => s.label)),
    ];
    this.procVars = spec.procedures.flatMap((p) => [...p.params, ...p.locals]);
    this.procVarNames = new Set(this.procVars.map((v) => v.name));
    this.labels = [...new Set([...labels, "Done"])];
    this.multiProcess = spec.processes.length > 1;
    this.bounds = new Bounds(spec);
    for (const d of spec.domains) this.domainTypes.set(d.name, this.types.take(d.name));
    for (const c of spec.constants) this.envFields.take(c.name);
    for (const d of spec.domains) this.envFields.take(d.name);
    for (const d of spec.definitions) this.helperNames.set(d.name, this.values.take(d.name));
    this.inferHelperParams();
  }

  protected resolve(t: VT): Resolved {
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

  protected isScalar(t: VT): boolean {
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
  protected hasStrings(t: VT): boolean {
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
      case "seq":
        return this.hasStrings(r.element);
      case "tuple":
        return r.elements.some((x) => this.hasStrings(x));
      default:
        return false;
    }
  }

  /** The TypeScript type of the representation of a value of type `t`. */
  protected tsType(t: VT): string {
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
      case "frame":
        return "Frame";
      case "seq":
        return `readonly ${this.tsElement(t.element)}[]`;
      case "tuple":
        return `readonly [${t.elements.map((x) => this.tsType(x)).join(", ")}]`;
    }
  }

  /** The type of an element of a sequence or tuple (the one at a literal position, for a tuple). */
  protected elementAt(t: VT, index: Expr | null): VT {
    const r = this.resolve(t);
    if (r.kind === "seq") return r.element;
    if (r.kind !== "tuple") return UNKNOWN;
    if (index?.kind === "int") return r.elements[index.value] ?? UNKNOWN;
    return r.elements.reduce<VT>((a, b) => this.join(a, b), UNKNOWN);
  }

  protected tsElement(t: VT): string {
    const text = this.tsType(t);
    return (/[|&]/.test(text) && !text.startsWith("{")) || text.startsWith("readonly ") ? `(${text})` : text;
  }

  protected elementOf(t: VT): VT {
    const r = this.resolve(t);
    return r.kind === "set" ? r.element : UNKNOWN;
  }

  protected join(a: VT, b: VT): VT {
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
  protected typeOf(e: Expr, bound: ReadonlyMap<string, { type: VT }>, process: Process | null, calls = new Set<string>()): VT {
    const t = (x: Expr, b = bound) => this.typeOf(x, b, process, calls);
    const withName = (name: string, type: VT) => new Map([...bound, [name, { type }]]);
    switch (e.kind) {
      case "bool":
        return BOOL;
      case "int":
        return ANY_INT;
      case "string":
        return { kind: "enum", values: [e.value] };
      case "model":
        return { kind: "enum", values: [e.name], model: true };
      case "none":
        return { kind: "null" };
      case "var":
        return this.spec.variables.find((v) => v.name === e.name)?.type ?? UNKNOWN;
      case "local":
        return this.findLocal(e.name, process)?.type ?? UNKNOWN;
      case "locals": {
        const owner = this.spec.processes.find((p) => p.locals.some((l) => l.name === e.name));
        const local = owner?.locals.find((l) => l.name === e.name);
        return owner && local ? { kind: "map", key: { kind: "named", name: owner.over }, value: local.type } : UNKNOWN;
      }
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
      case "anyOf":
        return this.elementOf(t(e.set));
      case "tuple":
        return { kind: "tuple", elements: e.elements.map((x) => t(x) as Type) };
      case "at":
        return this.elementAt(t(e.seq), e.index);
      case "len":
        return ANY_INT;
      case "head":
        return this.elementAt(t(e.seq), null);
      case "tail":
      case "subSeq":
        return t(e.seq);
      case "append": {
        const s = t(e.seq);
        return this.resolve(s).kind === "seq" ? s : UNKNOWN;
      }
      case "concat": {
        const l = t(e.left);
        return this.resolve(l).kind === "seq" ? l : t(e.right);
      }
    }
  }

  private findLocal(name: string, process: Process | null): { type: Type } | undefined {
    return (process?.locals ?? this.spec.processes.flatMap((p) => p.locals)).find((l) => l.name === name) ?? this.procVars.find((v) => v.name === name);
  }

  /** The TypeScript type of a process identity of any process set. */
  protected processIdType(): string {
    const only = this.spec.processes[0];
    return this.multiProcess || !only ? "ProcessId" : this.tsType({ kind: "named", name: only.over });
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
    const visitStmts = (stmts: Stmt[], bound: ReadonlyMap<string, { type: VT }>, process: Process | null): void => {
      for (const s of stmts) {
        switch (s.kind) {
          case "assign":
            visitExpr(s.value, bound, process);
            for (const ix of pathIndices(s.target.path)) visitExpr(ix, bound, process);
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
          case "macro":
            visitStmts(s.body, bound, process);
            break;
          case "call":
            for (const a of s.args) visitExpr(a, bound, process);
            break;
          case "return":
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
    for (const p of this.spec.procedures) for (const s of p.steps) visitStmts(s.body, none, null);
    for (const a of this.spec.actions) {
      const bound = new Map<string, { type: VT }>(a.param && a.over ? [[a.param, { type: { kind: "named", name: a.over } }]] : []);
      visitStmts(a.body, bound, null);
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
}
