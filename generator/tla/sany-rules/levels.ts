/**
 * Primes where none may be. TLC evaluates the initial predicate, the invariants (TypeOK among them)
 * and the operators they use in single states, so none may contain a prime or UNCHANGED, directly
 * or through a definition it uses (TLC stops with "… is not a state predicate" where SANY itself
 * is silent); and nothing may prime an expression that is primed already (SANY: "Level error in
 * applying operator '").
 *
 * Levels as in the TLA+ book: 0 constant, 1 state, 2 action, 3 temporal; a definition's level is its
 * body's, with its parameters taken as constants.
 */
import type { Node } from "web-tree-sitter";
import { type Report, field, isComment, named } from "./problem.ts";
import type { ModuleSymbols } from "./scope.ts";

interface Level {
  level: number;
  /** The node that makes it an action (a prime, an UNCHANGED, or a use of an action-level definition). */
  witness?: Node;
}

export function checkLevels(symbols: ModuleSymbols, root: Node, stateLevel: readonly string[], report: Report): void {
  const memo = new Map<string, Level>();
  const inProgress = new Set<string>();

  const ofDefinition = (name: string): Level => {
    const known = memo.get(name);
    if (known) return known;
    const def = symbols.definitions.get(name);
    if (!def || inProgress.has(name)) return { level: 0 };
    inProgress.add(name);
    const level = levelOf(def.body, new Set(def.params));
    inProgress.delete(name);
    memo.set(name, level);
    return level;
  };

  const max = (levels: Level[]): Level => levels.reduce((a, b) => (b.level > a.level ? b : a), { level: 0 });

  const levelOf = (node: Node, params: ReadonlySet<string>): Level => {
    if (isComment(node)) return { level: 0 };
    const sub = () => max(named(node).map((c) => levelOf(c, params)));
    switch (node.type) {
      case "identifier_ref": {
        if (params.has(node.text)) return { level: 0 };
        if (symbols.variables.has(node.text)) return { level: 1 };
        const def = ofDefinition(node.text);
        return def.level >= 2 ? { level: def.level, witness: node } : def;
      }
      case "bound_op": {
        const name = field(node, "name");
        const def = name && !params.has(name.text) ? ofDefinition(name.text) : { level: 0 };
        const args = max(named(node).filter((c) => c !== name).map((c) => levelOf(c, params)));
        return max([def.level >= 2 && name ? { level: def.level, witness: name } : def, args]);
      }
      case "bound_postfix_op": {
        const symbol = field(node, "symbol");
        const operand = field(node, "lhs");
        if (symbol?.type !== "prime" || !operand) return sub();
        const inner = levelOf(operand, params);
        if (inner.level >= 2) report("prime", node, `\`${node.text}\` primes an expression that is already an action (a prime of a primed value)`);
        return { level: 2, witness: node };
      }
      case "bound_prefix_op": {
        const symbol = field(node, "symbol");
        if (symbol?.type === "unchanged") return { level: 2, witness: node };
        if (symbol?.type === "always" || symbol?.type === "eventually") return { level: 3, witness: node };
        return sub();
      }
      case "step_expr_or_stutter":
        return { level: 3, witness: node };
      default:
        return sub();
    }
  };

  // Every definition is looked at, so a prime of a primed value is found wherever it is.
  for (const name of symbols.definitions.keys()) ofDefinition(name);
  for (const name of stateLevel) {
    const def = symbols.definitions.get(name);
    if (!def) continue;
    const level = ofDefinition(name);
    if (level.level >= 2 && level.witness)
      report(
        "prime",
        level.witness,
        `${name} must be evaluable in one state (TLC checks it as a state predicate or uses it in one), but \`${level.witness.text}\` is ${level.level === 2 ? "an action" : "temporal"}`,
      );
  }
  void root;
}
