// The runs table: sortable columns (params, metrics and tags included), nested runs under their parents
// (collapsible), a selection of runs to compare. Columns can be chosen, reordered and pinned (tableQuery/readTableQuery
// keep that in the URL, so a view can be shared); the name column and pinned ones stay in place while the others
// scroll sideways. Only the rows in view are in the DOM, so 10,000 runs scroll as 30. The run list may also be paged
// by the server (callbacks.onSort, callbacks.onMore): then the table keeps the server's order, asks for the next page
// when the reader scrolls near the end of what is loaded, and offers a "more" button for the same.
import { h, clear, formatValue, formatParam, formatDuration, formatTime, statusBadge } from "./dom";
import type { RunSummary, Scalar } from "./api";
import { isSystemMetric, showsSystemColumn, systemUse } from "./system";

const ROW_HEIGHT = 28;
const OVERSCAN = 10;

interface Column {
  id: string;
  title: string;
  kind: "name" | "status" | "started" | "duration" | "param" | "metric" | "tag" | "tags" | "system";
  key?: string;
}

interface Row {
  run: RunSummary;
  depth: number;
  childCount: number;
}

export interface TableState {
  sort: { column: string; descending: boolean };
  selected: Set<string>;
  collapsed: Set<string>;
  scrollTop: number;
  /** The shown columns in order (ids: name, status, started, duration, p:KEY, m:KEY, t:KEY, tags); null for all. */
  columns: string[] | null;
  /** Columns kept in place beside the name while the others scroll, in order. */
  pinned: string[];
}

export function newTableState(): TableState {
  return { sort: { column: "started", descending: true }, selected: new Set(), collapsed: new Set(), scrollTop: 0, columns: null, pinned: [] };
}

/** The column the table is sorted by until another is chosen (newest first). */
const STARTED_COLUMN: Column = { id: "started", title: "started", kind: "started" };

/** A list for a URL query parameter: items joined by commas (a comma or % inside an item is escaped). */
export function listParam(items: string[]): string {
  return items.map((item) => item.replace(/%/g, "%25").replace(/,/g, "%2C")).join(",");
}

/** Reads what listParam wrote. */
export function readListParam(text: string): string[] {
  return text.split(",").filter((s) => s.length > 0).map((s) => decodeURIComponent(s));
}

/** Writes the table's columns, pins and sort into URL query parameters (cols, pin, sort). */
export function tableQuery(state: TableState, query: URLSearchParams): void {
  const list = listParam;
  if (state.columns) query.set("cols", list(state.columns));
  else query.delete("cols");
  if (state.pinned.length > 0) query.set("pin", list(state.pinned));
  else query.delete("pin");
  const defaultSort = state.sort.column === "started" && state.sort.descending;
  if (defaultSort) query.delete("sort");
  else query.set("sort", (state.sort.descending ? "-" : "") + state.sort.column);
}

/** Reads what tableQuery wrote. */
/** The server's sort key (`gittrack ls --sort`, docs/query.md) for the table's sort, or "" for the default (newest first). */
export function sortParam(state: TableState): string {
  const { column, descending } = state.sort;
  if (column === "started" && descending) return "";
  const quote = (key: string) => `"${key.replace(/[\\"\n\r\t]/g, (c) => ({ "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t" })[c]!)}"`;
  const field = column.startsWith("p:") ? `params.${quote(column.slice(2))}`
    : column.startsWith("m:") ? `metrics.${quote(column.slice(2))}`
    : column.startsWith("t:") ? `tags.${quote(column.slice(2))}`
    : ["name", "status", "started", "duration"].includes(column) ? column : "";
  return field === "" ? "" : (descending ? "-" : "") + field;
}

export function readTableQuery(state: TableState, query: URLSearchParams): void {
  const list = (text: string | null) => (text === null ? null : readListParam(text));
  state.columns = list(query.get("cols"));
  state.pinned = list(query.get("pin")) ?? [];
  const sort = query.get("sort");
  state.sort = sort ? { column: sort.replace(/^-/, ""), descending: sort.startsWith("-") } : { column: "started", descending: true };
}

function availableColumns(runs: RunSummary[]): Column[] {
  const params = new Set<string>();
  const metrics = new Set<string>();
  const tags = new Set<string>();
  for (const run of runs) {
    for (const key in run.params) params.add(key);
    for (const key in run.metrics) if (!isSystemMetric(key)) metrics.add(key); // system metrics: the run view and the "system" column
    for (const key in run.tags) tags.add(key);
  }
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [
    { id: "name", title: "name", kind: "name" },
    { id: "status", title: "status", kind: "status" },
    STARTED_COLUMN,
    { id: "duration", title: "duration", kind: "duration" },
    ...(showsSystemColumn(runs) ? [{ id: "system", title: "cpu / gpu", kind: "system" } as Column] : []),
    ...[...params].sort(byName).map((key): Column => ({ id: `p:${key}`, title: key, kind: "param", key })),
    ...[...metrics].sort(byName).map((key): Column => ({ id: `m:${key}`, title: key, kind: "metric", key })),
    { id: "tags", title: "tags", kind: "tags" },
    ...[...tags].sort(byName).map((key): Column => ({ id: `t:${key}`, title: `tag ${key}`, kind: "tag", key })),
  ];
}

/** By default every column but the single-tag ones (the tags column shows them all). */
function defaultIds(available: Column[]): string[] {
  return available.filter((c) => c.kind !== "tag").map((c) => c.id);
}

/** The columns shown: the name first, then the pinned ones, then the rest in the chosen order. */
function shownColumns(available: Column[], state: TableState): Column[] {
  const byId = new Map(available.map((c) => [c.id, c]));
  const ids = (state.columns ?? defaultIds(available)).filter((id) => id !== "name" && byId.has(id));
  const pinned = state.pinned.filter((id) => ids.includes(id));
  return [byId.get("name")!, ...pinned.map((id) => byId.get(id)!), ...ids.filter((id) => !pinned.includes(id)).map((id) => byId.get(id)!)];
}

function valueOf(run: RunSummary, column: Column): Scalar | null {
  switch (column.kind) {
    case "name": return run.name;
    case "status": return run.status;
    case "started": return run.started_at;
    case "duration": return run.duration_s;
    case "param": return run.params[column.key!] ?? null;
    case "metric": return run.metrics[column.key!] ?? null;
    case "tag": return Object.prototype.hasOwnProperty.call(run.tags, column.key!) ? run.tags[column.key!] ?? null : null;
    case "tags": return Object.entries(run.tags).map(([k, v]) => `${k}=${v}`).join(" ");
    case "system": return systemUse(run) || null;
  }
}

function compare(a: Scalar | null, b: Scalar | null): number {
  // Missing values sort last whichever the direction; numbers before text.
  if (a === null || b === null) return a === null ? (b === null ? 0 : 1) : -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "number") return -1;
  if (typeof b === "number") return 1;
  const sa = String(a), sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Orders runs (each parent followed by its children, sorted alike) and drops the children of collapsed parents. */
function flatten(runs: RunSummary[], column: Column | null, descending: boolean, collapsed: Set<string>): Row[] {
  const ids = new Set(runs.map((r) => r.id));
  const children = new Map<string, RunSummary[]>();
  const roots: RunSummary[] = [];
  for (const run of runs) {
    if (run.parent && ids.has(run.parent) && run.parent !== run.id) {
      const list = children.get(run.parent) ?? [];
      list.push(run);
      children.set(run.parent, list);
    } else {
      roots.push(run);
    }
  }
  // No column: the order given (the server sorted the runs), children still under their parents.
  const order = (list: RunSummary[]) => column === null ? list :
    list.sort((a, b) => {
      const va = valueOf(a, column), vb = valueOf(b, column);
      if (va === null || vb === null) return compare(va, vb);
      return descending ? compare(vb, va) : compare(va, vb);
    });
  const rows: Row[] = [];
  const seen = new Set<string>();
  const visit = (run: RunSummary, depth: number) => {
    if (seen.has(run.id)) return; // a parent cycle in damaged data must not loop
    seen.add(run.id);
    const kids = children.get(run.id) ?? [];
    rows.push({ run, depth, childCount: kids.length });
    if (kids.length > 0 && !collapsed.has(run.id)) for (const kid of order(kids)) visit(kid, depth + 1);
  };
  for (const run of order(roots)) visit(run, 0);
  return rows;
}

export interface TableCallbacks {
  onChange(): void; // selection or state changed: the caller updates its compare button
  /** Columns, pins or sort changed: the caller keeps them in the URL. */
  onLayout?(): void;
  /** Given, the server sorts: a header click changes state.sort and calls this (the caller fetches again); the runs keep their order. */
  onSort?(): void;
  /** The reader reached the end of the loaded runs (scrolled there or pressed "more") and more are on the server. */
  onMore?(): void;
}

export interface RunsTable {
  /** Re-renders with new runs, keeping sort, selection, columns and scroll; `more`: how many more the server has. */
  (runs: RunSummary[], more?: number): void;
  /** The panel to choose, reorder and pin columns (hidden until its button is pressed). */
  columnsButton: HTMLElement;
}

/** Builds the table into `host`; returns a function that re-renders with new runs. */
export function runsTable(host: HTMLElement, state: TableState, callbacks: TableCallbacks): RunsTable {
  const panel = h("div", { id: "column-panel", class: "column-panel" });
  panel.hidden = true;
  const scroller = h("div", { id: "runs-scroller", class: "scroller" });
  const table = h("table", { id: "runs-table", class: "runs" });
  const thead = h("thead");
  const tbody = h("tbody");
  table.append(thead, tbody);
  scroller.appendChild(table);
  const moreButton = h("button", { id: "more-runs", class: "more-runs" }, "more") as HTMLButtonElement;
  moreButton.hidden = true;
  moreButton.addEventListener("click", () => callbacks.onMore?.());
  host.append(panel, scroller, moreButton);
  const columnsButton = h("button", { id: "columns-button", title: "choose, reorder and pin columns" }, "columns");
  columnsButton.addEventListener("click", () => {
    panel.hidden = !panel.hidden;
    if (!panel.hidden) renderPanel();
  });

  let runs: RunSummary[] = [];
  let more = 0;
  let asked = -1; // the loaded count at which onMore was last called: once per page
  let available: Column[] = [];
  let columns: Column[] = [];
  let rows: Row[] = [];
  let stickyLeft: number[] = []; // left offset of each sticky column (select box, name, pinned), in px

  const sticky = (index: number) => index < 1 + 1 + state.pinned.filter((id) => columns.some((c) => c.id === id)).length;

  const layoutChanged = () => {
    columns = shownColumns(available, state);
    reorder();
    if (!panel.hidden) renderPanel();
    callbacks.onLayout?.();
  };

  const renderHead = () => {
    clear(thead);
    const tr = h("tr");
    tr.appendChild(h("th", { class: "select sticky" }, ""));
    columns.forEach((column, i) => {
      const active = state.sort.column === column.id;
      const pinned = i === 0 || state.pinned.includes(column.id);
      const th = h("th", { class: `col-${column.kind}${active ? " sorted" : ""}${pinned ? " sticky pinned" : ""}`, title: `sort by ${column.title}`, "data-column": column.id },
        column.title, active ? (state.sort.descending ? " ▼" : " ▲") : "");
      th.addEventListener("click", () => {
        if (callbacks.onSort && (column.kind === "tags" || column.kind === "system")) return; // no server sort key
        state.sort = { column: column.id, descending: active ? !state.sort.descending : column.kind === "metric" ? false : true };
        if (callbacks.onSort) {
          renderHead();
          callbacks.onLayout?.();
          callbacks.onSort();
          return;
        }
        reorder();
        callbacks.onLayout?.();
      });
      tr.appendChild(th);
    });
    thead.appendChild(tr);
  };

  const renderRow = (row: Row): HTMLTableRowElement => {
    const run = row.run;
    const tr = h("tr", { class: `run-row status-row-${run.status}`, "data-id": run.id });
    const box = h("input", { type: "checkbox", class: "select-run", title: "select to compare" }) as HTMLInputElement;
    box.checked = state.selected.has(run.id);
    box.addEventListener("change", () => {
      if (box.checked) state.selected.add(run.id);
      else state.selected.delete(run.id);
      callbacks.onChange();
    });
    tr.appendChild(h("td", { class: "select sticky" }, box));
    columns.forEach((column, i) => {
      const td = h("td", { class: `col-${column.kind}${sticky(i + 1) ? " sticky" : ""}` });
      switch (column.kind) {
        case "name": {
          td.style.paddingLeft = `${6 + row.depth * 18}px`;
          if (row.childCount > 0) {
            const open = !state.collapsed.has(run.id);
            const toggle = h("button", { class: "toggle", title: open ? "collapse" : `show ${row.childCount} nested runs` }, open ? "▾" : "▸");
            toggle.addEventListener("click", () => {
              if (open) state.collapsed.add(run.id);
              else state.collapsed.delete(run.id);
              reorder();
            });
            td.appendChild(toggle);
          }
          td.appendChild(h("a", { href: `#/run/${run.id}`, class: "run-link", title: run.id }, run.name));
          if (Object.prototype.hasOwnProperty.call(run.tags, "sweep.mode"))
            td.append(" ", h("a", { href: `#/sweep/${run.id}`, class: "sweep-link", title: "the sweep's trials: parallel coordinates, scatters, curves" }, "sweep ▸"));
          break;
        }
        case "status": td.appendChild(statusBadge(run.status)); break;
        case "started": td.textContent = formatTime(run.started_at); break;
        case "duration": td.textContent = formatDuration(run.duration_s); break;
        case "param": td.textContent = formatParam(valueOf(run, column), run.param_types?.[column.key!]); break;
        case "tags": {
          const entries = Object.entries(run.tags);
          td.title = entries.map(([k, v]) => `${k}=${v}`).join("\n");
          for (const [k, v] of entries) td.appendChild(h("span", { class: "tag" }, v === "" ? k : `${k}=${v}`));
          break;
        }
        default: td.textContent = formatValue(valueOf(run, column));
      }
      tr.appendChild(td);
    });
    return tr;
  };

  // The name and pinned columns stick at the left edge: their offsets are the widths of the sticky columns before them.
  const placeSticky = () => {
    const heads = [...thead.querySelectorAll("th")];
    stickyLeft = [];
    let left = 0;
    heads.forEach((th, i) => {
      if (!th.classList.contains("sticky")) return;
      stickyLeft[i] = left;
      left += th.getBoundingClientRect().width;
    });
    const apply = (cells: NodeListOf<Element> | Element[]) =>
      [...cells].forEach((cell, i) => { if (stickyLeft[i] !== undefined) (cell as HTMLElement).style.left = `${stickyLeft[i]}px`; });
    apply(heads);
    for (const tr of tbody.querySelectorAll("tr.run-row")) apply(tr.querySelectorAll("td"));
  };

  // Draws only the rows in view, with spacer rows standing in for the rest.
  const renderBody = () => {
    const top = scroller.scrollTop;
    const height = scroller.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(rows.length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    clear(tbody);
    tbody.appendChild(h("tr", { class: "spacer" }, h("td", { colspan: columns.length + 1, style: `height:${first * ROW_HEIGHT}px` })));
    for (const row of rows.slice(first, last)) tbody.appendChild(renderRow(row));
    tbody.appendChild(h("tr", { class: "spacer" }, h("td", { colspan: columns.length + 1, style: `height:${(rows.length - last) * ROW_HEIGHT}px` })));
    placeSticky();
    // Near the end of what is loaded, with more on the server: ask for the next page (once per page).
    if (more > 0 && last >= rows.length - OVERSCAN && asked !== runs.length && callbacks.onMore) {
      asked = runs.length;
      callbacks.onMore();
    }
  };

  const reorder = () => {
    const column = callbacks.onSort ? null : available.find((c) => c.id === state.sort.column) ?? STARTED_COLUMN;
    rows = flatten(runs, column, state.sort.descending, state.collapsed);
    renderHead();
    renderBody();
    callbacks.onChange();
  };

  // The column chooser: a line per column with show, move up/down and pin.
  const renderPanel = () => {
    clear(panel);
    const shown = columns.map((c) => c.id);
    const ordered = [...columns, ...available.filter((c) => !shown.includes(c.id))];
    const currentIds = () => (state.columns ?? defaultIds(available)).filter((id) => available.some((c) => c.id === id));
    const list = h("div", { class: "column-list" });
    for (const column of ordered) {
      if (column.id === "name") continue;
      const visible = shown.includes(column.id);
      const check = h("input", { type: "checkbox", class: "column-show", "data-column": column.id }) as HTMLInputElement;
      check.checked = visible;
      check.addEventListener("change", () => {
        const ids = currentIds();
        state.columns = check.checked ? [...ids.filter((id) => id !== column.id), column.id] : ids.filter((id) => id !== column.id);
        if (!check.checked) state.pinned = state.pinned.filter((id) => id !== column.id);
        layoutChanged();
      });
      const move = (delta: number) => () => {
        const ids = columns.map((c) => c.id).filter((id) => id !== "name");
        const at = ids.indexOf(column.id);
        const to = at + delta;
        if (at < 0 || to < 0 || to >= ids.length) return;
        [ids[at], ids[to]] = [ids[to]!, ids[at]!];
        state.columns = ids;
        // Moving among the pinned columns reorders the pins too.
        state.pinned = ids.filter((id) => state.pinned.includes(id));
        layoutChanged();
      };
      const up = h("button", { class: "column-up", title: "move left", disabled: !visible }, "◀");
      up.addEventListener("click", move(-1));
      const down = h("button", { class: "column-down", title: "move right", disabled: !visible }, "▶");
      down.addEventListener("click", move(1));
      const pinned = state.pinned.includes(column.id);
      const pin = h("button", { class: `column-pin${pinned ? " on" : ""}`, title: pinned ? "unpin" : "pin beside the name", disabled: !visible }, pinned ? "unpin" : "pin");
      pin.addEventListener("click", () => {
        state.columns = currentIds();
        state.pinned = pinned ? state.pinned.filter((id) => id !== column.id) : [...state.pinned, column.id];
        layoutChanged();
      });
      list.appendChild(h("div", { class: `column-item${visible ? "" : " hidden-column"}`, "data-column": column.id }, check, " ", column.title, " ", up, down, pin));
    }
    const reset = h("button", { id: "columns-reset" }, "show all, unpin");
    reset.addEventListener("click", () => {
      state.columns = null;
      state.pinned = [];
      layoutChanged();
    });
    panel.append(h("div", { class: "muted" }, "shown columns in order; pinned ones stay beside the name when the table scrolls sideways"), list, reset);
  };

  let pending = false;
  scroller.addEventListener("scroll", () => {
    state.scrollTop = scroller.scrollTop;
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      renderBody();
    });
  });

  const render = ((next: RunSummary[], remaining = 0) => {
    runs = next;
    more = remaining;
    if (runs.length < asked) asked = -1; // a new list (filter, sort, refresh)
    moreButton.hidden = more <= 0;
    moreButton.textContent = `${more.toLocaleString("en-US")} more`;
    table.setAttribute("data-loaded", String(runs.length));
    available = availableColumns(runs);
    columns = shownColumns(available, state);
    reorder();
    if (!panel.hidden) renderPanel();
    scroller.scrollTop = state.scrollTop;
    renderBody();
  }) as RunsTable;
  render.columnsButton = columnsButton;
  return render;
}
