/**
 * Lamport's bakery algorithm (atomic version), checked from every state of its inductive invariant:
 * a port, label for label, of Bakery.tla (Lamport and Merz) in github.com/tlaplus/Examples,
 * specifications/Bakery-Boulangerie, as MCBakery checks it: `ISpec == Inv /\ [][Next]_vars`, with
 * N = 2 and Nat overridden by 0..MaxNat, MaxNat = 2. Every state satisfying the invariant is initial
 * (`.initially`), and since the invariant is inductive no step leaves that set: TLC finds 655200
 * distinct states (that folder's manifest.json), and so does every raidspec engine.
 *
 * `.initially` makes the module TLA+ only: Bakery's PlusCal algorithm (with its ordinary Init) is the
 * source of these steps, but PlusCal cannot say "start anywhere in the invariant".
 */
import {
  bool,
  choose,
  constant,
  either,
  filter,
  forall,
  goto,
  helper,
  implies,
  type Labels,
  mapOf,
  type Mapping,
  member,
  minus,
  range,
  setLit,
  setOf,
  spec,
  type StateOf,
  when,
} from "../../dsl/index.ts";

/** The number of processes. */
const N = constant(range(1, 4));
/** The largest number a ticket may take (MCBakery's NatOverride == 0..MaxNat stands for Nat). */
const MaxNat = constant(range(0, 4));

const Procs = range(1, N);
/** MCBakery's `Nat <- NatOverride`: the naturals the algorithm draws tickets from. */
const NatOverride = range(0, MaxNat);

const state = { num: mapOf(Procs, NatOverride), flag: mapOf(Procs, bool) };
/** What Bakery's invariant reads: the variables, every process's label, and the processes' locals. */
type O = StateOf<typeof state> &
  Labels & { readonly unchecked: Mapping<number, ReadonlySet<number>>; readonly max: Mapping<number, number>; readonly nxt: Mapping<number, number> };

/** `\prec`: the lexicographical less-than relation on pairs of numbers. */
const prec = helper((a: [number, number], b: [number, number]) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]));

/**
 * num[i] > 0 and, if j is trying to enter its critical section and i does not change num[i], then j
 * either has or will choose a value of num[j] for which <<num[i],i>> \prec <<num[j],j>> is true.
 */
const Before = helper(
  (s: O, i: number, j: number) =>
    s.num[i] > 0 &&
    (member(s.pc[j], setLit("ncs", "e1", "exit")) ||
      (s.pc[j] === "e2" && (member(i, s.unchecked[j]) || s.max[j] >= s.num[i])) ||
      (s.pc[j] === "e3" && s.max[j] >= s.num[i]) ||
      (member(s.pc[j], setLit("e4", "w1", "w2")) && prec([s.num[i], i], [s.num[j], j]) && implies(member(s.pc[j], setLit("w1", "w2")), member(i, s.unchecked[j])))),
);

/** The inductive invariant, without TypeOK (every state raidspec enumerates is in the domains). */
const IInv = helper((s: O) =>
  forall(
    Procs,
    (i) =>
      implies(member(s.pc[i], setLit("e4", "w1", "w2", "cs")), s.num[i] !== 0) &&
      implies(member(s.pc[i], setLit("e2", "e3")), s.flag[i]) &&
      implies(s.pc[i] === "w2", s.nxt[i] !== i) &&
      implies(member(s.pc[i], setLit("w1", "w2")), !member(i, s.unchecked[i])) &&
      implies(member(s.pc[i], setLit("w1", "w2")), forall(minus(minus(Procs, s.unchecked[i]), setLit(i)), (j) => Before(s, i, j))) &&
      implies(
        s.pc[i] === "w2" && ((s.pc[s.nxt[i]] === "e2" && !member(i, s.unchecked[s.nxt[i]])) || s.pc[s.nxt[i]] === "e3"),
        s.max[s.nxt[i]] >= s.num[i],
      ) &&
      implies(s.pc[i] === "cs", forall(minus(Procs, setLit(i)), (j) => Before(s, i, j))),
  ),
);

export default spec("Bakery", { state })
  .process("p", Procs, {
    locals: { unchecked: setOf(Procs), max: NatOverride, nxt: Procs },
    steps: {
      /** ncs:- while (TRUE) { … }: the noncritical section. */
      ncs() {},
      e1(s, self) {
        either(
          () => {
            s.flag[self] = !s.flag[self];
            goto("e1");
          },
          () => {
            s.flag[self] = true;
            s.unchecked = minus(Procs, setLit(self));
            s.max = 0;
          },
        );
      },
      /** while (unchecked # {}) { with (i \in unchecked) { … } } */
      e2(s) {
        if (s.unchecked !== setLit()) {
          const i = choose(s.unchecked);
          s.unchecked = minus(s.unchecked, setLit(i));
          if (s.num[i] > s.max) s.max = s.num[i];
          goto("e2");
        }
      },
      e3(s, self) {
        either(
          () => {
            const k = choose(NatOverride);
            s.num[self] = k;
            goto("e3");
          },
          () => {
            const i = choose(filter(NatOverride, (j) => j > s.max));
            s.num[self] = i;
          },
        );
      },
      e4(s, self) {
        either(
          () => {
            s.flag[self] = !s.flag[self];
            goto("e4");
          },
          () => {
            s.flag[self] = false;
            s.unchecked = minus(Procs, setLit(self));
          },
        );
      },
      /** while (unchecked # {}) { with (i \in unchecked) { nxt := i }; await ~ flag[nxt]; w2: … } */
      w1(s) {
        if (s.unchecked !== setLit()) {
          const i = choose(s.unchecked);
          s.nxt = i;
          when(!s.flag[s.nxt]);
          goto("w2");
        } else goto("cs");
      },
      w2(s, self) {
        when(s.num[s.nxt] === 0 || prec([s.num[self], self], [s.num[s.nxt], s.nxt]));
        s.unchecked = minus(s.unchecked, setLit(s.nxt));
        goto("w1");
      },
      /** The critical section. */
      cs() {},
      exit(s, self) {
        either(
          () => {
            const k = choose(NatOverride);
            s.num[self] = k;
            goto("exit");
          },
          () => {
            s.num[self] = 0;
            goto("ncs");
          },
        );
      },
    },
  })
  /** ISpec: start from every state of the invariant (TypeOK, which the domains give, and IInv). */
  .initially((s) => IInv(s))
  /** No two distinct processes are in their critical sections. */
  .invariant("MutualExclusion", (s) => forall(Procs, (i) => forall(Procs, (j) => implies(i !== j, !(s.pc[i] === "cs" && s.pc[j] === "cs")))))
  /** Inv == TypeOK /\ IInv (TypeOK is checked on its own). */
  .invariant("IInvHolds", (s) => IInv(s))
  .config("default", { doc: "MCBakery: N = 2, MaxNat = 2 (655200 distinct states, all initial).", constants: { N: 2, MaxNat: 2 } })
  .config("tiny", { doc: "N = 2, MaxNat = 1: small enough for the embedded engine.", constants: { N: 2, MaxNat: 1 } })
  .config("zero", { doc: "N = 2, MaxNat = 0 (every ticket 0): small enough for lockstep over every state.", constants: { N: 2, MaxNat: 0 } });
