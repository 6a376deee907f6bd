/**
 * Infix and prefix operators next to each other, as SANY's operator-precedence parser reads them
 * (tla2sany/parser/OperatorStack.java, with the ranges of Operators.java): two operators whose
 * precedence ranges overlap cannot be mixed without parentheses unless they are the same
 * left-associative operator ("Precedence conflict between ops \lor and \land"); where the ranges do not
 * overlap, the tree must be the one SANY builds (the tighter operator deeper), or the text means
 * something else than the generator meant. Unary minus also conflicts right after a tighter infix
 * operator (`a * -b`).
 *
 * The tree-sitter grammar has resolved the text into a tree already; the rule checks, for every
 * operator and each operand written without parentheses, that SANY would accept the pair and build
 * the same tree.
 */
import type { Node } from "web-tree-sitter";
import { type Report, field, isComment, named, oneLine } from "./problem.ts";

interface Prec {
  low: number;
  high: number;
  left?: boolean;
  /** Only unary minus: SANY's "mixfix" check for a prefix operator right after an infix one. */
  mixfix?: boolean;
}

const p = (low: number, high = low, left = false): Prec => ({ low, high, left });

/** SANY's ranges by tree-sitter's symbol node names (infix). */
const infix: Record<string, Prec> = {
  implies: p(10),
  equiv: p(20),
  iff: p(20),
  leads_to: p(20),
  plus_arrow: p(20),
  lor: p(30, 30, true),
  land: p(30, 30, true),
  eq: p(50),
  neq: p(50),
  lt: p(50),
  gt: p(50),
  leq: p(50),
  geq: p(50),
  in: p(50),
  notin: p(50),
  subseteq: p(50),
  subset: p(50),
  supseteq: p(50),
  supset: p(50),
  assign: p(50),
  compose: p(60, 60, true),
  map_to: p(70),
  map_from: p(70),
  cup: p(80, 80, true),
  cap: p(80, 80, true),
  setminus: p(80),
  dots_2: p(90),
  dots_3: p(90),
  plus: p(100, 100, true),
  minus: p(110, 110, true),
  mod: p(100, 110),
  times: p(100, 130, true),
  mul: p(130, 130, true),
  div: p(130),
  slash: p(130),
  circ: p(130, 130, true),
  pow: p(140),
};

/** Prefix operators by tree-sitter's symbol node names. */
const prefix: Record<string, Prec> = {
  lnot: p(40),
  negative: { ...p(120), mixfix: true },
  domain: p(100, 130),
  powerset: p(100, 130),
  union: p(100, 130),
  unchanged: p(40, 150),
  enabled: p(40, 150),
  always: p(40, 150),
  eventually: p(40, 150),
};

function opOf(node: Node): { prec: Prec; symbol: string; kind: "infix" | "prefix" } | undefined {
  const symbol = field(node, "symbol");
  if (!symbol) return undefined;
  if (node.type === "bound_infix_op") {
    const prec = infix[symbol.type];
    return prec ? { prec, symbol: symbol.type, kind: "infix" } : undefined;
  }
  if (node.type === "bound_prefix_op") {
    const prec = prefix[symbol.type];
    return prec ? { prec, symbol: symbol.type, kind: "prefix" } : undefined;
  }
  return undefined;
}

/** Whether SANY reads `parent` with `child` as its operand on `side`, written without parentheses. */
function accepts(parent: NonNullable<ReturnType<typeof opOf>>, child: NonNullable<ReturnType<typeof opOf>>, side: "lhs" | "rhs"): boolean {
  const P = parent.prec;
  const C = child.prec;
  const same = parent.symbol === child.symbol && parent.kind === child.kind;
  if (parent.kind === "prefix") {
    // op (a ∘ b): SANY shifts ∘ only if op's range is below ∘'s.
    return child.kind === "infix" ? P.high < C.low : true;
  }
  if (side === "lhs") {
    // (a ∘ b) • c or (-a) • c: SANY reduces the left operator first only if it binds tighter, or
    // it is the same left-associative operator.
    return C.low > P.high || (same && P.left === true);
  }
  if (child.kind === "prefix") return !(C.mixfix === true && P.low > C.high);
  return P.high < C.low;
}

const symbolText = (node: Node): string => field(node, "symbol")?.text ?? node.type;

export function checkPrecedence(root: Node, report: Report): void {
  const visit = (node: Node): void => {
    if (isComment(node)) return;
    const op = opOf(node);
    if (op) {
      const operands: ["lhs" | "rhs", Node | undefined][] = [
        ["lhs", field(node, "lhs")],
        ["rhs", field(node, "rhs")],
      ];
      for (const [side, child] of operands) {
        if (!child) continue;
        const inner = opOf(child);
        if (inner && !accepts(op, inner, side))
          report(
            "precedence",
            child,
            `Precedence conflict between ops ${symbolText(node)} and ${symbolText(child)}: SANY rejects or regroups \`${oneLine(node.text)}\` without parentheses around \`${oneLine(child.text)}\``,
          );
      }
    }
    for (const c of named(node)) visit(c);
  };
  visit(root);
}
