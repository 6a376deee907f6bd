/**
 * Sets in compiled code: as bit masks over their element domain (set-typed slots, set literals,
 * unions) and, for quantifiers and counts, as the elements known while compiling, each with the
 * run-time condition for it to be in the set (filters, masks). Membership tests are here too.
 */
import type { Expr } from "../ir.ts";
import { MAX_SET, NONE } from "./layout.ts";
import { type Ctx, ScalarCompiler } from "./scalars.ts";
import { type CType, cardinality, concrete, describe, enumerate, isScalar } from "./types.ts";
import { ANY_INT, BOOL, type ET, type Sc, constSc, paren, sc } from "./values.ts";

const expectedNone: ET = { kind: "none" };

/** One element of a set known while compiling, with the condition for it to be in the set. */
export interface Member {
  elem: Sc;
  guard: Sc | null;
}

export abstract class SetCompiler extends ScalarCompiler {
  protected membership(left: Expr, right: Expr, ctx: Ctx): Sc {
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
  protected membershipIndex(elem: CType, x: Sc, ctx: Ctx): string {
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
          const pos = m.elem.val !== undefined ? values.findIndex((x) => x === null ? m.elem.val === NONE : this.rep(x) === m.elem.val) : -2;
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
}
