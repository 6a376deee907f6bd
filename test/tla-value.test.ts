import { describe, expect, it } from "vitest";
import { parseTlaValue, tlaValueEquals, type TlaValue } from "../engines/tla-value.ts";

const int = (value: number): TlaValue => ({ kind: "int", value });
const bool = (value: boolean): TlaValue => ({ kind: "bool", value });
const str = (value: string): TlaValue => ({ kind: "string", value });
const model = (name: string): TlaValue => ({ kind: "model", name });

describe("parseTlaValue: scalars", () => {
  it("reads TLC's booleans and tla-checker's lower-case ones", () => {
    expect(parseTlaValue("TRUE")).toEqual(bool(true));
    expect(parseTlaValue("FALSE")).toEqual(bool(false));
    expect(parseTlaValue("true")).toEqual(bool(true));
    expect(parseTlaValue("false")).toEqual(bool(false));
  });

  it("reads integers, negative ones included", () => {
    expect(parseTlaValue("0")).toEqual(int(0));
    expect(parseTlaValue("42")).toEqual(int(42));
    expect(parseTlaValue("-1")).toEqual(int(-1));
    expect(parseTlaValue("  -2147483648 ")).toEqual(int(-2147483648));
  });

  it("reads strings with escapes", () => {
    expect(parseTlaValue('"abc"')).toEqual(str("abc"));
    expect(parseTlaValue('""')).toEqual(str(""));
    expect(parseTlaValue('"say \\"hi\\"\\n\\\\"')).toEqual(str('say "hi"\n\\'));
    expect(parseTlaValue('"a, b }"')).toEqual(str("a, b }"));
  });

  it("reads bare identifiers as model values", () => {
    expect(parseTlaValue("p1")).toEqual(model("p1"));
    expect(parseTlaValue("defaultInitValue")).toEqual(model("defaultInitValue"));
    expect(parseTlaValue("Idle_2")).toEqual(model("Idle_2"));
  });
});

describe("parseTlaValue: collections", () => {
  it("reads sets, empty and nested", () => {
    expect(parseTlaValue("{}")).toEqual({ kind: "set", elements: [] });
    expect(parseTlaValue("{4, TRUE}")).toEqual({ kind: "set", elements: [int(4), bool(true)] });
    expect(parseTlaValue("{{1}, {}}")).toEqual({
      kind: "set",
      elements: [{ kind: "set", elements: [int(1)] }, { kind: "set", elements: [] }],
    });
  });

  it("reads an interval as the set it denotes", () => {
    expect(parseTlaValue("1..2")).toEqual({ kind: "set", elements: [int(1), int(2)] });
    expect(parseTlaValue("-1..1")).toEqual({ kind: "set", elements: [int(-1), int(0), int(1)] });
    expect(parseTlaValue("3..2")).toEqual({ kind: "set", elements: [] });
  });

  it("reads sequences and tuples", () => {
    expect(parseTlaValue("<<>>")).toEqual({ kind: "seq", elements: [] });
    expect(parseTlaValue("<<1, -2>>")).toEqual({ kind: "seq", elements: [int(1), int(-2)] });
    expect(parseTlaValue("<<<<a>>, <<>>>>")).toEqual({
      kind: "seq",
      elements: [
        { kind: "seq", elements: [model("a")] },
        { kind: "seq", elements: [] },
      ],
    });
  });

  it("reads records, including TLC's multi-line layout", () => {
    expect(parseTlaValue('[a |-> 1, b |-> "xy"]')).toEqual({
      kind: "record",
      fields: [
        { name: "a", value: int(1) },
        { name: "b", value: str("xy") },
      ],
    });
    expect(parseTlaValue("[ foo |-> 1,\n        bar |-> 2 ]")).toEqual({
      kind: "record",
      fields: [
        { name: "foo", value: int(1) },
        { name: "bar", value: int(2) },
      ],
    });
  });

  it("reads functions written with :> and @@, as TLC and tla-checker print them", () => {
    expect(parseTlaValue("(0 :> FALSE @@ 1 :> TRUE)")).toEqual({
      kind: "fn",
      entries: [
        { key: int(0), value: bool(false) },
        { key: int(1), value: bool(true) },
      ],
    });
    expect(parseTlaValue("(p1 :> <<>> @@ p2 :> <<1>>)")).toEqual({
      kind: "fn",
      entries: [
        { key: model("p1"), value: { kind: "seq", elements: [] } },
        { key: model("p2"), value: { kind: "seq", elements: [int(1)] } },
      ],
    });
    expect(parseTlaValue("(a :> 1)")).toEqual({ kind: "fn", entries: [{ key: model("a"), value: int(1) }] });
    // tla-checker accepts (and may print) the function without parentheses.
    expect(parseTlaValue("a :> 1 @@ b :> 2")).toEqual({
      kind: "fn",
      entries: [
        { key: model("a"), value: int(1) },
        { key: model("b"), value: int(2) },
      ],
    });
  });

  it("keeps the left function's value where @@ operands overlap", () => {
    expect(parseTlaValue("(1 :> TRUE @@ 1 :> FALSE)")).toEqual({ kind: "fn", entries: [{ key: int(1), value: bool(true) }] });
  });

  it("reads tla-checker's [k ↦ v] functions, with ↦ or |->", () => {
    const expected: TlaValue = {
      kind: "fn",
      entries: [
        { key: int(0), value: bool(false) },
        { key: int(1), value: bool(true) },
      ],
    };
    expect(parseTlaValue("[0 \u21a6 false, 1 \u21a6 true]")).toEqual(expected);
    expect(parseTlaValue("[0 |-> false, 1 |-> true]")).toEqual(expected);
    expect(parseTlaValue("[a \u21a6 1]")).toEqual({ kind: "record", fields: [{ name: "a", value: int(1) }] });
  });

  it("reads a deeply nested state value", () => {
    const text = '[stripes |-> (0 :> [state |-> "idle", locked |-> FALSE] @@ 1 :> [state |-> "busy", locked |-> TRUE]), q |-> <<{w1, w2}>>]';
    const value = parseTlaValue(text);
    expect(value.kind).toBe("record");
    if (value.kind !== "record") return;
    const stripes = value.fields[0].value;
    expect(stripes.kind).toBe("fn");
    if (stripes.kind !== "fn") return;
    expect(stripes.entries[1]).toEqual({
      key: int(1),
      value: {
        kind: "record",
        fields: [
          { name: "state", value: str("busy") },
          { name: "locked", value: bool(true) },
        ],
      },
    });
    expect(value.fields[1]).toEqual({
      name: "q",
      value: { kind: "seq", elements: [{ kind: "set", elements: [model("w1"), model("w2")] }] },
    });
  });
});

describe("parseTlaValue: bad input", () => {
  it.each([
    ["", /empty/],
    ["{1, 2", /expected `}` but found `end of input`/],
    ["<<1 2>>", /column 5: expected `>>` but found `2`/],
    ['"open', /not closed/],
    ['"bad \\q"', /unknown escape/],
    ["[x \\in S |-> 1]", /unexpected character `\\`/],
    ["[a = 1]", /unexpected character `=`|expected `\|->`/],
    ["1 + 2", /unexpected character `\+`/],
    ["1 2", /expected the end of the value but found `2`/],
    ["0..100000000", /too large to list/],
    ["99999999999999999999", /too large/],
    ["{1} @@ {2}", /`@@` joins functions/],
  ])("rejects %j with a clear message", (text, message) => {
    expect(() => parseTlaValue(text)).toThrowError(message);
  });

  it("names the line and column in multi-line text", () => {
    expect(() => parseTlaValue("[ a |-> 1,\n  b |-> ]")).toThrowError(/line 2, column 9/);
  });
});

describe("tlaValueEquals", () => {
  it("compares structurally", () => {
    expect(tlaValueEquals(parseTlaValue("{1, <<a>>}"), parseTlaValue("{1,<<a>>}"))).toBe(true);
    expect(tlaValueEquals(parseTlaValue("{1, <<a>>}"), parseTlaValue("{1, <<b>>}"))).toBe(false);
    expect(tlaValueEquals(parseTlaValue('"a"'), parseTlaValue("a"))).toBe(false);
    expect(tlaValueEquals(parseTlaValue("[a |-> 1]"), parseTlaValue("(a :> 1)"))).toBe(false);
  });
});
