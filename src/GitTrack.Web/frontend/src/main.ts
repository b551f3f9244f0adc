// gittrack ui: a single page with views chosen by the URL fragment (#/, #/run/ID, #/compare/ID,ID,..., #/sweep/ID,
// #/plot?f=FILTER). A fragment may carry a query (#/?f=...&cols=...): the filter, the table's columns, pins and sort,
// the plot's axes, so a view can be shared as a link. It polls /api/version (the runs branch tip) every 2 s and
// refreshes the view's data when the tip moves, so a running training's curves grow without a reload.
import "./style.css";
import { h, clear } from "./dom";
import { api, type Session } from "./api";
import { runsTable, newTableState, tableQuery, readTableQuery, sortParam } from "./table";
import type { RunSummary } from "./api";
import { runView, newChartControls } from "./run";
import { compareView } from "./compare";
import { modelsView } from "./models";
import { manyView } from "./many";

const app = document.getElementById("app")!;
const live = document.getElementById("live")!;
const tableState = newTableState();
const manyTableState = newTableState();
const controls = newChartControls();
let filter = "";
let refresh: (() => Promise<void>) | null = null;
let session: Session = { edits: false, token: null, repository: "" };
let lastTip: string | null | undefined;
let generation = 0;
/** Runs fetched per request of the runs table (a screen is about 30). */
const PAGE_SIZE = 100;

function showError(error: unknown) {
  const message = error instanceof Error ? error.message : String(error);
  app.appendChild(h("p", { class: "error", id: "error" }, message));
}

/** The fragment's path and query: "#/sweep/ID?axes=loss" is ["/sweep/ID", axes=loss]. */
function fragment(): [string, URLSearchParams] {
  const text = location.hash.replace(/^#/, "") || "/";
  const at = text.indexOf("?");
  return at < 0 ? [text, new URLSearchParams()] : [text.slice(0, at), new URLSearchParams(text.slice(at + 1))];
}

/** Puts a view's state into the URL without going anywhere (replaceState fires no hashchange). */
function writeQuery(path: string, query: URLSearchParams) {
  const text = query.toString();
  history.replaceState(null, "", `#${path}${text ? `?${text}` : ""}`);
}

async function listView(mine: number, query: URLSearchParams) {
  clear(app);
  filter = query.get("f") ?? filter;
  readTableQuery(tableState, query);
  const input = h("input", { type: "search", id: "filter", placeholder: "filter runs (name, id prefix, tag, or an expression)", size: 40, value: filter }) as HTMLInputElement;
  const count = h("span", { class: "muted", id: "run-count" });
  const compareButton = h("button", { id: "compare-button", disabled: true }, "compare") as HTMLButtonElement;
  const plotButton = h("button", { id: "plot-button", title: "parallel coordinates, scatters and curves of the selected runs, or of every listed run" }, "plot");
  const clearButton = h("button", { id: "clear-selection" }, "clear selection");
  const tableHost = h("div", { class: "table-host" });
  const saveState = () => {
    const q = new URLSearchParams();
    if (filter) q.set("f", filter);
    tableQuery(tableState, q);
    writeQuery("/", q);
  };
  const update = () => {
    compareButton.textContent = `compare ${tableState.selected.size} selected`;
    compareButton.disabled = tableState.selected.size < 1;
    plotButton.textContent = tableState.selected.size > 1 ? `plot ${tableState.selected.size} selected` : "plot these runs";
  };
  // The server filters, sorts and pages (GET /api/runs): the table holds the pages loaded so far and asks for the
  // next when the reader scrolls to the end, so 100,000 runs cost a page to show.
  let loaded: RunSummary[] = [];
  let matched = 0;
  let total = 0;
  let fetching: Promise<void> | null = null;
  const showCount = () => {
    count.textContent = matched === total
      ? (loaded.length === total ? `${total.toLocaleString("en-US")} runs` : `${loaded.length.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} runs loaded`)
      : `${matched.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} runs match${loaded.length < matched ? ` (${loaded.length.toLocaleString("en-US")} loaded)` : ""}`;
  };
  // From offset 0 (a new filter or sort, or the branch moved: as many as were loaded) or the next page.
  let listGeneration = 0;
  const fetchRuns = async (fromStart: boolean) => {
    const list = fromStart ? ++listGeneration : listGeneration; // a page of a list since replaced is dropped
    const offset = fromStart ? 0 : loaded.length;
    const limit = fromStart ? Math.max(PAGE_SIZE, Math.ceil(loaded.length / PAGE_SIZE) * PAGE_SIZE) : PAGE_SIZE;
    const data = await api.runs(filter, { sort: sortParam(tableState), offset, limit });
    if (mine !== generation || list !== listGeneration) return;
    loaded = fromStart ? data.runs : [...loaded, ...data.runs];
    matched = data.matched;
    total = data.total;
    // A selected run that was filtered out stays selected.
    render(loaded, Math.max(0, matched - loaded.length));
    showCount();
    // What the shown rows answer (the e2e checks wait for it): the server's sort key and the filter.
    tableHost.setAttribute("data-sort", sortParam(tableState));
    tableHost.setAttribute("data-filter", filter);
  };
  const more = () => {
    if (fetching || loaded.length >= matched) return;
    fetching = fetchRuns(false).catch(showError).finally(() => { fetching = null; });
  };
  const render = runsTable(tableHost, tableState, {
    onChange: update,
    onLayout: saveState,
    onSort: () => {
      tableState.scrollTop = 0;
      loaded = [];
      void fetchRuns(true).catch(showError);
    },
    onMore: more,
  });
  app.appendChild(h("div", { class: "toolbar" }, input, count, compareButton, plotButton, clearButton, render.columnsButton));
  app.appendChild(tableHost);
  compareButton.addEventListener("click", () => {
    location.hash = `#/compare/${[...tableState.selected].join(",")}`;
  });
  plotButton.addEventListener("click", () => {
    const q = new URLSearchParams();
    if (tableState.selected.size > 1) q.set("ids", [...tableState.selected].join(","));
    else if (filter) q.set("f", filter);
    location.hash = `#/plot${q.toString() ? `?${q}` : ""}`;
  });
  clearButton.addEventListener("click", () => {
    tableState.selected.clear();
    render(loaded, Math.max(0, matched - loaded.length));
  });
  const load = () => fetchRuns(true);
  let timer: number | undefined;
  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      filter = input.value;
      tableState.scrollTop = 0;
      loaded = [];
      saveState();
      void load().catch(showError);
    }, 150);
  });
  await load();
  refresh = load;
}

async function route() {
  const mine = ++generation;
  refresh = null;
  const [path, query] = fragment();
  try {
    if (path.startsWith("/run/")) {
      const id = decodeURIComponent(path.slice("/run/".length));
      await runView(app, id, controls, session);
      // When the branch moves, the whole run view is drawn again (status, metrics, charts and log may all have
      // changed), keeping the reader's place on the page.
      if (mine === generation)
        refresh = async () => {
          const y = window.scrollY;
          await runView(app, id, controls, session);
          window.scrollTo(0, y);
        };
    } else if (path.startsWith("/compare/")) {
      const ids = path.slice("/compare/".length).split(",").map(decodeURIComponent).filter((s) => s.length > 0);
      const r = await compareView(app, ids, controls);
      if (mine === generation) refresh = r;
    } else if (path === "/models") {
      const r = await modelsView(app);
      if (mine === generation) refresh = r;
    } else if (path.startsWith("/sweep/") || path === "/plot") {
      readTableQuery(manyTableState, query);
      const source = path === "/plot"
        ? query.has("ids") ? { kind: "ids" as const, ids: (query.get("ids") ?? "").split(",").filter((s) => s.length > 0) } : { kind: "filter" as const, filter: query.get("f") ?? "" }
        : { kind: "sweep" as const, id: decodeURIComponent(path.slice("/sweep/".length)) };
      const r = await manyView(app, source, query, controls, manyTableState, (q) => { if (mine === generation) writeQuery(path, q); });
      if (mine === generation) refresh = r;
    } else {
      await listView(mine, query);
    }
  } catch (error) {
    if (mine === generation) {
      clear(app);
      showError(error);
    }
  }
}

async function poll() {
  try {
    const { tip } = await api.version();
    live.textContent = "live";
    live.className = "ok";
    // While the reader works in the run editor, the view is not drawn again under them (their input and the
    // editor's answer would be lost); the change is shown once they leave it.
    const editing = !!document.activeElement?.closest("section.editor");
    if (lastTip !== undefined && tip !== lastTip && refresh) {
      if (editing) {
        window.setTimeout(() => void poll(), 2000);
        return;
      }
      await refresh();
    }
    lastTip = tip;
  } catch {
    live.textContent = "server stopped";
    live.className = "error";
  }
  window.setTimeout(() => void poll(), 2000);
}

async function start() {
  try {
    session = await api.session();
    document.getElementById("repo")!.textContent = session.repository + (session.edits ? "  (edits allowed)" : "");
  } catch (error) {
    showError(error);
  }
  window.addEventListener("hashchange", () => void route());
  await route();
  void poll();
}

void start();
