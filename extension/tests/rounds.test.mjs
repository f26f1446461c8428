// shared/rounds.js: the counter that lets extension pages drop replies older than the newest request.
import { test } from "node:test";
import assert from "node:assert/strict";

import { rounds } from "../src/shared/rounds.js";

test("a round is current until the next one starts", () => {
  const counter = rounds();
  const first = counter.next();
  assert.equal(counter.current(first), true);
  const second = counter.next();
  assert.equal(counter.current(first), false);
  assert.equal(counter.current(second), true);
});

test("a late reply of an older round never counts again, however many rounds pass", () => {
  const counter = rounds();
  const old = counter.next();
  for (let i = 0; i < 5; i += 1) counter.next();
  const newest = counter.next();
  assert.equal(counter.current(old), false);
  assert.equal(counter.current(newest), true);
  assert.notEqual(old, newest);
});

test("separate counters do not see each other's rounds", () => {
  const days = rounds();
  const curve = rounds();
  const dayRound = days.next();
  curve.next();
  curve.next();
  assert.equal(days.current(dayRound), true);
  assert.equal(curve.current(dayRound), false);
});

test("no round is current before the first starts", () => {
  const counter = rounds();
  assert.equal(counter.current(0), false);
  assert.equal(counter.current(undefined), false);
});
