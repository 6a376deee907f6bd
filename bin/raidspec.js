#!/usr/bin/env node
// The raidspec command. Specs and raidspec itself are TypeScript; tsx runs them without a build step.
import { register } from "tsx/esm/api";

register();
await import("../cli/main.ts");
