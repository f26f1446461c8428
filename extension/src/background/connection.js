// How a failed server call reaches the caller: recorded for the popup, then turned into a reply.

import { ServerError } from "./server-client.js";
import { saveConnection } from "./storage.js";

/** Record a connection failure for the popup and turn it into a reply for the caller. */
export async function failure(error) {
  if (!(error instanceof ServerError)) throw error;
  await saveConnection(error.kind, error.message);
  return { ok: false, error: error.toReply() };
}
