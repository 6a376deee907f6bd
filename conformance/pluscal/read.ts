/**
 * Reads the PlusCal algorithm (P-syntax) in a module's comment with the TLA+ tree-sitter grammar,
 * which parses PlusCal too, into a small AST: the part of PlusCal the generator emits (global and
 * process variables, `define`, macros, process sets, labels, `:=` and `||`, `await`, `goto`, `skip`,
 * `if` / `elsif` / `else`, `either` / `or`, `with` over `\in` and `=`). Anything else is an error:
 * this reader is an independent reading of the text, so it must not guess. A macro call is expanded
 * where it stands, as pcal.trans expands it: the macro's statements with each parameter replaced by
 * the argument's text (in parentheses unless it is one token), so the AST has no macros.
 *
 * Expressions stay TLA+ text, with the position of every name they use, so the translator can prime
 * and subscript variables the way pcal.trans does.
 */
import type { Node } from "web-tree-sitter";
import { withTlaTree } from "../../generator/tla/syntax.ts";

/** A TLA+ expression of the algorithm: its text and the names it uses, with their offsets in it. */
export interface PcalExpr {
  text: string;
  names: { name: string; at: number }[];
}

export type PcalStmt =
  | { kind: "assign"; parts: { variable: string; selectors: PcalSelector[]; value: PcalExpr }[]; line: number }
  | { kind: "await"; cond: PcalExpr; line: number }
  | { kind: "goto"; label: string; line: number }
  | { kind: "skip"; line: number }
  | { kind: "if"; cond: PcalExpr; then: PcalStmt[]; else: PcalStmt[]; line: number }
  | { kind: "either"; branches: PcalStmt[][]; line: number }
  | { kind: "with"; bindings: { name: string; op: "in" | "eq"; expr: PcalExpr }[]; body: PcalStmt[]; line: number };

/** `[e]` or `.f` after the variable on the left of `:=`. */
export type PcalSelector = { kind: "index"; index: PcalExpr } | { kind: "field"; field: string };

export interface PcalVariable {
  name: string;
  op: "in" | "eq";
  init: PcalExpr;
}

export interface PcalProcess {
  name: string;
  /** `process p \in S`: the process set. */
  set: PcalExpr;
  locals: PcalVariable[];
  steps: { label: string; body: PcalStmt[] }[];
}

/** A definition of the `define` block: `name(params) == body`. */
export interface PcalDefine {
  name: string;
  params: string[];
  body: PcalExpr;
}

export interface PcalAlgorithm {
  name: string;
  globals: PcalVariable[];
  defines: PcalDefine[];
  processes: PcalProcess[];
}

/** `macro M(p, …) begin … end macro;`: its statements, read with the macros declared before it. */
interface PcalMacro {
  name: string;
  params: string[];
  body: PcalStmt[];
}

/** The macros a statement may call: those declared so far. */
type Macros = ReadonlyMap<string, PcalMacro>;

export class PcalReadError extends Error {
  constructor(message: string, node?: Node) {
    super(node ? `line ${node.startPosition.row + 1}, column ${node.startPosition.column + 1}: ${message}` : message);
    this.name = "PcalReadError";
  }
}

const named = (n: Node): Node[] => n.namedChildren.filter((c): c is Node => c !== null);
const all = (n: Node): Node[] => n.children.filter((c): c is Node => c !== null);

/** Field names (`r.f`, `!.f`) are not uses of a name. */
function expr(node: Node): PcalExpr {
  const names: PcalExpr["names"] = [];
  const visit = (n: Node): void => {
    if (n.type === "identifier_ref") {
      const parent = n.parent;
      const isField = (parent?.type === "record_value" && parent.namedChildren[0]?.id !== n.id) || parent?.type === "except_update_record_field";
      if (!isField) names.push({ name: n.text, at: n.startIndex - node.startIndex });
      return;
    }
    for (const c of named(n)) visit(c);
  };
  visit(node);
  return { text: node.text, names };
}

function variable(decl: Node): PcalVariable {
  const [name, ...rest] = all(decl).filter((c) => c.type !== ",");
  const value = named(decl).filter((c) => c.type !== "identifier" && c.type !== "set_in").at(-1);
  if (!name || name.type !== "identifier" || !value) throw new PcalReadError("a variable declaration without a name or value", decl);
  return { name: name.text, op: rest.some((c) => c.type === "set_in") ? "in" : "eq", init: expr(value) };
}

function variables(decls: Node | undefined): PcalVariable[] {
  return decls ? named(decls).filter((c) => c.type === "pcal_var_decl").map(variable) : [];
}

/** Statements in order, ignoring the keywords and separators between them; macro calls expanded. */
function statements(nodes: Node[], macros: Macros): PcalStmt[] {
  return nodes
    .filter((n) => n.isNamed && n.type.startsWith("pcal_") && !n.type.startsWith("pcal_end_"))
    .flatMap((n) => (n.type === "pcal_macro_call" ? macroCall(n, macros) : [statement(n, macros)]));
}

function statement(n: Node, macros: Macros): PcalStmt {
  const line = n.startPosition.row + 1;
  switch (n.type) {
    case "pcal_skip":
      return { kind: "skip", line };
    case "pcal_await": {
      const [cond] = named(n);
      if (!cond) throw new PcalReadError("await without a condition", n);
      return { kind: "await", cond: expr(cond), line };
    }
    case "pcal_goto": {
      const target = n.childForFieldName("statement");
      if (!target) throw new PcalReadError("goto without a label", n);
      return { kind: "goto", label: target.text, line };
    }
    case "pcal_assign":
      return { kind: "assign", parts: assignment(n), line };
    case "pcal_if":
      return ifStatement(n, macros);
    case "pcal_either": {
      const branches: Node[][] = [[]];
      for (const c of all(n)) {
        if (c.type === "either") continue;
        if (c.type === "or") branches.push([]);
        else branches[branches.length - 1]?.push(c);
      }
      return { kind: "either", branches: branches.map((b) => statements(b, macros)), line };
    }
    case "pcal_with": {
      const bindings: { name: string; op: "in" | "eq"; expr: PcalExpr }[] = [];
      const body: Node[] = [];
      let pending: { name: string; op?: "in" | "eq" } | undefined;
      let inBody = false;
      for (const c of all(n)) {
        if (inBody) body.push(c);
        else if (c.type === "do") inBody = true;
        else if (c.type === "identifier") pending = { name: c.text };
        else if (c.type === "set_in" && pending) pending.op = "in";
        else if (c.type === "=" && pending) pending.op = "eq";
        else if (c.isNamed && pending?.op) {
          bindings.push({ name: pending.name, op: pending.op, expr: expr(c) });
          pending = undefined;
        }
      }
      if (bindings.length === 0) throw new PcalReadError("with without a binding", n);
      return { kind: "with", bindings, body: statements(body, macros), line };
    }
    default:
      throw new PcalReadError(`${n.type.replace(/^pcal_/, "")} is not part of the PlusCal this reader knows`, n);
  }
}

function assignment(n: Node): { variable: string; selectors: PcalSelector[]; value: PcalExpr }[] {
  const parts: { variable: string; selectors: PcalSelector[]; value: PcalExpr }[] = [];
  let lhs: Node | undefined;
  let afterAssign = false;
  for (const c of named(n)) {
    if (c.type === "pcal_lhs") {
      lhs = c;
      afterAssign = false;
    } else if (c.type === "assign") afterAssign = true;
    else if (c.type === "vertvert") continue;
    else if (afterAssign && lhs) {
      if (mentions(c, ["vertvert", "assign"]))
        throw new PcalReadError("a multiple assignment whose right-hand side the grammar runs into the next target (write each right-hand side of `||` in parentheses)", c);
      parts.push({ ...target(lhs), value: expr(c) });
      lhs = undefined;
      afterAssign = false;
    }
  }
  if (parts.length === 0) throw new PcalReadError("an assignment without a value", n);
  return parts;
}

/**
 * The grammar reads `x := a + 1 || y := b` as `x := ((a + 1 || y) := b)`: `||` and `:=` are TLA+ infix
 * operators too. The generator never uses them as operators, so one inside a right-hand side means
 * the grammar misread a multiple assignment.
 */
function mentions(n: Node, types: string[]): boolean {
  return types.includes(n.type) || named(n).some((c) => mentions(c, types));
}

function target(lhs: Node): { variable: string; selectors: PcalSelector[] } {
  const [first, ...rest] = all(lhs);
  if (!first || first.type !== "identifier_ref") throw new PcalReadError("an assignment to something other than a variable", lhs);
  const selectors: PcalSelector[] = [];
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i] as Node;
    if (c.type === "." && rest[i + 1]?.type === "identifier") selectors.push({ kind: "field", field: (rest[++i] as Node).text });
    else if (c.isNamed) selectors.push({ kind: "index", index: expr(c) });
  }
  return { variable: first.text, selectors };
}

/** `if c then A elsif d then B else C end if` is `if c then A else (if d then B else C)`. */
function ifStatement(n: Node, macros: Macros): PcalStmt {
  const arms: { cond?: Node; body: Node[] }[] = [];
  let expectCond = false;
  for (const c of all(n)) {
    if (c.type === "pcal_end_if") break;
    if (c.type === "if" || c.type === "elsif") {
      arms.push({ body: [] });
      expectCond = true;
    } else if (c.type === "else") arms.push({ body: [] });
    else if (c.type === "then") expectCond = false;
    else if (expectCond && c.isNamed) (arms[arms.length - 1] as { cond?: Node }).cond = c;
    else arms[arms.length - 1]?.body.push(c);
  }
  const build = (i: number): PcalStmt[] => {
    const arm = arms[i];
    if (!arm) return [];
    if (!arm.cond) return statements(arm.body, macros);
    return [{ kind: "if", cond: expr(arm.cond), then: statements(arm.body, macros), else: build(i + 1), line: arm.cond.startPosition.row + 1 }];
  };
  const [result] = build(0);
  if (!result) throw new PcalReadError("if without a condition", n);
  return result;
}

/** A process body: labels start steps, the statements up to the next label are the step. */
function steps(body: Node, macros: Macros): { label: string; body: PcalStmt[] }[] {
  const out: { label: string; body: Node[] }[] = [];
  for (let i = 0; i < body.childCount; i++) {
    const c = body.child(i);
    if (!c) continue;
    if (body.fieldNameForChild(i) === "label" && c.type === "identifier") out.push({ label: c.text, body: [] });
    else if (c.isNamed) {
      const current = out[out.length - 1];
      if (!current) throw new PcalReadError("a statement before the process's first label", c);
      current.body.push(c);
    }
  }
  return out.map((s) => ({ label: s.label, body: statements(s.body, macros) }));
}

function process(n: Node, macros: Macros): PcalProcess {
  const name = n.childForFieldName("name");
  const children = named(n);
  const set = children.find((c, i) => i > 0 && c.type !== "set_in" && c.type !== "pcal_var_decls" && c.type !== "pcal_algorithm_body" && c.id !== name?.id);
  const body = children.find((c) => c.type === "pcal_algorithm_body");
  if (!name || !set || !body) throw new PcalReadError("a process without a name, set or body", n);
  if (!children.some((c) => c.type === "set_in")) throw new PcalReadError("a single process (process p = e): this reader knows process sets only", n);
  return {
    name: name.text,
    set: expr(set),
    locals: variables(children.find((c) => c.type === "pcal_var_decls")),
    steps: steps(body, macros),
  };
}

function define(d: Node): PcalDefine {
  const name = d.childForFieldName("name");
  const body = d.childForFieldName("definition");
  if (d.type !== "operator_definition" || !name || !body) throw new PcalReadError("a define entry other than an operator definition", d);
  const params = d.childrenForFieldName("parameter").filter((p): p is Node => p !== null && p.type === "identifier");
  return { name: name.text, params: params.map((p) => p.text), body: expr(body) };
}

function algorithm(node: Node): PcalAlgorithm {
  const children = named(node);
  const unsupported = children.find((c) => c.type === "pcal_procedure");
  if (unsupported) throw new PcalReadError(`${unsupported.type.replace(/^pcal_/, "")}s are not part of the PlusCal this reader knows`, unsupported);
  if (children.some((c) => c.type === "pcal_algorithm_body")) throw new PcalReadError("a uniprocess algorithm: this reader knows process sets only", node);
  const macros = new Map<string, PcalMacro>();
  for (const m of children.filter((c) => c.type === "pcal_macro")) {
    const macro = macroOf(m, macros);
    if (macros.has(macro.name)) throw new PcalReadError(`macro ${macro.name} is declared twice`, m);
    macros.set(macro.name, macro);
  }
  return {
    name: node.childForFieldName("name")?.text ?? "",
    globals: variables(children.find((c) => c.type === "pcal_var_decls")),
    defines: named(children.find((c) => c.type === "pcal_definitions") ?? node)
      .filter((c) => c.type === "operator_definition" || c.type === "function_definition")
      .map(define),
    processes: children.filter((c) => c.type === "pcal_process").map((p) => process(p, macros)),
  };
}

// ---------------------------------------------------------------------------------------------
// Macros

function macroOf(m: Node, macros: Macros): PcalMacro {
  const decl = named(m).find((c) => c.type === "pcal_macro_decl");
  const body = named(m).find((c) => c.type === "pcal_algorithm_body");
  const name = decl?.childForFieldName("name");
  if (!decl || !body || !name) throw new PcalReadError("a macro without a name or body", m);
  const params = decl.childrenForFieldName("parameter").filter((p): p is Node => p !== null).map((p) => p.text);
  for (let i = 0; i < body.childCount; i++) if (body.fieldNameForChild(i) === "label") throw new PcalReadError("a label in a macro (PlusCal allows none)", body.child(i) ?? body);
  return { name: name.text, params, body: statements(named(body), macros) };
}

/** `M(a, …);`: the macro's statements with its parameters replaced by the arguments. */
function macroCall(n: Node, macros: Macros): PcalStmt[] {
  const name = n.childForFieldName("name");
  const macro = name ? macros.get(name.text) : undefined;
  if (!name || !macro) throw new PcalReadError(`a call of ${name?.text ?? "?"}, which is no macro declared before it`, n);
  const args = named(n).filter((c) => c.id !== name.id).map(expr);
  if (args.length !== macro.params.length) throw new PcalReadError(`${macro.name} takes ${macro.params.length} arguments, not ${args.length}`, n);
  const byParam = new Map(macro.params.map((p, i) => [p, args[i] as PcalExpr]));
  return macro.body.map((s) => substituteStmt(s, byParam, n));
}

function substituteStmt(s: PcalStmt, args: ReadonlyMap<string, PcalExpr>, call: Node): PcalStmt {
  const e = (x: PcalExpr) => substitute(x, args);
  const block = (b: PcalStmt[]) => b.map((x) => substituteStmt(x, args, call));
  switch (s.kind) {
    case "assign":
      return {
        ...s,
        parts: s.parts.map((part) => {
          // pcal.trans would put the argument (a variable) in its place; the generator never assigns a parameter.
          if (args.has(part.variable)) throw new PcalReadError(`the macro assigns its parameter ${part.variable}: this reader does not guess what that means`, call);
          return { variable: part.variable, selectors: part.selectors.map((sel) => (sel.kind === "index" ? { kind: "index", index: e(sel.index) } : sel)), value: e(part.value) };
        }),
      };
    case "await":
      return { ...s, cond: e(s.cond) };
    case "goto":
      throw new PcalReadError("a goto in a macro (PlusCal allows none)", call);
    case "skip":
      return s;
    case "if":
      return { ...s, cond: e(s.cond), then: block(s.then), else: block(s.else) };
    case "either":
      return { ...s, branches: s.branches.map(block) };
    case "with":
      for (const b of s.bindings) if (args.has(b.name)) throw new PcalReadError(`the macro binds ${b.name}, also one of its parameters`, call);
      return { ...s, bindings: s.bindings.map((b) => ({ ...b, expr: e(b.expr) })), body: block(s.body) };
  }
}

/**
 * The expression with each parameter replaced by its argument's text, as TLAExpr.substituteForAll
 * does: in parentheses unless the argument is one token.
 */
function substitute(x: PcalExpr, args: ReadonlyMap<string, PcalExpr>): PcalExpr {
  let text = "";
  const names: PcalExpr["names"] = [];
  let from = 0;
  for (const { name, at } of x.names) {
    text += x.text.slice(from, at);
    from = at + name.length;
    const arg = args.get(name);
    if (!arg) {
      names.push({ name, at: text.length });
      text += name;
      continue;
    }
    const wrap = !/^\w+$/.test(arg.text);
    const start = text.length + (wrap ? 1 : 0);
    for (const n of arg.names) names.push({ name: n.name, at: start + n.at });
    text += wrap ? `(${arg.text})` : arg.text;
  }
  return { text: text + x.text.slice(from), names };
}

/** The PlusCal algorithm in a module's comments. */
export async function readPlusCal(moduleText: string): Promise<PcalAlgorithm> {
  return withTlaTree(moduleText, (root) => {
    const found: Node[] = [];
    const visit = (n: Node) => {
      if (n.type === "pcal_algorithm") found.push(n);
      else for (const c of named(n)) visit(c);
    };
    visit(root);
    const [first, second] = found;
    if (!first) throw new PcalReadError("the module has no PlusCal algorithm");
    if (second) throw new PcalReadError("the module has more than one PlusCal algorithm", second);
    if (first.hasError) throw new PcalReadError("the PlusCal algorithm does not parse", first);
    return algorithm(first);
  });
}
