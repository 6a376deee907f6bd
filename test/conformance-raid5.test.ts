import { describe, expect, it } from "vitest";
import { compareCounts } from "../conformance/counts.ts";
import { loadSpec } from "../generator/frontend/load.ts";
import { expectTwoDiskConforms } from "./raid5-lockstep.ts";

// md/raid5 in CI: the whole conformance run (lockstep over every reachable state) on two_disk for the
// first edition's two variants (the second edition's are in conformance-raid5-second.test.ts, a file of
// its own so that the two run side by side), and state counts and counterexamples on small.
// Lockstep over all of small takes about 7 minutes with tla-checker's explore_next, so it is left to `raidspec conform spec/raid5 --config small`.
describe("md/raid5 conformance", () => {
  const loaded = loadSpec("spec/raid5");

  it("two_disk: the TLA+ module and the reference library agree in every reachable state, pre-d0852df and d0852df", () =>
    expectTwoDiskConforms(["pre-d0852df", "d0852df"], [1011, 1139]));

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
