/**
 * Loading a spec: find its file, type-check it with the TypeScript compiler, read it into the IR and
 * check the IR. The only entry point of the front end.
 */
import { readFileSync } from "node:fs";
import { DiagnosticCategory, Project, ts } from "ts-morph";
import type { Spec } from "../ir.ts";
import { checkSpec } from "./check.ts";
import { SpecError, type SpecProblem, fail } from "./errors.ts";
import { readSpec } from "./read-spec.ts";
import { MAX_BRACKETS, MAX_TREE_DEPTH, checkNesting, checkTreeDepth } from "./nesting.ts";
import { findProjectRoot, resolveSpecFile, specId } from "./project.ts";
import { projectPath } from "../spec-source.ts";
import { checkConfigurations } from "./check-configs.ts";
import { checkInputs } from "./check-inputs.ts";

export { resolveSpecFile, specId } from "./project.ts";

export interface LoadedSpec {
  /** Short name used for output folders: the spec's directory name (`peterson`, `raid5`). */
  id: string;
  /** Absolute path of the spec source file. */
  file: string;
  /** The project root (the nearest folder above the spec with a package.json): where tla/ and reference/ go. */
  root: string;
  spec: Spec;
}

let project: Project | undefined;

function sharedProject(): Project {
  // One compiler instance per process: type-checking several specs reuses the parsed DSL and lib files.
  project ??= new Project({
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      allowImportingTsExtensions: true,
      types: [],
      lib: ["lib.es2022.d.ts"],
    },
  });
  return project;
}

/**
 * Drops the shared compiler instance (the parsed DSL and lib files, tens of megabytes): a process
 * that has loaded its spec and goes on to a long model check calls it so the memory is the search's.
 * A later `loadSpec` builds a new instance.
 */
export function releaseCompiler(): void {
  project = undefined;
}

/**
 * Loads a spec named by `arg` (a folder or a .ts file, relative to `cwd`, by default the working
 * directory). The project root is found from the spec itself unless `root` is given; `root` alone
 * also serves as the folder `arg` is relative to.
 */
export function loadSpec(arg: string, options: { root?: string; cwd?: string; typecheck?: boolean } = {}): LoadedSpec {
  const file = resolveSpecFile(arg, options.cwd ?? options.root ?? process.cwd());
  const root = options.root ?? findProjectRoot(file);
  const rel = projectPath(root, file);
  try {
    return readAndCheck(file, root, rel, options.typecheck !== false);
  } catch (e) {
    // A rejected spec leaves the shared compiler instance: checking the next one must not bind it.
    const bad = project?.getSourceFile(file);
    if (bad) project?.removeSourceFile(bad);
    if (!(e instanceof RangeError && /call stack/i.test(e.message))) throw e;
    // Nesting the checks above do not measure (a long chain of ?: say) can still exhaust the stack of
    // the TypeScript parser; its compiler instance is not reused after that.
    project = undefined;
    return fail(
      { file: rel, line: 1, column: 1 },
      `The spec nests too deeply for the TypeScript parser (raidspec accepts ${MAX_BRACKETS} levels of brackets and ${MAX_TREE_DEPTH} syntax levels)`,
      "Split deep expressions with helper(…) definitions or const names.",
    );
  }
}

function readAndCheck(file: string, root: string, rel: string, typecheck: boolean): LoadedSpec {
  // The TypeScript parser recurses once per nesting level: a spec nested deeper than the limit is
  // rejected before it can exhaust the stack.
  checkNesting(readFileSync(file, "utf8"), rel);
  const proj = sharedProject();
  const existing = proj.getSourceFile(file);
  if (existing) proj.removeSourceFile(existing);
  const source = proj.addSourceFileAtPath(file);
  proj.resolveSourceFileDependencies();
  checkTreeDepth(source, rel);
  if (typecheck) {
    const problems: SpecProblem[] = source
      .getPreEmitDiagnostics()
      .filter((d) => d.getCategory() === DiagnosticCategory.Error)
      .map((d) => {
        const pos = d.getStart() ?? 0;
        const where = d.getSourceFile() ?? source;
        const { line, column } = where.getLineAndColumnAtPos(pos);
        // The compiler's own message chain: ts-morph wraps it, and flattening the wrapper loses the text.
        const message = ts.flattenDiagnosticMessageText(d.compilerObject.messageText, "\n    ");
        return {
          loc: { file: projectPath(root, where.getFilePath()), line, column },
          message: `type error TS${d.getCode()}: ${message}`,
          hint: "Fix the type error; raidspec reads only specs that type-check.",
        };
      });
    if (problems.length > 0) throw new SpecError(problems);
  }
  const spec = readSpec(source, rel);
  checkSpec(spec);
  checkInputs(spec);
  checkConfigurations(spec);
  return { id: specId(file), file, root, spec };
}
