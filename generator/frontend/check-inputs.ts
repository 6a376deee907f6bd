/**
 * Checks of what a spec names and how it refers to it, beyond the TLA+ naming rules of check.ts:
 * configuration and variant names (file names and command-line words) are plain identifiers and
 * unique, variants do not share a module; the spec has processes with steps; `pc` is compared only
 * with labels that exist. Each problem is reported with its source location.
 */
import type { Expr, SourceLoc, Spec } from "../ir.ts";
import { children, visitStatements } from "../ir-walk.ts";
import { moduleName } from "../tla/module.ts";
import { SpecError, type SpecProblem } from "./errors.ts";

/** Configuration and variant names: they become file names and command-line arguments. */
const fileIdentifier = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

const fileRule = "Use ASCII letters, digits, _ and -, starting with a letter or digit (the name becomes a file name and a command-line argument).";

export function checkInputs(spec: Spec): void {
  const problems: SpecProblem[] = [];
  const report = (loc: SourceLoc, message: string, hint?: string) => problems.push({ loc, message, hint });
  const specLoc = spec.loc ?? { file: spec.source, line: 1, column: 1 };

  // The spec's own name is checked where it is read (a TLA+ module name: read-spec.ts).
  if (spec.processes.length === 0 && spec.actions.length === 0)
    report(specLoc, "The spec has no process and no action", 'Add .process("name", Ids, { steps: { … } }) or .action("Name", (s) => …): a spec is checked by running them.');
  for (const p of spec.processes)
    if (p.steps.length === 0) report(p.loc, `Process "${p.name}" has no steps`, "Give it at least one labelled step in steps: { … }.");

  checkUniqueNames(spec.configs, "configuration", report);
  const variantNames = spec.variants.map((v) => ({ name: v.name, loc: v.loc }));
  checkUniqueNames(variantNames, "variant", report);
  for (const v of spec.variants) {
    if (v.name === "base" || v.name === spec.baseVariant)
      report(v.loc, `The variant name "${v.name}" already names the base steps`, 'Rename the variant ("base" and the spec\'s base: name select the steps without any variant).');
  }
  if (spec.baseVariant !== undefined && !fileIdentifier.test(spec.baseVariant)) report(specLoc, `The base variant name "${spec.baseVariant}" is not an identifier`, fileRule);
  // Variants become modules Name_variant (other characters turned into _): two must not share one.
  const modules = new Map<string, string>();
  for (const v of spec.variants) {
    const name = moduleName(spec, v.name);
    const other = modules.get(name.toLowerCase());
    if (other !== undefined) report(v.loc, `Variants "${other}" and "${v.name}" would both generate the module ${name}`, "Rename one of them.");
    else modules.set(name.toLowerCase(), v.name);
  }

  const labels = new Set([
    "Done",
    ...spec.processes.flatMap((p) => p.steps.map((s) => s.label)),
    ...spec.variants.flatMap((v) => v.processes.flatMap((vp) => vp.steps.map((s) => s.label))),
    ...spec.procedures.flatMap((p) => p.steps.map((s) => s.label)),
  ]);
  // (Bound names TLA+ reserves are renamed by the TLA+ generator: see generator/tla/fresh-names.ts.)
  const checkExpr = (e: Expr, loc: SourceLoc) => {
    for (const label of unknownPcLabels(e, labels))
      report(loc, `pc is compared with "${label}", which is not a step label`, `Labels: ${[...labels].join(", ")}.`);
  };
  for (const inv of spec.invariants) checkExpr(inv.body, inv.loc);
  for (const d of spec.definitions) checkExpr(d.body, d.loc);
  const stepLists = [...spec.processes.map((p) => p.steps), ...spec.variants.flatMap((v) => v.processes.map((vp) => vp.steps)), ...spec.procedures.map((p) => p.steps), spec.actions];
  for (const steps of stepLists) for (const step of steps) visitStatements(step.body, { expr: checkExpr });
  if (problems.length > 0) throw new SpecError(problems);
}

function checkUniqueNames(items: { name: string; loc: SourceLoc }[], what: string, report: (loc: SourceLoc, message: string, hint?: string) => void): void {
  const seen = new Map<string, SourceLoc>();
  for (const item of items) {
    if (!fileIdentifier.test(item.name)) {
      report(item.loc, `The ${what} name "${item.name}" is not an identifier`, fileRule);
      continue;
    }
    // Case-insensitively: configurations are files, and some file systems ignore case.
    const before = seen.get(item.name.toLowerCase());
    if (before) report(item.loc, `The ${what} "${item.name}" is declared twice (also at ${before.file}:${before.line}:${before.column})`, `Give every ${what} its own name (case does not count).`);
    else seen.set(item.name.toLowerCase(), item.loc);
  }
}

/** String literals that `pc[…]` is compared with (=, ≠, ∈ a literal set) and that are no label. */
function unknownPcLabels(e: Expr, labels: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const visit = (x: Expr) => {
    if (x.kind === "binary" && (x.op === "eq" || x.op === "neq")) {
      for (const [a, b] of [[x.left, x.right], [x.right, x.left]] as const)
        if (a.kind === "pc" && b.kind === "string" && !labels.has(b.value)) out.push(b.value);
    }
    if (x.kind === "binary" && x.op === "in" && x.left.kind === "pc" && x.right.kind === "setOf")
      for (const el of x.right.elements) if (el.kind === "string" && !labels.has(el.value)) out.push(el.value);
    children(x).forEach(visit);
  };
  visit(e);
  return out;
}
