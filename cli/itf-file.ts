/**
 * The `--itf` file: checked before the model check runs (its folder exists, and it is either new or
 * an earlier ITF trace, so a mistyped path never overwrites a spec, a library or a folder), then
 * written atomically.
 */
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../generator/atomic-write.ts";
import { EngineError } from "../engines/result.ts";

/** The absolute path to write the trace to, or the usage error that says why not. */
export function checkItfTarget(arg: string): string {
  const target = path.resolve(process.cwd(), arg);
  const folder = path.dirname(target);
  const kind = (p: string) => {
    try {
      const s = statSync(p);
      return s.isDirectory() ? "folder" : s.isFile() ? "file" : "other";
    } catch {
      return "none";
    }
  };
  if (kind(folder) !== "folder") throw new EngineError("usage", `--itf ${arg}: the folder ${folder} does not exist.`, "Create it first, or name a file in an existing folder.");
  const existing = kind(target);
  if (existing === "folder") throw new EngineError("usage", `--itf ${arg} is a folder.`, "Name the trace file, e.g. --itf trace.itf.json.");
  if (existing === "other") throw new EngineError("usage", `--itf ${arg} is not a regular file.`, "Name a new file or an earlier ITF trace.");
  if (existing === "file" && !isItfTrace(target))
    throw new EngineError("usage", `--itf ${arg} exists and is not an ITF trace: raidspec does not overwrite it.`, "Name a new file (or an earlier ITF trace written by raidspec).");
  return target;
}

function isItfTrace(file: string): boolean {
  try {
    const doc = JSON.parse(readFileSync(file, "utf8")) as { "#meta"?: { format?: unknown }; states?: unknown };
    return doc["#meta"]?.format === "ITF" && Array.isArray(doc.states);
  } catch {
    return false;
  }
}

export async function writeItf(target: string, itf: unknown): Promise<void> {
  try {
    await writeFileAtomic(target, `${JSON.stringify(itf, null, 1)}\n`);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
    throw new EngineError("usage", `Could not write the ITF trace to ${target} (${code}).`, "Name a file in a folder you can write to.");
  }
}
