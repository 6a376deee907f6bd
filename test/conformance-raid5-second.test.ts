import { describe, it } from "vitest";
import { expectTwoDiskConforms } from "./raid5-lockstep.ts";

// md/raid5's second-edition variants in CI: the whole conformance run (lockstep over every reachable
// state) on two_disk. Beside test/conformance-raid5.test.ts, in a file of its own so that vitest runs
// the two at once (each is about a minute of tla-checker's explore_next).
describe("md/raid5 conformance, second edition", () => {
  it("two_disk: the TLA+ module and the reference library agree in every reachable state, pre-b15a9dbd and cd5fc653", () =>
    expectTwoDiskConforms(["pre-b15a9dbd", "cd5fc653"], [1117, 1139]));
});
