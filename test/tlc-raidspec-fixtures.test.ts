/**
 * What a real TLC said about raidspec's own modules (shared/fixtures/tlc-raidspec/, see its README):
 * every file there is read by raidspec's readers and its verdicts, counts and traces are asserted,
 * and held against what raidspec's own engines and reference library say.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readPlusCal } from "../conformance/pluscal/read.ts";
import { embeddedInitialStates, embeddedSuccessors } from "../engines/embedded/engine.ts";
import { confirmViolation, explainTrace } from "../engines/explain.ts";
import { referenceOf } from "../engines/native/load-reference.ts";
import type { TraceState } from "../engines/result.ts";
import { canonicalString, constantValues, stateFromTla } from "../engines/state-json.ts";
import { readTlcDot } from "../engines/tlc/dump-dot.ts";
import { readTlcTraceJson } from "../engines/tlc/dump-trace.ts";
import { parseTlcOutput, type TlcOutput } from "../engines/tlc/parse-output.ts";
import { TlcExitStatus } from "../engines/tlc/run.ts";
import { loadSpec } from "../generator/frontend/load.ts";
import { applyVariant, renderConfig, renderModule } from "../generator/tla/module.ts";
import { checkSanyRules } from "../generator/tla/sany-rules/index.ts";
import { sharedFixtures } from "./shared-fixtures.ts";

const DIR = sharedFixtures("tlc-raidspec");
const read = (name: string) => readFileSync(`${DIR}${name}`, "utf8");
const output = (name: string): TlcOutput => parseTlcOutput(read(name));

/** Every file of the folder has a test below; a new recording without one fails the listing test. */
const COVERED = [
  "Counter.coverage.out",
  "Counter.out",
  "Counter_noLock.out",
  "EXITCODES.tsv",
  "MODULES.sha256",
  "Peterson.dump.out",
  "Peterson.out",
  "Peterson.states.dot",
  "Peterson_noTurn.dumptrace.out",
  "Peterson_noTurn.out",
  "Peterson_noTurn.trace.json",
  "README.md",
  "Raid5__small.sany.out",
  "Raid5_d0852df__small.sany.out",
  ...["Raid5", "Raid5_d0852df"].flatMap((m) => [
    ...["small", "two_disk", "small_shared", "small_unallocated"].map((c) => `patched__${m}__${c}__TypeOK.out`),
    `pcal__${m}.trans.out`,
    `pcal__${m}.translated.tla`,
    `pcal__${m}__small__TypeOK.out`,
  ]),
  "patched__Raid5__small__MemberFlags.out",
  "patched__Raid5__small__WriteIntentCoverage.out",
  "patched__Raid5_d0852df__small__CounterBalance.out",
  "patched__Raid5_d0852df__small__EndAfterStart.out",
];

describe("TLC's outputs on the example specs", () => {
  it("Peterson.out, Counter.out: no error, 26 and 879 distinct states", () => {
    expect([output("Peterson.out").outcome, output("Peterson.out").distinctStates]).toEqual(["ok", 26]);
    expect([output("Counter.out").outcome, output("Counter.out").distinctStates]).toEqual(["ok", 879]);
  });

  it("Peterson_noTurn.out, Counter_noLock.out: the invariant violations and their -tool traces", () => {
    const p = output("Peterson_noTurn.out");
    expect([p.outcome, p.violatedInvariant, p.distinctStates]).toEqual(["invariant", "MutualExclusion", 11]);
    expect(p.trace?.map((s) => [s.action, s.actionArgs])).toEqual([
      ["Initial predicate", undefined],
      ["check", "0"],
      ["check", "1"],
      ["setFlag", "0"],
      ["setFlag", "1"],
    ]);
    expect(p.trace?.at(-1)?.variables.find((v) => v.name === "pc")?.text).toBe('(0 :> "cs" @@ 1 :> "cs")');
    const c = output("Counter_noLock.out");
    expect([c.outcome, c.violatedInvariant, c.distinctStates]).toEqual(["invariant", "NoLostUpdate", 53]);
    expect(c.trace?.map((s) => s.action)).toEqual(["Initial predicate", "enter", "enter", "read", "read", "write", "write"]);
  });

  it("Peterson_noTurn.dumptrace.out + .trace.json: TLC's JSON trace holds the states and steps of its -tool trace", () => {
    const tool = output("Peterson_noTurn.dumptrace.out");
    const json = readTlcTraceJson(read("Peterson_noTurn.trace.json"));
    expect(json.variables).toEqual(["flag", "turn", "pc"]);
    expect(json.states.map((s) => s.index)).toEqual([1, 2, 3, 4, 5]);
    expect(json.steps.map((s) => [s.from, s.to, s.action, s.context.self])).toEqual([
      [1, 2, "check", 0],
      [2, 3, "check", 1],
      [3, 4, "setFlag", 0],
      [4, 5, "setFlag", 1],
    ]);
    expect(json.steps[0]?.location).toEqual({ module: "Peterson_noTurn", line: 51, column: 16, endLine: 54, endColumn: 44 });
    expect(json.states.at(-1)?.values).toEqual({ flag: { "0": true, "1": true }, pc: { "0": "cs", "1": "cs" }, turn: 0 });
    // The same states as the -tool trace, read into raidspec's state form.
    const spec = applyVariant(loadSpec("spec/examples/peterson").spec, "noTurn");
    expect(tool.trace?.map((s) => stateFromTla(spec, s.variables))).toEqual(json.states.map((s) => s.values));
  });

  it("Peterson.dump.out + .states.dot: TLC's whole state graph, edges labelled with action and process, equals tla-checker's", () => {
    expect([output("Peterson.dump.out").outcome, output("Peterson.dump.out").distinctStates]).toEqual(["ok", 26]);
    const graph = readTlcDot(read("Peterson.states.dot"));
    expect(graph.states.size).toBe(26);
    expect(graph.edges).toHaveLength(44);
    const initial = [...graph.states.values()].filter((s) => s.initial);
    expect(initial.map((s) => s.variables.map((v) => `${v.name} = ${v.text}`))).toEqual([
      ['flag = (0 :> FALSE @@ 1 :> FALSE)', 'pc = (0 :> "setFlag" @@ 1 :> "setFlag")', "turn = 0"],
    ]);
    expect(new Set(graph.edges.map((e) => `${e.action}(${e.args})`))).toEqual(
      new Set(["setFlag", "giveTurn", "wait", "cs", "exit"].flatMap((a) => [`${a}(0)`, `${a}(1)`])),
    );
    // Edge for edge, the graph tla-checker explores from the module generated now (states as raidspec's JSON).
    const { spec } = loadSpec("spec/examples/peterson");
    const key = (id: string) => canonicalString(stateFromTla(spec, graph.states.get(id)?.variables ?? []));
    const tlcEdges = new Set(graph.edges.map((e) => `${key(e.from)} -> ${key(e.to)}`));
    const config = spec.configs[0];
    if (!config) throw new Error("no config");
    const input = { spec, moduleText: renderModule(spec, null, "spec/examples/peterson"), cfgText: renderConfig(spec, config, []) };
    const embeddedEdges = new Set<string>();
    const queue = embeddedInitialStates(input);
    const seen = new Set(queue.map(canonicalString));
    for (let i = 0; i < queue.length; i++) {
      const from = queue[i] as TraceState;
      for (const t of embeddedSuccessors(input, from)) {
        embeddedEdges.add(`${canonicalString(from)} -> ${canonicalString(t.state)}`);
        if (!seen.has(canonicalString(t.state))) {
          seen.add(canonicalString(t.state));
          queue.push(t.state);
        }
      }
    }
    expect(seen.size).toBe(26);
    expect(embeddedEdges).toEqual(tlcEdges);
  });

  it("Counter.coverage.out: distinct and total states per action (-coverage)", () => {
    const c = output("Counter.coverage.out");
    expect(c.outcome).toBe("ok");
    expect(c.coverage?.map((i) => [i.action, i.distinct, i.total])).toEqual([
      ["Init", 1, 1],
      ["enter", 290, 618],
      ["read", 196, 276],
      ["write", 196, 196],
      ["leave", 196, 196],
      ["Terminating", 0, 56],
    ]);
    expect(c.coverage?.reduce((n, i) => n + i.distinct, 0)).toBe(879);
  });
});

describe("TLC on md/raid5", () => {
  it("Raid5__small.sany.out, Raid5_d0852df__small.sany.out: SANY rejected the modules as generated then (the nested anyKey)", () => {
    for (const [name, line] of [
      ["Raid5__small.sany.out", 317],
      ["Raid5_d0852df__small.sany.out", 322],
    ] as const) {
      const o = output(name);
      expect(o.outcome).toBe("sany-error");
      expect(o.sany).toEqual([
        {
          severity: "error",
          message: expect.stringMatching(/^Multiply-defined symbol 'anyKey'/),
          location: { module: name.startsWith("Raid5_d") ? "Raid5_d0852df" : "Raid5", line, column: 47, endLine: line, endColumn: 52 },
        },
      ]);
    }
  });

  it("MODULES.sha256: the modules TLC ran on are the ones recorded in test/fixtures/pluscal-before-issue7/", () => {
    const sums = new Map(
      read("MODULES.sha256")
        .trim()
        .split("\n")
        .map((l) => l.split(/\s+/).reverse() as [string, string]),
    );
    for (const m of ["Raid5", "Raid5_d0852df"]) {
      const text = readFileSync(fileURLToPath(new URL(`./fixtures/pluscal-before-issue7/${m}.tla`, import.meta.url)));
      expect(createHash("sha256").update(text).digest("hex")).toBe(sums.get(`raid5/${m}.tla`));
    }
  });

  it("patched__<Module>__<config>__TypeOK.out: with the one name fixed, TLC finds raidspec's state counts", () => {
    const counts: [string, number][] = [
      ["patched__Raid5__small__TypeOK.out", 14896],
      ["patched__Raid5_d0852df__small__TypeOK.out", 13720],
      ["patched__Raid5__two_disk__TypeOK.out", 1139],
      ["patched__Raid5_d0852df__two_disk__TypeOK.out", 1011],
      ["patched__Raid5__small_shared__TypeOK.out", 15096],
      ["patched__Raid5_d0852df__small_shared__TypeOK.out", 13720],
      ["patched__Raid5__small_unallocated__TypeOK.out", 15096],
      ["patched__Raid5_d0852df__small_unallocated__TypeOK.out", 13720],
    ];
    for (const [name, states] of counts) expect([name, output(name).outcome, output(name).distinctStates]).toEqual([name, "ok", states]);
  });

  it("patched__<Module>__small__<Invariant>.out: TLC's counterexamples replay on the reference library and break the same invariant in their last state only", async () => {
    const { spec } = loadSpec("spec/raid5");
    const model = await referenceOf(spec);
    const constants = constantValues(spec, "small");
    const cases: [string, string | null, string, number, number][] = [
      ["patched__Raid5__small__WriteIntentCoverage.out", null, "WriteIntentCoverage", 359, 8],
      ["patched__Raid5__small__MemberFlags.out", null, "MemberFlags", 538, 9],
      ["patched__Raid5_d0852df__small__EndAfterStart.out", "d0852df", "EndAfterStart", 4355, 16],
      ["patched__Raid5_d0852df__small__CounterBalance.out", "d0852df", "CounterBalance", 5046, 17],
    ];
    // TLC ran on the first edition of the model. The second edition's variables (taken, needed) and the
    // bitmap daemon's pc are constant in `small` (its Daemon and HandleBatch are off): they take their
    // initial values in every state of these traces.
    const [init] = model.init(constants);
    const initJson = model.toJson(init, constants);
    const withSecondEdition = (st: TraceState): TraceState => ({
      ...initJson,
      ...st,
      pc: { ...(initJson.pc as Record<string, string>), ...(st.pc as Record<string, string>) },
    });
    for (const [name, variant, invariant, states, steps] of cases) {
      const o = output(name);
      expect([o.outcome, o.violatedInvariant, o.distinctStates, (o.trace?.length ?? 0) - 1]).toEqual(["invariant", invariant, states, steps]);
      const applied = applyVariant(spec, variant);
      const raw = (o.trace ?? []).map((s, i) => ({ action: i === 0 ? undefined : (s.action ?? undefined), state: withSecondEdition(stateFromTla(applied, s.variables)) }));
      const trace = explainTrace(raw, applied, model, constants, variant);
      expect(trace.map((t) => t.step)).toEqual(["Init", ...(o.trace ?? []).slice(1).map((s) => s.action)]);
      expect(() => confirmViolation(trace, model, constants, invariant)).not.toThrow();
    }
  });

  it("pcal__<Module>.trans.out, pcal__<Module>.translated.tla: pcal.trans translated the algorithm; its module keeps the SANY rules and declares the variables PlusCal's reading finds", async () => {
    for (const m of ["Raid5", "Raid5_d0852df"]) {
      expect(read(`pcal__${m}.trans.out`)).toContain("Translation completed.");
      const translated = read(`pcal__${m}.translated.tla`);
      expect(await checkSanyRules(translated)).toEqual([]);
      const algorithm = await readPlusCal(translated);
      const declared = [...translated.matchAll(/^VARIABLES ([^]*?)\n\n/gm)].flatMap((d) => (d[1] ?? "").split(/[\s,]+/).filter(Boolean));
      expect(new Set(declared)).toEqual(new Set(["pc", ...algorithm.globals.map((g) => g.name), ...algorithm.processes.flatMap((p) => p.locals.map((l) => l.name))]));
    }
  });

  it("pcal__<Module>__small__TypeOK.out: pcal.trans's translation of the algorithm as emitted then was another model (4,430 and 3,854 states)", () => {
    expect([output("pcal__Raid5__small__TypeOK.out").outcome, output("pcal__Raid5__small__TypeOK.out").distinctStates]).toEqual(["ok", 4430]);
    expect([output("pcal__Raid5_d0852df__small__TypeOK.out").outcome, output("pcal__Raid5_d0852df__small__TypeOK.out").distinctStates]).toEqual(["ok", 3854]);
  });
});

describe("the folder", () => {
  it("EXITCODES.tsv: each run's exit code is the one its messages lead to", () => {
    const expected: Record<string, number> = { ok: TlcExitStatus.SUCCESS, invariant: TlcExitStatus.VIOLATION_SAFETY, "sany-error": TlcExitStatus.ERROR_SPEC_PARSE };
    const lines = read("EXITCODES.tsv").trim().split("\n");
    expect(lines.length).toBeGreaterThan(20);
    for (const line of lines) {
      const [file, code] = line.split("\t");
      expect([file, `exit ${expected[output(file ?? "").outcome]}`]).toEqual([file, code]);
    }
  });

  it("every file is covered by a test above (README.md is its documentation)", () => {
    expect(readdirSync(DIR).sort()).toEqual([...COVERED].sort());
  });
});
