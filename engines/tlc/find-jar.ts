/**
 * Finds TLC's `tla2tools.jar`: the `--tlc-jar` flag first, then `TLA2TOOLS_JAR`, then the places
 * TLA+ users usually have it. A path the user named that is not there is an error, never a silent
 * fall-back to some other jar: checking with a different TLC than the one asked for would be a
 * surprise worth a failed run.
 */
import { readdir, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { EngineError } from "../result.ts";

export interface TlcJarLocation {
  path: string;
  source: "flag" | "env" | "search";
}

export interface JarSearchPlaces {
  /** Where `./tla2tools.jar` is looked for and relative flag paths start; defaults to the process's. */
  cwd?: string;
  /** The home directory; defaults to `HOME`/`USERPROFILE` from the environment, then the OS's. */
  home?: string;
  /** Fixed system-wide candidates; tests replace them to stay independent of the machine. */
  systemJars?: string[];
}

const JAR = "tla2tools.jar";

/** System-wide install places, in the order they are tried. */
export const SYSTEM_JARS: readonly string[] = [
  "/usr/share/java/tla2tools.jar",
  "/usr/local/lib/tla2tools.jar",
  "/usr/local/share/java/tla2tools.jar",
  "/opt/tla2tools.jar",
  "/opt/TLA+/tla2tools.jar",
  "/opt/tlaplus/tla2tools.jar",
  // The TLA+ Toolbox ships tla2tools.jar at the top of its install folder (`toolbox/` in its zip).
  "/opt/toolbox/tla2tools.jar",
  "/usr/share/java/tla-toolbox/tla2tools.jar",
  "/opt/TLA+Toolbox/tla2tools.jar",
  "/usr/local/toolbox/tla2tools.jar",
  "/Applications/TLA+ Toolbox.app/Contents/Eclipse/tla2tools.jar",
];

/** Editor extension folders (relative to home) that may hold the TLA+ extension. */
const EXTENSION_ROOTS = [
  ".vscode/extensions",
  ".vscode-server/extensions",
  ".vscode-insiders/extensions",
  ".vscode-oss/extensions",
  ".cursor/extensions",
  ".cursor-server/extensions",
  ".windsurf/extensions",
];

/** The TLA+ extension's folder names: the current publisher's and the original one's. */
const EXTENSION_DIR = /^(?:tlaplus\.vscode-ide|alygin\.vscode-tlaplus)(?:-nightly)?-(\d+(?:\.\d+)*)/;

function homeOf(env: NodeJS.ProcessEnv, places: JarSearchPlaces): string {
  return places.home ?? env.HOME ?? env.USERPROFILE ?? homedir();
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Compares dotted version numbers numerically (2024.10.1 > 2024.9.30). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The jars bundled with installed TLA+ editor extensions, newest extension version first. */
export async function extensionJars(home: string): Promise<string[]> {
  const found: { path: string; version: string }[] = [];
  for (const root of EXTENSION_ROOTS) {
    let names: string[];
    try {
      names = await readdir(join(home, root));
    } catch {
      continue;
    }
    for (const name of names) {
      const version = EXTENSION_DIR.exec(name)?.[1];
      if (version !== undefined) found.push({ path: join(home, root, name, "tools", JAR), version });
    }
  }
  found.sort((x, y) => compareVersions(y.version, x.version) || x.path.localeCompare(y.path));
  return found.map((f) => f.path);
}

/** Every place searched when neither the flag nor the environment names a jar, in order. */
export async function searchCandidates(env: NodeJS.ProcessEnv = process.env, places: JarSearchPlaces = {}): Promise<string[]> {
  const home = homeOf(env, places);
  return [
    join(places.cwd ?? process.cwd(), JAR),
    join(home, ".tlaplus", JAR),
    ...(places.systemJars ?? SYSTEM_JARS),
    ...(await extensionJars(home)),
    join(home, "toolbox", JAR),
    join(home, "Applications", "TLA+ Toolbox.app", "Contents", "Eclipse", JAR),
  ];
}

async function named(path: string, source: "flag" | "env", cwd: string): Promise<TlcJarLocation> {
  const absolute = isAbsolute(path) ? path : resolve(cwd, path);
  if (await isFile(absolute)) return { path: absolute, source };
  const how = source === "flag" ? `--tlc-jar ${path}` : `TLA2TOOLS_JAR=${path}`;
  throw new EngineError(
    "jar-missing",
    `${how} names ${absolute}, which is not a file. Point it at tla2tools.jar ` +
      `(from https://github.com/tlaplus/tlaplus/releases), or remove it to search the usual places.`,
  );
}

/**
 * Returns the jar to run, or null when none is installed anywhere usual; throws EngineError
 * "jar-missing" when the flag or the environment names a path that is not a file.
 */
export async function findTlcJar(
  explicit?: string,
  env: NodeJS.ProcessEnv = process.env,
  places: JarSearchPlaces = {},
): Promise<TlcJarLocation | null> {
  const cwd = places.cwd ?? process.cwd();
  if (explicit !== undefined && explicit !== "") return named(explicit, "flag", cwd);
  const fromEnv = env.TLA2TOOLS_JAR;
  if (fromEnv !== undefined && fromEnv !== "") return named(fromEnv, "env", cwd);
  for (const candidate of await searchCandidates(env, places)) {
    if (await isFile(candidate)) return { path: candidate, source: "search" };
  }
  return null;
}
