/**
 * Checks on the IR that the TypeScript compiler cannot make: names that TLA+ accepts and that do not
 * collide, labels and gotos, PlusCal's one-assignment-per-variable rule, configurations that bind every
 * constant. Every problem is reported with its source location.
 */
import type { Expr, LValue, Procedure, SourceLoc, Spec, Step, Stmt } from "../ir.ts";
import { type SpecProblem, SpecError } from "./errors.ts";
import { boundNames, children, endsOpen, exprReads, inlineMacros, modelValueNames, namedModelValues, pathIndices } from "../ir-walk.ts";
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
  // Model values are constants of the module too; a tag spelled like one would be read as it.
  const models = new Set(modelValueNames(spec));
  const specLoc = { file: spec.source, line: 1, column: 1 };
  const domainOf = (m: string) => spec.domains.find((d) => d.type.kind === "enum" && d.type.model && d.type.values.includes(m));
  for (const m of models) {
    const d = domainOf(m);
    if (!d) report(specLoc, `The model value ${m} is declared outside a named domain`, "Declare its modelValues(…) at the top level: const D = modelValues(…); the .cfg binds D to the set.");
    else if (!identifier.test(m) || reservedNameReason(m)) report(d.loc, `The model value name "${m}" is not a valid TLA+ identifier`, "Use letters, digits and _ , starting with a letter.");
  }
  // Named one by one, a model value is a CONSTANT of the module, so its name must be free there.
  for (const m of namedModelValues(spec)) declare(m, "model value", domainOf(m)?.loc ?? specLoc);
  const tags = new Set<string>();
  const collectTags = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(collectTags);
    else if (node && typeof node === "object") {
      const o = node as Record<string, unknown>;
      if (o.kind === "enum" && !o.model && Array.isArray(o.values)) for (const v of o.values) tags.add(String(v));
      Object.values(o).forEach(collectTags);
    }
  };
  collectTags(spec);
  for (const t of tags)
    if (models.has(t)) report(specLoc, `"${t}" is both a model value and an enumOf(…) tag`, "A string literal with that name means the model value: rename the tag or the model value.");
  for (const d of spec.domains) declare(d.name, "domain", d.loc);
  for (const v of spec.variables) declare(v.name, "variable", v.loc);
  for (const d of spec.definitions) declare(d.name, "helper", d.loc);
  for (const p of spec.processes) {
    declare(p.name, "process", p.loc);
    for (const l of p.locals) declare(l.name, "local variable", l.loc);
    for (const s of p.steps) declare(s.label, "step", s.loc);
  }
  for (const a of spec.actions) {
    declare(a.name, "action", a.loc);
    // Its PlusCal process's label (see renderPlusCal), which pcal.trans also makes a name.
    if (spec.processes.length === 0) declare(`${a.name}_`, "generated label", a.loc);
  }
  for (const i of spec.invariants) declare(i.name, "invariant", i.loc);
  for (const c of spec.constraints) declare(c.name, "constraint", c.loc);
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
  for (const i of [...spec.invariants, ...spec.constraints, ...(spec.initially ? [spec.initially] : [])]) for (const n of lambdaNames(i.body)) bindsClash(n, i.loc);
  const stepsOf = [...spec.processes.map((p) => p.steps), ...spec.variants.flatMap((v) => v.processes.map((vp) => vp.steps))];
  for (const steps of stepsOf) for (const step of steps) walkBindings(step.body, bindsClash);
  // A macro's body is its text with the arguments in place: a name it binds must not capture one of them.
  const capture = (stmts: Stmt[]): void => {
    for (const s of stmts) {
      if (s.kind === "macro") {
        const free = new Set(s.args.flatMap((a) => [...boundNames(a)]));
        walkBindings(s.body, (name, loc) => {
          if (free.has(name)) report(loc, `Macro ${s.name} binds "${name}", which its call's arguments also use`, "Rename the name bound inside the macro.");
        });
        capture(s.body);
      } else if (s.kind === "if") capture([...s.then, ...s.else]);
      else if (s.kind === "either") capture(s.branches.flat());
      else if (s.kind === "choose" || s.kind === "let") capture(s.body);
    }
  };
  for (const steps of stepsOf) for (const step of steps) capture(step.body);
  for (const m of spec.macros) {
    declare(m.name, "macro", m.loc);
    for (const p of m.params) bindsClash(p, m.loc);
    walkBindings(m.body, bindsClash);
    checkStep({ label: m.name, body: m.body, loc: m.loc }, new Set(), report, "macro");
  }
  for (const a of spec.actions) {
    capture(a.body);
    if (a.param) bindsClash(a.param, a.loc);
    walkBindings(a.body, bindsClash);
    // An action has no label to go to, and PlusCal's rule of one assignment per variable applies.
    checkStep({ label: a.name, body: a.body, loc: a.loc }, new Set(), report, "action");
  }

  const allSteps = [
    ...spec.processes.map((p) => ({ process: p.name, steps: p.steps })),
    ...spec.variants.flatMap((v) => v.processes.map((vp) => ({ process: vp.process, steps: vp.steps }))),
  ];
  const procedures = new Map(spec.procedures.map((p) => [p.name, p]));
  for (const { steps } of allSteps) {
    const labels = new Set(steps.map((s) => s.label));
    for (const step of steps) checkStep(step, labels, report, "step", procedures);
  }
  for (const p of spec.procedures) {
    declare(p.name, "procedure", p.loc);
    for (const v of [...p.params, ...p.locals]) declare(v.name, "procedure variable", v.loc);
    for (const s of p.steps) declare(s.label, "step", s.loc);
    for (const s of p.steps) walkBindings(s.body, bindsClash);
    const labels = new Set(p.steps.map((s) => s.label));
    p.steps.forEach((s, i) => checkStep(s, labels, report, "procedure step", procedures, i === p.steps.length - 1));
  }
  // A call pushes a frame the stack must hold: the stack is bounded, so no procedure may reach itself.
  const callees = (stmts: Stmt[]): string[] =>
    stmts.flatMap((s) =>
      s.kind === "call" ? [s.procedure] : s.kind === "if" ? callees([...s.then, ...s.else]) : s.kind === "either" ? callees(s.branches.flat()) : s.kind === "choose" || s.kind === "let" ? callees(s.body) : [],
    );
  const reaches = (from: string, seen: Set<string>): boolean =>
    (procedures.get(from)?.steps ?? []).some((s) => callees(s.body).some((c) => c === [...seen][0] || (!seen.has(c) && reaches(c, new Set([...seen, c])))));
  for (const p of spec.procedures)
    if (reaches(p.name, new Set([p.name]))) report(p.loc, `Procedure ${p.name} calls itself (directly or through others)`, "raidspec bounds each process's stack by the deepest chain of calls: write the recursion as a loop of labelled steps.");
  if (spec.initially && spec.procedures.length > 0)
    report(spec.initially.loc, "Initial states by a predicate cannot be combined with procedures (the stack would range over every frame)", "Give the variables initial values instead.");

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

function checkStep(
  step: Step,
  labels: ReadonlySet<string>,
  report: Report,
  what: "step" | "action" | "macro" | "procedure step" = "step",
  procedures: ReadonlyMap<string, Procedure> = new Map(),
  /** A procedure's last step: no path may fall through past it (the procedure ends in ret()). */
  last = false,
): void {
  const body = inlineMacros(step.body);
  walk(body, new Set(), true);
  if (last && endsOpen(body))
    report(step.loc, `The last step of a procedure, "${step.label}", can fall through past its end`, "End every path of it with ret() (or a goto to one of the procedure's labels).");

  function walk(stmts: Stmt[], assigned: Set<string>, tail: boolean): Set<string> {
    let previous: Stmt | undefined;
    for (let i = 0; i < stmts.length; i++) {
      const stmt = stmts[i];
      if (!stmt) continue;
      const isTail = tail && i === stmts.length - 1;
      switch (stmt.kind) {
        case "call": {
          const callee = procedures.get(stmt.procedure);
          if (what === "action" || what === "macro") report(stmt.loc, `call(…) in ${what} "${step.label}"`, "Only the steps of processes and procedures call procedures.");
          else if (!callee) report(stmt.loc, `call("${stmt.procedure}"): the spec has no procedure of that name`, `Procedures: ${[...procedures.keys()].join(", ") || "none"}.`);
          else if (callee.params.length !== stmt.args.length) report(stmt.loc, `${stmt.procedure} takes ${callee.params.length} argument${callee.params.length === 1 ? "" : "s"}`);
          if (!isTail) report(stmt.loc, "call(…) must be the last statement on its path through the step", "The procedure returns to the step after this one: move the statements after the call there.");
          break;
        }
        case "return":
          if (what !== "procedure step") report(stmt.loc, `ret() in ${what} "${step.label}": only a procedure returns`, "Use goto(\"Done\") to end a process.");
          if (!isTail) report(stmt.loc, "ret() must be the last statement on its path through the step");
          break;
        case "goto":
          if (what === "action" || what === "macro") {
            report(
              stmt.loc,
              `goto(…) in ${what} "${step.label}": ${what === "action" ? "an action" : "a macro"} has no label to go to`,
              what === "action" ? "Use a process with labelled steps for control flow, or let the action's guards decide when it is enabled." : "Put the goto in the step that calls the macro.",
            );
            break;
          }
          if (!labels.has(stmt.label) && stmt.label !== "Done") report(stmt.loc, `goto("${stmt.label}"): no step of this process has that label`, `Labels here: ${[...labels].join(", ")}.`);
          if (!isTail) report(stmt.loc, "goto(…) must be the last statement on its path through the step", "Move the statements after it before it, or into another step.");
          break;
        case "assign": {
          const key = targetKey(stmt.target);
          const groupsWithPrevious = previous?.kind === "assign" && targetKey(previous.target) === key && !readsTarget(stmt, key);
          if (assigned.has(key) && !groupsWithPrevious)
            report(
              stmt.loc,
              `${stmt.target.name} is assigned twice in ${what} "${step.label}"`,
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
  const exprs: Expr[] = [stmt.value, ...pathIndices(stmt.target.path)];
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
        exprs.push(stmt.value, ...pathIndices(stmt.target.path));
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
      case "macro":
        exprs.push(...stmt.args);
        walkBindings(stmt.body, visit);
        break;
      case "call":
        exprs.push(...stmt.args);
        break;
      case "return":
        break;
    }
    for (const e of exprs) for (const n of lambdaNames(e)) visit(n, stmt.loc);
  }
}
