import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import type { CheckResult, TraceStep } from "../engines/result.ts";
import { constantValues } from "../engines/state-json.ts";
import { loadSpec } from "../generator/frontend/load.ts";
import { applyVariant } from "../generator/tla/module.ts";
import { runCheck } from "../engines/check.ts";
import { traceToItf } from "../engines/itf.ts";
import { formatResult } from "../cli/print.ts";
import { showTrace } from "../cli/show.ts";
import { traceSvg } from "../traces/svg.ts";
import { traceHtml } from "../traces/html.ts";
import { model as raid5Model } from "../reference/raid5.ts";
import type { ReferenceModel } from "../engines/model.ts";

const raid5Reference = raid5Model as ReferenceModel<unknown>;
import { explainViolation } from "../traces/invariant-explain.ts";
import { readItf } from "../traces/itf-read.ts";
import { explanationFacts, narrativeLines } from "../traces/narrative.ts";
import { changedEntries, formatChange, formatValue } from "../traces/notation.ts";
import { checkStories } from "../traces/story.ts";
import { traceModel } from "../traces/trace-model.ts";

const raidspec = (...args: string[]) => execa("node", ["bin/raidspec.js", ...args], { reject: false, env: { TLA2TOOLS_JAR: "" } });
const tmp = () => mkdtempSync(path.join(tmpdir(), "raidspec-traces-"));
const root = process.cwd();
const raid5 = loadSpec("spec/raid5");

/** A check run in this process (the CLI is started once, for the Done-when test). */
async function check(config: string, variant: string, invariant: string, engine: "native" | "embedded" = "native"): Promise<CheckResult> {
  return runCheck({ loaded: raid5, specArg: "spec/raid5", config, variant, invariant, engine, root });
}
const contextOf = (r: CheckResult) => ({ spec: applyVariant(raid5.spec, r.variant === raid5.spec.baseVariant ? null : r.variant), constants: constantValues(raid5.spec, r.config) });

describe("the d0852df race, told by check", () => {
  it("fits in under 40 lines, each step naming its process and kernel function, the last line naming stripe and chunk", async () => {
    const r = await raidspec("check", "spec/raid5", "--config", "small", "--variant", "pre-d0852df", "--invariant", "WriteIntentCoverage");
    expect(r.exitCode).toBe(1);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.length).toBeLessThan(40);
    const steps = lines.filter((l) => /^ *\d+\. (writer \d|handler|raid5d)/.test(l));
    expect(steps).toHaveLength(8);
    const kernel = ["get_active_stripe", "add_stripe_bio", "stripe_add_to_batch_list", "handle_stripe"];
    for (const l of steps) expect(kernel.some((k) => l.includes(k))).toBe(true);
    expect(steps.filter((l) => /writer \d/.test(l))).toHaveLength(7);
    // Writers 1 and 2 queue first writes and are preempted before bitmap_startwrite; writer 3 batches S.
    expect(r.stdout).toMatch(/writer 1 +add_stripe_bio: queues d0 on stripe 1, a first write/);
    expect(r.stdout).toMatch(/writer 3 +stripe_add_to_batch_list: stripe_can_batch holds/);
    expect(r.stdout).toContain("WriteIntentCoverage is false in state 8 for sh = 1: isWriting(1) = true, bitDisk[1] = false.");
    expect(lines.at(-1)).toBe("Stripe 1's data is being written while chunk 1's bit is clear on disk.");
    expect(r.stdout).not.toMatch(/[{]"/); // never raw JSON
    expect(r.stdout).not.toContain("dirtiedIn");
  });

  it("--full-init prints the whole initial state", async () => {
    const r = await check("small", "pre-d0852df", "WriteIntentCoverage", "embedded");
    const full = formatResult(r, { ...contextOf(r), fullInit: true });
    expect(full).toContain("dirtiedIn = {0: 0, 1: 0}");
    expect(full).toContain("batchReady = {0: true, 1: true}");
    const text = formatResult(r, contextOf(r));
    const init = text.slice(text.indexOf(" 0. Init"), text.indexOf(" 1. "));
    expect(init).not.toContain("batchReady"); // @idle true
    expect(init).toContain("towrite[0][*] = full");
  });

  it("show tells a saved ITF trace the same way, and says when a trace names no spec", async () => {
    const dir = tmp();
    const file = path.join(dir, "race.itf.json");
    const r = await check("small", "pre-d0852df", "WriteIntentCoverage", "embedded");
    writeFileSync(file, JSON.stringify(traceToItf(contextOf(r).spec, r)));
    const shown = await showTrace(file, {}, root);
    const body = (text: string) => text.slice(text.indexOf(" 0. Init"));
    expect(body(shown)).toBe(body(formatResult(r, contextOf(r))));
    // Without raidspec's #meta (as from another ITF tool): states alone, every variable of Init.
    const itf = JSON.parse(readFileSync(file, "utf8")) as { "#meta": Record<string, unknown>; states: Record<string, unknown>[] };
    const bare = { vars: (itf as unknown as { vars: string[] }).vars, states: itf.states.map(({ "#meta": _m, ...rest }) => rest) };
    const bareFile = path.join(dir, "bare.itf.json");
    writeFileSync(bareFile, JSON.stringify(bare));
    const plain = await showTrace(bareFile, {}, root);
    expect(plain).toContain("does not name its spec");
    expect(plain).toContain("towrite[1][0]: none → full");
    await expect(showTrace(path.join(dir, "missing.json"), {}, root)).rejects.toThrow(/Cannot read/);
    // A trace that is no longer a behaviour of the spec is said to be so.
    const doc = JSON.parse(readFileSync(file, "utf8")) as { states: Record<string, unknown>[] };
    doc.states[3] = { ...doc.states[3], count: { "#map": [[{ "#bigint": "0" }, { "#bigint": "7" }], [{ "#bigint": "1" }, { "#bigint": "3" }]] } };
    const edited = path.join(dir, "edited.itf.json");
    writeFileSync(edited, JSON.stringify(doc));
    expect(await showTrace(edited, {}, root)).toMatch(/^Note: this trace does not replay on Raid5 as it is now/);
  });
});

describe("trace notation", () => {
  it("shows values compactly and merges sibling changes", () => {
    expect(formatValue({ "0": "none", "1": "full" })).toBe("{0: none, 1: full}");
    expect(formatValue(null)).toBe("none");
    expect(formatValue([1, 2])).toBe("{1, 2}");
    const before = { a: { "0": { "0": "full", "1": "full" }, "1": { "0": "full", "1": "full" } }, b: { "0": true, "1": true, "2": false } };
    const after = { a: { "0": { "0": "none", "1": "none" }, "1": { "0": "none", "1": "none" } }, b: { "0": false, "1": true, "2": true } };
    expect(changedEntries(before, after, new Map()).map(formatChange)).toEqual(["a[*][*]: full → none", "b[0]: true → false", "b[2]: false → true"]);
  });
});

describe("story templates", () => {
  it("every spec's @story and @idle lines read", () => {
    for (const id of ["spec/raid5", "spec/examples/peterson", "spec/examples/counter"]) {
      const l = loadSpec(id);
      expect(checkStories(l.spec, readFileSync(l.file, "utf8"))).toEqual([]);
    }
  });

  it("a template naming something unknown is an error at its line in the spec", () => {
    const l = loadSpec("spec/raid5");
    const source = readFileSync(l.file, "utf8");
    const step = l.spec.processes[0]?.steps[0];
    if (!step?.doc) throw new Error("the first raid5 step has a doc");
    const broken = { ...l.spec, processes: l.spec.processes.map((p, i) => (i === 0 ? { ...p, steps: [{ ...step, doc: step.doc?.replace("{wsh} to write all", "{wshh} to write all") }, ...p.steps.slice(1)] } : p)) };
    const problems = checkStories(broken, source.replace("{wsh} to write all", "{wshh} to write all"));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/^@story of step get_active_stripe: unknown name wshh/);
    const line = source.split("\n").findIndex((t) => t.includes("{wsh} to write all")) + 1;
    expect(problems[0]?.loc).toMatchObject({ file: "spec/raid5/spec.ts", line });
  });
});

describe("invariant explanations", () => {
  const loaded = raid5;
  const violation = (config: string, variant: string, invariant: string) => check(config, variant, invariant);

  it("name the failing instance, its atoms and the invariant's story, on the reference library's counterexamples", async () => {
    const cases: [string, string, string, RegExp, RegExp][] = [
      ["small", "d0852df", "EndAfterStart", /for c = 1: ends\[1\] = 2 > starts\[1\] = 1/, /^chunk 1 has had 2 bitmap_endwrite calls but only 1 bitmap_startwrite$/],
      ["small", "pre-d0852df", "CounterInRange", /for c = 1: counter\[1\] = 6553[45] >= 16383/, /^counter 1 is 0xFFF[EF]: it went below zero and wrapped/],
      ["small", "pre-d0852df", "MemberFlags", /for m = 1: isMember\(1\) = true, bitDelay\[1\] = true/, /^stripe 1, a member of stripe 0's batch, has BIT_DELAY set/],
      ["small", "d0852df", "CounterBalance", /for c = 1: pageAllocated\[1\] = true, counter\[1\] = 3 != 0, counter\[1\] = 3 != 2 \+ starts\[1\] - ends\[1\] = [0-9]+/, /^counter 1 is 3, but 2 \+ /],
    ];
    for (const [config, variant, invariant, facts, story] of cases) {
      const r = await violation(config, variant, invariant);
      expect(r.invariant).toBe(invariant);
      const last = r.trace?.at(-1) as TraceStep;
      const spec = applyVariant(loaded.spec, variant === "pre-d0852df" ? null : variant);
      const out = explainViolation(spec, constantValues(loaded.spec, config), invariant, last.state);
      if (!out.ok) throw new Error(out.reason);
      expect(explanationFacts(out.explanation, (r.trace?.length ?? 0) - 1)).toMatch(facts);
      const told = narrativeLines(traceModel({ trace: r.trace ?? [], spec, constants: constantValues(loaded.spec, config), invariant })).join(" ");
      expect(told).toContain(`${invariant} is false in state ${(r.trace?.length ?? 0) - 1}`);
      expect(out.explanation.story).toMatch(story);
      // In the state before, the invariant holds: there is nothing to explain.
      const before = r.trace?.at(-2) as TraceStep;
      expect(explainViolation(spec, constantValues(loaded.spec, config), invariant, before.state).ok).toBe(false);
    }
  });

  it("ITF traces read back to the same states", async () => {
    const peterson = loadSpec("spec/examples/peterson");
    const result = await runCheck({ loaded: peterson, specArg: "spec/examples/peterson", variant: "noTurn", engine: "embedded", root });
    const file = "p.itf.json";
    const itf = readItf(JSON.stringify(traceToItf(applyVariant(peterson.spec, "noTurn"), result)), file);
    expect(itf.trace.map((s) => s.state)).toEqual(result.trace?.map((s) => s.state));
    expect(itf.trace.map((s) => [s.step, s.processSet, s.process])).toEqual(result.trace?.map((s) => [s.step, s.processSet, s.process]));
    expect(itf).toMatchObject({ source: "spec/examples/peterson/spec.ts", variant: "noTurn", config: "default", invariant: "MutualExclusion" });
  });
});

describe("lassos and TypeOK", () => {
  it("a trace with a loop says where it loops back, in text, SVG and HTML", async () => {
    const r = await check("two_disk", "pre-d0852df", "WriteIntentCoverage");
    const model = traceModel({ trace: r.trace ?? [], ...contextOf(r), loopStart: 2 });
    expect(narrativeLines(model).join("\n")).toContain("↺ back to state 2");
    expect(traceSvg(model)).toContain('class="loop" data-loop-start="2"');
    expect(traceHtml(model)).toMatch(/<th class="loop"[^>]*>2 ↺/);
  });

  it("TypeOK names the first value outside its type", () => {
    const spec = raid5.spec;
    const constants = constantValues(spec, "small");
    const init = raid5Reference.toJson(raid5Reference.init(constants)[0], constants);
    const bad = { ...init, counter: { "0": 4, "1": 70000 } };
    const out = explainViolation(spec, constants, "TypeOK", bad);
    expect(out).toMatchObject({ ok: true, explanation: { facts: ["counter[1] = 70000 is outside 0..65535"] } });
    expect(explainViolation(spec, constants, "TypeOK", init).ok).toBe(false);
  });
});

