/**
 * Names a generated module may not use for its own definitions, variables or bound names: TLA+'s
 * reserved words and built-in operators, what the standard modules a module EXTENDS define (SANY
 * rejects a redefinition or a bound name that reuses one: "Multiple declarations or definitions for
 * symbol Cardinality", "Multiply-defined symbol 'Nat'"), the standard modules' own names (a module
 * named `Naturals` that EXTENDS Naturals is a circular dependency), the names the PlusCal translation
 * defines, and PlusCal's keywords.
 *
 * One list, read by the front end (which rejects such names at the spec), by the bound-name pass
 * (which never picks one) and by the SANY-rules checker (which knows what the standard modules define).
 */

/** TLA+ reserved words (the TLA+2 grammar, as SANY's tokenizer reads them). */
export const tlaReservedWords: readonly string[] = (
  "ASSUME ASSUMPTION AXIOM BOOLEAN BY CASE CHOOSE CONSTANT CONSTANTS COROLLARY DEF DEFINE DEFS DOMAIN ELSE " +
  "ENABLED EXCEPT EXTENDS FALSE HAVE HIDE IF IN INSTANCE LAMBDA LEMMA LET LOCAL MODULE NEW OBVIOUS OMITTED " +
  "ONLY OTHER PICK PROOF PROPOSITION PROVE QED RECURSIVE SF_ STATE STRING SUBSET SUFFICES TAKE TEMPORAL THEN " +
  "THEOREM TRUE UNCHANGED UNION USE VARIABLE VARIABLES WF_ WITH WITNESS ACTION"
).split(" ");

/**
 * The names the standard modules a generated module EXTENDS (or will: Sequences) define and export,
 * written as identifiers (infix symbols such as `+` or `\o` cannot clash with an identifier). TLC's
 * own LOCAL INSTANCEs of Naturals, Sequences and FiniteSets are not exported.
 */
export const standardOperators: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  Naturals: { Nat: 0 },
  Integers: { Nat: 0, Int: 0 },
  FiniteSets: { IsFiniteSet: 1, Cardinality: 1 },
  Sequences: { Seq: 1, Len: 1, Append: 2, Head: 1, Tail: 1, SubSeq: 3, SelectSeq: 2 },
  TLC: {
    Print: 2,
    PrintT: 1,
    Assert: 2,
    JavaTime: 0,
    TLCGet: 1,
    TLCSet: 2,
    Permutations: 1,
    SortSeq: 2,
    RandomElement: 1,
    Any: 0,
    ToString: 1,
    TLCEval: 1,
  },
};

/** The modules a generated module EXTENDS (see the module template), and the one the language will add. */
export const extendedModules: readonly string[] = ["Integers", "FiniteSets", "TLC", "Sequences"];

/** Every module SANY finds among its standard modules (tla2sany/StandardModules): none may be a spec's name. */
export const standardModules: readonly string[] = [
  "Bags",
  "FiniteSets",
  "Integers",
  "Json",
  "Naturals",
  "Randomization",
  "RealTime",
  "Reals",
  "Sequences",
  "TLC",
  "TLCExt",
  "Toolbox",
];

/** What the PlusCal translation (raidspec's and pcal.trans's) defines or uses as labels. */
export const translationNames: readonly string[] = [
  "Init",
  "Next",
  "Spec",
  "vars",
  "ProcSet",
  "pc",
  "stack",
  "self",
  "Terminating",
  "Termination",
  "defaultInitValue",
  "Done",
  "Error",
  // raidspec's own additions: the type invariant and the "no value" of optional domains.
  "TypeOK",
  "NoValue",
  // The set of a bounded sequence domain and its parameters, and the embedded engine's constraint.
  "BoundedSeq",
  "elems_",
  "max_",
  "len_",
  "RaidspecInModel",
  "Symmetry",
];

/** PlusCal's keywords (P-syntax and C-syntax). */
export const plusCalKeywords: readonly string[] = (
  "algorithm fair process begin end variables variable define macro procedure call return goto skip await " +
  "when either or with while do if then else elsif print assert"
).split(" ");

/** The operators (name → number of arguments) that EXTENDS of these standard modules brings into scope. */
export function extendedOperators(modules: readonly string[]): Map<string, number> {
  return new Map(modules.flatMap((m) => Object.entries(standardOperators[m] ?? {})));
}

/** Every identifier a spec may not use as a name of its own, with the reason. */
export function reservedNameReason(name: string): string | undefined {
  if (tlaReservedWords.includes(name)) return "a TLA+ reserved word";
  for (const [module, names] of Object.entries(standardOperators))
    if (Object.hasOwn(names, name)) return `defined by the standard module ${module}`;
  if (standardModules.includes(name)) return "the name of a TLA+ standard module";
  if (translationNames.includes(name)) return "defined by the PlusCal translation";
  if (plusCalKeywords.includes(name)) return "a PlusCal keyword";
  return undefined;
}

/** True when a generated binder must not take this name. */
export const isReserved = (name: string): boolean => reservedNameReason(name) !== undefined;

/** Why a spec name cannot be a TLA+ module name, if it cannot. */
export function moduleNameProblem(name: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) return "is not a TLA+ module name (letters, digits and _, starting with a letter)";
  if (standardModules.includes(name))
    return "is the name of a TLA+ standard module: SANY would read the spec's module where the standard one is EXTENDed (a circular dependency)";
  if (tlaReservedWords.includes(name)) return "is a TLA+ reserved word";
  return undefined;
}
