import { describe, expect, it } from "vitest";
import type { ReferenceModel } from "../engines/model.ts";
import { exploreNative } from "../engines/native/explore.ts";
import { EngineError } from "../engines/result.ts";
import { model } from "../reference/peterson.ts";

const peterson = model as ReferenceModel<unknown>;

/** An independent, deliberately naive BFS: states keyed by their JSON text in a Set. */
function naiveCount(m: ReferenceModel<unknown>, variant: string | null): number {
  const steps = m.variants.find((v) => v.name === variant);
  if (!steps) throw new Error(`no variant ${variant}`);
  const seen = new Set<string>();
  const queue = [...steps.init({})];
  for (const s of queue) seen.add(JSON.stringify(m.toJson(s, {})));
  while (queue.length > 0) {
    const s = queue.shift();
    for (const t of steps.successors(s, {})) {
      const key = JSON.stringify(m.toJson(t.next, {}));
      if (seen.has(key)) continue;
      seen.add(key);
      queue.push(t.next);
    }
  }
  return seen.size;
}

describe("native explorer on Peterson", () => {
  it("finds the 26 distinct states of the base steps (as tla-checker does), like a naive BFS", () => {
    const r = exploreNative(peterson, { constants: {}, variant: null });
    expect(r.verdict).toBe("ok");
    expect(r.distinctStates).toBe(26);
    expect(r.distinctStates).toBe(naiveCount(peterson, null));
    expect(r.trace).toBeUndefined();
  });

  it("finds the shortest MutualExclusion violation of noTurn: Init and 4 steps", () => {
    const r = exploreNative(peterson, { constants: {}, variant: "noTurn" });
    expect(r.verdict).toBe("violation");
    expect(r.invariant).toBe("MutualExclusion");
    expect(r.trace).toHaveLength(5);
    const trace = r.trace ?? [];
    expect(trace[0]).toMatchObject({ step: "Init", processSet: null, self: null, params: {} });
    expect(trace.slice(1).map((t) => t.step).sort()).toEqual(["check", "check", "setFlag", "setFlag"]);
    expect(trace.slice(1).every((t) => t.processSet === "proc")).toBe(true);
    // Each step of the trace is a transition of the previous state.
    const steps = peterson.variants.find((v) => v.name === "noTurn");
    for (let i = 1; i < trace.length; i++) {
      const before = trace[i - 1]?.state;
      const after = trace[i];
      const found = steps?.successors(before, {}).some((t) => t.step === after?.step && t.self === after?.self && JSON.stringify(peterson.toJson(t.next)) === JSON.stringify(peterson.toJson(after?.state)));
      expect(found).toBe(true);
    }
    expect(peterson.toJson(trace[4]?.state).pc).toEqual({ "0": "cs", "1": "cs" });
  });

  it("checks only the invariants asked for", () => {
    const r = exploreNative(peterson, { constants: {}, variant: "noTurn", invariants: ["TypeOK"] });
    expect(r.verdict).toBe("ok");
    expect(r.distinctStates).toBe(naiveCount(peterson, "noTurn"));
  });

  it("fingerprints through JSON when a library has no encode, with the same result", () => {
    const { encode: _unused, ...withoutEncode } = peterson;
    const r = exploreNative(withoutEncode, { constants: {}, variant: null });
    expect(r.distinctStates).toBe(26);
  });

  it("stops with a limit error past maxStates, and names what does not exist", () => {
    const limited = () => exploreNative(peterson, { constants: {}, variant: null, maxStates: 10 });
    expect(limited).toThrow(EngineError);
    expect(limited).toThrow(/10 distinct states/);
    expect(() => exploreNative(peterson, { constants: {}, variant: "nope" })).toThrow(/no variant "nope"/);
    expect(() => exploreNative(peterson, { constants: {}, variant: null, invariants: ["Nope"] })).toThrow(/no invariant "Nope"/);
  });
});
