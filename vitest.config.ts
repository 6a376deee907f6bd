import { defineConfig } from "vitest/config";

// Tests run real model checks and start the CLI as a process: they take seconds, not milliseconds.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 240_000,
    hookTimeout: 240_000,
  },
});
