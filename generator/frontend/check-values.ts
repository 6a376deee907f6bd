/**
 * Values TLC cannot compare, rejected at the spec. TLC compares the elements of every set it builds
 * and both sides of `=`, `#` and `\in`; an integer against a string or a boolean stops it ("Attempted
 * to compare integer 0 with non-integer: \"rm2\""), where every raidspec engine would have given a
 * verdict. TypeScript's types catch most of this in the editor, but not all: the process sets of a
 * spec make one set (ProcSet), so a process set of strings beside one of integers is an error TLC
 * finds only when it starts; TypeScript also orders and adds strings, which TLA+ cannot.
 *
 * Kinds come from the spec's domains. Values of unknown kind (helper parameters, whose types the IR
 * does not keep) and the "no value" of optional domains (a TLC model value, comparable with anything)
 * are compatible with anything, so the check never rejects what TLC would accept.
 */
import type { Expr, Process, SourceLoc, Spec, Stmt, Type } from "../ir.ts";
import type { SpecProblem } from "./errors.ts";

type Kind =
  /** `model`: TLC model values, which compare (unequal) with any value. */
  | { kind: "bool" | "int" | "string" | "none" | "model" | "unknown" }
  | { kind: "set"; element: Kind }
  | { kind: "function"; key: Kind; value: Kind }
  | { kind: "record"; fields: Map<string, Kind> };

const unknown: Kind = { kind: "unknown" };
const int: Kind = { kind: "int" };
const bool: Kind = { kind: "bool" };
const string: Kind = { kind: "string" };

function show(k: Kind): string {
  switch (k.kind) {
    case "set":
      return `a set of ${show(k.element)}`;
    case "function":
      return "a map";
    case "record":
      return "a record";
    case "int":
      return "integers";
    case "string":
      return "strings";
    case "bool":
      return "booleans";
    default:
      return "values";
  }
}

/** Whether TLC can compare values of the two kinds. */
function compatible(a: Kind, b: Kind): boolean {
  if (a.kind === "unknown" || b.kind === "unknown" || a.kind === "none" || b.kind === "none" || a.kind === "model" || b.kind === "model") return true;
  if (a.kind === "set" && b.kind === "set") return compatible(a.element, b.element);
  // Records are functions in TLC: they compare with each other.
  const structured = (k: Kind) => k.kind === "function" || k.kind === "record";
  if (structured(a) && structured(b)) return true;
  return a.kind === b.kind;
}

/** The more informative of two compatible kinds. */
const join = (a: Kind, b: Kind): Kind => (a.kind === "unknown" || a.kind === "none" || a.kind === "model" ? b : a);

interface Env {
  spec: Spec;
  domains: Map<string, Type>;
  /** Kinds of the bound names in scope. */
  bound: Map<string, Kind>;
  /** The executing process, inside a step or a local's initial value. */
  process?: Process;
  loc: SourceLoc;
  report: (loc: SourceLoc, message: string, hint?: string) => void;
  helperKinds: Map<string, Kind>;
}

function typeKind(t: Type, env: Pick<Env, "domains">, seen = new Set<string>()): Kind {
  switch (t.kind) {
    case "bool":
      return bool;
    case "int":
      return int;
    case "enum":
      return t.model ? { kind: "model" } : string;
    case "frame":
      return { kind: "record", fields: new Map() };
    case "seq":
      return { kind: "function", key: int, value: typeKind(t.element, env, seen) };
    case "tuple":
      return { kind: "function", key: int, value: t.elements.map((x) => typeKind(x, env, seen)).reduce(join, unknown) };
    case "map":
      return { kind: "function", key: typeKind(t.key, env, seen), value: typeKind(t.value, env, seen) };
    case "record":
      return { kind: "record", fields: new Map(t.fields.map((f) => [f.name, typeKind(f.type, env, seen)])) };
    case "set":
      return { kind: "set", element: typeKind(t.element, env, seen) };
    case "optional":
      return typeKind(t.value, env, seen);
    case "named": {
      const d = env.domains.get(t.name);
      if (!d || seen.has(t.name)) return unknown;
      return typeKind(d, env, new Set([...seen, t.name]));
    }
  }
}

const elementOf = (k: Kind): Kind => (k.kind === "set" ? k.element : unknown);

const hint = "TLC compares these values and stops on ones of different kinds. Keep the two sides of one kind (integers, strings or booleans).";

function exprKind(e: Expr, env: Env): Kind {
  const k = (x: Expr) => exprKind(x, env);
  const expectInt = (x: Expr, what: string) => {
    const kx = k(x);
    if (!compatible(kx, int)) env.report(env.loc, `${what} needs integers, but here it gets ${show(kx)}`, "TLA+'s arithmetic and orderings are defined on integers only (TLC stops on others).");
  };
  switch (e.kind) {
    case "bool":
      return bool;
    case "int":
      return int;
    case "string":
      return string;
    case "none":
      return { kind: "none" };
    case "var": {
      const v = env.spec.variables.find((x) => x.name === e.name);
      return v ? typeKind(v.type, env) : unknown;
    }
    case "local": {
      const l = env.process?.locals.find((x) => x.name === e.name) ?? env.spec.processes.flatMap((p) => p.locals).find((x) => x.name === e.name);
      return l ? typeKind(l.type, env) : unknown;
    }
    case "self":
      return env.process ? typeKind({ kind: "named", name: env.process.over }, env) : unknown;
    case "const": {
      const c = env.spec.constants.find((x) => x.name === e.name);
      return c ? typeKind(c.type, env) : unknown;
    }
    case "domain":
      return { kind: "set", element: typeKind({ kind: "named", name: e.name }, env) };
    case "bound":
      return env.bound.get(e.name) ?? unknown;
    case "pc":
      k(e.process);
      return string;
    case "index": {
      const base = k(e.base);
      const index = k(e.index);
      if (base.kind === "function" && !compatible(base.key, index))
        env.report(env.loc, `A map with keys of ${show(base.key)} is read at ${show(index)}`, hint);
      return base.kind === "function" ? base.value : unknown;
    }
    case "field": {
      const base = k(e.base);
      return base.kind === "record" ? (base.fields.get(e.field) ?? unknown) : unknown;
    }
    case "not":
      k(e.arg);
      return bool;
    case "neg":
      expectInt(e.arg, "Unary minus");
      return int;
    case "binary": {
      switch (e.op) {
        case "and":
        case "or":
        case "implies":
          k(e.left);
          k(e.right);
          return bool;
        case "eq":
        case "neq": {
          const l = k(e.left);
          const r = k(e.right);
          if (!compatible(l, r)) env.report(env.loc, `This compares ${show(l)} with ${show(r)}`, hint);
          return bool;
        }
        case "lt":
        case "le":
        case "gt":
        case "ge":
          expectInt(e.left, "An ordering (<, <=, >, >=)");
          expectInt(e.right, "An ordering (<, <=, >, >=)");
          return bool;
        case "add":
        case "sub":
        case "mul":
        case "div":
        case "mod":
          expectInt(e.left, "Arithmetic");
          expectInt(e.right, "Arithmetic");
          return int;
        case "in": {
          const x = k(e.left);
          const set = k(e.right);
          if (!compatible(x, elementOf(set))) env.report(env.loc, `This looks for ${show(x)} in a set of ${show(elementOf(set))}`, hint);
          return bool;
        }
        case "union":
        case "minus":
        case "intersect": {
          const l = k(e.left);
          const r = k(e.right);
          if (!compatible(elementOf(l), elementOf(r)))
            env.report(env.loc, `This combines a set of ${show(elementOf(l))} with a set of ${show(elementOf(r))}`, hint);
          return { kind: "set", element: join(elementOf(l), elementOf(r)) };
        }
      }
      return unknown;
    }
    case "ite": {
      k(e.cond);
      const t = k(e.then);
      const f = k(e.else);
      return compatible(t, f) ? join(t, f) : unknown;
    }
    case "quant":
    case "count":
    case "filter":
    case "fn": {
      const set = k(e.set);
      const body = exprKind(e.body, { ...env, bound: new Map([...env.bound, [e.name, elementOf(set)]]) });
      if (e.kind === "quant") return bool;
      if (e.kind === "count") return int;
      if (e.kind === "filter") return set;
      return { kind: "function", key: elementOf(set), value: body };
    }
    case "record":
      return { kind: "record", fields: new Map(e.fields.map((f) => [f.name, k(f.value)])) };
    case "setOf": {
      let element: Kind = unknown;
      for (const x of e.elements) {
        const kx = k(x);
        if (!compatible(element, kx)) {
          env.report(env.loc, `This set mixes ${show(element)} with ${show(kx)}`, hint);
          return { kind: "set", element: unknown };
        }
        element = join(element, kx);
      }
      return { kind: "set", element };
    }
    case "range":
      expectInt(e.lo, "A range lo..hi");
      expectInt(e.hi, "A range lo..hi");
      return { kind: "set", element: int };
    case "size":
      k(e.set);
      return int;
    case "typeSet":
      return { kind: "set", element: typeKind(e.type, env) };
    case "call": {
      for (const a of e.args) k(a);
      return env.helperKinds.get(e.name) ?? unknown;
    }
    case "model":
      return { kind: "model" };
    case "locals": {
      const owner = env.spec.processes.find((p) => p.locals.some((l) => l.name === e.name));
      const l = owner?.locals.find((x) => x.name === e.name);
      return owner && l ? { kind: "function", key: typeKind({ kind: "named", name: owner.over }, env), value: typeKind(l.type, env) } : unknown;
    }
    case "anyOf":
      return elementOf(k(e.set));
    case "tuple":
      return { kind: "function", key: int, value: e.elements.map(k).reduce(join, unknown) };
    case "at": {
      const seq = k(e.seq);
      expectInt(e.index, "A sequence position");
      return seq.kind === "function" ? seq.value : unknown;
    }
    case "len":
      k(e.seq);
      return int;
    case "head": {
      const seq = k(e.seq);
      return seq.kind === "function" ? seq.value : unknown;
    }
    case "tail":
      return k(e.seq);
    case "append":
      k(e.value);
      return k(e.seq);
    case "concat":
      k(e.right);
      return k(e.left);
    case "subSeq":
      expectInt(e.from, "SubSeq");
      expectInt(e.to, "SubSeq");
      return k(e.seq);
  }
}

function stmtKinds(stmts: Stmt[], env: Env): void {
  for (const s of stmts) {
    const here = { ...env, loc: s.loc };
    switch (s.kind) {
      case "assign":
        for (const p of s.target.path) if (p.kind !== "field") exprKind(p.index, here);
        exprKind(s.value, here);
        break;
      case "await":
        exprKind(s.cond, here);
        break;
      case "if":
        exprKind(s.cond, here);
        stmtKinds(s.then, env);
        stmtKinds(s.else, env);
        break;
      case "either":
        for (const b of s.branches) stmtKinds(b, env);
        break;
      case "choose":
      case "let": {
        const k = s.kind === "choose" ? elementOf(exprKind(s.set, here)) : exprKind(s.value, here);
        stmtKinds(s.body, { ...env, bound: new Map([...env.bound, [s.name, k]]) });
        break;
      }
      case "goto":
        break;
      case "macro":
        for (const a of s.args) exprKind(a, here);
        stmtKinds(s.body, env);
        break;
      case "call":
        for (const a of s.args) exprKind(a, here);
        break;
      case "return":
        break;
    }
  }
}

/** Every place the spec makes TLC compare values of different kinds. */
export function valueKindProblems(spec: Spec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const seen = new Set<string>();
  const report = (loc: SourceLoc, message: string, hintText?: string) => {
    const key = `${loc.file}:${loc.line}:${loc.column}:${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    problems.push({ loc, message: `${message}: TLC cannot compare them`, hint: hintText });
  };
  const domains = new Map(spec.domains.map((d) => [d.name, d.type]));
  const base = (loc: SourceLoc): Env => ({
    spec,
    domains,
    bound: new Map(),
    loc,
    report,
    helperKinds: new Map(),
  });
  const helperKinds = new Map<string, Kind>();
  for (const d of spec.definitions) {
    const env = { ...base(d.loc), helperKinds, bound: new Map(d.params.map((p) => [p, unknown])) };
    helperKinds.set(d.name, exprKind(d.body, env));
  }
  const withHelpers = (loc: SourceLoc): Env => ({ ...base(loc), helperKinds });

  // The process sets make one set, ProcSet.
  let procKind: { kind: Kind; process: Process } | undefined;
  for (const p of spec.processes) {
    const k = typeKind({ kind: "named", name: p.over }, { domains });
    if (procKind && !compatible(procKind.kind, k))
      report(
        p.loc,
        `Process set "${p.name}" (over ${p.over}) holds ${show(k)}, but process set "${procKind.process.name}" (over ${procKind.process.over}) holds ${show(procKind.kind)}; the process identities make one set (ProcSet)`,
        "Give every process set identities of one kind, e.g. integers (a coordinator 0..0 beside workers 1..N).",
      );
    else if (!procKind) procKind = { kind: k, process: p };
  }

  for (const v of spec.variables) exprKind(v.init, withHelpers(v.loc));
  for (const p of spec.processes) {
    for (const l of p.locals) exprKind(l.init, { ...withHelpers(l.loc), process: p });
    const variants = spec.variants.flatMap((v) => v.processes.filter((vp) => vp.process === p.name).map((vp) => vp.steps));
    for (const steps of [p.steps, ...variants]) for (const step of steps) stmtKinds(step.body, { ...withHelpers(step.loc), process: p });
  }
  for (const p of spec.procedures) for (const step of p.steps) stmtKinds(step.body, withHelpers(step.loc));
  for (const i of [...spec.invariants, ...spec.constraints, ...(spec.initially ? [spec.initially] : [])]) exprKind(i.body, withHelpers(i.loc));
  for (const a of spec.actions) {
    const bound = new Map<string, Kind>(a.param && a.over ? [[a.param, typeKind({ kind: "named", name: a.over }, { domains })]] : []);
    stmtKinds(a.body, { ...withHelpers(a.loc), bound });
  }
  return problems;
}
