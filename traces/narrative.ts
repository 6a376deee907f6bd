/**
 * A counterexample as text: one line per step saying who took it, the kernel function, the choices
 * and the story, then the changes in the compact notation, and at the end why the invariant fails.
 */
import type { Explanation } from "./invariant-explain.ts";
import { formatAssignment, formatChange, formatValue, wrapItems, wrapText } from "./notation.ts";
import type { StepModel, TraceModel } from "./trace-model.ts";

export interface NarrativeOptions {
  /** Print every variable of the initial state, not only what differs from the idle state. */
  fullInit?: boolean;
  /** Line width to wrap at. */
  width?: number;
}

const capitalize = (s: string) => (s ? `${s[0]?.toUpperCase()}${s.slice(1)}` : s);
const sentence = (s: string) => (/[.!?]$/.test(s) ? s : `${s}.`);

/** `make_request / get_active_stripe (sh=1)`: what the step models, else its label, and the choices. */
export function stepTitle(s: StepModel): string {
  return `${s.models ?? s.label}${s.choices.length ? ` (${s.choices.join(", ")})` : ""}`;
}

/** The explanation's first line: where the invariant fails, and the atoms that make it fail. */
export function explanationFacts(x: Explanation, stateIndex: number): string {
  const where = x.bindings.length ? ` for ${x.bindings.map((b) => `${b.name} = ${formatValue(b.value)}`).join(", ")}` : "";
  return `${x.invariant} is false in state ${stateIndex}${where}${x.facts.length ? `: ${x.facts.join(", ")}` : ""}.`;
}

export function explanationLines(model: TraceModel, width: number): string[] {
  const outcome = model.explanation;
  if (!model.invariant || !outcome) return [];
  const last = model.steps.length;
  if (!outcome.ok) return wrapText(`(raidspec cannot say which part of ${model.invariant} fails: ${outcome.reason}.)`, width);
  const x = outcome.explanation;
  const lines: string[] = [];
  if (x.doc) lines.push(...wrapText(`${x.invariant}: ${x.doc}`, width));
  lines.push(...wrapText(explanationFacts(x, last), width));
  if (x.story) lines.push(...wrapText(sentence(capitalize(x.story)), width));
  return lines;
}

export function narrativeLines(model: TraceModel, opts: NarrativeOptions = {}): string[] {
  const width = opts.width ?? 110;
  const n = model.steps.length;
  const num = (i: number) => String(i).padStart(String(n).length + 1);
  const gutter = " ".repeat(String(n).length + 1);
  const detail = `${gutter}     `;
  const whoWidth = Math.max(0, ...model.steps.map((s) => s.who.length));
  const lines: string[] = [];

  const init = model.init;
  const initItems = (opts.fullInit ? init.whole : init.differs).map(formatAssignment);
  const idleNote = opts.fullInit ? "" : init.differs.length < init.whole.length ? " (the rest idle; --full-init shows all)" : "";
  const initPrefix = `${num(0)}. `;
  const [initFirst, ...initRest] = wrapText(`Init${init.story ? `: ${sentence(init.story)}` : ""}${idleNote}`, width - initPrefix.length);
  lines.push(`${initPrefix}${initFirst ?? ""}`, ...initRest.map((l) => `${" ".repeat(initPrefix.length)}${l}`));
  lines.push(...wrapItems(initItems, detail, width));

  for (const s of model.steps) {
    const prefix = `${num(s.index)}. ${s.who.padEnd(whoWidth)}  `;
    const [first, ...rest] = wrapText(`${stepTitle(s)}${s.story ? `: ${s.story}` : ""}`, width - prefix.length);
    lines.push(`${prefix}${first ?? ""}`, ...rest.map((l) => `${" ".repeat(prefix.length)}${l}`));
    const items = s.changes.map(formatChange);
    if (s.next) items.push(`next ${s.next}`);
    lines.push(...wrapItems(items.length ? items : ["(no change)"], detail, width));
  }
  const back = model.loopStep;
  if (back) {
    const prefix = `${gutter}↺ ${back.who.padEnd(whoWidth)}  `;
    const [first, ...rest] = wrapText(`${stepTitle(back)}${back.story ? `: ${back.story}` : ""}`, width - prefix.length);
    lines.push(`${prefix}${first ?? ""}`, ...rest.map((l) => `${" ".repeat(prefix.length)}${l}`));
    const items = back.changes.map(formatChange);
    if (back.next) items.push(`next ${back.next}`);
    lines.push(...wrapItems(items.length ? items : ["(no change)"], detail, width));
  }
  if (model.loopStart !== undefined)
    lines.push(
      model.loopStart === n && !back
        ? `${gutter}  ↺ state ${n} repeats for ever (stuttering: no fairness the spec asks for forces a step there)`
        : `${gutter}  ↺ back to state ${model.loopStart}: states ${model.loopStart}–${n} repeat for ever`,
    );
  lines.push(...explanationLines(model, width), ...propertyLines(model, width));
  return lines;
}

/** Which property the behaviour breaks (the lasso says how: the loop repeats for ever). */
export function propertyLines(model: TraceModel, width: number): string[] {
  if (!model.property) return [];
  const where = model.instance && Object.keys(model.instance).length ? ` for ${Object.entries(model.instance).map(([k, v]) => `${k} = ${formatValue(v)}`).join(", ")}` : "";
  const how = model.loopStart === undefined ? "it is false in the last state" : "the behaviour this lasso stands for (the states up to the loop, then the loop for ever) is fair and breaks it";
  return wrapText(`Property ${model.property} is violated${where}: ${how}.${model.propertyStory ? ` ${sentence(capitalize(model.propertyStory))}` : ""}`, width);
}
