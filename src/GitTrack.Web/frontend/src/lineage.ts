// Issue #18 on the page: a run's packages (count, CUDA/cuDNN/Python, a searchable list), its inputs, its lineage
// graph (the runs and data behind it, the runs that used its artifacts) as a small SVG drawn here, and the package
// differences between compared runs. Every recorded string (package names, paths, run names) goes in as text:
// textContent, attribute values or SVG <text> nodes, never markup.
import { h, formatBytes } from "./dom";
import { api, type Input, type LineageGraph, type LineageNode, type RunRecord } from "./api";

const SVG = "http://www.w3.org/2000/svg";

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** The run page's packages, inputs and lineage sections (null pieces left out); filled as their requests answer. */
export function lineageSections(run: RunRecord): HTMLElement[] {
  const sections: HTMLElement[] = [];
  if (run.environment) sections.push(packagesSection(run));
  if (run.inputs.length > 0) sections.push(inputsSection(run.inputs));
  sections.push(graphSection(run));
  return sections;
}

function packagesSection(run: RunRecord): HTMLElement {
  const env = run.environment!;
  const facts = h("div", { class: "controls", id: "packages-facts" });
  const search = h("input", { type: "search", id: "packages-search", placeholder: "search packages", size: 30 }) as HTMLInputElement;
  const count = h("span", { class: "muted", id: "packages-shown" });
  const table = h("table", { class: "kv", id: "packages-table" });
  const box = h("div", { class: "packages-list" }, table);
  const section = h("section", { id: "packages" },
    h("h3", {}, "packages ", h("span", { class: "muted", id: "packages-count" }, `${env.count}`)),
    facts,
    env.lock_files.length > 0 ? h("p", { class: "muted" }, "lock files in the snapshot: ", env.lock_files.join(", ")) : null,
    env.sources.length > 0 ? h("p", { class: "muted", id: "packages-sources" }, "read from: ", env.sources.join("; ")) : null,
    h("div", { class: "controls" }, search, count),
    box);
  void api.packages(run.id).then((data) => {
    const fact = (name: string, value: string | null) => value ? facts.appendChild(h("span", { class: "fact", "data-fact": name }, h("b", {}, name), " ", value)) : null;
    fact("python", data.python);
    fact("cuda", data.cuda);
    fact("cudnn", data.cudnn);
    if (data.missing) facts.appendChild(h("span", { class: "error" }, "the environment file is missing from the runs branch"));
    const rows = data.packages.map((p) => {
      const row = h("tr", { class: "package-row" }, h("th", {}, p.name), h("td", {}, p.version), h("td", { class: "muted" }, p.manager));
      return { row, text: `${p.manager} ${p.name} ${p.version}`.toLowerCase() };
    });
    for (const { row } of rows) table.appendChild(row);
    const filter = () => {
      const words = search.value.toLowerCase().split(/\s+/).filter((w) => w);
      let shown = 0;
      for (const { row, text } of rows) {
        const visible = words.every((w) => text.includes(w));
        row.style.display = visible ? "" : "none";
        if (visible) shown++;
      }
      count.textContent = `${shown} of ${rows.length}`;
    };
    search.addEventListener("input", filter);
    filter();
  }).catch((e) => facts.appendChild(h("span", { class: "error" }, String(e instanceof Error ? e.message : e))));
  return section;
}

function inputsSection(inputs: Input[]): HTMLElement {
  const table = h("table", { class: "kv", id: "inputs-table" });
  for (const input of inputs) {
    table.appendChild(h("tr", {},
      h("th", {}, input.path),
      h("td", {}, input.kind === "folder" ? `folder, ${input.files ?? 0} files, ${formatBytes(input.size)}` : formatBytes(input.size)),
      h("td", {}, input.stored ? "stored" : ""),
      h("td", {}, h("code", { class: "muted" }, input.blake3))));
  }
  return h("section", { id: "inputs" }, h("h3", {}, "inputs"), table);
}

function graphSection(run: RunRecord): HTMLElement {
  const box = h("div", { id: "lineage", class: "lineage" });
  const section = h("section", {}, h("h3", {}, "lineage"), box);
  // Without inputs or artifacts nothing can link the run to another: no request (the view is redrawn as a run grows).
  if (run.inputs.length === 0 && run.artifacts.length === 0) {
    box.appendChild(h("p", { class: "muted", id: "lineage-empty" }, "no inputs or artifacts recorded"));
    return section;
  }
  void api.lineage(run.id).then((graph) => {
    if (graph.nodes.length <= 1) {
      box.appendChild(h("p", { class: "muted", id: "lineage-empty" }, "no inputs from other runs, and no run used its artifacts"));
      return;
    }
    box.appendChild(drawGraph(graph));
    if (graph.cut) box.appendChild(h("p", { class: "muted" }, "the graph was cut; 'gittrack lineage RUN' follows it further"));
  }).catch((e) => box.appendChild(h("p", { class: "error" }, String(e instanceof Error ? e.message : e))));
  return section;
}

const NODE_W = 190;
const NODE_H = 34;
const COL_GAP = 70;
const ROW_GAP = 14;

function shorten(text: string, max: number): string {
  return text.length <= max ? text : "…" + text.slice(text.length - max + 1);
}

/** Columns left to right (what the run was made from, the run, what was made from it), one box per node, edges as curves. */
export function drawGraph(graph: LineageGraph): SVGSVGElement {
  const columns = [...new Set(graph.nodes.map((n) => n.column))].sort((a, b) => a - b);
  const byColumn = new Map<number, LineageNode[]>(columns.map((c) => [c, graph.nodes.filter((n) => n.column === c)]));
  const rows = Math.max(...[...byColumn.values()].map((nodes) => nodes.length));
  const width = columns.length * NODE_W + (columns.length - 1) * COL_GAP + 20;
  const height = rows * (NODE_H + ROW_GAP) + 20;
  const place = new Map<string, { x: number; y: number }>();
  columns.forEach((column, ci) => {
    const nodes = byColumn.get(column)!;
    const top = (height - nodes.length * (NODE_H + ROW_GAP)) / 2;
    nodes.forEach((node, ri) => place.set(node.id, { x: 10 + ci * (NODE_W + COL_GAP), y: top + ri * (NODE_H + ROW_GAP) }));
  });
  const root = svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, class: "lineage-graph", "data-nodes": graph.nodes.length, "data-edges": graph.edges.length });
  for (const edge of graph.edges) {
    const a = place.get(edge.from);
    const b = place.get(edge.to);
    if (!a || !b) continue;
    const x1 = a.x + NODE_W, y1 = a.y + NODE_H / 2, x2 = b.x, y2 = b.y + NODE_H / 2;
    const path = svg("path", { d: `M${x1},${y1} C${x1 + COL_GAP / 2},${y1} ${x2 - COL_GAP / 2},${y2} ${x2},${y2}`, class: "lineage-edge", "data-from": edge.from, "data-to": edge.to });
    path.appendChild(svg("title", {}, edge.label));
    root.appendChild(path);
  }
  for (const node of graph.nodes) {
    const at = place.get(node.id)!;
    const isRoot = node.id === graph.root;
    const group = svg("g", { class: `lineage-node lineage-${node.kind}${isRoot ? " lineage-root" : ""}`, "data-id": node.id, transform: `translate(${at.x},${at.y})` });
    group.appendChild(svg("rect", { width: NODE_W, height: NODE_H, rx: node.kind === "run" ? 6 : 0 }));
    const label = svg("text", { x: 8, y: 14, class: "lineage-label" }, shorten(node.label, 26));
    const detail = node.kind === "run"
      ? `${node.status ?? ""} ${node.run?.slice(0, 8) ?? ""}`
      : `${node.folder ? "folder " : ""}${node.blake3?.slice(0, 12) ?? ""}`;
    group.append(label, svg("text", { x: 8, y: 28, class: "lineage-detail" }, detail), svg("title", {}, node.kind === "run" ? `${node.label} (${node.run})` : `${node.label} ${node.blake3}`));
    if (node.kind === "run" && !isRoot && node.run) {
      const link = svg("a", { href: `#/run/${node.run}` });
      link.appendChild(group);
      root.appendChild(link);
    } else {
      root.appendChild(group);
    }
  }
  return root;
}

/** The compare view's package differences: the first run against each other one. */
export function packagesCompareSection(ids: string[], names: Map<string, string>): HTMLElement {
  const box = h("div", { id: "packages-diff" });
  const section = h("section", {}, h("h3", {}, "packages"), box);
  const first = ids[0];
  if (!first || ids.length < 2) {
    box.appendChild(h("p", { class: "muted" }, "choose two runs or more"));
    return section;
  }
  void Promise.all(ids.slice(1).map((id) => api.packagesDiff(first, id))).then((diffs) => {
    for (const diff of diffs) {
      const title = `${names.get(diff.a) ?? diff.a} → ${names.get(diff.b) ?? diff.b}`;
      if (!diff.recorded) {
        box.appendChild(h("p", { class: "muted packages-diff-none" }, `${title}: packages not recorded for both runs`));
        continue;
      }
      if (diff.changes.length === 0) {
        box.appendChild(h("p", { class: "muted packages-diff-same" }, `${title}: same packages`));
        continue;
      }
      const table = h("table", { class: "kv packages-diff" }, h("tr", {}, h("th", { colspan: 4 }, `${title}: ${diff.changes.length} differ`)));
      for (const change of diff.changes) {
        const sign = change.old === null ? "+" : change.new === null ? "-" : "~";
        table.appendChild(h("tr", { class: `package-change change-${sign === "+" ? "added" : sign === "-" ? "removed" : "changed"}` },
          h("td", {}, sign), h("th", {}, change.name), h("td", {}, `${change.old ?? ""} → ${change.new ?? ""}`), h("td", { class: "muted" }, change.manager)));
      }
      box.appendChild(table);
    }
  }).catch((e) => box.appendChild(h("p", { class: "error" }, String(e instanceof Error ? e.message : e))));
  return section;
}
