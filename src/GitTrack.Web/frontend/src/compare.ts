// The compare view: the chosen runs overlaid on one chart per metric (in a grid, system/ metrics apart), params and
// metrics side by side with the differences marked, a scatter of a param against a metric (one mark per run), and
// the code diff between two of the runs. "parallel coordinates" opens the same runs in the many-runs view.
import { h, clear, formatValue, formatParam } from "./dom";
import { api, type CompareData } from "./api";
import { palette } from "./charts";
import { chartGrid } from "./grid";
import { scatterPlot } from "./scatter";
import { chartControlBar, type ChartControls } from "./run";
import { packagesCompareSection } from "./lineage";

export async function compareView(host: HTMLElement, ids: string[], controls: ChartControls): Promise<() => Promise<void>> {
  let data = await api.compare(ids, controls.x);
  clear(host);
  const runs = () => data.runs.map((r) => r.run);

  const legend = h("div", { class: "legend", id: "compare-legend" });
  const table = h("table", { class: "kv compare", id: "compare-table" });
  const charts = h("div", { id: "charts" });
  const scatterBox = h("div", { id: "scatter", class: "charts" });
  const diffBox = h("div", { id: "diff" });

  const drawLegend = () => {
    clear(legend);
    data.runs.forEach((r, i) => legend.appendChild(h("a", { href: `#/run/${r.run.id}`, class: "legend-item", style: `border-color:${palette[i % palette.length]}` }, r.run.name)));
  };

  // The rows and which of them differ come from the server (Core's RunComparison, as `gittrack compare`): the page
  // only formats them.
  const drawTable = () => {
    clear(table);
    table.appendChild(h("tr", {}, h("th", {}, ""), ...runs().map((r) => h("th", {}, r.name))));
    const section = (title: string, group: string, format: (run: number, key: string, value: unknown) => string = (_r, _key, value) => formatValue(value)) => {
      const rows = data.rows.filter((row) => row.group === group && row.key !== null);
      if (rows.length === 0) return;
      table.appendChild(h("tr", { class: "section" }, h("th", { colspan: runs().length + 1 }, title)));
      for (const row of rows)
        table.appendChild(h("tr", { class: row.differs ? "differs" : "" }, h("th", {}, row.key!),
          ...row.values.map((value, i) => h("td", {}, format(i, row.key!, value)))));
    };
    section("params", "params", (i, key, value) => formatParam(value, runs()[i]?.param_types?.[key]));
    section("metrics (last)", "metrics");
    section("tags", "tags");
  };

  const drawCharts = () => {
    clear(charts);
    charts.appendChild(chartGrid(data.runs.map((r) => ({ id: r.run.id, label: r.run.name, series: r.series })), controls));
  };

  // Numeric params against numeric metrics, one point per run.
  const xSelect = h("select", { id: "scatter-x" }) as HTMLSelectElement;
  const ySelect = h("select", { id: "scatter-y" }) as HTMLSelectElement;
  const fillSelects = () => {
    const numeric = (pick: (r: ReturnType<typeof runs>[0]) => Record<string, unknown>) =>
      [...new Set(runs().flatMap((r) => Object.entries(pick(r)).filter(([, v]) => typeof v === "number").map(([k]) => k)))].sort();
    for (const [select, keys] of [[xSelect, numeric((r) => r.params)], [ySelect, numeric((r) => r.metrics)]] as const) {
      const previous = select.value;
      clear(select);
      for (const key of keys) select.appendChild(h("option", { value: key }, key));
      if (keys.includes(previous)) select.value = previous;
    }
  };
  const drawScatter = () => {
    clear(scatterBox);
    if (!xSelect.value || !ySelect.value) {
      scatterBox.appendChild(h("p", { class: "muted" }, "needs a numeric param and a metric"));
      return;
    }
    const points = runs()
      .filter((r) => typeof r.params[xSelect.value] === "number" && typeof r.metrics[ySelect.value] === "number")
      .map((r) => ({ id: r.id, x: r.params[xSelect.value] as number, y: r.metrics[ySelect.value] as number, label: r.name }));
    scatterBox.appendChild(scatterPlot(xSelect.value, ySelect.value, points));
  };
  xSelect.addEventListener("change", drawScatter);
  ySelect.addEventListener("change", drawScatter);

  // The code diff between two of the runs (the first two by default).
  const aSelect = h("select", { id: "diff-a" }) as HTMLSelectElement;
  const bSelect = h("select", { id: "diff-b" }) as HTMLSelectElement;
  data.runs.forEach((r) => {
    aSelect.appendChild(h("option", { value: r.run.id }, r.run.name));
    bSelect.appendChild(h("option", { value: r.run.id }, r.run.name));
  });
  const second = data.runs[1];
  if (second) bSelect.value = second.run.id;
  const drawDiff = async () => {
    clear(diffBox);
    if (aSelect.value === bSelect.value) {
      diffBox.appendChild(h("p", { class: "muted" }, "choose two different runs"));
      return;
    }
    const diff = await api.diff(aSelect.value, bSelect.value);
    if (diff.stat.trim() === "") {
      diffBox.appendChild(h("p", { class: "muted", id: "diff-same" }, "same code"));
      return;
    }
    const patch = h("pre", { class: "patch", id: "diff-patch" });
    for (const line of diff.patch.split("\n")) {
      const cls = line.startsWith("+++") || line.startsWith("---") || line.startsWith("diff ") ? "file"
        : line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : line.startsWith("@@") ? "hunk" : "";
      patch.appendChild(h("span", { class: cls }, line + "\n"));
    }
    diffBox.append(h("pre", { class: "stat", id: "diff-stat" }, diff.stat), patch);
    if (diff.truncated) diffBox.appendChild(h("p", { class: "muted" }, "patch cut at 1 MiB"));
  };
  aSelect.addEventListener("change", () => void drawDiff());
  bSelect.addEventListener("change", () => void drawDiff());

  const redraw = async () => {
    data = await api.compare(ids, controls.x);
    drawLegend();
    drawTable();
    drawCharts();
    fillSelects();
    drawScatter();
  };

  host.append(
    h("div", { class: "run-header" }, h("h2", {}, `compare ${data.runs.length} runs`),
      h("a", { href: `#/plot?ids=${data.runs.map((r) => r.run.id).join(",")}`, id: "plot-link" }, "parallel coordinates")),
    legend,
    h("section", {}, h("h3", {}, "params and metrics"), h("p", { class: "muted" }, "rows that differ are marked"), table),
    h("section", {}, h("h3", {}, "charts"), chartControlBar(controls, () => void redraw()), charts),
    h("section", {}, h("h3", {}, "param against metric"), h("div", { class: "controls" }, h("label", {}, "x (param) ", xSelect), h("label", {}, "y (metric) ", ySelect)), scatterBox),
    h("section", {}, h("h3", {}, "code diff"), h("div", { class: "controls" }, h("label", {}, "from ", aSelect), h("label", {}, "to ", bSelect)), diffBox),
    packagesCompareSection(data.runs.map((r) => r.run.id), new Map(data.runs.map((r) => [r.run.id, r.run.name]))));
  drawLegend();
  drawTable();
  drawCharts();
  fillSelects();
  drawScatter();
  await drawDiff();
  return redraw;
}

export type { CompareData };
