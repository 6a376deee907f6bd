/**
 * Two processes each need both of two locks and take them one at a time. Process p takes lock p
 * first and then the other one, so each can hold one lock and wait for ever for the other: a
 * deadlock (`raidspec check --deadlock` finds it). The `ordered` variant takes the locks in one
 * global order, lock 0 then lock 1, and cannot deadlock; both processes then finish.
 */
import { bool, mapOf, mapping, range, spec, when } from "../../dsl/index.ts";

/** The two processes, and the two locks (lock p is process p's first). */
const Procs = range(0, 1);

export default spec("LockOrder", {
  state: {
    /** held[l]: lock l is taken. */
    held: mapOf(Procs, bool),
  },
  init: { held: mapping(Procs, () => false) },
})
  .process("proc", Procs, {
    steps: {
      /** Take this process's own lock first. */
      takeFirst(s, self) {
        when(!s.held[self]);
        s.held[self] = true;
      },
      /** Then the other process's lock. */
      takeSecond(s, self) {
        when(!s.held[1 - self]);
        s.held[1 - self] = true;
      },
      /** Work with both, then give both back and stop. */
      work(s, self) {
        s.held[self] = false;
        s.held[1 - self] = false;
      },
    },
  })
  .config("default", {})
  .variant("ordered", "proc", {
    doc: "Both processes take lock 0 first, then lock 1: one global order, no deadlock.",
    steps: {
      /** Take lock 0. */
      takeFirst(s) {
        when(!s.held[0]);
        s.held[0] = true;
      },
      /** Then lock 1. */
      takeSecond(s) {
        when(!s.held[1]);
        s.held[1] = true;
      },
      /** Work with both, then give both back and stop. */
      work(s) {
        s.held[0] = false;
        s.held[1] = false;
      },
    },
  });
