import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkTlaSyntax } from "../generator/tla/syntax.ts";

const VALID = `---- MODULE Counter ----
EXTENDS Naturals, Sequences
CONSTANTS N, Procs
VARIABLES x, pc, q

(* --algorithm Counter
variables x = 0;
begin
  a1: x := x + 1;
end algorithm; *)

\\* BEGIN TRANSLATION
vars == << x, pc, q >>

Init == /\\ x = 0
        /\\ pc = [p \\in Procs |-> "a1"]
        /\\ q = <<>>

a1(self) == /\\ pc[self] = "a1"
            /\\ x' = x + 1
            /\\ pc' = [pc EXCEPT ![self] = "Done"]
            /\\ UNCHANGED q

Next == \\E self \\in Procs : a1(self)

Spec == Init /\\ [][Next]_vars
\\* END TRANSLATION

TypeOK == /\\ x \\in 0..N
          /\\ q \\in Seq(Procs)
          /\\ \\A p \\in Procs : pc[p] \\in {"a1", "Done"}
====
`;

describe("checkTlaSyntax", () => {
  it("accepts a small valid module", async () => {
    expect(await checkTlaSyntax(VALID)).toEqual({ ok: true, errors: [] });
  });

  it("reports a stray token with its line and column", async () => {
    const broken = "---- MODULE M ----\nVARIABLE x\nInit == x = 0\nNext == x' = x + + 1\n====\n";
    const result = await checkTlaSyntax(broken);
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([{ line: 4, column: 18, message: "syntax error at `+`" }]);
  });

  it("reports the innermost problem, not the module-wide error around it", async () => {
    const broken = "---- MODULE M ----\nVARIABLE x\nInit == x = 0\nNext == x' = x +\nFoo == {1, 2\n====\n";
    const result = await checkTlaSyntax(broken);
    expect(result.ok).toBe(false);
    expect(result.errors.length).toBeGreaterThan(0);
    expect(result.errors[0].line).toBeGreaterThan(1);
  });

  it("reports a missing node as missing", async () => {
    const broken = "---- MODULE M ----\nVARIABLE x\nNext == x' = [x EXCEPT ![1] = ]\n====\n";
    const result = await checkTlaSyntax(broken);
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([{ line: 3, column: 30, message: expect.stringMatching(/^missing /) }]);
  });

  it("counts columns in characters, also after non-ASCII text", async () => {
    const ascii = await checkTlaSyntax('---- MODULE M ----\nVARIABLE x\nInit == x = "e" + + 1\n====\n');
    const accented = await checkTlaSyntax('---- MODULE M ----\nVARIABLE x\nInit == x = "é" + + 1\n====\n');
    expect(ascii.errors[0]).toMatchObject({ line: 3, column: 19 });
    expect(accented.errors[0]).toMatchObject({ line: 3, column: 19 });
  });

  it("reuses one parser across calls", async () => {
    const results = await Promise.all([checkTlaSyntax(VALID), checkTlaSyntax(VALID), checkTlaSyntax("garbage ====")]);
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
  });
});

// Every module the project has generated must parse cleanly.
const TLA_DIR = fileURLToPath(new URL("../tla/", import.meta.url));
const generated = existsSync(TLA_DIR) ? readdirSync(TLA_DIR, { recursive: true, encoding: "utf8" }) : [];
const modules = generated.filter((f) => f.endsWith(".tla")).sort();

describe("generated modules under tla/", () => {
  // git keeps no empty folder, so a fresh clone may have no tla/ until the generator has written to it.
  it(`the tla/ listing ran (${modules.length} modules)`, () => {
    expect(Array.isArray(generated)).toBe(true);
    // Generated configurations without their modules mean the generator lost a file.
    if (generated.some((f) => f.endsWith(".cfg"))) expect(modules.length).toBeGreaterThan(0);
  });

  for (const file of modules) {
    it(`${file} parses without syntax errors`, async () => {
      const result = await checkTlaSyntax(readFileSync(join(TLA_DIR, file), "utf8"));
      expect(result.errors).toEqual([]);
    });
  }
});
