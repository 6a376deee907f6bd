/**
 * Loading a spec: find its file, type-check it with the TypeScript compiler, read it into the IR and
 * check the IR. The only entry point of the front end.
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { DiagnosticCategory, Project, ts } from "ts-morph";
import type { Spec } from "../ir.ts";
import { checkSpec } from "./check.ts";
import { SpecError, type SpecProblem } from "./errors.ts";
import { readSpec } from "./read-spec.ts";

export interface LoadedSpec {
  /** Short name used for output folders: the spec's directory name (`peterson`, `raid5`). */
  id: string;
  /** Absolute path of the spec source file. */
  file: string;
  spec: Spec;
}

/** `spec/examples/peterson`, `…/peterson/spec.ts` or `…/peterson.ts` → the spec source file. */
export function resolveSpecFile(arg: string, root: string): string {
  const abs = path.resolve(root, arg);
  const candidates = [abs, `${abs}.ts`, path.join(abs, "spec.ts"), path.join(abs, "index.ts")];
  const found = candidates.find((c) => existsSync(c) && statSync(c).isFile());
  if (!found)
    throw new SpecError([
      {
        loc: { file: arg, line: 1, column: 1 },
        message: `No spec found at ${arg}`,
        hint: "Pass a spec folder containing spec.ts (e.g. spec/examples/peterson) or a .ts file.",
      },
    ]);
  return found;
}

export function specId(file: string): string {
  const base = path.basename(file, ".ts");
  return base === "spec" || base === "index" ? path.basename(path.dirname(file)) : base;
}

let project: Project | undefined;

function sharedProject(root: string): Project {
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
      rootDir: root,
    },
  });
  return project;
}

export function loadSpec(arg: string, options: { root?: string; typecheck?: boolean } = {}): LoadedSpec {
  const root = options.root ?? process.cwd();
  const file = resolveSpecFile(arg, root);
  const rel = path.relative(root, file);
  const proj = sharedProject(root);
  const existing = proj.getSourceFile(file);
  if (existing) proj.removeSourceFile(existing);
  const source = proj.addSourceFileAtPath(file);
  proj.resolveSourceFileDependencies();
  if (options.typecheck !== false) {
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
          loc: { file: path.relative(root, where.getFilePath()), line, column },
          message: `type error TS${d.getCode()}: ${message}`,
          hint: "Fix the type error; raidspec reads only specs that type-check.",
        };
      });
    if (problems.length > 0) throw new SpecError(problems);
  }
  const spec = readSpec(source, rel);
  checkSpec(spec);
  return { id: specId(file), file, spec };
}
