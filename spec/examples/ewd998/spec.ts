/**
 * Safra's termination detection on a ring (EWD 998), in PlusCal: a port, label for label, of
 * EWD998PCal.tla (Markus Kuppe) in github.com/tlaplus/Examples, specifications/ewd998. With N = 3 and
 * the state constraint that every counter stays below 3, TLC finds 321370 distinct states (that
 * folder's manifest.json), and so does every raidspec engine.
 *
 * Each node's in-buffer is a bag of messages (TLA+ Bags). Its messages are copies of the one payload
 * message `[type |-> "pl"]` and at most the one token, so here a buffer is how many payload messages
 * it holds and the token if it holds it: the same bags, so the same states. (raidspec maps are keyed
 * by scalars, so a bag cannot be a map from message records to counts.) Sending, receiving and
 * passing are the define block's sendMsg, dropMsg and passMsg on that buffer.
 */
import { anyOf, bool, constant, either, enumOf, forall, goto, mapOf, mapping, minus, optional, range, record, setLit, spec, choose, when } from "../../dsl/index.ts";

/** The number of nodes (at least one). */
const N = constant(range(1, 4));

const Node = range(0, N - 1);
/** Any node can be the initiator; 0 has just been conveniently chosen. */
const Initiator = 0;
const Color = enumOf("white", "black");
/** The token: the count it carries and its color. */
const Token = record({ q: range(-8, 4), color: Color });
/** A node's in-buffer: how many payload messages, and the token if it is here. */
const Buffer = record({ pl: range(0, 7), tok: optional(Token) });

export default spec("EWD998PCal", {
  state: { network: mapOf(Node, Buffer) },
  init: { network: mapping(Node, (n) => ({ pl: 0, tok: n === Initiator ? { q: 0, color: "black" as const } : null })) },
})
  .process("node", Node, {
    locals: { active: bool, color: Color, counter: range(-4, 3) },
    init: { active: anyOf(bool), color: "black", counter: 0 },
    steps: {
      l(s, self) {
        either(
          () => {
            // send some payload message to some other node.
            when(s.active);
            const to = choose(minus(Node, setLit(self)));
            s.network[to].pl += 1;
            s.counter = s.counter + 1;
          },
          () => {
            // receive a payload message. Reactivates the node.
            when(s.network[self].pl > 0);
            s.counter = s.counter - 1;
            s.active = true;
            s.color = "black";
            s.network[self].pl -= 1;
          },
          () => {
            // terminate the current node.
            s.active = false;
          },
          () => {
            // pass the token to the next node.
            when(self !== Initiator);
            const tok = s.network[self].tok;
            when(tok !== null && !s.active);
            s.network[self].tok = null;
            s.network[self - 1].tok = { q: tok!.q + s.counter, color: s.color === "black" ? "black" : tok!.color };
            s.color = "white";
          },
          () => {
            // Initiate token.
            when(self === Initiator);
            const tok = s.network[self].tok;
            when(tok !== null && (s.color === "black" || tok.q + s.counter !== 0 || tok.color === "black"));
            s.network[self].tok = null;
            s.network[N - 1].tok = { q: 0, color: "white" };
            s.color = "white";
          },
        );
        goto("l");
      },
    },
  })
  .constraint("StateConstraint", (s) => forall(Node, (i) => s.counter[i] < 3))
  .config("default", { doc: "The manifest's model: three nodes (321370 distinct states).", constants: { N: 3 } })
  .config("two", { doc: "Two nodes: small enough for lockstep and the embedded engine.", constants: { N: 2 } });
