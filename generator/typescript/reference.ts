/**
 * The TypeScript generator: a spec → `reference/<id>.ts`, a typed, dependency-free library that IS the
 * spec's semantics (no interpretation of the IR at run time): the state type, the initial states, the
 * enabled steps of a state with their parameters, each invariant, the configurations, and a `model`
 * object the native explorer and conformance use.
 *
 * The generated code must agree with the generated TLA+ state for state, so it follows the same
 * translation rules (`generator/tla/translate.ts`): statements run in order on a working copy of the
 * state, `when` disables the step, `either`/`choose` give one successor per alternative, a path without
 * `goto` falls through to the next label, and consecutive assignments to one variable are one update
 * whose right-hand sides read the state before it (PlusCal's `||`).
 *
 * Representation, chosen for the explorer's speed: maps are arrays indexed by the key's position in its
 * type's sorted enumeration (`key - lo` for integer ranges), sets are sorted arrays without duplicates,
 * records are plain objects with their fields in alphabetical order, none is null, `pc` is an array with
 * one slot per process (process sets in declaration order). Updates copy only the changed path.
 */
import {
  IndentationText,
  NewLineKind,
  Project,
  QuoteKind,
  type StatementStructures,
  StructureKind,
  VariableDeclarationKind,
} from "ts-morph";
import type { Definition, Expr, Spec, Step, Type } from "../ir.ts";
import { plainContext, renderType } from "../tla/expr.ts";
import { applyVariant } from "../tla/module.ts";
import { nextLabel } from "../tla/translate.ts";
import { stackDepth } from "../ir-walk.ts";
import { UNKNOWN, PREC, code, RUNTIME_NAMES, JS_RESERVED, propName, member, Names, docText, allOf, written, type Code, type Ctx, type StepFunction } from "./shared.ts";
import { InitGenerator } from "./init.ts";
import { genArgument } from "../spec-source.ts";
import { runtimeStatements } from "./runtime.ts";

/** Where the reference library of a spec lives, relative to the project root. */
export function referencePath(id: string): string {
  return `reference/${id}.ts`;
}

/** The full text of the reference library of a spec (every variant in one file). */
export function renderReference(spec: Spec): string {
  return new ReferenceGenerator(spec).render();
}


// ---------------------------------------------------------------------------------------------
// The module

class ReferenceGenerator extends InitGenerator {
  render(): string {
    const spec = this.spec;
    const variantNames: (string | null)[] = [null, ...spec.variants.map((v) => v.name)];
    const specs = variantNames.map((v) => ({ name: v, spec: applyVariant(spec, v) }));

    // Step functions: one per distinct (step, fall-through label); variants reuse the base ones.
    const functions = new Map<string, StepFunction>();
    const perVariant = specs.map(({ name, spec: vs }) => ({
      name,
      spec: vs,
      dispatch: vs.processes.map((p) => ({
        process: p,
        steps: p.steps.map((step, i) => {
          const next = nextLabel(p, i);
          const key = JSON.stringify([p.name, step, next]);
          let fn = functions.get(key);
          if (!fn) {
            const taken = [...functions.values()].some((f) => f.step.label === step.label);
            fn = { name: this.values.take(taken && name ? `${step.label}_${name}` : step.label), step, process: p, next };
            functions.set(key, fn);
          }
          return fn;
        }),
      })),
    }));
    // Plain actions are the same in every variant.
    const actionFunctions: StepFunction[] = spec.actions.map((a) => ({
      name: this.values.take(a.name),
      step: { label: a.name, doc: a.doc, body: a.body, loc: a.loc },
      process: null,
      next: "",
      action: { over: a.over, param: a.param },
    }));
    for (const fn of actionFunctions) functions.set(`action ${fn.step.label}`, fn);
    // Procedure steps, taken by any process (the same in every variant).
    const procedureFunctions: StepFunction[] = spec.procedures.flatMap((proc) =>
      proc.steps.map((step, i) => ({ name: this.values.take(step.label), step, process: null, next: nextLabel(proc, i), procedure: proc })),
    );
    for (const fn of procedureFunctions) functions.set(`procedure ${fn.step.label}`, fn);
    const successorNames = perVariant.map((v) => this.values.take(v.name ? `successors_${v.name}` : "successors"));
    const initNames = perVariant.map((v) => this.values.take(v.name ? `initialStates_${v.name}` : "initialStates"));
    const invariantNames = spec.invariants.map((inv) => this.values.take(inv.name));
    const constraintNames = spec.constraints.map((c) => this.values.take(c.name));

    // Bodies are generated first: they register the tables and enumerations the declarations need,
    // and whether any run-time check can fail (then the dispatchers add what was being evaluated).
    const helperStructures = this.helperFunctions();
    const stepStructures = [...functions.values()].map((fn) => this.stepFunction(fn));
    const successorStructures = perVariant.map((v, i) => this.successorsFunction(v.name, v.dispatch, successorNames[i] ?? "successors", actionFunctions, procedureFunctions));
    successorStructures.push(this.applyStepFunction(perVariant.map((v, i) => ({ name: v.name, fn: successorNames[i] ?? "successors" }))));
    const initStructures = perVariant.map((v, i) => this.initFunction(v.name, v.spec, initNames[i] ?? "initialStates"));
    const invariantStructures = [
      this.typeOKFunction(),
      ...spec.invariants.map((inv, i) => this.predicateFunction(inv, invariantNames[i] ?? inv.name, "Invariant")),
      ...spec.constraints.map((c, i) => this.predicateFunction(c, constraintNames[i] ?? c.name, "State constraint")),
    ];
    const jsonStructures = [
      this.stateToJsonFunction(),
      this.stateFromJsonFunction(),
      this.encodeFunction(),
      ...(spec.procedures.length > 0 ? this.frameFunctions() : []),
    ];
    const modelStructures = this.modelStatements(
      perVariant.map((v, i) => ({ name: v.name, init: initNames[i] ?? "", successors: successorNames[i] ?? "" })),
      invariantNames,
      constraintNames,
    );
    const bindStructure = this.bindFunction();

    const statements: (string | StatementStructures)[] = [
      this.header(),
      section("Types"),
      ...this.typeStatements(),
      section("Configurations"),
      ...this.configStatements(),
      bindStructure,
      ...(this.usedRuntime.has("slotOf") ? [this.slotOfFunction()] : []),
      section("Initial states"),
      ...initStructures,
      section("Steps"),
      ...successorStructures,
      ...stepStructures,
      ...(helperStructures.length ? [section("Helpers"), ...helperStructures] : []),
      section("Invariants"),
      ...invariantStructures,
      section("JSON and encoding"),
      ...jsonStructures,
      section("The model (the shape raidspec's engines use)"),
      ...modelStructures,
      section("Value helpers (TLA+ semantics on plain values)"),
      ...this.tableStatements(),
      ...runtimeStatements(this.usedRuntime),
    ];

    const project = new Project({
      useInMemoryFileSystem: true,
      manipulationSettings: { indentationText: IndentationText.TwoSpaces, newLineKind: NewLineKind.LineFeed, quoteKind: QuoteKind.Double },
    });
    const file = project.createSourceFile("reference.ts", "", { overwrite: true });
    file.addStatements(statements.flatMap((st, i) => (i === 0 ? [st] : [BLANK, st])));
    file.formatText({
      indentSize: 2,
      tabSize: 2,
      convertTabsToSpaces: true,
      newLineCharacter: "\n",
      insertSpaceAfterOpeningAndBeforeClosingNonemptyBraces: true,
    });
    const text = file
      .getFullText()
      .split("\n")
      .map((line) => (line.trim() === BLANK ? "" : line))
      .join("\n");
    return `${text.replace(/\n{3,}/g, "\n\n").trimEnd()}\n`;
  }

  private header(): string {
    const lines = [
      `${this.spec.name}: the reference library generated by raidspec from ${this.spec.source}.`,
      `Do not edit: change the spec and run \`raidspec gen ${genArgument(this.spec.source)}\`.`,
      ...(this.spec.doc ? ["", ...this.spec.doc.split("\n")] : []),
      "",
      "Plain, dependency-free TypeScript: the state type, the initial states, the enabled steps of a state",
      "(with the process taking each and its nondeterministic choices), the invariants and the",
      "configurations. `model` bundles them for raidspec's native explorer and for tests that drive a real",
      "implementation side by side with this reference.",
      "",
      "Representation: a map is an array indexed by the key's position in its domain (`key - lo` for an",
      "integer range), a set is a sorted array without duplicates, a record is an object, none is null, and",
      "`pc` holds one label per process. States are immutable: a step copies only what it changes.",
      "`toJson`/`fromJson` convert to and from the canonical JSON form used in traces.",
    ];
    return `/*\n${lines.map((l) => (l ? ` * ${docText(l)}` : " *")).join("\n")}\n */`;
  }

  private typeStatements(): (string | StatementStructures)[] {
    const out: (string | StatementStructures)[] = [];
    out.push({
      kind: StructureKind.TypeAlias,
      name: "Json",
      isExported: true,
      docs: ["A value as plain JSON: the canonical form of states in traces."],
      type: "null | boolean | number | string | Json[] | { [key: string]: Json }",
    });
    for (const d of this.spec.domains)
      out.push({
        kind: StructureKind.TypeAlias,
        name: this.domainTypes.get(d.name) ?? d.name,
        isExported: true,
        docs: [docText(`${d.doc ? `${d.doc}\n\n` : ""}A value of the domain ${d.name} == ${this.describeType(d.type)}.`)],
        type: this.tsType(this.resolve(d.type)),
      });
    out.push({
      kind: StructureKind.TypeAlias,
      name: "Label",
      isExported: true,
      docs: ["A step label (the value of a process's pc), of any variant; Done after a process's last step."],
      type: this.labels.map((l) => JSON.stringify(l)).join(" | "),
    });
    if (this.multiProcess)
      out.push({
        kind: StructureKind.TypeAlias,
        name: "ProcessId",
        isExported: true,
        docs: ["The identity of a process of any process set."],
        type: [...new Set(this.spec.processes.map((p) => this.tsType({ kind: "named", name: p.over })))].join(" | "),
      });
    const locals = this.spec.processes.flatMap((p) => p.locals.map((l) => ({ l, p })));
    out.push({
      kind: StructureKind.Interface,
      name: "State",
      isExported: true,
      docs: ["A state of the model: the variables, each process set's locals, and pc."],
      properties: [
        ...this.spec.variables.map((v) => ({
          name: propName(v.name),
          isReadonly: true,
          type: this.tsType(v.type),
          docs: [docText(`${v.doc ? `${v.doc}\n\n` : ""}In ${this.describeType(v.type)}.`)],
        })),
        ...locals.map(({ l, p }) => ({
          name: propName(l.name),
          isReadonly: true,
          type: `readonly ${this.tsElement(l.type)}[]`,
          docs: [docText(`${l.doc ? `${l.doc}\n\n` : ""}Local of process set ${p.name}: a value in ${this.describeType(l.type)} per process of ${p.over}, by position.`)],
        })),
        ...this.spec.procedures.flatMap((proc) =>
          [...proc.params, ...proc.locals].map((v) => ({
            name: propName(v.name),
            isReadonly: true,
            type: `readonly ${this.tsElement(v.type)}[]`,
            docs: [docText(`${v.doc ? `${v.doc}\n\n` : ""}Of procedure ${proc.name}: a value in ${this.describeType(v.type)} per process, by pc position.`)],
          })),
        ),
        ...(this.spec.procedures.length > 0
          ? [{ name: "stack", isReadonly: true, type: "readonly (readonly Frame[])[]", docs: ["Each process's stack of procedure frames, innermost call first, by pc position."] }]
          : []),
        {
          name: "pc",
          isReadonly: true,
          type: "readonly Label[]",
          docs: [
            this.multiProcess
              ? `The label of each process: the processes of ${this.spec.processes.map((p) => p.over).join(", then ")}, by position.`
              : `The label of each process of ${this.spec.processes[0]?.over ?? "no process set"}, by position.`,
          ],
        },
      ],
    });
    if (this.spec.procedures.length > 0)
      out.push({
        kind: StructureKind.TypeAlias,
        name: "Frame",
        isExported: true,
        docs: ["A frame of a process's stack: the procedure called, the label to return to, and the values of its parameters and locals before the call."],
        type: this.spec.procedures
          .map((p) => `{ readonly procedure: ${JSON.stringify(p.name)}; readonly pc: Label${[...p.locals, ...p.params].map((v) => `; readonly ${propName(v.name)}: ${this.tsType(v.type)}`).join("")} }`)
          .join(" | "),
      });
    out.push({
      kind: StructureKind.TypeAlias,
      name: "Draft",
      docs: ["A step's private working copy of a state."],
      type: "{ -readonly [K in keyof State]: State[K] }",
    });
    const fields = [...this.spec.variables.map((v) => v.name), ...locals.map(({ l }) => l.name), ...this.procVars.map((v) => v.name), ...(this.spec.procedures.length > 0 ? ["stack"] : []), "pc"];
    out.push({
      kind: StructureKind.Function,
      name: "draft",
      docs: [
        "A copy of a state to work on. Every state is built by this one object literal, so all states share one hidden class in the JavaScript engine and reading them stays fast.",
      ],
      parameters: [{ name: "s", type: "State" }],
      returnType: "Draft",
      statements: `return { ${fields.map((f) => `${propName(f)}: ${member("s", f)}`).join(", ")} };`,
    });
    out.push({
      kind: StructureKind.Interface,
      name: "Transition",
      isExported: true,
      docs: ["One enabled step of a state: who takes it, with which choices, and the state after it."],
      properties: [
        { name: "step", type: "string", docs: ["The step label (= the TLA+ action name)."] },
        { name: "processSet", type: "string" },
        { name: "self", type: "Json", docs: ["The identity of the process taking the step."] },
        { name: "params", type: "Record<string, Json>", docs: ["Values chosen by `choose`, and `either@line:col` → the branch taken."] },
        { name: "next", type: "State" },
      ],
    });
    return out;
  }

  /** A type in TLA+ notation, for docs. */
  private describeType(t: Type): string {
    return renderType(t, plainContext(this.defs)).replace(/\\cup \{NoValue\}/g, "\\cup {none}");
  }

  private configStatements(): StatementStructures[] {
    const constants = this.spec.constants.map((c) => ({ name: propName(c.name), isReadonly: true, type: this.tsType(c.type), docs: c.doc ? [docText(c.doc)] : [] }));
    const domains = this.boundDomains.map((d) => ({
      name: propName(d.name),
      isReadonly: true,
      type: `readonly ${this.tsElement({ kind: "named", name: d.name })}[]`,
      docs: [docText(`The values of ${d.name}, sorted.`)],
    }));
    // Enumerations hoisted while the bodies were written.
    const hoisted = [...this.hoisted.values()].map((h) => ({ name: h.field, isReadonly: true, type: `readonly ${this.tsElement(h.type)}[]` }));
    const processFields = this.multiProcess
      ? [
          { name: "pcBase", isReadonly: true, type: `{ ${this.spec.processes.map((p) => `readonly ${propName(p.name)}: number`).join("; ")} }`, docs: ["Where each process set's slots start in pc."] },
          { name: "processes", isReadonly: true, type: "readonly ProcessId[]", docs: ["Every process identity, in pc order."] },
        ]
      : [];
    return [
      {
        kind: StructureKind.Interface,
        name: "Env",
        isExported: true,
        docs: ["A configuration's constants with every domain enumerated: computed once by `bind`."],
        properties: [...constants, ...domains, ...hoisted, ...processFields],
      },
      {
        kind: StructureKind.VariableStatement,
        declarationKind: VariableDeclarationKind.Const,
        isExported: true,
        docs: ["The named configurations: constant values as JSON, and the variant each checks by default."],
        declarations: [
          {
            name: "configs",
            type: "Record<string, { constants: Record<string, Json>; variant: string | null }>",
            initializer: (w) => {
              w.write("{").indent(() => {
                for (const c of this.spec.configs) {
                  const constants = c.constants.map((k) => `${propName(k.name)}: ${JSON.stringify(k.value)}`).join(", ");
                  const variant = c.variant && c.variant !== this.spec.baseVariant ? JSON.stringify(c.variant) : "null";
                  w.writeLine(`${propName(c.name)}: { constants: {${constants ? ` ${constants} ` : ""}}, variant: ${variant} },`);
                }
              });
              w.write("}");
            },
          },
        ],
      },
    ];
  }

  private bindFunction(): StatementStructures {
    const locals = new Names([...RUNTIME_NAMES, ...JS_RESERVED, "constants"]);
    const localOf = new Map<string, string>();
    for (const c of this.spec.constants) localOf.set(c.name, locals.take(c.name));
    for (const d of this.spec.domains) localOf.set(d.name, locals.take(d.name));
    const ctx: Ctx = { state: null, process: null, ref: (name) => localOf.get(name) ?? name, hoist: false, bound: new Map(), where: "bind" };
    // Enumerating a domain nobody iterates could be huge (a setOf or mapOf domain): only what is used.
    const needed = new Set<string>();
    const need = (name: string): void => {
      const d = this.domains.get(name);
      if (!d || needed.has(name)) return;
      needed.add(name);
      for (const dep of typeDomains(d.type)) need(dep);
    };
    for (const name of this.usedRefs) need(name);
    for (const h of this.hoisted.values()) for (const dep of typeDomains(h.type)) need(dep);
    if (this.multiProcess) for (const p of this.spec.processes) need(p.over);
    this.boundDomains = this.spec.domains.filter((d) => needed.has(d.name));
    this.usedRuntime.add("constant");
    return {
      kind: StructureKind.Function,
      name: "bind",
      isExported: true,
      docs: ["The environment of a configuration: its constants (as JSON, sets as arrays) converted, and every domain enumerated."],
      parameters: [{ name: "constants", type: "Record<string, Json>" }],
      returnType: "Env",
      statements: written((w) => {
        for (const c of this.spec.constants) {
          const local = localOf.get(c.name) ?? c.name;
          w.writeLine(`const ${local}: ${this.tsType(c.type)} = ${this.fromJson(c.type, `constant(constants, ${JSON.stringify(c.name)})`, ctx, 0)};`);
        }
        for (const d of this.boundDomains) {
          const local = localOf.get(d.name) ?? d.name;
          w.writeLine(`const ${local}: readonly ${this.tsElement({ kind: "named", name: d.name })}[] = ${this.enumerationCode(d.type, ctx)};`);
        }
        const fields = [
          ...this.spec.constants.map((c) => ({ name: c.name, value: localOf.get(c.name) ?? c.name })),
          ...this.boundDomains.map((d) => ({ name: d.name, value: localOf.get(d.name) ?? d.name })),
          ...[...this.hoisted.values()].map((h) => ({ name: h.field, value: this.enumerationCode(h.type, ctx) })),
        ];
        if (this.multiProcess) {
          let offset = "0";
          const bases: string[] = [];
          for (const p of this.spec.processes) {
            bases.push(`${propName(p.name)}: ${offset}`);
            offset = `${offset === "0" ? "" : `${offset} + `}${ctx.ref(p.over)}.length`;
          }
          w.writeLine(`const processes: readonly ProcessId[] = [${this.spec.processes.map((p) => `...${ctx.ref(p.over)}`).join(", ")}];`);
          this.usedRuntime.add("setOf");
          w.writeLine("// pc has one entry per identity: process sets must not share one.");
          w.writeLine(`if (setOf(processes).length !== processes.length) throw new Error("Two process sets share a process identity");`);
          fields.push({ name: "pcBase", value: `{ ${bases.join(", ")} }` }, { name: "processes", value: "processes" });
        }
        w.writeLine(`return { ${fields.map((f) => (f.name === f.value ? f.name : `${propName(f.name)}: ${f.value}`)).join(", ")} };`);
      }),
    };
  }

  private slotOfFunction(): StatementStructures {
    this.usedRuntime.add("equals");
    this.usedRuntime.add("EvaluationError");
    this.usedRuntime.add("showValue");
    return {
      kind: StructureKind.Function,
      name: "slotOf",
      docs: ["The position of a process in pc; `pc[id]` for an id that is no process stops, as in TLC."],
      parameters: [
        { name: "env", type: "Env" },
        { name: "id", type: "unknown" },
        { name: "at", type: "string" },
      ],
      returnType: "number",
      statements: [
        "const slot = env.processes.findIndex((p) => equals(p, id));",
        "if (slot < 0) throw new EvaluationError(at, `pc[${showValue(id)}] is read, but ${showValue(id)} is not a process`, id);",
        "return slot;",
      ].join("\n"),
    };
  }

  /** The helpers, each knowing whether it (or a helper it calls) can throw an EvaluationError. */
  private helperFunctions(): StatementStructures[] {
    const bodies = this.spec.definitions.map((d) => {
      const before = this.checks;
      const structure = this.helperFunction(d);
      if (this.checks > before) this.checkedHelpers.add(d.name);
      return { d, structure };
    });
    // A helper calling a checked helper is checked too (helpers may call helpers declared after them).
    for (let changed = true; changed; ) {
      changed = false;
      for (const { d } of bodies)
        if (!this.checkedHelpers.has(d.name) && this.callsChecked(d.body)) {
          this.checkedHelpers.add(d.name);
          changed = true;
        }
    }
    return bodies.map(({ d, structure }) =>
      this.checkedHelpers.has(d.name) ? { ...structure, statements: this.guarded(String(structure.statements), JSON.stringify(`helper ${d.name}`)) } : structure,
    );
  }

  private helperFunction(d: Definition): StatementStructures & { statements: string } {
    const types = this.helperParams.get(d.name) ?? [];
    const params = d.params.map((p, i) => ({ name: p, js: this.localName(p, new Map()), type: types[i] ?? UNKNOWN }));
    const bound = new Map(params.map((p) => [p.name, { code: p.js, type: p.type }]));
    const ctx: Ctx = { ...this.fnCtx(d.pure ? null : "s", null, bound, `helper ${d.name}`), loc: d.loc };
    const body = this.expr(d.body, ctx);
    const result = this.typeOf(d.body, bound, null);
    const returnType = result.kind === "bool" ? "boolean" : result.kind === "anyInt" || result.kind === "int" ? "number" : undefined;
    return {
      kind: StructureKind.Function,
      name: this.helperNames.get(d.name) ?? d.name,
      isExported: true,
      docs: [docText(`${d.doc ? `${d.doc}\n\n` : ""}Helper ${d.name} (${d.loc.file}:${d.loc.line}); ${d.pure ? "reads no state" : "reads the state it is given"}.`)],
      parameters: [{ name: "env", type: "Env" }, ...(d.pure ? [] : [{ name: "s", type: "State" }]), ...params.map((p) => ({ name: p.js, type: this.tsType(p.type) }))],
      returnType,
      statements: `return ${body.code};`,
    };
  }

  private typeOKFunction(): StatementStructures {
    const ctx = this.fnCtx("s", null, new Map(), "TypeOK");
    const parts: Code[] = [];
    for (const v of this.spec.variables) {
      const c = this.typeCheck(v.type, member("s", v.name), ctx, 0);
      if (c) parts.push(c);
    }
    for (const l of [...this.spec.processes.flatMap((p) => p.locals), ...this.procVars]) {
      const c = this.typeCheck(l.type, "x", ctx, 1);
      if (c) parts.push(code(`${member("s", l.name)}.every((x) => ${c.code})`, PREC.member));
    }
    if (this.spec.procedures.length > 0) parts.push(code(`s.stack.every((x) => x.length <= ${stackDepth(this.spec)})`, PREC.member));
    return {
      kind: StructureKind.Function,
      name: "TypeOK",
      isExported: true,
      docs: [
        "Every variable is in its type (the generated TypeOK). The TypeScript types already hold booleans, tags, labels and map keys; what is checked here is what they cannot: integer bounds, at every depth.",
      ],
      parameters: [
        { name: "env", type: "Env" },
        { name: "s", type: "State" },
      ],
      returnType: "boolean",
      statements: [`return ${parts.length ? allOf(parts).code : "true"};`],
    };
  }

  /** An invariant's or a state constraint's function. */
  private predicateFunction(inv: Spec["invariants"][number], name: string, what: string): StatementStructures {
    const ctx: Ctx = { ...this.fnCtx("s", null, new Map(), `${what.toLowerCase()} ${inv.name}`), loc: inv.loc };
    const semantics = what === "Invariant" ? "" : " A state that breaks it is checked against the invariants, but neither counted nor explored.";
    const before = this.checks;
    const body = `return ${this.expr(inv.body, ctx).code};`;
    const checked = this.checks > before || this.callsChecked(inv.body);
    return {
      kind: StructureKind.Function,
      name,
      isExported: true,
      docs: [docText(`${inv.doc ? `${inv.doc}\n\n` : ""}${what} ${inv.name} (${inv.loc.file}:${inv.loc.line}).${semantics}`)],
      parameters: [
        { name: "env", type: "Env" },
        { name: "s", type: "State" },
      ],
      returnType: "boolean",
      statements: checked ? this.guarded(body, JSON.stringify(`${what.toLowerCase()} ${inv.name}`)) : body,
    };
  }

  private modelStatements(variants: { name: string | null; init: string; successors: string }[], invariantNames: string[], constraintNames: string[]): StatementStructures[] {
    const stepsMeta = new Map<string, string>();
    const addSteps = (processName: string, steps: Step[]) => {
      for (const s of steps) {
        const key = `${processName}\u0000${s.label}`;
        if (stepsMeta.has(key)) continue;
        stepsMeta.set(
          key,
          `{ label: ${JSON.stringify(s.label)}, processSet: ${JSON.stringify(processName)}, ${s.models ? `models: ${JSON.stringify(s.models)}, ` : ""}line: ${s.loc.line}, column: ${s.loc.column} },`,
        );
      }
    };
    for (const p of this.spec.processes) addSteps(p.name, p.steps);
    addSteps("", this.spec.actions.map((a) => ({ label: a.name, body: a.body, loc: a.loc })));
    addSteps("", this.spec.procedures.flatMap((p) => p.steps));
    for (const v of this.spec.variants) for (const vp of v.processes) addSteps(vp.process, vp.steps);
    const C = "Record<string, Json>";
    return [
      {
        kind: StructureKind.Interface,
        name: "Model",
        isExported: true,
        docs: ["What `model` offers: structurally raidspec's `ReferenceModel<State>` (engines/model.ts), without depending on raidspec."],
        properties: [
          { name: "name", type: "string" },
          { name: "source", type: "string" },
          { name: "configs", type: `Record<string, { constants: ${C}; variant: string | null }>` },
          { name: "steps", type: "{ label: string; processSet: string; models?: string; line: number; column: number }[]" },
          { name: "variants", type: `{ name: string | null; init(constants: ${C}): State[]; successors(state: State, constants: ${C}): Transition[] }[]` },
          { name: "init", type: `(constants: ${C}) => State[]` },
          { name: "invariants", type: `{ name: string; holds(state: State, constants: ${C}): boolean }[]` },
          ...(constraintNames.length ? [{ name: "constraints", type: `{ name: string; holds(state: State, constants: ${C}): boolean }[]` }] : []),
          { name: "toJson", type: `(state: State, constants?: ${C}) => { [key: string]: Json }` },
          { name: "fromJson", type: `(json: { [key: string]: Json }, constants: ${C}) => State` },
          { name: "encode", type: "(state: State, out: number[]) => number" },
        ],
      },
      {
        kind: StructureKind.VariableStatement,
        declarationKind: VariableDeclarationKind.Const,
        docs: ["Environments by constants object: binding is done once per configuration."],
        declarations: [{ name: "envCache", initializer: "new WeakMap<object, Env>()" }],
      },
      {
        kind: StructureKind.VariableStatement,
        declarationKind: VariableDeclarationKind.Let,
        docs: ["The environment bound last, for `toJson` called without constants."],
        declarations: [{ name: "latestEnv", type: "Env | undefined" }],
      },
      {
        kind: StructureKind.Function,
        name: "envOf",
        docs: ["The environment of a constants object (bound once, then cached)."],
        parameters: [{ name: "constants", type: C, hasQuestionToken: true }],
        returnType: "Env",
        statements: [
          "if (!constants) {",
          "  if (latestEnv) return latestEnv;",
          `  ${this.envNeedsConstants() ? 'throw new Error("Pass the constants: this spec\'s domains depend on them");' : "return bind({});"}`,
          "}",
          "let env = envCache.get(constants);",
          "if (!env) {",
          "  env = bind(constants);",
          "  envCache.set(constants, env);",
          "}",
          "latestEnv = env;",
          "return env;",
        ].join("\n"),
      },
      {
        kind: StructureKind.VariableStatement,
        declarationKind: VariableDeclarationKind.Const,
        isExported: true,
        docs: ["The model: what raidspec's native explorer, trace replay and conformance checks use."],
        declarations: [
          {
            name: "model",
            type: "Model",
            initializer: (w) => {
              w.write("{").indent(() => {
                w.writeLine(`name: ${JSON.stringify(this.spec.name)},`);
                w.writeLine(`source: ${JSON.stringify(this.spec.source)},`);
                w.writeLine("configs,");
                w.write("steps: [").indent(() => {
                  for (const s of stepsMeta.values()) w.writeLine(s);
                });
                w.writeLine("],");
                w.write("variants: [").indent(() => {
                  for (const v of variants)
                    w.writeLine(
                      `{ name: ${v.name ? JSON.stringify(v.name) : "null"}, init: (c) => ${v.init}(envOf(c)), successors: (state, c) => ${v.successors}(envOf(c), state) },`,
                    );
                });
                w.writeLine("],");
                w.writeLine(`init: (c) => ${variants[0]?.init ?? "initialStates"}(envOf(c)),`);
                w.write("invariants: [").indent(() => {
                  w.writeLine(`{ name: "TypeOK", holds: (state, c) => TypeOK(envOf(c), state) },`);
                  this.spec.invariants.forEach((inv, i) => w.writeLine(`{ name: ${JSON.stringify(inv.name)}, holds: (state, c) => ${invariantNames[i] ?? inv.name}(envOf(c), state) },`));
                });
                w.writeLine("],");
                if (constraintNames.length) {
                  w.write("constraints: [").indent(() => {
                    this.spec.constraints.forEach((c, i) => w.writeLine(`{ name: ${JSON.stringify(c.name)}, holds: (state, c) => ${constraintNames[i] ?? c.name}(envOf(c), state) },`));
                  });
                  w.writeLine("],");
                }
                w.writeLine("toJson: (state, c) => stateToJson(envOf(c), state),");
                w.writeLine("fromJson: (json, c) => stateFromJson(envOf(c), json),");
                w.writeLine("encode,");
              });
              w.write("}");
            },
          },
        ],
      },
    ];
  }

  /** Whether binding needs the constants: a constant exists (whose domains might read it). */
  private envNeedsConstants(): boolean {
    return this.spec.constants.length > 0;
  }

  private tableStatements(): StatementStructures[] {
    const tables: StatementStructures[] = [
      {
        kind: StructureKind.VariableStatement,
        declarationKind: VariableDeclarationKind.Const,
        docs: ["The position of each label, for the encoding."],
        declarations: [{ name: "labelIndex", type: "Readonly<Record<Label, number>>", initializer: `{ ${this.labels.map((l, i) => `${propName(l)}: ${i}`).join(", ")} }` }],
      },
    ];
    for (const { name, values } of this.enumTables.values())
      tables.push({
        kind: StructureKind.VariableStatement,
        declarationKind: VariableDeclarationKind.Const,
        docs: ["The position of each tag in its sorted domain (a map's array index)."],
        declarations: [
          {
            name,
            type: `Readonly<Record<${values.map((v) => JSON.stringify(v)).join(" | ") || "never"}, number>>`,
            initializer: `{ ${values.map((v, i) => `${propName(v)}: ${i}`).join(", ")} }`,
          },
        ],
      });
    return tables;
  }
}

// ---------------------------------------------------------------------------------------------
// Module layout and IR queries of the assembly

/** A line the printer turns into a blank line between top-level declarations. */
const BLANK = "//@blank@";

function section(title: string): string {
  return `// ${"-".repeat(93)}\n// ${title}\n${BLANK}`;
}

/** The named domains a type mentions (its enumeration reads theirs). */
function typeDomains(t: Type): string[] {
  switch (t.kind) {
    case "named":
      return [t.name];
    case "map":
      return [...typeDomains(t.key), ...typeDomains(t.value)];
    case "set":
      return typeDomains(t.element);
    case "optional":
      return typeDomains(t.value);
    case "record":
      return t.fields.flatMap((f) => typeDomains(f.type));
    default:
      return [];
  }
}
