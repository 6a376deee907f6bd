/**
 * Generating every artefact of a spec, and writing them (or comparing them with what is committed).
 * Files are written to a temporary name and renamed, so a failed run never leaves half a file.
 */
import { existsSync, readdirSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { LoadedSpec } from "./frontend/load.ts";
import { checkTlaSyntax } from "./tla/syntax.ts";
import { moduleName, renderConfig, renderModule, stateLevelNames } from "./tla/module.ts";
import { checkSanyRules, formatSanyRuleProblem } from "./tla/sany-rules/index.ts";
import { renderReference } from "./typescript/reference.ts";

export interface Artefact {
  /** Path relative to the project root. */
  path: string;
  text: string;
}

/** Every generated file of a spec: one module per variant, one .cfg per configuration, the reference. */
export async function artefactsOf(loaded: LoadedSpec, specArg: string): Promise<Artefact[]> {
  const { spec, id } = loaded;
  const out: Artefact[] = [];
  for (const variant of [null, ...spec.variants.map((v) => v.name)]) {
    const text = renderModule(spec, variant, specArg);
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
  out.push({ path: `reference/${id}.ts`, text: renderReference(spec, specArg) });
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

export async function writeArtefacts(root: string, artefacts: Artefact[]): Promise<void> {
  for (const a of artefacts) {
    const target = path.join(root, a.path);
    await mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${process.pid}.tmp`;
    await writeFile(temp, a.text);
    await rename(temp, target);
  }
}

/** Files that differ from a fresh generation, are missing, or are generated leftovers of a spec folder. */
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
    for (const f of readdirSync(dir)) if (!expected.has(`tla/${id}/${f}`)) stale.push(`tla/${id}/${f} (no longer generated)`);
  return stale;
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
  walk("spec");
  return found.sort();
}
