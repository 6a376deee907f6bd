/**
 * How generated files name their spec: by its path relative to the project root, the same whatever the
 * working directory and however the path was spelled on the command line.
 */
import path from "node:path";

/** The project-relative path of a file, with forward slashes on every platform. */
export function projectPath(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join("/");
}

/** How generated headers name a spec for `raidspec gen …`: its folder, or the file when it is not spec.ts. */
export function genArgument(source: string): string {
  const base = path.posix.basename(source);
  return base === "spec.ts" || base === "index.ts" ? path.posix.dirname(source) : source;
}
