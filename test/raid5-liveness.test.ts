/**
 * md/raid5's temporal properties on the native engine (every thread weakly fair): the overflow hang
 * before d0852df is a lasso whose stuck writer sleeps in bitmap_startwrite, told in kernel terms; the
 * fixed variants hold; and a property that holds everywhere (QueuedWritten) is shown to be able to fail.
 * Each check is a small configuration (well under a second of search).
 */
import { describe, expect, it } from "vitest";
import { resultModel } from "../cli/print.ts";
import { runCheck } from "../engines/check.ts";
import type { CheckResult } from "../engines/result.ts";
import { constantValues } from "../engines/state-json.ts";
import { type LoadedSpec, loadSpec } from "../generator/frontend/load.ts";
import { applyVariant } from "../generator/tla/module.ts";
import { narrativeLines } from "../traces/narrative.ts";
import type { TraceModel } from "../traces/trace-model.ts";

const root = process.cwd();
const loaded = loadSpec("spec/raid5");

function check(spec: LoadedSpec, variant: string, config: string, property: string): Promise<CheckResult> {
  return runCheck({ loaded: spec, specArg: "spec/raid5", config, variant, properties: [property], engine: "native", root });
}

/** The lasso told as text, as `raidspec check` prints it. */
function story(r: CheckResult): string {
  const spec = applyVariant(loaded.spec, r.variant === loaded.spec.baseVariant ? null : r.variant);
  // Lines joined, and wrapped words rejoined, so a sentence can be looked for whole.
  return narrativeLines(resultModel(r, { spec, constants: constantValues(loaded.spec, r.config) }) as TraceModel).join("\n").replace(/\s+/g, " ");
}

describe("md/raid5 liveness: nobody sleeps for ever on overflow_wait", () => {
  it("before d0852df (small): a writer sleeps in bitmap_startwrite for ever, after S's early bitmap_endwrite wrapped its counter", async () => {
    const r = await check(loaded, "pre-d0852df", "small", "StartwriteReturns");
    expect([r.verdict, r.property, r.distinctStates]).toEqual(["violation", "StartwriteReturns", 14896]);
    const trace = r.trace ?? [];
    const w = r.instance?.w as number;
    const last = trace.at(-1)?.state as Record<string, Record<string, unknown>>;
    // The lasso stutters at its last state: the stuck writer's step is disabled there, so weak fairness allows it.
    expect(r.loopStart).toBe(trace.length - 1);
    expect(r.loopStep).toBeUndefined();
    expect(last.pc?.[String(w)]).toBe("bitmap_startwrite");
    // S's counter (chunk 1) sits at COUNTER_MAX in the 14-bit count: 0xFFFF after the wrap and one late start.
    expect(Number(last.counter?.["1"]) % 16384).toBe(16383);
    const steps = trace.map((t) => t.step);
    expect(steps.indexOf("stripe_add_to_batch_list")).toBeLessThan(steps.indexOf("handle_stripe_clean_event"));
    const text = story(r);
    expect(text).toContain("take its counter from 0 to 0xFFFE: below zero, wrapped");
    expect(text).toContain(`Writer ${w} sleeps on overflow_wait in bitmap_startwrite for ever: chunk 1's counter is 0xFFFF`);
    // Every writer is then stuck or Done, and the stuck one never gets through.
    const finishes = await check(loaded, "pre-d0852df", "small", "WriterFinishes");
    expect([finishes.verdict, finishes.instance]).toEqual(["violation", { w }]);
    expect(story(finishes)).toContain(`Writer ${w} never finishes: it sleeps on overflow_wait in bitmap_startwrite`);
  }, 60_000);

  it("with d0852df and with cd5fc653 (small), every bitmap_startwrite returns and every writer finishes", async () => {
    for (const [variant, states] of [["d0852df", 13720], ["cd5fc653", 12467]] as const) {
      for (const property of ["StartwriteReturns", "WriterFinishes"]) {
        const r = await check(loaded, variant, "small", property);
        expect([variant, property, r.verdict, r.distinctStates]).toEqual([variant, property, "ok", states]);
      }
    }
  }, 60_000);

  it("with Retry, a writer waiting on wait_for_overlap gets through with d0852df (two_disk_free_retry)", async () => {
    const r = await check(loaded, "d0852df", "two_disk_free_retry", "WriterFinishes");
    expect([r.verdict, r.distinctStates]).toEqual(["ok", 6562]);
  }, 60_000);
});

describe("md/raid5 liveness: QueuedWritten", () => {
  it("holds with every thread weakly fair, and fails when the handler is not (a queued write can wait for ever)", async () => {
    const fair = await check(loaded, "d0852df", "small", "QueuedWritten");
    expect(fair.verdict).toBe("ok");
    // The same spec with the handler thread's fairness taken away, in memory.
    const processes = loaded.spec.processes.map((p) => (p.name === "handler" ? { ...p, fair: undefined } : p));
    expect(processes.find((p) => p.name === "handler")).not.toHaveProperty("fair", "weak");
    const unfair: LoadedSpec = { ...loaded, spec: { ...loaded.spec, processes } };
    const r = await check(unfair, "d0852df", "small", "QueuedWritten");
    expect(r.verdict).toBe("violation");
    // H's write (stripe 0, queued from the start) is never taken off handle_list.
    expect(r.instance).toEqual({ sh: 0, d: 0 });
    expect(story(r)).toContain("The bio queued on d0 of stripe 0 (towrite full, being written: false) never completes");
  }, 60_000);
});
