import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import type { CheckResult } from "../engines/result.ts";

const raidspec = (...args: string[]) => execa("node", ["bin/raidspec.js", ...args], { reject: false, env: { TLA2TOOLS_JAR: "" } });

async function checkJson(...args: string[]): Promise<{ exitCode: number; result: CheckResult }> {
  const r = await raidspec("check", ...args, "--json");
  return { exitCode: r.exitCode ?? -1, result: JSON.parse(r.stdout) as CheckResult };
}

describe("raidspec check", () => {
  it("native engine: the compiled explorer with workers, and a simulation", async () => {
    const compiled = await checkJson("spec/raid5", "--config", "small", "--variant", "pre-d0852df", "--invariant", "WriteIntentCoverage", "--engine", "native", "--workers", "2");
    expect(compiled.exitCode).toBe(1);
    expect(compiled.result.explorer).toMatchObject({ kind: "compiled", workers: 2, bitsPerState: 166 });
    expect([compiled.result.distinctStates, compiled.result.trace?.length]).toEqual([421, 9]);
    const sim = await checkJson("spec/raid5", "--config", "small", "--variant", "pre-d0852df", "--invariant", "WriteIntentCoverage", "--simulate", "--walks", "400", "--seed", "5");
    expect(sim.exitCode).toBe(1);
    expect(sim.result.simulation).toMatchObject({ seed: 5, depth: 100, coverage: { steps: { total: 16 } } });
    expect(sim.result.trace?.length).toBeLessThanOrEqual((sim.result.simulation?.foundAtLength ?? 0) + 1);
    const usage = await raidspec("check", "spec/raid5", "--seed", "3");
    expect(usage.exitCode).toBe(2);
    expect(usage.stderr).toContain("go with --simulate");
  });

  it("Peterson holds its mutual exclusion on the embedded engine (26 distinct states), which says it left StarvationFree unchecked", async () => {
    const { exitCode, result } = await checkJson("spec/examples/peterson", "--engine", "embedded");
    expect(exitCode).toBe(0);
    expect(result).toMatchObject({ spec: "Peterson", engine: "embedded", verdict: "ok", distinctStates: 26, config: "default", variant: null });
    expect(result.notChecked?.properties).toEqual(["StarvationFree"]);
    expect(result.properties).toBeUndefined();
    const text = await raidspec("check", "spec/examples/peterson", "--engine", "embedded");
    expect(text.stdout).toMatch(/^NOT CHECKED: property StarvationFree: the embedded engine does not check temporal properties/m);
    // Named, the property is refused on the embedded engine; without TLC, auto checks it natively.
    const named = await raidspec("check", "spec/examples/peterson", "--engine", "embedded", "--property", "StarvationFree");
    expect([named.exitCode, named.stderr]).toEqual([2, expect.stringContaining("cannot be checked here")]);
    const auto = await checkJson("spec/examples/peterson");
    expect(auto.result).toMatchObject({ engine: "native", verdict: "ok", distinctStates: 26, properties: ["StarvationFree"] });
  });

  it("Peterson without the turn handshake breaks mutual exclusion, with a trace of DSL steps", async () => {
    const { exitCode, result } = await checkJson("spec/examples/peterson", "--variant", "noTurn");
    expect(exitCode).toBe(1);
    expect(result.verdict).toBe("violation");
    expect(result.invariant).toBe("MutualExclusion");
    expect(result.trace?.map((t) => t.step)).toEqual(["Init", "check", "check", "setFlag", "setFlag"]);
    expect(new Set(result.trace?.slice(1).map((t) => t.process))).toEqual(new Set([0, 1]));
    expect(result.trace?.at(-1)?.state.pc).toEqual({ "0": "cs", "1": "cs" });
  });

  it("the counter loses an update without its lock, and the native engine agrees with the embedded one", async () => {
    const embedded = await checkJson("spec/examples/counter", "--variant", "noLock");
    const native = await checkJson("spec/examples/counter", "--variant", "noLock", "--engine", "native");
    expect(embedded.exitCode).toBe(1);
    expect(native.exitCode).toBe(1);
    expect(embedded.result.invariant).toBe("NoLostUpdate");
    expect(native.result.invariant).toBe("NoLostUpdate");
    expect(native.result.trace?.length).toBe(embedded.result.trace?.length);
    const ok = await checkJson("spec/examples/counter");
    const okNative = await checkJson("spec/examples/counter", "--engine", "native");
    expect(ok.result.verdict).toBe("ok");
    expect(okNative.result.distinctStates).toBe(ok.result.distinctStates);
  });

  it("finds the d0852df race in md/raid5 before the fix: S is written while its bit is clear on disk", async () => {
    const { exitCode, result } = await checkJson("spec/raid5", "--config", "small", "--variant", "pre-d0852df", "--invariant", "WriteIntentCoverage", "--engine", "native");
    expect(exitCode).toBe(1);
    expect(result.invariant).toBe("WriteIntentCoverage");
    const steps = result.trace?.map((t) => t.step) ?? [];
    expect(steps).toContain("stripe_add_to_batch_list");
    expect(steps.at(-1)).toBe("handle_stripe");
    // The writers that made S a full-stripe write never reached bitmap_startwrite.
    expect(steps).not.toContain("bitmap_startwrite");
    const last = result.trace?.at(-1)?.state;
    expect(last?.batchHead).toEqual({ "0": 0, "1": 0 });
    expect(last?.bitDisk).toEqual({ "0": true, "1": false });
  });

  it("writes the counterexample as an ITF trace (integers as #bigint, maps as #map)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "raidspec-itf-"));
    const file = path.join(dir, "peterson.itf.json");
    const r = await raidspec("check", "spec/examples/peterson", "--variant", "noTurn", "--itf", file);
    expect(r.exitCode).toBe(1);
    const itf = JSON.parse(readFileSync(file, "utf8")) as { vars: string[]; states: Record<string, unknown>[] };
    expect(itf.vars).toEqual(["flag", "turn", "pc"]);
    expect(itf.states).toHaveLength(5);
    expect(itf.states[4]?.pc).toEqual({ "#map": [[{ "#bigint": "0" }, "cs"], [{ "#bigint": "1" }, "cs"]] });
    expect(itf.states[0]?.turn).toEqual({ "#bigint": "0" });
    expect(itf.states[1]?.["#meta"]).toMatchObject({ index: 1, step: "check" });
  });

  it("usage errors exit 2 and name what exists", async () => {
    const r = await raidspec("check", "spec/examples/peterson", "--config", "nope");
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('Peterson has no configuration "nope". Configurations: default.');
    const bad = await raidspec("check", "test/fixtures/bad-specs/loop");
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/^test\/fixtures\/bad-specs\/loop\/spec\.ts:12:9: error: Loops are not supported/);
    expect(bad.stderr).not.toMatch(/at .*\.ts:\d+:\d+\)/); // no stack trace
  });

  it("asking for TLC without a jar exits 4 with what to do", async () => {
    const r = await raidspec("check", "spec/examples/peterson", "--engine", "tlc");
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toContain("TLA2TOOLS_JAR");
  });
});

describe("raidspec gen", () => {
  it("the committed tla/ and reference/ files are what the specs generate", async () => {
    const r = await raidspec("gen", "--all", "--check");
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
  });
});
