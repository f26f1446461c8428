// Ratings are written to a durable outbox (storage.local) before they are sent, and removed only
// once the server has them, so a stopped worker or an absent server loses nothing. One entry per
// (profile, paper): a later click replaces an earlier one; rating 0 means "undo".

import { loadOutbox, saveOutbox, bumpRatingsVersion } from "./storage.js";
import { callServer, ServerError } from "./server-client.js";

export const entryKey = (profile, id) => `${profile}\u0000${id}`;

export async function queueRating(profile, paper, rating) {
  const outbox = await loadOutbox();
  const seq = Date.now() * 1000 + Math.floor(Math.random() * 1000);
  outbox[entryKey(profile, paper.id)] = { seq, profile, paper, rating };
  await saveOutbox(outbox);
  return seq;
}

/** How many ratings are waiting for the server. */
export async function outboxSize() {
  return Object.keys(await loadOutbox()).length;
}

async function deliver(settings, entry) {
  const { profile, paper, rating } = entry;
  if (rating === 0) {
    try {
      return await callServer(
        settings,
        "DELETE",
        `/feedback/${encodeURIComponent(profile)}/${encodeURIComponent(paper.id)}`,
      );
    } catch (error) {
      if (error instanceof ServerError && error.status === 404) return { labels: null };
      throw error;
    }
  }
  return callServer(settings, "POST", "/feedback", { profile, paper, rating });
}

const isPermanent = (error) => error instanceof ServerError && error.kind === "rejected";

/**
 * Send every queued rating. Resolves to {sent, replies} (replies: outbox key → the server's reply);
 * throws the first connection error, leaving unsent entries queued. Entries the server rejects
 * as invalid (4xx) are dropped so they cannot block the queue forever.
 */
export async function flushOutbox(settings) {
  const entries = Object.entries(await loadOutbox()).sort((a, b) => a[1].seq - b[1].seq);
  let sent = 0;
  const replies = {};
  for (const [key, entry] of entries) {
    try {
      replies[key] = await deliver(settings, entry);
    } catch (error) {
      if (!isPermanent(error)) throw error;
      replies[key] = { error: error.toReply() };
    }
    const outbox = await loadOutbox();
    if (outbox[key] && outbox[key].seq === entry.seq) {
      delete outbox[key];
      await saveOutbox(outbox);
    }
    sent += 1;
  }
  if (sent > 0) await bumpRatingsVersion();
  return { sent, replies };
}
