/**
 * `raidspec diff`: what one variant can do that the other cannot. For md/raid5 the two variants are
 * the kernel before and after d0852df; the diff must put the write-intent race on the "only before"
 * side and show what the fix adds (stripes kept out of a batch while BITMAP_PENDING is set).
 */
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { type DiffResult, diffVariants } from "../engines/diff.ts";
import { referenceOf } from "../engines/native/load-reference.ts";
import { constantValues } from "../engines/state-json.ts";
import { loadSpec } from "../generator/frontend/load.ts";
import { formatDiff } from "../cli/diff.ts";

const root = process.cwd();

async function diff(specArg: string, config: string, from: string | null, to: string | null): Promise<DiffResult> {
  const loaded = loadSpec(specArg, { root });
  const model = await referenceOf(loaded.spec);
  return diffVariants({ spec: loaded.spec, model, config, constants: constantValues(loaded.spec, config), from, to });
}

describe("diff md/raid5 small: pre-d0852df → d0852df", () => {
  let r: DiffResult;
  beforeAll(async () => {
    r = await diff("spec/raid5", "small", null, "d0852df");
  }, 120_000);

  it("compares on every key but the flag only the fix writes, with both sides' counts", () => {
    expect(r.projection.dropped).toEqual([{ key: "bitmapPending", writtenBy: "to" }]);
    expect([r.from.distinctStates, r.to.distinctStates]).toEqual([14896, 13720]);
    expect([r.from.transitions, r.to.transitions]).toEqual([39761, 37153]);
    expect(r.states.onlyFrom).toBeGreaterThan(0);
    expect(r.states.onlyTo).toBeGreaterThan(0);
    expect(r.states.both + r.states.onlyFrom).toBeLessThanOrEqual(r.from.distinctStates);
  });

  it("the write-intent race is on the only-in-from side: violated before, holds after, its last state unreachable after", () => {
    const wic = r.invariants.find((i) => i.name === "WriteIntentCoverage");
    expect(wic?.from).toMatchObject({ verdict: "violation", traceLength: 8, lastStateOnOtherSide: false });
    expect(wic?.to.verdict).toBe("ok");
    // The race: a stripe joins a batch while its bitmap_startwrite is still to come, then the head is written.
    const steps = wic?.from.trace?.map((s) => s.step) ?? [];
    expect(steps).toContain("stripe_add_to_batch_list");
    expect(steps.indexOf("stripe_add_to_batch_list")).toBeLessThan(steps.lastIndexOf("handle_stripe"));
    expect(steps).not.toContain("bitmap_startwrite");
  });

  it("the shortest diverging traces part at the batching decision: before it batches, after it refuses", () => {
    const before = r.divergence.from?.trace ?? [];
    const after = r.divergence.to?.trace ?? [];
    expect(before.at(-1)?.step).toBe("stripe_add_to_batch_list");
    expect(after.at(-1)?.step).toBe("stripe_add_to_batch_list");
    // Before the fix the stripe joins the batch (batchHead set); with it, it stays alone while BITMAP_PENDING is set.
    const member = (t: typeof before) => JSON.stringify(t.at(-1)?.state.batchHead);
    expect(member(before)).not.toBe(member(after));
    expect(after.at(-2)?.state.bitmapPending).toBeDefined();
  });
});

describe("diff Counter: base → noLock", () => {
  it("without the lock the lost update appears; with it every worker can finish", async () => {
    const r = await diff("spec/examples/counter", "default", null, "noLock");
    expect(r.projection.dropped).toEqual([{ key: "lock", writtenBy: "from" }]);
    const lost = r.invariants.find((i) => i.name === "NoLostUpdate");
    expect(lost?.from.verdict).toBe("ok");
    expect(lost?.to).toMatchObject({ verdict: "violation", lastStateOnOtherSide: false });
    expect(r.divergence.from?.trace.at(-1)?.state.pc).toMatchObject({ 1: "Done" });
  });

  it("as text: the counts, the verdicts side by side, both diverging traces", async () => {
    const loaded = loadSpec("spec/examples/counter", { root });
    const text = formatDiff(await diff("spec/examples/counter", "default", null, "noLock"), loaded.spec, constantValues(loaded.spec, "default"));
    expect(text).toContain("left out: lock (written only by base)");
    expect(text).toMatch(/NoLostUpdate: base holds; noLock VIOLATED .*<- differs/);
    expect(text).toContain("Only in base (shortest trace noLock cannot follow): 9 steps");
    expect(text).toContain("Only in noLock (shortest trace base cannot follow): 2 steps");
  });

  it("a variant diffed with itself has nothing on either side", async () => {
    const r = await diff("spec/examples/counter", "default", "noLock", "noLock");
    expect(r.states.onlyFrom + r.states.onlyTo + r.transitions.onlyFrom + r.transitions.onlyTo).toBe(0);
    expect(r.divergence).toEqual({});
  });
});

describe("raidspec diff (command line)", () => {
  it("--json, and --variant A --variant B as the other spelling; a missing variant is a usage error", async () => {
    const run = (...args: string[]) => execa("node", ["bin/raidspec.js", "diff", "spec/examples/peterson", ...args], { reject: false });
    const json = await run("--variant", "base", "--variant", "noTurn", "--json");
    expect(json.exitCode).toBe(0);
    const r = JSON.parse(json.stdout) as DiffResult;
    expect(r.invariants.find((i) => i.name === "MutualExclusion")).toMatchObject({ from: { verdict: "ok" }, to: { verdict: "violation" } });
    const bad = await run("--from", "base");
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("Name the two variants");
  }, 60_000);
});
