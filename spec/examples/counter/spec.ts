/**
 * Workers add to a shared counter in a bounded loop, each time a nondeterministically chosen amount,
 * with a non-atomic read-modify-write protected by a lock. Without the lock, updates are lost.
 */
import { acquire, bool, choose, constant, either, eventually, forall, goto, range, release, spec, when } from "../../dsl/index.ts";

/** Number of worker processes. */
const NWorkers = constant(range(1, 3));
/** Iterations of each worker's loop. */
const Rounds = constant(range(1, 3));

const Workers = range(1, NWorkers);
/** The amounts a worker may add in one round. */
const Amounts = range(1, 2);

export default spec("Counter", {
  state: {
    /** The shared counter. */
    x: range(0, 12),
    /** Ghost: the sum of every amount a worker meant to add. */
    total: range(0, 12),
    /** The lock protecting x. */
    lock: bool,
  },
  init: { x: 0, total: 0, lock: false },
})
  .process("worker", Workers, {
    /** A worker that can take a step eventually takes it. */
    fair: "weak",
    locals: { round: range(0, 3), tmp: range(0, 12), amount: Amounts },
    init: { round: 0, tmp: 0, amount: 1 },
    steps: {
      /** Loop head: stop after Rounds rounds, else take the lock. */
      enter(s) {
        if (s.round < Rounds) acquire(s.lock);
        else goto("Done");
      },
      /** Read the counter and decide how much to add. */
      read(s) {
        s.tmp = s.x;
        either(
          () => {
            s.amount = 1;
          },
          () => {
            const a = choose(Amounts);
            when(a > 1);
            s.amount = a;
          },
        );
      },
      /** Write back the sum. */
      write(s) {
        s.x = s.tmp + s.amount;
        s.total += s.amount;
      },
      /** Drop the lock and go round again. */
      leave(s) {
        release(s.lock);
        s.round += 1;
        goto("enter");
      },
    },
  })
  /** No update is lost: whenever the lock is free, the counter holds every amount added. */
  .invariant("NoLostUpdate", (s) => s.lock || s.x === s.total)
  /** Every worker finishes its rounds. */
  .property("AllDone", (s) => eventually(forall(Workers, (w) => s.pc[w] === "Done")))
  .config("default", { doc: "Two workers, two rounds each.", constants: { NWorkers: 2, Rounds: 2 } })
  .variant("noLock", "worker", {
    doc: "The read-modify-write without the lock.",
    steps: {
      enter(s) {
        when(s.round < Rounds);
      },
      leave(s) {
        s.round += 1;
        goto("enter");
      },
    },
  });
