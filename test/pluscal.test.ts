/**
 * The PlusCal algorithm in every generated module means what the module's translation means: an
 * independent reading of the algorithm (conformance/pluscal/), translated by PlusCal's rules, is
 * explored by tla-checker in lockstep with the module's own translation. The reading is checked
 * against the real pcal.trans through TLC's recorded counts, and shown to catch the algorithm as the
 * generator emitted it before (helpers evaluated over the new state).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { describeDivergence, plusCalLockstep, retranslate } from "../conformance/pluscal/lockstep.ts";
import { PcalReadError, readPlusCal } from "../conformance/pluscal/read.ts";
import { translatePlusCal } from "../conformance/pluscal/translate.ts";
import { checkEmbedded } from "../engines/embedded/engine.ts";
import { parseTlcOutput } from "../engines/tlc/parse-output.ts";
import { loadSpec } from "../generator/frontend/load.ts";
import { renderConfig } from "../generator/tla/module.ts";
import { checkSanyRules } from "../generator/tla/sany-rules/index.ts";
import { sharedFixtures } from "./shared-fixtures.ts";
import { moduleAndCfg, TRANSLATION_CASES } from "./translation-cases.ts";

const OLD = (name: string) => readFileSync(fileURLToPath(new URL(`./fixtures/pluscal-before-issue7/${name}.tla`, import.meta.url)), "utf8");

describe("PlusCal lockstep: the algorithm in each module against the module's translation", () => {
  for (const [arg, variant, config, states] of [...TRANSLATION_CASES, ["test/fixtures/generation", null, "default", 530] as const]) {
    it(`${arg}${variant ? ` (${variant})` : ""}, ${config}: the same ${states} states and the same successors of each`, async () => {
      const { moduleText, cfgText } = moduleAndCfg(arg, variant, config);
      const result = await plusCalLockstep(moduleText, cfgText);
      if (result.divergence) throw new Error(describeDivergence(result.divergence));
      expect(result.ok).toBe(true);
      expect(result.states).toBe(states);
      // PlusCal's translation is a module TLC's parser accepts too.
      expect(await checkSanyRules(result.plusCalModule)).toEqual([]);
    });
  }
});

describe("PlusCal lockstep: the algorithm as emitted before (mutation test)", () => {
  it("md/raid5 two_disk: handle_stripe's inIO[sh] := (… isWriting(m)) read written before the step in PlusCal, after it in the translation", async () => {
    const { cfgText } = moduleAndCfg("spec/raid5", null, "two_disk");
    const result = await plusCalLockstep(OLD("Raid5"), cfgText);
    expect(result.ok).toBe(false);
    const d = result.divergence;
    if (d?.kind !== "successors") throw new Error(`expected differing successors, got ${JSON.stringify(d)}`);
    expect(d.path).toEqual([]);
    expect(d.onlyInTranslation.flatMap((t) => t.actions)).toEqual(["handle_stripe"]);
    const text = describeDivergence(d);
    expect(text).toContain("inIO: (0 :> false @@ 1 :> false) → (0 :> true @@ 1 :> false)");
  });

  // One variant here (a few seconds); the test with the real tools (tlc-real.test.ts) runs pcal.trans itself.
  it("the reading agrees with the real pcal.trans: on the old algorithm it finds the 4,430 states TLC found on pcal.trans's translation (Raid5, small)", async () => {
    const { spec } = loadSpec("spec/raid5");
    const small = spec.configs.find((c) => c.name === "small");
    if (!small) throw new Error("no small");
    const tlc = parseTlcOutput(readFileSync(`${sharedFixtures("tlc-raidspec")}pcal__Raid5__small__TypeOK.out`, "utf8"));
    // The old module states no temporal property (today's spec does): TypeOK alone, as TLC checked it.
    const r = await checkEmbedded({ spec, moduleText: await retranslate(OLD("Raid5")), cfgText: renderConfig(spec, small, ["TypeOK"], { properties: [] }), invariants: ["TypeOK"] });
    expect([tlc.outcome, tlc.distinctStates]).toEqual(["ok", 4430]);
    expect([r.verdict, r.distinctStates]).toEqual(["ok", 4430]);
  });
});

describe("the PlusCal reader and translator", () => {
  const algorithm = (body: string, procVars = "") => `---- MODULE A ----
EXTENDS Integers
(* --algorithm A
variables x = 0, y = [i \\in {1, 2} |-> 0];
define
    Big(v) == v > x
end define;
process p \\in {1, 2}
${procVars}begin
${body}
end process;
end algorithm; *)
\\* BEGIN TRANSLATION
\\* END TRANSLATION
====
`;

  it("translates elsif, either, with over \\in and =, multiple assignment, process variables and fall-through by PlusCal's rules", async () => {
    const text = algorithm(
      `a:
    x := (x + 1) || y[self] := x;
    if Big(x) then await x > 1; elsif x = 0 then n := n + x; else skip; end if;
b:
    either x := 0; or with v \\in {1}, w = v + n do y[v] := w; end with; end either;
    goto a;`,
      "variables n = 0;\n",
    );
    const translation = translatePlusCal(await readPlusCal(text));
    expect(translation).toContain("x' = (x + 1)");
    expect(translation).toContain("y' = [y EXCEPT ![self] = x]");
    // After `x :=`, x is read primed; the define operator still reads the state before the step.
    expect(translation).toContain("IF Big(x')");
    expect(translation).toContain("THEN /\\ x' > 1");
    expect(translation).toContain("ELSE IF x' = 0");
    expect(translation).toContain("n' = [n EXCEPT ![self] = n[self] + x']");
    expect(translation).toContain("\\E v \\in {1} : LET w == v + n[self] IN");
    expect(translation).toContain("Big(v_) == v_ > x");
    expect(translation).toContain(`pc' = [pc EXCEPT ![self] = "b"]`);
    expect(translation).toContain(`pc' = [pc EXCEPT ![self] = "a"]`);
  });

  it("refuses what PlusCal refuses: a goto with statements after it, two assignments to one variable in a step, x := e || x[i] := f", async () => {
    const refused = async (body: string) => {
      try {
        translatePlusCal(await readPlusCal(algorithm(body)));
      } catch (e) {
        if (e instanceof PcalReadError) return e.message;
        throw e;
      }
      throw new Error("translated");
    };
    expect(await refused("a:\n    if x = 0 then goto a; end if;\n    x := 1;")).toMatch(/follows a goto on its path without a label/);
    expect(await refused("a:\n    x := 1;\n    x := 2;")).toMatch(/x is assigned twice in one step/);
    expect(await refused("a:\n    y := [i \\in {1, 2} |-> 1] || y[1] := 2;")).toMatch(/multiple assignment to y with a part that has no subscript/);
    // tree-sitter reads this `||` as an infix operator inside the first right-hand side.
    await expect(readPlusCal(algorithm("a:\n    y[1] := x + 1 || y[2] := 2;"))).rejects.toThrow(/write each right-hand side of `\|\|` in parentheses/);
  });

  it("expands a macro call in place, as pcal.trans does: each parameter replaced by its argument, in parentheses unless one token", async () => {
    const withMacro = (body: string, macro: string) =>
      algorithm(body, "variables n = 0;\n").replace("process p", `macro Set(i, e)\nbegin\n${macro}\nend macro;\n\nprocess p`);
    const read = await readPlusCal(
      withMacro("a:\n    Set(self, x + 1);\nb:\n    with v \\in {1} do Set(v, 2); end with;", "    await Big(e);\n    y[i] := e * 2;\n    n := n + e;"),
    );
    const [a, b] = read.processes[0]?.steps ?? [];
    expect(a?.body.map((st) => st.kind)).toEqual(["await", "assign", "assign"]);
    const translation = translatePlusCal(read);
    expect(translation).toContain("Big((x + 1))");
    expect(translation).toContain("y' = [y EXCEPT ![self] = (x + 1) * 2]");
    // A local read in the macro is the calling process's (n[self]), read primed after its assignment there.
    expect(translation).toContain("n' = [n EXCEPT ![self] = n[self] + (x + 1)]");
    expect(b?.body[0]?.kind).toBe("with");
    expect(translation).toContain("y' = [y EXCEPT ![v] = 2 * 2]");
    await expect(readPlusCal(withMacro("a:\n    Set(self, 1);", "    goto a;"))).rejects.toThrow(/a goto in a macro/);
    await expect(readPlusCal(withMacro("a:\n    Nope(self, 1);", "    skip;"))).rejects.toThrow(/a call of Nope, which is no macro declared before it/);
  });

  it("knows only the PlusCal the generator emits: procedures are an error, not a guess", async () => {
    const text = algorithm("a:\n    skip;").replace("process p", "procedure f() begin f1: return; end procedure;\nprocess p");
    await expect(readPlusCal(text)).rejects.toThrow(/procedures are not part of the PlusCal this reader knows/);
  });
});
