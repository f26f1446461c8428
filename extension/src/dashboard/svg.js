// Draws a lineChart() (plot.js) as inline SVG with createElementNS: axes, ticks, one path and
// one circle per point for each series (each point titled with its value), an optional dashed
// reference line. No markup strings: every label is set as text.

const NS = "http://www.w3.org/2000/svg";

function el(name, attributes = {}, text = "") {
  const node = document.createElementNS(NS, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text) node.textContent = text;
  return node;
}

/**
 * An <svg> for `chart` (from lineChart), titled `title`; `reference` = {y, label} adds a dashed
 * horizontal line (e.g. the cross-validated quality).
 */
export function chartSvg(chart, { title, reference = null, xLabel = "", yLabel = "" }) {
  const { width, height, plot } = chart;
  const svg = el("svg", {
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: "img",
    "aria-label": title,
    class: "chart",
  });
  svg.append(el("title", {}, title));
  const axes = el("g", { class: "axes" });
  axes.append(el("line", { x1: plot.left, y1: plot.bottom, x2: plot.right, y2: plot.bottom }));
  axes.append(el("line", { x1: plot.left, y1: plot.top, x2: plot.left, y2: plot.bottom }));
  for (const tick of chart.xTicks) {
    axes.append(el("line", { x1: tick.pos, y1: plot.bottom, x2: tick.pos, y2: plot.bottom + 4 }));
    axes.append(el("text", { x: tick.pos, y: plot.bottom + 16, "text-anchor": "middle" }, tick.label));
  }
  for (const tick of chart.yTicks) {
    axes.append(el("line", { class: "grid", x1: plot.left, y1: tick.pos, x2: plot.right, y2: tick.pos }));
    axes.append(el("text", { x: plot.left - 6, y: tick.pos + 4, "text-anchor": "end" }, tick.label));
  }
  if (xLabel) {
    axes.append(el("text", { x: (plot.left + plot.right) / 2, y: height - 4, "text-anchor": "middle" }, xLabel));
  }
  if (yLabel) {
    const y = (plot.top + plot.bottom) / 2;
    axes.append(el("text", { x: 12, y, "text-anchor": "middle", transform: `rotate(-90 12 ${y})` }, yLabel));
  }
  svg.append(axes);
  if (reference) {
    const y = chart.yAt(reference.y);
    const line = el("line", { class: "reference", x1: plot.left, y1: y, x2: plot.right, y2: y });
    line.append(el("title", {}, reference.label));
    svg.append(line, el("text", { class: "reference-label", x: plot.right, y: y - 4, "text-anchor": "end" }, reference.label));
  }
  for (const series of chart.series) {
    const group = el("g", { class: `series series-${series.name}`, "data-series": series.name });
    group.append(el("path", { d: series.d, fill: "none" }));
    for (const point of series.points) {
      const dot = el("circle", { cx: point.cx, cy: point.cy, r: 3, class: "point", "data-x": point.x, "data-y": point.y });
      dot.append(el("title", {}, point.label));
      group.append(dot);
    }
    svg.append(group);
  }
  return svg;
}
