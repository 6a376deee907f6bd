/**
 * Step coverage from TLC's -coverage report: message 2772 gives, per action of Next, `distinct:total`
 * (the new states it found first, and the states it generated, duplicates included), and the
 * generated module names each action after its DSL step. TLC's per-expression counts (2221/2775)
 * are not mapped back onto the DSL's branch arms yet, so a TLC run reports steps only.
 */
import { CoverageCounts, type CoverageOptions } from "../coverage.ts";
import type { Spec } from "../../generator/ir.ts";
import { EngineError } from "../result.ts";
import type { TlcCoverageItem } from "./parse-output.ts";

/** The stutter step the translation adds when every process is done; no DSL step. */
const TERMINATING = "Terminating";

export function tlcCoverageCounts(items: readonly TlcCoverageItem[], spec: Spec): CoverageCounts {
  const labels = new Set(spec.processes.flatMap((p) => p.steps.map((s) => s.label)));
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

export const TLC_COVERAGE = {
  branches: false,
  notes: [
    "TLC: steps only, from its -coverage report (per action: states generated, duplicates included, and distinct states found first in TLC's search order); its per-expression counts are not mapped onto branch arms.",
  ],
} as const satisfies Partial<CoverageOptions>;
