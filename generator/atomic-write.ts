/**
 * Writing a file so that no reader ever sees half of it: the text goes to a temporary file beside the
 * target (same folder, so the rename is atomic), which is then renamed over it. A run killed between
 * the two leaves the temporary file; it is hidden, recognisable, and removed by the next run.
 */
import { readdirSync, rmSync } from "node:fs";
import { rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";

const TEMP = /^\..+\.raidspec-(\d+)-[a-z0-9]+\.tmp$/;
/** The temporary names earlier versions of raidspec used (`name.PID.tmp`). */
const OLD_TEMP = /\.(\d+)\.tmp$/;

export async function writeFileAtomic(target: string, text: string): Promise<void> {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.raidspec-${process.pid}-${Math.random().toString(36).slice(2, 8)}.tmp`);
  try {
    await writeFile(temp, text);
    await rename(temp, target);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}

/** Whether a file name is a temporary file of a raidspec run that is no longer running. */
export function isLeftoverTemp(name: string): boolean {
  const pid = Number((TEMP.exec(name) ?? OLD_TEMP.exec(name))?.[1]);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false; // that run is still going
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** Removes the leftover temporary files in a folder; returns their names. */
export function removeLeftoverTemps(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed = names.filter(isLeftoverTemp);
  for (const name of removed) rmSync(path.join(dir, name), { force: true });
  return removed;
}
