/**
 * The reference library of a spec as it is now. Engines never import the committed
 * `reference/<id>.ts` (it is for importers, and `gen:check` keeps it honest): the library is rendered
 * from the loaded IR, transpiled to JavaScript with the TypeScript compiler ts-morph bundles, and
 * imported from a private cache. A cache entry is named by a digest of the IR and of the generator's
 * own source, so an edited spec (or generator) is never answered from an older library, and a spec
 * checked again costs one file read.
 */
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Spec } from "../../generator/ir.ts";
import type { ReferenceModel } from "../model.ts";
import { EngineError } from "../result.ts";

const packageRoot = fileURLToPath(new URL("../../", import.meta.url));

/** Cache entries kept; older ones are removed when a new one is written. */
const KEEP = 64;

/** The spec's reference library, generated from its IR now (or found in the cache under the same digest). */
export async function referenceOf(spec: Spec): Promise<ReferenceModel<unknown>> {
  const key = digest(`${generatorDigest()}\n${JSON.stringify(spec)}`);
  const file = path.join(cacheDir(), `${key}.mjs`);
  if (!exists(file)) {
    const { renderReference } = await import("../../generator/typescript/reference.ts");
    writeEntry(file, await transpile(renderReference(spec)));
  }
  return importModel(file, spec.name);
}

/** A reference library given as TypeScript text (a test's mutated IR, say), imported the same way. */
export async function referenceFromText(text: string): Promise<ReferenceModel<unknown>> {
  const file = path.join(cacheDir(), `${digest(text)}.mjs`);
  if (!exists(file)) writeEntry(file, await transpile(text));
  return importModel(file, "the reference library");
}

async function importModel(file: string, name: string): Promise<ReferenceModel<unknown>> {
  const mod = (await import(pathToFileURL(file).href)) as { model?: ReferenceModel<unknown> };
  if (!mod.model || !Array.isArray(mod.model.variants))
    throw new EngineError("internal", `The reference library generated for ${name} does not export a model (${file}).`);
  return mod.model;
}

async function transpile(text: string): Promise<string> {
  const { ts } = await import("ts-morph");
  const out = ts.transpileModule(text, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022, removeComments: false },
    reportDiagnostics: false,
  });
  return out.outputText;
}

const digest = (text: string): string => createHash("sha256").update(text).digest("hex").slice(0, 32);

let generatorHash: string | undefined;

/** A digest of the generator's source: a changed generator renders different libraries. */
function generatorDigest(): string {
  if (generatorHash) return generatorHash;
  const h = createHash("sha256");
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/\.(ts|hbs)$/.test(entry.name)) h.update(`${path.relative(packageRoot, p)}\0`).update(readFileSync(p)).update("\0");
    }
  };
  walk(path.join(packageRoot, "generator"));
  generatorHash = h.digest("hex");
  return generatorHash;
}

let dir: string | undefined;

/**
 * The cache folder: node_modules/.cache/raidspec/reference in raidspec's own folder, else a folder of
 * this user's in the system temp folder. The cache holds code that is run, so a folder someone else
 * could write to is refused.
 */
function cacheDir(): string {
  if (dir) return dir;
  const candidates = [path.join(packageRoot, "node_modules", ".cache", "raidspec", "reference"), path.join(tmpdir(), `raidspec-${userInfo().uid}`, "reference")];
  for (const candidate of candidates) {
    try {
      mkdirSync(candidate, { recursive: true, mode: 0o700 });
      const st = lstatSync(candidate);
      const uid = process.getuid?.();
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0) continue;
      writeFileSync(path.join(candidate, ".probe"), "");
      dir = candidate;
      return candidate;
    } catch {
      // not writable: try the next place
    }
  }
  throw new EngineError("internal", `raidspec found no private folder to cache generated reference libraries in (tried ${candidates.join(", ")}).`);
}

/** Whether a cache entry exists; a used entry is marked recent, so pruning keeps it. */
function exists(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    const now = new Date();
    utimesSync(file, now, now);
    return true;
  } catch {
    return false;
  }
}

/** Writes a cache entry atomically (a temporary name, then a rename) and trims the cache. */
function writeEntry(file: string, text: string): void {
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    writeFileSync(temp, text, { mode: 0o600 });
    renameSync(temp, file);
  } finally {
    rmSync(temp, { force: true });
  }
  prune(path.dirname(file));
}

function prune(folder: string): void {
  try {
    const entries = readdirSync(folder)
      .map((name) => {
        const p = path.join(folder, name);
        return { p, name, mtime: statSync(p).mtimeMs };
      })
      .sort((a, b) => b.mtime - a.mtime);
    const hour = 3_600_000;
    let kept = 0;
    for (const e of entries) {
      if (e.name.endsWith(".mjs") && ++kept > KEEP) rmSync(e.p, { force: true });
      // A temporary file an interrupted run left behind.
      else if (e.name.endsWith(".tmp") && Date.now() - e.mtime > hour) rmSync(e.p, { force: true });
    }
  } catch {
    // another process pruned at the same time: nothing to do
  }
}
