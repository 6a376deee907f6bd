import { describe, expect, it } from "vitest";
import { SpecError } from "../generator/frontend/errors.ts";
import { loadSpec } from "../generator/frontend/load.ts";

function problemsOf(arg: string): SpecError {
  try {
    loadSpec(arg);
  } catch (e) {
    if (e instanceof SpecError) return e;
    throw e;
  }
  throw new Error(`${arg} loaded without an error`);
}

describe("front end: spec source → IR", () => {
  it("reads Peterson's processes, steps, invariant and variant with source locations", () => {
    const { spec, id } = loadSpec("spec/examples/peterson");
    expect(id).toBe("peterson");
    expect(spec.name).toBe("Peterson");
    expect(spec.processes.map((p) => p.name)).toEqual(["proc"]);
    expect(spec.processes[0]?.steps.map((s) => s.label)).toEqual(["setFlag", "giveTurn", "wait", "cs", "exit"]);
    expect(spec.invariants.map((i) => i.name)).toEqual(["MutualExclusion"]);
    const variant = spec.variants.find((v) => v.name === "noTurn");
    expect(variant?.processes[0]?.steps.map((s) => s.label)).toEqual(["check", "setFlag", "giveTurn", "wait", "cs", "exit"]);
    const setFlag = spec.processes[0]?.steps[0];
    expect(setFlag?.loc).toMatchObject({ file: "spec/examples/peterson/spec.ts", line: expect.any(Number) });
    expect(setFlag?.body).toEqual([
      expect.objectContaining({ kind: "assign", target: { scope: "var", name: "flag", path: [{ kind: "index", index: { kind: "self" } }] } }),
    ]);
  });

  it("the IR is plain JSON (it survives a round trip)", () => {
    const { spec } = loadSpec("spec/raid5");
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
  });

  it("rejects a loop inside a step with file, line, column and what to do", () => {
    const e = problemsOf("test/fixtures/bad-specs/loop");
    expect(e.message).toMatch(/^test\/fixtures\/bad-specs\/loop\/spec\.ts:12:9: error: Loops are not supported inside a step/);
    expect(e.message).toContain("goto(\"label\")");
  });

  it("reports a type error from the TypeScript checker at its file and line", () => {
    const e = problemsOf("test/fixtures/bad-specs/type-error");
    expect(e.message).toMatch(/^test\/fixtures\/bad-specs\/type-error\/spec\.ts:12:9: error: type error TS2322: Type 'number' is not assignable to type 'boolean'/);
  });

  it("gives the compiler's whole message chain, not only its first line", () => {
    const e = problemsOf("test/fixtures/bad-specs/type-chain");
    expect(e.message).toMatch(/^test\/fixtures\/bad-specs\/type-chain\/spec\.ts:9:11: error: type error TS2322: Type 'Mapping<number, "b9">' is not assignable/);
    expect(e.message).toContain(`Type '"b9"' is not assignable to type '"b0" | "b1"'.`);
  });

  it("names a variable without an initial value and says how to give one", () => {
    const e = problemsOf("test/fixtures/bad-specs/no-init");
    expect(e.message).toMatch(/spec\.ts:4:28: error: Variable `lock` has no initial value/);
    expect(e.message).toContain("anyOf(S)");
  });

  it("rejects anyOf(…) outside an initial value", () => {
    const e = problemsOf("test/fixtures/bad-specs/anyof-in-step");
    expect(e.message).toMatch(/spec\.ts:12:15: error: anyOf\(…\) is an initial value, not an expression/);
  });

  it("rejects goto(…) in a plain action (it has no label)", () => {
    const e = problemsOf("test/fixtures/bad-specs/action-goto");
    expect(e.message).toMatch(/spec\.ts:10:5: error: goto\(…\) in action "Inc": an action has no label to go to/);
  });

  it("rejects a procedure that calls itself (the stack is bounded by the deepest chain of calls)", () => {
    const e = problemsOf("test/fixtures/bad-specs/recursion");
    expect(e.message).toMatch(/spec\.ts:6:4: error: Procedure Down calls itself/);
  });

  it("rejects a second assignment to a variable in one step (PlusCal's rule)", () => {
    const e = problemsOf("test/fixtures/bad-specs/double-assign");
    expect(e.message).toMatch(/spec\.ts:14:9: error: x is assigned twice in step "twice"/);
  });

  it("rejects a goto to a label the process does not have", () => {
    const e = problemsOf("test/fixtures/bad-specs/unknown-goto");
    expect(e.message).toMatch(/spec\.ts:13:9: error: goto\("nowhere"\): no step of this process has that label/);
  });

  it("rejects a bound name that shadows a state variable (TLA+ forbids it)", () => {
    const e = problemsOf("test/fixtures/bad-specs/shadow");
    expect(e.message).toMatch(/spec\.ts:16:4: error: The name "x" is bound here but is also a top-level name of the spec/);
  });

  it("rejects uses of a symmetric domain that tell its values apart (literals, arithmetic), at their location", () => {
    const e = problemsOf("test/fixtures/bad-specs/symmetric");
    expect(e.message).toMatch(/spec\.ts:6:45: error: Initializes a place of the symmetric domain Procs with a literal/);
    expect(e.message).toMatch(/spec\.ts:12:9: error: Uses a value of the symmetric domain Procs in arithmetic/);
    expect(loadSpec("test/fixtures/packed/mutex").spec.domains.find((d) => d.name === "Procs")?.symmetric).toBe(true);
  });

  it("names a missing spec path", () => {
    expect(problemsOf("spec/examples/nonexistent").message).toMatch(/No spec found at spec\/examples\/nonexistent/);
  });
});
