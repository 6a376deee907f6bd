/**
 * Two-phase commit with a backup transaction manager: a port, label for label and macro for macro, of
 * 2PCwithBTM.tla (Murat Demirbas, after Gray and Lamport) in github.com/tlaplus/Examples,
 * specifications/transaction_commit. With RM = {rm1, rm2, rm3} (model values) and both kinds of
 * failure allowed, TLC finds 1245 distinct states (that folder's manifest.json), and so does every
 * raidspec engine.
 *
 * Resource managers prepare, then commit or abort as the transaction manager decides; an RM may fail
 * (at most one), and the TM may fail after deciding, hiding its decision, in which case the backup TM
 * (BTM) takes over and decides from what the RMs say.
 */
import { bool, constant, either, enumOf, exists, forall, goto, helper, macro, mapOf, mapping, member, modelValues, range, setLit, spec, type StateOf, type ValueOf, when } from "../../dsl/index.ts";

/** The resource managers: model values, so TLC can treat them as interchangeable atoms. */
const RM = modelValues("rm1", "rm2", "rm3");
/** Whether an RM may fail. */
const RMMAYFAIL = constant(bool);
/** Whether the TM may fail. */
const TMMAYFAIL = constant(bool);
/** The TM's and the BTM's process identities (PlusCal `process (TManager = 0)`, `(BTManager = 10)`). */
const TManagerId = range(0, 0);
const BTManagerId = range(10, 10);

const state = {
  rmState: mapOf(RM, enumOf("working", "prepared", "committed", "aborted", "failed")),
  tmState: enumOf("init", "commit", "abort", "hidden"),
};
type S = StateOf<typeof state>;
type RMId = ValueOf<typeof RM>;

// The algorithm's define block.
const canCommit = helper(
  (s: S) => forall(RM, (rmc) => member(s.rmState[rmc], setLit("prepared"))) || exists(RM, (rm) => member(s.rmState[rm], setLit("committed"))), // for when BTM takes over
);
const canAbort = helper(
  (s: S) => exists(RM, (rm) => member(s.rmState[rm], setLit("aborted", "failed"))) && !exists(RM, (rmc) => s.rmState[rmc] === "committed"), // inconsistent if commented
);

const Prepare = macro((s: S, p: RMId) => {
  when(s.rmState[p] === "working");
  s.rmState[p] = "prepared";
});

const Decide = macro((s: S, p: RMId) => {
  either(
    () => {
      when(s.tmState === "commit");
      s.rmState[p] = "committed";
    },
    () => {
      when(s.rmState[p] === "working" || s.tmState === "abort");
      s.rmState[p] = "aborted";
    },
  );
});

const Fail = macro((s: S, p: RMId) => {
  if (RMMAYFAIL && !exists(RM, (rm) => s.rmState[rm] === "failed")) s.rmState[p] = "failed";
});

export default spec("TwoPhaseBTM", {
  state,
  init: { rmState: mapping(RM, () => "working"), tmState: "init" },
})
  .process("RManager", RM, {
    steps: {
      RS(s, self) {
        if (member(s.rmState[self], setLit("working", "prepared"))) {
          either(
            () => Prepare(s, self),
            () => Decide(s, self),
            () => Fail(s, self),
          );
          goto("RS");
        }
      },
    },
  })
  .process("TManager", TManagerId, {
    steps: {
      TS(s) {
        either(
          () => {
            when(canCommit(s));
            goto("TC");
          },
          () => {
            when(canAbort(s));
            goto("TA");
          },
        );
      },
      TC(s) {
        s.tmState = "commit";
      },
      F1(s) {
        if (TMMAYFAIL) s.tmState = "hidden";
        goto("Done");
      },
      TA(s) {
        s.tmState = "abort";
      },
      F2(s) {
        if (TMMAYFAIL) s.tmState = "hidden";
      },
    },
  })
  .process("BTManager", BTManagerId, {
    steps: {
      BTS(s) {
        either(
          () => {
            when(canCommit(s) && s.tmState === "hidden");
            goto("BTC");
          },
          () => {
            when(canAbort(s) && s.tmState === "hidden");
            goto("BTA");
          },
        );
      },
      BTC(s) {
        s.tmState = "commit";
        goto("Done");
      },
      BTA(s) {
        s.tmState = "abort";
      },
    },
  })
  /** Two RMs have not arrived at conflicting decisions. */
  .invariant("Consistency", (s) => forall(RM, (rm1) => forall(RM, (rm2) => !(s.rmState[rm1] === "aborted" && s.rmState[rm2] === "committed"))))
  .config("default", { doc: "The manifest's model: three RMs, RMs and TM may fail (1245 distinct states).", constants: { RMMAYFAIL: true, TMMAYFAIL: true } });
