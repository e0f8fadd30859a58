// Reconnection delays: 1 s, 2 s, 4 s, ... doubling up to 60 s. Pure, so that it can be unit tested.

export const BASE_DELAY_MS = 1_000;
export const MAX_DELAY_MS = 60_000;

/**
 * The delay before reconnection attempt number `attempt` (0 for the first retry after a drop): 1000 * 2^attempt ms,
 * at most 60000. The client resets `attempt` to 0 once a connection got its hello_ack.
 */
export function nextDelay(attempt) {
  if (!Number.isInteger(attempt) || attempt < 0) {
    throw new RangeError(`attempt must be a non-negative integer, got ${attempt}`);
  }
  // 2^6 * 1 s = 64 s is already over the cap: no need to compute larger powers (which would overflow to Infinity)
  return attempt >= 6 ? MAX_DELAY_MS : Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
}
