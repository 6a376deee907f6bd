/**
 * Loading a generated reference library at run time (we run under tsx or vitest, so importing the
 * `.ts` file works as it is).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ReferenceModel } from "../model.ts";
import { EngineError } from "../result.ts";

/** `reference/<id>.ts` under `root`, imported; its `model` export. */
export async function loadReference(id: string, root: string): Promise<ReferenceModel<unknown>> {
  // The path is spelled out here rather than imported from the generator, which would load ts-morph.
  const rel = `reference/${id}.ts`;
  const file = path.join(root, rel);
  if (!existsSync(file))
    throw new EngineError("usage", `There is no reference library ${rel}.`, "Generate it with `raidspec gen <spec>` (or npm run gen).");
  const mod = (await import(pathToFileURL(file).href)) as { model?: ReferenceModel<unknown> };
  if (!mod.model || !Array.isArray(mod.model.variants))
    throw new EngineError("usage", `${rel} does not export a reference model.`, "Regenerate it with `raidspec gen <spec>`.");
  return mod.model;
}
