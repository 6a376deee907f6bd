/**
 * The base of the packed compiler: the working form's representation of values (strings by number,
 * none, bit masks), module-level tables, crash sites, concrete types of expressions, scalars and
 * places in working arrays, map positions (checked, contract 1) and the code that stores a value
 * into a slot (range-checked for TypeOK). Expressions themselves are in expr.ts, sets in sets.ts.
 */
import type { Definition, Expr, SourceLoc, Spec } from "../ir.ts";
import type { Layout, ProcessLayout } from "./layout.ts";
import { NONE, slotCount } from "./layout.ts";
import { type CType, type ConcreteContext, PackedUnsupported, type ScalarJson, cardinality, concrete, describe, enumerate, sameType, within } from "./types.ts";
import { ANY_INT, BOOL, type ET, type Off, type Place, type Sc, type V, addOff, constSc, numCode, offCode, paren, sc } from "./values.ts";

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
export abstract class ScalarCompiler {
  readonly sites: CrashSite[] = [];

  /** Module-level declarations the generated functions use (tables, helper instances, scratch arrays). */
  protected readonly decls: string[] = [];

  protected readonly tables = new Map<string, string>();

  protected readonly defs: ReadonlyMap<string, Definition>;

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
  protected rep(v: ScalarJson): number | boolean {
    if (v === null) return NONE;
    if (typeof v === "string") return this.stringId(v);
    return v;
  }

  protected constOf(v: ScalarJson, t: CType): Sc {
    return constSc(this.rep(v), t.kind === "int" ? { kind: "int", lo: v as number, hi: v as number } : t);
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

  protected mismatch(v: Sc, t: CType, ctx: Ctx, target: string): never {
    return this.unsupported(ctx, `${target} (${describe(t)}) is given a value of another kind (${v.type.kind === "anyInt" ? "an integer" : v.type.kind === "none" ? "none" : describe(v.type)})`);
  }

  protected placeOrScalar(arr: string, off: Off, type: CType, name: string, loose = false): V {
    if (type.kind === "map" || type.kind === "record") return { k: "place", arr, off, type, name, ...(loose ? { loose } : {}) };
    const v = this.readSlot(arr, off, type);
    return loose ? this.loosen(v, { k: "place", arr, off, type, name, loose }) : v;
  }

  protected scaled(off: Off, pos: Sc, stride: number): Off {
    if (typeof pos.val === "number") return addOff(off, pos.val * stride);
    return addOff(off, 0, stride === 1 ? paren(pos.code) : `${paren(pos.code)} * ${stride}`);
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

  protected scalarEquals(a: Sc, b: Sc, ctx: Ctx): Sc {
    // With none on one side the other is compared as stored (a boolean's truth would turn none into true).
    if (a.type.kind === "none" || b.type.kind === "none") {
      const other = a.type.kind === "none" ? b : a;
      if (other.type.kind === "none") return constSc(true, BOOL);
      if (other.val !== undefined) return constSc(other.val === NONE, BOOL);
      return sc(`${paren(other.code)} === NONE`, BOOL);
    }
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

  /** Bit mask code of a set value over `elem`'s values (re-indexed when the value's domain differs). */
  protected maskOf(v: Sc, elem: CType, ctx: Ctx): string {
    return this.convertMask(v, elem, ctx, "a set", null);
  }

  protected convertMask(v: Sc, elem: CType, ctx: Ctx, target: string, _arr: string | null): string {
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
        parts.push(`(${bit} ? crash(${site}, ${numCode(Number(this.rep(x)))}) : 0)`);
      } else parts.push(j >= i ? `(${bit} << ${j})` : `(${bit} << ${j})`);
    });
    return parts.length ? `(${parts.join(" | ")})` : "0";
  }

  protected abstract expr(e: Expr, ctx: Ctx, expected?: CType): V;
}
