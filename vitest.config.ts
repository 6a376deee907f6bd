import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// Tests run real model checks and start the CLI as a process: they take seconds, not milliseconds.
// One test file per core (vitest's default leaves one core idle, which on a 2-core CI machine runs the
// files one after another).
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    maxWorkers: availableParallelism(),
    testTimeout: 240_000,
    hookTimeout: 240_000,
  },
});
