// The content script's pure ordering (src/content/reorder.js): which card goes in which place when
// a page is sorted by score within its sections.
import { test } from "node:test";
import assert from "node:assert/strict";
import "../src/content/reorder.js";

const { sortedOrder, isSorted } = globalThis.papersieve.reorder;
const card = (section, score) => ({ section, score });
const apply = (items, order) => order.map((index) => items[index]);

test("one section: highest score first", () => {
  const items = [card("a", 0.1), card("a", 0.9), card("a", 0.5)];
  assert.deepEqual(sortedOrder(items), [1, 2, 0]);
  assert.deepEqual(
    apply(items, sortedOrder(items)).map((item) => item.score),
    [0.9, 0.5, 0.1],
  );
});

test("sections keep their places and their cards; each is sorted on its own", () => {
  const items = [
    card("new", 0.2),
    card("new", 0.7),
    card("cross", 0.9),
    card("cross", 0.1),
    card("cross", 0.4),
    card("replaced", 0.3),
    card("replaced", 0.8),
  ];
  const order = sortedOrder(items);
  assert.deepEqual(order, [1, 0, 2, 4, 3, 6, 5]);
  const placed = apply(items, order);
  placed.forEach((item, place) => assert.equal(item.section, items[place].section));
  assert.deepEqual(new Set(order).size, items.length); // a permutation: no card lost or doubled
});

test("sections interleaved in page order (e.g. one per day) still keep their own places", () => {
  const a = {};
  const b = {};
  const items = [card(a, 0.1), card(b, 0.2), card(a, 0.9), card(b, 0.8)];
  assert.deepEqual(sortedOrder(items), [2, 3, 0, 1]);
});

test("cards without a numeric score go last; ties keep the page's order", () => {
  const items = [card("s", null), card("s", 0.5), card("s", undefined), card("s", 0.5), card("s", Number.NaN), card("s", 0.7)];
  assert.deepEqual(sortedOrder(items), [5, 1, 3, 0, 2, 4]);
  assert.equal(isSorted(apply(items, sortedOrder(items))), true);
});

test("already sorted pages and empty pages are left as they are", () => {
  assert.deepEqual(sortedOrder([]), []);
  const items = [card("s", 0.9), card("s", 0.5), card("t", 0.8), card("t", 0.2)];
  assert.deepEqual(sortedOrder(items), [0, 1, 2, 3]);
  assert.equal(isSorted(items), true);
  assert.equal(isSorted([card("s", 0.1), card("s", 0.2)]), false);
  assert.equal(isSorted([card("s", 0.1), card("t", 0.2)]), true); // different sections
});
