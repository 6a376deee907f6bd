import { describe, expect, it } from "vitest";
import type { ConstantValues, ReferenceModel } from "../engines/model.ts";
import type { TraceState } from "../engines/result.ts";
import { constantValues } from "../engines/state-json.ts";
import { loadSpec } from "../generator/frontend/load.ts";
import type { Spec } from "../generator/ir.ts";
import { model as counter } from "../reference/counter.ts";
import { model as peterson } from "../reference/peterson.ts";
import { model as raid5 } from "../reference/raid5.ts";
import { evaluate, typeValues } from "../traces/eval.ts";

/** Every reachable state (canonical JSON) of a variant, up to `limit`, by breadth-first search. */
function reachable(m: ReferenceModel<unknown>, variant: string | null, constants: ConstantValues, limit: number): { state: unknown; json: TraceState }[] {
  const steps = m.variants.find((v) => v.name === variant);
  if (!steps) throw new Error(`no variant ${variant}`);
  const seen = new Set<string>();
  const out: { state: unknown; json: TraceState }[] = [];
  const add = (s: unknown) => {
    const json = m.toJson(s, constants);
    const key = JSON.stringify(json);
    if (seen.has(key) || out.length >= limit) return;
    seen.add(key);
    out.push({ state: s, json });
  };
  for (const s of steps.init(constants)) add(s);
  for (let i = 0; i < out.length && out.length < limit; i++) for (const t of steps.successors(out[i]?.state, constants)) add(t.next);
  return out;
}

/** Each invariant's value by the interpreter equals the reference library's on every state; returns how often each failed. */
function compare(spec: Spec, m: ReferenceModel<unknown>, variant: string | null, config: string, limit = 50_000): Record<string, number> {
  const constants = constantValues(spec, config);
  const states = reachable(m, variant, constants, limit);
  const failures: Record<string, number> = {};
  for (const inv of spec.invariants) {
    const ref = m.invariants.find((i) => i.name === inv.name);
    if (!ref) throw new Error(`the reference library has no ${inv.name}`);
    failures[inv.name] = 0;
    for (const { state, json } of states) {
      const mine = evaluate(inv.body, { spec, constants, state: json, bound: new Map() });
      const theirs = ref.holds(state, constants);
      if (mine !== theirs) throw new Error(`${inv.name} in ${variant ?? "base"}/${config}: interpreter ${String(mine)}, reference ${theirs} on ${JSON.stringify(json)}`);
      if (!theirs) failures[inv.name] = (failures[inv.name] ?? 0) + 1;
    }
  }
  return failures;
}

describe("the IR interpreter over canonical JSON states agrees with the reference library", () => {
  const raidSpec = loadSpec("spec/raid5").spec;

  it("md/raid5, every invariant on the first 7000 reachable states of small (both variants, breadth-first) and all of two_disk", () => {
    const m = raid5 as ReferenceModel<unknown>;
    const pre = compare(raidSpec, m, null, "small", 7000);
    const fixed = compare(raidSpec, m, "d0852df", "small", 7000);
    compare(raidSpec, m, null, "two_disk");
    compare(raidSpec, m, "d0852df", "two_disk");
    // The comparison covers both outcomes: the old code breaks coverage in some states, the fix in none.
    expect(pre.WriteIntentCoverage).toBeGreaterThan(0);
    expect(fixed.WriteIntentCoverage).toBe(0);
    expect(fixed.EndAfterStart).toBeGreaterThan(0);
  });

  it("Peterson and the counter, with and without their protocol", () => {
    const p = loadSpec("spec/examples/peterson").spec;
    expect(compare(p, peterson as ReferenceModel<unknown>, null, "default").MutualExclusion).toBe(0);
    expect(compare(p, peterson as ReferenceModel<unknown>, "noTurn", "default").MutualExclusion).toBeGreaterThan(0);
    const c = loadSpec("spec/examples/counter").spec;
    const config = c.configs[0]?.name ?? "default";
    compare(c, counter as ReferenceModel<unknown>, null, config);
    const broken = compare(c, counter as ReferenceModel<unknown>, "noLock", config);
    expect(Object.values(broken).some((n) => n > 0)).toBe(true);
  });

  it("enumerates types in canonical order (sets of values sorted as the canonical JSON sorts them)", () => {
    const constants = constantValues(raidSpec, "small");
    expect(typeValues(raidSpec, { kind: "named", name: "Stripes" }, constants)).toEqual([0, 1]);
    expect(typeValues(raidSpec, { kind: "named", name: "Coverage" }, constants)).toEqual(["full", "hi", "lo", "none"]);
    expect(typeValues(raidSpec, { kind: "set", element: { kind: "bool" } }, constants)).toEqual([[], [false, true], [false], [true]]);
  });
});
