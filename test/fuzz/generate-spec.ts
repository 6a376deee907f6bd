/**
 * Random small specs for the fuzz test, built from the DSL's vocabulary: a seeded, type-directed
 * generator of spec.ts source. The same seed always gives the same spec. Specs stay small (a few
 * processes, small domains) so every engine explores them in well under a second; they may violate
 * their invariants, leave their types (a TypeOK violation) or leave TLA+'s domains (an evaluation
 * error): every engine must then give the same answer.
 */

/** A small deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FuzzSpec {
  seed: number;
  name: string;
  source: string;
  /** The DSL constructs this spec uses (for the coverage figures). */
  constructs: Set<string>;
  /** Variants to check besides the base steps. */
  variants: string[];
}

type Kind = "int" | "bool" | "enum" | "mapB" | "mapI" | "set" | "opt" | "rec" | "lock";

interface Var {
  name: string;
  kind: Kind;
  /** Largest value of an int variable (its range is 0..max). */
  max: number;
}

interface Scope {
  /** In a step (self is bound), and whether self is a key of the maps over Procs. */
  inStep: boolean;
  selfInProcs: boolean;
  /** Names bound to a process identity of Procs / a value of Vals / an integer. */
  procs: string[];
  vals: string[];
  ints: string[];
  /** The process's own local (an integer 0..2), when it has one. */
  local?: string;
  /** In an invariant: pc may be read. */
  invariant: boolean;
}

const COLORS = ["red", "green", "blue"];

export function generateSpec(seed: number, dsl: string): FuzzSpec {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const chance = (p: number) => r() < p;
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const used = new Set<string>();
  const use = (c: string) => used.add(c);

  const useConstant = chance(0.3);
  const nProcs = useConstant ? 0 : int(1, 3);
  const daemon = chance(0.3);
  const vars: Var[] = [];
  const kinds: Kind[] = ["int", "bool", "enum", "mapB", "mapI", "set", "opt", "rec", "lock"];
  const nVars = int(1, 4);
  for (let i = 0; i < nVars; i++) {
    const kind = pick(kinds);
    if (kind === "lock" && vars.some((v) => v.kind === "lock")) continue;
    vars.push({ name: `${kind === "lock" ? "lock" : kind.toLowerCase()}${i}`, kind, max: int(1, 3) });
  }
  if (vars.length === 0) vars.push({ name: "x0", kind: "int", max: 2 });
  const of = (k: Kind) => vars.filter((v) => v.kind === k);

  // ---------------------------------------------------------------------------------------------
  // Expressions, by type

  const procId = (sc: Scope): string => {
    const options = [...sc.procs, ...(sc.inStep && sc.selfInProcs ? ["self", "self"] : []), "0"];
    // Now and then a key that may be outside the map's keys: every engine must then stop, with the
    // same located error.
    if (chance(0.03)) {
      use("key outside the keys");
      return `${pick(options)} + 1`;
    }
    return pick(options);
  };
  const intExpr = (sc: Scope, depth: number): string => {
    const leaves: (() => string)[] = [() => String(int(0, 3))];
    for (const v of of("int")) leaves.push(() => `s.${v.name}`);
    for (const v of of("mapI")) leaves.push(() => `s.${v.name}[${procId(sc)}]`);
    for (const v of of("rec")) leaves.push(() => (use("record"), `s.${v.name}.b`));
    for (const v of of("set")) leaves.push(() => (use("size"), `s.${v.name}.size`));
    for (const n of [...sc.ints, ...sc.vals]) leaves.push(() => n);
    if (sc.local) leaves.push(() => `s.${sc.local}`);
    if (depth <= 0 || chance(0.45)) return pick(leaves)();
    const d = depth - 1;
    switch (int(0, 6)) {
      case 0:
        use("+");
        return `${intExpr(sc, d)} + ${intExpr(sc, d)}`;
      case 1:
        use("-");
        return `${intExpr(sc, d)} - ${intExpr(sc, d)}`;
      case 2:
        use("*");
        return `${intExpr(sc, d)} * ${int(0, 2)}`;
      case 3:
        use("%");
        return `(${intExpr(sc, d)}) % ${int(1, 3)}`;
      case 4:
        use("Math.min/max");
        return `Math.${pick(["min", "max"])}(${intExpr(sc, d)}, ${intExpr(sc, d)})`;
      case 5:
        use("?:");
        return `(${boolExpr(sc, d)} ? ${intExpr(sc, d)} : ${intExpr(sc, d)})`;
      default: {
        use("count");
        const p = `p${depth}`;
        return `count(Procs, (${p}) => ${boolExpr({ ...sc, procs: [...sc.procs, p] }, d)})`;
      }
    }
  };
  const boolExpr = (sc: Scope, depth: number): string => {
    const leaves: (() => string)[] = [() => pick(["true", "false"])];
    for (const v of of("bool")) leaves.push(() => `s.${v.name}`);
    for (const v of of("lock")) leaves.push(() => `s.${v.name}`);
    for (const v of of("mapB")) leaves.push(() => `s.${v.name}[${procId(sc)}]`);
    // `as string`: TypeScript narrows a tag after a test or an assignment and would reject the comparison.
    for (const v of of("enum")) leaves.push(() => `(s.${v.name} as string) === ${JSON.stringify(pick(COLORS))}`);
    for (const v of of("opt")) leaves.push(() => (use("optional"), `s.${v.name} === null`));
    for (const v of of("rec")) leaves.push(() => (use("record"), `s.${v.name}.a`));
    for (const v of of("set")) leaves.push(() => (use("member"), chance(0.5) ? `member(${intExpr(sc, 0)}, s.${v.name})` : `s.${v.name}.has(${intExpr(sc, 0)})`));
    if (sc.invariant) leaves.push(() => (use("pc"), `(s.pc[${procId(sc)}] as string) === ${JSON.stringify(pick(labels))}`));
    if (depth <= 0 || chance(0.4)) return pick(leaves)();
    const d = depth - 1;
    switch (int(0, 8)) {
      case 0:
        use("&&");
        return `(${boolExpr(sc, d)} && ${boolExpr(sc, d)})`;
      case 1:
        use("||");
        return `(${boolExpr(sc, d)} || ${boolExpr(sc, d)})`;
      case 2:
        use("!");
        return `!(${boolExpr(sc, d)})`;
      case 3:
        use("implies");
        return `implies(${boolExpr(sc, d)}, ${boolExpr(sc, d)})`;
      case 4: {
        use("comparison");
        const [a, b] = [intExpr(sc, d), intExpr(sc, d)];
        // TypeScript rejects === between two different literals (TS2367).
        const literals = /^\d+$/.test(a) && /^\d+$/.test(b);
        return `${a} ${pick(literals ? ["<", "<=", ">", ">="] : ["<", "<=", ">", ">=", "===", "!=="])} ${b}`;
      }
      case 5:
      case 6: {
        const q = pick(["forall", "exists"]);
        use(q);
        const p = `q${depth}`;
        return `${q}(Procs, (${p}) => ${boolExpr({ ...sc, procs: [...sc.procs, p] }, d)})`;
      }
      case 7:
        if (helperName) {
          use("helper");
          return `${helperName}(s, ${procId(sc)})`;
        }
        return pick(leaves)();
      default:
        use("?:");
        return `(${boolExpr(sc, d)} ? ${boolExpr(sc, d)} : ${boolExpr(sc, d)})`;
    }
  };
  const setExpr = (sc: Scope, depth: number): string => {
    const base = [() => (use("setLit"), `setLit(${Array.from({ length: int(0, 2) }, () => int(0, 2)).join(", ")})`)];
    for (const v of of("set")) base.push(() => `s.${v.name}`);
    if (depth <= 0 || chance(0.5)) return pick(base)();
    const d = depth - 1;
    switch (int(0, 2)) {
      case 0:
        use("union");
        return `union(${setExpr(sc, d)}, ${setExpr(sc, d)})`;
      case 1:
        use("minus");
        return `minus(${setExpr(sc, d)}, ${setExpr(sc, d)})`;
      default: {
        use("filter");
        const v = `v${depth}`;
        return `filter(Vals, (${v}) => ${boolExpr({ ...sc, vals: [...sc.vals, v] }, d)})`;
      }
    }
  };
  /** A value for a whole variable: mostly inside its type (`% (max + 1)`), sometimes not. */
  const valueFor = (v: Var, sc: Scope): string => {
    switch (v.kind) {
      case "int":
      case "mapI":
        return chance(0.85) ? `(${intExpr(sc, 2)}) % ${v.max + 1}` : intExpr(sc, 2);
      case "bool":
      case "mapB":
      case "lock":
        return boolExpr(sc, 2);
      case "enum":
        return chance(0.5) ? JSON.stringify(pick(COLORS)) : (use("?:"), `${boolExpr(sc, 1)} ? ${JSON.stringify(pick(COLORS))} : ${JSON.stringify(pick(COLORS))}`);
      case "set":
        return setExpr(sc, 2);
      case "opt":
        use("optional");
        return chance(0.4) ? "null" : procId(sc);
      case "rec":
        use("record");
        return `{ a: ${boolExpr(sc, 1)}, b: (${intExpr(sc, 1)}) % 3 }`;
    }
  };

  // ---------------------------------------------------------------------------------------------
  // Statements

  const labels: string[] = ["Done"];
  /** A counter for names bound in steps (TypeScript does not let a block declare one twice). */
  let fresh = 0;
  const indent = (lines: string[], by: string) => lines.map((l) => `${by}${l}`);
  const statements = (sc: Scope, assigned: Set<string>, budget: number): string[] => {
    const out: string[] = [];
    for (let n = int(1, budget); n > 0; n--) {
      const free = vars.filter((v) => !assigned.has(v.name) && v.kind !== "lock");
      const choice = int(0, 9);
      if (choice <= 3 && free.length > 0) {
        const v = pick(free);
        assigned.add(v.name);
        if ((v.kind === "mapB" || v.kind === "mapI") && chance(0.6)) {
          use("map element assignment");
          out.push(`s.${v.name}[${procId(sc)}] = ${v.kind === "mapB" ? boolExpr(sc, 2) : `(${intExpr(sc, 2)}) % ${v.max + 1}`};`);
        } else if ((v.kind === "mapB" || v.kind === "mapI") && chance(0.5)) {
          use("mapping");
          const p = `k${out.length}`;
          const inner = { ...sc, procs: [...sc.procs, p] };
          out.push(`s.${v.name} = mapping(Procs, (${p}) => ${v.kind === "mapB" ? boolExpr(inner, 1) : `(${intExpr(inner, 1)}) % ${v.max + 1}`});`);
        } else if (v.kind === "int" && chance(0.3)) {
          use(pick(["+=", "++"]));
          out.push(`when(s.${v.name} < ${v.max});`, chance(0.5) ? `s.${v.name} += 1;` : `s.${v.name}++;`);
          use("when");
        } else if (v.kind !== "mapB" && v.kind !== "mapI") {
          use("assignment");
          out.push(`s.${v.name} = ${valueFor(v, sc)};`);
        } else {
          use("mapping");
          out.push(`s.${v.name} = mapping(Procs, () => ${v.kind === "mapB" ? "false" : "0"});`);
        }
      } else if (choice === 4) {
        use("when");
        out.push(`when(${boolExpr(sc, 2)});`);
      } else if (choice === 5 && budget > 1) {
        use("if/else");
        const a = new Set(assigned);
        const b = new Set(assigned);
        const then = statements(sc, a, budget - 1);
        const otherwise = chance(0.6) ? statements(sc, b, budget - 1) : [];
        for (const x of [...a, ...b]) assigned.add(x);
        out.push(`if (${boolExpr(sc, 2)}) {`, ...indent(then, "  "), ...(otherwise.length ? ["} else {", ...indent(otherwise, "  ")] : []), "}");
      } else if (choice === 6 && budget > 1) {
        use("either");
        const branches = Array.from({ length: int(2, 3) }, () => {
          const a = new Set(assigned);
          const body = statements(sc, a, budget - 1);
          return { a, body };
        });
        for (const b of branches) for (const x of b.a) assigned.add(x);
        out.push("either(", ...branches.flatMap((b, i) => ["  () => {", ...indent(b.body, "    "), `  }${i < branches.length - 1 ? "," : ""}`]), ");");
      } else if (choice === 7) {
        use("choose");
        const name = `c${fresh++}`;
        const overVals = chance(0.4);
        out.push(`const ${name} = choose(${overVals ? "Vals" : "Procs"});`);
        const inner = overVals ? { ...sc, vals: [...sc.vals, name] } : { ...sc, procs: [...sc.procs, name] };
        out.push(...statements(inner, assigned, Math.max(1, budget - 1)));
        return out;
      } else if (choice === 8) {
        use("const");
        const name = `y${fresh++}`;
        out.push(`const ${name} = ${intExpr(sc, 2)};`);
        out.push(...statements({ ...sc, ints: [...sc.ints, name] }, assigned, Math.max(1, budget - 1)));
        return out;
      } else if (sc.local && !assigned.has(sc.local)) {
        use("local");
        assigned.add(sc.local);
        out.push(`s.${sc.local} = (${intExpr(sc, 1)}) % 3;`);
      }
    }
    return out;
  };

  interface ProcessPlan {
    name: string;
    over: string;
    selfInProcs: boolean;
    local?: string;
    steps: { label: string; body: string[] }[];
  }
  const processes: ProcessPlan[] = [{ name: "proc", over: "Procs", selfInProcs: true, steps: [] }];
  if (daemon) processes.push({ name: "daemon", over: "Daemon", selfInProcs: false, steps: [] });
  const lock = of("lock")[0];
  let helperName: string | undefined;
  const helperSource = chance(0.3)
    ? (() => {
        // The body first: a helper must not call itself.
        const body = boolExpr({ inStep: false, selfInProcs: false, procs: ["p"], vals: [], ints: [], invariant: false }, 2);
        helperName = "ok";
        use("helper");
        return `const ok = helper((s: S, p: number) => ${body});\n`;
      })()
    : "";
  for (const [pi, p] of processes.entries()) {
    if (chance(0.3)) {
      p.local = `i${pi}`;
      use("process locals");
    }
    const n = int(1, 4);
    for (let k = 0; k < n; k++) p.steps.push({ label: `${p.name === "proc" ? "s" : "d"}${k}`, body: [] });
    labels.push(...p.steps.map((s) => s.label));
  }
  for (const p of processes) {
    p.steps.forEach((step, k) => {
      const sc: Scope = { inStep: true, selfInProcs: p.selfInProcs, procs: [], vals: [], ints: [], local: p.local, invariant: false };
      const assigned = new Set<string>();
      const body: string[] = [];
      if (lock && k === 0 && p.steps.length > 1 && chance(0.6)) {
        use("acquire/release");
        body.push(`acquire(s.${lock.name});`);
        assigned.add(lock.name);
      } else if (lock && k === p.steps.length - 1 && chance(0.6)) {
        use("acquire/release");
        body.push(`release(s.${lock.name});`);
        assigned.add(lock.name);
      }
      body.push(...statements(sc, assigned, 3));
      // Loop back (or stop) at the end, or fall through to the next label.
      if (chance(0.6)) {
        use("goto");
        body.push(`goto(${JSON.stringify(chance(0.75) ? pick(p.steps).label : "Done")});`);
      }
      step.body = body;
    });
  }

  const invariants = Array.from({ length: int(0, 2) }, (_, i) => {
    use("invariant");
    return { name: `Inv${i}`, body: boolExpr({ inStep: false, selfInProcs: false, procs: [], vals: [], ints: [], invariant: true }, 2) };
  });

  // A variant replacing the first step of proc.
  const variants: string[] = [];
  let variantSource = "";
  if (chance(0.25)) {
    use("variant");
    const first = processes[0]?.steps[0];
    if (first) {
      const sc: Scope = { inStep: true, selfInProcs: true, procs: [], vals: [], ints: [], local: processes[0]?.local, invariant: false };
      const body = statements(sc, new Set(lock ? [lock.name] : []), 2);
      variantSource = `\n  .variant("alt", "proc", {\n    steps: {\n      ${first.label}(s, self) {\n${indent(body, "        ").join("\n")}\n      },\n    },\n  })`;
      variants.push("alt");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Source

  const typeOf = (v: Var): string => {
    switch (v.kind) {
      case "int":
        return `range(0, ${v.max})`;
      case "bool":
      case "lock":
        return "bool";
      case "enum":
        return "Colors";
      case "mapB":
        return "mapOf(Procs, bool)";
      case "mapI":
        return `mapOf(Procs, range(0, ${v.max}))`;
      case "set":
        return "setOf(Vals)";
      case "opt":
        return "optional(Procs)";
      case "rec":
        return "record({ a: bool, b: range(0, 2) })";
    }
  };
  const initOf = (v: Var): string => {
    switch (v.kind) {
      case "int":
        return String(int(0, v.max));
      case "bool":
        return pick(["true", "false"]);
      case "lock":
        return "false";
      case "enum":
        return JSON.stringify(pick(COLORS));
      case "mapB":
        return "mapping(Procs, () => false)";
      case "mapI":
        return `mapping(Procs, (p) => p % ${v.max + 1})`;
      case "set":
        return "setLit(0)";
      case "opt":
        return "null";
      case "rec":
        return "{ a: false, b: 0 }";
    }
  };
  if (useConstant) use("constant");
  if (daemon) use("two process sets");
  const name = `Fuzz${seed}`;
  const procsDecl = useConstant ? "const N = constant(range(1, 3));\nconst Procs = range(0, N - 1);" : `const Procs = range(0, ${nProcs - 1});`;
  const daemonDecl = daemon ? (useConstant ? "const Daemon = range(N, N);\n" : `const Daemon = range(${nProcs}, ${nProcs});\n`) : "";
  const processSource = processes
    .map((p) => {
      const locals = p.local ? `\n    locals: { ${p.local}: range(0, 2) },\n    init: { ${p.local}: 0 },` : "";
      const steps = p.steps.map((s) => `      ${s.label}(s, self) {\n${indent(s.body, "        ").join("\n")}\n      },`).join("\n");
      return `  .process(${JSON.stringify(p.name)}, ${p.over}, {${locals}\n    steps: {\n${steps}\n    },\n  })`;
    })
    .join("\n");
  const invariantSource = invariants.map((inv) => `\n  .invariant(${JSON.stringify(inv.name)}, (s) => ${inv.body})`).join("");
  const config = useConstant ? `{ constants: { N: ${int(1, 2)} } }` : "{}";
  const source = `// Generated by the raidspec fuzz test from seed ${seed}.
import { acquire, bool, choose, constant, count, either, enumOf, exists, filter, forall, goto, helper, implies, mapOf, mapping, member, minus, optional, range, record, release, setLit, setOf, spec, type StateOf, union, when } from ${JSON.stringify(dsl)};

${procsDecl}
${daemonDecl}const Vals = range(0, 2);
const Colors = enumOf("red", "green", "blue");

const state = {
${vars.map((v) => `  ${v.name}: ${typeOf(v)},`).join("\n")}
};
type S = StateOf<typeof state>;
${helperSource}
export default spec(${JSON.stringify(name)}, {
  state,
  init: { ${vars.map((v) => `${v.name}: ${initOf(v)}`).join(", ")} },
})
${processSource}${invariantSource}
  .config("default", ${config})${variantSource};
`;
  return { seed, name, source, constructs: used, variants };
}
