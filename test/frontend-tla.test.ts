/**
 * Front-end rejections of what TLC would refuse: names the standard modules, TLA+ or the PlusCal
 * translation own, and values TLC cannot compare. Each is reported at the spec's file, line and
 * column, before any module is written.
 */
import { describe, expect, it } from "vitest";
import { valueKindProblems } from "../generator/frontend/check-values.ts";
import { SpecError } from "../generator/frontend/errors.ts";
import { loadSpec } from "../generator/frontend/load.ts";
import type { Expr, Spec } from "../generator/ir.ts";

function problemsOf(arg: string): string {
  try {
    loadSpec(arg);
  } catch (e) {
    if (e instanceof SpecError) return e.message;
    throw e;
  }
  throw new Error(`${arg} loaded without an error`);
}

describe("front end: names TLC would reject", () => {
  it("a spec named like a standard module (SANY: circular dependency), at the name's position", () => {
    expect(problemsOf("test/fixtures/bad-specs/tla-module-name")).toMatch(
      /^test\/fixtures\/bad-specs\/tla-module-name\/spec\.ts:6:21: error: The spec name "Naturals" is the name of a TLA\+ standard module/,
    );
  });

  it("a variable, helper, step and invariant named like operators of Sequences, FiniteSets, TLC and the PlusCal translation", () => {
    const message = problemsOf("test/fixtures/bad-specs/tla-reserved-names");
    const at = "test/fixtures/bad-specs/tla-reserved-names/spec.ts";
    expect(message).toContain(`${at}:4:17: error: The variable name "Len" is defined by the standard module Sequences`);
    expect(message).toContain(`${at}:8:7: error: The helper name "Cardinality" is defined by the standard module FiniteSets`);
    expect(message).toContain(`${at}:16:7: error: The step name "Print" is defined by the standard module TLC`);
    expect(message).toContain(`${at}:21:4: error: The invariant name "Termination" is defined by the PlusCal translation`);
  });
});

describe("front end: values TLC cannot compare", () => {
  it("a process set of strings beside one of integers (TLC: Attempted to compare integer 0 with non-integer)", () => {
    expect(problemsOf("test/fixtures/bad-specs/tla-mixed-procset")).toMatch(
      /^test\/fixtures\/bad-specs\/tla-mixed-procset\/spec\.ts:18:4: error: Process set "tm" \(over Coordinator\) holds integers, but process set "rm" \(over RMs\) holds strings/,
    );
  });

  it("an ordering of strings, which TypeScript allows", () => {
    expect(problemsOf("test/fixtures/bad-specs/tla-mixed-values")).toMatch(
      /^test\/fixtures\/bad-specs\/tla-mixed-values\/spec\.ts:14:9: error: An ordering \(<, <=, >, >=\) needs integers, but here it gets strings/,
    );
  });

  // The IR the front end reads cannot always hold these (TypeScript rejects most), so the check is
  // shown on IR written by hand: a spec whose one invariant is `e`.
  const loc = { file: "spec.ts", line: 3, column: 5 };
  const withInvariant = (body: Expr): Spec => ({
    name: "M",
    source: "spec.ts",
    constants: [],
    domains: [
      { name: "Ids", type: { kind: "int", lo: { kind: "int", value: 0 }, hi: { kind: "int", value: 1 } }, loc },
      { name: "Tags", type: { kind: "enum", values: ["a", "b"] }, loc },
    ],
    variables: [
      { name: "m", type: { kind: "map", key: { kind: "named", name: "Ids" }, value: { kind: "bool" } }, init: { kind: "bool", value: true }, loc },
      { name: "tag", type: { kind: "named", name: "Tags" }, init: { kind: "string", value: "a" }, loc },
      { name: "o", type: { kind: "optional", value: { kind: "named", name: "Ids" } }, init: { kind: "none" }, loc },
    ],
    definitions: [],
    macros: [],
    processes: [],
    procedures: [],
    actions: [],
    invariants: [{ name: "Inv", body, loc }],
    constraints: [],
    configs: [],
    variants: [],
  });
  const int = (value: number): Expr => ({ kind: "int", value });
  const str = (value: string): Expr => ({ kind: "string", value });
  const messages = (body: Expr) => valueKindProblems(withInvariant(body)).map((p) => `${p.loc.line}:${p.loc.column} ${p.message}`);

  it("a set literal mixing integers and strings, a union of such sets, =, \\in, a map read at the wrong kind of key", () => {
    expect(messages({ kind: "setOf", elements: [int(1), str("a")] })).toEqual(["3:5 This set mixes integers with strings: TLC cannot compare them"]);
    expect(messages({ kind: "binary", op: "union", left: { kind: "domain", name: "Ids" }, right: { kind: "domain", name: "Tags" } })).toEqual([
      "3:5 This combines a set of integers with a set of strings: TLC cannot compare them",
    ]);
    expect(messages({ kind: "binary", op: "eq", left: { kind: "var", name: "tag" }, right: int(0) })).toEqual(["3:5 This compares strings with integers: TLC cannot compare them"]);
    expect(messages({ kind: "binary", op: "in", left: str("a"), right: { kind: "domain", name: "Ids" } })).toEqual([
      "3:5 This looks for strings in a set of integers: TLC cannot compare them",
    ]);
    expect(messages({ kind: "index", base: { kind: "var", name: "m" }, index: str("a") })).toEqual([
      "3:5 A map with keys of integers is read at strings: TLC cannot compare them",
    ]);
  });

  it("accepts what TLC compares: the no-value of an optional beside integers, values of one kind", () => {
    expect(messages({ kind: "binary", op: "eq", left: { kind: "var", name: "o" }, right: { kind: "none" } })).toEqual([]);
    expect(messages({ kind: "binary", op: "in", left: { kind: "var", name: "o" }, right: { kind: "domain", name: "Ids" } })).toEqual([]);
    expect(messages({ kind: "binary", op: "eq", left: { kind: "var", name: "tag" }, right: str("b") })).toEqual([]);
  });

  it("every spec of the project passes", () => {
    for (const arg of ["spec/examples/peterson", "spec/examples/counter", "spec/raid5", "test/fixtures/generation"])
      expect(valueKindProblems(loadSpec(arg).spec)).toEqual([]);
  });
});
