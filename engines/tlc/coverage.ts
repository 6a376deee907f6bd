/**
 * Coverage from TLC's -coverage report, mapped onto the DSL's steps and branch arms.
 *
 * Steps: message 2772 gives, per action of Next, `distinct:total` (the new states it found first, and
 * the states it generated, duplicates included); the generated module names each action after its step.
 *
 * Arms: messages 2221/2775 give, per expression of the module (by its place, `line 71, col 30 to line
 * 71, col 34`), how often TLC evaluated it. The TLA+ generator records where each node of an action's
 * formula lies (generator/tla/module.ts, actionPlaces) and which branch point an IF, a disjunction or an
 * await's conjunct translates, so an arm's count is how often its formula completed: the count of its
 * last conjunct (the sum over an IF's or a disjunction's arms, through \E and LET). That is the number
 * of transitions through the arm when nothing after it in the step can fail or fork; otherwise (and
 * for a `when`, counted as how often the conjunct after it was reached) it is marked inexact, a bound.
 * An arm whose expressions TLC did not report is left unknown.
 */
import { armKey, type BranchKind, stepBranches } from "../../generator/branches.ts";
import type { Spec } from "../../generator/ir.ts";
import type { Formula, FormulaSpan } from "../../generator/tla/formula.ts";
import { actionPlaces } from "../../generator/tla/module.ts";
import { CoverageCounts, type CoverageOptions } from "../coverage.ts";
import { EngineError } from "../result.ts";
import type { TlcCoverageItem, TlcMessage } from "./parse-output.ts";

/** The stutter step the translation adds when every process is done; no DSL step. */
const TERMINATING = "Terminating";
const COVERAGE_VALUE = 2221;
const COVERAGE_VALUE_COST = 2775;

export function tlcCoverageCounts(items: readonly TlcCoverageItem[], spec: Spec): CoverageCounts {
  const labels = new Set(stepBranches(spec).map((s) => s.label));
  const counts = new CoverageCounts();
  for (const item of items) {
    if (item.init) {
      counts.initGenerated += item.total;
      counts.initDistinct += item.distinct;
      continue;
    }
    if (item.action === TERMINATING) continue;
    if (!labels.has(item.action))
      throw new EngineError("crash", `TLC's coverage names an action ${item.action} that is no step of ${spec.name}: the module is not the one raidspec generated for it.`);
    counts.byArms(item.action, [], item.total);
    counts.found(item.action, item.distinct);
  }
  return counts;
}

/** TLC's per-expression counts of one module, by place (`line:col:endLine:endCol`), the least nested report of a place. */
export function expressionCounts(messages: readonly TlcMessage[], module: string): Map<string, number> {
  const out = new Map<string, { depth: number; n: number }>();
  const re = /^\s*(\|*)line (\d+), col (\d+) to line (\d+), col (\d+) of module (\S+): (\d+)/;
  for (const m of messages) {
    if (m.code !== COVERAGE_VALUE && m.code !== COVERAGE_VALUE_COST) continue;
    const x = re.exec(m.text);
    if (!x || x[6] !== module) continue;
    const key = `${x[2]}:${x[3]}:${x[4]}:${x[5]}`;
    const depth = (x[1] ?? "").length;
    const before = out.get(key);
    if (!before || depth < before.depth) out.set(key, { depth, n: Number(x[7]) });
  }
  return new Map([...out].map(([k, v]) => [k, v.n]));
}

const placeOf = (s: Pick<FormulaSpan, "line" | "col" | "endLine" | "endCol">) => `${s.line}:${s.col}:${s.endLine}:${s.endCol}`;

/** An atom that cannot fail or fork: an assignment, UNCHANGED, pc' (anything but an await's condition). */
const plain = (f: Formula) => f.kind === "atom" && f.point === undefined;

export interface TlcArms {
  /** Per step label: arm key → count. */
  counts: Map<string, Map<string, number>>;
  inexact: Map<string, Set<string>>;
  unknown: Map<string, Set<string>>;
}

/** The arms' counts of every step, from TLC's per-expression counts and the module's layout. */
export function tlcArmCounts(spec: Spec, variant: string | null, moduleText: string, moduleName: string, messages: readonly TlcMessage[]): TlcArms {
  const evaluated = expressionCounts(messages, moduleName);
  const arms: TlcArms = { counts: new Map(), inexact: new Map(), unknown: new Map() };
  for (const action of actionPlaces(spec, variant, moduleText)) {
    const where = new Map<Formula, FormulaSpan>(action.spans.map((s) => [s.formula, s]));
    const count = (f: Formula): number | undefined => {
      const s = where.get(f);
      return s ? evaluated.get(placeOf(s)) : undefined;
    };
    /** How often a formula completed, and whether that figure is only a bound. */
    const completions = (f: Formula): { n: number; bound: boolean } | undefined => {
      switch (f.kind) {
        case "atom": {
          const n = count(f);
          return n === undefined ? undefined : { n, bound: f.point !== undefined };
        }
        case "and": {
          const last = f.items[f.items.length - 1];
          const viaLast = last ? completions(last) : undefined;
          if (viaLast) return viaLast;
          // TLC reports some conjunctions whole: how often it was evaluated bounds how often it completed.
          const n = count(f);
          return n === undefined ? undefined : { n, bound: true };
        }
        case "or":
        case "ite": {
          const parts = (f.kind === "or" ? f.items : [f.then, f.else]).map(completions);
          if (parts.some((p) => p === undefined)) return undefined;
          return { n: parts.reduce((a, p) => a + (p?.n ?? 0), 0), bound: parts.some((p) => p?.bound) };
        }
        case "exists":
        case "let":
          return completions(f.body);
      }
    };
    const m = new Map<string, number>();
    const inexact = new Set<string>();
    const unknown = new Set<string>();
    const put = (kind: BranchKind, point: string, arm: string | number, c: { n: number; bound: boolean } | undefined, safeAfter: boolean) => {
      const [, at = ""] = point.split("@");
      const [line = 0, column = 0] = at.split(":").map(Number);
      const key = armKey(kind, { file: spec.source, line, column }, arm);
      if (!c) return unknown.add(key);
      m.set(key, c.n);
      if (c.bound || !safeAfter) inexact.add(key);
    };
    /** `safeAfter`: nothing after the node in its step can fail or fork. */
    const visit = (f: Formula, safeAfter: boolean): void => {
      switch (f.kind) {
        case "atom":
          return;
        case "and":
          f.items.forEach((item, i) => {
            const after = f.items.slice(i + 1);
            const next = after[0];
            if (item.kind === "atom" && item.point) {
              // A when held as often as what follows it was reached.
              const n = next ? count(next.kind === "and" ? (next.items[0] ?? next) : next) : undefined;
              put("when", item.point, "held", n === undefined ? undefined : { n, bound: true }, false);
            }
            visit(item, safeAfter && after.every(plain));
          });
          return;
        case "or":
          f.items.forEach((item, j) => {
            if (f.point) put("either", f.point, j, completions(item), safeAfter);
            visit(item, safeAfter);
          });
          return;
        case "ite":
          if (f.point) {
            put("if", f.point, "then", completions(f.then), safeAfter);
            put("if", f.point, "else", completions(f.else), safeAfter);
          }
          visit(f.then, safeAfter);
          visit(f.else, safeAfter);
          return;
        case "exists":
        case "let":
          visit(f.body, safeAfter);
      }
    };
    const root = action.spans[action.spans.length - 1]?.formula;
    if (root) visit(root, true);
    arms.counts.set(action.label, m);
    if (inexact.size) arms.inexact.set(action.label, inexact);
    if (unknown.size) arms.unknown.set(action.label, unknown);
  }
  return arms;
}

/** The step counts with the arms' counts added (the arms' figures are not transition counts: see `inexact`). */
export function withArms(counts: CoverageCounts, arms: TlcArms): CoverageCounts {
  for (const [step, m] of arms.counts) {
    let into = counts.arms.get(step);
    if (!into) counts.arms.set(step, (into = new Map()));
    for (const [k, n] of m) into.set(k, n);
  }
  return counts;
}

export const TLC_COVERAGE = {
  notes: [
    "TLC: from its -coverage report: per step, states generated (duplicates included) and distinct states found first in TLC's search order; per arm, how often the arm's formula completed (the count of its last conjunct), which is the number of transitions through it unless something after it in the step can fail or fork (such counts, and a when's, are marked as bounds).",
  ],
} as const satisfies Partial<CoverageOptions>;
