/**
 * Step coverage from tla-checker, which has no coverage API of its own: its state graph (the DOT it
 * exports, every edge) gives, per action, the (state, successor) pairs it took. That is all it says:
 * it merges equal successors of one state, names an edge two actions share by one of them, and does
 * not tell which branch of an action an edge went through, so the embedded engine reports steps only.
 */
import { CoverageCounts, type CoverageOptions } from "../coverage.ts";
import { readCheckerDot } from "./state-graph.ts";

/** The DSL's steps are TLA+ actions of the same name; Terminating is the translation's stutter when every process is done. */
export function embeddedCoverageCounts(dot: string, initialStates: number): CoverageCounts {
  const counts = new CoverageCounts();
  counts.initGenerated = initialStates;
  counts.initDistinct = initialStates;
  for (const { action } of readCheckerDot(dot).edges) if (action !== "Terminating") counts.byArms(action, []);
  return counts;
}

/** How the embedded engine's counts differ from the native engine's (options of buildCoverage). */
export const EMBEDDED_COVERAGE = {
  generatedMeans: "state pairs",
  branches: false,
  distinct: false,
  notes: [
    "embedded engine: steps only, counted from tla-checker's state graph as distinct (state, successor) pairs (equal to transitions unless two transitions of a state lead to one successor); it does not count branches or which step found a state first.",
  ],
} as const satisfies Partial<CoverageOptions>;
