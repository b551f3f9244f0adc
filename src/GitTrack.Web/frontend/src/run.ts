// The run view: everything `gittrack show` has, the metric charts, the captured log and the artifacts.
import { h, clear, formatValue, formatParam, formatNumber, formatBytes, formatDuration, formatTime, statusBadge } from "./dom";
import { api, type RunRecord, type Session } from "./api";
import { lineChart, type ChartOptions } from "./charts";
import { isSystemMetric, systemSection } from "./system";
import { lineageSections } from "./lineage";

export interface ChartControls extends ChartOptions {
  x: "step" | "time";
}

export function newChartControls(): ChartControls {
  return { x: "step", xLabel: "step", log: false, smoothing: 0 };
}

/** A bar of chart settings (x axis, log scale, smoothing) that calls `changed` when one moves. */
export function chartControlBar(controls: ChartControls, changed: () => void): HTMLElement {
  const xSelect = h("select", { id: "x-axis" }, h("option", { value: "step" }, "step"), h("option", { value: "time" }, "time (s)")) as HTMLSelectElement;
  xSelect.value = controls.x;
  xSelect.addEventListener("change", () => {
    controls.x = xSelect.value as "step" | "time";
    controls.xLabel = controls.x === "step" ? "step" : "seconds";
    changed();
  });
  const log = h("input", { type: "checkbox", id: "log-scale" }) as HTMLInputElement;
  log.checked = controls.log;
  log.addEventListener("change", () => {
    controls.log = log.checked;
    changed();
  });
  const smoothing = h("input", { type: "range", id: "smoothing", min: 0, max: 0.99, step: 0.01 }) as HTMLInputElement;
  smoothing.value = String(controls.smoothing);
  const smoothingValue = h("span", { class: "muted" }, controls.smoothing.toFixed(2));
  smoothing.addEventListener("input", () => {
    controls.smoothing = Number(smoothing.value);
    smoothingValue.textContent = controls.smoothing.toFixed(2);
  });
  smoothing.addEventListener("change", changed);
  return h("div", { class: "controls" },
    h("label", {}, "x axis ", xSelect),
    h("label", {}, log, " log scale"),
    h("label", {}, "smoothing ", smoothing, " ", smoothingValue),
    h("span", { class: "muted" }, "drag on a chart to zoom, double-click to reset"));
}

/** Links to runs by id, as text. */
function runLinks(ids: string[]): HTMLElement {
  const span = h("span", {});
  ids.forEach((id, i) => {
    if (i > 0) span.append(", ");
    span.appendChild(h("a", { href: `#/run/${id}` }, id));
  });
  return span;
}

function fields(rows: [string, string | Node | null | undefined][]): HTMLElement {
  const table = h("table", { class: "fields" });
  for (const [name, value] of rows) {
    if (value === null || value === undefined || value === "") continue;
    table.appendChild(h("tr", {}, h("th", {}, name), h("td", {}, value)));
  }
  return table;
}

function keyValues(title: string, values: Record<string, unknown>, id: string,
  format: (key: string, value: unknown) => string = (_, value) => formatValue(value)): HTMLElement | null {
  const entries = Object.entries(values);
  if (entries.length === 0) return null;
  const table = h("table", { class: "kv", id });
  for (const [key, value] of entries) table.appendChild(h("tr", {}, h("th", {}, key), h("td", {}, format(key, value))));
  return h("section", {}, h("h3", {}, title), table);
}

export async function runView(host: HTMLElement, id: string, controls: ChartControls, session: Session): Promise<void> {
  const run = await api.run(id);
  clear(host);
  const header = h("div", { class: "run-header" }, h("h2", { id: "run-name" }, run.name), statusBadge(run.status), h("code", { class: "muted" }, run.id),
    run.tags["sweep.mode"] ? h("a", { href: `#/sweep/${run.id}`, id: "sweep-link" }, "sweep view: parallel coordinates of its trials") : null);
  const summary = fields([
    ["status", run.status + (run.exit_code !== null ? ` (exit code ${run.exit_code})` : "")],
    ["error", run.error],
    ["started", formatTime(run.started_at)],
    ["ended", formatTime(run.ended_at)],
    ["duration", formatDuration(run.duration_s)],
    ["command", run.command.join(" ")],
    ["directory", run.working_directory || "."],
    ["note", run.note],
    ["parent", run.parent ? h("a", { href: `#/run/${run.parent}` }, run.parent) : null],
    ["reproduces", run.reproduces],
    ["commit", run.source.commit + (run.source.branch ? ` (${run.source.branch})` : "")],
    ["remote", run.source.remote],
    ["dirty", run.source.dirty ? "yes" : "no"],
    ["code tree", run.source.tree],
    ["skipped", run.source.skipped.join(", ")],
    ["children", run.children.length > 0 ? runLinks(run.children) : null],
    ["removed", run.removed_at ? formatTime(run.removed_at) : null],
    ["host", run.host ? [run.host.hostname, [run.host.os, run.host.kernel, run.host.arch].filter((s) => s).join(" ")].filter((s) => s).join(", ") : null],
    ["cpu", run.host?.cpu ? `${run.host.cpu} (${run.host.cores} cores)` : null],
    ["memory", run.host && run.host.memory_bytes > 0 ? formatBytes(run.host.memory_bytes) : null],
    ["gpu", run.host?.gpus.map((g) => `${g.name} (${g.memory_mib} MiB)`).join(", ")],
  ]);

  const metricsTable = h("table", { class: "kv", id: "run-metrics" }, h("tr", {}, h("th", {}, "metric"), h("th", {}, "last"), h("th", {}, "min"), h("th", {}, "max"), h("th", {}, "points")));
  const names = new Set([...Object.keys(run.metrics), ...Object.keys(run.history)].filter((n) => !isSystemMetric(n)));
  for (const name of [...names].sort()) {
    const hist = Object.prototype.hasOwnProperty.call(run.history, name) ? run.history[name] : undefined;
    const last = run.metrics[name] ?? hist?.last ?? "";
    metricsTable.appendChild(h("tr", {}, h("th", {}, name), h("td", {}, formatNumber(last)),
      h("td", {}, hist ? formatNumber(hist.min) : "-"), h("td", {}, hist ? formatNumber(hist.max) : "-"), h("td", {}, String(hist?.count ?? 0))));
  }

  const charts = h("div", { id: "charts", class: "charts" });
  const drawCharts = async () => {
    const data = await api.metrics(run.id, controls.x);
    clear(charts);
    const width = Math.max(320, Math.min(760, (host.clientWidth || 1000) / 2 - 24));
    const own = data.series.filter((s) => !isSystemMetric(s.name));
    for (const series of own) charts.appendChild(lineChart(series.name, [{ label: run.name, series }], controls, width));
    if (own.length === 0) charts.appendChild(h("p", { class: "muted" }, "no metric history"));
  };

  const artifacts = h("table", { class: "kv", id: "artifacts" });
  for (const artifact of run.artifacts) {
    artifacts.appendChild(h("tr", {},
      h("th", {}, h("a", { href: api.artifactUrl(artifact), download: artifact.path.split("/").pop() ?? "" }, artifact.path)),
      h("td", {}, formatBytes(artifact.size)),
      h("td", {}, h("code", { class: "muted" }, artifact.blake3))));
  }

  const log = h("pre", { id: "log", class: "log" });
  const loadLog = async () => {
    if (!run.log) {
      log.textContent = "(no output captured)";
      return;
    }
    log.textContent = await api.log(run.id);
  };

  append(host, header, summary, session.edits ? editor(run, session) : null,
    keyValues("params", run.params, "run-params", (key, value) => formatParam(value, run.param_types?.[key])),
    h("section", {}, h("h3", {}, "metrics"), metricsTable),
    keyValues("tags", run.tags, "run-tags"),
    h("section", {}, h("h3", {}, "charts"), chartControlBar(controls, () => void drawCharts()), charts),
    systemSection(run, controls, Math.max(320, Math.min(760, (host.clientWidth || 1000) / 2 - 24))),
    run.artifacts.length > 0 ? h("section", {}, h("h3", {}, "artifacts"), artifacts) : null,
    ...lineageSections(run),
    h("section", {}, h("h3", {}, "log", run.log ? h("span", { class: "muted" }, `  ${formatBytes(run.log.size)}`) : null), log),
    keyValues("runtimes", run.runtimes, "run-runtimes"),
    folded("environment", keyValues("environment", run.env, "run-env")));
  await Promise.all([drawCharts(), loadLog()]);
}

function folded(title: string, content: HTMLElement | null): HTMLElement | null {
  return content ? h("details", {}, h("summary", {}, title), content) : null;
}

function append(host: HTMLElement, ...nodes: (Node | null)[]) {
  for (const node of nodes) if (node) host.appendChild(node);
}

/** Tag, note and name editing and hiding the run, shown only when the server runs with --allow-edits; every request carries the token. */
function editor(run: RunRecord, session: Session): HTMLElement {
  const message = h("span", { class: "muted" });
  const note = h("input", { type: "text", id: "edit-note", size: 50, placeholder: "note" }) as HTMLInputElement;
  note.value = run.note ?? "";
  const tag = h("input", { type: "text", id: "edit-tag", size: 30, placeholder: "key=value to set, key to remove" }) as HTMLInputElement;
  const send = async (body: unknown) => {
    try {
      await api.edit(run.id, session.token!, body);
      message.textContent = "saved";
    } catch (e) {
      message.textContent = String(e instanceof Error ? e.message : e);
    }
  };
  const saveNote = h("button", {}, "save note");
  saveNote.addEventListener("click", () => void send({ note: note.value }));
  const saveTag = h("button", {}, "set / remove tag");
  saveTag.addEventListener("click", () => {
    const text = tag.value.trim();
    const eq = text.indexOf("=");
    void send(eq > 0 ? { set_tags: { [text.slice(0, eq)]: text.slice(eq + 1) } } : { remove_tags: [text] });
  });
  const name = h("input", { type: "text", id: "edit-name", size: 30, placeholder: "new name" }) as HTMLInputElement;
  name.value = run.name;
  const rename = h("button", {}, "rename");
  rename.addEventListener("click", async () => {
    try {
      await api.rename(run.id, session.token!, name.value);
      location.reload();
    } catch (e) {
      message.textContent = String(e instanceof Error ? e.message : e);
    }
  });
  const hide = h("button", {}, "hide run");
  hide.addEventListener("click", async () => {
    if (!confirm(`Hide run ${run.name}? 'gittrack restore ${run.id}' brings it back.`)) return;
    try {
      await api.hide(run.id, session.token!);
      location.hash = "#/";
    } catch (e) {
      message.textContent = String(e instanceof Error ? e.message : e);
    }
  });
  return h("section", { class: "editor" }, h("h3", {}, "edit"), note, saveNote, " ", tag, saveTag, " ", name, rename, " ", hide, " ", message);
}
