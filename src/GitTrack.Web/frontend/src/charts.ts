// Line charts (one per metric, several runs overlaid), drawn with uPlot on canvas; each fills the width of its place
// in the chart grid. A metric logged once per run is drawn as bars (bars.ts) instead.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { h } from "./dom";
import type { Series } from "./api";
import { barChart } from "./bars";

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
  /** The run's id, for the bars' click-through. */
  id?: string;
}

/**
 * Draws one metric's chart (one line per run) into a new element; drag to zoom, double-click to reset. The chart
 * takes its box's width (the grid decides it) and follows it; `width` is only the first guess. When no run logged
 * the metric more than once, each run's value is a bar.
 */
export function lineChart(title: string, lines: Line[], options: ChartOptions, width: number): HTMLElement {
  if (lines.some((l) => l.series.y.length > 0) && lines.every((l) => l.series.count <= 1 && l.series.y.length <= 1)) {
    const bars = lines.flatMap((line, i) => line.series.y.length === 0 ? [] : [{
      id: line.id, label: line.label, value: line.series.y[0] ?? NaN, color: palette[i % palette.length] ?? "#7f7f7f",
    }]);
    return barChart(title, bars);
  }
  const box = h("div", { class: "chart", "data-metric": title });
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
  const plot = new uPlot(opts, align(prepared), box);
  // Follow the grid cell's width (the box's padding and border: 14 px).
  if (typeof ResizeObserver !== "undefined") {
    let last = width;
    new ResizeObserver(() => {
      const next = Math.max(200, Math.floor(box.clientWidth - 14));
      if (box.isConnected && Math.abs(next - last) > 1) {
        last = next;
        plot.setSize({ width: next, height: 240 });
      }
    }).observe(box);
  }
  return box;
}
