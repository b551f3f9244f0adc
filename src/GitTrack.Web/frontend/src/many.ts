// The view for many runs: a sweep's trials (#/sweep/ID) or any set of runs (#/plot?f=FILTER, #/plot?ids=A,B,...).
// A parallel-coordinates plot (one axis per varying param and per chosen metric, lines coloured by a metric; brushing
// an axis narrows the runs table below it), a scatter of each varying param against the colour metric (one mark per
// run), and one chart per metric with the runs overlaid, in a grid, system/ metrics in a group of their own.
import { h, clear, formatNumber, statusBadge } from "./dom";
import { api, type RunRecord, type RunSummary, type Scalar } from "./api";
import { parallelCoordinates, type PcAxis } from "./parcoords";
import { scatterPlot } from "./scatter";
import { colorLegend } from "./plot";
import { chartGrid } from "./grid";
import { runsTable, tableQuery, listParam, readListParam, type TableState } from "./table";
import { chartControlBar, type ChartControls } from "./run";

export type ManySource = { kind: "sweep"; id: string } | { kind: "filter"; filter: string } | { kind: "ids"; ids: string[] };

/** The most runs whose curves are overlaid (the best by the colour metric when there are more). */
const MAX_CURVES = 100;

interface Choice {
  metrics: string[]; // metric axes
  color: string | null; // metric the lines are coloured by
}

/** Params whose values differ between the runs (the axes worth drawing), in name order. */
function varyingParams(runs: RunSummary[]): string[] {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  return keys.filter((key) => new Set(runs.map((r) => JSON.stringify(r.params[key] ?? null))).size > 1);
}

function numeric(value: Scalar | undefined): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

export async function manyView(host: HTMLElement, source: ManySource, query: URLSearchParams, controls: ChartControls,
  tableState: TableState, writeQuery: (query: URLSearchParams) => void): Promise<() => Promise<void>> {
  let parent: RunRecord | null = null;
  let runs: RunSummary[] = [];
  const load = async () => {
    if (source.kind === "sweep") {
      parent = await api.run(source.id);
      runs = (await api.runs(`parent = "${parent.id}"`)).runs;
    } else if (source.kind === "filter") {
      // A sweep's own run holds its spaces, not values: its trials stand for it.
      runs = (await api.runs(source.filter)).runs.filter((r) => !Object.prototype.hasOwnProperty.call(r.tags, "sweep.mode"));
    } else {
      const wanted = new Set(source.ids);
      runs = (await api.runs("")).runs.filter((r) => wanted.has(r.id));
    }
  };
  await load();
  clear(host);

  const metricsOf = () => [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  const sweepMetric = () => (parent?.tags["sweep.metric"] && metricsOf().includes(parent.tags["sweep.metric"]) ? parent.tags["sweep.metric"] : null);
  const initialMetrics = () => {
    const fromUrl = query.get("axes");
    if (fromUrl !== null) return readListParam(fromUrl);
    const all = metricsOf().filter((m) => !m.startsWith("system/"));
    return sweepMetric() ? [sweepMetric()!] : all.slice(0, 2);
  };
  const choice: Choice = { metrics: initialMetrics(), color: query.get("color") ?? null };
  const colorMetric = () => (choice.color && metricsOf().includes(choice.color) ? choice.color : sweepMetric() ?? choice.metrics[0] ?? metricsOf()[0] ?? null);
  let active: boolean[] | null = null; // the brushed runs (null: no brush)

  const title = h("div", { class: "run-header" });
  const summary = h("p", { class: "muted", id: "many-summary" });
  const axisPicker = h("div", { class: "controls", id: "axis-picker" });
  const plotBox = h("div", { id: "parcoords-host" });
  const brushNote = h("span", { class: "muted", id: "brush-note" });
  const tableHost = h("div", { class: "table-host", id: "many-table" });
  const scatterGrid = h("div", { class: "charts", id: "scatters" });
  const curves = h("div", { id: "curves" });
  const scatterMetric = h("span", { id: "scatter-metric" });
  // Brushes outlive a redraw (the page redraws when the branch moves while a sweep runs).
  const brushes = new Map<string, [number, number]>();

  const writeState = () => {
    const q = new URLSearchParams(query);
    q.set("axes", listParam(choice.metrics));
    if (choice.color) q.set("color", choice.color);
    tableQuery(tableState, q);
    writeQuery(q);
  };

  const renderTable = runsTable(tableHost, tableState, { onChange: () => undefined, onLayout: writeState });
  const showTable = () => {
    const shown = active ? runs.filter((_, i) => active![i]) : runs;
    // As tall as its rows, up to 15 of them; the rest scroll.
    const scroller = tableHost.querySelector<HTMLElement>(".scroller");
    if (scroller) scroller.style.height = `${Math.min(15, Math.max(3, shown.length)) * 28 + 40}px`;
    renderTable(shown);
    brushNote.textContent = active ? `${shown.length} of ${runs.length} runs inside the brushes (click an axis to clear its brush)` : `${runs.length} runs; drag along an axis to brush`;
  };

  const drawHeader = () => {
    clear(title);
    clear(summary);
    if (parent) {
      title.append(h("h2", { id: "run-name" }, parent.name), statusBadge(parent.status), h("a", { href: `#/run/${parent.id}`, class: "muted" }, "the sweep's run"));
      const t = parent.tags;
      const bestId = t["sweep.best"];
      const best = runs.find((r) => r.id === bestId);
      summary.append(`${t["sweep.mode"] ?? "sweep"}, ${runs.length} runs of ${t["sweep.trials"] ?? "?"} trials: ` +
        `${t["sweep.completed"] ?? "?"} completed, ${t["sweep.failed"] ?? "0"} failed, ${t["sweep.killed"] ?? "0"} killed`);
      if (best && t["sweep.metric"]) summary.append("; best ", h("a", { href: `#/run/${best.id}`, id: "best-trial" }, best.name), ` (${t["sweep.metric"]} ${formatNumber(Number(t["sweep.best_value"]))})`);
    } else {
      title.append(h("h2", {}, source.kind === "filter" && source.filter ? `runs matching ${source.filter}` : `${runs.length} runs`));
      summary.append(`${runs.length} runs`);
    }
  };

  const drawPicker = () => {
    clear(axisPicker);
    const metrics = metricsOf();
    const boxes = h("span", { class: "axis-metrics" }, "metric axes: ");
    for (const metric of metrics) {
      const box = h("input", { type: "checkbox", class: "axis-metric", "data-metric": metric }) as HTMLInputElement;
      box.checked = choice.metrics.includes(metric);
      box.addEventListener("change", () => {
        choice.metrics = box.checked ? [...choice.metrics, metric] : choice.metrics.filter((m) => m !== metric);
        writeState();
        drawPlot();
      });
      boxes.append(h("label", {}, box, metric), " ");
    }
    const color = h("select", { id: "color-by" }) as HTMLSelectElement;
    for (const metric of metrics) color.appendChild(h("option", { value: metric }, metric));
    if (colorMetric()) color.value = colorMetric()!;
    color.addEventListener("change", () => {
      choice.color = color.value;
      writeState();
      drawPlot();
      drawScatters();
    });
    axisPicker.append(boxes, h("label", {}, "colour by ", color));
  };

  const colorValues = (): { values: (number | null)[]; min: number; max: number } | null => {
    const metric = colorMetric();
    if (!metric) return null;
    const raw = runs.map((r) => numeric(r.metrics[metric]));
    const finite = raw.filter((v): v is number => v !== null);
    if (finite.length === 0) return null;
    const min = Math.min(...finite), max = Math.max(...finite);
    return { values: raw.map((v) => (v === null ? null : max > min ? (v - min) / (max - min) : 0.5)), min, max };
  };

  const drawPlot = () => {
    clear(plotBox);
    const params = varyingParams(runs);
    const axes: PcAxis[] = [
      ...params.map((key) => ({ key: `p:${key}`, label: key, values: runs.map((r) => (Object.prototype.hasOwnProperty.call(r.params, key) ? r.params[key] ?? null : null)) })),
      ...choice.metrics.filter((m) => metricsOf().includes(m)).map((m) => ({ key: `m:${m}`, label: m, values: runs.map((r) => numeric(r.metrics[m])) })),
    ];
    if (axes.length === 0 || runs.length === 0) {
      plotBox.appendChild(h("p", { class: "muted" }, runs.length === 0 ? "no runs" : "no param varies and no metric is chosen"));
      active = null;
      showTable();
      return;
    }
    const colors = colorValues();
    active = null;
    plotBox.appendChild(parallelCoordinates(runs.length, axes, {
      colors: colors?.values ?? null,
      brushes,
      onBrush: (brushed) => {
        active = brushed;
        showTable();
      },
    }));
    if (colors) plotBox.appendChild(colorLegend(colorMetric()!, colors.min, colors.max));
    showTable();
  };

  const drawScatters = () => {
    clear(scatterGrid);
    const metric = colorMetric();
    scatterMetric.textContent = metric ?? "a metric";
    if (!metric) return;
    const colors = colorValues();
    for (const key of varyingParams(runs).filter((k) => runs.some((r) => numeric(r.params[k]) !== null)).slice(0, 12)) {
      const points = runs.flatMap((r, i) => {
        const x = numeric(r.params[key]), y = numeric(r.metrics[metric]);
        return x === null || y === null ? [] : [{ id: r.id, label: r.name, x, y, color: colors?.values[i] ?? null }];
      });
      if (points.length > 0) scatterGrid.appendChild(scatterPlot(key, metric, points));
    }
  };

  // The curves of up to MAX_CURVES runs, the best first when there is a metric to rank them by.
  const drawCurves = async () => {
    clear(curves);
    const metric = colorMetric();
    const goal = parent?.tags["sweep.goal"] === "max" ? -1 : 1;
    const ranked = metric ? [...runs].sort((a, b) => {
      const va = numeric(a.metrics[metric]), vb = numeric(b.metrics[metric]);
      if (va === null || vb === null) return va === null ? (vb === null ? 0 : 1) : -1;
      return goal * (va - vb);
    }) : runs;
    const chosen = ranked.slice(0, MAX_CURVES);
    if (chosen.length === 0) return;
    const note = chosen.length < runs.length ? `the ${chosen.length} best of ${runs.length} runs by ${metric}` : `${chosen.length} runs`;
    curves.appendChild(h("p", { class: "muted" }, note));
    const points = Math.max(50, Math.min(2000, Math.floor(40000 / chosen.length)));
    const data = await api.compare(chosen.map((r) => r.id), controls.x, points);
    curves.appendChild(chartGrid(data.runs.map((r) => ({ id: r.run.id, label: r.run.name, series: r.series })), controls));
  };

  host.append(
    title, summary,
    h("section", {}, h("h3", {}, "parallel coordinates"), axisPicker, plotBox),
    h("section", {}, h("h3", {}, "runs"), h("div", { class: "toolbar" }, brushNote, renderTable.columnsButton), tableHost),
    h("section", {}, h("h3", {}, "params against ", scatterMetric), scatterGrid),
    h("section", {}, h("h3", {}, "curves"), chartControlBar(controls, () => void drawCurves()), curves));
  const drawAll = async () => {
    drawHeader();
    drawPicker();
    drawPlot();
    drawScatters();
    await drawCurves();
  };
  await drawAll();
  return async () => {
    await load();
    await drawAll();
  };
}
