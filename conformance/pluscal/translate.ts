/**
 * PlusCal → TLA+ by PlusCal's own rules (the PlusCal manual and pcal.trans's PcalTLAGen), written
 * without the generator's translation: a second reading of the algorithm, to be compared with the
 * translation the module carries.
 *
 * The rules this follows:
 * - a label starts an atomic step; the step is `L(self) == pc[self] = "L" /\ …`, and every variable
 *   it leaves alone is UNCHANGED;
 * - in a step, a variable assigned by an earlier statement is read primed (pcal.trans primes every
 *   use of the name after the assignment); a process variable `v` is `v[self]`;
 * - a `define` operator is an ordinary definition over the unprimed variables: called after the step
 *   assigned what it reads, it still reads the state before the step;
 * - `x := e || x[i] := f` assigns once, all right-hand sides read before the statement; a variable is
 *   assigned at most once per step;
 * - `if`, `either`: each branch starts from what was assigned before; a branch that leaves a
 *   variable alone that another assigns gets UNCHANGED for it; afterwards every variable a branch
 *   assigned counts as assigned;
 * - `with x \in S` is `\E x \in S :` (no step when S is empty), `with x = e` is `LET x == e IN`;
 * - `await c` is the conjunct c, wherever it stands in the step;
 * - `goto L` sets pc to "L" and must end its path; a path that does not end in a goto continues at
 *   the next label (or "Done" after the last);
 * - Next is the disjunction, over the process sets, of `\E self \in S : p(self)`, and Terminating.
 */
import { type Formula, and, atom, definition } from "../../generator/tla/formula.ts";
import type { PcalAlgorithm, PcalExpr, PcalProcess, PcalSelector, PcalStmt } from "./read.ts";
import { PcalReadError } from "./read.ts";

const quote = (s: string) => `"${s}"`;

interface Names {
  globals: Set<string>;
  /** Process variables of every process set (each is a function of the process identity). */
  locals: Set<string>;
}

/** The expression with assigned variables primed and process variables applied to self. */
function subst(e: PcalExpr, names: Names, changed: ReadonlySet<string>): string {
  let out = "";
  let from = 0;
  for (const { name, at } of e.names) {
    const local = names.locals.has(name);
    if (!local && !names.globals.has(name) && name !== "pc") continue;
    out += e.text.slice(from, at) + name + (changed.has(name) ? "'" : "") + (local ? "[self]" : "");
    from = at + name.length;
  }
  return out + e.text.slice(from);
}

interface Block {
  items: Formula[];
  changed: Set<string>;
}

function unchangedOf(vars: string[]): Formula | undefined {
  if (vars.length === 0) return undefined;
  return atom(vars.length === 1 ? `UNCHANGED ${vars[0]}` : `UNCHANGED << ${vars.join(", ")} >>`);
}

/** Ends every path that does not end in a goto with `goto next`; rejects a goto that is not last. */
function withFallThrough(stmts: PcalStmt[], next: string, line: number): PcalStmt[] {
  for (const [i, s] of stmts.entries()) if (i < stmts.length - 1 && endsInGoto(s)) throw new PcalReadError(`line ${s.line}: a statement follows a goto on its path without a label (PlusCal requires one)`);
  const last = stmts[stmts.length - 1];
  const goto: PcalStmt = { kind: "goto", label: next, line: last?.line ?? line };
  if (!last) return [goto];
  const init = stmts.slice(0, -1);
  switch (last.kind) {
    case "goto":
      return stmts;
    case "if":
      return [...init, { ...last, then: withFallThrough(last.then, next, last.line), else: withFallThrough(last.else, next, last.line) }];
    case "either":
      return [...init, { ...last, branches: last.branches.map((b) => withFallThrough(b, next, last.line)) }];
    case "with":
      return [...init, { ...last, body: withFallThrough(last.body, next, last.line) }];
    default:
      return [...stmts, goto];
  }
}

function endsInGoto(s: PcalStmt): boolean {
  switch (s.kind) {
    case "goto":
      return true;
    case "if":
      return [s.then, s.else].some((b) => b.some(endsInGoto));
    case "either":
      return s.branches.some((b) => b.some(endsInGoto));
    case "with":
      return s.body.some(endsInGoto);
    default:
      return false;
  }
}

class StepTranslator {
  constructor(
    private readonly names: Names,
    private readonly labels: ReadonlySet<string>,
  ) {}

  block(stmts: PcalStmt[], before: ReadonlySet<string>): Block {
    const changed = new Set(before);
    const items: Formula[] = [];
    for (const s of stmts) {
      const e = (x: PcalExpr) => subst(x, this.names, changed);
      switch (s.kind) {
        case "skip":
          break;
        case "await":
          items.push(atom(e(s.cond)));
          break;
        case "goto":
          if (s.label !== "Done" && !this.labels.has(s.label)) throw new PcalReadError(`line ${s.line}: goto ${s.label}: no such label`);
          items.push(atom(`pc' = [pc EXCEPT ![self] = ${quote(s.label)}]`));
          changed.add("pc");
          break;
        case "assign": {
          const byVariable = new Map<string, { selectors: PcalSelector[]; value: string }[]>();
          for (const part of s.parts) {
            if (!this.names.globals.has(part.variable) && !this.names.locals.has(part.variable))
              throw new PcalReadError(`line ${s.line}: assignment to ${part.variable}, which is not a variable of the algorithm`);
            const selectors = part.selectors.map((sel) => (sel.kind === "index" ? { kind: "index" as const, index: { text: e(sel.index), names: [] } } : sel));
            byVariable.set(part.variable, [...(byVariable.get(part.variable) ?? []), { selectors, value: e(part.value) }]);
          }
          for (const [v, parts] of byVariable) {
            if (changed.has(v)) throw new PcalReadError(`line ${s.line}: ${v} is assigned twice in one step (PlusCal allows one assignment per variable per step)`);
            if (parts.length > 1 && parts.some((p) => p.selectors.length === 0))
              throw new PcalReadError(`line ${s.line}: multiple assignment to ${v} with a part that has no subscript (pcal.trans: "Multiple assignment to ${v}")`);
            items.push(atom(this.assignment(v, parts)));
          }
          for (const v of byVariable.keys()) changed.add(v);
          break;
        }
        case "if": {
          const [a, b] = this.balance([this.block(s.then, changed), this.block(s.else, changed)], changed);
          if (!a || !b) throw new Error("unreachable");
          items.push({ kind: "ite", cond: e(s.cond), then: and(a.items), else: and(b.items) });
          for (const v of a.changed) changed.add(v);
          break;
        }
        case "either": {
          const branches = this.balance(
            s.branches.map((br) => this.block(br, changed)),
            changed,
          );
          items.push({ kind: "or", items: branches.map((br) => and(br.items)) });
          for (const v of branches[0]?.changed ?? []) changed.add(v);
          break;
        }
        case "with": {
          // The binding expressions read the state as it is at the `with`.
          const heads = s.bindings.map((b) => ({ ...b, text: e(b.expr) }));
          const inner = this.block(s.body, changed);
          let body: Formula = and(inner.items);
          for (const h of [...heads].reverse())
            body = h.op === "in" ? { kind: "exists", name: h.name, set: `${h.text}`, body } : { kind: "let", name: h.name, value: h.text, body };
          items.push(body);
          for (const v of inner.changed) changed.add(v);
          break;
        }
      }
    }
    return { items, changed };
  }

  /** Every branch gets UNCHANGED for what the others assign and it does not. */
  private balance(branches: Block[], before: ReadonlySet<string>): Block[] {
    const all = new Set(branches.flatMap((b) => [...b.changed]));
    return branches.map((b) => {
      const missing = [...all].filter((v) => !b.changed.has(v) && !before.has(v));
      const extra = unchangedOf(missing);
      return { items: extra ? [...b.items, extra] : b.items, changed: all };
    });
  }

  private assignment(v: string, parts: { selectors: PcalSelector[]; value: string }[]): string {
    const local = this.names.locals.has(v);
    const only = parts[0];
    if (parts.length === 1 && only && only.selectors.length === 0) return local ? `${v}' = [${v} EXCEPT ![self] = ${only.value}]` : `${v}' = ${only.value}`;
    const path = (sel: PcalSelector[]) => sel.map((x) => (x.kind === "index" ? `[${x.index.text}]` : `.${x.field}`)).join("");
    return `${v}' = [${v} EXCEPT ${parts.map((p) => `!${local ? "[self]" : ""}${path(p.selectors)} = ${p.value}`).join(", ")}]`;
  }
}

/** The identifiers a text uses (to pick parameter names that clash with none). */
const identifiers = (text: string): Set<string> => new Set(text.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []);

/**
 * The translation of an algorithm: the TLA+ text that goes between BEGIN and END TRANSLATION.
 * `taken` holds every identifier of the module, so renamed parameters clash with nothing.
 */
export function translatePlusCal(alg: PcalAlgorithm, taken: ReadonlySet<string> = new Set()): string {
  const globals = alg.globals.map((g) => g.name);
  const locals = alg.processes.flatMap((p) => p.locals.map((l) => l.name));
  const names: Names = { globals: new Set(globals), locals: new Set(locals) };
  const allVars = [...globals, ...locals, "pc"];
  const out: string[] = [];
  // pcal.trans declares the process variables after the define block, so a definition cannot use
  // one; the module here declares them all at once (tla-checker reads only one VARIABLES), and
  // enforces that rule itself.
  out.push(`VARIABLES ${allVars.join(", ")}`, "");
  for (const d of alg.defines) {
    const local = d.body.names.find((n) => names.locals.has(n.name) && !d.params.includes(n.name));
    if (local) throw new PcalReadError(`define ${d.name} uses the process variable ${local.name}, which pcal.trans declares after the define block`);
  }

  // define: parameters renamed to names used nowhere else, because tla-checker evaluates an
  // argument with the parameters already bound (`inBatch(m, sh)` with parameters (sh, h) reads its
  // own sh); renaming the parameters of a definition does not change what it means.
  const used = new Set([...taken, ...alg.defines.flatMap((d) => [...identifiers(d.body.text)])]);
  for (const d of alg.defines) {
    const renamed = d.params.map((p) => {
      let n = `${p}_`;
      for (let i = 1; used.has(n); i++) n = `${p}_${i}`;
      used.add(n);
      return n;
    });
    const params = new Map(d.params.map((p, i) => [p, renamed[i] as string]));
    let body = "";
    let from = 0;
    for (const { name, at } of d.body.names) {
      const r = params.get(name);
      if (r === undefined) continue;
      body += d.body.text.slice(from, at) + r;
      from = at + name.length;
    }
    body += d.body.text.slice(from);
    out.push(`${d.name}${renamed.length ? `(${renamed.join(", ")})` : ""} == ${body}`);
  }
  out.push("", `vars == << ${allVars.join(", ")} >>`, "");

  const setOf = (p: PcalProcess) => p.set.text;
  out.push(`ProcSet == ${alg.processes.length === 1 && alg.processes[0] ? setOf(alg.processes[0]) : alg.processes.map((p) => `(${setOf(p)})`).join(" \\cup ")}`, "");

  const none = new Set<string>();
  const init: Formula[] = [
    ...alg.globals.map((g) => atom(`${g.name} ${g.op === "in" ? "\\in" : "="} ${subst(g.init, { globals: new Set(), locals: new Set() }, none)}`)),
    // A process variable's initial value may use the ones declared before it, as functions of self.
    ...alg.processes.flatMap((p) =>
      p.locals.map((l) => {
        const value = subst(l.init, { globals: new Set(), locals: new Set(p.locals.map((x) => x.name)) }, none);
        return atom(l.op === "in" ? `${l.name} \\in [${setOf(p)} -> ${value}]` : `${l.name} = [self \\in ${setOf(p)} |-> ${value}]`);
      }),
    ),
  ];
  const first = (p: PcalProcess) => quote(p.steps[0]?.label ?? "Done");
  const pcInit =
    alg.processes.length === 1 && alg.processes[0]
      ? first(alg.processes[0])
      : `CASE ${alg.processes.map((p) => `self \\in ${setOf(p)} -> ${first(p)}`).join("\n                                        [] ")}`;
  init.push(atom(`pc = [self \\in ProcSet |-> ${pcInit}]`));
  out.push(definition("Init", and(init)), "");

  for (const p of alg.processes) {
    const labels = new Set(p.steps.map((s) => s.label));
    const translator = new StepTranslator(names, labels);
    p.steps.forEach((step, i) => {
      const next = p.steps[i + 1]?.label ?? "Done";
      const body = translator.block(withFallThrough(step.body, next, 0), new Set());
      const rest = unchangedOf(allVars.filter((v) => !body.changed.has(v)));
      out.push(definition(`${step.label}(self)`, and([atom(`pc[self] = ${quote(step.label)}`), ...body.items, ...(rest ? [rest] : [])])), "");
    });
    out.push(`${p.name}(self) == ${p.steps.map((s) => `${s.label}(self)`).join(" \\/ ") || "FALSE"}`, "");
  }
  out.push("(* Allow infinite stuttering to prevent deadlock on termination. *)");
  out.push(definition("Terminating", and([atom("\\A self \\in ProcSet : pc[self] = \"Done\""), atom("UNCHANGED vars")])), "");
  const processes = alg.processes.map((p) => atom(`(\\E self \\in ${p.set.text} : ${p.name}(self))`));
  out.push(definition("Next", { kind: "or", items: [...processes, atom("Terminating")] }), "");
  out.push("Spec == Init /\\ [][Next]_vars", "");
  return out.join("\n");
}

/**
 * The module with its translation replaced by `translation`, as pcal.trans rewrites the part between
 * the BEGIN TRANSLATION and END TRANSLATION lines.
 */
export function replaceTranslation(moduleText: string, translation: string): string {
  const lines = moduleText.split("\n");
  const begin = lines.findIndex((l) => /^\\\* BEGIN TRANSLATION/.test(l));
  const end = lines.findIndex((l) => /^\\\* END TRANSLATION/.test(l));
  if (begin < 0 || end < begin) throw new PcalReadError("the module has no BEGIN TRANSLATION … END TRANSLATION section");
  return [...lines.slice(0, begin + 1), translation, ...lines.slice(end)].join("\n");
}
