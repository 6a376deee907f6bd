/**
 * The SANY-rules checker: each rule fires on a hand-broken module, stays silent on what SANY accepts,
 * and finds nothing in any module the generator writes. The broken cases were run through the real
 * SANY and TLC (2026.04.29): SANY rejects every name, arity and precedence case (on a `%` conflict it
 * fails with java.util.UnknownFormatConversionException while writing its message); TLC rejects the
 * primes in state predicates and the comparisons across kinds.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadSpec } from "../generator/frontend/load.ts";
import { checkSanyRules, type SanyRule, type SanyRuleProblem } from "../generator/tla/sany-rules/index.ts";
import { artefactsOf, checkGeneratedModule } from "../generator/write.ts";

const module = (body: string, head = "EXTENDS Integers, FiniteSets, TLC\nCONSTANTS S, NoValue\nVARIABLES v, w\n") =>
  `---- MODULE M ----\n${head}${body}\n====\n`;

/** The problems of a module made of `body`, as `rule@line:column`. */
async function fired(body: string, options?: { stateLevel?: string[] }): Promise<string[]> {
  const problems = await checkSanyRules(module(body), options);
  return problems.map((p: SanyRuleProblem) => `${p.rule}@${p.line}:${p.column}`);
}

const only = (rule: SanyRule, line: number, column: number) => [`${rule}@${line}:${column}`];

describe("SANY rules: multiply-defined symbols", () => {
  it("a bound name reused inside its own scope (SANY: Multiply-defined symbol 'x')", async () => {
    expect(await fired("F == [x \\in S |-> [x \\in S |-> 1]]")).toEqual(only("multiply-defined", 5, 20));
    expect(await fired("F == \\E x \\in S : \\E x \\in S : TRUE")).toEqual(only("multiply-defined", 5, 22));
    expect(await fired("F == {x \\in S : \\E x \\in S : TRUE}")).toEqual(only("multiply-defined", 5, 20));
    expect(await fired("F == CHOOSE x \\in S : \\E x \\in S : TRUE")).toEqual(only("multiply-defined", 5, 26));
    expect(await fired("F == \\E x, x \\in S : TRUE")).toEqual(only("multiply-defined", 5, 12));
  });

  it("a bound name, parameter or LET name that reuses a declared name, a parameter or a standard module's name", async () => {
    expect(await fired("F == \\E v \\in S : TRUE")).toEqual(only("multiply-defined", 5, 9));
    expect(await fired("F(x) == \\E x \\in S : TRUE")).toEqual(only("multiply-defined", 5, 12));
    expect(await fired("A == 1\nB(A) == A")).toEqual(only("multiply-defined", 6, 3));
    expect(await fired("F == \\E x \\in S : LET x == 1 IN x")).toEqual(only("multiply-defined", 5, 23));
    expect(await fired("F == \\E Cardinality \\in S : TRUE")).toEqual(only("multiply-defined", 5, 9));
    expect(await fired("F(Print) == 1")).toEqual(only("multiply-defined", 5, 3));
    expect(await fired("Any == 1")).toEqual(only("multiply-defined", 5, 1));
    expect(await fired("F(x, x) == 1")).toEqual(only("multiply-defined", 5, 6));
  });

  it("does not fire where SANY accepts: sibling scopes, a name of a module not extended", async () => {
    expect(await fired("F == (\\E x \\in S : TRUE) /\\ (\\E x \\in S : TRUE)")).toEqual([]);
    expect(await fired("F == \\E Len \\in S : TRUE")).toEqual([]);
    expect(await fired("F == {x \\in S : x = 1}\nG == \\E x \\in S : TRUE")).toEqual([]);
  });

  it("the md/raid5 module as generated before the bound-name pass: the very error SANY reported (Raid5__small.sany.out, line 317, col 47)", async () => {
    const text = readFileSync(fileURLToPath(new URL("./fixtures/pluscal-before-issue7/Raid5.tla", import.meta.url)), "utf8");
    const problems = await checkSanyRules(text);
    expect(problems).toEqual([
      expect.objectContaining({ rule: "multiply-defined", line: 317, column: 47, message: expect.stringContaining("'anyKey'") }),
    ]);
  });
});

describe("SANY rules: undefined symbols and arity", () => {
  it("an unknown name, a name used before its definition, an unknown module", async () => {
    expect(await fired("F == y")).toEqual(only("undefined", 5, 6));
    expect(await fired("G == H\nH == 1")).toEqual(only("undefined", 5, 6));
    expect(await fired("F == Len(1)")).toEqual(only("undefined", 5, 6));
    expect(await checkSanyRules("---- MODULE M ----\nEXTENDS Nope\n====\n")).toEqual([expect.objectContaining({ rule: "undefined", line: 2, column: 9 })]);
  });

  it("an operator applied to the wrong number of arguments (SANY: The operator F requires 1 arguments)", async () => {
    expect(await fired("F(x) == x\nG == F(1, 2)")).toEqual(only("arity", 6, 6));
    expect(await fired("F(x) == x\nG == F")).toEqual(only("arity", 6, 6));
    expect(await fired("G == Cardinality(1, 2)")).toEqual(only("arity", 5, 6));
    expect(await fired("G == Print")).toEqual(only("arity", 5, 6));
    expect(await fired("G == \\E x \\in S : x(1)")).toEqual(only("arity", 5, 19));
  });

  it("field names are not references: r.f, [f |-> 1], [f : S], [r EXCEPT !.f = 1]", async () => {
    expect(await fired("F == v.f /\\ [f |-> 1] = [f : S] /\\ [v EXCEPT !.f = 1] = v")).toEqual([]);
  });
});

describe("SANY rules: infix precedence", () => {
  it("operators whose ranges overlap, mixed without parentheses", async () => {
    expect(await fired("F == v \\/ w /\\ v")).toEqual(only("precedence", 5, 6));
    expect(await fired("F == v + w % 2")).toEqual(only("precedence", 5, 10));
    expect(await fired("F == v % 2 - w")).toEqual(only("precedence", 5, 6));
    expect(await fired("F == v \\cup w \\ S")).toEqual(only("precedence", 5, 6));
    expect(await fired("F == v = w = TRUE")).toEqual(only("precedence", 5, 6));
    expect(await fired("F == v = w \\in S")).toEqual(only("precedence", 5, 6));
    expect(await fired("F == v => w => v")).toEqual(only("precedence", 5, 6));
    expect(await fired("F == v * -w")).toEqual(only("precedence", 5, 10));
  });

  it("the TypeOK the generator wrote for an optional record (SANY: Precedence conflict between ops \\lor and \\land)", async () => {
    expect(await fired('TypeOK == (v = NoValue \\/ DOMAIN v = {"a"} /\\ v.a \\in S)')).toEqual(only("precedence", 5, 12));
    expect(await fired('TypeOK == (v = NoValue \\/ (DOMAIN v = {"a"} /\\ v.a \\in S))')).toEqual([]);
  });

  it("does not fire where SANY accepts: chains of one left-associative operator, tighter operands", async () => {
    expect(await fired("F == v /\\ w /\\ v /\\ (v \\/ w \\/ v) /\\ v + 1 - 2 = 3 /\\ -v % 2 = 1 /\\ ~v = w /\\ v - -w = 1 /\\ 1..v + 1 = S")).toEqual([]);
  });
});

describe("SANY rules: primes where none may be", () => {
  it("a prime or UNCHANGED in Init, TypeOK, an invariant or a helper they use", async () => {
    expect(await fired("Init == v' = 1")).toEqual(only("prime", 5, 9));
    expect(await fired("TypeOK == UNCHANGED v")).toEqual(only("prime", 5, 11));
    expect(await fired("Helper == v' = w\nInv == Helper", { stateLevel: ["Inv"] })).toEqual(only("prime", 6, 8));
  });

  it("a prime of a primed expression anywhere (SANY: Level error in applying operator ')", async () => {
    expect(await fired("A == v'' = 1")).toEqual(only("prime", 5, 6));
  });

  it("primes in actions are fine", async () => {
    expect(await fired("A == v' = v + 1 /\\ UNCHANGED w\nNext == A \\/ UNCHANGED << v, w >>")).toEqual([]);
  });
});

describe("SANY rules: values TLC cannot compare", () => {
  it("a set of integers next to strings (TLC: Attempted to compare integer 0 with non-integer)", async () => {
    expect(await fired('ProcSet == {1, "rm1"}')).toEqual(only("value-kind", 5, 16));
    expect(await fired('Workers == 1..3\nCoordinator == {"c"}\nProcSet == (Workers) \\cup (Coordinator)')).toEqual(only("value-kind", 7, 12));
    expect(await fired('F == 1 = "a"')).toEqual(only("value-kind", 5, 6));
    expect(await fired('F == "a" \\in 1..3')).toEqual(only("value-kind", 5, 6));
    expect(await fired('F == "a" < "b"')).toEqual(only("value-kind", 5, 6));
  });

  it("unknown kinds (constants, variables, model values) are compatible with anything", async () => {
    expect(await fired('F == v = "a" /\\ NoValue = 1 /\\ {S, 1} = {1}')).toEqual([]);
  });
});

describe("SANY rules at gen time", () => {
  it("a generated module that breaks a rule is an internal error naming the module, line, column and rule", async () => {
    const error = await checkGeneratedModule(module("F == [x \\in S |-> [x \\in S |-> 1]]"), "M", []).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String(error)).toContain("internal error: the generated module M breaks a rule of TLC's parser (SANY) or of TLC; this is a raidspec bug");
    expect(String(error)).toContain("M.tla: line 5, column 20: multiply-defined: Multiply-defined symbol 'x'");
  });
});

// Every module the project has generated, and every module generated from a test fixture, keeps every rule.
const TLA_DIR = fileURLToPath(new URL("../tla/", import.meta.url));
const generated = existsSync(TLA_DIR) ? readdirSync(TLA_DIR, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".tla")).sort() : [];

describe("every generated module keeps the rules", () => {
  for (const file of generated) {
    it(`tla/${file}`, async () => {
      expect(await checkSanyRules(readFileSync(join(TLA_DIR, file), "utf8"))).toEqual([]);
    });
  }

  it("the modules of test/fixtures/generation (nested placeholders, shadowing, helpers inlined into scopes that bind their names, an optional record, % beside + and under -)", async () => {
    // artefactsOf runs the checker on every module and throws on a problem.
    const artefacts = await artefactsOf(loadSpec("test/fixtures/generation"));
    const modules = artefacts.filter((a) => a.path.endsWith(".tla"));
    expect(modules.map((m) => m.path)).toEqual(["tla/generation/Generation.tla"]);
    const text = modules[0]?.text ?? "";
    expect(text).toContain("[anyKey \\in Keys |-> [anyKey1 \\in Keys |-> FALSE]]");
    expect(text).toContain("[x \\in Keys |-> [x1 \\in Keys |-> x1 = self]]");
    expect(text).toContain("(\\E d \\in Keys : (\\E d1 \\in Keys : grid'[d][d1]))");
    expect(text).toContain("(slot = NoValue \\/ (DOMAIN slot = {\"owner\", \"level\"} /\\ slot.owner \\in Procs /\\ 0 <= slot.level /\\ slot.level <= 3))");
    expect(text).toContain("\\A k01 \\in Keys");
    // % in the translation is ((a % b) + b) % b, tla-checker's workaround (see generator/tla/expr.ts).
    expect(text).toContain("k0' = -(((n[self] % 3) + 3) % 3)");
    expect(text).toContain("(((n[self] + (((n[self] % 2) + 2) % 2) + 3) % 4) + 4) % 4");
    expect(text).toContain("(n + (n % 2) + 3) % 4"); // the PlusCal algorithm keeps %
  });
});
