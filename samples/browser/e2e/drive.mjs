// Drives a sample page in headless Chromium as a user would, and prints what each page shows.
//
//   node e2e/drive.mjs --server http://127.0.0.1:3000 [--root DIR] [--out DIR] [--name browser]
//                      [--chromium /usr/bin/chromium] [--token alice] [--other bob] [--url PAGE_URL]
//
// It serves ROOT (default: this browser sample; the compat tests pass the React app's build) with serve.mjs, then opens
// four pages, each in its own browser context (four "devices"): A and B as participant TOKEN, P as TOKEN in proxy
// mode, and X as another participant. It fills the form and clicks Connect on each, sends one event from A, waits
// until A, B and P list its echo, checks X lists nothing, saves a screenshot of each page under OUT, and prints one
// line `REPORT <json>` with what every page shows (status, session, last ack, messages). Exit 0 when all of that
// happened, 1 otherwise. Both samples (browser, React) have the same element ids, so one driver serves both.
//
// playwright-core never downloads a browser: it runs the Chromium given by --chromium (Debian's /usr/bin/chromium).
import { chromium } from "playwright-core";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "../serve.mjs";

const args = parseArgs(process.argv.slice(2));
const serverUrl = required("server");
const root = resolve(args.root || fileURLToPath(new URL("..", import.meta.url)));
const out = resolve(args.out || "screenshots");
const name = args.name || "browser";
const token = args.token || "alice";
const other = args.other || "bob";
const executablePath = args.chromium || "/usr/bin/chromium";
const STEP_MS = Number(args.stepTimeoutMs || 15000);

const watchdog = setTimeout(() => {
  console.error(`drive.mjs: still running after ${args.timeoutMs || 60000} ms, giving up`);
  process.exit(1);
}, Number(args.timeoutMs || 60000));

let browser;
let http;
try {
  // --url: a page served already (e.g. the React app's `npm run dev`); else serve ROOT on a free port
  if (!args.url) http = await serve(root, 0, "127.0.0.1");
  const pageUrl = args.url || `http://127.0.0.1:${http.address().port}/`;
  await mkdir(out, { recursive: true });
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--no-first-run"],
  });
  console.log(`chromium ${browser.version()} on ${pageUrl} against ${serverUrl}`);

  const pages = [
    { name: "A", token, proxy: false },
    { name: "B", token, proxy: false },
    { name: "P", token, proxy: true },
    { name: "X", token: other, proxy: false },
  ];
  for (const p of pages) {
    const context = await browser.newContext({ viewport: { width: 820, height: 640 } });
    p.page = await context.newPage();
    p.errors = [];
    p.page.on("pageerror", (e) => p.errors.push(String(e)));
    p.page.on("console", (m) => { if (m.type() === "error") p.errors.push(m.text()); });
    await p.page.goto(pageUrl, { waitUntil: "load", timeout: STEP_MS });
  }
  // Like a user: type the server URL and the token, tick proxy mode, click Connect.
  for (const p of pages) {
    await p.page.fill("#server", serverUrl);
    await p.page.fill("#token", p.token);
    await p.page.setChecked("#proxy", p.proxy);
    await p.page.click("#connect");
  }
  for (const p of pages) {
    await p.page.waitForFunction(() => document.getElementById("status").textContent === "connected",
      null, { timeout: STEP_MS });
    await p.page.waitForFunction(() => document.getElementById("session").textContent.trim().startsWith("{"),
      null, { timeout: STEP_MS });
    console.log(`page ${p.name}: connected`);
  }

  const [a, b, proxy, x] = pages;
  const text = `hello from page A (${name})`;
  await a.page.fill("#text", text);
  await a.page.click("#send");
  await a.page.waitForFunction(() => /"ok"/.test(document.getElementById("ack").textContent),
    null, { timeout: STEP_MS });
  const ack = JSON.parse(await a.page.textContent("#ack"));
  if (!ack.ok) throw new Error(`event refused: ${JSON.stringify(ack)}`);
  console.log(`page A: ack ${JSON.stringify(ack)}`);
  for (const p of [a, b, proxy]) {
    await p.page.waitForSelector(`#messages li[data-event-id="${ack.id}"]`, { timeout: STEP_MS });
    console.log(`page ${p.name}: shows the echo of ${ack.id}`);
  }
  await x.page.waitForTimeout(300); // the other participant must not get it: give a stray message time to arrive

  const report = { name, eventId: ack.id, text, pages: [] };
  for (const p of pages) {
    const file = join(out, `${name}-${p.name}${p.proxy ? "-proxy" : ""}-${p.token}.png`);
    await p.page.screenshot({ path: file, fullPage: true });
    report.pages.push(await p.page.evaluate(({ pageName, proxy }) => {
      const el = (id) => document.getElementById(id);
      const json = (s) => { try { return JSON.parse(s); } catch { return s; } };
      return {
        page: pageName,
        token: el("token").value,
        proxyChecked: el("proxy").checked,
        status: el("status").textContent,
        session: json(el("session").textContent),
        ack: json(el("ack").textContent),
        messages: [...document.querySelectorAll("#messages li")].map((li) => ({
          eventId: li.dataset.eventId,
          text: li.querySelector(".text").textContent,
          message: json(li.dataset.message),
        })),
      };
    }, { pageName: p.name, proxy: p.proxy }));
    report.pages.at(-1).errors = p.errors;
    report.pages.at(-1).screenshot = file;
  }
  console.log("REPORT " + JSON.stringify(report));
  process.exitCode = 0;
} catch (e) {
  console.error("drive.mjs failed:", e && e.stack || e);
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
  if (browser) await browser.close().catch(() => {});
  if (http) http.close();
}

function parseArgs(argv) {
  const parsed = {};
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith("--")) throw new Error(`unexpected argument ${argv[i]}`);
    parsed[argv[i].slice(2)] = argv[++i];
  }
  return parsed;
}

function required(key) {
  if (!args[key]) {
    console.error(`usage: node e2e/drive.mjs --server URL [--root DIR] [--out DIR] [--name NAME] [--chromium PATH]`);
    process.exit(2);
  }
  return args[key];
}
