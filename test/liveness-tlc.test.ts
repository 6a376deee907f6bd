/**
 * The native engine's liveness and deadlock verdicts against the real TLC (TLA2TOOLS_JAR): every
 * example with properties, in every variant, and lock-order's deadlock. TLC's lassos (2122 back to a
 * state, 2218 stuttering) are confirmed on the reference library by runCheck, like native's.
 */
import { describe, expect, it } from "vitest";
import { runCheck } from "../engines/check.ts";
import type { CheckResult } from "../engines/result.ts";
import { loadSpec } from "../generator/frontend/load.ts";

const JAR = process.env.TLA2TOOLS_JAR;
if (!JAR) console.log("liveness-tlc.test.ts: TLA2TOOLS_JAR is not set, so native's liveness verdicts are not compared with TLC's.");

const root = process.cwd();

const CASES: [spec: string, variant: string | null, verdict: "ok" | "violation"][] = [
  ["spec/examples/peterson", null, "ok"],
  ["spec/examples/peterson", "unfair", "violation"],
  ["spec/examples/peterson", "noTurn", "violation"],
  ["spec/examples/spinlock", null, "ok"],
  ["spec/examples/spinlock", "weak", "violation"],
  ["spec/examples/spinlock", "strongTake", "ok"],
  ["spec/examples/counter", null, "ok"],
  ["spec/examples/counter", "noLock", "violation"],
];

describe.skipIf(!JAR)("liveness: native and TLC agree (TLA2TOOLS_JAR)", () => {
  const both = async (arg: string, variant: string | null, extra: { properties?: string[]; deadlock?: boolean; invariants?: string[] }): Promise<[CheckResult, CheckResult]> => {
    const loaded = loadSpec(arg);
    const run = (engine: "native" | "tlc") => runCheck({ loaded, specArg: arg, variant: variant ?? "base", ...extra, engine, tlcJar: JAR, workers: 1, root });
    return [await run("native"), await run("tlc")];
  };

  it("every property of every example, in every variant: the same verdict, property and instance; native's lasso is no longer than TLC's", async () => {
    for (const [arg, variant, verdict] of CASES) {
      const properties = loadSpec(arg).spec.properties.map((p) => p.name);
      const [native, tlc] = await both(arg, variant, { properties });
      const shape = (r: CheckResult) => [arg, variant, r.verdict, r.property, r.instance, r.loopStart !== undefined];
      expect(shape(tlc)).toEqual(shape(native));
      expect([arg, variant, native.verdict]).toEqual([arg, variant, verdict]);
      if (verdict === "violation") expect(native.trace?.length ?? 0).toBeLessThanOrEqual(tlc.trace?.length ?? 0);
    }
  }, 240_000);

  it("--deadlock: both find lock-order's deadlock (TLC 2114), and neither in the ordered variant", async () => {
    const [native, tlc] = await both("spec/examples/lock-order", null, { deadlock: true, invariants: ["TypeOK"] });
    expect([native.verdict, tlc.verdict]).toEqual(["deadlock", "deadlock"]);
    expect(tlc.trace?.at(-1)?.state).toEqual(native.trace?.at(-1)?.state);
    const ordered = await both("spec/examples/lock-order", "ordered", { deadlock: true, invariants: ["TypeOK"] });
    expect(ordered.map((r) => [r.verdict, r.distinctStates])).toEqual([
      ["ok", 12],
      ["ok", 12],
    ]);
  }, 120_000);
});
