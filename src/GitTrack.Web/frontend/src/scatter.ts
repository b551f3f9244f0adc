// A scatter of a param against a metric: one mark per run, repeated x values included (a grid sweep repeats every
// value), hover names the run, a click opens it. Drawn on a canvas; the marks' positions are kept on the element
// (data-marks) for hit-testing and the browser tests.
import { h, formatNumber } from "./dom";
import { responsiveCanvas, scale, drawYAxis, tooltip, colorAt } from "./plot";

export interface ScatterPoint {
  id: string;
  label: string;
  x: number;
  y: number;
  /** 0..1 for the colour scale; null for the default colour. */
  color?: number | null;
}

const MARGIN = { left: 58, right: 14, top: 12, bottom: 38 };
const RADIUS = 4.5;

/** The k-th sideways offset for marks on one spot: 0, +6, -6, +12, -12 ... pixels. */
function dodge(k: number): number {
  return k <= 0 ? 0 : (k % 2 === 1 ? 1 : -1) * Math.ceil(k / 2) * (RADIUS + 1.5);
}

export function scatterPlot(xLabel: string, yLabel: string, points: ScatterPoint[], height = 260): HTMLElement {
  const box = h("div", { class: "chart scatter", "data-x": xLabel, "data-y": yLabel });
  box.appendChild(h("div", { class: "chart-title" }, `${yLabel} against ${xLabel}`, h("span", { class: "muted" }, `  ${points.length} runs`)));
  const area = h("div", { class: "plot-area" });
  box.appendChild(area);
  const tip = tooltip(area);
  let marks: { x: number; y: number; point: ScatterPoint }[] = [];
  const canvasHolder = h("div", {});
  area.appendChild(canvasHolder);

  responsiveCanvas(canvasHolder, height, ({ ctx, width, height: hgt }) => {
    const sx = scale(points.map((p) => p.x), MARGIN.left, width - MARGIN.right, true, 0.06);
    const sy = scale(points.map((p) => p.y), hgt - MARGIN.bottom, MARGIN.top, false, 0.08);
    drawYAxis(ctx, sy, MARGIN.left, MARGIN.top, hgt - MARGIN.bottom);
    // The x axis, its ticks below it.
    ctx.strokeStyle = "#bbb";
    ctx.beginPath();
    ctx.moveTo(MARGIN.left, hgt - MARGIN.bottom + 0.5);
    ctx.lineTo(width - MARGIN.right, hgt - MARGIN.bottom + 0.5);
    ctx.stroke();
    ctx.fillStyle = "#555";
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (const t of sx.ticks()) {
      const x = sx.to(t);
      if (x < MARGIN.left - 1 || x > width - MARGIN.right + 1) continue;
      ctx.fillText(formatNumber(t), x, hgt - MARGIN.bottom + 5);
    }
    ctx.fillText(xLabel + (sx.log ? " (log)" : ""), (MARGIN.left + width - MARGIN.right) / 2, hgt - 15);
    // Every run is a mark of its own. Runs with the same value (a grid repeats each value) that would land on the same
    // spot are moved a few pixels aside in turn, so each shows; hover still names every run near the spot.
    marks = [];
    const spots: { x: number; y: number }[] = [];
    for (const point of points) {
      const x = sx.to(point.x), y = sy.to(point.y);
      const k = spots.filter((p) => Math.abs(p.x - x) < RADIUS && Math.abs(p.y - y) < RADIUS).length;
      spots.push({ x, y });
      marks.push({ x: x + dodge(k), y, point });
    }
    for (const mark of marks) {
      ctx.beginPath();
      ctx.arc(mark.x, mark.y, RADIUS, 0, Math.PI * 2);
      ctx.fillStyle = mark.point.color === undefined || mark.point.color === null ? "rgba(31,119,180,0.75)" : colorAt(mark.point.color);
      ctx.globalAlpha = 0.85;
      ctx.fill();
      ctx.globalAlpha = 1;
      ctx.strokeStyle = "#fff";
      ctx.lineWidth = 1;
      ctx.stroke();
    }
    box.dataset.marks = JSON.stringify(marks.map((m) => ({ x: Math.round(m.x * 10) / 10, y: Math.round(m.y * 10) / 10, label: m.point.label })));
    box.dataset.count = String(marks.length);
  });

  const nearest = (event: MouseEvent) => {
    const rect = canvasHolder.getBoundingClientRect();
    const x = event.clientX - rect.left, y = event.clientY - rect.top;
    let best: (typeof marks)[0] | null = null;
    let bestDistance = 10 * 10;
    for (const mark of marks) {
      const d = (mark.x - x) ** 2 + (mark.y - y) ** 2;
      if (d <= bestDistance) {
        best = mark;
        bestDistance = d;
      }
    }
    return { best, x, y };
  };
  canvasHolder.addEventListener("mousemove", (event) => {
    const { best, x, y } = nearest(event);
    if (!best) {
      tip.hide();
      canvasHolder.style.cursor = "";
      return;
    }
    // Every run at that spot is named, so repeated points are never hidden behind each other.
    const here = marks.filter((m) => Math.abs(m.x - best!.x) < 1 && Math.abs(m.y - best!.y) < 1);
    tip.show(here.map((m) => `${m.point.label}: ${xLabel}=${formatNumber(m.point.x)}, ${yLabel}=${formatNumber(m.point.y)}`).join("\n"), x, y);
    canvasHolder.style.cursor = "pointer";
  });
  canvasHolder.addEventListener("mouseleave", () => tip.hide());
  canvasHolder.addEventListener("click", (event) => {
    const { best } = nearest(event);
    if (best) location.hash = `#/run/${best.point.id}`;
  });
  return box;
}
