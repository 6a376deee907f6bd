/**
 * Peterson's mutual-exclusion algorithm for two processes.
 *
 * Each process raises its flag, gives the turn away, and enters its critical section only when the
 * other process is not interested or it is its own turn.
 */
import { bool, forall, goto, leadsTo, mapOf, mapping, range, spec, when } from "../../dsl/index.ts";

/** The two processes, 0 and 1. */
const Procs = range(0, 1);

export default spec("Peterson", {
  state: {
    /** flag[p]: process p wants to enter. */
    flag: mapOf(Procs, bool),
    /** Whose turn it is to wait. */
    turn: Procs,
  },
  init: { flag: mapping(Procs, () => false), turn: 0 },
})
  .process("proc", Procs, {
    /** Each process keeps taking steps while it can (PlusCal `fair process`). */
    fair: "weak",
    steps: {
      /** Announce interest. */
      setFlag(s, self) {
        s.flag[self] = true;
      },
      /** Give the turn to the other process. */
      giveTurn(s, self) {
        s.turn = 1 - self;
      },
      /** Wait until the other is not interested or it is our turn. */
      wait(s, self) {
        when(!s.flag[1 - self] || s.turn === self);
      },
      /** The critical section. */
      cs() {},
      /** Leave: lower the flag and start again. */
      exit(s, self) {
        s.flag[self] = false;
        goto("setFlag");
      },
    },
  })
  .invariant("MutualExclusion", (s) => !(s.pc[0] === "cs" && s.pc[1] === "cs"))
  /** Every process that raises its flag gets into its critical section. */
  .property("StarvationFree", (s) => forall(Procs, (p) => leadsTo(s.flag[p], s.pc[p] === "cs")))
  /** Both processes can be waiting at once (the case the turn decides). */
  .reachable("BothWaiting", (s) => s.pc[0] === "wait" && s.pc[1] === "wait")
  .config("default", {})
  .variant("unfair", "proc", {
    doc: "The same steps without fairness: a process may stop for ever anywhere, its flag raised.",
    fair: "none",
  })
  .variant("noTurn", "proc", {
    doc: "Enters without the turn handshake: checks that the other flag is down, then raises its own flag (test, then set).",
    steps: {
      /** Wait until the other process is not interested. */
      check(s, self) {
        when(!s.flag[1 - self]);
      },
      /** Raise our flag and go straight in. */
      setFlag(s, self) {
        s.flag[self] = true;
        goto("cs");
      },
      exit(s, self) {
        s.flag[self] = false;
        goto("check");
      },
    },
  });
