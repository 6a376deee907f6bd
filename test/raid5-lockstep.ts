import { expect } from "vitest";
import { runConformance } from "../conformance/run.ts";
import { loadSpec } from "../generator/frontend/load.ts";

/**
 * The whole conformance run on md/raid5 two_disk for some variants: lockstep over every reachable
 * state agrees (the TLA+ module against the reference library), with these state counts (sorted).
 */
export async function expectTwoDiskConforms(variants: string[], states: number[]): Promise<void> {
  const report = await runConformance(loadSpec("spec/raid5"), { config: "two_disk", specArg: "spec/raid5", variants });
  expect(report.variants.map((v) => v.label)).toEqual(variants);
  for (const v of report.variants) {
    expect(v.lockstep.ok).toBe(true);
    expect(v.lockstep.complete).toBe(true);
  }
  expect(report.variants.map((v) => v.lockstep.states).sort()).toEqual(states);
  expect(report.ok).toBe(true);
}
