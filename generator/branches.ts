/**
 * The branch points of a spec's steps, with stable ids: what coverage counts on every engine.
 *
 * A branch point is a statement of a step body where a transition can go one of several ways: an
 * `if` (arms `then` and `else`, the else arm existing even when the source has none), an `either`
 * (arms 0, 1, …), and a `when` (or the wait of an `acquire`), whose one arm is "held". Its id is its
 * kind and source location (`if@263:9`, `either@39:9`, `when@22:11`), the same in the IR, the
 * reference library (`Transition.branches`), the compiled explorer (emission paths) and the TLA+
 * source map (generator/tla/source-map.ts), so the engines' counts can be laid side by side.
 *
 * What is counted is the transitions whose path through the step took the arm: an arm no transition
 * ever went through (its effects never happened) is dead, whether its condition was never true or a
 * later `when` always failed after it.
 */
import type { Process, SourceLoc, Spec, Step, Stmt } from "./ir.ts";

export type BranchKind = "if" | "either" | "when";

export interface BranchPoint {
  /** `if@line:col`, `either@line:col`, `when@line:col`. */
  id: string;
  kind: BranchKind;
  loc: SourceLoc;
  /** The arms' names: `then`/`else`, `0`…`n-1`, or `held`. */
  arms: string[];
  /** For an `if` whose source has no else: the else arm is the condition being false. */
  implicitElse?: true;
}

export interface StepBranches {
  processSet: string;
  label: string;
  models?: string;
  loc: SourceLoc;
  points: BranchPoint[];
}

export const pointId = (kind: BranchKind, loc: SourceLoc): string => `${kind}@${loc.line}:${loc.column}`;

/** The key of one arm as transitions carry it: `if@12:5=then`, `either@20:9=1`, `when@22:11`. */
export function armKey(kind: BranchKind, loc: SourceLoc, arm: string | number): string {
  return kind === "when" ? pointId(kind, loc) : `${pointId(kind, loc)}=${arm}`;
}

/** An arm key split back into its point id and arm (`held` for a when). */
export function splitArmKey(key: string): { point: string; arm: string } {
  const eq = key.indexOf("=");
  return eq < 0 ? { point: key, arm: "held" } : { point: key.slice(0, eq), arm: key.slice(eq + 1) };
}

/**
 * Every step of a spec (variant applied) with its branch points in source order: the processes'
 * steps, then the procedures' (process set `procedure P`), then the plain actions (process set `action`).
 */
export function stepBranches(spec: Spec): StepBranches[] {
  const of = (processSet: string, step: Step): StepBranches => ({
    processSet,
    label: step.label,
    ...(step.models ? { models: step.models } : {}),
    loc: step.loc,
    points: pointsOf(step.body),
  });
  return [
    ...spec.processes.flatMap((p: Process) => p.steps.map((step) => of(p.name, step))),
    ...(spec.procedures ?? []).flatMap((p) => p.steps.map((step) => of(`procedure ${p.name}`, step))),
    ...(spec.actions ?? []).map((a) => of("action", { label: a.name, body: a.body, loc: a.loc })),
  ];
}

function pointsOf(stmts: readonly Stmt[], into: BranchPoint[] = []): BranchPoint[] {
  const seen = new Set(into.map((b) => b.id));
  const add = (b: BranchPoint) => {
    if (seen.has(b.id)) return;
    seen.add(b.id);
    into.push(b);
  };
  const walk = (list: readonly Stmt[]) => {
    for (const s of list) {
      switch (s.kind) {
        case "await":
          add({ id: pointId("when", s.loc), kind: "when", loc: s.loc, arms: ["held"] });
          break;
        case "if":
          add({ id: pointId("if", s.loc), kind: "if", loc: s.loc, arms: ["then", "else"], ...(s.else.length === 0 ? { implicitElse: true as const } : {}) });
          walk(s.then);
          walk(s.else);
          break;
        case "either":
          add({ id: pointId("either", s.loc), kind: "either", loc: s.loc, arms: s.branches.map((_, j) => String(j)) });
          for (const b of s.branches) walk(b);
          break;
        case "choose":
        case "let":
          walk(s.body);
          break;
        default: {
          // Statements that nest others (a macro's inlined body, say) are walked through.
          const nested = (s as { body?: unknown }).body;
          if (Array.isArray(nested)) walk(nested as Stmt[]);
        }
      }
    }
  };
  walk(stmts);
  return into;
}

/**
 * Whether every path through the statements ends the step (a goto, or a statement that moves pc
 * itself), so nothing after them runs: then an `if` among them leaves no continuation that its arms
 * share, and its arm is known where each path ends.
 */
export function endsStep(stmts: readonly Stmt[]): boolean {
  const last = stmts[stmts.length - 1];
  if (!last) return false;
  switch (last.kind) {
    case "goto":
      return true;
    case "if":
      return endsStep(last.then) && endsStep(last.else);
    case "either":
      return last.branches.every(endsStep);
    case "choose":
    case "let":
      return endsStep(last.body);
    default: {
      const kind: string = last.kind;
      return kind === "call" || kind === "return";
    }
  }
}

/**
 * The branches a path through a step took, as emission sites of the compiled explorer record them:
 * arm keys known where the code is generated, and for an `if` whose arms share what follows, a slot
 * the coverage-mode code sets to 1 in the then arm and 0 in the else arm, with the arms' own items.
 */
export type PathItem = string | { slot: number; then: PathItem[]; else: PathItem[] };

/** The arm keys of a path, given the slots' values at the emission. */
export function pathArms(items: readonly PathItem[], slots: ArrayLike<number>, out: string[] = []): string[] {
  for (const item of items) {
    if (typeof item === "string") out.push(item);
    else pathArms(slots[item.slot] === 1 ? item.then : item.else, slots, out);
  }
  return out;
}
