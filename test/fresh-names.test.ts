/**
 * The bound-name pass: every bound name of the TLA+ module is fresh along its scope chain, distinct
 * from the module's top-level names and TLA+'s reserved ones, and a helper's bound names avoid every
 * scope it may be written out in; names that clash with nothing are kept.
 */
import { describe, expect, it } from "vitest";
import type { Definition, Expr, Spec } from "../generator/ir.ts";
import { freshBinders, freshName } from "../generator/tla/fresh-names.ts";

const loc = { file: "spec.ts", line: 1, column: 1 };
const D: Expr = { kind: "domain", name: "D" };
const b = (name: string): Expr => ({ kind: "bound", name });
const fn = (name: string, body: Expr): Expr => ({ kind: "fn", name, set: D, body });
const exists = (name: string, body: Expr): Expr => ({ kind: "quant", quantifier: "exists", name, set: D, body });

function spec(parts: { invariant?: Expr; definitions?: Definition[]; variable?: string }): Spec {
  return {
    name: "M",
    source: "spec.ts",
    constants: [],
    domains: [{ name: "D", type: { kind: "int", lo: { kind: "int", value: 0 }, hi: { kind: "int", value: 1 } }, loc }],
    variables: [{ name: parts.variable ?? "v", type: { kind: "bool" }, init: { kind: "bool", value: false }, loc }],
    definitions: parts.definitions ?? [],
    macros: [],
    processes: [],
    procedures: [],
    actions: [],
    invariants: parts.invariant ? [{ name: "Inv", body: parts.invariant, loc }] : [],
    constraints: [],
    configs: [],
    variants: [],
  };
}

const invariantOf = (s: Spec) => s.invariants[0]?.body;

describe("freshBinders", () => {
  it("renames a bound name reused inside its own scope, and the uses that refer to it (anyKey, anyKey1)", () => {
    const out = freshBinders(spec({ invariant: fn("anyKey", fn("anyKey", { kind: "binary", op: "eq", left: b("anyKey"), right: b("anyKey") })) }));
    expect(invariantOf(out)).toEqual(fn("anyKey", fn("anyKey1", { kind: "binary", op: "eq", left: b("anyKey1"), right: b("anyKey1") })));
  });

  it("keeps the outer name for uses of the outer binder inside the inner one", () => {
    const out = freshBinders(spec({ invariant: fn("x", exists("x", { kind: "binary", op: "eq", left: b("x"), right: b("x") })) }));
    // Both uses are of the inner x (TypeScript's shadowing): both are renamed.
    expect(invariantOf(out)).toEqual(fn("x", exists("x1", { kind: "binary", op: "eq", left: b("x1"), right: b("x1") })));
  });

  it("never takes a top-level name or a name TLA+, the standard modules or the translation own", () => {
    expect(invariantOf(freshBinders(spec({ invariant: exists("Cardinality", b("Cardinality")) })))).toEqual(exists("Cardinality1", b("Cardinality1")));
    expect(invariantOf(freshBinders(spec({ invariant: exists("self", b("self")) })))).toEqual(exists("self1", b("self1")));
    expect(invariantOf(freshBinders(spec({ invariant: exists("w", b("w")), variable: "w" })))).toEqual(exists("w1", b("w1")));
    expect(freshName("x", (n) => ["x", "x1"].includes(n))).toBe("x2");
  });

  it("gives a helper's bound names names its callers do not bind, so writing the helper out in place captures nothing", () => {
    // isSet(r) == \E d \in D : r = d, called as \E d \in D : isSet(d).
    const isSet: Definition = { name: "isSet", params: ["r"], body: exists("d", { kind: "binary", op: "eq", left: b("r"), right: b("d") }), loc };
    const out = freshBinders(spec({ definitions: [isSet], invariant: exists("d", { kind: "call", name: "isSet", args: [b("d")] }) }));
    expect(out.definitions[0]?.body).toEqual(exists("d1", { kind: "binary", op: "eq", left: b("r"), right: b("d1") }));
    expect(out.definitions[0]?.params).toEqual(["r"]);
    expect(invariantOf(out)).toEqual(exists("d", { kind: "call", name: "isSet", args: [b("d")] }));
  });

  it("leaves names that clash with nothing as they are", () => {
    const s = spec({ invariant: fn("k", exists("j", { kind: "binary", op: "eq", left: b("k"), right: b("j") })) });
    expect(freshBinders(s)).toEqual(s);
  });
});
