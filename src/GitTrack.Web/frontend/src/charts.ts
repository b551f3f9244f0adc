// Line charts (one per metric, several runs overlaid) and a scatter, drawn with uPlot on canvas.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { h } from "./dom";
import type { Series } from "./api";

export interface ChartOptions {
  xLabel: string;
  log: boolean;
  smoothing: number; // 0 (none) to 0.99, exponential moving average as TensorBoard's
}

export const palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];

/** Exponential moving average, debiased so the first points are not pulled towards zero. */
export function smooth(y: (number | null)[], weight: number): (number | null)[] {
  if (weight <= 0) return y;
  const out: (number | null)[] = new Array(y.length);
  let last = 0;
  let n = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (v == null || !Number.isFinite(v)) {
      out[i] = null;
      continue;
    }
    last = last * weight + (1 - weight) * v;
    n++;
    out[i] = last / (1 - Math.pow(weight, n));
  }
  return out;
}

/** Merges series with different x values onto one sorted x array, as uPlot needs (null where a series has no point). */
function align(lines: { x: number[]; y: (number | null)[] }[]): uPlot.AlignedData {
  const [only] = lines;
  if (lines.length === 1 && only) return [only.x, only.y] as uPlot.AlignedData;
  return uPlot.join(lines.map((l) => [l.x, l.y] as uPlot.AlignedData)) as uPlot.AlignedData;
}

export interface Line {
  label: string;
  series: Series;
}

/** Draws one metric's chart (one line per run) into a new element; drag to zoom, double-click to reset. */
export function lineChart(title: string, lines: Line[], options: ChartOptions, width: number): HTMLElement {
  const box = h("div", { class: "chart" });
  const counts = lines.map((l) => l.series.count).reduce((a, b) => a + b, 0);
  const shown = lines.map((l) => l.series.x.length).reduce((a, b) => a + b, 0);
  box.appendChild(h("div", { class: "chart-title" }, title, h("span", { class: "muted" }, shown < counts ? `  ${counts.toLocaleString()} points, ${shown.toLocaleString()} drawn` : `  ${counts.toLocaleString()} points`)));
  const prepared: { x: number[]; y: (number | null)[] }[] = [];
  const series: uPlot.Series[] = [{ label: options.xLabel }];
  lines.forEach((line, i) => {
    const color = palette[i % palette.length];
    let y = line.series.y;
    if (options.log) y = y.map((v) => (v !== null && v > 0 ? v : null));
    if (options.smoothing > 0) {
      prepared.push({ x: line.series.x, y });
      series.push({ label: `${line.label} (raw)`, stroke: color + "40", width: 1, spanGaps: true });
      prepared.push({ x: line.series.x, y: smooth(y, options.smoothing) });
      series.push({ label: line.label, stroke: color, width: 1.5, spanGaps: true });
    } else {
      prepared.push({ x: line.series.x, y });
      series.push({ label: line.label, stroke: color, width: 1.5, spanGaps: true });
    }
  });
  const opts: uPlot.Options = {
    width,
    height: 240,
    series,
    scales: { x: { time: false }, y: options.log ? { distr: 3 } : {} },
    axes: [{ label: options.xLabel }, {}],
    cursor: { sync: { key: "metrics" }, drag: { x: true, y: false } },
    legend: { live: true },
  };
  new uPlot(opts, align(prepared), box);
  return box;
}

/** A scatter of one value against another, one point per run, labelled in the legend by the hovered run. */
export function scatterChart(xLabel: string, yLabel: string, points: { x: number; y: number; label: string }[], width: number): HTMLElement {
  const box = h("div", { class: "chart scatter" });
  const sorted = [...points].sort((a, b) => a.x - b.x);
  const opts: uPlot.Options = {
    width,
    height: 280,
    mode: 1,
    series: [
      { label: xLabel },
      { label: yLabel, stroke: palette[0], fill: palette[0], paths: () => null, points: { show: true, size: 9, fill: palette[0] } },
    ],
    scales: { x: { time: false } },
    axes: [{ label: xLabel }, { label: yLabel }],
  };
  new uPlot(opts, [sorted.map((p) => p.x), sorted.map((p) => p.y)], box);
  return box;
}
