import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sharedFixtures } from "./shared-fixtures.ts";
import { parseSanyReport, parseTlcOutput, parseTraceStateText, type TlcOutput } from "../engines/tlc/parse-output.ts";

// Real `-tool` outputs recorded by the vscode-tlaplus project (see the README in that folder).
const FIXTURES = sharedFixtures("tlc-output");

/** Each recorded output has one test below; a new recording without a test fails the listing test. */
const COVERED = [
  "coverage-with-location.out",
  "empty-calplus.out",
  "error-continue.out",
  "error-message-links.out",
  "error-trace-back-to-state-ext.out",
  "error-trace-back-to-state.out",
  "error-trace-single.out",
  "error-trace-stuttering.out",
  "error-trace.out",
  "localized-ints.out",
  "nested-exception-message.out",
  "no-line-break-end.out",
  "no-line-break-switch.out",
  "override-stdout.out",
  "print-output.out",
  "sany-error.out",
  "sany-warning.out",
  "severity-levels.out",
  "state-timestamp-duplication.out",
  "warning.out",
];

function fixture(name: string): TlcOutput {
  if (!COVERED.includes(name)) throw new Error(`${name} is not in COVERED`);
  return parseTlcOutput(readFileSync(join(FIXTURES, name), "utf8"));
}

function vars(output: TlcOutput, state: number): Record<string, string> {
  const s = output.trace?.[state];
  if (!s) throw new Error(`no state ${state}`);
  return Object.fromEntries(s.variables.map((v) => [v.name, v.text]));
}

describe("recorded TLC outputs", () => {
  it("has a test for every recorded output in the fixtures folder", () => {
    expect(readdirSync(FIXTURES).filter((f) => f.endsWith(".out")).sort()).toEqual([...COVERED].sort());
  });

  it("coverage-with-location.out (TLC 2.16): success, stats and 2.16's coverage with a definition span", () => {
    const out = fixture("coverage-with-location.out");
    expect(out.tlcVersion).toBe("2.16");
    expect(out.outcome).toBe("ok");
    expect(out.generatedStates).toBe(7);
    expect(out.distinctStates).toBe(3);
    expect(out.statesLeftOnQueue).toBe(0);
    expect(out.depth).toBe(2);
    expect(out.initialStates).toBe(1);
    expect(out.trace).toBeUndefined();
    expect(out.errors).toEqual([]);
    expect(out.coverage).toEqual([
      { action: "Init", init: true, distinct: 1, total: 1, location: { module: "issue_209", line: 5, column: 1, endLine: 5, endColumn: 4 } },
      { action: "Next", init: false, distinct: 2, total: 6, location: { module: "issue_209", line: 6, column: 1, endLine: 6, endColumn: 4 } },
    ]);
    expect(out.startedAt).toBe("2021-07-10 11:49:12");
    expect(out.tlcDurationMs).toBe(1166);
    expect(out.finished).toBe(true);
  });

  it("empty-calplus.out (TLC 2.14): success of a PlusCal translation, coverage per label", () => {
    const out = fixture("empty-calplus.out");
    expect(out.tlcVersion).toBe("2.14");
    expect(out.outcome).toBe("ok");
    expect([out.generatedStates, out.distinctStates, out.depth]).toEqual([3, 2, 2]);
    expect(out.coverage?.map((c) => [c.action, c.distinct, c.total])).toEqual([
      ["Init", 1, 1],
      ["Lbl_1", 1, 1],
      ["Terminating", 0, 1],
    ]);
    expect(out.printed).toEqual([]);
    expect(out.sany).toEqual([]);
  });

  it("error-continue.out: a violation then TLC's own 'No error has been found' — the violation decides", () => {
    const out = fixture("error-continue.out");
    expect(out.messages.some((m) => m.code === 2193)).toBe(true);
    expect(out.outcome).toBe("invariant");
    expect(out.violatedInvariant).toBe("FooInvariant");
    expect(out.violations).toHaveLength(1);
    expect(out.traces).toHaveLength(1);
    expect(out.trace).toHaveLength(1);
    expect(out.trace?.[0].action).toBe("Initial predicate");
    expect(vars(out, 0)).toEqual({ FooVar: "1..2", BarVar: "-1" });
    expect(out.trace?.[0].variables[0].value).toEqual({ kind: "set", elements: [{ kind: "int", value: 1 }, { kind: "int", value: 2 }] });
    expect([out.generatedStates, out.distinctStates]).toEqual([3, 2]);
  });

  it("error-message-links.out: an evaluation error (2103) without a verdict", () => {
    const out = fixture("error-message-links.out");
    expect(out.outcome).toBe("error");
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0]).toMatch(/^The error occurred when TLC was evaluating the nested\nexpressions/);
    expect(out.errors[0]).toContain("1. Line 40, column 13 to line 42, column 24 in error_message_links. It's a pity.");
    expect(out.trace).toBeUndefined();
    expect([out.generatedStates, out.distinctStates, out.statesLeftOnQueue]).toEqual([4, 4, 1]);
    expect(out.depth).toBeUndefined();
  });

  it("error-trace-back-to-state.out: a lasso that loops back to its own last state (2)", () => {
    const out = fixture("error-trace-back-to-state.out");
    expect(out.outcome).toBe("property");
    expect(out.violations[0].text).toBe("Temporal properties were violated.");
    expect(out.trace?.map((s) => [s.index, s.action, s.backTo])).toEqual([
      [1, "Initial predicate", undefined],
      [2, "Cycle", undefined],
      [3, "Cycle", 2],
    ]);
    expect(out.trace?.[1].location).toEqual({ module: "back_to_state", line: 42, column: 10, endLine: 48, endColumn: 30 });
    expect(vars(out, 1)).toEqual({ Foo: "2" });
    // The closing entry repeats the state it returns to.
    expect(vars(out, 2)).toEqual({ Foo: "2" });
    expect(out.depth).toBe(3);
  });

  it("error-trace-back-to-state-ext.out: a lasso back to state 1", () => {
    const out = fixture("error-trace-back-to-state-ext.out");
    expect(out.outcome).toBe("property");
    expect(out.trace).toHaveLength(3);
    expect(out.trace?.[2].backTo).toBe(1);
    expect(out.trace?.[2].action).toBe("Cycle");
    expect(vars(out, 0)).toEqual({ Foo: "1" });
    expect(vars(out, 2)).toEqual({ Foo: "1" });
  });

  it("error-trace-single.out: one state whose only variable is printed without /\\ and over two lines", () => {
    const out = fixture("error-trace-single.out");
    expect(out.outcome).toBe("invariant");
    expect(out.violatedInvariant).toBe("FooInvariant");
    expect(out.trace).toHaveLength(1);
    const v = out.trace?.[0].variables;
    expect(v).toHaveLength(1);
    expect(v?.[0].name).toBe("Var");
    expect(v?.[0].text).toBe("[ foo |-> 1,\n        bar |-> 2 ]");
    expect(v?.[0].value).toEqual({
      kind: "record",
      fields: [
        { name: "foo", value: { kind: "int", value: 1 } },
        { name: "bar", value: { kind: "int", value: 2 } },
      ],
    });
    expect([out.generatedStates, out.distinctStates, out.depth]).toEqual([4, 4, 3]);
  });

  it("error-trace-stuttering.out: a behaviour that ends stuttering (2218)", () => {
    const out = fixture("error-trace-stuttering.out");
    expect(out.outcome).toBe("property");
    expect(out.trace?.map((s) => [s.index, s.action, s.stuttering])).toEqual([
      [1, "Initial predicate", undefined],
      [2, null, true],
    ]);
    expect(vars(out, 1)).toEqual({ Foo: "1" });
  });

  it("error-trace.out: a three-state invariant counterexample with located actions", () => {
    const out = fixture("error-trace.out");
    expect(out.outcome).toBe("invariant");
    expect(out.violatedInvariant).toBe("FooInvariant");
    expect(out.trace?.map((s) => s.action)).toEqual(["Initial predicate", "SomeFunc", "SomeFunc"]);
    expect(out.trace?.map((s) => s.index)).toEqual([1, 2, 3]);
    expect(out.trace?.[2].location).toEqual({ module: "error_trace", line: 13, column: 9, endLine: 15, endColumn: 24 });
    expect(vars(out, 1)).toEqual({ FooVar: "{1}", BarVar: "1" });
    expect(vars(out, 2)).toEqual({ FooVar: "{4, TRUE}", BarVar: "40" });
    expect(out.trace?.[2].variables[0].value).toEqual({
      kind: "set",
      elements: [
        { kind: "int", value: 4 },
        { kind: "bool", value: true },
      ],
    });
    expect([out.generatedStates, out.distinctStates, out.depth]).toEqual([4, 4, 3]);
    expect(out.coverage?.map((c) => c.action)).toEqual(["Init", "SomeFunc"]);
  });

  it("localized-ints.out: counts with grouping separators (',' and a mangled U+FFFD) from a run cut off", () => {
    const out = fixture("localized-ints.out");
    expect(out.tlcVersion).toBe("2.16");
    expect(out.outcome).toBe("incomplete");
    expect(out.finished).toBe(false);
    expect(out.initialStates).toBe(16);
    expect(out.progress.map((p) => [p.generated, p.distinct, p.queued])).toEqual([
      [65577, 11342, 6463],
      [3191033, 346966, 92794],
      [6349139, 683798, 186242],
    ]);
    // No final statistics: the last progress report stands in.
    expect([out.generatedStates, out.distinctStates, out.statesLeftOnQueue]).toEqual([6349139, 683798, 186242]);
    // Coverage was printed twice; the later report wins.
    expect(out.coverage?.map((c) => [c.action, c.distinct, c.total])).toEqual([
      ["Init", 16, 16],
      ["Next", 101618, 951429],
    ]);
  });

  it("nested-exception-message.out: a config-file error (5006) nested in an exception message (1000)", () => {
    const out = fixture("nested-exception-message.out");
    expect(out.outcome).toBe("error");
    expect(out.errors).toEqual([
      "TLC threw an unexpected exception.\n" +
        "This was probably caused by an error in the spec or model.\n" +
        "See the User Output or TLC Console for clues to what happened.\n" +
        "The exception was a tlc2.tool.ConfigFileException\n" +
        ": TLC found an error in the configuration file at line 6\n" +
        "It was expecting = or <-, but did not find it.",
    ]);
    expect(out.messages.map((m) => [m.code, m.severity, m.depth])).toEqual([
      [2262, 0, 0],
      [2187, 0, 0],
      [1000, 1, 0],
      [5006, 0, 1],
      [2186, 0, 0],
    ]);
    expect(out.distinctStates).toBeUndefined();
  });

  it("no-line-break-end.out: ENDMSG markers on the same line as the message text", () => {
    const out = fixture("no-line-break-end.out");
    expect(out.tlcVersion).toBe("2.14");
    expect(out.messages.find((m) => m.code === 2262)?.text).toBe("TLC2 Version 2.14 of 10 July 2019 (rev: 0cae24f)");
    expect(out.outcome).toBe("ok");
    expect([out.generatedStates, out.distinctStates, out.depth]).toEqual([3, 2, 2]);
    expect(out.tlcDurationMs).toBe(400);
    expect(out.printed).toEqual([]);
  });

  it("no-line-break-switch.out: an ENDMSG and the next STARTMSG on one line", () => {
    const out = fixture("no-line-break-switch.out");
    expect(out.messages.map((m) => m.code).slice(0, 4)).toEqual([2262, 2187, 2220, 2219]);
    expect(out.outcome).toBe("ok");
    expect([out.generatedStates, out.distinctStates, out.depth]).toEqual([3, 2, 2]);
    expect(out.printed).toEqual([]);
  });

  it("override-stdout.out: a module override's stdout (20000) counts as printed output", () => {
    const out = fixture("override-stdout.out");
    expect(out.tlcVersion).toBe("X.Y");
    expect(out.printed).toEqual(["Line 1 from external module", "Line 2"]);
    expect(out.outcome).toBe("ok");
    expect(out.initialStates).toBe(5184);
    expect(out.distinctStates).toBeUndefined();
  });

  it("print-output.out: the spec's own output between messages, a self-test message ignored", () => {
    const out = fixture("print-output.out");
    expect(out.printed).toEqual(["Foo", "Bar", "Bar", "Baz"]);
    expect(out.messages.some((m) => m.code === -123456 && m.text === "Some message.")).toBe(true);
    expect(out.errors).toEqual([]);
    expect(out.outcome).toBe("ok");
  });

  it("sany-error.out: SANY's semantic error, located", () => {
    const out = fixture("sany-error.out");
    expect(out.outcome).toBe("sany-error");
    expect(out.sany).toEqual([
      { severity: "error", message: "Unknown operator: `a'.", location: { module: "foo", line: 5, column: 8, endLine: 5, endColumn: 8 } },
    ]);
    expect(out.errors[0]).toBe("line 5, col 8 to line 5, col 8 of module foo: Unknown operator: `a'.");
    expect(out.errors).toContain("Parsing or semantic analysis failed.");
    expect(out.printed).toEqual([]);
  });

  it("sany-warning.out: a SANY warning is a warning, and a run with no verdict is incomplete", () => {
    const out = fixture("sany-warning.out");
    expect(out.sany).toEqual([
      {
        severity: "warning",
        message: "Multiple declarations of operator `a'.",
        location: { module: "foo", line: 5, column: 8, endLine: 5, endColumn: 8 },
      },
    ]);
    expect(out.warnings).toEqual(["line 5, col 8 to line 5, col 8 of module foo: Multiple declarations of operator `a'."]);
    expect(out.errors).toEqual([]);
    expect(out.finished).toBe(true);
    expect(out.outcome).toBe("incomplete");
  });

  it("severity-levels.out: errors and TLC-bug reports are errors, warnings are warnings, usage text is ignored", () => {
    const out = fixture("severity-levels.out");
    expect(out.errors).toEqual(["Error message.", "TLC bug info."]);
    expect(out.warnings).toEqual(["Warning message."]);
    expect(out.messages.find((m) => m.code === 2263)?.severity).toBe(2);
    // TLC also printed its success message; a reported error still rules out "ok".
    expect(out.messages.some((m) => m.code === 2193)).toBe(true);
    expect(out.outcome).toBe("error");
  });

  it("state-timestamp-duplication.out: two progress reports with one timestamp; final statistics win", () => {
    const out = fixture("state-timestamp-duplication.out");
    expect(out.progress.map((p) => [p.at, p.generated, p.distinct])).toEqual([
      ["2019-08-17 00:11:09", 3, 2],
      ["2019-08-17 00:11:09", 13, 12],
    ]);
    expect([out.generatedStates, out.distinctStates, out.statesLeftOnQueue, out.depth]).toEqual([13, 12, 0, 2]);
    expect(out.outcome).toBe("ok");
  });

  it("warning.out: the garbage-collector warning (2401) is a warning, not an error", () => {
    const out = fixture("warning.out");
    expect(out.warnings).toEqual([
      'Please run the Java VM which executes TLC with a throughput optimized garbage collector by passing the "-XX:+UseParallelGC" property.',
    ]);
    expect(out.errors).toEqual([]);
    expect(out.outcome).toBe("ok");
    expect([out.generatedStates, out.distinctStates]).toEqual([3, 2]);
  });
});

// Hand-written inputs for message kinds the recordings do not contain, in the formats EC.java/MP.java print.
const msg = (code: number, severity: number, body: string): string =>
  `@!@!@STARTMSG ${code}:${severity} @!@!@\n${body}\n@!@!@ENDMSG ${code} @!@!@\n`;

describe("hand-written -tool streams", () => {
  it("reads a deadlock with its trace, CRLF line ends and actions printed with arguments", () => {
    const text = (
      msg(2262, 0, "TLC2 Version 2.18 of Day Month 20?? (rev: abc)") +
      msg(2114, 1, "Deadlock reached.") +
      msg(2121, 1, "The behavior up to this point is:") +
      msg(2217, 4, "1: <Initial predicate>\n/\\ pc = (w1 :> \"a1\" @@ w2 :> \"a1\")\n/\\ lock = FALSE\n") +
      msg(2217, 4, '2: <a1(w1) line 10, col 5 to line 12, col 20 of module M>\n/\\ pc = (w1 :> "a2" @@ w2 :> "a1")\n/\\ lock = TRUE\n') +
      msg(2217, 4, '3: <move(<<1, 2>>,TRUE) line 14, col 5 to line 15, col 20 of module M>\n/\\ pc = (w1 :> "a2" @@ w2 :> "a2")\n/\\ lock = TRUE\n') +
      msg(2199, 0, "12 states generated, 7 distinct states found, 0 states left on queue.") +
      msg(2186, 0, "Finished in 01min 05s at (2024-01-01 10:00:00)")
    ).replace(/\n/g, "\r\n");
    const out = parseTlcOutput(text);
    expect(out.outcome).toBe("deadlock");
    expect(out.tlcVersion).toBe("2.18");
    expect(out.trace?.map((s) => s.action)).toEqual(["Initial predicate", "a1", "move"]);
    expect(out.trace?.[1].actionArgs).toBe("w1");
    expect(out.trace?.[1].actionParams).toEqual([{ kind: "model", name: "w1" }]);
    expect(out.trace?.[2].actionParams).toEqual([
      { kind: "seq", elements: [{ kind: "int", value: 1 }, { kind: "int", value: 2 }] },
      { kind: "bool", value: true },
    ]);
    expect(out.trace?.[1].variables.map((v) => v.name)).toEqual(["pc", "lock"]);
    expect(out.distinctStates).toBe(7);
    expect(out.tlcDurationMs).toBe(65_000);
  });

  it("keeps the first of several counterexamples printed with -continue and counts the violations", () => {
    const trace = (x: number): string =>
      msg(2121, 1, "The behavior up to this point is:") +
      msg(2217, 4, "1: <Initial predicate>\n/\\ x = 0\n") +
      msg(2217, 4, `2: <Inc line 5, col 1 to line 5, col 9 of module M>\n/\\ x = ${x}\n`);
    const out = parseTlcOutput(
      msg(2110, 1, "Invariant Small is violated.") +
        trace(5) +
        msg(2110, 1, "Invariant Other is violated.") +
        trace(6) +
        msg(2193, 0, "Model checking completed. No error has been found."),
    );
    expect(out.outcome).toBe("invariant");
    expect(out.violations.map((v) => v.name)).toEqual(["Small", "Other"]);
    expect(out.violatedInvariant).toBe("Small");
    expect(out.traces).toHaveLength(2);
    expect(out.trace?.[1].variables[0].text).toBe("5");
    expect(out.traces[1][1].variables[0].text).toBe("6");
  });

  it("reports an assertion failure as such even though TLC adds an evaluation-position error", () => {
    const out = parseTlcOutput(
      msg(2132, 1, 'The first argument of Assert evaluated to FALSE; the second argument was:\n"queue overflow"') +
        msg(2103, 1, "The error occurred when TLC was evaluating the nested\nexpressions at the following positions:\n0. Line 9, column 5 to line 9, column 40 in M") +
        msg(2121, 1, "The behavior up to this point is:") +
        msg(2217, 4, "1: <Initial predicate>\n/\\ q = <<>>\n"),
    );
    expect(out.outcome).toBe("assertion");
    expect(out.violations[0].text).toContain('"queue overflow"');
    expect(out.trace).toHaveLength(1);
    expect(out.errors).toHaveLength(1);
  });

  it("sets aside a variable TLC printed in a form raidspec cannot read, with the reason, and warns", () => {
    const stateText = "1: <Initial predicate>\n/\\ s = [x \\in 1..2 |-> x]\n/\\ y = 1";
    const state = parseTraceStateText(stateText);
    expect(state?.variables).toEqual([{ name: "y", text: "1", value: { kind: "int", value: 1 } }]);
    expect(state?.unreadable).toHaveLength(1);
    expect(state?.unreadable?.[0].name).toBe("s");
    expect(state?.unreadable?.[0].error).toMatch(/Cannot read TLA\+ value/);
    const out = parseTlcOutput(msg(2110, 1, "Invariant I is violated.") + msg(2217, 4, stateText));
    expect(out.warnings).toEqual([expect.stringMatching(/^State 1: the value of s is left out: Cannot read/)]);
  });

  it("does not lose a message cut off mid-way when TLC was killed", () => {
    const out = parseTlcOutput(msg(2262, 0, "TLC2 Version 2.16 of x") + "@!@!@STARTMSG 2200:0 @!@!@\nProgress(3) at 2024-01-01 10:00:00: 1.234.567 states generated (1 s/min), 98.765 distinct states found (1 ds/min), 4\u00a0321 states left on queue.");
    expect(out.outcome).toBe("incomplete");
    expect(out.finished).toBe(false);
    expect([out.generatedStates, out.distinctStates, out.statesLeftOnQueue]).toEqual([1234567, 98765, 4321]);
  });

  it("reads SANY's parse-error block with the module it was reading", () => {
    const report = parseSanyReport([
      "Parsing file /tmp/spec/M.tla",
      "***Parse Error***",
      'Encountered "Beginning of definition" at line 4, column 1 and token "Next"',
      "",
      "Fatal errors while parsing TLA+ spec in file M",
    ]);
    expect(report).toHaveLength(1);
    expect(report[0].location).toEqual({ module: "M", line: 4, column: 1, endLine: 4, endColumn: 1 });
    expect(report[0].message).toContain('Encountered "Beginning of definition"');
  });
});
