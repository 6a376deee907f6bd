/**
 * What the reference generator can prove about integer values before any state exists, so that the
 * checks TLC makes at run time (a map read outside its keys, an integer leaving the 32-bit range) are
 * generated only where they could fail.
 *
 * Only sources that no run can contradict are trusted: literals, constants (the front end checked
 * every configuration's value against the constant's domain), the executing process's identity, and
 * names bound by iterating a domain or range. A state variable's declared type is NOT trusted: when
 * TypeOK is not checked, a variable may leave its type and the engines must still agree with TLC.
 */
import type { Expr, Process, Spec, Type } from "../ir.ts";
import { children } from "../ir-walk.ts";

/** Integers lo..hi, both inclusive. */
export type Interval = readonly [number, number];

/** What is known of a bound name: the integers it lies in, or the named domain it is an element of. */
export interface Known {
  interval?: Interval;
  domain?: string;
}

const INT32: Interval = [-2147483648, 2147483647];

export const within = (inner: Interval, outer: Interval): boolean => inner[0] >= outer[0] && inner[1] <= outer[1];
export const fitsInt32 = (i: Interval | undefined): boolean => i !== undefined && within(i, INT32);

export class Bounds {
  private readonly constants = new Map<string, Interval | undefined>();
  private readonly visiting = new Set<string>();

  constructor(private readonly spec: Spec) {}

  /** The values an expression can take, when every source it reads is trusted. */
  of(e: Expr, known: ReadonlyMap<string, Known>, process: Process | null): Interval | undefined {
    const r = (x: Expr) => this.of(x, known, process);
    switch (e.kind) {
      case "int":
        return [e.value, e.value];
      case "const":
        return this.constant(e.name);
      case "self":
        return process ? this.hull({ kind: "named", name: process.over }) : undefined;
      case "bound":
        return known.get(e.name)?.interval;
      case "neg": {
        const a = r(e.arg);
        return a && [-a[1], -a[0]];
      }
      case "ite": {
        const a = r(e.then);
        const b = r(e.else);
        return a && b && [Math.min(a[0], b[0]), Math.max(a[1], b[1])];
      }
      case "binary": {
        const a = r(e.left);
        const b = r(e.right);
        if (!a || !b) return undefined;
        switch (e.op) {
          case "add":
            return [a[0] + b[0], a[1] + b[1]];
          case "sub":
            return [a[0] - b[1], a[1] - b[0]];
          case "mul": {
            const ps = [a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]];
            return [Math.min(...ps), Math.max(...ps)];
          }
          case "mod":
            return b[0] > 0 ? [0, b[1] - 1] : undefined;
          default:
            return undefined;
        }
      }
      default:
        return undefined;
    }
  }

  /** Every value a type can hold in some configuration (its integers), for integer types. */
  hull(t: Type): Interval | undefined {
    const r = this.resolveInt(t);
    if (!r) return undefined;
    const lo = this.of(r.lo, new Map(), null);
    const hi = this.of(r.hi, new Map(), null);
    return lo && hi ? [lo[0], hi[1]] : undefined;
  }

  /** The integers a type holds in every configuration (empty when lo may exceed hi). */
  core(t: Type): Interval | undefined {
    const r = this.resolveInt(t);
    if (!r) return undefined;
    const lo = this.of(r.lo, new Map(), null);
    const hi = this.of(r.hi, new Map(), null);
    return lo && hi ? [lo[1], hi[0]] : undefined;
  }

  /** What is known of the elements of a set expression (for names a choose or a lambda binds). */
  elements(set: Expr, known: ReadonlyMap<string, Known>, process: Process | null): Known {
    switch (set.kind) {
      case "domain": {
        return { domain: set.name, interval: this.hull({ kind: "named", name: set.name }) };
      }
      case "typeSet":
        return { domain: set.type.kind === "named" ? set.type.name : undefined, interval: this.hull(set.type) };
      case "range": {
        const lo = this.of(set.lo, known, process);
        const hi = this.of(set.hi, known, process);
        return { interval: lo && hi ? [lo[0], hi[1]] : undefined };
      }
      case "filter":
        return this.elements(set.set, known, process);
      case "binary":
        if (set.op === "minus" || set.op === "intersect") return this.elements(set.left, known, process);
        if (set.op === "union") {
          const a = this.elements(set.left, known, process);
          const b = this.elements(set.right, known, process);
          return {
            domain: a.domain !== undefined && a.domain === b.domain ? a.domain : undefined,
            interval: a.interval && b.interval ? [Math.min(a.interval[0], b.interval[0]), Math.max(a.interval[1], b.interval[1])] : undefined,
          };
        }
        return {};
      case "setOf": {
        const parts = set.elements.map((x) => this.of(x, known, process));
        if (parts.length === 0 || parts.some((p) => !p)) return {};
        const ps = parts as Interval[];
        return { interval: [Math.min(...ps.map((p) => p[0])), Math.max(...ps.map((p) => p[1]))] };
      }
      default:
        return {};
    }
  }

  /**
   * Whether `index` is a key of a map over `key` in every run and configuration: it is an element of
   * that very domain, or its interval lies inside the keys every configuration has.
   */
  isKey(key: Type, index: Expr, known: ReadonlyMap<string, Known>, process: Process | null): boolean {
    if (key.kind === "named") {
      if (index.kind === "self" && process?.over === key.name) return true;
      if (index.kind === "bound" && known.get(index.name)?.domain === key.name) return true;
    }
    const core = this.core(key);
    const i = this.of(index, known, process);
    return core !== undefined && i !== undefined && core[0] <= core[1] && within(i, core);
  }

  private constant(name: string): Interval | undefined {
    if (this.constants.has(name)) return this.constants.get(name);
    if (this.visiting.has(name)) return undefined;
    this.visiting.add(name);
    const c = this.spec.constants.find((x) => x.name === name);
    const i = c ? this.hull(c.type) : undefined;
    this.visiting.delete(name);
    this.constants.set(name, i);
    return i;
  }

  private resolveInt(t: Type): Extract<Type, { kind: "int" }> | undefined {
    let cur: Type = t;
    for (let n = 0; n < 100; n++) {
      if (cur.kind === "int") return cur;
      if (cur.kind !== "named") return undefined;
      const name = cur.name;
      const d = this.spec.domains.find((x) => x.name === name);
      if (!d) return undefined;
      cur = d.type;
    }
    return undefined;
  }
}

/** A short, readable rendering of an expression for messages (`flag[1 - self]`, `dev[sh].flags`). */
export function exprText(e: Expr): string {
  const t = (x: Expr): string => exprText(x);
  switch (e.kind) {
    case "int":
    case "bool":
      return String(e.value);
    case "string":
      return JSON.stringify(e.value);
    case "var":
    case "local":
    case "const":
    case "bound":
    case "domain":
      return e.name;
    case "self":
      return "self";
    case "none":
      return "null";
    case "pc":
      return `pc[${t(e.process)}]`;
    case "index":
      return `${t(e.base)}[${t(e.index)}]`;
    case "field":
      return `${t(e.base)}.${e.field}`;
    case "neg":
      return `-${t(e.arg)}`;
    case "binary": {
      const ops: Partial<Record<string, string>> = { add: "+", sub: "-", mul: "*", mod: "%", div: "\\div" };
      const op = ops[e.op];
      return op ? `${t(e.left)} ${op} ${t(e.right)}` : "…";
    }
    case "call":
      return `${e.name}(…)`;
    default:
      return children(e).length === 0 ? e.kind : "…";
  }
}
