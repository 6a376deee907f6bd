/**
 * A syntax check of TLA+ text with the TLA+ tree-sitter grammar (WASM, no Java): the generator runs it
 * on every module it writes, so a template mistake shows up with a position before TLC or tla-checker
 * ever sees the module. It checks syntax only; SANY remains the judge of meaning.
 */
import { createRequire } from "node:module";
import { Language, Parser, type Node } from "web-tree-sitter";

export interface TlaSyntaxError {
  /** 1-based. */
  line: number;
  /** 1-based, in characters. */
  column: number;
  message: string;
}

export interface TlaSyntaxResult {
  ok: boolean;
  errors: TlaSyntaxError[];
}

// Loading the grammar costs tens of milliseconds; every module written in one run shares it.
let parserPromise: Promise<Parser> | undefined;

async function loadParser(): Promise<Parser> {
  const require = createRequire(import.meta.url);
  await Parser.init();
  const language = await Language.load(require.resolve("@tlaplus/tree-sitter-tlaplus/tree-sitter-tlaplus.wasm"));
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

function tlaParser(): Promise<Parser> {
  parserPromise ??= loadParser().catch((error: unknown) => {
    // A failed load is not cached, so a later call can try again.
    parserPromise = undefined;
    throw error;
  });
  return parserPromise;
}

/**
 * Innermost problems only: tree-sitter often wraps a whole module in one ERROR node around the
 * smaller ERROR or MISSING node that marks where parsing actually went wrong.
 */
function problemNodes(node: Node, found: Node[]): boolean {
  if (node.isMissing) {
    found.push(node);
    return true;
  }
  if (!node.hasError) return false;
  let inner = false;
  for (const child of node.children) {
    if (problemNodes(child, found)) inner = true;
  }
  if (node.isError && !inner) {
    found.push(node);
    return true;
  }
  return inner;
}

function describe(node: Node): string {
  if (node.isMissing) return `missing ${node.type.replace(/_/g, " ")}`;
  const text = node.text.split("\n")[0].trim();
  if (text === "") return "syntax error";
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return `syntax error at \`${shown}\``;
}

/** Parses `source` and hands its syntax tree's root to `use`; the tree is freed afterwards. */
export async function withTlaTree<T>(source: string, use: (root: Node) => T): Promise<T> {
  const parser = await tlaParser();
  const tree = parser.parse(source);
  if (!tree) throw new Error("The TLA+ grammar produced no syntax tree.");
  try {
    return use(tree.rootNode);
  } finally {
    tree.delete();
  }
}

/** Parses `source` as a TLA+ module and lists the places the grammar could not accept. */
export async function checkTlaSyntax(source: string): Promise<TlaSyntaxResult> {
  return withTlaTree(source, (root) => {
    const found: Node[] = [];
    problemNodes(root, found);
    // web-tree-sitter parses the JavaScript string as UTF-16, so its columns are string indices already.
    const errors = found
      .map((node) => ({
        line: node.startPosition.row + 1,
        column: node.startPosition.column + 1,
        message: describe(node),
      }))
      .sort((a, b) => a.line - b.line || a.column - b.column);
    if (errors.length === 0 && root.hasError) errors.push({ line: 1, column: 1, message: "syntax error" });
    return { ok: errors.length === 0, errors };
  });
}
