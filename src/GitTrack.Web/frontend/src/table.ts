// The runs table: sortable columns (params and metrics included), nested runs under their parents (collapsible),
// a selection of runs to compare. Only the rows in view are in the DOM, so 10,000 runs scroll as 30.
import { h, clear, formatValue, formatParam, formatDuration, formatTime, statusBadge } from "./dom";
import type { RunSummary, Scalar } from "./api";
import { isSystemMetric, showsSystemColumn, systemUse } from "./system";

const ROW_HEIGHT = 28;
const OVERSCAN = 10;

interface Column {
  id: string;
  title: string;
  kind: "name" | "status" | "started" | "duration" | "param" | "metric" | "tags" | "system";
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
}

export function newTableState(): TableState {
  return { sort: { column: "started", descending: true }, selected: new Set(), collapsed: new Set(), scrollTop: 0 };
}

/** The column the table is sorted by until another is chosen (newest first). */
const STARTED_COLUMN: Column = { id: "started", title: "started", kind: "started" };

function columnsOf(runs: RunSummary[]): Column[] {
  const params = new Set<string>();
  const metrics = new Set<string>();
  for (const run of runs) {
    for (const key in run.params) params.add(key);
    for (const key in run.metrics) if (!isSystemMetric(key)) metrics.add(key); // system metrics: the run view and the "system" column
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
  ];
}

function valueOf(run: RunSummary, column: Column): Scalar | null {
  switch (column.kind) {
    case "name": return run.name;
    case "status": return run.status;
    case "started": return run.started_at;
    case "duration": return run.duration_s;
    case "param": return run.params[column.key!] ?? null;
    case "metric": return run.metrics[column.key!] ?? null;
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
function flatten(runs: RunSummary[], column: Column, descending: boolean, collapsed: Set<string>): Row[] {
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
  const order = (list: RunSummary[]) =>
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
}

/** Builds the table into `host`; returns a function that re-renders with new runs, keeping sort, selection and scroll. */
export function runsTable(host: HTMLElement, state: TableState, callbacks: TableCallbacks): (runs: RunSummary[]) => void {
  const scroller = h("div", { id: "runs-scroller", class: "scroller" });
  const table = h("table", { id: "runs-table", class: "runs" });
  const thead = h("thead");
  const tbody = h("tbody");
  table.append(thead, tbody);
  scroller.appendChild(table);
  host.appendChild(scroller);

  let runs: RunSummary[] = [];
  let columns: Column[] = [];
  let rows: Row[] = [];

  const renderHead = () => {
    clear(thead);
    const tr = h("tr");
    tr.appendChild(h("th", { class: "select" }, ""));
    for (const column of columns) {
      const active = state.sort.column === column.id;
      const th = h("th", { class: `col-${column.kind}${active ? " sorted" : ""}`, title: `sort by ${column.title}`, "data-column": column.id },
        column.title, active ? (state.sort.descending ? " ▼" : " ▲") : "");
      th.addEventListener("click", () => {
        state.sort = { column: column.id, descending: active ? !state.sort.descending : column.kind === "metric" ? false : true };
        reorder();
      });
      tr.appendChild(th);
    }
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
    tr.appendChild(h("td", { class: "select" }, box));
    for (const column of columns) {
      const td = h("td", { class: `col-${column.kind}` });
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
          break;
        }
        case "status": td.appendChild(statusBadge(run.status)); break;
        case "started": td.textContent = formatTime(run.started_at); break;
        case "duration": td.textContent = formatDuration(run.duration_s); break;
        case "param": td.textContent = formatParam(valueOf(run, column), run.param_types?.[column.key!]); break;
        default: td.textContent = formatValue(valueOf(run, column));
      }
      tr.appendChild(td);
    }
    return tr;
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
  };

  const reorder = () => {
    const column = columns.find((c) => c.id === state.sort.column) ?? STARTED_COLUMN;
    rows = flatten(runs, column, state.sort.descending, state.collapsed);
    renderHead();
    renderBody();
    callbacks.onChange();
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

  return (next: RunSummary[]) => {
    runs = next;
    columns = columnsOf(runs);
    reorder();
    scroller.scrollTop = state.scrollTop;
    renderBody();
  };
}
