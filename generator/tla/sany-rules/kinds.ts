/**
 * Values TLC cannot compare, where the text shows their kinds. TLC compares the elements of a set to
 * normalize it and compares the two sides of `=`, `#` and `\in`; an integer against a string (or a
 * boolean) stops it: "Attempted to compare integer 0 with non-integer". Kinds are read from literals,
 * ranges, set operators, and definitions without parameters whose bodies show them (for example
 * `ProcSet == (Writers) \cup (Coordinator)` with `Writers == 1..N` and `Coordinator == {"c"}`).
 * Everything else (constants, variables, model values such as NoValue) is of unknown kind and
 * compatible with anything.
 */
import type { Node } from "web-tree-sitter";
import { type Report, field, isComment, named, oneLine } from "./problem.ts";
import type { ModuleSymbols } from "./scope.ts";

type Kind = "int" | "string" | "bool" | { set: Kind } | "unknown";

const show = (k: Kind): string => (typeof k === "string" ? (k === "int" ? "integers" : k === "string" ? "strings" : k === "bool" ? "booleans" : "?") : `sets of ${show(k.set)}`);

/** The kind of values of both, or undefined when they cannot be compared. */
function join(a: Kind, b: Kind): Kind | undefined {
  if (a === "unknown") return b;
  if (b === "unknown") return a;
  if (typeof a === "string" || typeof b === "string") return a === b ? a : undefined;
  const inner = join(a.set, b.set);
  return inner === undefined ? undefined : { set: inner };
}

const setOps = new Set(["cup", "cap", "setminus"]);
const intOps = new Set(["plus", "minus", "mul", "div", "mod"]);
const comparisons = new Set(["eq", "neq"]);
const orderings = new Set(["lt", "gt", "leq", "geq"]);

export function checkKinds(symbols: ModuleSymbols, root: Node, report: Report): void {
  const memo = new Map<string, Kind>();
  const inProgress = new Set<string>();
  const reported = new Set<number>();
  const flag = (node: Node, message: string) => {
    if (reported.has(node.startIndex)) return;
    reported.add(node.startIndex);
    report("value-kind", node, message);
  };

  const ofDefinition = (name: string): Kind => {
    const known = memo.get(name);
    if (known) return known;
    const def = symbols.definitions.get(name);
    if (!def || def.params.length > 0 || inProgress.has(name)) return "unknown";
    inProgress.add(name);
    const kind = kindOf(def.body);
    inProgress.delete(name);
    memo.set(name, kind);
    return kind;
  };

  const kindOf = (node: Node): Kind => {
    if (isComment(node)) return "unknown";
    const children = named(node);
    switch (node.type) {
      case "nat_number":
        return "int";
      case "string":
        return "string";
      case "boolean":
        return "bool";
      case "parentheses":
        return children[0] ? kindOf(children[0]) : "unknown";
      case "identifier_ref":
        return ofDefinition(node.text);
      case "finite_set_literal": {
        let element: Kind = "unknown";
        for (const c of children) {
          const k = kindOf(c);
          const joined = join(element, k);
          if (joined === undefined) {
            flag(c, `This set mixes ${show(element)} with ${show(k)}: TLC cannot compare them ("Attempted to compare …")`);
            return { set: "unknown" };
          }
          element = joined;
        }
        return { set: element };
      }
      case "bound_prefix_op": {
        for (const c of children) kindOf(c);
        return field(node, "symbol")?.type === "negative" ? "int" : "unknown";
      }
      case "bound_infix_op": {
        const symbol = field(node, "symbol")?.type ?? "";
        const lhs = field(node, "lhs");
        const rhs = field(node, "rhs");
        const l = lhs ? kindOf(lhs) : "unknown";
        const r = rhs ? kindOf(rhs) : "unknown";
        if (symbol === "dots_2") return { set: "int" };
        if (intOps.has(symbol)) return "int";
        if (setOps.has(symbol)) {
          const ls = typeof l === "object" ? l.set : "unknown";
          const rs = typeof r === "object" ? r.set : "unknown";
          const joined = join(ls, rs);
          if (joined === undefined) {
            flag(node, `\`${oneLine(node.text)}\` combines sets of ${show(ls)} and of ${show(rs)}: TLC cannot compare their elements`);
            return { set: "unknown" };
          }
          return { set: joined };
        }
        if (comparisons.has(symbol) && join(l, r) === undefined)
          flag(node, `\`${oneLine(node.text)}\` compares ${show(l)} with ${show(r)}: TLC stops ("Attempted to check equality of …")`);
        if (orderings.has(symbol) && ((l !== "unknown" && l !== "int") || (r !== "unknown" && r !== "int")))
          flag(node, `\`${oneLine(node.text)}\` orders values that are not integers: TLC stops`);
        if (symbol === "in" || symbol === "notin") {
          const element = typeof r === "object" ? r.set : "unknown";
          if (join(l, element) === undefined) flag(node, `\`${oneLine(node.text)}\` looks for ${show(l)} among ${show(element)}: TLC cannot compare them`);
        }
        return comparisons.has(symbol) || orderings.has(symbol) || symbol === "in" || symbol === "notin" ? "bool" : "unknown";
      }
      default:
        for (const c of children) kindOf(c);
        return "unknown";
    }
  };

  kindOf(root);
}
