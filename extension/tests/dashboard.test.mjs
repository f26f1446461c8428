// The dashboard's pure parts: plot geometry (plot.js) and its words and paging (view.js).
import { test } from "node:test";
import assert from "node:assert/strict";

import { CHART, aucDomain, curveSeries, dayLabel, dayNumber, labelSeries, lineChart, linearScale, niceTicks } from "../src/dashboard/plot.js";
import * as view from "../src/dashboard/view.js";

const DAYS = [
  { day: "2026-11-01", up: 3, down: 1, totalUp: 3, totalDown: 1 },
  { day: "2026-11-04", up: 2, down: 4, totalUp: 5, totalDown: 5 },
  { day: "2026-11-05", up: 0, down: 2, totalUp: 5, totalDown: 7 },
];

test("linearScale maps ends to ends and a flat domain to the middle", () => {
  const scale = linearScale([0, 10], [100, 200]);
  assert.equal(scale(0), 100);
  assert.equal(scale(10), 200);
  assert.equal(scale(5), 150);
  assert.equal(linearScale([3, 3], [0, 10])(3), 5);
});

test("niceTicks are round steps inside the range", () => {
  assert.deepEqual(niceTicks(0, 10, 5), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(niceTicks(0.4, 1, 4), [0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(0, 5000, 4), [0, 2000, 4000]);
  assert.deepEqual(niceTicks(7, 7), [7]);
  assert.deepEqual(niceTicks(NaN, 1), []);
});

test("labelSeries spaces days by time and keeps running totals", () => {
  const [up, down] = labelSeries(DAYS);
  assert.deepEqual(up.points.map((p) => p.x), [0, 3, 4]);
  assert.deepEqual(up.points.map((p) => p.y), [3, 5, 5]);
  assert.deepEqual(down.points.map((p) => p.y), [1, 5, 7]);
  assert.equal(up.points[1].label, "2026-11-04: 5 👍");
  assert.deepEqual(labelSeries([]), []);
  assert.equal(dayNumber("2026-12-01", "2026-11-30"), 1);
  assert.equal(dayLabel("2026-11-30", 2), "12-02");
});

test("lineChart puts every point inside the plot area, higher values higher up", () => {
  const chart = lineChart(labelSeries(DAYS));
  const { plot } = chart;
  for (const series of chart.series) {
    assert.equal(series.points.length, 3);
    assert.match(series.d, /^M[\d.]+,[\d.]+ L[\d.]+,[\d.]+ L[\d.]+,[\d.]+$/);
    for (const p of series.points) {
      assert.ok(p.cx >= plot.left && p.cx <= plot.right && p.cy >= plot.top && p.cy <= plot.bottom);
    }
  }
  const down = chart.series[1].points;
  assert.ok(down[2].cy < down[0].cy); // 7 is drawn above 1
  assert.equal(down[0].cx, plot.left);
  assert.equal(down[2].cx, plot.right);
  assert.equal(chart.width, CHART.width);
  assert.ok(chart.yTicks.length >= 2 && chart.xTicks.length >= 2);
});

test("a one-point chart and a fixed y domain stay inside the plot", () => {
  const chart = lineChart(curveSeries([{ labels: 40, auc: 0.8 }]), { yDomain: [0.4, 1] });
  const [point] = chart.series[0].points;
  assert.equal(point.cx, (chart.plot.left + chart.plot.right) / 2);
  assert.ok(point.cy > chart.plot.top && point.cy < chart.plot.bottom);
  assert.equal(chart.yAt(1), chart.plot.top);
  assert.equal(point.label, "40 ratings: AUC 0.80");
  assert.deepEqual(lineChart([]).series, []);
});

test("the AUC axis starts at 0.4 unless a value is lower", () => {
  assert.deepEqual(aucDomain([{ labels: 10, auc: 0.7 }]), [0.4, 1]);
  assert.deepEqual(aucDomain([{ labels: 10, auc: 0.5 }], { mean: 0.35 }), [0.3, 1]);
  assert.deepEqual(aucDomain([{ labels: 10, auc: 0.3 }]), [0.3, 1]);
  assert.deepEqual(aucDomain([{ labels: 10, auc: 0 }]), [0, 1]);
});

test("pageInfo and nextOffset page through 5,000 ratings", () => {
  assert.deepEqual(view.pageInfo(5000, 0, 50), { text: "1–50 of 5,000", hasPrev: false, hasNext: true });
  assert.deepEqual(view.pageInfo(5000, 4950, 50), { text: "4,951–5,000 of 5,000", hasPrev: true, hasNext: false });
  assert.equal(view.pageInfo(0, 0, 0).text, "No ratings match.");
  assert.equal(view.pageInfo(2, 0, 2).hasNext, false);
  assert.equal(view.nextOffset(0, -1), 0);
  assert.equal(view.nextOffset(50, 1), 100);
});

test("the filter, counts, quality and export name in words", () => {
  assert.equal(view.ratingFilter("up"), 1);
  assert.equal(view.ratingFilter("down"), -1);
  assert.equal(view.ratingFilter("all"), null);
  assert.equal(view.labelsText({ up: 1, down: 0 }), "1 rating: 👍 1 · 👎 0");
  assert.equal(view.labelsText({ up: 2500, down: 2500 }), "5,000 ratings: 👍 2,500 · 👎 2,500");
  assert.equal(view.qualityText({ up: 1, down: 0 }, { ready: false }), "No model yet: it needs one 👎.");
  assert.match(view.qualityText({ up: 1, down: 1 }, { ready: true, quality: null }), /5 ratings of each kind/);
  assert.match(view.qualityText({ up: 9, down: 9 }, { ready: true, quality: { mean: 0.812, std: 0.05, folds: 5 } }), /AUC 0\.81 ± 0\.05 \(5 folds/);
  assert.equal(view.refitsOnChange({ up: 500, down: 500 }), true);
  assert.equal(view.refitsOnChange({ up: 2500, down: 2500 }), false);
  assert.equal(view.exportFileName("work", "csv"), "papersieve-work.csv");
  assert.equal(view.exportFileName("work", "anything"), "papersieve-work.json");
});

test("profile names are checked like the server does, and the delete question names the cost", () => {
  assert.deepEqual(view.checkProfileName(" reading-list "), { name: "reading-list" });
  assert.ok(view.checkProfileName("bad name").error);
  assert.ok(view.checkProfileName("-x").error);
  assert.ok(view.checkProfileName("x".repeat(65)).error);
  assert.match(view.checkProfileName("work", ["work"]).error, /already/);
  assert.match(view.deleteQuestion("work", { up: 1, down: 1 }), /“work” and its 2 ratings\?/);
});

test("paper links: the paper's own http(s) URL, else arXiv for an arXiv id, else none", () => {
  assert.equal(view.paperLink({ id: "x", url: "https://huggingface.co/papers/2401.00001" }), "https://huggingface.co/papers/2401.00001");
  assert.equal(view.paperLink({ id: "2401.00001", url: "javascript:alert(1)" }), "https://arxiv.org/abs/2401.00001");
  assert.equal(view.paperLink({ id: "hep-th/9901001", url: "" }), "https://arxiv.org/abs/hep-th/9901001");
  assert.equal(view.paperLink({ id: "doi:10.1/x", url: "" }), "");
  assert.equal(view.ratedDay("2026-11-05T10:00:00+00:00"), "2026-11-05");
  assert.equal(view.ratedDay(""), "");
});
