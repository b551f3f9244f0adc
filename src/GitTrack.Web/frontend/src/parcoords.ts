// Parallel coordinates: one vertical axis per param or metric, one line per run through its values, coloured by a
// metric. Dragging along an axis brushes a range; runs outside any brush turn grey and `onBrush` gets the runs
// inside all of them (a click on an axis clears its brush). Lines are drawn on one canvas, batched by colour, so
// 10,000 runs draw in milliseconds; axis names are DOM text (data-key, data-x for tests and tools).
import { h, formatNumber } from "./dom";
import { scale, colorAt, type Scale } from "./plot";

export type AxisValue = number | string | boolean | null;

export interface PcAxis {
  key: string; // "p:lr", "m:loss"
  label: string;
  values: AxisValue[]; // one per run, in the runs' order
}

export interface PcOptions {
  /** One value per run, 0..1 (null: grey); null colours every line alike. */
  colors: (number | null)[] | null;
  onBrush(active: boolean[] | null): void;
  /** Where the brushes are kept (axis key to fractions of its height); pass the same map to keep them across redraws. */
  brushes?: Map<string, [number, number]>;
  height?: number;
}

interface Placed {
  axis: PcAxis;
  x: number;
  numeric: boolean;
  scale: Scale | null;
  categories: string[];
  y: Float64Array; // per run; NaN when missing
}

const MARGIN = { left: 70, right: 70, top: 34, bottom: 34 };
const MISSING_GAP = 18;
const BUCKETS = 24;

export function parallelCoordinates(count: number, axes: PcAxis[], options: PcOptions): HTMLElement {
  const height = options.height ?? 320;
  const box = h("div", { class: "parcoords", id: "parcoords" });
  const canvas = h("canvas", {}) as HTMLCanvasElement;
  const overlay = h("canvas", { class: "pc-overlay" }) as HTMLCanvasElement;
  const labels = h("div", { class: "pc-labels" });
  box.append(labels, canvas, overlay);
  const ctx = canvas.getContext("2d")!;
  const octx = overlay.getContext("2d")!;
  // Brushes as fractions of the axis height (0 top, 1 bottom), kept across redraws and resizes.
  const brushes = options.brushes ?? new Map<string, [number, number]>();
  let placed: Placed[] = [];
  let width = 0;
  const top = MARGIN.top, bottom = height - MARGIN.bottom - MISSING_GAP;

  const layout = () => {
    width = Math.max(360, Math.floor(box.clientWidth || 900));
    const ratio = window.devicePixelRatio || 1;
    for (const c of [canvas, overlay]) {
      c.width = Math.round(width * ratio);
      c.height = Math.round(height * ratio);
      c.style.width = `${width}px`;
      c.style.height = `${height}px`;
    }
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    octx.setTransform(ratio, 0, 0, ratio, 0, 0);
    const span = width - MARGIN.left - MARGIN.right;
    placed = axes.map((axis, i) => {
      const x = axes.length === 1 ? width / 2 : MARGIN.left + (span * i) / (axes.length - 1);
      const numbers = axis.values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
      const present = axis.values.filter((v) => v !== null && v !== undefined);
      const numeric = present.length > 0 && numbers.length === present.length;
      const y = new Float64Array(count).fill(NaN);
      let s: Scale | null = null;
      let categories: string[] = [];
      if (numeric) {
        s = scale(numbers, bottom, top);
        axis.values.forEach((v, r) => { if (typeof v === "number" && Number.isFinite(v)) y[r] = s!.to(v); });
      } else {
        categories = [...new Set(present.map((v) => String(v)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        const index = new Map(categories.map((c, k) => [c, k]));
        const step = categories.length > 1 ? (bottom - top) / (categories.length - 1) : 0;
        axis.values.forEach((v, r) => { if (v !== null && v !== undefined) y[r] = categories.length > 1 ? bottom - index.get(String(v))! * step : (top + bottom) / 2; });
      }
      return { axis, x, numeric, scale: s, categories, y };
    });
  };

  const passes = (): boolean[] | null => {
    if (brushes.size === 0) return null;
    const active = new Array<boolean>(count).fill(true);
    for (const p of placed) {
      const brush = brushes.get(p.axis.key);
      if (!brush) continue;
      const lo = top + Math.min(...brush) * (bottom - top), hi = top + Math.max(...brush) * (bottom - top);
      for (let r = 0; r < count; r++) {
        const y = p.y[r] ?? NaN;
        if (active[r] && !(y >= lo - 0.5 && y <= hi + 0.5)) active[r] = false;
      }
    }
    return active;
  };

  const drawAxes = () => {
    ctx.font = "11px system-ui, sans-serif";
    for (const p of placed) {
      ctx.strokeStyle = "#666";
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(Math.round(p.x) + 0.5, top);
      ctx.lineTo(Math.round(p.x) + 0.5, bottom);
      ctx.stroke();
      ctx.fillStyle = "#444";
      ctx.textBaseline = "middle";
      ctx.textAlign = "right";
      const marks: [number, string][] = p.numeric
        ? p.scale!.ticks().map((t) => [p.scale!.to(t), formatNumber(t)])
        : p.categories.length <= 24 ? p.categories.map((c, k) => [p.categories.length > 1 ? bottom - k * ((bottom - top) / (p.categories.length - 1)) : (top + bottom) / 2, c]) : [];
      for (const [y, text] of marks) {
        if (y < top - 1 || y > bottom + 1) continue;
        let shown = text;
        while (shown.length > 1 && ctx.measureText(shown).width > MARGIN.left - 14) shown = shown.slice(0, -2) + "…";
        ctx.fillText(shown, p.x - 5, y);
        ctx.beginPath();
        ctx.moveTo(p.x - 3, Math.round(y) + 0.5);
        ctx.lineTo(p.x, Math.round(y) + 0.5);
        ctx.stroke();
      }
      // Runs without a value meet below the axis.
      if (p.y.some((v) => Number.isNaN(v))) {
        ctx.fillStyle = "#999";
        ctx.fillText("none", p.x - 5, bottom + MISSING_GAP);
      }
    }
  };

  const draw = () => {
    const t0 = performance.now();
    ctx.clearRect(0, 0, width, height);
    const active = passes();
    const alpha = count > 2000 ? 0.22 : count > 300 ? 0.4 : 0.75;
    const pathOf = (r: number) => {
      let first = true;
      for (const p of placed) {
        const y = p.y[r] ?? NaN;
        const yy = Number.isNaN(y) ? bottom + MISSING_GAP : y;
        if (first) ctx.moveTo(p.x, yy);
        else ctx.lineTo(p.x, yy);
        first = false;
      }
    };
    ctx.lineWidth = 1;
    // Runs outside the brushes first, in grey, under the others.
    if (active) {
      ctx.strokeStyle = "rgba(190,190,190,0.35)";
      ctx.beginPath();
      for (let r = 0; r < count; r++) if (!active[r]) pathOf(r);
      ctx.stroke();
    }
    // One path per colour bucket: a few strokes however many runs there are.
    const buckets: number[][] = Array.from({ length: BUCKETS + 1 }, () => []);
    for (let r = 0; r < count; r++) {
      if (active && !active[r]) continue;
      const c = options.colors ? options.colors[r] : null;
      buckets[c === null || c === undefined || !Number.isFinite(c) ? BUCKETS : Math.min(BUCKETS - 1, Math.floor(c * BUCKETS))]!.push(r);
    }
    ctx.globalAlpha = alpha;
    buckets.forEach((runs, b) => {
      if (runs.length === 0) return;
      ctx.strokeStyle = b === BUCKETS ? (options.colors ? "#888" : "#1f77b4") : colorAt((b + 0.5) / BUCKETS);
      ctx.beginPath();
      for (const r of runs) pathOf(r);
      ctx.stroke();
    });
    ctx.globalAlpha = 1;
    drawAxes();
    drawBrushes();
    const shown = active ? active.filter((a) => a).length : count;
    box.dataset.axes = String(placed.length);
    box.dataset.lines = String(count);
    box.dataset.active = String(shown);
    box.dataset.drawMs = String(Math.round(performance.now() - t0));
  };

  const drawBrushes = (extra?: { key: string; from: number; to: number }) => {
    octx.clearRect(0, 0, width, height);
    for (const p of placed) {
      const brush: [number, number] | undefined = extra && extra.key === p.axis.key ? [extra.from, extra.to] : brushes.get(p.axis.key);
      if (!brush) continue;
      const y0 = top + Math.min(brush[0], brush[1]) * (bottom - top), y1 = top + Math.max(brush[0], brush[1]) * (bottom - top);
      octx.fillStyle = "rgba(9,105,218,0.18)";
      octx.strokeStyle = "rgba(9,105,218,0.9)";
      octx.fillRect(p.x - 9, y0, 18, Math.max(2, y1 - y0));
      octx.strokeRect(p.x - 9 + 0.5, y0 + 0.5, 18, Math.max(2, y1 - y0));
    }
  };

  const renderLabels = () => {
    while (labels.firstChild) labels.removeChild(labels.firstChild);
    for (const p of placed) {
      const label = h("div", { class: "pc-axis", "data-key": p.axis.key, "data-x": Math.round(p.x), title: p.axis.label }, p.axis.label + (p.scale?.log ? " (log)" : ""));
      label.style.left = `${p.x}px`;
      labels.appendChild(label);
    }
    box.dataset.top = String(top);
    box.dataset.bottom = String(bottom);
  };

  // Brushing: press near an axis, drag along it, release.
  let drag: { key: string; from: number; to: number; startY: number } | null = null;
  const fraction = (y: number) => Math.min(1, Math.max(0, (y - top) / (bottom - top)));
  const pointer = (event: MouseEvent) => {
    const rect = overlay.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  };
  overlay.addEventListener("mousedown", (event) => {
    const { x, y } = pointer(event);
    const near = placed.find((p) => Math.abs(p.x - x) <= 16);
    if (!near || y < top - 8 || y > bottom + MISSING_GAP) return;
    event.preventDefault();
    drag = { key: near.axis.key, from: fraction(y), to: fraction(y), startY: y };
  });
  window.addEventListener("mousemove", (event) => {
    if (!drag || !box.isConnected) return;
    drag.to = fraction(pointer(event).y);
    drawBrushes(drag);
  });
  window.addEventListener("mouseup", (event) => {
    if (!drag || !box.isConnected) return;
    const { y } = pointer(event);
    if (Math.abs(y - drag.startY) < 3) brushes.delete(drag.key);
    else brushes.set(drag.key, [drag.from, fraction(y)]);
    drag = null;
    draw();
    options.onBrush(passes());
  });
  overlay.addEventListener("mousemove", (event) => {
    const { x } = pointer(event);
    overlay.style.cursor = placed.some((p) => Math.abs(p.x - x) <= 16) ? "ns-resize" : "";
  });

  const redraw = () => {
    layout();
    renderLabels();
    draw();
  };
  let lastWidth = -1;
  if (typeof ResizeObserver !== "undefined")
    new ResizeObserver(() => {
      if (box.isConnected && Math.floor(box.clientWidth) !== lastWidth) {
        lastWidth = Math.floor(box.clientWidth);
        redraw();
      }
    }).observe(box);
  // Drawn once the box is in the page and has its width.
  requestAnimationFrame(() => {
    lastWidth = Math.floor(box.clientWidth);
    redraw();
    if (brushes.size > 0) options.onBrush(passes());
  });
  return box;
}
