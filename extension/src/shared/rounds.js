// Rounds of one kind of request or message on an extension page, so that a late reply never
// overwrites what a newer one (or the reader's newer choice) put there. Pure; node's tests import it.

/**
 * A counter of rounds: `next()` starts a round and returns its number, `current(round)` says
 * whether that round is still the newest (no `next()` since).
 */
export function rounds() {
  let newest = 0;
  return {
    next: () => ++newest,
    current: (round) => newest > 0 && round === newest,
  };
}
