// The worker's bounds on the authors a page sends with its papers (the server's /score limits).
import { test } from "node:test";
import assert from "node:assert/strict";
import { cleanAuthors, cleanPaper, cleanPapers, cleanRefineAfter } from "../src/background/papers.js";

test("authors are strings, whitespace-collapsed, non-empty, each at most 200 characters", () => {
  const long = "x".repeat(250);
  assert.deepEqual(cleanAuthors([" Ada  Lovelace\n", "", "   ", 7, null, { name: "B" }, long]), [
    "Ada Lovelace",
    "x".repeat(200),
  ]);
  assert.deepEqual(cleanAuthors("Ada Lovelace"), []);
  assert.deepEqual(cleanAuthors(undefined), []);
});

test("at most 200 authors are kept, the first ones", () => {
  const names = Array.from({ length: 260 }, (_, i) => `Author ${i}`);
  const kept = cleanAuthors(names);
  assert.equal(kept.length, 200);
  assert.deepEqual(kept, names.slice(0, 200));
});

test("a paper carries authors only when it names some; its other fields are unchanged", () => {
  const base = { id: " 2501.00001 ", title: "T", abstract: "A", url: "https://arxiv.org/abs/2501.00001" };
  assert.deepEqual(cleanPaper({ ...base, authors: ["Ada Lovelace", "Alan Turing"] }), {
    id: "2501.00001",
    title: "T",
    abstract: "A",
    url: "https://arxiv.org/abs/2501.00001",
    authors: ["Ada Lovelace", "Alan Turing"],
  });
  assert.deepEqual(cleanPaper({ ...base, authors: [] }), { ...base, id: "2501.00001" });
  assert.deepEqual(cleanPaper({ ...base, authors: ["", 3] }), { ...base, id: "2501.00001" });
  assert.equal("authors" in cleanPaper(base), false);
  assert.equal(cleanPaper({ id: "  ", authors: ["Ada Lovelace"] }), null);
  const [paper] = cleanPapers([{ ...base, authors: ["Ada Lovelace"] }, { ...base, authors: ["Other"] }]);
  assert.deepEqual(paper.authors, ["Ada Lovelace"]); // first occurrence wins
});

test("the server's ask-again estimate is a non-negative number of ms, at most a minute, else null", () => {
  assert.equal(cleanRefineAfter(2100), 2100);
  assert.equal(cleanRefineAfter(0), 0);
  assert.equal(cleanRefineAfter(1e9), 60000);
  for (const bad of [-1, NaN, Infinity, "2100", null, undefined, {}, [1000]]) assert.equal(cleanRefineAfter(bad), null);
});
