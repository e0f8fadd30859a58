import { test } from "node:test";
import assert from "node:assert/strict";
import { nextDelay, BASE_DELAY_MS, MAX_DELAY_MS } from "./backoff.mjs";

test("starts at 1 s and doubles", () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5].map(nextDelay), [1000, 2000, 4000, 8000, 16000, 32000]);
  assert.equal(BASE_DELAY_MS, 1000);
});

test("is capped at 60 s", () => {
  assert.equal(MAX_DELAY_MS, 60000);
  for (const attempt of [6, 7, 10, 100, 10_000]) {
    assert.equal(nextDelay(attempt), 60000, `attempt ${attempt}`);
  }
});

test("never decreases and never exceeds the cap", () => {
  let previous = 0;
  for (let attempt = 0; attempt < 50; attempt++) {
    const delay = nextDelay(attempt);
    assert.ok(delay >= previous && delay <= MAX_DELAY_MS, `attempt ${attempt}: ${delay}`);
    previous = delay;
  }
});

test("refuses a negative or fractional attempt", () => {
  assert.throws(() => nextDelay(-1), RangeError);
  assert.throws(() => nextDelay(1.5), RangeError);
});
