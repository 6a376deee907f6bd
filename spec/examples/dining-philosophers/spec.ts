/**
 * The dining philosophers, Chandy–Misra solution: a port, label for label, of DiningPhilosophers.tla
 * (Jeff Hemphill) in github.com/tlaplus/Examples, specifications/DiningPhilosophers. With NP = 5 TLC
 * finds 67 distinct states (that folder's manifest.json), and so does every raidspec engine.
 *
 * Philosophers may hand forks to each other. Each fork starts dirty, with the lower-numbered of the two
 * philosophers beside it; a philosopher holding a dirty fork cleans it and hands it over, eats when it
 * holds both of its forks clean (which dirties them), then thinks and gets hungry again.
 */
import { bool, constant, forall, goto, helper, implies, intersect, mapOf, mapping, range, record, setLit, spec, type StateOf } from "../../dsl/index.ts";

/** Number of philosophers. */
const NP = constant(range(1, 9));

const Philosophers = range(1, NP);
/** A fork: who holds it, and whether it is clean. */
const Fork = record({ holder: Philosophers, clean: bool });

const state = { forks: mapOf(Philosophers, Fork) };
type S = StateOf<typeof state>;

// The algorithm's define block.
const LeftFork = helper((p: number) => p);
const RightFork = helper((p: number) => (p === NP ? 1 : p + 1));
const LeftPhilosopher = helper((p: number) => (p === 1 ? NP : p - 1));
const RightPhilosopher = helper((p: number) => (p === NP ? 1 : p + 1));
const IsHoldingBothForks = helper((s: S, p: number) => s.forks[LeftFork(p)].holder === p && s.forks[RightFork(p)].holder === p);
const BothForksAreClean = helper((s: S, p: number) => s.forks[LeftFork(p)].clean && s.forks[RightFork(p)].clean);
const CanEat = helper((s: S, p: number) => IsHoldingBothForks(s, p) && BothForksAreClean(s, p));

/** TRUE iff philosophers p and q share a fork between them. */
const ShareFork = helper((p: number, q: number) => intersect(setLit(LeftFork(p), RightFork(p)), setLit(LeftFork(q), RightFork(q))).size > 0);

export default spec("DiningPhilosophers", {
  state,
  // Each fork starts with the lowest-numbered philosopher beside it, dirty.
  init: { forks: mapping(Philosophers, (fork) => ({ holder: fork === 2 ? 1 : fork, clean: false })) },
})
  .process("Philosopher", Philosophers, {
    locals: { hungry: bool },
    init: { hungry: true },
    steps: {
      /**
       * Hand over a dirty fork we hold, then eat if hungry and able, else think. (CanEat reads the
       * forks after the hand-over, where pcal.trans's translation reads them before it; the result is
       * the same: a philosopher who just gave a fork away could not eat with it either way.)
       */
      Loop(s, self) {
        if (s.forks[LeftFork(self)].holder === self && !s.forks[LeftFork(self)].clean) {
          s.forks[LeftFork(self)] = { holder: LeftPhilosopher(self), clean: true };
        } else if (s.forks[RightFork(self)].holder === self && !s.forks[RightFork(self)].clean) {
          s.forks[RightFork(self)] = { holder: RightPhilosopher(self), clean: true };
        }
        if (s.hungry) {
          if (CanEat(s, self)) goto("Eat");
          else goto("Loop");
        } else goto("Think");
      },
      Eat(s, self) {
        s.hungry = false;
        s.forks[LeftFork(self)].clean = false;
        s.forks[RightFork(self)].clean = false;
        goto("Loop");
      },
      Think(s) {
        s.hungry = true;
        goto("Loop");
      },
    },
  })
  /** If two philosophers share a fork, they cannot eat at the same time. */
  .invariant("ExclusiveAccess", (s) =>
    forall(Philosophers, (p) => forall(Philosophers, (q) => implies(p !== q && ShareFork(p, q), !(s.pc[p] === "Eat" && s.pc[q] === "Eat")))),
  )
  .config("default", { doc: "The manifest's model: five philosophers (67 distinct states).", constants: { NP: 5 } });
