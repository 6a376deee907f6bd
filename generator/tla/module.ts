/**
 * The TLA+ generator: a spec (with a variant applied) → the module text, and a configuration → the
 * `.cfg` text. Layout lives in the Handlebars templates beside this file; this file computes the pieces.
 */
import { readFileSync } from "node:fs";
import Handlebars from "handlebars";
import type { Config, Definition, Expr, Process, Spec, Type, Value, Variable } from "../ir.ts";
import { modelValueDomains, namedModelValues, pcLabels } from "../ir-walk.ts";
import { BOUNDED_SEQ, type ExprContext, plainContext, renderExpr, renderType, renderTypeCheck, tlaString } from "./expr.ts";
import { type Formula, and, atom, definition } from "./formula.ts";
import { freshBinders, freshName, topLevelNames } from "./fresh-names.ts";
import { stackDepth } from "../ir-walk.ts";
import { renderPlusCal } from "./pluscal.ts";
import { nextLabel, procedureVariables, translateAction, translateStep } from "./translate.ts";

const template = (name: string) =>
  Handlebars.compile(readFileSync(new URL(`./templates/${name}`, import.meta.url), "utf8"), { noEscape: true, strict: true });
const moduleTemplate = template("module.tla.hbs");
const configTemplate = template("config.cfg.hbs");

/** The module name of a spec in a variant: `Raid5` or `Raid5_preD0852df`. */
export function moduleName(spec: Spec, variant: string | null): string {
  return variant ? `${spec.name}_${variant.replace(/[^A-Za-z0-9_]/g, "_")}` : spec.name;
}

/** The spec with a variant's steps in place of the base steps. */
export function applyVariant(spec: Spec, variant: string | null): Spec {
  if (!variant) return spec;
  const v = spec.variants.find((x) => x.name === variant);
  if (!v) throw new Error(`unknown variant ${variant}`);
  return {
    ...spec,
    processes: spec.processes.map((p) => {
      const override = v.processes.find((vp) => vp.process === p.name);
      return override ? { ...p, steps: override.steps } : p;
    }),
  };
}

const docLines = (doc: string | undefined): string[] => (doc ? doc.split("\n") : []);

/**
 * Whether the spec has sequences or tuples anywhere (types, values, operators, assignment paths): the
 * module then extends Sequences. The IR is plain JSON, and a node's kind is its one "kind" key, so a
 * scan of the JSON text finds them all (a user's string cannot contain an unescaped quote).
 */
export function usesSequenceValues(spec: Spec): boolean {
  if (spec.procedures.length > 0) return true;
  return /"kind":"(seq|tuple|at|len|head|tail|append|concat|subSeq)"/.test(JSON.stringify(spec));
}

export function usesNoValue(spec: Spec): boolean {
  const inType = (t: Type): boolean => {
    switch (t.kind) {
      case "optional":
        return true;
      case "map":
        return inType(t.key) || inType(t.value);
      case "record":
        return t.fields.some((f) => inType(f.type));
      case "set":
        return inType(t.element);
      default:
        return false;
    }
  };
  return [...spec.domains, ...spec.variables, ...spec.processes.flatMap((p) => p.locals)].some((x) => inType(x.type));
}

/**
 * The definitions of a spec's module that TLC evaluates in single states: the initial predicate, the
 * type invariant, the invariants, the helpers and domains they use, ProcSet and vars. None may
 * contain a prime (the SANY-rules checker holds the generator to it).
 */
export function stateLevelNames(spec: Spec): string[] {
  return [
    "Init",
    "TypeOK",
    ...(spec.processes.length > 0 ? ["ProcSet"] : []),
    "vars",
    ...spec.domains.map((d) => d.name),
    ...spec.definitions.map((d) => d.name),
    ...spec.invariants.map((i) => i.name),
    ...spec.constraints.map((c) => c.name),
  ];
}

/** The full text of the TLA+ module for a spec in a variant (null: the base steps). */
export function renderModule(base: Spec, variant: string | null, specArg: string): string {
  const spec = freshBinders(applyVariant(base, variant));
  const definitions = new Map<string, Definition>(spec.definitions.map((d) => [d.name, d]));
  const ctx = plainContext(definitions);
  const name = moduleName(spec, variant);
  // A domain of model values is a CONSTANT set (given in the .cfg, as TLC users write it); a model
  // value the spec names one by one is a CONSTANT too.
  const modelDomains = modelValueDomains(spec);
  const constants = [
    ...spec.constants.map((c) => c.name),
    ...modelDomains.map((d) => d.name),
    ...namedModelValues(spec),
    ...(usesNoValue(spec) ? ["NoValue"] : []),
  ];
  const locals = spec.processes.flatMap((p) => p.locals.map((l) => ({ ...l, over: p.over })));
  // Without processes there is no pc (as pcal.trans leaves it out of an algorithm that needs none).
  const hasProcesses = spec.processes.length > 0;
  const procVars = procedureVariables(spec);
  const variables = [
    ...spec.variables.map((v) => v.name),
    ...locals.map((l) => l.name),
    ...procVars.map((v) => v.name),
    ...(spec.procedures.length > 0 ? ["stack"] : []),
    ...(hasProcesses ? ["pc"] : []),
  ].join(", ");

  const init = definition("Init", and(initConjuncts(spec, ctx)));

  const actions: { label: string; models?: string; process?: string; doc: string[]; text: string }[] = spec.processes.flatMap((p) =>
    p.steps.map((step, i) => ({
      label: step.label,
      models: step.models,
      process: p.name,
      doc: docLines(step.doc),
      text: definition(
        `${step.label}(self)`,
        and([atom(`pc[self] = ${tlaString(step.label)}`), ...translateStep(step, nextLabel(p, i), spec, definitions)]),
      ),
    })),
  );
  for (const proc of spec.procedures)
    proc.steps.forEach((step, i) =>
      actions.push({
        label: step.label,
        ...(step.models ? { models: step.models } : {}),
        process: `procedure ${proc.name}`,
        doc: docLines(step.doc),
        text: definition(
          `${step.label}(self)`,
          and([atom(`pc[self] = ${tlaString(step.label)}`), ...translateStep(step, nextLabel(proc, i), spec, definitions, proc)]),
        ),
      }),
    );
  for (const a of spec.actions)
    actions.push({
      label: a.name,
      doc: docLines(a.doc),
      text: definition(a.param ? `${a.name}(${a.param})` : a.name, and(translateAction(a, spec, definitions))),
    });
  const next = definition("Next", {
    kind: "or",
    items: [
      ...spec.processes.flatMap((p) => p.steps.map((s) => atom(`\\E self \\in ${p.over} : ${s.label}(self)`))),
      ...spec.procedures.flatMap((p) => p.steps.map((s) => atom(`\\E self \\in ProcSet : ${s.label}(self)`))),
      ...spec.actions.map((a) => atom(a.over && a.param ? `\\E ${a.param} \\in ${a.over} : ${a.name}(${a.param})` : a.name)),
      ...(hasProcesses ? [atom("Terminating")] : []),
    ],
  });
  const labels = (steps: { label: string }[]) => steps.map((s) => s.label);
  const taken = topLevelNames(spec);
  const allLabels = [...new Set([...spec.processes.flatMap((p) => labels(p.steps)), ...spec.procedures.flatMap((p) => labels(p.steps)), "Done"])];
  const typeOK = definition(
    "TypeOK",
    and([
      ...spec.variables.map((v) => atom(renderTypeCheck(v.name, v.type, ctx, taken))),
      ...locals.map((l) => atom(renderTypeCheck(l.name, { kind: "map", key: { kind: "named", name: l.over }, value: l.type }, ctx, taken))),
      ...procVars.map((v) => atom(renderTypeCheck(v.name, { kind: "map", key: { kind: "named", name: "ProcSet" }, value: v.type }, ctx, taken))),
      // Each process's stack holds at most one frame per procedure of the deepest chain of calls.
      ...(spec.procedures.length > 0 ? [atom(`DOMAIN stack = ProcSet /\\ (\\A ${freshName("k0", (n) => taken.has(n))} \\in ProcSet : Len(stack[${freshName("k0", (n) => taken.has(n))}]) <= ${stackDepth(spec)})`)] : []),
      ...(hasProcesses ? [atom(`pc \\in [ProcSet -> {${allLabels.map(tlaString).join(", ")}}]`)] : []),
    ]),
  );
  const sequences = usesSequenceValues(spec);
  const rule = `${"-".repeat(28)} MODULE ${name} ${"-".repeat(28)}`;
  return moduleTemplate({
    rule,
    endRule: "=".repeat(rule.length),
    source: spec.source,
    variant,
    specArg,
    doc: docLines(spec.doc),
    extends: ["Integers", "FiniteSets", ...(sequences ? ["Sequences"] : []), "TLC"].join(", "),
    boundedSeq: sequences ? BOUNDED_SEQ : "",
    constants: constants.join(", "),
    domains: spec.domains.filter((d) => !modelDomains.some((m) => m.name === d.name)).map((d) => ({ name: d.name, set: renderType(d.type, ctx), doc: docLines(d.doc) })),
    pluscal: renderPlusCal(spec, definitions),
    pluscalOmitted: plusCalOmitted(spec),
    variables,
    definitions: spec.definitions.map((d) => ({
      doc: docLines(d.doc),
      text: `${d.params.length ? `${d.name}(${d.params.join(", ")})` : d.name} == ${renderExpr(d.body, ctx)}`,
    })),
    hasProcesses,
    procSet: spec.processes.map((p) => (spec.processes.length > 1 ? `(${p.over})` : p.over)).join(" \\cup ") || "{}",
    init,
    actions,
    next,
    typeOK,
    invariants: spec.invariants.map((inv) => ({ doc: docLines(inv.doc), text: `${inv.name} == ${renderExpr(inv.body, ctx)}` })),
    constraints: spec.constraints.map((c) => ({ doc: docLines(c.doc), text: `${c.name} == ${renderExpr(c.body, ctx)}` })),
    symmetry: tlcSymmetricDomains(spec).length > 0 ? `Symmetry == ${tlcSymmetricDomains(spec).map((d) => `Permutations(${d})`).join(" \\cup ")}` : "",
  });
}

/** Why a spec has no PlusCal algorithm (PlusCal cannot say what it says), or undefined when it has one. */
export function plusCalOmitted(spec: Spec): string | undefined {
  if (spec.initially) return "its initial states are given by a predicate over the whole state, pc included, which PlusCal cannot state";
  if (spec.actions.length > 0 && spec.processes.length > 0)
    return "it has plain actions beside its processes, and in PlusCal each action would be a process with a pc of its own";
  return undefined;
}

/** The conjuncts of Init: each variable and local `= value` or `\\in set`, pc, and the initial predicate. */
function initConjuncts(spec: Spec, ctx: ExprContext): Formula[] {
  const value = (name: string, init: Expr) => atom(init.kind === "anyOf" ? `${name} \\in ${renderExpr(init.set, ctx, "set")}` : `${name} = ${renderExpr(init, ctx)}`);
  const local = (l: Variable, over: string) =>
    atom(l.init.kind === "anyOf" ? `${l.name} \\in [${over} -> ${renderExpr(l.init.set, ctx)}]` : `${l.name} = [self \\in ${over} |-> ${renderExpr(l.init, ctx)}]`);
  const labels = (p: Process) => `{${pcLabels(p).map(tlaString).join(", ")}}`;
  const out: Formula[] = [...spec.variables.map((v) => value(v.name, v.init)), ...spec.processes.flatMap((p) => p.locals.map((l) => local(l, p.over)))];
  const [only] = spec.processes;
  if (spec.processes.length === 0) {
    if (spec.initially) out.push(atom(renderExpr(spec.initially.body, ctx)));
    return out;
  }
  if (spec.initially) {
    // Every label a process can be at: one function set, or all labels narrowed per process set.
    if (spec.processes.length === 1 && only) out.push(atom(`pc \\in [ProcSet -> ${labels(only)}]`));
    else {
      const all = [...new Set(spec.processes.flatMap((p) => pcLabels(p)))];
      out.push(atom(`pc \\in [ProcSet -> {${all.map(tlaString).join(", ")}}]`));
      for (const p of spec.processes) out.push(atom(`\\A self \\in ${p.over} : pc[self] \\in ${labels(p)}`));
    }
    out.push(atom(renderExpr(spec.initially.body, ctx)));
    return out;
  }
  const pcInit =
    spec.processes.length === 1 && only
      ? tlaString(only.steps[0]?.label ?? "Done")
      : `CASE ${spec.processes.map((p) => `self \\in ${p.over} -> ${tlaString(p.steps[0]?.label ?? "Done")}`).join("\n                                        [] ")}`;
  for (const v of procedureVariables(spec)) out.push(atom(`${v.name} = [self \\in ProcSet |-> ${renderExpr(v.init, ctx)}]`));
  if (spec.procedures.length > 0) out.push(atom("stack = [self \\in ProcSet |-> <<>>]"));
  out.push(atom(`pc = [self \\in ProcSet |-> ${pcInit}]`));
  return out;
}

export function renderValue(v: Value): string {
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return tlaString(v);
  return `{${v.map(renderValue).join(", ")}}`;
}

/** What a `.cfg` asks TLC to check besides the invariants. */
export interface CheckOptions {
  /** Report a reachable state with no enabled step as an error (TLC's default; raidspec's is false). */
  checkDeadlock?: boolean;
  /** Reduce by the spec's symmetric domains of model values (SYMMETRY; default true, as the native engine). */
  symmetry?: boolean;
}

/**
 * The symmetric domains TLC can reduce by: those of model values (TLC permutes model values only; a
 * symmetric range is reduced by the native engine alone).
 */
export function tlcSymmetricDomains(spec: Spec): string[] {
  return spec.domains.filter((d) => d.symmetric && d.type.kind === "enum" && d.type.model).map((d) => d.name);
}

/**
 * The `.cfg` text of a configuration; `invariants` defaults to TypeOK and every spec invariant. The
 * file says everything raidspec checks, so TLC run on it by hand, with no flag, checks the same.
 */
export function renderConfig(spec: Spec, config: Config, invariants?: string[], options: CheckOptions = {}): string {
  // The module of the configuration's own variant is named first in the header.
  const own = moduleName(spec, config.variant && config.variant !== spec.baseVariant ? config.variant : null);
  const constants = [
    ...config.constants.map((c) => `${c.name} = ${renderValue(c.value)}`),
    ...modelValueDomains(spec).map((d) => `${d.name} = {${d.values.join(", ")}}`),
    ...namedModelValues(spec).map((m) => `${m} = ${m}`),
    ...(usesNoValue(spec) ? ["NoValue = NoValue"] : []),
  ];
  return configTemplate({
    source: spec.source,
    name: config.name,
    doc: docLines(config.doc),
    constants,
    invariants: invariants ?? ["TypeOK", ...spec.invariants.map((i) => i.name)],
    constraints: spec.constraints.map((c) => c.name),
    symmetry: options.symmetry !== false && tlcSymmetricDomains(spec).length > 0 ? "Symmetry" : "",
    checkDeadlock: options.checkDeadlock ? "TRUE" : "FALSE",
    module: own,
    others: [null, ...spec.variants.map((v) => v.name)].map((v) => moduleName(spec, v)).filter((m) => m !== own),
  });
}
