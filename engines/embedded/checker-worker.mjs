// Runs one tla-checker model check off the main thread, so that a time-out can stop it: tla-checker is
// synchronous WebAssembly, and the only way to interrupt it is to terminate the thread it runs on.
// Plain JavaScript: a worker thread does not inherit the TypeScript loader of its parent.
import { parentPort, workerData } from "node:worker_threads";
import { check_spec_with_options, initSync } from "tla-checker";

initSync({ module: workerData.wasm });
parentPort.postMessage(check_spec_with_options(workerData.moduleText, workerData.options));
