/**
 * A counterexample as one self-contained HTML page: the swim-lane diagram, the narrative, why the
 * invariant fails, and a table of every state (one row per variable, or per key of a map variable;
 * one column per state) with the cells that changed highlighted, the violating state marked and the
 * lasso's loop shown. No external assets: styles and the one small script are inline.
 */
import type { Json, TraceState } from "../engines/result.ts";
import { canonicalString } from "../engines/state-json.ts";
import { explanationLines, narrativeLines, type NarrativeOptions } from "./narrative.ts";
import { formatValue } from "./notation.ts";
import { escapeXml, traceSvg } from "./svg.ts";
import type { TraceModel } from "./trace-model.ts";

interface Row {
  name: string;
  cells: Json[];
}

/** One row per variable, or per top-level key of a variable that holds a map or record. */
function tableRows(states: TraceState[], keys: string[]): Row[] {
  const rows: Row[] = [];
  for (const name of keys) {
    const values = states.map((s) => s[name] ?? null);
    const first = values[0];
    if (first && typeof first === "object" && !Array.isArray(first)) {
      for (const k of Object.keys(first)) rows.push({ name: `${name}[${k}]`, cells: values.map((v) => (v && typeof v === "object" && !Array.isArray(v) ? (v[k] ?? null) : null)) });
    } else rows.push({ name, cells: values });
  }
  return rows;
}

function stateTable(model: TraceModel, keys: string[]): string {
  const states = [model.init.state, ...model.steps.map((s) => s.state)];
  const last = states.length - 1;
  const loop = model.loopStart;
  const colClass = (i: number) =>
    [i === last && model.invariant ? "violation" : "", loop !== undefined && i >= loop ? "loop" : ""].filter(Boolean).join(" ");
  const head = states
    .map((_, i) => {
      const step = model.steps[i - 1];
      const label = i === 0 ? "Init" : `${step?.who ?? ""}: ${step?.label ?? ""}`;
      const cls = colClass(i);
      return `<th${cls ? ` class="${cls}"` : ""} title="${escapeXml(label)}">${i}${loop === i ? " ↺" : ""}<br><span class="who">${escapeXml(label)}</span></th>`;
    })
    .join("");
  const body = tableRows(states, keys)
    .map((row) => {
      const changes = row.cells.map((c, i) => i > 0 && canonicalString(c) !== canonicalString(row.cells[i - 1] ?? null));
      const cells = row.cells
        .map((c, i) => {
          const cls = [changes[i] ? "changed" : "", colClass(i)].filter(Boolean).join(" ");
          return `<td${cls ? ` class="${cls}"` : ""}>${escapeXml(formatValue(c))}</td>`;
        })
        .join("");
      return `<tr class="${changes.some(Boolean) ? "changing" : "steady"}"><th scope="row">${escapeXml(row.name)}</th>${cells}</tr>`;
    })
    .join("\n");
  return `<table class="states"><thead><tr><th>variable</th>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const STYLE = `
body{font:14px system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;margin:24px;max-width:none}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
.verdict{color:#cf222e;font-weight:bold}
.diagram{overflow-x:auto;border:1px solid #d0d7de;border-radius:6px;padding:4px}
pre.narrative{background:#f6f8fa;padding:12px;border-radius:6px;overflow-x:auto;font-size:12px}
.why{background:#ffebe9;border:1px solid #cf222e;border-radius:6px;padding:8px 12px}
.why p{margin:4px 0}
table.states{border-collapse:collapse;font:12px ui-monospace,monospace}
table.states th,table.states td{border:1px solid #d0d7de;padding:2px 6px;text-align:left;vertical-align:top;white-space:nowrap}
table.states thead th{background:#eaeef2;position:sticky;top:0}
table.states .who{font-weight:normal;color:#57606a}
td.changed{background:#fff8c5;font-weight:bold}
th.violation,td.violation{outline:2px solid #cf222e;outline-offset:-2px}
td.violation.changed{background:#ffcecb}
th.loop,td.loop{border-top:2px solid #8250df}
body.only-changing tr.steady{display:none}
`;

export function traceHtml(model: TraceModel, opts: NarrativeOptions & { verdict?: string } = {}): string {
  const title = model.title ?? "raidspec counterexample";
  const why = model.invariant && model.explanation ? `<section class="why" id="why">${explanationLines(model, 100_000).map((l) => `<p>${escapeXml(l)}</p>`).join("")}</section>` : "";
  const loop = model.loopStart !== undefined ? `<p class="loop-note">From state ${model.loopStart} on, the states repeat for ever (the lasso's loop).</p>` : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${escapeXml(title)}</h1>${opts.verdict ? `<p class="verdict">${escapeXml(opts.verdict)}</p>` : ""}</header>
<h2>Sequence</h2>
<div class="diagram">${traceSvg(model)}</div>
${why}
${loop}
<h2>Narrative</h2>
<pre class="narrative">${escapeXml(narrativeLines(model, opts).join("\n"))}</pre>
<h2>States</h2>
<p><label><input type="checkbox" id="only-changing"> only the rows that change</label></p>
${stateTable(model, Object.keys(model.init.state))}
<script>
document.getElementById("only-changing").addEventListener("change", (e) => document.body.classList.toggle("only-changing", e.target.checked));
</script>
</body>
</html>
`;
}
