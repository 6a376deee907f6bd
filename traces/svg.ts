/**
 * A counterexample as a swim-lane sequence diagram (SVG): one lane per process, one box per step in
 * the lane of the process that took it (its label and the kernel function it models), time
 * downwards, the story and the changed variables beside each box, the violating state highlighted and
 * the invariant's explanation at the bottom. A lasso trace gets an arrow back to the state it repeats.
 *
 * Self-contained (no fonts, scripts or images from elsewhere); text is measured as monospace.
 */
import { explanationFacts } from "./narrative.ts";
import { formatAssignment, formatChange, wrapItems, wrapText } from "./notation.ts";
import type { TraceModel } from "./trace-model.ts";

const CHAR = 7.2; // width of a 12px monospace character
const LINE = 16;
const PAD = 8;
const MARGIN = 16;
const GUTTER = 40;
const SIDE_CHARS = 76;

export const escapeXml = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const capitalize = (s: string) => (s ? `${s[0]?.toUpperCase()}${s.slice(1)}` : s);

function textLines(lines: { text: string; cls?: string }[], x: number, y: number): string {
  return lines
    .map((l, i) => `<text x="${x}" y="${y + LINE * (i + 1) - 4}"${l.cls ? ` class="${l.cls}"` : ""}>${escapeXml(l.text)}</text>`)
    .join("");
}

/** Items (changes) joined with commas into lines of at most `width` characters. */
function itemLines(items: string[], width: number, cls: string): { text: string; cls: string }[] {
  return wrapItems(items, "", width).map((text) => ({ text, cls }));
}

export function traceSvg(model: TraceModel): string {
  const lanes = model.lanes;
  const boxChars = (s: (typeof model.steps)[number]) => [s.label, s.models ?? "", s.choices.join(", ")];
  const widest = Math.max(12, ...lanes.map((l) => l.name.length), ...model.steps.flatMap(boxChars).map((t) => Math.min(t.length, 26)));
  const laneW = Math.round(widest * CHAR + 2 * PAD + 12);
  const lanesX = MARGIN + GUTTER;
  const sideX = lanesX + lanes.length * laneW + 16;
  const sideW = Math.round(SIDE_CHARS * CHAR + 2 * PAD);
  const width = sideX + sideW + MARGIN;
  const boxTextChars = Math.floor((laneW - 2 * PAD - 12) / CHAR);

  const parts: string[] = [];
  const headerY = MARGIN;
  const headerH = LINE + 2 * PAD;
  let y = headerY + headerH + 12;
  const rows: { y: number; h: number }[] = [];
  const last = model.steps.length;
  const violated = model.invariant !== undefined;

  // The initial state: a box across every lane.
  {
    const side = [
      ...(model.init.story ? wrapText(capitalize(model.init.story), SIDE_CHARS).map((text) => ({ text, cls: "story" })) : []),
      ...itemLines(model.init.differs.map(formatAssignment), SIDE_CHARS, "change"),
    ];
    const h = Math.max(2, side.length) * LINE + 2 * PAD;
    rows.push({ y, h });
    parts.push(
      `<g class="box init" data-step="0"><rect x="${lanesX + 4}" y="${y}" width="${lanes.length * laneW - 8}" height="${h}" rx="6"/>` +
        `${textLines([{ text: "Init", cls: "label" }], lanesX + 4 + PAD, y + PAD)}</g>`,
      `<g class="changes" data-step="0">${textLines(side, sideX + PAD, y + PAD)}</g>`,
      `<text class="num" x="${MARGIN + GUTTER - 10}" y="${y + PAD + LINE - 4}">0</text>`,
    );
    y += h + 10;
  }

  for (const s of model.steps) {
    const isLast = violated && s.index === last;
    const box = [
      ...wrapText(s.label, boxTextChars).map((text) => ({ text, cls: "label" })),
      ...(s.models && s.models !== s.label ? wrapText(s.models, boxTextChars).map((text) => ({ text, cls: "models" })) : []),
      ...(s.choices.length ? wrapText(s.choices.join(", "), boxTextChars).map((text) => ({ text, cls: "choice" })) : []),
    ];
    const items = s.changes.map(formatChange);
    if (s.next) items.push(`next: ${s.next}`);
    const side = [
      ...(s.story ? wrapText(`${s.who}: ${s.story}`, SIDE_CHARS).map((text) => ({ text, cls: "story" })) : []),
      ...itemLines(items.length ? items : ["(no change)"], SIDE_CHARS, "change"),
    ];
    const h = Math.max(box.length, side.length) * LINE + 2 * PAD;
    rows.push({ y, h });
    const bx = lanesX + Math.max(0, s.lane) * laneW + 6;
    const title = `${s.index}. ${s.who}: ${s.label}${s.models ? ` [${s.models}]` : ""}${s.story ? ` — ${s.story}` : ""}${s.loc ? ` (${s.loc.file}:${s.loc.line})` : ""}`;
    parts.push(
      `<g class="box${isLast ? " violation" : ""}" data-step="${s.index}" data-lane="${s.lane}"><title>${escapeXml(title)}</title>` +
        `<rect x="${bx}" y="${y}" width="${laneW - 12}" height="${h}" rx="6"/>${textLines(box, bx + PAD, y + PAD)}</g>`,
      `<g class="changes${isLast ? " violation" : ""}" data-step="${s.index}">` +
        `${isLast ? `<rect class="highlight" x="${sideX}" y="${y}" width="${sideW}" height="${h}" rx="4"/>` : ""}${textLines(side, sideX + PAD, y + PAD)}</g>`,
      `<text class="num" x="${MARGIN + GUTTER - 10}" y="${y + PAD + LINE - 4}">${s.index}</text>`,
    );
    y += h + 10;
  }

  const stepsEnd = y;
  // Why the invariant fails, across the whole width.
  if (model.invariant && model.explanation) {
    const x = model.explanation;
    const text = x.ok
      ? [
          ...(x.explanation.doc ? wrapText(`${x.explanation.invariant}: ${x.explanation.doc}`, Math.floor((width - 2 * MARGIN) / CHAR) - 4) : []),
          ...wrapText(explanationFacts(x.explanation, last), Math.floor((width - 2 * MARGIN) / CHAR) - 4),
          ...(x.explanation.story ? wrapText(`${capitalize(x.explanation.story)}.`, Math.floor((width - 2 * MARGIN) / CHAR) - 4) : []),
        ]
      : wrapText(`raidspec cannot say which part of ${model.invariant} fails: ${x.reason}`, Math.floor((width - 2 * MARGIN) / CHAR) - 4);
    const h = text.length * LINE + 2 * PAD;
    parts.push(
      `<g class="explanation"><rect x="${MARGIN}" y="${y}" width="${width - 2 * MARGIN}" height="${h}" rx="6"/>` +
        `${textLines(text.map((t, i) => ({ text: t, cls: i === text.length - 1 && x.ok && x.explanation.story ? "story" : "" })), MARGIN + PAD, y + PAD)}</g>`,
    );
    y += h + 10;
  }

  // A lasso: an arrow in the gutter from the last step back to the state it repeats.
  if (model.loopStart !== undefined) {
    const from = rows[rows.length - 1];
    const to = rows[model.loopStart];
    if (from && to) {
      const gx = MARGIN + 6;
      const y1 = from.y + from.h / 2;
      const y2 = to.y + to.h / 2;
      parts.push(
        `<g class="loop" data-loop-start="${model.loopStart}"><path d="M ${lanesX} ${y1} H ${gx} V ${y2} H ${lanesX}" marker-end="url(#arrow)"/>` +
          `<text x="${gx + 2}" y="${(y1 + y2) / 2}" class="loop-label">loop</text></g>`,
      );
    }
  }

  const height = y + MARGIN;
  const lifelines = lanes
    .map((l, i) => {
      const x = lanesX + i * laneW;
      const cx = x + laneW / 2;
      return (
        `<g class="lane" data-lane="${i}" data-name="${escapeXml(l.name)}">${l.doc ? `<title>${escapeXml(l.doc)}</title>` : ""}` +
        `<rect class="lane-bg" x="${x + 2}" y="${headerY}" width="${laneW - 4}" height="${stepsEnd - headerY}" rx="6"/>` +
        `<line class="lifeline" x1="${cx}" y1="${headerY + headerH}" x2="${cx}" y2="${stepsEnd}"/>` +
        `<rect class="lane-head" x="${x + 4}" y="${headerY}" width="${laneW - 8}" height="${headerH}" rx="6"/>` +
        `<text class="lane-name" x="${cx}" y="${headerY + PAD + LINE - 4}" text-anchor="middle">${escapeXml(l.name)}</text></g>`
      );
    })
    .join("");

  const style = [
    "text{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,'DejaVu Sans Mono',monospace;fill:#1f2328}",
    ".lane-bg{fill:#f6f8fa}.lane-head{fill:#d0d7de}.lane-name{font-weight:bold}",
    ".lifeline{stroke:#8c959f;stroke-dasharray:4 4}",
    ".box rect{fill:#ddf4ff;stroke:#0969da}.box.init rect{fill:#eaeef2;stroke:#8c959f}",
    ".box.violation rect{fill:#ffebe9;stroke:#cf222e;stroke-width:2}",
    ".label{font-weight:bold}.models{fill:#0550ae}.choice{fill:#6e7781}.story{font-style:italic}.change{fill:#424a53}",
    ".changes .highlight{fill:#ffebe9}.explanation rect{fill:#ffebe9;stroke:#cf222e}",
    ".num{text-anchor:end;fill:#6e7781}.loop path{fill:none;stroke:#8250df;stroke-width:2}.loop-label{fill:#8250df}",
  ].join("");
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="raidspec-trace" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `${model.title ? `<title>${escapeXml(model.title)}</title>` : ""}<style>${style}</style>` +
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#8250df"/></marker></defs>` +
    `<rect width="100%" height="100%" fill="#ffffff"/>${lifelines}${parts.join("")}</svg>\n`
  );
}
