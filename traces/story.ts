/**
 * Story templates: the `@story` lines of a step's, an invariant's or the spec's doc comment, and the
 * `@idle` value of a variable.
 *
 * ```ts
 * /**
 *  * Under stripe_lock: link the bio, count overwrites.
 *  * @story if !added: finds stripe {wsh} batched and gives up
 *  * @story links its bio into d{wdev} of stripe {wsh}; overwrite_disks = {overwriteDisks[wsh]}
 *  *\/
 * ```
 *
 * A step's story tells, in one line, what the step did in the trace: placeholders `{expr}` are filled
 * from the state after the step (`old(expr)` reads the state before), the step's choices (`sh`), `self`
 * and the process's locals. Lines are tried in order; the first whose condition (`if cond:`) holds and
 * whose names are all bound (a choice made in another branch is not) is used; without one, the doc's
 * first line is. An invariant's story tells why it is false, with the names its quantifiers bound in
 * the failing instance; a property's tells, in the last state of the lasso, why the behaviour breaks
 * it, with the names its foralls bound; the spec's story (in its doc comment) tells the initial state.
 */
import type { Expr, Process, SourceLoc, Spec, Stmt, Temporal } from "../generator/ir.ts";
import { children, temporalLeaves } from "../generator/ir-walk.ts";
import { type EvalEnv, EvalError, evaluate } from "./eval.ts";
import { formatValue } from "./notation.ts";
import { parseTemplateExpr, TemplateError, type TemplateScope } from "./template-expr.ts";

export interface StoryLine {
  /** The template as written after `@story`. */
  source: string;
  cond?: Expr;
  parts: (string | Expr)[];
}

/** A doc comment split into its text (before the first tag) and its tags. */
export interface DocParts {
  summary: string;
  tags: { name: string; text: string }[];
}

export function splitDoc(doc: string | undefined): DocParts {
  const summary: string[] = [];
  const tags: { name: string; text: string }[] = [];
  for (const line of (doc ?? "").split("\n")) {
    const tag = /^\s*@(\w+)\s*(.*)$/.exec(line);
    const last = tags[tags.length - 1];
    if (tag) tags.push({ name: tag[1] as string, text: (tag[2] as string).trim() });
    else if (last && line.trim() !== "") last.text = `${last.text} ${line.trim()}`.trim();
    else if (!last) summary.push(line);
  }
  return { summary: summary.join("\n").trim(), tags };
}

/** The first sentence-line of a doc (its summary's first line). */
export const docSummary = (doc: string | undefined): string => splitDoc(doc).summary.split("\n")[0]?.trim() ?? "";

/** Reads one template; throws TemplateError with the offset of the problem in `source`. */
export function parseStoryLine(source: string, scope: TemplateScope): StoryLine {
  let start = 0;
  let cond: Expr | undefined;
  const ifMatch = /^if\s/.exec(source);
  if (ifMatch) {
    const colon = conditionEnd(source, ifMatch[0].length);
    cond = parseTemplateExpr(source, ifMatch[0].length, colon, scope).expr;
    start = colon + 1;
  }
  const parts: (string | Expr)[] = [];
  let text = "";
  let i = start;
  while (i < source.length) {
    const c = source[i];
    if ((c === "{" || c === "}") && source[i + 1] === c) {
      text += c;
      i += 2;
      continue;
    }
    if (c === "}") throw new TemplateError("a } without its {: write }} for a literal brace", i);
    if (c !== "{") {
      text += c;
      i++;
      continue;
    }
    const close = source.indexOf("}", i);
    if (close < 0) throw new TemplateError("a { without its }: write {{ for a literal brace", i);
    if (text) parts.push(text);
    text = "";
    parts.push(parseTemplateExpr(source, i + 1, close, scope).expr);
    i = close + 1;
  }
  if (text) parts.push(text);
  return { source, ...(cond ? { cond } : {}), parts };
}

/** Where the condition of `if cond: text` ends: its first `:` outside strings. */
function conditionEnd(source: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < source.length; i++) {
    const c = source[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ":") return i;
  }
  throw new TemplateError("`if cond: text` needs a : after the condition", source.length);
}

/** The text of the first story line that applies in `env`, or undefined. */
export function tellStory(lines: StoryLine[], env: EvalEnv): string | undefined {
  for (const line of lines) {
    try {
      if (line.cond && evaluate(line.cond, env) !== true) continue;
      return line.parts
        .map((p) => (typeof p === "string" ? p : formatValue(evaluate(p, env))))
        .join("")
        .trim();
    } catch (e) {
      // A choice of another branch, or a key outside its map here: this line does not apply.
      if (e instanceof EvalError) continue;
      throw e;
    }
  }
  return undefined;
}

export function storyLines(doc: string | undefined, scope: TemplateScope): StoryLine[] {
  return splitDoc(doc)
    .tags.filter((t) => t.name === "story")
    .map((t) => parseStoryLine(t.text, scope));
}

// ---------------------------------------------------------------------------------------------
// Names in scope

/** The names a step binds by `choose` (its trace parameters), in every branch. */
export function stepChoices(body: Stmt[]): Set<string> {
  const out = new Set<string>();
  const walk = (stmts: Stmt[]) => {
    for (const s of stmts) {
      if (s.kind === "choose") out.add(s.name);
      if (s.kind === "if") {
        walk(s.then);
        walk(s.else);
      } else if (s.kind === "either") s.branches.forEach(walk);
      else if (s.kind === "choose" || s.kind === "let") walk(s.body);
    }
  };
  walk(body);
  return out;
}

/** The names an expression's quantifiers, mappings, counts and filters bind. */
export function quantifiedNames(e: Expr, into = new Set<string>()): Set<string> {
  if (e.kind === "quant" || e.kind === "fn" || e.kind === "count" || e.kind === "filter") into.add(e.name);
  for (const c of children(e)) quantifiedNames(c, into);
  return into;
}

/** The names a property's foralls bind (its instance: `w` in `forall(Writers, (w) => …)`). */
export function propertyNames(t: Temporal): Set<string> {
  return new Set(temporalLeaves(t).flatMap((l) => l.quantifiers.map((q) => q.name)));
}

// ---------------------------------------------------------------------------------------------
// Checking every template of a spec

export interface StoryProblem {
  loc: SourceLoc;
  message: string;
}

/** Where a template is written: the line of the spec source that holds it, else the declaration's location. */
function locate(sourceText: string | undefined, template: string, offset: number, near: SourceLoc): SourceLoc {
  if (sourceText) {
    const head = template.slice(0, Math.min(template.length, 40));
    let best: { line: number; column: number } | undefined;
    const lines = sourceText.split("\n");
    lines.forEach((text, i) => {
      const col = text.indexOf(head);
      if (col >= 0 && text.includes("@")) {
        const candidate = { line: i + 1, column: col + 1 + Math.min(offset, text.length - col) };
        if (!best || Math.abs(candidate.line - near.line) < Math.abs(best.line - near.line)) best = candidate;
      }
    });
    if (best) return { file: near.file, ...best };
  }
  return near;
}

function check(doc: string | undefined, scope: TemplateScope, near: SourceLoc, sourceText: string | undefined, problems: StoryProblem[], what: string): void {
  for (const tag of splitDoc(doc).tags) {
    if (tag.name !== "story" && tag.name !== "idle") continue;
    try {
      if (tag.name === "story") parseStoryLine(tag.text, scope);
      else parseTemplateExpr(tag.text, 0, tag.text.length, { spec: scope.spec, bound: new Set() });
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      problems.push({ loc: locate(sourceText, tag.text, e.offset, near), message: `@${tag.name} of ${what}: ${e.message}` });
    }
  }
}

/** Every `@story` and `@idle` of a spec that does not read; empty when all do. */
export function checkStories(spec: Spec, sourceText?: string): StoryProblem[] {
  const problems: StoryProblem[] = [];
  const seen = new Set<string>();
  const stepsOf = (p: Process) => [p.steps, ...spec.variants.flatMap((v) => v.processes.filter((x) => x.process === p.name).map((x) => x.steps))];
  for (const p of spec.processes) {
    for (const steps of stepsOf(p)) {
      for (const step of steps) {
        const key = `${p.name}:${step.label}:${step.loc.line}:${step.loc.column}`;
        if (seen.has(key)) continue;
        seen.add(key);
        check(step.doc, { spec, process: p, bound: stepChoices(step.body) }, step.loc, sourceText, problems, `step ${step.label}`);
      }
    }
    for (const l of p.locals) check(l.doc, { spec, bound: new Set() }, l.loc, sourceText, problems, `local ${l.name}`);
  }
  for (const inv of spec.invariants) check(inv.doc, { spec, bound: quantifiedNames(inv.body) }, inv.loc, sourceText, problems, `invariant ${inv.name}`);
  for (const prop of spec.properties) check(prop.doc, { spec, bound: propertyNames(prop.body) }, prop.loc, sourceText, problems, `property ${prop.name}`);
  for (const v of spec.variables) check(v.doc, { spec, bound: new Set() }, v.loc, sourceText, problems, `variable ${v.name}`);
  check(spec.doc, { spec, bound: new Set() }, { file: spec.source, line: 1, column: 1 }, sourceText, problems, "the spec (its initial state)");
  return problems;
}
