import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runNative } from "../engines/native/native.ts";
import { constantValues } from "../engines/state-json.ts";
import { type LoadedSpec, loadSpec } from "../generator/frontend/load.ts";

// md/raid5, second edition: each kernel fix the model is about is caught when it is taken away, on a
// small configuration (a second or two each on the compiled explorer). A breakage that is not a kernel
// variant is the spec's own source with one line changed, loaded from a scratch copy.
const root = process.cwd();
const SPEC = path.join(root, "spec/raid5/spec.ts");
let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), "raidspec-raid5-breakage-"));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** The spec with `from` replaced by `to` (exactly once), loaded from a scratch copy of spec/. */
function mutant(name: string, from: string, to: string): LoadedSpec {
  const source = readFileSync(SPEC, "utf8");
  expect(source.split(from).length, `"${from}" occurs exactly once in spec/raid5/spec.ts`).toBe(2);
  const dir = path.join(scratch, name);
  mkdirSync(path.join(dir, "spec/dsl"), { recursive: true });
  mkdirSync(path.join(dir, "spec/raid5"), { recursive: true });
  copyFileSync(path.join(root, "spec/dsl/index.ts"), path.join(dir, "spec/dsl/index.ts"));
  writeFileSync(path.join(dir, "spec/raid5/spec.ts"), source.replace(from, to));
  // Type-checked already as the real spec; the scratch copy lies outside the compiler project's rootDir.
  return loadSpec("spec/raid5", { root: dir, typecheck: false });
}

/** A compiled-explorer check of one invariant (no reference library needed: the compiled form is built from the IR). */
async function check(loaded: LoadedSpec, variant: string, config: string, invariant: string) {
  return runNative({
    spec: loaded.spec,
    variant: variant === loaded.spec.baseVariant ? null : variant,
    constants: constantValues(loaded.spec, config),
    invariants: [invariant],
    model: () => Promise.reject(new Error("the compiled explorer was expected")),
  });
}

describe("md/raid5: the fixes, taken away, are caught", () => {
  const loaded = loadSpec("spec/raid5");

  it("reverting b15a9dbd (pre-b15a9dbd: clear_batch_ready returns 0 for a member whose BATCH_READY was clear): a member is written on its own", async () => {
    const broken = await check(loaded, "pre-b15a9dbd", "small_batch", "MemberWrittenByHead");
    expect(broken.verdict).toBe("violation");
    const steps = (broken.trace ?? []).map((t) => t.step);
    // raid5d took the stripe off handle_list before it joined the batch, then handled it after its head.
    expect(steps.slice(-3)).toEqual(["handle_stripe", "clear_batch_ready", "handle_taken"]);
    expect(steps).toContain("stripe_add_to_batch_list");
    // The variant differs from pre-d0852df only in clear_batch_ready: with b15a9dbd the property holds.
    const fixed = await check(loaded, "pre-d0852df", "small_batch", "MemberWrittenByHead");
    expect(fixed.verdict).toBe("ok");
  }, 60_000);

  it("dropping d0852df's !BITMAP_PENDING test from stripe_can_batch: S is written before its bit is on disk", async () => {
    const fixed = await check(loaded, "d0852df", "small", "WriteIntentCoverage");
    expect([fixed.verdict, fixed.distinctStates]).toEqual(["ok", 13720]);
    const broken = mutant(
      "no-pending-test",
      "s.batchReady[sh] && !s.bitmapPending[sh] && isFullStripeWrite(s, sh)",
      "s.batchReady[sh] && isFullStripeWrite(s, sh)",
    );
    const r = await check(broken, "d0852df", "small", "WriteIntentCoverage");
    expect(r.verdict).toBe("violation");
    const trace = r.trace ?? [];
    expect(trace.at(-1)?.step).toBe("handle_stripe");
    expect(trace.map((t) => t.step)).toContain("stripe_add_to_batch_list");
  }, 60_000);

  it("removing the bitmap daemon's NEEDED handling (comparing COUNT instead of the whole counter): a NEEDED chunk's bit is cleared", async () => {
    const fixed = await check(loaded, "d0852df", "small_degraded", "NeededKept");
    expect(fixed.verdict).toBe("ok");
    const broken = mutant("no-needed", "const daemonClears = helper((s: S, c: number) => s.counter[c] === 1);", "const daemonClears = helper((s: S, c: number) => s.counter[c] % 16384 === 1);");
    const r = await check(broken, "d0852df", "small_degraded", "NeededKept");
    expect(r.verdict).toBe("violation");
    const last = r.trace?.at(-1);
    expect(last?.step).toBe("bitmap_daemon_work");
    expect(last?.self).toBe(5);
  }, 60_000);
});
