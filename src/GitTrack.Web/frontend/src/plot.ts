// Small canvas helpers shared by the scatter, bar and parallel-coordinates plots: a HiDPI canvas that follows its
// box's width, "nice" axis ticks, a colour scale, and a tooltip whose text is set as text (never HTML).
import { h, formatNumber } from "./dom";

export interface Canvas {
  box: HTMLElement;
  canvas: HTMLCanvasElement;
  ctx: CanvasRenderingContext2D;
  width: number; // CSS pixels
  height: number;
}

/**
 * A canvas filling `box`'s width (at the device's pixel ratio) that calls `draw` now and whenever the box is resized.
 * Returns a function that draws again.
 */
export function responsiveCanvas(box: HTMLElement, height: number, draw: (c: Canvas) => void): () => void {
  const canvas = h("canvas", {}) as HTMLCanvasElement;
  canvas.style.display = "block";
  box.appendChild(canvas);
  const ctx = canvas.getContext("2d")!;
  let lastWidth = -1;
  const redraw = () => {
    const width = Math.max(200, Math.floor(box.clientWidth || 600));
    lastWidth = width;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    draw({ box, canvas, ctx, width, height });
  };
  if (typeof ResizeObserver !== "undefined") {
    new ResizeObserver(() => {
      if (Math.floor(box.clientWidth) !== lastWidth && box.isConnected) redraw();
    }).observe(box);
  }
  redraw();
  return redraw;
}

/** About `count` round tick values covering [min, max]. */
export function ticks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const span = max - min;
  const raw = span / Math.max(1, count);
  const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return out;
}

/** Powers of ten within [min, max] (both > 0), for a log axis. */
export function logTicks(min: number, max: number): number[] {
  const out: number[] = [];
  for (let e = Math.ceil(Math.log10(min) - 1e-9); e <= Math.floor(Math.log10(max) + 1e-9); e++) out.push(Math.pow(10, e));
  return out.length > 0 ? out : [min, max];
}

/** A linear or logarithmic map from [min, max] to [a, b]. */
export interface Scale {
  min: number;
  max: number;
  log: boolean;
  to(value: number): number;
  ticks(): number[];
}

/** A scale over `values` onto [a, b]; `pad` widens the range by that fraction at each end (so marks stay off the axes). */
export function scale(values: number[], a: number, b: number, allowLog = true, pad = 0): Scale {
  const finite = values.filter((v) => Number.isFinite(v));
  let min = finite.length ? Math.min(...finite) : 0;
  let max = finite.length ? Math.max(...finite) : 1;
  // A log scale when every value is positive and they span more than two decades (learning rates, weight decay).
  const log = allowLog && finite.length > 1 && min > 0 && max / min > 100;
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad;
    max += pad;
  }
  if (log) {
    const span = Math.log10(max) - Math.log10(min);
    const lmin = Math.log10(min) - span * pad, lmax = Math.log10(max) + span * pad;
    min = Math.pow(10, lmin);
    max = Math.pow(10, lmax);
    return { min, max, log, to: (v) => a + ((Math.log10(v) - lmin) / (lmax - lmin)) * (b - a), ticks: () => logTicks(min, max) };
  }
  const span = max - min;
  min -= span * pad;
  max += span * pad;
  return { min, max, log, to: (v) => a + ((v - min) / (max - min)) * (b - a), ticks: () => ticks(min, max) };
}

/** Viridis, sampled: low values dark blue, high values yellow. */
const VIRIDIS = ["#440154", "#482475", "#414487", "#355f8d", "#2a788e", "#21918c", "#22a884", "#44bf70", "#7ad151", "#bddf26", "#fde725"];

export function colorAt(t: number): string {
  if (!Number.isFinite(t)) return "#999999";
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const mix = (p: string, q: string) => {
    const pa = parseInt(p.slice(1), 16), qa = parseInt(q.slice(1), 16);
    const ch = (shift: number) => Math.round(((pa >> shift) & 255) * (1 - f) + ((qa >> shift) & 255) * f);
    return `rgb(${ch(16)},${ch(8)},${ch(0)})`;
  };
  return mix(VIRIDIS[i] ?? "#440154", VIRIDIS[i + 1] ?? "#fde725");
}

/** A colour legend: a gradient strip with the low and high values (as text). */
export function colorLegend(label: string, min: number, max: number): HTMLElement {
  const strip = h("span", { class: "color-strip" });
  strip.style.background = `linear-gradient(to right, ${VIRIDIS.join(",")})`;
  return h("span", { class: "color-legend" }, `${label}: `, formatNumber(min), " ", strip, " ", formatNumber(max));
}

/** A tooltip inside `box` (which must be position: relative); show() takes plain text. */
export function tooltip(box: HTMLElement): { show(text: string, x: number, y: number): void; hide(): void } {
  const tip = h("div", { class: "plot-tip" });
  tip.style.display = "none";
  box.appendChild(tip);
  return {
    show(text, x, y) {
      tip.textContent = text;
      tip.style.display = "block";
      tip.style.left = `${Math.min(x + 12, Math.max(0, box.clientWidth - tip.offsetWidth - 4))}px`;
      tip.style.top = `${Math.max(0, y - 28)}px`;
    },
    hide() {
      tip.style.display = "none";
    },
  };
}

/** Draws a vertical axis line with tick labels at x, for values mapped by `s`. */
export function drawYAxis(ctx: CanvasRenderingContext2D, s: Scale, x: number, top: number, bottom: number, align: "left" | "right" = "right") {
  ctx.strokeStyle = "#bbb";
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(x + 0.5, top);
  ctx.lineTo(x + 0.5, bottom);
  ctx.stroke();
  ctx.fillStyle = "#555";
  ctx.font = "11px system-ui, sans-serif";
  ctx.textAlign = align;
  ctx.textBaseline = "middle";
  for (const t of s.ticks()) {
    const y = s.to(t);
    if (y < top - 1 || y > bottom + 1) continue;
    ctx.fillText(formatNumber(t), align === "right" ? x - 5 : x + 5, y);
    ctx.beginPath();
    ctx.moveTo(x - 3, Math.round(y) + 0.5);
    ctx.lineTo(x + 3, Math.round(y) + 0.5);
    ctx.stroke();
  }
}
