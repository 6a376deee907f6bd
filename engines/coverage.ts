/**
 * Coverage of a model check: how often each step fired and each branch of each step was taken, per
 * process set, with the steps and branches never taken as warnings (a dead branch is usually a model
 * bug, or a configuration that does not exercise it).
 *
 * The counts follow TLC's -coverage where TLC has one: per step, the transitions it generated
 * (TLC's "states generated", duplicates included) and the new states it found first (TLC's "distinct
 * states found", which depends on the order of the search: TLC takes a state's successors action by
 * action, the native engine process by process, so the two split the same total differently). A
 * branch arm's count is the number of transitions whose path through the step went through it
 * (generator/branches.ts). Engines that cannot count something leave it out and say so in `notes`.
 */
import { type BranchKind, type StepBranches, splitArmKey, stepBranches } from "../generator/branches.ts";
import type { Spec } from "../generator/ir.ts";
import type { EngineName } from "./result.ts";

export interface Coverage {
  engine: EngineName;
  /**
   * Every reachable state was explored. False when the search stopped first (a violation, a limit):
   * the counts are then of the part it saw, and nothing is reported as never taken.
   */
  complete: boolean;
  /** What `generated` counts: transitions (duplicates included), or distinct (state, successor) pairs. */
  generatedMeans: "transitions" | "state pairs";
  /** Whether branch arms were counted (the embedded engine reports steps only). */
  branchesCounted: boolean;
  init: { generated: number; distinct: number };
  steps: StepCoverage[];
  /** Steps never fired and branch arms never taken (complete coverage only). */
  warnings: string[];
  /** What this engine's figures mean where that differs from the others'. */
  notes: string[];
}

export interface StepCoverage {
  processSet: string;
  step: string;
  models?: string;
  line: number;
  column: number;
  /** Transitions the step generated (see `Coverage.generatedMeans`). */
  generated: number;
  /** New states this step reached first, in this engine's search order; absent where the engine does not say. */
  distinct?: number;
  /** Absent when the engine does not count branches. */
  branches?: BranchCoverage[];
}

export interface BranchCoverage {
  /** `if@line:col`, `either@line:col`, `when@line:col`. */
  id: string;
  kind: BranchKind;
  line: number;
  column: number;
  /** An `if` without an else in the source: its else arm is the condition being false. */
  implicitElse?: true;
  arms: ArmCoverage[];
}

export interface ArmCoverage {
  /** `then`, `else`, `0`…, `held`. */
  arm: string;
  /** Transitions that went through the arm; null where the engine cannot tell. */
  taken: number | null;
  /**
   * False when the number is not a count of transitions but of something that bounds it (TLC: how often
   * the arm's formula completed, when what follows it in the step can still fail or fork). Zero is then
   * still zero transitions.
   */
  exact?: false;
}

/** Raw counts as engines gather them: per step label, and per step label and arm key. */
export class CoverageCounts {
  initGenerated = 0;
  initDistinct = 0;
  /** False when some transition did not say its branches (a reference library generated before they did). */
  branchesKnown = true;
  readonly generated = new Map<string, number>();
  readonly distinct = new Map<string, number>();
  readonly arms = new Map<string, Map<string, number>>();
  /** Counts of (step, branches text) pairs, expanded into arms by `arms` when read (see `byPath`). */
  private readonly paths = new Map<string, Map<string, number>>();

  /** `n` transitions of `step` along a path with these branches (a space-separated list of arm keys). */
  byPath(step: string, branches: string, n = 1): void {
    let m = this.paths.get(step);
    if (!m) this.paths.set(step, (m = new Map()));
    m.set(branches, (m.get(branches) ?? 0) + n);
  }

  /** `n` transitions of `step` through these arms. */
  byArms(step: string, armKeys: readonly string[], n = 1): void {
    this.generated.set(step, (this.generated.get(step) ?? 0) + n);
    let m = this.arms.get(step);
    if (!m) this.arms.set(step, (m = new Map()));
    for (const a of armKeys) m.set(a, (m.get(a) ?? 0) + n);
  }

  found(step: string, n = 1): void {
    this.distinct.set(step, (this.distinct.get(step) ?? 0) + n);
  }

  /** Folds the path counts into step and arm counts (once, when the search is over). */
  settle(): this {
    for (const [step, m] of this.paths) for (const [branches, n] of m) this.byArms(step, branches ? branches.split(" ") : [], n);
    this.paths.clear();
    return this;
  }
}

export interface CoverageOptions {
  engine: EngineName;
  complete: boolean;
  generatedMeans?: Coverage["generatedMeans"];
  /** Engines that do not count branches leave them out. */
  branches?: boolean;
  /** Engines that do not know which step found a state first leave it out. */
  distinct?: boolean;
  notes?: string[];
  /** Arm counts that are not transition counts (TLC), by step and arm key. */
  inexact?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Arms an engine cannot count (TLC), by step and arm key. */
  unknown?: ReadonlyMap<string, ReadonlySet<string>>;
}

/** The coverage of a check of `spec` (its variant applied) from an engine's counts. */
export function buildCoverage(spec: Spec, counts: CoverageCounts, opts: CoverageOptions): Coverage {
  counts.settle();
  const table = stepBranches(spec);
  const labels = new Set<string>();
  for (const s of table) {
    if (labels.has(s.label)) throw new Error(`${spec.source}: step label ${s.label} is used by two process sets`);
    labels.add(s.label);
  }
  const steps = table.map((s): StepCoverage => {
    const arms = counts.arms.get(s.label);
    return {
      processSet: s.processSet,
      step: s.label,
      ...(s.models ? { models: s.models } : {}),
      line: s.loc.line,
      column: s.loc.column,
      generated: counts.generated.get(s.label) ?? 0,
      ...(opts.distinct === false ? {} : { distinct: counts.distinct.get(s.label) ?? 0 }),
      ...(opts.branches === false ? {} : { branches: branchesOf(s, arms, opts) }),
    };
  });
  const coverage: Coverage = {
    engine: opts.engine,
    complete: opts.complete,
    generatedMeans: opts.generatedMeans ?? "transitions",
    branchesCounted: opts.branches !== false,
    init: { generated: counts.initGenerated, distinct: counts.initDistinct },
    steps,
    warnings: [],
    notes: opts.notes ?? [],
  };
  coverage.warnings = opts.complete ? coverageWarnings(coverage, spec.source) : [];
  return coverage;
}

function branchesOf(s: StepBranches, arms: ReadonlyMap<string, number> | undefined, opts: CoverageOptions): BranchCoverage[] {
  const inexact = opts.inexact?.get(s.label);
  const unknown = opts.unknown?.get(s.label);
  return s.points.map((p) => ({
    id: p.id,
    kind: p.kind,
    line: p.loc.line,
    column: p.loc.column,
    ...(p.implicitElse ? { implicitElse: true as const } : {}),
    arms: p.arms.map((arm): ArmCoverage => {
      const key = p.kind === "when" ? p.id : `${p.id}=${arm}`;
      if (unknown?.has(key)) return { arm, taken: null };
      return { arm, taken: arms?.get(key) ?? 0, ...(inexact?.has(key) ? { exact: false as const } : {}) };
    }),
  }));
}

/** What an arm is, in words: `the then arm of the if at 12:5`. */
export function armWords(b: Pick<BranchCoverage, "kind" | "line" | "column" | "implicitElse">, arm: string, of?: number): string {
  const at = `${b.line}:${b.column}`;
  switch (b.kind) {
    case "when":
      return `the when at ${at}`;
    case "either":
      return `arm ${Number(arm) + 1}${of ? ` of ${of}` : ""} of the either at ${at}`;
    default:
      return arm === "else" && b.implicitElse ? `the (implicit) else of the if at ${at}` : `the ${arm} arm of the if at ${at}`;
  }
}

/** The steps never fired and the arms never taken, one sentence each. */
export function coverageWarnings(c: Pick<Coverage, "steps">, source: string): string[] {
  const out: string[] = [];
  for (const s of c.steps) {
    const where = `${s.processSet}.${s.step} (${source}:${s.line})`;
    if (s.generated === 0) {
      out.push(`${where} never fired.`);
      continue;
    }
    for (const b of s.branches ?? [])
      for (const a of b.arms) {
        if (a.taken !== 0) continue;
        const what = armWords(b, a.arm, b.arms.length);
        if (b.kind === "when") out.push(`${where}: ${what} never held on a path to a transition.`);
        else if (a.arm === "else" && b.implicitElse) out.push(`${where}: ${what} is never taken: the condition always held.`);
        else out.push(`${where}: ${what} is never taken.`);
      }
  }
  return out;
}

/** An arm key's point id (for engines that count by arm key). */
export const pointOf = (key: string): string => splitArmKey(key).point;
