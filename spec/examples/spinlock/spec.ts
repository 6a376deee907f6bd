/**
 * Two processes share a spin lock: each takes it, works in its critical section, gives it back and
 * tries again. Whether every process that tries eventually gets in depends on the fairness of
 * taking the lock: its `take` step is enabled only while the lock is free, so a process can see it
 * enabled again and again, and never continuously, while the other keeps winning. Weak fairness
 * (a step that stays enabled is taken) does not help it; strong fairness (a step enabled again and
 * again is taken) does.
 */
import { acquire, forall, goto, leadsTo, bool, range, release, spec } from "../../dsl/index.ts";

/** The two processes. */
const Procs = range(0, 1);

export default spec("SpinLock", {
  state: {
    /** The lock. */
    locked: bool,
  },
  init: { locked: false },
})
  .process("proc", Procs, {
    /** Strongly fair (PlusCal `fair+ process`): a step enabled again and again is eventually taken. */
    fair: "strong",
    steps: {
      /** Spin until the lock is free, then hold it. */
      take(s) {
        acquire(s.locked);
      },
      /** The critical section. */
      crit() {},
      /** Give the lock back and try again. */
      give(s) {
        release(s.locked);
        goto("take");
      },
    },
  })
  /** A process that tries to take the lock gets into its critical section. */
  .property("NoStarvation", (s) => forall(Procs, (p) => leadsTo(s.pc[p] === "take", s.pc[p] === "crit")))
  .config("default", {})
  .variant("weak", "proc", {
    doc: "Weakly fair processes: one can starve while the other takes the lock each time it is free.",
    fair: "weak",
  })
  .variant("strongTake", "proc", {
    doc: "Weakly fair processes whose take step alone is strongly fair (PlusCal take:+).",
    fair: "weak",
    steps: {
      /** Spin until the lock is free, then hold it: strongly fair. */
      take: {
        fair: "strong",
        body(s) {
          acquire(s.locked);
        },
      },
    },
  });
