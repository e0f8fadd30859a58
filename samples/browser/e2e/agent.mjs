// Drives the agent page (agent.html) in headless Chromium as a user would: connects, runs a prompt, waits for the
// streamed words to render, approves the tool, waits for `done`, saves a screenshot and prints one line
// `REPORT <json>` with what the page shows. Exit 0 when all of that happened, 1 otherwise.
//
//   node e2e/agent.mjs --server http://127.0.0.1:3000 [--out DIR] [--chromium /usr/bin/chromium] [--token alice]
//
// playwright-core never downloads a browser: it runs the Chromium given by --chromium (Debian's /usr/bin/chromium).
import { chromium } from "playwright-core";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "../serve.mjs";

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, "")] = process.argv[i + 1];
if (!args.server) {
  console.error("usage: node e2e/agent.mjs --server URL [--out DIR] [--chromium PATH] [--token ID]");
  process.exit(2);
}
const out = resolve(args.out || "screenshots");
const STEP_MS = 15000;
const watchdog = setTimeout(() => {
  console.error("agent.mjs: still running after 60 s, giving up");
  process.exit(1);
}, 60000);

let browser;
let http;
try {
  http = await serve(fileURLToPath(new URL("..", import.meta.url)), 0, "127.0.0.1");
  await mkdir(out, { recursive: true });
  browser = await chromium.launch({
    executablePath: args.chromium || "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--no-first-run"],
  });
  const page = await (await browser.newContext({ viewport: { width: 820, height: 640 } })).newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(`http://127.0.0.1:${http.address().port}/agent.html`, { waitUntil: "load", timeout: STEP_MS });

  await page.fill("#server", args.server);
  await page.fill("#token", args.token || "alice");
  await page.click("#connect");
  await page.waitForFunction(() => document.getElementById("status").textContent === "connected", null,
    { timeout: STEP_MS });
  await page.click("#run");
  // the deltas render one by one; the engine asks for approval after the last
  await page.waitForSelector("#approval:not([hidden])", { timeout: STEP_MS });
  const streamed = await page.$$eval("#answer span", (spans) => spans.map((s) => s.textContent.trim()));
  console.log(`streamed: ${JSON.stringify(streamed)}`);
  await page.click("#approve");
  await page.waitForFunction(() => document.getElementById("done").textContent !== "-", null, { timeout: STEP_MS });
  const screenshot = join(out, "browser-agent.png");
  await page.screenshot({ path: screenshot, fullPage: true });
  const report = await page.evaluate(() => ({
    runId: document.getElementById("runId").textContent,
    answer: document.getElementById("answer").textContent,
    done: document.getElementById("done").textContent,
    log: [...document.querySelectorAll("#log li")].map((li) => li.textContent),
  }));
  Object.assign(report, { streamed, errors, screenshot });
  console.log("REPORT " + JSON.stringify(report));
  process.exitCode = errors.length ? 1 : 0;
} catch (e) {
  console.error("agent.mjs failed:", e && e.stack || e);
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
  if (browser) await browser.close().catch(() => {});
  if (http) http.close();
}
