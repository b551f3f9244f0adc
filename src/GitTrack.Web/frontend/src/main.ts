// gittrack ui: a single page with three views chosen by the URL fragment (#/, #/run/ID, #/compare/ID,ID,...).
// It polls /api/version (the runs branch tip) every 2 s and refreshes the view's data when the tip moves, so a
// running training's curves grow without a reload.
import "./style.css";
import { h, clear } from "./dom";
import { api, type Session } from "./api";
import { runsTable, newTableState } from "./table";
import { runView, newChartControls } from "./run";
import { compareView } from "./compare";
import { modelsView } from "./models";

const app = document.getElementById("app")!;
const live = document.getElementById("live")!;
const tableState = newTableState();
const controls = newChartControls();
let filter = "";
let refresh: (() => Promise<void>) | null = null;
let session: Session = { edits: false, token: null, repository: "" };
let lastTip: string | null | undefined;
let generation = 0;

function showError(error: unknown) {
  const message = error instanceof Error ? error.message : String(error);
  app.appendChild(h("p", { class: "error", id: "error" }, message));
}

async function listView(mine: number) {
  clear(app);
  const input = h("input", { type: "search", id: "filter", placeholder: "filter runs (name, id prefix, tag)", size: 40, value: filter }) as HTMLInputElement;
  const count = h("span", { class: "muted", id: "run-count" });
  const compareButton = h("button", { id: "compare-button", disabled: true }, "compare") as HTMLButtonElement;
  const clearButton = h("button", { id: "clear-selection" }, "clear selection");
  app.appendChild(h("div", { class: "toolbar" }, input, count, compareButton, clearButton));
  const tableHost = h("div", { class: "table-host" });
  app.appendChild(tableHost);
  const update = () => {
    compareButton.textContent = `compare ${tableState.selected.size} selected`;
    compareButton.disabled = tableState.selected.size < 1;
  };
  const render = runsTable(tableHost, tableState, { onChange: update });
  compareButton.addEventListener("click", () => {
    location.hash = `#/compare/${[...tableState.selected].join(",")}`;
  });
  clearButton.addEventListener("click", () => {
    tableState.selected.clear();
    void load();
  });
  const load = async () => {
    const data = await api.runs(filter);
    if (mine !== generation) return;
    // A selected run that was filtered out stays selected; one that no longer exists is dropped.
    render(data.runs);
    count.textContent = data.runs.length === data.total ? `${data.total} runs` : `${data.runs.length} of ${data.total} runs`;
  };
  let timer: number | undefined;
  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      filter = input.value;
      tableState.scrollTop = 0;
      void load().catch(showError);
    }, 150);
  });
  await load();
  refresh = load;
}

async function route() {
  const mine = ++generation;
  refresh = null;
  const hash = location.hash.replace(/^#/, "") || "/";
  try {
    if (hash.startsWith("/run/")) {
      const id = decodeURIComponent(hash.slice("/run/".length));
      await runView(app, id, controls, session);
      // When the branch moves, the whole run view is drawn again (status, metrics, charts and log may all have
      // changed), keeping the reader's place on the page.
      if (mine === generation)
        refresh = async () => {
          const y = window.scrollY;
          await runView(app, id, controls, session);
          window.scrollTo(0, y);
        };
    } else if (hash.startsWith("/compare/")) {
      const ids = hash.slice("/compare/".length).split(",").map(decodeURIComponent).filter((s) => s.length > 0);
      const r = await compareView(app, ids, controls);
      if (mine === generation) refresh = r;
    } else if (hash === "/models") {
      const r = await modelsView(app);
      if (mine === generation) refresh = r;
    } else {
      await listView(mine);
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
    if (lastTip !== undefined && tip !== lastTip && refresh) await refresh();
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
