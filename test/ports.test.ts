/**
 * Ports of public models from github.com/tlaplus/Examples (spec/examples/*): each must give the
 * distinct-state count recorded in that folder's manifest.json, exactly. The native engine checks the
 * manifest's model itself; the embedded engine and lockstep run on a smaller configuration where the
 * manifest's is too big for them in CI; TLC checks the manifest's model when TLA2TOOLS_JAR names a
 * tla2tools.jar (the counts below were also measured with the real TLC, on the generated modules and
 * on the originals).
 */
import { describe, expect, it } from "vitest";
import { lockstep } from "../conformance/lockstep.ts";
import { runCheck } from "../engines/check.ts";
import type { EngineName } from "../engines/result.ts";
import { type LoadedSpec, loadSpec } from "../generator/frontend/load.ts";

const root = process.cwd();
const jar = process.env.TLA2TOOLS_JAR;

const loaded = new Map<string, LoadedSpec>();
const load = (arg: string): LoadedSpec => {
  let l = loaded.get(arg);
  if (!l) {
    l = loadSpec(arg, { root });
    loaded.set(arg, l);
  }
  return l;
};

async function count(arg: string, config: string, engine: EngineName): Promise<number> {
  const r = await runCheck({ loaded: load(arg), specArg: arg, config, engine, tlcJar: jar, workers: 1, root });
  expect(r.verdict).toBe("ok");
  return r.distinctStates;
}

/** Lockstep from the initial states, over at most `maxStates` states (all of them when it is undefined). */
async function agree(arg: string, config: string, maxStates?: number): Promise<void> {
  const r = await lockstep(load(arg), { config, variant: null, maxStates, root });
  if (!r.ok) throw new Error(`lockstep divergence: ${JSON.stringify(r.divergence).slice(0, 3000)}`);
  expect(r.complete || r.states === maxStates).toBe(true);
}

describe("DiningPhilosophers (manifest: 67 distinct states with NP = 5)", () => {
  const arg = "spec/examples/dining-philosophers";
  it("native, embedded and lockstep over every state: 67", async () => {
    expect(await count(arg, "default", "native")).toBe(67);
    expect(await count(arg, "default", "embedded")).toBe(67);
    await agree(arg, "default");
  }, 60_000);
  it.skipIf(!jar)("TLC: 67 (needs TLA2TOOLS_JAR)", async () => {
    expect(await count(arg, "default", "tlc")).toBe(67);
  }, 120_000);
});

describe("2PCwithBTM (manifest: 1245 distinct states with RM = {rm1, rm2, rm3}, RMMAYFAIL, TMMAYFAIL)", () => {
  const arg = "spec/examples/two-phase-btm";
  it("native, embedded and lockstep over the first 300 states: 1245", async () => {
    expect(await count(arg, "default", "native")).toBe(1245);
    expect(await count(arg, "default", "embedded")).toBe(1245);
    await agree(arg, "default", 300);
  }, 60_000);
  it.skipIf(!jar)("TLC: 1245 (needs TLA2TOOLS_JAR)", async () => {
    expect(await count(arg, "default", "tlc")).toBe(1245);
  }, 120_000);
});

describe("Bakery with ISpec (manifest MCBakery: 655200 distinct states with N = 2, MaxNat = 2)", () => {
  const arg = "spec/examples/bakery";
  it("native: 655200", async () => {
    expect(await count(arg, "default", "native")).toBe(655200);
  }, 120_000);
  it("embedded on MaxNat = 0 (4096 states, all of them initial: the invariant is inductive) and lockstep over its first 300", async () => {
    const model = (await import("../reference/bakery.ts")).model;
    expect(model.init({ N: 2, MaxNat: 0 })).toHaveLength(4096);
    expect(await count(arg, "zero", "embedded")).toBe(4096);
    expect(await count(arg, "zero", "native")).toBe(4096);
    await agree(arg, "zero", 300);
  }, 120_000);
  it.skipIf(!jar)("TLC: 655200 (needs TLA2TOOLS_JAR)", async () => {
    expect(await count(arg, "default", "tlc")).toBe(655200);
  }, 300_000);
});

describe("EWD998PCal (manifest: 321370 distinct states with N = 3 and counters below 3)", () => {
  const arg = "spec/examples/ewd998";
  it("native: 321370", async () => {
    expect(await count(arg, "default", "native")).toBe(321370);
  }, 120_000);
  it("embedded and native on two nodes (2360 states) and lockstep over their first 300", async () => {
    expect(await count(arg, "two", "embedded")).toBe(2360);
    expect(await count(arg, "two", "native")).toBe(2360);
    await agree(arg, "two", 300);
  }, 120_000);
  it.skipIf(!jar)("TLC: 321370 (needs TLA2TOOLS_JAR)", async () => {
    expect(await count(arg, "default", "tlc")).toBe(321370);
  }, 300_000);
});
