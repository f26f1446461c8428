// Unit tests of the worker's pure parts (node --test): request coalescing, settings, paper checks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createScoreCoalescer } from "../src/background/score-coalescer.js";

const paper = (id) => ({ id, title: `title ${id}`, abstract: "", url: "" });

function recordingFetch() {
  const calls = [];
  const fetchScores = async (context, papers) => {
    calls.push(papers.map((p) => p.id));
    await new Promise((resolve) => setTimeout(resolve, 5));
    return {
      meta: { ready: true, labels: { up: 1, down: 1 }, needed: 0 },
      scores: papers.map((p) => ({ id: p.id, score: 0.5, reasons: [], reasonsAgainst: [], rating: null })),
    };
  };
  return { calls, fetchScores };
}

test("requests from several tabs within the window go out as one request, each paper once", async () => {
  const { calls, fetchScores } = recordingFetch();
  const coalescer = createScoreCoalescer({ windowMs: 10, maxBatch: 500, fetchScores });
  const [tabA, tabB] = await Promise.all([
    coalescer.request("ctx", {}, [paper("1"), paper("2")]),
    coalescer.request("ctx", {}, [paper("2"), paper("3")]),
  ]);
  assert.deepEqual(calls, [["1", "2", "3"]]);
  assert.deepEqual(tabA.map((r) => r.entry.id), ["1", "2"]);
  assert.deepEqual(tabB.map((r) => r.entry.id), ["2", "3"]);
});

test("a paper already on its way joins that request instead of a new one", async () => {
  const { calls, fetchScores } = recordingFetch();
  const coalescer = createScoreCoalescer({ windowMs: 1, maxBatch: 500, fetchScores });
  const first = coalescer.request("ctx", {}, [paper("1")]);
  await new Promise((resolve) => setTimeout(resolve, 3)); // sent, not answered yet
  const second = coalescer.request("ctx", {}, [paper("1")]);
  await Promise.all([first, second]);
  assert.deepEqual(calls, [["1"]]);
});

test("batches are cut at the server's limit and contexts never mix", async () => {
  const { calls, fetchScores } = recordingFetch();
  const coalescer = createScoreCoalescer({ windowMs: 5, maxBatch: 2, fetchScores });
  await Promise.all([
    coalescer.request("profile-a", {}, [paper("1"), paper("2"), paper("3")]),
    coalescer.request("profile-b", {}, [paper("1")]),
  ]);
  assert.deepEqual(calls.map((ids) => ids.length).sort(), [1, 1, 2]);
});

test("an urgent request does not wait for the window", async () => {
  const { calls, fetchScores } = recordingFetch();
  const coalescer = createScoreCoalescer({ windowMs: 10000, maxBatch: 500, fetchScores });
  await coalescer.request("ctx", {}, [paper("1")], true);
  assert.deepEqual(calls, [["1"]]);
});

test("a failed request rejects its callers and a retry asks again", async () => {
  let fail = true;
  const fetchScores = async (context, papers) => {
    if (fail) throw new Error("server away");
    return { meta: {}, scores: papers.map((p) => ({ id: p.id })) };
  };
  const coalescer = createScoreCoalescer({ windowMs: 1, maxBatch: 500, fetchScores });
  await assert.rejects(coalescer.request("ctx", {}, [paper("1")]), /server away/);
  fail = false;
  const [result] = await coalescer.request("ctx", {}, [paper("1")]);
  assert.equal(result.entry.id, "1");
});
