// System metrics (`system/...`, recorded beside every run: docs/format.md "System metrics"): the run view's own
// section of charts, grouped (CPU, memory, disk and network, each GPU), and the runs table's column of the latest
// CPU and GPU use of running runs. Kept apart from the run's own metrics, which have the main charts and columns.
import { h, clear, formatNumber } from "./dom";
import { api, type RunRecord, type RunSummary, type Series } from "./api";
import { lineChart, type ChartOptions } from "./charts";

export const SYSTEM_PREFIX = "system/";

export function isSystemMetric(name: string): boolean {
  return name.startsWith(SYSTEM_PREFIX);
}

/** The chart group a system metric belongs to: cpu, memory, io, or gpu N. */
function groupOf(name: string): string {
  const rest = name.slice(SYSTEM_PREFIX.length);
  const gpu = /^gpu_(\d+)_/.exec(rest);
  if (gpu) return `GPU ${gpu[1]}`;
  if (rest.startsWith("cpu_") || rest === "process_cpu_percentage") return "CPU";
  if (rest.includes("memory")) return "memory";
  return "disk and network";
}

/** Orders groups: CPU, memory, disk and network, then GPUs by number. */
function groupRank(group: string): number {
  const order = ["CPU", "memory", "disk and network"];
  const i = order.indexOf(group);
  return i >= 0 ? i : 10 + Number(group.slice(4));
}

/**
 * The run view's system section: the latest values, then one chart per system metric over seconds since the run
 * started, grouped. Per-core CPU curves are many and alike: they are folded away under their own heading.
 * Null when the run recorded none.
 */
export function systemSection(run: RunRecord, options: ChartOptions, width: number): HTMLElement | null {
  const names = Object.keys(run.metrics).filter(isSystemMetric).sort();
  if (names.length === 0) return null;
  const values = h("table", { class: "kv", id: "system-values" });
  for (const name of names) {
    const value = run.metrics[name];
    if (value === undefined) continue;
    values.appendChild(h("tr", {}, h("th", {}, name.slice(SYSTEM_PREFIX.length)), h("td", {}, formatNumber(value))));
  }
  const charts = h("div", { id: "system-charts" });
  const section = h("section", { id: "system" },
    h("h3", {}, "system", h("span", { class: "muted" }, "  CPU, memory, disk, network and GPUs, sampled while the run ran")),
    h("details", {}, h("summary", {}, "latest values"), values),
    charts);
  void drawSystemCharts(run.id, charts, options, width);
  return section;
}

async function drawSystemCharts(id: string, host: HTMLElement, options: ChartOptions, width: number): Promise<void> {
  // System points carry no step: they are drawn against time whatever the main charts' x axis.
  const data = await api.metrics(id, "time");
  const series = data.series.filter((s) => isSystemMetric(s.name));
  const groups = new Map<string, Series[]>();
  for (const s of series) {
    const group = groupOf(s.name);
    groups.set(group, [...(groups.get(group) ?? []), s]);
  }
  clear(host);
  const timeOptions: ChartOptions = { ...options, xLabel: "seconds" };
  for (const group of [...groups.keys()].sort((a, b) => groupRank(a) - groupRank(b))) {
    const all = groups.get(group)!;
    const cores = all.filter((s) => /^system\/cpu_\d+_/.test(s.name));
    const main = all.filter((s) => !cores.includes(s));
    const box = h("div", { class: "charts system-group", "data-group": group });
    for (const s of main) box.appendChild(lineChart(s.name.slice(SYSTEM_PREFIX.length), [{ label: s.name, series: s }], timeOptions, width));
    host.appendChild(h("h4", {}, group));
    host.appendChild(box);
    if (cores.length > 0) {
      const coreCharts = h("div", { class: "charts" });
      const fold = h("details", { class: "system-cores" }, h("summary", {}, `each core (${cores.length})`), coreCharts);
      // Drawn when opened: a 128-core machine would otherwise draw 128 charts nobody asked for.
      fold.addEventListener("toggle", () => {
        if (!fold.open || coreCharts.childElementCount > 0) return;
        for (const s of cores) coreCharts.appendChild(lineChart(s.name.slice(SYSTEM_PREFIX.length), [{ label: s.name, series: s }], timeOptions, width));
      });
      host.appendChild(fold);
    }
  }
}

/** Text for the runs table's system column: a running run's latest CPU and GPU use, e.g. "cpu 45% · gpu 87%"; "" otherwise. */
export function systemUse(run: RunSummary): string {
  if (run.status !== "running") return "";
  const parts: string[] = [];
  const cpu = run.metrics[`${SYSTEM_PREFIX}cpu_utilization_percentage`];
  if (typeof cpu === "number") parts.push(`cpu ${Math.round(cpu)}%`);
  const gpus = Object.keys(run.metrics).filter((k) => /^system\/gpu_\d+_utilization_percentage$/.test(k)).sort();
  const gpuValues = gpus.map((k) => run.metrics[k]).filter((v): v is number => typeof v === "number");
  const only = gpuValues[0];
  if (gpuValues.length === 1 && only !== undefined) parts.push(`gpu ${Math.round(only)}%`);
  else if (gpuValues.length > 1) parts.push(`gpu ${Math.round(gpuValues.reduce((a, b) => a + b, 0) / gpuValues.length)}% (${gpuValues.length})`);
  return parts.join(" · ");
}

/** Whether any listed run is running with system metrics: only then does the table show the system column. */
export function showsSystemColumn(runs: RunSummary[]): boolean {
  return runs.some((r) => r.status === "running" && Object.keys(r.metrics).some(isSystemMetric));
}
