/**
 * Where the team's shared, read-only fixtures are: a `shared/fixtures/` folder beside the repository
 * (on developers' machines and in CI), or beside a folder of worktrees that holds the repository.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function sharedFixtures(name: string): string {
  const repo = dirname(dirname(fileURLToPath(import.meta.url)));
  for (let dir = dirname(repo); ; dir = dirname(dir)) {
    const candidate = join(dir, "shared", "fixtures", name);
    if (existsSync(candidate)) return `${candidate}/`;
    if (dirname(dir) === dir) return join(dirname(repo), "shared", "fixtures", name) + "/";
  }
}
