/**
 * `raidspec gen`: generate (or, with --check, compare) the committed artefacts of specs. Each spec's
 * files go to its own project, in a folder no other spec of the project shares.
 */
import path from "node:path";
import { loadSpec } from "../generator/frontend/load.ts";
import { findProjectRoot, specId } from "../generator/frontend/project.ts";
import { projectPath } from "../generator/spec-source.ts";
import { artefactsOf, checkOutputOwner, discoverSpecs, staleArtefacts, writeArtefacts } from "../generator/write.ts";
import { EngineError } from "../engines/result.ts";

export interface GenResult {
  /** Per spec (by its folder, project-relative): the files written. */
  written: { spec: string; files: string[] }[];
  /** With `check`: the files that are out of date, missing or no longer generated. */
  stale: string[];
  specs: number;
}

export async function genCommand(args: string[], opts: { all?: boolean; check?: boolean; cwd?: string }): Promise<GenResult> {
  const cwd = opts.cwd ?? process.cwd();
  const projectRoot = opts.all ? findProjectRoot(path.join(cwd, "package.json")) : undefined;
  const specs = projectRoot ? discoverSpecs(projectRoot).map((s) => path.join(projectRoot, s)) : args;
  if (specs.length === 0) throw new EngineError("usage", "Name a spec (e.g. raidspec gen spec/examples/peterson) or pass --all.");
  const loadedSpecs = specs.map((arg) => loadSpec(arg, { cwd }));
  const result: GenResult = { written: [], stale: [], specs: specs.length };
  for (const loaded of loadedSpecs) {
    // Every spec of the project (and of this run) must have its own output folder.
    const project = discoverSpecs(loaded.root).map((s) => path.join(loaded.root, s, "spec.ts"));
    checkOutputOwner(loaded, [...loadedSpecs.map((l) => ({ id: l.id, file: l.file })), ...project.map((file) => ({ id: specId(file), file }))]);
    const artefacts = await artefactsOf(loaded);
    if (opts.check) result.stale.push(...(await staleArtefacts(loaded.root, loaded.id, artefacts)));
    else {
      await writeArtefacts(loaded.root, artefacts);
      result.written.push({ spec: projectPath(loaded.root, path.dirname(loaded.file)), files: artefacts.map((a) => a.path) });
    }
  }
  return result;
}
