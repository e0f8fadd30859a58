// The runner of the scenario scripts (client-scenarios.js, session-scenarios.js): each scenario in turn, bounded in
// time, its sockets closed after it whatever happens; a line "ok <name> (<ms> ms)" or "FAIL <name>: <why>" each, a
// summary line, and the exit code the Java ITs read. SCENARIOS=a,b runs only those.
import assert from "node:assert/strict";

/** Sockets opened by the running scenario, closed after it whatever happens: scenarios push theirs here. */
export const opened = [];

function withTimeout(promise, ms) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(timer));
}

function describe(err) {
  if (err instanceof assert.AssertionError) {
    const cap = (v) => {
      const text = JSON.stringify(v);
      return text && text.length > 600 ? text.slice(0, 600) + "..." : text;
    };
    return `${err.message.split("\n")[0]} (actual ${cap(err.actual)}, expected ${cap(err.expected)})`;
  }
  return String(err && err.stack ? err.stack : err);
}

/** Runs {name: async () => {...}} in order and exits: 0 when all passed. */
export async function runScenarios(scenarios, { mode, timeoutMs }) {
  const only = process.env.SCENARIOS ? new Set(process.env.SCENARIOS.split(",")) : null;
  let failures = 0;
  // Failures thrown asynchronously from listeners (assert.fail in an event handler) are charged to the scenario.
  let pendingAsyncError = null;
  process.on("uncaughtException", (err) => (pendingAsyncError ??= err));

  for (const [name, scenario] of Object.entries(scenarios)) {
    if (only && !only.has(name)) continue;
    pendingAsyncError = null;
    const started = Date.now();
    try {
      await withTimeout(scenario(), timeoutMs);
      if (pendingAsyncError) throw pendingAsyncError;
      console.log(`ok ${name} (${Date.now() - started} ms)`);
    } catch (err) {
      failures++;
      console.log(`FAIL ${name}: ${describe(err)}`);
    } finally {
      for (const socket of opened.splice(0)) socket.disconnect();
    }
  }
  console.log(failures === 0 ? `all scenarios passed (${mode})` : `${failures} scenario(s) failed (${mode})`);
  process.exit(failures === 0 ? 0 : 1);
}
