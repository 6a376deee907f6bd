/**
 * IR expressions → JavaScript over the working form (see layout.ts), for one configuration.
 *
 * Every domain is known here, so quantifiers, counts and `mapping(…)` over a domain are unrolled key
 * by key, map positions become constant offsets wherever the key is known, and literal arithmetic is
 * folded. Semantics follow the reference library (generator/typescript/): the same evaluation order
 * and short-circuits, helpers evaluated on the state they are given (a step's working state), one
 * function per helper and argument types.
 *
 * Where the reference library could produce a value its types cannot hold, the code checks at run
 * time and stops through `crash(site, value)` (contract 1): a map read at a key outside its domain, a
 * tag outside an enum, an integer that is not 32-bit, `%` or `\div` by a non-positive number. An
 * integer leaving its declared range is not a crash: `ci` marks the working copy (its last two
 * slots), and the explorer reports the state as a TypeOK violation, as TLC does, or stops when TypeOK
 * is not checked.
 */
import type { Expr } from "../ir.ts";
import type { ProcessLayout } from "./layout.ts";
import { MAX_SET, NONE, slotCount } from "./layout.ts";
import { type Ctx } from "./scalars.ts";
import { SetCompiler } from "./sets.ts";
import { type CType, type ScalarJson, cardinality, concrete, describe, enumerate, isScalar, sameType } from "./types.ts";
import { ANY_INT, BOOL, type ET, type FnLit, type RecLit, type Sc, type V, addOff, constSc, paren, sc } from "./values.ts";

export type { CrashSite, Ctx, Where } from "./scalars.ts";

export abstract class ExprCompiler extends SetCompiler {
  private readonly helpers = new Map<string, { name: string; result: ET | null }>();

  // -------------------------------------------------------------------------------------------
  // Expressions

  protected expr(e: Expr, ctx: Ctx, expected?: CType): V {
    switch (e.kind) {
      case "bool":
        return constSc(e.value, BOOL);
      case "int":
        return constSc(e.value, { kind: "int", lo: e.value, hi: e.value });
      case "string":
        return constSc(this.stringId(e.value), { kind: "enum", values: [e.value] });
      case "none":
        return constSc(NONE, { kind: "none" });
      case "var": {
        const v = this.layout.variables.find((x) => x.name === e.name) ?? this.unsupported(ctx, `unknown variable ${e.name}`);
        return this.placeOrScalar(ctx.arr, { c: v.offset, d: [] }, v.type, v.name);
      }
      case "local": {
        const p = ctx.process ?? this.unsupported(ctx, `the local ${e.name} is read outside a step`);
        const l = p.locals.find((x) => x.name === e.name) ?? this.unsupported(ctx, `unknown local ${e.name}`);
        const self = ctx.self ?? this.unsupported(ctx, "no process identity here");
        const pos = this.position(p.idType, self, ctx, `${e.name}`);
        return this.placeOrScalar(ctx.arr, this.scaled({ c: l.offset, d: [] }, pos, l.stride), l.type, `${e.name}[self]`);
      }
      case "self":
        return ctx.self ?? this.unsupported(ctx, "self outside a step");
      case "const":
        return this.constantValue(e.name, ctx);
      case "bound":
        return ctx.bound.get(e.name) ?? this.unsupported(ctx, `unknown name ${e.name}`);
      case "domain":
      case "typeSet":
      case "range":
      case "filter":
      case "setOf":
        return this.setValue(e, ctx, expected?.kind === "set" ? expected.element : undefined);
      case "pc":
        return this.pcRead(e.process, ctx);
      case "index":
        return this.index(this.expr(e.base, ctx), e.index, ctx);
      case "field": {
        const base = this.expr(e.base, ctx);
        if (base.k === "place" && base.type.kind === "record") {
          let at = 0;
          for (const f of base.type.fields) {
            if (f.name === e.field) return this.placeOrScalar(base.arr, addOff(base.off, at), f.type, `${base.name}.${f.name}`, base.loose);
            at += slotCount(f.type, this.spec.source);
          }
        }
        if (base.k === "rec") return base.fields.get(e.field) ?? this.unsupported(ctx, `no field ${e.field}`);
        return this.unsupported(ctx, `reading field ${e.field} of a ${describe(this.ctype(this.etOf(base), ctx, "the record"))}`);
      }
      case "not": {
        const a = this.cond(e.arg, ctx);
        if (a.val !== undefined) return constSc(!a.val, BOOL);
        return sc(`!${paren(a.code)}`, BOOL);
      }
      case "neg": {
        const a = this.scalar(e.arg, ctx);
        if (typeof a.val === "number") return constSc(-a.val, { kind: "int", lo: -a.val, hi: -a.val });
        return this.int32(sc(`(-${paren(a.code)})`, a.type.kind === "int" ? { kind: "int", lo: -a.type.hi, hi: -a.type.lo } : ANY_INT), ctx, "unary -");
      }
      case "binary":
        return this.binary(e, ctx, expected);
      case "ite": {
        const c = this.cond(e.cond, ctx);
        if (c.val !== undefined) return this.expr(c.val ? e.then : e.else, ctx, expected);
        const a = this.expr(e.then, ctx, expected);
        const b = this.expr(e.else, ctx, expected);
        if (a.k === "sc" && b.k === "sc") {
          const type = this.join(a.type, b.type);
          if (type.kind === "bool" || (a.type.kind === "bool" && b.type.kind === "bool")) return sc(`(${c.code} ? ${this.truth(a).code} : ${this.truth(b).code})`, BOOL);
          if (type.kind === "set") return sc(`(${c.code} ? ${this.maskOf(a, type.element, ctx)} : ${this.maskOf(b, type.element, ctx)})`, type);
          return sc(`(${c.code} ? ${a.code} : ${b.code})`, type);
        }
        const ta = a.k === "sc" ? null : a.type;
        const tb = b.k === "sc" ? null : b.type;
        const type = expected ?? ta ?? tb;
        if (!type || (ta && !sameType(ta, type)) || (tb && !sameType(tb, type))) return this.unsupported(ctx, "a conditional between compound values of different types");
        return { k: "ite", type, cond: c, then: a, else: b };
      }
      case "quant": {
        const members = this.members(e.set, ctx);
        const parts: string[] = [];
        for (const m of members) {
          const body = this.truth(this.scalar(e.body, { ...ctx, bound: new Map([...ctx.bound, [e.name, m.elem]]) }));
          const guard = m.guard ? this.truth(m.guard) : null;
          if (e.quantifier === "forall") {
            if (guard?.val === false || body.val === true) continue;
            if (body.val === false && (!guard || guard.val === true)) return constSc(false, BOOL);
            parts.push(guard && guard.val === undefined ? `(!${paren(guard.code)} || ${paren(body.code)})` : paren(body.code));
          } else {
            if (guard?.val === false || body.val === false) continue;
            if (body.val === true && (!guard || guard.val === true)) return constSc(true, BOOL);
            parts.push(guard && guard.val === undefined ? `(${paren(guard.code)} && ${paren(body.code)})` : paren(body.code));
          }
        }
        if (parts.length === 0) return constSc(e.quantifier === "forall", BOOL);
        return sc(`(${parts.join(e.quantifier === "forall" ? " && " : " || ")})`, BOOL);
      }
      case "count": {
        const members = this.members(e.set, ctx, true);
        let known = 0;
        const parts: string[] = [];
        for (const m of members) {
          const body = this.truth(this.scalar(e.body, { ...ctx, bound: new Map([...ctx.bound, [e.name, m.elem]]) }));
          const guard = m.guard ? this.truth(m.guard) : null;
          if (guard?.val === false || body.val === false) continue;
          const cond = [guard && guard.val === undefined ? guard.code : null, body.val === undefined ? body.code : null].filter((x): x is string => x !== null);
          if (cond.length === 0) known++;
          else parts.push(`(${cond.map(paren).join(" && ")} ? 1 : 0)`);
        }
        if (parts.length === 0) return constSc(known, { kind: "int", lo: known, hi: known });
        return sc(`(${[...(known ? [String(known)] : []), ...parts].join(" + ")})`, { kind: "int", lo: known, hi: known + parts.length });
      }
      case "fn": {
        const keyType = this.ctype(this.elementType(e.set, ctx), ctx, "mapping(…)'s domain");
        if (!["domain", "typeSet", "range"].includes(e.set.kind)) return this.unsupported(ctx, "mapping(…) over something other than a domain");
        const keys = this.members(e.set, ctx);
        if (keys.some((k) => k.guard)) return this.unsupported(ctx, "mapping(…) over a set that is not a whole domain");
        const want = expected?.kind === "map" ? expected.value : undefined;
        const at = (pos: number): V => {
          const k = keys[pos];
          if (!k) return this.unsupported(ctx, "mapping(…) read outside its domain");
          return this.expr(e.body, { ...ctx, bound: new Map([...ctx.bound, [e.name, k.elem]]) }, want);
        };
        const value = want ?? this.valueTypeOf(at(0), ctx);
        const type: FnLit["type"] = { kind: "map", key: keyType, value };
        return { k: "fn", type, at };
      }
      case "record": {
        const want = expected?.kind === "record" ? expected : undefined;
        const fields = new Map<string, V>();
        const types: { name: string; type: CType }[] = [];
        for (const f of want?.fields ?? e.fields.map((x) => ({ name: x.name, type: undefined as CType | undefined }))) {
          const src = e.fields.find((x) => x.name === f.name) ?? this.unsupported(ctx, `the record literal has no field ${f.name}`);
          const v = this.expr(src.value, ctx, f.type);
          fields.set(f.name, v);
          types.push({ name: f.name, type: f.type ?? this.valueTypeOf(v, ctx) });
        }
        const type: RecLit["type"] = { kind: "record", fields: types };
        return { k: "rec", type, fields };
      }
      case "size": {
        const t = this.elementType(e.set, ctx);
        if (e.set.kind === "domain" || e.set.kind === "typeSet") {
          const n = cardinality(this.ctype(t, ctx, "the set"), this.spec.source);
          return constSc(n, { kind: "int", lo: n, hi: n });
        }
        return this.expr({ kind: "count", name: "\u0000size", set: e.set, body: { kind: "bool", value: true } }, ctx);
      }
      case "call":
        return this.call(e, ctx);
      // compilePacked refuses a spec with these first (languageConstructs): the readable explorer runs it.
      default:
        return this.unsupported(ctx, `a ${e.kind} expression`);
    }
  }

  private valueTypeOf(v: V, ctx: Ctx): CType {
    return this.ctype(this.etOf(v), ctx, "the value");
  }

  private constantValue(name: string, ctx: Ctx): Sc {
    const decl = this.spec.constants.find((c) => c.name === name) ?? this.unsupported(ctx, `unknown constant ${name}`);
    const type = concrete(decl.type, this.cx);
    const value = this.cx.constants[name];
    if (type.kind === "set") {
      if (!Array.isArray(value)) return this.unsupported(ctx, `the constant ${name} is not a set`);
      const elements = enumerate(type.element, this.spec.source);
      let mask = 0;
      for (const x of value) {
        const i = elements.findIndex((y) => JSON.stringify(y) === JSON.stringify(x));
        if (i < 0) return this.unsupported(ctx, `the constant ${name} holds ${JSON.stringify(x)}, outside ${describe(type.element)}`);
        mask |= 1 << i;
      }
      if (elements.length > MAX_SET) return this.unsupported(ctx, `the constant ${name} is a set over more than ${MAX_SET} values`);
      return constSc(mask, type);
    }
    if (!isScalar(type) || (value !== null && typeof value === "object")) return this.unsupported(ctx, `the constant ${name} of type ${describe(type)}`);
    return this.constOf(value as ScalarJson, type);
  }

  protected index(base: V, indexExpr: Expr, ctx: Ctx): V {
    if (base.k === "place" && base.type.kind === "map") {
      const k = this.scalar(indexExpr, ctx);
      const stride = slotCount(base.type.value, this.spec.source);
      const pos = this.position(base.type.key, k, ctx, base.name);
      return this.placeOrScalar(base.arr, this.scaled(base.off, pos, stride), base.type.value, `${base.name}[…]`, base.loose);
    }
    if (base.k === "fn") {
      const k = this.scalar(indexExpr, ctx);
      const pos = this.position(base.type.key, k, ctx, "a mapping(…)");
      if (typeof pos.val === "number") return base.at(pos.val);
      return this.unsupported(ctx, "indexing a mapping(…) expression with a key known only at run time");
    }
    return this.unsupported(ctx, `indexing a value that is not a map`);
  }

  private pcRead(processExpr: Expr, ctx: Ctx): Sc {
    const id = this.scalar(processExpr, ctx);
    const procs = this.layout.processes;
    const labelsOf = (ps: ProcessLayout[]): CType => ({ kind: "enum", values: [...new Set(ps.flatMap((p) => p.labels))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) });
    if (processExpr.kind === "self" && ctx.process) {
      const p = ctx.process;
      const pos = this.position(p.idType, id, ctx, "pc");
      return this.readSlot(ctx.arr, this.scaled({ c: p.pcOffset, d: [] }, pos, 1), labelsOf([p]));
    }
    if (id.val !== undefined) {
      for (const p of procs) {
        const i = p.ids.findIndex((x) => x !== null && this.rep(x) === id.val);
        if (i >= 0) return this.readSlot(ctx.arr, { c: p.pcOffset + i, d: [] }, labelsOf([p]));
      }
      return sc(`crash(${this.site(ctx, "pc is read for {value}, which is not a process", id.type)}, ${id.code})`, labelsOf(procs));
    }
    // Any process: a table from identity to pc slot.
    const entries = procs.flatMap((p) => p.ids.map((x, i) => ({ rep: x === null ? NONE : Number(this.rep(x)), slot: p.pcOffset + i })));
    const min = Math.min(...entries.map((x) => x.rep));
    const max = Math.max(...entries.map((x) => x.rep));
    if (max - min > 4096) return this.unsupported(ctx, "reading the pc of a process chosen at run time among identities this far apart");
    const table = new Array<number>(max - min + 1).fill(-1);
    for (const x of entries) table[x.rep - min] = x.slot;
    const name = `PCSLOT${this.decls.length}`;
    this.decls.push(`const ${name} = new Int32Array([${table.join(", ")}]);`);
    const fail = this.site(ctx, "pc is read for {value}, which is not a process", id.type);
    return this.readSlot(ctx.arr, { c: 0, d: [`pcs(${id.code}, ${min}, ${name}, ${fail})`] }, labelsOf(procs));
  }

  // -------------------------------------------------------------------------------------------
  // Operators

  /**
   * The result of + - * or unary - as a 32-bit integer: checked at run time unless its range is
   * known to fit (contract 1: TLC stops with "Overflow when computing …").
   */
  private int32(v: Sc, ctx: Ctx, op: string): Sc {
    if (v.type.kind === "int" && v.type.lo >= -2147483648 && v.type.hi <= 2147483647) return v;
    const site = this.site(ctx, `{value} (a result of ${op}) overflows TLC's 32-bit integers (-2147483648..2147483647)`, ANY_INT);
    return sc(`i32(${v.code}, ${site})`, ANY_INT);
  }

  private binary(e: Extract<Expr, { kind: "binary" }>, ctx: Ctx, expected?: CType): V {
    const num = (x: Expr) => {
      const v = this.scalar(x, ctx);
      if (v.type.kind !== "int" && v.type.kind !== "anyInt" && v.type.kind !== "optional")
        return this.unsupported(ctx, `arithmetic or ordering on a ${v.type.kind === "none" ? "none" : describe(v.type)}`);
      // An optional that may be none (contract 1: TLC stops on arithmetic or ordering with NoValue).
      if (v.type.kind === "optional" && v.val === undefined)
        return sc(`some(${v.code}, ${this.site(ctx, "a none (NoValue) is used as a number", v.type)})`, v.type.value);
      return v;
    };
    const range = (t: ET): [number, number] | null => (t.kind === "int" ? [t.lo, t.hi] : null);
    const arith = (op: "+" | "-" | "*", f: (a: number, b: number) => number): Sc => {
      const a = num(e.left);
      const b = num(e.right);
      if (typeof a.val === "number" && typeof b.val === "number") {
        const v = f(a.val, b.val);
        return constSc(v, { kind: "int", lo: v, hi: v });
      }
      const ra = range(a.type);
      const rb = range(b.type);
      let type: ET = ANY_INT;
      if (ra && rb) {
        const corners = [f(ra[0], rb[0]), f(ra[0], rb[1]), f(ra[1], rb[0]), f(ra[1], rb[1])];
        const lo = Math.min(...corners);
        const hi = Math.max(...corners);
        if (Number.isSafeInteger(lo) && Number.isSafeInteger(hi)) type = { kind: "int", lo, hi };
      }
      return this.int32(sc(`(${paren(a.code)} ${op} ${paren(b.code)})`, type), ctx, op);
    };
    const compare = (op: string, f: (a: number, b: number) => boolean): Sc => {
      const a = num(e.left);
      const b = num(e.right);
      if (typeof a.val === "number" && typeof b.val === "number") return constSc(f(a.val, b.val), BOOL);
      return sc(`${paren(a.code)} ${op} ${paren(b.code)}`, BOOL);
    };
    const logic = (and: boolean): Sc => {
      const a = this.cond(e.left, ctx);
      if (a.val !== undefined) return a.val === and ? this.cond(e.right, ctx) : constSc(!and, BOOL);
      const b = this.cond(e.right, ctx);
      if (b.val === and) return a;
      if (b.val !== undefined) return sc(`(${a.code} ${and ? "&&" : "||"} ${!and})`, BOOL);
      return sc(`(${paren(a.code)} ${and ? "&&" : "||"} ${paren(b.code)})`, BOOL);
    };
    switch (e.op) {
      case "and":
        return logic(true);
      case "or":
        return logic(false);
      case "implies": {
        const a = this.cond(e.left, ctx);
        if (a.val === false) return constSc(true, BOOL);
        if (a.val === true) return this.cond(e.right, ctx);
        const b = this.cond(e.right, ctx);
        if (b.val === true) return constSc(true, BOOL);
        return sc(`(!${paren(a.code)} || ${paren(b.code)})`, BOOL);
      }
      case "eq":
      case "neq": {
        const r = this.equality(e.left, e.right, ctx);
        if (e.op === "eq") return r;
        return r.val !== undefined ? constSc(!r.val, BOOL) : sc(`!${paren(r.code)}`, BOOL);
      }
      case "lt":
        return compare("<", (a, b) => a < b);
      case "le":
        return compare("<=", (a, b) => a <= b);
      case "gt":
        return compare(">", (a, b) => a > b);
      case "ge":
        return compare(">=", (a, b) => a >= b);
      case "add":
        return arith("+", (a, b) => a + b);
      case "sub":
        return arith("-", (a, b) => a - b);
      case "mul":
        return arith("*", (a, b) => a * b);
      case "mod":
      case "div": {
        const a = num(e.left);
        const b = num(e.right);
        const isMod = e.op === "mod";
        if (typeof b.val === "number" && b.val > 0) {
          if (typeof a.val === "number") {
            const v = isMod ? ((a.val % b.val) + b.val) % b.val : Math.floor(a.val / b.val);
            return constSc(v, { kind: "int", lo: v, hi: v });
          }
          const ra = range(a.type);
          if (isMod) {
            if (ra && ra[0] >= 0 && ra[1] < b.val) return a;
            const type: ET = { kind: "int", lo: 0, hi: b.val - 1 };
            return ra && ra[0] >= 0 ? sc(`(${paren(a.code)} % ${b.val})`, type) : sc(`mod(${a.code}, ${b.val}, 0)`, type);
          }
          return sc(`Math.floor(${a.code} / ${b.val})`, ra ? { kind: "int", lo: Math.floor(ra[0] / b.val), hi: Math.floor(ra[1] / b.val) } : ANY_INT);
        }
        const site = this.site(ctx, `${isMod ? "%" : "\\div"} by {value}: TLA+ defines it for a positive divisor only`, b.type);
        return sc(`${isMod ? "mod" : "div"}(${a.code}, ${b.code}, ${site})`, isMod && b.type.kind === "int" && b.type.hi > 0 ? { kind: "int", lo: 0, hi: b.type.hi - 1 } : ANY_INT);
      }
      case "in":
        return this.membership(e.left, e.right, ctx);
      case "union":
      case "minus":
      case "intersect": {
        const elem = expected?.kind === "set" ? expected.element : this.ctype(this.elementType(e, ctx), ctx, "the set");
        const a = this.maskOf(this.setValue(e.left, ctx, elem), elem, ctx);
        const b = this.maskOf(this.setValue(e.right, ctx, elem), elem, ctx);
        const code = e.op === "union" ? `(${a} | ${b})` : e.op === "minus" ? `(${a} & ~${paren(b)})` : `(${a} & ${b})`;
        return sc(code, { kind: "set", element: elem });
      }
    }
  }

  /** `a === b` (TLA+ `=`): scalars compared directly, compound values slot by slot. */
  protected equality(left: Expr, right: Expr, ctx: Ctx): Sc {
    const l0 = this.expr(left, ctx);
    const expected = l0.k === "sc" ? (l0.type.kind === "set" ? l0.type : undefined) : l0.type;
    const r = this.expr(right, ctx, expected);
    const l = l0.k !== "sc" || r.k === "sc" ? l0 : this.expr(left, ctx, r.type);
    if (l.k === "sc" && r.k === "sc") return this.scalarEquals(l, r, ctx);
    if (l.k === "sc" || r.k === "sc") return this.unsupported(ctx, "comparing a single value with a compound one");
    if (!sameType(l.type, r.type)) return this.unsupported(ctx, `comparing a ${describe(l.type)} with a ${describe(r.type)}`);
    const n = slotCount(l.type, this.spec.source);
    if (n > 4096) return this.unsupported(ctx, "comparing compound values this large");
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      const c = this.scalarEquals(this.scalarAt(l, i, ctx), this.scalarAt(r, i, ctx), ctx);
      if (c.val === false) return constSc(false, BOOL);
      if (c.val !== true) parts.push(paren(c.code));
    }
    return parts.length ? sc(`(${parts.join(" && ")})`, BOOL) : constSc(true, BOOL);
  }

  // -------------------------------------------------------------------------------------------
  // Helpers: one function per helper and argument types

  private call(e: Extract<Expr, { kind: "call" }>, ctx: Ctx): Sc {
    const def = this.defs.get(e.name) ?? this.unsupported(ctx, `unknown helper ${e.name}`);
    const args = e.args.map((a) => {
      const v = this.expr(a, ctx);
      if (v.k !== "sc") return this.unsupported(ctx, `passing a ${describe(v.type)} to helper ${e.name} (the compiled explorer passes single values)`);
      return v.bit ? sc(v.code, v.type, { bit: true }) : v;
    });
    const key = JSON.stringify([e.name, args.map((a) => [a.type, !!a.bit])]);
    let inst = this.helpers.get(key);
    if (!inst) {
      inst = { name: `h${this.helpers.size}_${e.name}`, result: null };
      this.helpers.set(key, inst);
      const params = def.params.map((p, i) => ({ name: p, js: `a${i}`, arg: args[i] }));
      const bound = new Map<string, V>(params.map((p) => [p.name, sc(p.js, p.arg?.type ?? ANY_INT, p.arg?.bit ? { bit: true } : {})]));
      const hctx: Ctx = { arr: "W", process: null, self: null, bound, where: { loc: def.loc, context: `helper ${def.name}` } };
      const body = this.expr(def.body, hctx);
      if (body.k !== "sc") return this.unsupported(hctx, `helper ${def.name} returns a ${describe(body.type)} (the compiled explorer handles helpers that return single values)`);
      const result = body.bit ? this.truth(body) : body;
      inst.result = result.type;
      this.decls.push(`function ${inst.name}(W${params.map((p) => `, ${p.js}`).join("")}) {\n  return ${result.code};\n}`);
    }
    if (!inst.result) return this.unsupported(ctx, `helper ${e.name} calls itself`);
    return sc(`${inst.name}(${[ctx.arr, ...args.map((a) => a.code)].join(", ")})`, inst.result);
  }
}
