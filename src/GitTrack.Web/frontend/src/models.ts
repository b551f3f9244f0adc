// The models view (#/models): the registry on the runs branch (`gittrack model ...`, GET /api/models), each model's
// versions with their aliases, artifact and the metrics of the run each came from. Its own module: the runs views
// do not depend on it.
import { h, clear, formatNumber, formatBytes, formatTime, statusBadge } from "./dom";

interface ModelVersion {
  model: string;
  version: number;
  entry: string;
  aliases: string[];
  run_id: string;
  artifact: string;
  blake3: string;
  size: number;
  registered_at: string;
  run: { id: string; name: string; status: string; metrics: Record<string, number | string> } | null;
}

interface Model {
  name: string;
  latest: number;
  aliases: Record<string, number>;
  versions: ModelVersion[];
}

interface ModelsResponse {
  models: Model[];
  skipped: { path: string; reason: string }[];
}

async function fetchModels(): Promise<ModelsResponse> {
  const response = await fetch("/api/models", { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`GET /api/models: ${response.status}`);
  return (await response.json()) as ModelsResponse;
}

function modelTable(model: Model): HTMLElement {
  const metricNames = [...new Set(model.versions.flatMap((v) => (v.run ? Object.keys(v.run.metrics) : [])))].sort().slice(0, 8);
  const head = h("tr", {}, ...["version", "aliases", "run", "status", "artifact", "size", "registered", ...metricNames].map((c) => h("th", {}, c)));
  const rows = [...model.versions].reverse().map((v) =>
    h("tr", { class: "model-version", "data-version": v.version },
      h("td", {}, String(v.version)),
      h("td", {}, ...v.aliases.map((a) => h("span", { class: "alias" }, a))),
      h("td", {}, v.run ? h("a", { href: `#/run/${encodeURIComponent(v.run.id)}` }, v.run.name) : h("span", { class: "muted" }, `${v.run_id.slice(0, 8)} (not here)`)),
      h("td", {}, v.run ? statusBadge(v.run.status) : ""),
      h("td", { title: v.blake3 }, v.artifact),
      h("td", {}, formatBytes(v.size)),
      h("td", {}, formatTime(v.registered_at)),
      ...metricNames.map((m) => {
        const value = v.run?.metrics[m];
        return h("td", { class: "col-metric" }, value !== undefined ? formatNumber(value) : "");
      }),
    ));
  return h("table", { class: "runs models", "data-model": model.name }, h("thead", {}, head), h("tbody", {}, ...rows));
}

/** Draws the models view into `app`; returns the refresh to call when the branch moves. */
export async function modelsView(app: HTMLElement): Promise<() => Promise<void>> {
  const draw = async () => {
    const data = await fetchModels();
    clear(app);
    app.appendChild(h("h2", {}, "Models"));
    if (data.models.length === 0)
      app.appendChild(h("p", { class: "muted", id: "no-models" }, "No models yet: gittrack model register NAME RUN"));
    for (const model of data.models) {
      const aliases = Object.entries(model.aliases).map(([a, v]) => `${a} → ${v}`).join(", ");
      app.appendChild(h("section", { class: "model" },
        h("h3", {}, model.name, " ", h("span", { class: "muted" }, `${model.versions.length} versions${aliases ? "; " + aliases : ""}`)),
        modelTable(model)));
    }
    for (const s of data.skipped) app.appendChild(h("p", { class: "muted skipped" }, `skipped ${s.path}: ${s.reason}`));
  };
  await draw();
  return draw;
}
