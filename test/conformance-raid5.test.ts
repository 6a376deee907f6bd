import { describe, expect, it } from "vitest";
import { compareCounts } from "../conformance/counts.ts";
import { runConformance } from "../conformance/run.ts";
import { loadSpec } from "../generator/frontend/load.ts";

// md/raid5 in CI: the whole conformance run (lockstep over every reachable state) on two_disk, every
// kernel variant, and state counts and counterexamples on small for the first edition's two variants.
// Lockstep over all of small takes about 7 minutes with tla-checker's explore_next, so it is left to `raidspec conform spec/raid5 --config small`.
describe("md/raid5 conformance", () => {
  const loaded = loadSpec("spec/raid5");

  for (const [variants, states] of [
    [["pre-d0852df", "d0852df"], [1011, 1139]],
    [["pre-b15a9dbd", "cd5fc653"], [1117, 1139]],
  ] as const) {
    it(`two_disk: the TLA+ module and the reference library agree in every reachable state, ${variants.join(" and ")}`, async () => {
      const report = await runConformance(loaded, { config: "two_disk", specArg: "spec/raid5", variants: [...variants] });
      expect(report.variants.map((v) => v.label)).toEqual(variants);
      for (const v of report.variants) {
        expect(v.lockstep.ok).toBe(true);
        expect(v.lockstep.complete).toBe(true);
      }
      expect(report.variants.map((v) => v.lockstep.states).sort()).toEqual(states);
      expect(report.ok).toBe(true);
    });
  }

  for (const [variant, states] of [["pre-d0852df", 14896], ["d0852df", 13720]] as const) {
    it(`small, ${variant}: the embedded and native engines find ${states} states and the same first violation`, async () => {
      const counts = await compareCounts(loaded, { config: "small", variant, invariants: ["TypeOK"], engines: ["embedded", "native"], specArg: "spec/raid5" });
      expect(counts.problems).toEqual([]);
      expect(counts.compared).toBe("states");
      expect(counts.runs.map((r) => (r.ran ? r.result.distinctStates : r.error))).toEqual([states, states]);
      const violations = await compareCounts(loaded, { config: "small", variant, engines: ["embedded", "native"], specArg: "spec/raid5" });
      expect(violations.problems).toEqual([]);
      expect(violations.compared).toBe("violation");
    });
  }
});
