/**
 * Checks that need each configuration's constant values: every value is in its constant's domain,
 * no domain is empty, and the process sets are non-empty and disjoint (each identity has one pc entry).
 * TLC and tla-checker would start on such a spec and fail later, or accept it and mean something else.
 */
import type { Expr, SourceLoc, Spec, Type, Value } from "../ir.ts";
import { plainContext, renderType } from "../tla/expr.ts";
import { SpecError, type SpecProblem } from "./errors.ts";
import { MAX_INT } from "./numbers.ts";

type Env = ReadonlyMap<string, Value>;

/** Sets larger than this are not enumerated for the checks (process sets are small in practice). */
const ENUMERATION_LIMIT = 100_000;

export function checkConfigurations(spec: Spec): void {
  const problems: SpecProblem[] = [];
  const reported = new Set<string>();
  const report = (key: string, loc: SourceLoc, message: string, hint?: string) => {
    if (reported.has(key)) return;
    reported.add(key);
    problems.push({ loc, message, hint });
  };
  const show = (t: Type) => renderType(t, plainContext(new Map(spec.definitions.map((d) => [d.name, d]))));
  const resolve = (t: Type): Type => {
    let cur = t;
    for (let i = 0; i < 100 && cur.kind === "named"; i++) {
      const name: string = cur.name;
      const next = spec.domains.find((d) => d.name === name)?.type;
      if (!next) return cur;
      cur = next;
    }
    return cur;
  };

  // Domains that cannot hold a value whatever the configuration.
  const declarations = [
    ...spec.constants.map((c) => ({ what: `the constant ${c.name}`, type: c.type, loc: c.loc })),
    ...spec.domains.map((d) => ({ what: `the domain ${d.name}`, type: d.type, loc: d.loc })),
    ...spec.variables.map((v) => ({ what: `the variable ${v.name}`, type: v.type, loc: v.loc })),
    ...spec.processes.flatMap((p) => p.locals.map((l) => ({ what: `the local ${l.name}`, type: l.type, loc: l.loc }))),
  ];
  for (const d of declarations)
    for (const t of typeNodes(d.type))
      if (t.kind === "enum" && t.values.length === 0) report(`enum:${d.what}`, d.loc, `The type of ${d.what} has an enumOf() without values`, "List at least one tag: enumOf(\"a\", …).");

  for (const config of spec.configs) {
    const env: Env = new Map(config.constants.map((c) => [c.name, c.value]));
    const where = spec.configs.length > 1 || config.constants.length > 0 ? ` in configuration "${config.name}"` : "";

    for (const c of config.constants) {
      const decl = spec.constants.find((k) => k.name === c.name);
      if (!decl) continue; // check.ts reports constants the spec does not declare
      const problem = valueProblem(c.value, decl.type, env, resolve, show);
      if (problem)
        report(`value:${config.name}:${c.name}`, c.loc ?? config.loc, `Configuration "${config.name}" binds ${c.name} to ${JSON.stringify(c.value)}, ${problem}`, `Bind ${c.name} to a value in ${show(decl.type)}.`);
    }
    if (problems.length > 0) continue; // the ranges below read the values just found wrong

    for (const d of declarations)
      for (const t of typeNodes(d.type)) {
        if (t.kind !== "int") continue;
        const lo = evaluate(t.lo, env);
        const hi = evaluate(t.hi, env);
        if (typeof lo !== "number" || typeof hi !== "number") continue;
        for (const bound of [lo, hi])
          if (Math.abs(bound) > MAX_INT) report(`big:${d.what}`, d.loc, `The range ${show(t)} of ${d.what} reaches ${bound}${where}, beyond TLC's 32-bit integers`, "Use smaller bounds.");
        if (lo > hi)
          report(`empty:${d.what}`, d.loc, `The range ${show(t)} of ${d.what} is empty${where} (${lo} > ${hi})`, "A range(lo, hi) holds lo..hi: make lo ≤ hi (a model needs at least one value of each domain).");
      }

    const sets = spec.processes.map((p) => ({ p, ids: enumerate({ kind: "named", name: p.over }, env, resolve) }));
    for (const { p, ids } of sets)
      if (ids && ids.length === 0 && !reported.has(`empty:the domain ${p.over}`)) report(`noids:${p.name}`, p.loc, `Process "${p.name}" runs over ${p.over}, which is empty${where}`, "Give every process set at least one identity.");
    for (let i = 0; i < sets.length; i++)
      for (let j = i + 1; j < sets.length; j++) {
        const a = sets[i];
        const b = sets[j];
        if (!a?.ids || !b?.ids) continue;
        const mine = new Set(a.ids.map((x) => JSON.stringify(x)));
        const shared = b.ids.find((x) => mine.has(JSON.stringify(x)));
        if (shared !== undefined)
          report(
            `overlap:${a.p.name}:${b.p.name}`,
            b.p.loc,
            `Processes "${a.p.name}" (over ${a.p.over}) and "${b.p.name}" (over ${b.p.over}) share the identity ${JSON.stringify(shared)}${where}`,
            "Every process has one pc entry, keyed by its identity: make the process sets disjoint (e.g. range(1, N) and range(N + 1, N + 1)).",
          );
      }
  }
  if (problems.length > 0) throw new SpecError(problems);
}

/** Every type node inside a type (named domains are checked where they are declared). */
function typeNodes(t: Type): Type[] {
  switch (t.kind) {
    case "map":
      return [t, ...typeNodes(t.key), ...typeNodes(t.value)];
    case "record":
      return [t, ...t.fields.flatMap((f) => typeNodes(f.type))];
    case "set":
      return [t, ...typeNodes(t.element)];
    case "optional":
      return [t, ...typeNodes(t.value)];
    default:
      return [t];
  }
}

/** Why a configuration value is not in a type, or undefined when it is. */
function valueProblem(v: Value, type: Type, env: Env, resolve: (t: Type) => Type, show: (t: Type) => string): string | undefined {
  const t = resolve(type);
  const notIn = `which is not in ${show(type)}`;
  switch (t.kind) {
    case "bool":
      return typeof v === "boolean" ? undefined : `which is not a boolean (${show(type)})`;
    case "int": {
      if (typeof v !== "number") return `which is not an integer (${show(type)})`;
      const lo = evaluate(t.lo, env);
      const hi = evaluate(t.hi, env);
      if ((typeof lo === "number" && v < lo) || (typeof hi === "number" && v > hi)) return notIn;
      return undefined;
    }
    case "enum":
      return typeof v === "string" && t.values.includes(v) ? undefined : notIn;
    case "optional":
      return valueProblem(v, t.value, env, resolve, show);
    case "set": {
      if (!Array.isArray(v)) return `which is not a set (write a set as an array, e.g. [1, 2]) of ${show(t.element)}`;
      for (const x of v) {
        const inner = valueProblem(x, t.element, env, resolve, show);
        if (inner) return `whose element ${JSON.stringify(x)} is not in ${show(t.element)}`;
      }
      return undefined;
    }
    case "map":
    case "record":
      return `but a configuration cannot write a value of ${show(type)} (numbers, booleans, strings and arrays of them only)`;
    case "named":
      return undefined;
  }
}

/** The value of a constant expression (literals, constants, arithmetic, comparisons), if it is one. */
export function evaluate(e: Expr, env: Env): Value | undefined {
  const num = (x: Expr) => {
    const v = evaluate(x, env);
    return typeof v === "number" ? v : undefined;
  };
  switch (e.kind) {
    case "int":
    case "bool":
    case "string":
      return e.value;
    case "const":
      return env.get(e.name);
    case "neg": {
      const a = num(e.arg);
      return a === undefined ? undefined : -a;
    }
    case "not": {
      const a = evaluate(e.arg, env);
      return typeof a === "boolean" ? !a : undefined;
    }
    case "ite": {
      const c = evaluate(e.cond, env);
      return typeof c === "boolean" ? evaluate(c ? e.then : e.else, env) : undefined;
    }
    case "binary": {
      const a = num(e.left);
      const b = num(e.right);
      if (a === undefined || b === undefined) return undefined;
      switch (e.op) {
        case "add":
          return a + b;
        case "sub":
          return a - b;
        case "mul":
          return a * b;
        case "div":
          return b > 0 ? Math.floor(a / b) : undefined;
        case "mod":
          return b > 0 ? ((a % b) + b) % b : undefined;
        case "lt":
          return a < b;
        case "le":
          return a <= b;
        case "gt":
          return a > b;
        case "ge":
          return a >= b;
        case "eq":
          return a === b;
        case "neq":
          return a !== b;
        default:
          return undefined;
      }
    }
    default:
      return undefined;
  }
}

/** The values of a type under a configuration, when it is a small set of scalars (else undefined). */
function enumerate(type: Type, env: Env, resolve: (t: Type) => Type): (Value | null)[] | undefined {
  const t = resolve(type);
  switch (t.kind) {
    case "bool":
      return [false, true];
    case "enum":
      return [...t.values];
    case "int": {
      const lo = evaluate(t.lo, env);
      const hi = evaluate(t.hi, env);
      if (typeof lo !== "number" || typeof hi !== "number" || hi - lo > ENUMERATION_LIMIT) return undefined;
      const out: number[] = [];
      for (let i = lo; i <= hi; i++) out.push(i);
      return out;
    }
    case "optional": {
      const inner = enumerate(t.value, env, resolve);
      return inner ? [null, ...inner] : undefined;
    }
    default:
      return undefined;
  }
}

