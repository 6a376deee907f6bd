/**
 * The TLA+ generator: a spec (with a variant applied) → the module text, and a configuration → the
 * `.cfg` text. Layout lives in the Handlebars templates beside this file; this file computes the pieces.
 */
import { readFileSync } from "node:fs";
import Handlebars from "handlebars";
import type { Config, Definition, Spec, Type, Value } from "../ir.ts";
import { plainContext, renderExpr, renderType, renderTypeCheck, tlaString } from "./expr.ts";
import { and, atom, definition, type Formula, type FormulaSpan, layout } from "./formula.ts";
import { freshBinders, topLevelNames } from "./fresh-names.ts";
import { renderPlusCal } from "./pluscal.ts";
import { nextLabel, translateStep } from "./translate.ts";

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
  return ["Init", "TypeOK", "ProcSet", "vars", ...spec.domains.map((d) => d.name), ...spec.definitions.map((d) => d.name), ...spec.invariants.map((i) => i.name)];
}

/** Each step's action: its head (`label(self)`) and formula, as the module defines it. */
export function stepActions(spec: Spec, definitions: ReadonlyMap<string, Definition>): { label: string; models?: string; process: string; doc?: string; head: string; formula: Formula }[] {
  return spec.processes.flatMap((p) =>
    p.steps.map((step, i) => ({
      label: step.label,
      ...(step.models ? { models: step.models } : {}),
      process: p.name,
      ...(step.doc ? { doc: step.doc } : {}),
      head: `${step.label}(self)`,
      formula: and([atom(`pc[self] = ${tlaString(step.label)}`), ...translateStep(step, nextLabel(p, i), spec, definitions)]),
    })),
  );
}

/**
 * The actions of the module renderModule writes for a spec in a variant, with where each formula's
 * nodes lie in the module text (1-based lines and columns, the end inclusive, as TLC reports them).
 */
export function actionPlaces(base: Spec, variant: string | null, moduleText: string): { label: string; spans: (FormulaSpan & { formula: Formula })[] }[] {
  const spec = freshBinders(applyVariant(base, variant));
  const definitions = new Map<string, Definition>(spec.definitions.map((d) => [d.name, d]));
  const lines = moduleText.split("\n");
  return stepActions(spec, definitions).map((a) => {
    const prefix = `${a.head} == `;
    const at = lines.findIndex((l) => l.startsWith(prefix));
    if (at < 0) throw new Error(`the module has no action ${a.head}`);
    const spans: FormulaSpan[] = [];
    layout(a.formula, prefix.length, spans);
    return { label: a.label, spans: spans.map((s) => ({ ...s, line: s.line + at + 1, col: s.col + 1, endLine: s.endLine + at + 1, endCol: s.endCol })) };
  });
}

/** The full text of the TLA+ module for a spec in a variant (null: the base steps). */
export function renderModule(base: Spec, variant: string | null, specArg: string): string {
  const spec = freshBinders(applyVariant(base, variant));
  const definitions = new Map<string, Definition>(spec.definitions.map((d) => [d.name, d]));
  const ctx = plainContext(definitions);
  const name = moduleName(spec, variant);
  const constants = [...spec.constants.map((c) => c.name), ...(usesNoValue(spec) ? ["NoValue"] : [])];
  const locals = spec.processes.flatMap((p) => p.locals.map((l) => ({ ...l, over: p.over })));
  const variables = [...spec.variables.map((v) => v.name), ...locals.map((l) => l.name), "pc"].join(", ");

  const pcInit =
    spec.processes.length === 1 && spec.processes[0]
      ? tlaString(spec.processes[0].steps[0]?.label ?? "Done")
      : `CASE ${spec.processes.map((p) => `self \\in ${p.over} -> ${tlaString(p.steps[0]?.label ?? "Done")}`).join("\n                                        [] ")}`;
  const init = definition(
    "Init",
    and([
      ...spec.variables.map((v) => atom(`${v.name} = ${renderExpr(v.init, ctx)}`)),
      ...locals.map((l) => atom(`${l.name} = [self \\in ${l.over} |-> ${renderExpr(l.init, ctx)}]`)),
      atom(`pc = [self \\in ProcSet |-> ${pcInit}]`),
    ]),
  );

  const actions = stepActions(spec, definitions).map((a) => ({ label: a.label, models: a.models, process: a.process, doc: docLines(a.doc), text: definition(a.head, a.formula) }));
  const next = definition("Next", {
    kind: "or",
    items: [
      ...spec.processes.flatMap((p) => p.steps.map((s) => atom(`\\E self \\in ${p.over} : ${s.label}(self)`))),
      atom("Terminating"),
    ],
  });
  const labels = (steps: { label: string }[]) => steps.map((s) => s.label);
  const taken = topLevelNames(spec);
  const allLabels = [...new Set([...spec.processes.flatMap((p) => labels(p.steps)), "Done"])];
  const typeOK = definition(
    "TypeOK",
    and([
      ...spec.variables.map((v) => atom(renderTypeCheck(v.name, v.type, ctx, taken))),
      ...locals.map((l) => atom(renderTypeCheck(l.name, { kind: "map", key: { kind: "named", name: l.over }, value: l.type }, ctx, taken))),
      atom(`pc \\in [ProcSet -> {${allLabels.map(tlaString).join(", ")}}]`),
    ]),
  );
  const rule = `${"-".repeat(28)} MODULE ${name} ${"-".repeat(28)}`;
  return moduleTemplate({
    rule,
    endRule: "=".repeat(rule.length),
    source: spec.source,
    variant,
    specArg,
    doc: docLines(spec.doc),
    constants: constants.join(", "),
    domains: spec.domains.map((d) => ({ name: d.name, set: renderType(d.type, ctx), doc: docLines(d.doc) })),
    pluscal: renderPlusCal(spec, definitions),
    variables,
    definitions: spec.definitions.map((d) => ({
      doc: docLines(d.doc),
      text: `${d.params.length ? `${d.name}(${d.params.join(", ")})` : d.name} == ${renderExpr(d.body, ctx)}`,
    })),
    procSet: spec.processes.map((p) => (spec.processes.length > 1 ? `(${p.over})` : p.over)).join(" \\cup ") || "{}",
    init,
    actions,
    next,
    typeOK,
    invariants: spec.invariants.map((inv) => ({ doc: docLines(inv.doc), text: `${inv.name} == ${renderExpr(inv.body, ctx)}` })),
  });
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
    ...(usesNoValue(spec) ? ["NoValue = NoValue"] : []),
  ];
  return configTemplate({
    source: spec.source,
    name: config.name,
    doc: docLines(config.doc),
    constants,
    invariants: invariants ?? ["TypeOK", ...spec.invariants.map((i) => i.name)],
    checkDeadlock: options.checkDeadlock ? "TRUE" : "FALSE",
    module: own,
    others: [null, ...spec.variants.map((v) => v.name)].map((v) => moduleName(spec, v)).filter((m) => m !== own),
  });
}
