/**
 * The PlusCal translation: each labelled step becomes a TLA+ action.
 *
 * Statements run in order inside one step, so a variable read after the step assigned it is read
 * primed; every variable a path leaves alone gets UNCHANGED (frames are implicit and safe); a path that
 * does not `goto` continues at the next label. This is what `pcal.trans` does for the same algorithm.
 */
import type { Action, Definition, LValue, Procedure, Process, Spec, Step, Stmt, Variable } from "../ir.ts";
import { inlineMacros } from "../ir-walk.ts";
import { type AssignmentPlan, assignmentGroup, planAssignment } from "./assignment.ts";
import { type ExprContext, renderExpr, renderPath, tlaString } from "./expr.ts";
import { type Formula, and, atom } from "./formula.ts";

/** A state key: `var:x`, `local:x` or `pc`. */
type Key = string;

const keyOf = (t: LValue): Key => `${t.scope}:${t.name}`;
const nameOfKey = (k: Key): string => (k === "pc" ? "pc" : k.slice(k.indexOf(":") + 1));

export function unchanged(keys: Iterable<Key>): Formula | undefined {
  const names = [...keys].map(nameOfKey);
  if (names.length === 0) return undefined;
  return atom(names.length === 1 ? `UNCHANGED ${names[0]}` : `UNCHANGED << ${names.join(", ")} >>`);
}

/** Every state key of a spec, in declaration order (variables, process locals, procedure variables and stack, pc when there are processes). */
export function allKeys(spec: Spec): Key[] {
  return [
    ...spec.variables.map((v) => `var:${v.name}`),
    ...spec.processes.flatMap((p) => p.locals.map((l) => `local:${l.name}`)),
    ...procedureVariables(spec).map((v) => `local:${v.name}`),
    ...(spec.procedures.length > 0 ? ["stack"] : []),
    ...(spec.processes.length > 0 ? ["pc"] : []),
  ];
}

/** Every procedure's parameters and locals: variables of every process (functions over ProcSet). */
export function procedureVariables(spec: Spec): Variable[] {
  return spec.procedures.flatMap((p) => [...p.params, ...p.locals]);
}

/** What call and return translate against: the procedures, and the one whose step is translated. */
interface Procedures {
  byName: ReadonlyMap<string, Procedure>;
  current?: Procedure;
}

/** Appends the fall-through `goto next` to every path that does not end in a goto (macros inlined). */
export function withFallThrough(stmts: Stmt[], next: string, loc: Step["loc"]): Stmt[] {
  const body = inlineMacros(stmts);
  const last = body[body.length - 1];
  const fallThrough: Stmt = { kind: "goto", label: next, loc };
  if (!last) return [fallThrough];
  const init = body.slice(0, -1);
  switch (last.kind) {
    case "goto":
    case "return":
      return body;
    case "call":
      // The procedure returns to where the step would have fallen through.
      return [...init, { ...last, returnTo: next }];
    case "if":
      return [...init, { ...last, then: withFallThrough(last.then, next, loc), else: withFallThrough(last.else, next, loc) }];
    case "either":
      return [...init, { ...last, branches: last.branches.map((b) => withFallThrough(b, next, loc)) }];
    case "choose":
    case "let":
      return [...init, { ...last, body: withFallThrough(last.body, next, loc) }];
    default:
      return [...body, fallThrough];
  }
}

interface Translation {
  items: Formula[];
  assigned: Set<Key>;
}

/** Translates one step (of a process, or of procedure `current`) into the conjuncts of its action (without the pc guard). */
export function translateStep(step: Step, next: string, spec: Spec, definitions: ReadonlyMap<string, Definition>, current?: Procedure): Formula[] {
  const procs: Procedures = { byName: new Map(spec.procedures.map((p) => [p.name, p])), ...(current ? { current } : {}) };
  const { items, assigned } = translateBlock(withFallThrough(step.body, next, step.loc), new Set(), definitions, procs);
  const rest = unchanged(allKeys(spec).filter((k) => !assigned.has(k)));
  return rest ? [...items, rest] : items;
}

/** Translates a plain action into the conjuncts of its definition: no pc, no fall-through. */
export function translateAction(action: Action, spec: Spec, definitions: ReadonlyMap<string, Definition>): Formula[] {
  const { items, assigned } = translateBlock(inlineMacros(action.body), new Set(), definitions, { byName: new Map() });
  const rest = unchanged(allKeys(spec).filter((k) => !assigned.has(k)));
  return rest ? [...items, rest] : items;
}

function translateBlock(stmts: Stmt[], assignedBefore: ReadonlySet<Key>, definitions: ReadonlyMap<string, Definition>, procs: Procedures): Translation {
  const assigned = new Set(assignedBefore);
  const items: Formula[] = [];
  const ctx = (): ExprContext => ({ primed: new Set(assigned), definitions });
  for (let i = 0; i < stmts.length; i++) {
    const stmt = stmts[i];
    if (!stmt) continue;
    switch (stmt.kind) {
      case "await":
        items.push(atom(renderExpr(stmt.cond, ctx(), "item")));
        break;
      case "goto":
        items.push(atom(`pc' = [pc EXCEPT ![self] = ${tlaString(stmt.label)}]`));
        assigned.add("pc");
        break;
      case "call": {
        // As pcal.trans: the parameters get the arguments, a frame saves their and the locals' old
        // values with the label to return to, the locals start again, and pc goes to the first step.
        const callee = procs.byName.get(stmt.procedure);
        if (!callee) throw new Error(`unknown procedure ${stmt.procedure}`);
        const c = ctx();
        stmt.args.forEach((a, j) => {
          const p = callee.params[j];
          if (p) items.push(atom(`${p.name}' = [${p.name} EXCEPT ![self] = ${renderExpr(a, c)}]`));
        });
        const saved = [...callee.locals, ...callee.params].map((v) => `${v.name} |-> ${v.name}[self]`);
        const frame = `[procedure |-> ${tlaString(callee.name)}, pc |-> ${tlaString(stmt.returnTo ?? "Done")}${saved.map((f) => `, ${f}`).join("")}]`;
        items.push(atom(`stack' = [stack EXCEPT ![self] = <<${frame}>> \\o stack[self]]`));
        for (const l of callee.locals) items.push(atom(`${l.name}' = [${l.name} EXCEPT ![self] = ${renderExpr(l.init, c)}]`));
        items.push(atom(`pc' = [pc EXCEPT ![self] = ${tlaString(callee.steps[0]?.label ?? "Done")}]`));
        for (const v of [...callee.params, ...callee.locals]) assigned.add(`local:${v.name}`);
        assigned.add("stack");
        assigned.add("pc");
        break;
      }
      case "return": {
        const current = procs.current;
        if (!current) throw new Error("ret() outside a procedure (the front end rejects it)");
        // pcal.trans writes Head(stack[self]).pc; tla-checker cannot read a field of an operator's
        // result, so the frame is written stack[self][1] (the same value: TLC stops on either when empty).
        items.push(atom(`pc' = [pc EXCEPT ![self] = stack[self][1].pc]`));
        for (const v of [...current.locals, ...current.params]) {
          items.push(atom(`${v.name}' = [${v.name} EXCEPT ![self] = stack[self][1].${v.name}]`));
          assigned.add(`local:${v.name}`);
        }
        items.push(atom(`stack' = [stack EXCEPT ![self] = Tail(stack[self])]`));
        assigned.add("stack");
        assigned.add("pc");
        break;
      }
      case "assign": {
        // Consecutive assignments to one variable form one update, as PlusCal's `||` does.
        const group = assignmentGroup(stmts, i);
        i += group.length - 1;
        items.push(atom(renderAssignment(planAssignment(group), ctx())));
        assigned.add(keyOf(stmt.target));
        break;
      }
      case "if": {
        const [a, b] = balance([translateBlock(stmt.then, assigned, definitions, procs), translateBlock(stmt.else, assigned, definitions, procs)]);
        if (!a || !b) throw new Error("unreachable");
        items.push({ kind: "ite", cond: renderExpr(stmt.cond, ctx()), then: and(a.items), else: and(b.items) });
        for (const k of a.assigned) assigned.add(k);
        break;
      }
      case "either": {
        const branches = balance(stmt.branches.map((br) => translateBlock(br, assigned, definitions, procs)));
        items.push({ kind: "or", items: branches.map((b) => and(b.items)) });
        for (const k of branches[0]?.assigned ?? []) assigned.add(k);
        break;
      }
      case "choose":
      case "let": {
        const inner = translateBlock(stmt.body, assigned, definitions, procs);
        const body = and(inner.items);
        items.push(
          stmt.kind === "choose"
            ? { kind: "exists", name: stmt.name, set: renderExpr(stmt.set, ctx(), "set"), body }
            : { kind: "let", name: stmt.name, value: renderExpr(stmt.value, ctx()), body },
        );
        for (const k of inner.assigned) assigned.add(k);
        break;
      }
    }
  }
  return { items, assigned };
}

/** Gives every branch the same assigned set by adding UNCHANGED for what the others assign. */
function balance(branches: Translation[]): Translation[] {
  const all = new Set(branches.flatMap((b) => [...b.assigned]));
  return branches.map((b) => {
    const missing = [...all].filter((k) => !b.assigned.has(k));
    const extra = unchanged(missing);
    return { items: extra ? [...b.items, extra] : b.items, assigned: all };
  });
}

/** `x' = e`, or `x' = [x EXCEPT ![i].f = e, …]` for updates of parts (`![self]…` for a local). */
function renderAssignment(plan: AssignmentPlan, ctx: ExprContext): string {
  const { name, scope, whole, parts } = plan;
  const path = (p: AssignmentPlan["parts"][number]["path"]) => renderPath(p, ctx);
  if (scope === "local") {
    const updates = [...(whole ? [{ path: [], value: whole }] : []), ...parts];
    return `${name}' = [${name} EXCEPT ${updates.map((u) => `![self]${path(u.path)} = ${renderExpr(u.value, ctx, "value")}`).join(", ")}]`;
  }
  if (whole && parts.length === 0) return `${name}' = ${renderExpr(whole, ctx, "value")}`;
  const from = whole ? renderExpr(whole, ctx, "atom") : name;
  return `${name}' = [${from} EXCEPT ${parts.map((u) => `!${path(u.path)} = ${renderExpr(u.value, ctx, "value")}`).join(", ")}]`;
}

/** The label a process's step falls through to: the next step, or Done after the last. */
export function nextLabel(process: Pick<Process, "steps">, index: number): string {
  return process.steps[index + 1]?.label ?? "Done";
}
