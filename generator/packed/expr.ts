/**
 * IR expressions → JavaScript over the working form (see layout.ts), for one configuration.
 *
 * Every domain is known here, so quantifiers, counts and `mapping(…)` over a domain are unrolled key
 * by key, map positions become constant offsets wherever the key is known, and literal arithmetic is
 * folded. Semantics follow the reference library (generator/typescript/): the same evaluation order
 * and short-circuits, helpers evaluated on the state they are given (a step's working copy).
 *
 * Where the reference library could produce a value its types cannot hold, the code checks at run
 * time and stops through `crash(site, value)` (contract 1): a map read at a key outside its domain, a
 * tag outside an enum, an integer that is not 32-bit, `%` or `\div` by a non-positive number. An
 * integer leaving its declared range is not a crash: `ci` marks the working copy (its last two
 * slots), and the explorer reports the state as a TypeOK violation, as TLC does, or stops when TypeOK
 * is not checked.
 */
import type { Definition, Expr, SourceLoc, Spec } from "../ir.ts";
import type { Layout, ProcessLayout } from "./layout.ts";
import { MAX_SET, NONE, slotCount } from "./layout.ts";
import { type CType, type ConcreteContext, PackedUnsupported, type ScalarJson, cardinality, concrete, describe, enumerate, isScalar, sameType, within } from "./types.ts";
import { ANY_INT, BOOL, type ET, type FnLit, type Off, type Place, type RecLit, type Sc, type V, addOff, constSc, numCode, offCode, paren, sc } from "./values.ts";

/** Where generated code runs, for crash messages. */
export interface Where {
  loc: SourceLoc;
  /** `step add_stripe_bio`, `invariant SeqOrder`, `helper headOf`, `the initial state`. */
  context: string;
}

/** A place where compiled code can stop with contract 1's crash; `{value}` in the message is the value. */
export interface CrashSite {
  loc: SourceLoc;
  context: string;
  message: string;
  /** How to show the offending value. */
  valueType: ET;
  /** For a store: what is stored into (a crash there is a value that is not a 32-bit integer). */
  target?: string;
}

export interface Ctx {
  /** The working array expressions read: a step's source state or working copy, a helper's state. */
  arr: string;
  process: ProcessLayout | null;
  self: Sc | null;
  bound: ReadonlyMap<string, V>;
  where: Where;
}

/** One element of a set known while compiling, with the condition for it to be in the set. */
const expectedNone: ET = { kind: "none" };

interface Member {
  elem: Sc;
  guard: Sc | null;
}

export abstract class ExprCompiler {
  readonly sites: CrashSite[] = [];
  /** Module-level declarations the generated functions use (tables, helper instances, scratch arrays). */
  protected readonly decls: string[] = [];
  private readonly tables = new Map<string, string>();
  private readonly helpers = new Map<string, { name: string; result: ET | null }>();
  private readonly defs: ReadonlyMap<string, Definition>;
  protected temp = 0;

  constructor(
    protected readonly spec: Spec,
    protected readonly cx: ConcreteContext,
    protected readonly layout: Layout,
  ) {
    this.defs = new Map(spec.definitions.map((d) => [d.name, d]));
  }

  protected unsupported(ctx: Ctx | null, what: string): never {
    const loc = ctx?.where.loc;
    throw new PackedUnsupported(loc ? `${loc.file}:${loc.line}:${loc.column}` : this.spec.source, `${ctx ? `${ctx.where.context}: ` : ""}${what}`);
  }

  // -------------------------------------------------------------------------------------------
  // Representation

  protected stringId(s: string): number {
    const id = this.layout.stringId.get(s);
    if (id === undefined) throw new Error(`the string ${JSON.stringify(s)} is missing from the string table`);
    return id;
  }

  /** The working form of a scalar JSON value of type t. */
  protected rep(v: ScalarJson, t: CType): number | boolean {
    if (v === null) return NONE;
    if (typeof v === "string") return this.stringId(v);
    if (typeof v === "boolean") return t.kind === "bool" || (t.kind === "optional" && t.value.kind === "bool") ? v : v;
    return v;
  }

  protected constOf(v: ScalarJson, t: CType): Sc {
    return constSc(this.rep(v, t), t.kind === "int" ? { kind: "int", lo: v as number, hi: v as number } : t);
  }

  /** A module-level table: string number → position in `values` (-1 for any other string). */
  protected localTable(values: readonly string[]): string {
    const key = `L:${values.join("\u0000")}`;
    let name = this.tables.get(key);
    if (!name) {
      name = `LOC${this.tables.size}`;
      const table = new Array<number>(this.layout.strings.length).fill(-1);
      values.forEach((v, i) => {
        table[this.stringId(v)] = i;
      });
      this.decls.push(`const ${name} = new Int32Array([${table.join(", ")}]);`);
      this.tables.set(key, name);
    }
    return name;
  }

  /** A module-level constant list of working-form values. */
  protected constList(values: readonly (number | boolean)[]): string {
    const key = `C:${values.join(",")}`;
    let name = this.tables.get(key);
    if (!name) {
      name = `LIST${this.tables.size}`;
      this.decls.push(`const ${name} = [${values.map((v) => (typeof v === "boolean" ? String(v) : numCode(v))).join(", ")}];`);
      this.tables.set(key, name);
    }
    return name;
  }

  protected site(ctx: Ctx, message: string, valueType: ET, target?: string): number {
    this.sites.push({ loc: ctx.where.loc, context: ctx.where.context, message, valueType, ...(target ? { target } : {}) });
    return this.sites.length - 1;
  }

  // -------------------------------------------------------------------------------------------
  // Types

  protected etOf(v: V): ET {
    return v.k === "sc" ? v.type : v.type;
  }

  /** The concrete type of an expression type, for a value that must have one. */
  protected ctype(t: ET, ctx: Ctx, what: string): CType {
    if (t.kind === "anyInt" || t.kind === "none") return this.unsupported(ctx, `${what} has no declared type the compiled explorer can lay out`);
    return t;
  }

  protected join(a: ET, b: ET): ET {
    if (a.kind === "none") return b.kind === "none" ? a : b.kind === "optional" ? b : b.kind === "anyInt" ? b : { kind: "optional", value: b };
    if (b.kind === "none") return this.join(b, a);
    if (a.kind === "anyInt" || b.kind === "anyInt") return a.kind === "optional" || b.kind === "optional" ? ANY_INT : ANY_INT;
    if (a.kind === "optional" || b.kind === "optional") {
      const inner = this.join(a.kind === "optional" ? a.value : a, b.kind === "optional" ? b.value : b);
      return inner.kind === "anyInt" || inner.kind === "none" ? inner : { kind: "optional", value: inner };
    }
    if (a.kind === "int" && b.kind === "int") return { kind: "int", lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) };
    if (a.kind === "enum" && b.kind === "enum") return { kind: "enum", values: [...new Set([...a.values, ...b.values])].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)) };
    return a;
  }

  /** The scalar type at a relative slot offset inside a compound type. */
  protected typeAt(t: CType, rel: number): CType {
    if (t.kind === "map") {
      const stride = slotCount(t.value, this.spec.source);
      return this.typeAt(t.value, rel % stride);
    }
    if (t.kind === "record") {
      let at = 0;
      for (const f of t.fields) {
        const n = slotCount(f.type, this.spec.source);
        if (rel < at + n) return this.typeAt(f.type, rel - at);
        at += n;
      }
    }
    return t;
  }

  // -------------------------------------------------------------------------------------------
  // Scalars

  protected scalar(e: Expr, ctx: Ctx, expected?: CType): Sc {
    const v = this.expr(e, ctx, expected);
    if (v.k !== "sc") return this.unsupported(ctx, `a ${describe(v.type)} is used where the compiled explorer needs a single value`);
    return v;
  }

  /** JavaScript boolean code (false/true). */
  protected truth(v: Sc): Sc {
    if (v.val !== undefined) return constSc(!!v.val, BOOL);
    if (v.bit) return sc(`${v.code} === 1`, BOOL);
    if (v.type.kind === "optional" && v.type.value.kind === "bool") return sc(`ob(${v.code})`, v.type);
    return v;
  }

  protected cond(e: Expr, ctx: Ctx): Sc {
    return this.truth(this.scalar(e, ctx));
  }

  /** A read from a loose place: its integers may be outside their declared range. */
  protected loosen(v: Sc, place: Place): Sc {
    const t = v.type;
    return place.loose && (t.kind === "int" || (t.kind === "optional" && t.value.kind === "int")) ? { ...v, type: ANY_INT } : v;
  }

  /** A place's scalar slot as a value. */
  protected readSlot(arr: string, off: Off, type: CType): Sc {
    const code = `${arr}[${offCode(off)}]`;
    return sc(code, type, type.kind === "bool" ? { bit: true } : {});
  }

  /** The value at relative slot `rel` of a compound value. */
  protected scalarAt(v: V, rel: number, ctx: Ctx): Sc {
    switch (v.k) {
      case "sc":
        return v;
      case "place":
        return this.loosen(this.readSlot(v.arr, addOff(v.off, rel), this.typeAt(v.type, rel)), v);
      case "fn": {
        const stride = slotCount(v.type.value, this.spec.source);
        return this.scalarAt(v.at(Math.floor(rel / stride)), rel % stride, ctx);
      }
      case "rec": {
        let at = 0;
        for (const f of v.type.fields) {
          const n = slotCount(f.type, this.spec.source);
          if (rel < at + n) {
            const field = v.fields.get(f.name);
            if (!field) return this.unsupported(ctx, `the record has no field ${f.name}`);
            return this.scalarAt(field, rel - at, ctx);
          }
          at += n;
        }
        return this.unsupported(ctx, "a record offset out of range");
      }
      case "ite": {
        const a = this.scalarAt(v.then, rel, ctx);
        const b = this.scalarAt(v.else, rel, ctx);
        const t = this.typeAt(v.type, rel);
        if (t.kind === "bool") return sc(`(${v.cond.code} ? ${this.truth(a).code} : ${this.truth(b).code})`, BOOL);
        return sc(`(${v.cond.code} ? ${a.code} : ${b.code})`, t);
      }
    }
  }

  /** Code for the working-form slot value of `v` stored into a slot of type `t` of array `arr`. */
  protected slotCode(v: Sc, t: CType, arr: string, ctx: Ctx, target: string, check = true): string {
    const where = (msg: string, vt: ET = v.type) => this.site(ctx, `${target} ${msg}`, vt, target);
    switch (t.kind) {
      case "bool": {
        if (v.type.kind !== "bool") return this.mismatch(v, t, ctx, target);
        if (v.val !== undefined) return v.val ? "1" : "0";
        if (v.bit) return v.code;
        return `(${v.code} ? 1 : 0)`;
      }
      case "int": {
        if (v.type.kind !== "int" && v.type.kind !== "anyInt") return this.mismatch(v, t, ctx, target);
        if (!check) return v.code;
        if (v.val !== undefined && typeof v.val === "number" && v.val >= t.lo && v.val <= t.hi) return v.code;
        if (v.type.kind === "int" && within(v.type, t)) return v.code;
        return `ci(${arr}, ${v.code}, ${t.lo}, ${t.hi}, ${where(`would be {value}, outside its range ${t.lo}..${t.hi}`)})`;
      }
      case "enum": {
        if (v.type.kind !== "enum") return this.mismatch(v, t, ctx, target);
        if (within(v.type, t)) return v.code;
        return `ce(${v.code}, ${this.localTable(t.values)}, ${where(`would be {value}, which is not one of its tags ${describe(t)}`)})`;
      }
      case "optional": {
        if (v.type.kind === "none") return "NONE";
        const inner = v.type.kind === "optional" ? v.type.value : v.type;
        if (t.value.kind === "bool") {
          if (inner.kind !== "bool") return this.mismatch(v, t, ctx, target);
          if (v.type.kind === "bool") return this.slotCode(v, t.value, arr, ctx, target);
          return `obw(${v.code})`;
        }
        if ((v.type.kind === "int" || v.type.kind === "enum" || v.type.kind === "optional") && within(v.type, t)) return v.code;
        if (t.value.kind === "int") {
          if (inner.kind !== "int" && inner.kind !== "anyInt") return this.mismatch(v, t, ctx, target);
          if (!check) return v.code;
          return `cio(${arr}, ${v.code}, ${t.value.lo}, ${t.value.hi}, ${where(`would be {value}, outside its range ${t.value.lo}..${t.value.hi}`)})`;
        }
        if (t.value.kind === "enum") {
          if (inner.kind !== "enum") return this.mismatch(v, t, ctx, target);
          return `ceo(${v.code}, ${this.localTable(t.value.values)}, ${where(`would be {value}, which is not one of its tags ${describe(t.value)}`)})`;
        }
        return this.unsupported(ctx, `a value of type ${describe(t)}`);
      }
      case "set": {
        if (v.type.kind !== "set") return this.mismatch(v, t, ctx, target);
        return this.convertMask(v, t.element, ctx, target, arr);
      }
      default:
        return this.unsupported(ctx, `a ${t.kind} stored as a single value`);
    }
  }

  private mismatch(v: Sc, t: CType, ctx: Ctx, target: string): never {
    return this.unsupported(ctx, `${target} (${describe(t)}) is given a value of another kind (${v.type.kind === "anyInt" ? "an integer" : v.type.kind === "none" ? "none" : describe(v.type)})`);
  }

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
        return sc(`(-${paren(a.code)})`, a.type.kind === "int" ? { kind: "int", lo: -a.type.hi, hi: -a.type.lo } : ANY_INT);
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
    }
  }

  private valueTypeOf(v: V, ctx: Ctx): CType {
    return this.ctype(this.etOf(v), ctx, "the value");
  }

  protected placeOrScalar(arr: string, off: Off, type: CType, name: string, loose = false): V {
    if (type.kind === "map" || type.kind === "record") return { k: "place", arr, off, type, name, ...(loose ? { loose } : {}) };
    const v = this.readSlot(arr, off, type);
    return loose ? this.loosen(v, { k: "place", arr, off, type, name, loose }) : v;
  }

  private scaled(off: Off, pos: Sc, stride: number): Off {
    if (typeof pos.val === "number") return addOff(off, pos.val * stride);
    return addOff(off, 0, stride === 1 ? paren(pos.code) : `${paren(pos.code)} * ${stride}`);
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

  /** The position of key `k` in the sorted values of `keyType` (a map's slot index), checked unless it must be in range. */
  protected position(keyType: CType, k: Sc, ctx: Ctx, what: string): Sc {
    const pos = (p: number) => constSc(p, { kind: "int", lo: p, hi: p });
    const fail = () => this.site(ctx, `${what} is indexed at {value}, outside its domain ${describe(keyType)}`, k.type);
    switch (keyType.kind) {
      case "int": {
        const n = keyType.hi - keyType.lo + 1;
        if (typeof k.val === "number" && k.val >= keyType.lo && k.val <= keyType.hi) return pos(k.val - keyType.lo);
        const type: ET = { kind: "int", lo: 0, hi: n - 1 };
        if (k.type.kind === "int" && within(k.type, keyType)) return keyType.lo === 0 ? sc(k.code, type) : sc(`(${k.code} - ${keyType.lo})`, type);
        if (k.type.kind !== "int" && k.type.kind !== "anyInt" && k.type.kind !== "optional" && k.type.kind !== "none")
          return this.unsupported(ctx, `${what} is indexed by a ${describe(this.ctype(k.type, ctx, "the key"))}`);
        return sc(`ixi(${k.code}, ${keyType.lo}, ${n}, ${fail()})`, type);
      }
      case "bool": {
        if (k.val !== undefined) return pos(k.val ? 1 : 0);
        if (k.bit) return sc(k.code, { kind: "int", lo: 0, hi: 1 });
        if (k.type.kind !== "bool") return sc(`ixb(${k.code}, ${fail()})`, { kind: "int", lo: 0, hi: 1 });
        return sc(`(${k.code} ? 1 : 0)`, { kind: "int", lo: 0, hi: 1 });
      }
      case "enum": {
        const type: ET = { kind: "int", lo: 0, hi: keyType.values.length - 1 };
        if (typeof k.val === "number") {
          const s = this.layout.strings[k.val];
          const i = s === undefined ? -1 : keyType.values.indexOf(s);
          if (i >= 0) return pos(i);
        }
        if (k.type.kind === "enum" && within(k.type, keyType)) return sc(`${this.localTable(keyType.values)}[${k.code}]`, type);
        return sc(`ixe(${k.code}, ${this.localTable(keyType.values)}, ${fail()})`, type);
      }
      case "optional": {
        if (k.val === NONE) return pos(0);
        const inner = keyType.value;
        if (k.type.kind === "none") return pos(0);
        const innerPos = this.position(inner, { ...k, type: k.type.kind === "optional" ? k.type.value : k.type }, ctx, what);
        if (typeof innerPos.val === "number" && k.type.kind !== "optional") return pos(innerPos.val + 1);
        const n = cardinality(keyType, this.spec.source);
        return sc(`(${k.code} === NONE ? 0 : 1 + ${paren(innerPos.code)})`, { kind: "int", lo: 0, hi: n - 1 });
      }
      default:
        return this.unsupported(ctx, `a map keyed by ${describe(keyType)}`);
    }
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
        const i = p.ids.findIndex((x) => x !== null && this.rep(x, p.idType) === id.val);
        if (i >= 0) return this.readSlot(ctx.arr, { c: p.pcOffset + i, d: [] }, labelsOf([p]));
      }
      return sc(`crash(${this.site(ctx, "pc is read for {value}, which is not a process", id.type)}, ${id.code})`, labelsOf(procs));
    }
    // Any process: a table from identity to pc slot.
    const entries = procs.flatMap((p) => p.ids.map((x, i) => ({ rep: x === null ? NONE : Number(this.rep(x, p.idType)), slot: p.pcOffset + i })));
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

  private binary(e: Extract<Expr, { kind: "binary" }>, ctx: Ctx, expected?: CType): V {
    const num = (x: Expr) => {
      const v = this.scalar(x, ctx);
      if (v.type.kind !== "int" && v.type.kind !== "anyInt" && v.type.kind !== "optional")
        return this.unsupported(ctx, `arithmetic or ordering on a ${v.type.kind === "none" ? "none" : describe(v.type)}`);
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
      return sc(`(${paren(a.code)} ${op} ${paren(b.code)})`, type);
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

  protected scalarEquals(a: Sc, b: Sc, ctx: Ctx): Sc {
    const kind = (t: ET) => (t.kind === "optional" ? t.value.kind : t.kind === "anyInt" ? "int" : t.kind);
    const ka = kind(a.type);
    const kb = kind(b.type);
    // Values of different kinds are never equal (the reference compares a tag with a number as false).
    if (ka !== kb && ka !== "none" && kb !== "none") return constSc(false, BOOL);
    if (ka === "set" && kb === "set") {
      const t = a.type.kind === "set" ? a.type.element : b.type.kind === "set" ? b.type.element : null;
      if (!t) return this.unsupported(ctx, "comparing sets");
      return sc(`${this.maskOf(a, t, ctx)} === ${this.maskOf(b, t, ctx)}`, BOOL);
    }
    const boolish = ka === "bool" || kb === "bool";
    const x = boolish && !(a.bit && b.bit) ? this.truth(a) : a;
    const y = boolish && !(a.bit && b.bit) ? this.truth(b) : b;
    if (x.val !== undefined && y.val !== undefined) return constSc(x.val === y.val, BOOL);
    return sc(`${paren(x.code)} === ${paren(y.code)}`, BOOL);
  }

  private membership(left: Expr, right: Expr, ctx: Ctx): Sc {
    const x = this.scalar(left, ctx);
    if (right.kind === "domain" || right.kind === "typeSet" || right.kind === "range" || right.kind === "filter" || right.kind === "setOf") {
      if (right.kind === "range") {
        const lo = this.scalar(right.lo, ctx);
        const hi = this.scalar(right.hi, ctx);
        return sc(`(${paren(x.code)} >= ${paren(lo.code)} && ${paren(x.code)} <= ${paren(hi.code)})`, BOOL);
      }
      const parts: string[] = [];
      for (const m of this.members(right, ctx)) {
        const eq = this.scalarEquals(x, m.elem, ctx);
        if (eq.val === false) continue;
        const g = m.guard ? this.truth(m.guard) : null;
        if (g?.val === false) continue;
        const both = [eq.val === true ? null : eq.code, g && g.val === undefined ? g.code : null].filter((c): c is string => c !== null);
        if (both.length === 0) return constSc(true, BOOL);
        parts.push(`(${both.map(paren).join(" && ")})`);
      }
      return parts.length ? sc(`(${parts.join(" || ")})`, BOOL) : constSc(false, BOOL);
    }
    const set = this.setValue(right, ctx);
    if (set.type.kind !== "set") return this.unsupported(ctx, "`in` on a value that is not a set");
    const elem = set.type.element;
    const n = cardinality(elem, this.spec.source);
    if (x.type.kind !== elem.kind && !(x.type.kind === "anyInt" && elem.kind === "int") && !(elem.kind === "optional")) return constSc(false, BOOL);
    const pos = this.position(elem, x, ctx, "a set");
    if (typeof pos.val === "number") return sc(`((${set.code} >>> ${pos.val}) & 1) === 1`, BOOL);
    // An element outside the set's domain is simply not in it: no crash.
    return sc(`inset(${set.code}, ${this.membershipIndex(elem, x, ctx)}, ${n})`, BOOL);
  }

  /** The position of x among `elem`'s values, or -1 (for `in`, where a foreign value is just absent). */
  private membershipIndex(elem: CType, x: Sc, ctx: Ctx): string {
    switch (elem.kind) {
      case "int":
        return `(${paren(x.code)} - ${elem.lo})`;
      case "bool":
        return `(${this.truth(x).code} ? 1 : 0)`;
      case "enum":
        return `tbl(${this.localTable(elem.values)}, ${x.code})`;
      case "optional":
        return `(${x.code} === NONE ? 0 : 1 + ${this.membershipIndex(elem.value, x, ctx)})`;
      default:
        return this.unsupported(ctx, `membership in a set of ${describe(elem)}`);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Sets

  /** The element type of a set expression. */
  protected elementType(e: Expr, ctx: Ctx): ET {
    switch (e.kind) {
      case "domain":
        return concrete({ kind: "named", name: e.name }, this.cx);
      case "typeSet":
        return concrete(e.type, this.cx);
      case "range": {
        const lo = this.scalar(e.lo, ctx);
        const hi = this.scalar(e.hi, ctx);
        if (typeof lo.val === "number" && typeof hi.val === "number") return { kind: "int", lo: lo.val, hi: hi.val };
        const a = lo.type.kind === "int" ? lo.type.lo : null;
        const b = hi.type.kind === "int" ? hi.type.hi : null;
        return a !== null && b !== null ? { kind: "int", lo: a, hi: b } : ANY_INT;
      }
      case "filter":
        return this.elementType(e.set, ctx);
      case "setOf":
        if (e.elements.length === 0) return expectedNone;
        return e.elements.map((x) => this.scalar(x, ctx).type).reduce((a, b) => this.join(a, b));
      case "binary":
        if (e.op === "union" || e.op === "minus" || e.op === "intersect") return this.join(this.elementType(e.left, ctx), this.elementType(e.right, ctx));
        break;
      default:
        break;
    }
    const v = this.expr(e, ctx);
    if (v.k === "sc" && v.type.kind === "set") return v.type.element;
    return this.unsupported(ctx, "a set the compiled explorer cannot enumerate");
  }

  /**
   * The elements of a set known while compiling, in the reference library's order, each with the
   * run-time condition for it to be in the set. Quantifiers and counts unroll over these.
   */
  protected members(e: Expr, ctx: Ctx, distinct = false): Member[] {
    const all = (t: CType): Member[] => enumerate(t, this.spec.source).map((v) => ({ elem: this.constOf(v, t), guard: null }));
    switch (e.kind) {
      case "domain":
      case "typeSet":
        return all(this.ctype(this.elementType(e, ctx), ctx, "the set"));
      case "range": {
        const t = this.elementType(e, ctx);
        const lo = this.scalar(e.lo, ctx);
        const hi = this.scalar(e.hi, ctx);
        if (typeof lo.val !== "number" || typeof hi.val !== "number" || t.kind !== "int")
          return this.unsupported(ctx, "a quantifier over a range whose bounds are known only at run time");
        if (hi.val - lo.val > 4096) return this.unsupported(ctx, "a quantifier over a range this large");
        return all(t);
      }
      case "filter":
        return this.members(e.set, ctx, distinct).flatMap((m) => {
          const body = this.truth(this.scalar(e.body, { ...ctx, bound: new Map([...ctx.bound, [e.name, m.elem]]) }));
          if (body.val === false) return [];
          if (body.val === true) return [m];
          const guard = m.guard ? sc(`(${paren(this.truth(m.guard).code)} && ${paren(body.code)})`, BOOL) : body;
          return [{ elem: m.elem, guard }];
        });
      case "setOf": {
        const elems = e.elements.map((x) => this.scalar(x, ctx));
        if (elems.every((x) => x.val !== undefined)) {
          const seen = new Set<string>();
          return elems
            .filter((x) => !seen.has(String(x.val)) && (seen.add(String(x.val)), true))
            .sort((a, b) => this.compareReps(a, b))
            .map((x) => ({ elem: x, guard: null }));
        }
        if (distinct) return this.unsupported(ctx, "counting a set literal whose elements are known only at run time");
        return elems.map((x) => ({ elem: x, guard: null }));
      }
      default: {
        const v = this.setValue(e, ctx);
        if (v.k !== "sc" || v.type.kind !== "set") return this.unsupported(ctx, "iterating over a value that is not a set");
        const elem = v.type.element;
        const m = v.val !== undefined ? null : v.code;
        return enumerate(elem, this.spec.source).flatMap((x, i): Member[] => {
          if (typeof v.val === "number") return (v.val >>> i) & 1 ? [{ elem: this.constOf(x, elem), guard: null }] : [];
          return [{ elem: this.constOf(x, elem), guard: sc(`((${m} >>> ${i}) & 1) === 1`, BOOL) }];
        });
      }
    }
  }

  /** The reference library's order of two known scalars: none first, then false < true, numbers, tags as strings. */
  protected compareReps(a: Sc, b: Sc): number {
    const rank = (x: Sc) => (x.val === NONE ? 0 : typeof x.val === "boolean" ? 1 : x.type.kind === "enum" ? 3 : 2);
    const ra = rank(a);
    const rb = rank(b);
    if (ra !== rb) return ra - rb;
    return Number(a.val) - Number(b.val);
  }

  /** A set-valued expression as a bit mask over its element type (or the expected one). */
  protected setValue(e: Expr, ctx: Ctx, element?: CType): Sc {
    switch (e.kind) {
      case "domain":
      case "typeSet":
      case "range":
      case "filter":
      case "setOf": {
        const elem = element ?? this.ctype(this.elementType(e, ctx), ctx, "the set");
        if (!isScalar(elem)) return this.unsupported(ctx, `a set of ${describe(elem)}`);
        const values = enumerate(elem, this.spec.source);
        if (values.length > MAX_SET) return this.unsupported(ctx, `a set over ${values.length} values (at most ${MAX_SET})`);
        let known = 0;
        const parts: string[] = [];
        for (const m of this.members(e, ctx)) {
          const i = this.membershipIndex(elem, m.elem, ctx);
          const g = m.guard ? this.truth(m.guard) : null;
          const pos = m.elem.val !== undefined ? values.findIndex((x) => x === null ? m.elem.val === NONE : this.rep(x, elem) === m.elem.val) : -2;
          if (pos === -1) {
            // A known element outside the expected domain: a set of this type cannot hold it.
            const site = this.site(ctx, `a set of ${describe(elem)} would hold {value}`, m.elem.type);
            parts.push(g && g.val === undefined ? `(${g.code} ? crash(${site}, ${m.elem.code}) : 0)` : `crash(${site}, ${m.elem.code})`);
            continue;
          }
          if (pos >= 0 && (!g || g.val === true)) {
            known |= 1 << pos;
            continue;
          }
          if (g?.val === false) continue;
          const bit = pos >= 0 ? String(1 << pos) : `bit(${i}, ${values.length}, ${this.site(ctx, `a set of ${describe(elem)} would hold {value}`, m.elem.type)}, ${m.elem.code})`;
          parts.push(g ? `(${g.code} ? ${bit} : 0)` : bit);
        }
        const type: ET = { kind: "set", element: elem };
        if (parts.length === 0) return constSc(known, type);
        return sc(`(${[...(known ? [String(known)] : []), ...parts].join(" | ")})`, type);
      }
      default: {
        const v = this.expr(e, ctx, element ? { kind: "set", element } : undefined);
        if (v.k !== "sc" || v.type.kind !== "set") return this.unsupported(ctx, "a value that is not a set, used as one");
        return v;
      }
    }
  }

  /** Bit mask code of a set value over `elem`'s values (re-indexed when the value's domain differs). */
  protected maskOf(v: Sc, elem: CType, ctx: Ctx): string {
    return this.convertMask(v, elem, ctx, "a set", null);
  }

  private convertMask(v: Sc, elem: CType, ctx: Ctx, target: string, _arr: string | null): string {
    if (v.type.kind !== "set") return this.unsupported(ctx, `${target} is given a value that is not a set`);
    if (sameType(v.type.element, elem)) return v.code;
    const from = enumerate(v.type.element, this.spec.source);
    const to = enumerate(elem, this.spec.source);
    const m = v.code;
    const parts: string[] = [];
    from.forEach((x, i) => {
      const j = to.findIndex((y) => JSON.stringify(y) === JSON.stringify(x));
      const bit = `((${m} >>> ${i}) & 1)`;
      if (j < 0) {
        const site = this.site(ctx, `${target} would hold {value}, outside ${describe(elem)}`, v.type.kind === "set" ? v.type.element : ANY_INT);
        parts.push(`(${bit} ? crash(${site}, ${numCode(Number(this.rep(x, elem)))}) : 0)`);
      } else parts.push(j >= i ? `(${bit} << ${j})` : `(${bit} << ${j})`);
    });
    return parts.length ? `(${parts.join(" | ")})` : "0";
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
