/**
 * The SANY-rules checker: the rules of TLC's parser (SANY) and of TLC that the TLA+ generator could
 * break, checked on the tree-sitter parse of a generated module, without Java.
 *
 * It is not SANY and does not claim to be: it knows the constructs this generator emits and the
 * standard modules it EXTENDS, and checks
 * - names: multiply-defined and undefined symbols, with TLA+'s scopes (scope.ts), operator arity;
 * - infix and prefix operators mixed without the parentheses SANY needs (precedence.ts);
 * - primes where none may be: in the initial predicate, the invariants and the operators they use
 *   (levels.ts);
 * - comparisons across value kinds visible in the text, such as a set of integers and strings (kinds.ts).
 * SANY stays the judge: the tests run it on every generated module when a TLC jar is at hand.
 */
import { withTlaTree } from "../syntax.ts";
import { checkKinds } from "./kinds.ts";
import { checkLevels } from "./levels.ts";
import { checkPrecedence } from "./precedence.ts";
import { type SanyRuleProblem, named, problemAt } from "./problem.ts";
import { checkScopes } from "./scope.ts";

export type { SanyRule, SanyRuleProblem } from "./problem.ts";

export interface SanyRulesOptions {
  /**
   * Definitions TLC evaluates in single states (the initial predicate, the invariants, the helpers
   * they use): none may contain a prime. Default: Init and TypeOK.
   */
  stateLevel?: readonly string[];
}

/** Every problem the rules find in a module, in text order. */
export async function checkSanyRules(source: string, options: SanyRulesOptions = {}): Promise<SanyRuleProblem[]> {
  return withTlaTree(source, (root) => {
    const problems: SanyRuleProblem[] = [];
    const report = (rule: SanyRuleProblem["rule"], node: Parameters<typeof problemAt>[1], message: string) => problems.push(problemAt(rule, node, message));
    const module = named(root).find((n) => n.type === "module");
    if (!module) return [{ rule: "undefined", line: 1, column: 1, message: "No module found" } as SanyRuleProblem];
    const symbols = checkScopes(module, report);
    checkPrecedence(module, report);
    checkLevels(symbols, module, options.stateLevel ?? ["Init", "TypeOK"], report);
    checkKinds(symbols, module, report);
    return problems.sort((a, b) => a.line - b.line || a.column - b.column);
  });
}

export function formatSanyRuleProblem(p: SanyRuleProblem): string {
  return `line ${p.line}, column ${p.column}: ${p.rule}: ${p.message}`;
}
