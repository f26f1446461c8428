// The dashboard's plots as numbers: scales, ticks, and each series' points and SVG path in pixel
// coordinates. Pure functions (no DOM): svg.js draws what they return; node's tests import them.

export const CHART = Object.freeze({ width: 460, height: 220, margin: { top: 14, right: 16, bottom: 34, left: 48 } });

/** A linear map from [d0, d1] to [r0, r1]; a zero-width domain maps to the middle of the range. */
export function linearScale([d0, d1], [r0, r1]) {
  if (d1 === d0) return () => (r0 + r1) / 2;
  return (value) => r0 + ((value - d0) / (d1 - d0)) * (r1 - r0);
}

/** About `count` round tick values covering [min, max] (steps of 1, 2 or 5 times a power of ten). */
export function niceTicks(min, max, count = 5) {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max === min) return [min];
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) || 10 * power;
  const ticks = [];
  for (let value = Math.ceil(min / step) * step; value <= max + step * 1e-9; value += step) {
    ticks.push(Number(value.toFixed(10)));
  }
  return ticks;
}

/**
 * A line chart's geometry: `series` is [{name, points: [{x, y, label?}]}] (x and y numbers);
 * `yDomain` fixes the y range (else 0 to the largest y); `xFormat`/`yFormat` label the ticks.
 * Returns {width, height, plot, series: [{name, d, points: [{cx, cy, x, y, label}]}], xTicks, yTicks}.
 */
export function lineChart(series, { yDomain = null, xFormat = String, yFormat = String, chart = CHART } = {}) {
  const { width, height, margin } = chart;
  const plot = { left: margin.left, top: margin.top, right: width - margin.right, bottom: height - margin.bottom };
  const all = series.flatMap((s) => s.points);
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y);
  const xMin = xs.length ? Math.min(...xs) : 0;
  const xMax = xs.length ? Math.max(...xs) : 1;
  const [yMin, yMax] = yDomain || [0, Math.max(1, ...ys)];
  const x = linearScale([xMin, xMax], [plot.left, plot.right]);
  const y = linearScale([yMin, yMax], [plot.bottom, plot.top]);
  const shaped = series.map((s) => {
    const points = s.points.map((p) => ({
      cx: round(x(p.x)),
      cy: round(y(p.y)),
      x: p.x,
      y: p.y,
      label: p.label ?? `${xFormat(p.x)}: ${yFormat(p.y)}`,
    }));
    const d = points.map((p, i) => `${i === 0 ? "M" : "L"}${p.cx},${p.cy}`).join(" ");
    return { name: s.name, d, points };
  });
  const xTicks = xs.length ? niceTicks(xMin, xMax, 5).filter((t) => Number.isInteger(t) || xMax - xMin < 5) : [];
  return {
    width,
    height,
    plot,
    series: shaped,
    xTicks: xTicks.map((t) => ({ pos: round(x(t)), label: xFormat(t) })),
    yTicks: niceTicks(yMin, yMax, 4).map((t) => ({ pos: round(y(t)), label: yFormat(t) })),
    yAt: (value) => round(y(value)),
  };
}

const round = (value) => Math.round(value * 10) / 10;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Days since the first day of the history, for an x axis that spaces days as time passes. */
export function dayNumber(day, firstDay) {
  return Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${firstDay}T00:00:00Z`)) / DAY_MS);
}

/** Running 👍 and 👎 totals by day (the worker's history days) as two series. */
export function labelSeries(days) {
  if (!days.length) return [];
  const first = days[0].day;
  const points = (key, sign) =>
    days.map((d) => ({ x: dayNumber(d.day, first), y: d[key], label: `${d.day}: ${d[key]} ${sign}` }));
  return [
    { name: "up", points: points("totalUp", "👍") },
    { name: "down", points: points("totalDown", "👎") },
  ];
}

/** The learning curve (held-out ROC AUC by number of ratings fitted) as one series. */
export function curveSeries(curve) {
  if (!curve.length) return [];
  return [
    {
      name: "auc",
      points: curve.map((p) => ({ x: p.labels, y: p.auc, label: `${p.labels} ratings: AUC ${p.auc.toFixed(2)}` })),
    },
  ];
}

/** The learning curve's y range: 0.4 to 1, lowered in steps of 0.1 to show any lower AUC. */
export function aucDomain(curve, quality = null) {
  const values = [...curve.map((p) => p.auc), ...(quality ? [quality.mean] : [])];
  const low = Math.min(0.4, ...values);
  return [Math.max(0, Math.floor(low * 10 + 1e-9) / 10), 1];
}

/** The x tick label of a label-history chart: the date `offset` days after `firstDay` (MM-DD). */
export function dayLabel(firstDay, offset) {
  const date = new Date(Date.parse(`${firstDay}T00:00:00Z`) + offset * DAY_MS);
  return date.toISOString().slice(5, 10);
}
