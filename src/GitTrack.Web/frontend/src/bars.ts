// A metric logged once per run (a final accuracy, a test score) drawn as one bar per run, rather than as a lone dot
// at step 0. Hover names the run; a click opens it.
import { h, formatNumber } from "./dom";
import { responsiveCanvas, scale, drawYAxis, tooltip } from "./plot";

export interface Bar {
  id?: string;
  label: string;
  value: number;
  color: string;
}

const MARGIN = { left: 58, right: 12, top: 12, bottom: 30 };

export function barChart(title: string, bars: Bar[], height = 240): HTMLElement {
  const box = h("div", { class: "chart bars", "data-metric": title });
  box.appendChild(h("div", { class: "chart-title" }, title, h("span", { class: "muted" }, `  one value per run`)));
  const area = h("div", { class: "plot-area" });
  box.appendChild(area);
  const tip = tooltip(area);
  const holder = h("div", {});
  area.appendChild(holder);
  let slots: { left: number; right: number; bar: Bar }[] = [];
  const finite = bars.filter((b) => Number.isFinite(b.value));

  responsiveCanvas(holder, height, ({ ctx, width, height: hgt }) => {
    const values = finite.map((b) => b.value);
    // Bars grow from zero when zero is near the data, else from the axis' bottom (a loss of 0.91..0.93 stays readable).
    const low = Math.min(...values), high = Math.max(...values);
    const fromZero = low >= 0 ? low <= high * 0.5 || low === high : high <= 0 || high >= low * 0.5;
    // Away from zero the axis starts a little below the lowest value, so the lowest bar still shows.
    const sy = scale(fromZero ? [...values, 0] : [...values, low - (high - low) * 0.15], hgt - MARGIN.bottom, MARGIN.top + 4, false);
    drawYAxis(ctx, sy, MARGIN.left, MARGIN.top, hgt - MARGIN.bottom);
    const base = fromZero ? sy.to(0) : hgt - MARGIN.bottom;
    const slot = (width - MARGIN.left - MARGIN.right) / Math.max(1, bars.length);
    const barWidth = Math.max(1, Math.min(48, slot * 0.7));
    slots = [];
    bars.forEach((bar, i) => {
      const center = MARGIN.left + slot * (i + 0.5);
      slots.push({ left: MARGIN.left + slot * i, right: MARGIN.left + slot * (i + 1), bar });
      if (!Number.isFinite(bar.value)) return;
      const y = sy.to(bar.value);
      ctx.fillStyle = bar.color;
      ctx.fillRect(center - barWidth / 2, Math.min(y, base), barWidth, Math.max(1, Math.abs(base - y)));
      // Names under the bars when there is room for them.
      if (slot >= 36) {
        ctx.fillStyle = "#555";
        ctx.font = "11px system-ui, sans-serif";
        ctx.textAlign = "center";
        ctx.textBaseline = "top";
        let text = bar.label;
        while (text.length > 1 && ctx.measureText(text).width > slot - 4) text = text.slice(0, -2) + "…";
        ctx.fillText(text, center, hgt - MARGIN.bottom + 6);
      }
    });
    box.dataset.bars = String(finite.length);
  });

  const at = (event: MouseEvent) => {
    const rect = holder.getBoundingClientRect();
    const x = event.clientX - rect.left;
    return { hit: slots.find((s) => x >= s.left && x < s.right) ?? null, x, y: event.clientY - rect.top };
  };
  holder.addEventListener("mousemove", (event) => {
    const { hit, x, y } = at(event);
    if (!hit) return tip.hide();
    tip.show(`${hit.bar.label}: ${formatNumber(hit.bar.value)}`, x, y);
  });
  holder.addEventListener("mouseleave", () => tip.hide());
  holder.addEventListener("click", (event) => {
    const { hit } = at(event);
    if (hit?.bar.id) location.hash = `#/run/${hit.bar.id}`;
  });
  return box;
}
