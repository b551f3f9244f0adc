// One chart per metric, the given runs overlaid, in a responsive grid (two or three columns on a wide screen);
// system/ metrics (GPU, CPU, memory: recorded by gittrack's system monitor) in a group of their own after the others.
import { h } from "./dom";
import type { Series } from "./api";
import { lineChart, type ChartOptions } from "./charts";

export interface RunSeries {
  id: string;
  label: string;
  series: Series[];
}

/** The metric names split into the training metrics and the system/ ones, each in name order. */
export function metricGroups(names: string[]): { title: string; names: string[] }[] {
  const sorted = [...new Set(names)].sort();
  const system = sorted.filter((n) => n.startsWith("system/"));
  const others = sorted.filter((n) => !n.startsWith("system/"));
  return [
    ...(others.length > 0 ? [{ title: "metrics", names: others }] : []),
    ...(system.length > 0 ? [{ title: "system", names: system }] : []),
  ];
}

export function chartGrid(runs: RunSeries[], options: ChartOptions): HTMLElement {
  const host = h("div", { class: "chart-groups" });
  const groups = metricGroups(runs.flatMap((r) => r.series.map((s) => s.name)));
  for (const group of groups) {
    const grid = h("div", { class: "charts", "data-group": group.title });
    for (const name of group.names) {
      const lines = runs.map((r) => ({
        id: r.id,
        label: r.label,
        series: r.series.find((s) => s.name === name) ?? { name, count: 0, x: [], y: [] },
      }));
      grid.appendChild(lineChart(name, lines, options, 480));
    }
    if (groups.length > 1) host.appendChild(h("h4", { class: "chart-group-title" }, group.title));
    host.appendChild(grid);
  }
  if (groups.length === 0) host.appendChild(h("p", { class: "muted" }, "no metric history"));
  return host;
}
