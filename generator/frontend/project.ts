/**
 * Where a spec lives: its source file, the project it belongs to, and the names derived from its path.
 * Everything here depends only on the spec file's real location, never on the working directory or
 * on how the path was spelled on the command line, so generated files come out the same from anywhere.
 */
import { existsSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { fail } from "./errors.ts";

export { genArgument, projectPath } from "../spec-source.ts";

/** `spec/examples/peterson`, `…/peterson/spec.ts` or `…/peterson.ts` (from `cwd`) → the spec source file. */
export function resolveSpecFile(arg: string, cwd: string): string {
  const abs = path.resolve(cwd, arg);
  const candidates = [abs, `${abs}.ts`, path.join(abs, "spec.ts"), path.join(abs, "index.ts")];
  const found = candidates.find((c) => existsSync(c) && statSync(c).isFile());
  const where = { file: arg, line: 1, column: 1 };
  if (!found) return fail(where, `No spec found at ${arg}`, "Pass a spec folder containing spec.ts (e.g. spec/examples/peterson) or a .ts file.");
  if (!/\.(ts|mts)$/.test(found))
    return fail(where, `${arg} is not a TypeScript spec`, "A spec is a .ts module (spec/<name>/spec.ts) whose default export is spec(…).");
  // A symlinked spec is the file it points at: one spec, one set of generated files.
  return realpathSync(found);
}

/**
 * The project a spec belongs to: the nearest folder above it with a package.json. Its `tla/` and
 * `reference/` receive the generated files, and spec paths in messages and headers are relative to it.
 */
export function findProjectRoot(file: string): string {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir)
      return fail(
        { file, line: 1, column: 1 },
        "The spec is not inside a project (no package.json in its folder or any folder above it)",
        "raidspec writes tla/ and reference/ at the project root: put the spec in a folder with a package.json (npm init -y makes one).",
      );
  }
}

/** The spec's short name, used for its output folders: the spec's folder name (`peterson`, `raid5`). */
export function specId(file: string): string {
  const base = path.basename(file).replace(/\.(ts|mts)$/, "");
  return base === "spec" || base === "index" ? path.basename(path.dirname(file)) : base;
}
