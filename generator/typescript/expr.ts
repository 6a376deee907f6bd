/**
 * IR expressions → TypeScript code: enumerations of types, positions of keys in maps, pc slots, and
 * expressions with their precedence.
 */
import type { Expr, Process, Type } from "../ir.ts";
import { children } from "../ir-walk.ts";
import { PREC, code, wrap, RUNTIME_NAMES, JS_RESERVED, LOCAL_NAMES, propName, member, sortStrings, sortedFields, wrapMember, type Binding, type VT, type Code, type Ctx } from "./shared.ts";
import { TypeGenerator } from "./types.ts";
import { exprText, fitsInt32 } from "./bounds.ts";

export abstract class ExprGenerator extends TypeGenerator {
  /** Run-time checks generated so far (each can throw an EvaluationError). */
  protected checks = 0;
  /** Helpers whose evaluation can throw an EvaluationError (their own checks, or a helper they call). */
  protected checkedHelpers = new Set<string>();

  /**
   * A function body that adds what it evaluates (`context`, code for a string) to an EvaluationError
   * passing through, so the error says which step, process or invariant it happened in.
   */
  protected guarded(body: string, context: string): string {
    this.usedRuntime.add("within");
    const inner = body
      .trimEnd()
      .split("\n")
      .map((l) => (l ? `  ${l}` : l))
      .join("\n");
    return `try {\n${inner}\n} catch (e) {\n  throw within(e, ${context});\n}`;
  }

  /** Whether an expression calls a helper that can throw an EvaluationError. */
  protected callsChecked(e: Expr): boolean {
    return (e.kind === "call" && this.checkedHelpers.has(e.name)) || children(e).some((c) => this.callsChecked(c));
  }

  // -------------------------------------------------------------------------------------------
  // Enumerations, positions and tables

  protected enumTable(values: readonly string[]): string {
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
  protected enumeration(t: Type, ctx: Ctx): string {
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

  protected enumerationCode(t: Type, ctx: Ctx): string {
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
      case "seq":
        this.usedRuntime.add("sequences");
        return `sequences(${this.enumeration(t.element, ctx)}, ${this.expr(t.maxLen, this.boundsCtx(ctx)).code})`;
      case "tuple":
        this.usedRuntime.add("tuples");
        return `tuples(${t.elements.map((x) => this.enumeration(x, ctx)).join(", ")})`;
      case "frame":
        throw new Error("a stack frame is not a domain of the spec");
    }
  }

  /** Code for the position of key `k` in the sorted enumeration of type `t` (a map's array index). */
  protected position(t: Type, k: Code, ctx: Ctx): Code {
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
  protected boundsCtx(ctx: Ctx): Ctx {
    return { ...ctx, bound: new Map(), state: null, process: null };
  }

  /** Code for the pc slot of process `id` of process set `p` (or of any set, when p is null). */
  protected pcSlot(p: Process | null, id: Code, ctx: Ctx): Code {
    const only = this.spec.processes[0];
    if (!this.multiProcess && only) return this.position({ kind: "named", name: only.over }, id, ctx);
    if (p) {
      const pos = this.position({ kind: "named", name: p.over }, id, ctx);
      return code(`env.pcBase${member("", p.name)} + ${wrap(pos, PREC.add + 1)}`, PREC.add);
    }
    this.usedRuntime.add("slotOf");
    return code(`slotOf(env, ${id.code}, ${this.site(ctx)})`);
  }

  // -------------------------------------------------------------------------------------------
  // Expressions

  protected expr(e: Expr, ctx: Ctx, expected?: VT): Code {
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
      case "model":
        // A model value is its name in the reference library (and in traces).
        return code(JSON.stringify(e.name));
      case "none":
        return code("null");
      case "var":
        return code(member(state(), e.name), PREC.member);
      case "local": {
        // A procedure's variable is every process's, stored by pc slot.
        if (this.procVarNames.has(e.name)) return code(`${member(state(), e.name)}[${this.pcSlot(null, code("self"), ctx).code}]`, PREC.member);
        const p = ctx.process ?? fail(`the local ${e.name} is read outside a step`);
        const pos = this.position({ kind: "named", name: p.over }, code("self"), ctx);
        return code(`${member(state(), e.name)}[${pos.code}]`, PREC.member);
      }
      case "locals":
        // Locals are stored as arrays by position in their process set: a map over the set.
        return code(member(state(), e.name), PREC.member);
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
        const id = this.nonNull(r(e.process), idType, ctx, exprText(e.process));
        const only = this.spec.processes[0];
        const pcOf = (p: Process) => this.bounds.isKey({ kind: "named", name: p.over }, e.process, ctx.bound, ctx.process);
        // TLC stops on pc[x] for an x that is no process: so does the library, unless x surely is one.
        if (!this.multiProcess && only && !pcOf(only))
          return this.checkedRead(code(`${state()}.pc`, PREC.member), { kind: "named", name: only.over }, id, ctx, "pc");
        const slot = this.pcSlot(this.multiProcess && owner && !pcOf(owner) ? null : owner, id, ctx);
        return code(`${state()}.pc[${slot.code}]`, PREC.member);
      }
      case "index": {
        const base = this.resolve(type(e.base));
        if (base.kind !== "map") return fail(`cannot index a value that is not a map`);
        const key = this.nonNull(r(e.index), type(e.index), ctx, exprText(e.index));
        if (this.keyMayMiss(base.key) && !this.bounds.isKey(base.key, e.index, ctx.bound, ctx.process))
          return this.checkedRead(r(e.base), base.key, key, ctx, exprText(e.base));
        const pos = this.position(base.key, key, ctx);
        return code(`${wrap(r(e.base), PREC.member)}[${pos.code}]`, PREC.member);
      }
      case "field": {
        const baseType = this.resolve(type(e.base));
        const base = baseType.kind === "optional" ? wrap(this.nonNull(r(e.base), baseType, ctx, exprText(e.base)), PREC.member) : wrap(r(e.base), PREC.member);
        return code(member(base, e.field), PREC.member);
      }
      case "not":
        return this.negate(e.arg, ctx);
      case "neg": {
        const arg = this.nonNull(r(e.arg), type(e.arg), ctx, exprText(e.arg));
        if (!fitsInt32(this.bounds.of(e, ctx.bound, ctx.process))) {
          this.usedRuntime.add("neg");
          return code(`neg(${arg.code}, ${this.site(ctx)})`);
        }
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
        const lambda = this.lambda(e.name, this.elementOf(type(e.set)), e.body, ctx, undefined, e.set);
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
        const lambda = this.lambda(e.name, this.elementOf(type(e.set)), e.body, ctx, valueType && this.hasStrings(valueType) ? valueType : undefined, e.set);
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
        const args = [...(def.pure ? [] : [ctx.state ?? "s"]), ...e.args.map((a) => r(a).code)];
        return code(`${this.helperNames.get(def.name) ?? def.name}(env${args.map((a) => `, ${a}`).join("")})`);
      }
      case "anyOf":
        return fail("anyOf(…) is an initial value, not an expression");
      case "tuple": {
        const want = expected ? this.resolve(expected) : undefined;
        const elementType = (i: number) => (want?.kind === "seq" ? want.element : want?.kind === "tuple" ? want.elements[i] : undefined);
        return code(`[${e.elements.map((x, i) => this.expr(x, ctx, elementType(i)).code).join(", ")}]`);
      }
      case "at": {
        const seqType = this.resolve(type(e.seq));
        const index = this.nonNull(r(e.index), type(e.index), ctx, exprText(e.index));
        // A tuple's literal position is always there; any other position is checked (TLC stops outside).
        if (seqType.kind === "tuple" && e.index.kind === "int" && e.index.value >= 0 && e.index.value < seqType.elements.length)
          return code(`${wrap(r(e.seq), PREC.member)}[${e.index.value}]`, PREC.member);
        this.usedRuntime.add("seqAt");
        return code(`seqAt(${r(e.seq).code}, ${index.code}, ${this.site(ctx)}, ${JSON.stringify(exprText(e.seq))})`);
      }
      case "len":
        return code(`${wrap(r(e.seq), PREC.member)}.length`, PREC.member);
      case "head":
      case "tail": {
        const fn = e.kind === "head" ? "seqHead" : "seqTail";
        this.usedRuntime.add(fn);
        return code(`${fn}(${r(e.seq).code}, ${this.site(ctx)}, ${JSON.stringify(exprText(e.seq))})`);
      }
      case "append":
        return code(`[...${wrap(r(e.seq), PREC.unary)}, ${r(e.value, this.elementAt(type(e.seq), null)).code}]`);
      case "concat":
        return code(`[...${wrap(r(e.left), PREC.unary)}, ...${wrap(r(e.right), PREC.unary)}]`);
      case "subSeq":
        this.usedRuntime.add("seqSlice");
        return code(`seqSlice(${r(e.seq).code}, ${this.nonNull(r(e.from), type(e.from), ctx, exprText(e.from)).code}, ${this.nonNull(r(e.to), type(e.to), ctx, exprText(e.to)).code}, ${this.site(ctx)}, ${JSON.stringify(exprText(e.seq))})`);
    }
  }

  /**
   * The IR drops TypeScript's `!`: an optional value used as a number, key or record gets it back, as
   * a check (TLC stops on arithmetic with, or a field of, its NoValue).
   */
  protected nonNull(c: Code, t: VT, ctx: Ctx, text: string): Code {
    if (this.resolve(t).kind !== "optional") return c;
    this.usedRuntime.add("some");
    return code(`some(${c.code}, ${this.site(ctx)}, ${JSON.stringify(text)})`);
  }

  /** The source location a run-time check reports, as a string literal (each call is one check). */
  protected site(ctx: Ctx): string {
    this.checks += 1;
    const loc = ctx.loc ?? this.spec.loc ?? { file: this.spec.source, line: 1, column: 1 };
    return JSON.stringify(`${loc.file}:${loc.line}:${loc.column}`);
  }

  /** Whether a value of the key's type can fall outside a map's keys (booleans and tags cannot: the types say so). */
  protected keyMayMiss(key: VT): boolean {
    const r = this.resolve(key);
    return r.kind !== "bool" && r.kind !== "enum";
  }

  /** `m[k]` with the check TLC makes: k must be one of the map's keys. */
  protected checkedRead(m: Code, keyType: Type, k: Code, ctx: Ctx, text: string): Code {
    const r = this.resolve(keyType);
    if (r.kind === "int") {
      this.usedRuntime.add("getInt");
      return code(`getInt(${m.code}, ${k.code}, ${this.expr(r.lo, this.boundsCtx(ctx)).code}, ${this.site(ctx)}, ${JSON.stringify(text)})`);
    }
    this.usedRuntime.add("getAt");
    return code(`getAt(${m.code}, ${this.position(keyType, k, ctx).code}, ${k.code}, ${this.site(ctx)}, ${JSON.stringify(text)})`);
  }

  /**
   * `!e`, written the way a reader would: comparisons flipped, De Morgan through && and ||, double
   * negation removed.
   */
  protected negate(e: Expr, ctx: Ctx): Code {
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
  private lambda(name: string, element: VT, body: Expr, ctx: Ctx, returns?: VT, set?: Expr): string {
    const js = this.localName(name, ctx.bound);
    const known = set ? this.bounds.elements(set, ctx.bound, ctx.process) : {};
    const inner: Ctx = { ...ctx, bound: new Map<string, Binding>([...ctx.bound, [name, { code: js, type: element, ...known }]]) };
    const b = this.expr(body, inner, returns);
    const text = b.code.startsWith("{") ? `(${b.code})` : wrap(b, PREC.arrow);
    const uses = usesBound(body, name);
    return `(${uses ? js : ""})${returns ? `: ${this.tsType(returns)}` : ""} => ${text}`;
  }

  /** A JavaScript name for a name bound by the spec; renamed when it would shadow the module's own. */
  protected localName(name: string, bound: ReadonlyMap<string, { code: string }>): string {
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
      const l = numeric ? this.nonNull(this.expr(e.left, ctx), type(e.left), ctx, exprText(e.left)) : this.expr(e.left, ctx);
      const rr = numeric ? this.nonNull(this.expr(e.right, ctx), type(e.right), ctx, exprText(e.right)) : this.expr(e.right, ctx);
      const sameOp = (x: Expr) => assoc && x.kind === "binary" && x.op === e.op;
      // Mixed && and || read better parenthesized, whatever JavaScript's precedence says.
      const logical = (x: Expr, c: Code) => (prec <= PREC.and && x.kind === "binary" && (x.op === "and" || x.op === "or") && x.op !== e.op ? `(${c.code})` : undefined);
      const left = logical(e.left, l) ?? wrap(l, prec);
      const right = logical(e.right, rr) ?? wrap(rr, sameOp(e.right) ? prec : prec + 1);
      return code(`${left} ${op} ${right}`, prec);
    };
    const call = (fn: string): Code => {
      this.usedRuntime.add(fn);
      const numeric = fn === "mod" || fn === "div" || fn === "add" || fn === "sub" || fn === "mul";
      const arg = (x: Expr) => (numeric ? this.nonNull(this.expr(x, ctx), type(x), ctx, exprText(x)) : this.expr(x, ctx));
      return code(`${fn}(${arg(e.left).code}, ${arg(e.right).code}${numeric ? `, ${this.site(ctx)}` : ""})`);
    };
    // + - * on TLC's 32-bit integers: checked unless the operands' ranges keep the result inside.
    const arithmetic = (fn: "add" | "sub" | "mul", op: string, prec: number, assoc: boolean): Code => {
      if (fitsInt32(this.bounds.of(e, ctx.bound, ctx.process))) return infix(op, prec, assoc);
      return call(fn);
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
        return arithmetic("add", "+", PREC.add, true);
      case "sub":
        return arithmetic("sub", "-", PREC.add, false);
      case "mul":
        return arithmetic("mul", "*", PREC.mul, true);
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

  protected fnCtx(state: string | null, process: Process | null, bound: ReadonlyMap<string, Binding>, where: string): Ctx {
    const ref = (name: string) => {
      this.usedRefs.add(name);
      return member("env", name);
    };
    return { state, process, ref, hoist: true, bound, where };
  }
}

function usesBound(e: Expr, name: string): boolean {
  if (e.kind === "bound" && e.name === name) return true;
  if ((e.kind === "quant" || e.kind === "fn" || e.kind === "count" || e.kind === "filter") && e.name === name) return usesBound(e.set, name);
  return children(e).some((c) => usesBound(c, name));
}
