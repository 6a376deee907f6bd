/**
 * Checks on the IR that the TypeScript compiler cannot make: names that TLA+ accepts and that do not
 * collide, labels and gotos, PlusCal's one-assignment-per-variable rule, configurations that bind every
 * constant. Every problem is reported with its source location.
 */
import type { Expr, LValue, SourceLoc, Spec, Step, Stmt } from "../ir.ts";
import { type SpecProblem, SpecError } from "./errors.ts";
import { children, exprReads } from "../ir-walk.ts";
import { checkSymmetry } from "./symmetry.ts";
import { reservedNameReason } from "../tla/reserved.ts";
import { valueKindProblems } from "./check-values.ts";

const identifier = /^[A-Za-z][A-Za-z0-9_]*$/;

export function checkSpec(spec: Spec): void {
  const problems: SpecProblem[] = [];
  const report = (loc: SourceLoc, message: string, hint?: string) => problems.push({ loc, message, hint });

  // Every top-level name becomes a TLA+ definition, variable or action: one namespace.
  const seen = new Map<string, SourceLoc>();
  const declare = (name: string, what: string, loc: SourceLoc) => {
    if (!identifier.test(name)) report(loc, `The ${what} name "${name}" is not a valid TLA+ identifier`, "Use letters, digits and _ , starting with a letter.");
    else if (reservedNameReason(name))
      report(loc, `The ${what} name "${name}" is ${reservedNameReason(name)}: TLC would reject the generated module`, "Rename it.");
    const before = seen.get(name);
    if (before) report(loc, `"${name}" is declared twice (also at ${before.file}:${before.line})`, "Every constant, domain, variable, helper, process, step label and invariant needs its own name.");
    else seen.set(name, loc);
  };
  for (const c of spec.constants) declare(c.name, "constant", c.loc);
  for (const d of spec.domains) declare(d.name, "domain", d.loc);
  for (const v of spec.variables) declare(v.name, "variable", v.loc);
  for (const d of spec.definitions) declare(d.name, "helper", d.loc);
  for (const p of spec.processes) {
    declare(p.name, "process", p.loc);
    for (const l of p.locals) declare(l.name, "local variable", l.loc);
    for (const s of p.steps) declare(s.label, "step", s.loc);
  }
  for (const i of spec.invariants) declare(i.name, "invariant", i.loc);
  for (const r of spec.reachables ?? []) declare(r.name, "reachability goal", r.loc);
  for (const v of spec.variants) {
    for (const vp of v.processes) {
      const base = spec.processes.find((p) => p.name === vp.process);
      for (const s of vp.steps) if (!base?.steps.some((b) => b.label === s.label)) declare(s.label, "step", s.loc);
    }
  }

  // TLA+ (SANY) rejects a bound name that is also a top-level name: `\E sh \in S` with a VARIABLE sh.
  const bindsClash = (name: string, loc: SourceLoc) => {
    if (seen.has(name))
      report(loc, `The name "${name}" is bound here but is also a top-level name of the spec`, "Rename one of them: TLA+ does not allow a bound name to shadow a declared one.");
  };
  for (const d of spec.definitions) {
    for (const p of d.params) bindsClash(p, d.loc);
    for (const n of lambdaNames(d.body)) bindsClash(n, d.loc);
  }
  for (const i of [...spec.invariants, ...(spec.reachables ?? [])]) for (const n of lambdaNames(i.body)) bindsClash(n, i.loc);
  const stepsOf = [...spec.processes.map((p) => p.steps), ...spec.variants.flatMap((v) => v.processes.map((vp) => vp.steps))];
  for (const steps of stepsOf) for (const step of steps) walkBindings(step.body, bindsClash);

  const allSteps = [
    ...spec.processes.map((p) => ({ process: p.name, steps: p.steps })),
    ...spec.variants.flatMap((v) => v.processes.map((vp) => ({ process: vp.process, steps: vp.steps }))),
  ];
  for (const { steps } of allSteps) {
    const labels = new Set(steps.map((s) => s.label));
    for (const step of steps) checkStep(step, labels, report);
  }

  const constantNames = new Set(spec.constants.map((c) => c.name));
  if (spec.configs.length === 0) report({ file: spec.source, line: 1, column: 1 }, "The spec has no configuration", "Add .config(\"default\", { constants: { … } }).");
  for (const config of spec.configs) {
    const bound = new Set(config.constants.map((c) => c.name));
    for (const name of constantNames)
      if (!bound.has(name)) report(config.loc, `Configuration "${config.name}" does not bind the constant ${name}`, `Add ${name}: … to its constants.`);
    for (const name of bound)
      if (!constantNames.has(name)) report(config.loc, `Configuration "${config.name}" binds ${name}, which is not a constant of the spec`, "Declare it with const X = constant(…), or remove it.");
    if (config.variant && config.variant !== spec.baseVariant && !spec.variants.some((v) => v.name === config.variant))
      report(config.loc, `Configuration "${config.name}" names an unknown variant "${config.variant}"`);
  }
  problems.push(...valueKindProblems(spec));
  problems.push(...checkSymmetry(spec));
  if (problems.length > 0) throw new SpecError(problems);
}

type Report = (loc: SourceLoc, message: string, hint?: string) => void;

function checkStep(step: Step, labels: ReadonlySet<string>, report: Report): void {
  walk(step.body, new Set(), true);

  function walk(stmts: Stmt[], assigned: Set<string>, tail: boolean): Set<string> {
    let previous: Stmt | undefined;
    for (let i = 0; i < stmts.length; i++) {
      const stmt = stmts[i];
      if (!stmt) continue;
      const isTail = tail && i === stmts.length - 1;
      switch (stmt.kind) {
        case "goto":
          if (!labels.has(stmt.label) && stmt.label !== "Done") report(stmt.loc, `goto("${stmt.label}"): no step of this process has that label`, `Labels here: ${[...labels].join(", ")}.`);
          if (!isTail) report(stmt.loc, "goto(…) must be the last statement on its path through the step", "Move the statements after it before it, or into another step.");
          break;
        case "assign": {
          const key = targetKey(stmt.target);
          const groupsWithPrevious = previous?.kind === "assign" && targetKey(previous.target) === key && !readsTarget(stmt, key);
          if (assigned.has(key) && !groupsWithPrevious)
            report(
              stmt.loc,
              `${stmt.target.name} is assigned twice in step "${step.label}"`,
              "PlusCal allows one assignment per variable per step: update it in one statement (e.g. with mapping(…)), assign its parts in consecutive statements, or split the step with a new label.",
            );
          assigned.add(key);
          break;
        }
        case "await":
          break;
        case "if": {
          const a = walk(stmt.then, new Set(assigned), isTail);
          const b = walk(stmt.else, new Set(assigned), isTail);
          for (const k of [...a, ...b]) assigned.add(k);
          break;
        }
        case "either":
          for (const k of stmt.branches.flatMap((br) => [...walk(br, new Set(assigned), isTail)])) assigned.add(k);
          break;
        case "choose":
        case "let":
          for (const k of walk(stmt.body, new Set(assigned), tail)) assigned.add(k);
          break;
      }
      previous = stmt;
    }
    return assigned;
  }
}

function targetKey(t: LValue): string {
  return `${t.scope}:${t.name}`;
}

function readsTarget(stmt: Extract<Stmt, { kind: "assign" }>, key: string): boolean {
  const exprs: Expr[] = [stmt.value, ...stmt.target.path.flatMap((p) => (p.kind === "index" ? [p.index] : []))];
  return exprs.some((e) => exprReads(e).has(key));
}

/** Names bound by quantifiers, mapping, count and filter inside an expression. */
function lambdaNames(e: Expr, into = new Set<string>()): Set<string> {
  if (e.kind === "quant" || e.kind === "fn" || e.kind === "count" || e.kind === "filter") into.add(e.name);
  for (const c of children(e)) lambdaNames(c, into);
  return into;
}

function walkBindings(stmts: Stmt[], visit: (name: string, loc: SourceLoc) => void): void {
  for (const stmt of stmts) {
    const exprs: Expr[] = [];
    switch (stmt.kind) {
      case "assign":
        exprs.push(stmt.value, ...stmt.target.path.flatMap((p) => (p.kind === "index" ? [p.index] : [])));
        break;
      case "await":
        exprs.push(stmt.cond);
        break;
      case "if":
        exprs.push(stmt.cond);
        walkBindings(stmt.then, visit);
        walkBindings(stmt.else, visit);
        break;
      case "either":
        for (const b of stmt.branches) walkBindings(b, visit);
        break;
      case "choose":
      case "let":
        visit(stmt.name, stmt.loc);
        exprs.push(stmt.kind === "choose" ? stmt.set : stmt.value);
        walkBindings(stmt.body, visit);
        break;
      case "goto":
        break;
    }
    for (const e of exprs) for (const n of lambdaNames(e)) visit(n, stmt.loc);
  }
}
