/**
 * Generating every artefact of a spec, and writing them (or comparing them with what is committed).
 * Files are written to a temporary name and renamed, so a failed run never leaves half a file, and
 * only inside the project's tla/ and reference/ folders.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { LoadedSpec } from "./frontend/load.ts";
import { checkTlaSyntax } from "./tla/syntax.ts";
import { moduleName, renderConfig, renderModule, stateLevelNames } from "./tla/module.ts";
import { checkSanyRules, formatSanyRuleProblem } from "./tla/sany-rules/index.ts";
import { renderReference } from "./typescript/reference.ts";
import { genArgument, projectPath } from "./spec-source.ts";
import { isLeftoverTemp, removeLeftoverTemps, writeFileAtomic } from "./atomic-write.ts";
import { fail } from "./frontend/errors.ts";

export interface Artefact {
  /** Path relative to the project root. */
  path: string;
  text: string;
}

/** Every generated file of a spec: one module per variant, one .cfg per configuration, the reference. */
export async function artefactsOf(loaded: LoadedSpec): Promise<Artefact[]> {
  const { spec, id } = loaded;
  const out: Artefact[] = [];
  for (const variant of [null, ...spec.variants.map((v) => v.name)]) {
    const text = renderModule(spec, variant, genArgument(spec.source));
    const syntax = await checkTlaSyntax(text);
    if (!syntax.ok) {
      const first = syntax.errors[0];
      throw new Error(
        `internal error: the generated module ${moduleName(spec, variant)} does not parse (line ${first?.line}, column ${first?.column}: ${first?.message}); please report it with the spec`,
      );
    }
    await checkGeneratedModule(text, moduleName(spec, variant), stateLevelNames(spec));
    out.push({ path: `tla/${id}/${moduleName(spec, variant)}.tla`, text });
  }
  for (const config of spec.configs) out.push({ path: `tla/${id}/${config.name}.cfg`, text: renderConfig(spec, config) });
  out.push({ path: `reference/${id}.ts`, text: renderReference(spec) });
  return out;
}

/**
 * The rules of TLC's parser that the generator could break (sany-rules/): a module that breaks one
 * is a raidspec bug, never written.
 */
export async function checkGeneratedModule(text: string, module: string, stateLevel: string[]): Promise<void> {
  const problems = await checkSanyRules(text, { stateLevel });
  if (problems.length === 0) return;
  throw new Error(
    [
      `internal error: the generated module ${module} breaks ${problems.length === 1 ? "a rule" : `${problems.length} rules`} of TLC's parser (SANY) or of TLC; this is a raidspec bug, please report it with the spec:`,
      ...problems.slice(0, 10).map((p) => `  ${module}.tla: ${formatSanyRuleProblem(p)}`),
      ...(problems.length > 10 ? [`  … and ${problems.length - 10} more`] : []),
    ].join("\n"),
  );
}

/** Writes artefacts (paths relative to the project root, inside it), each atomically. */
export async function writeArtefacts(root: string, artefacts: Artefact[]): Promise<void> {
  const folders = new Set<string>();
  for (const a of artefacts) {
    const target = path.resolve(root, a.path);
    const rel = path.relative(root, target);
    if (rel.startsWith("..") || path.isAbsolute(rel)) throw new Error(`internal error: the generated file ${a.path} would be written outside the project ${root}`);
    await mkdir(path.dirname(target), { recursive: true });
    if (!folders.has(path.dirname(target))) {
      folders.add(path.dirname(target));
      removeLeftoverTemps(path.dirname(target));
    }
    await writeFileAtomic(target, a.text);
  }
}

/**
 * Files that differ from a fresh generation, are missing, or are generated leftovers of a spec folder.
 * Temporary files an interrupted run left behind are not generated files: they are ignored here (and
 * removed by the next `gen`).
 */
export async function staleArtefacts(root: string, id: string, artefacts: Artefact[]): Promise<string[]> {
  const stale: string[] = [];
  for (const a of artefacts) {
    const target = path.join(root, a.path);
    const current = existsSync(target) ? await readFile(target, "utf8") : undefined;
    if (current !== a.text) stale.push(current === undefined ? `${a.path} (missing)` : `${a.path} (differs)`);
  }
  const dir = path.join(root, "tla", id);
  const expected = new Set(artefacts.map((a) => a.path));
  if (existsSync(dir))
    for (const f of readdirSync(dir)) if (!expected.has(`tla/${id}/${f}`) && !isLeftoverTemp(f)) stale.push(`tla/${id}/${f} (no longer generated)`);
  return stale;
}

/**
 * A spec's output folder (`tla/<id>/`, `reference/<id>.ts`) belongs to one spec: another spec with the
 * same id in the project, or generated files that name another spec as their source, are an error
 * naming both.
 */
export function checkOutputOwner(loaded: LoadedSpec, others: { id: string; file: string }[]): void {
  const { root, id, spec } = loaded;
  const clash = others.find((o) => o.id === id && path.resolve(o.file) !== path.resolve(loaded.file));
  const owner = clash ? projectPath(root, clash.file) : generatedFrom(root, id);
  if (owner && owner !== spec.source)
    fail(
      spec.loc ?? { file: spec.source, line: 1, column: 1 },
      `This spec and ${owner} would both generate tla/${id}/ and reference/${id}.ts (a spec's id is its folder name)`,
      "Rename one spec's folder (or file): every spec of a project needs its own id.",
    );
}

/** The spec source that the generated files of an id name (the reference library's header, else a module's). */
function generatedFrom(root: string, id: string): string | undefined {
  const header = (file: string, re: RegExp) => {
    try {
      return re.exec(readFileSync(file, "utf8").slice(0, 2000))?.[1];
    } catch {
      return undefined;
    }
  };
  const fromReference = header(path.join(root, `reference/${id}.ts`), /the reference library generated by raidspec from (\S+)\.\n/);
  if (fromReference) return fromReference;
  const dir = path.join(root, "tla", id);
  const module = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith(".tla")) : undefined;
  return module ? header(path.join(dir, module), /\\\* Generated by raidspec from (\S+?)(?:, variant|\.\n)/) : undefined;
}

/** Every spec under spec/ (a folder with spec.ts), the DSL itself excluded. */
export function discoverSpecs(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name === "dsl" || entry.name === "node_modules") continue;
      const sub = path.join(dir, entry.name);
      if (existsSync(path.join(root, sub, "spec.ts"))) found.push(sub);
      walk(sub);
    }
  };
  if (existsSync(path.join(root, "spec"))) walk("spec");
  return found.sort();
}
