// Drives the socket.io admin UI (the page @socket.io/admin-ui ships in ui/dist) in headless Chromium as an operator
// would, against a session server with ADMIN_UI on, and prints what it saw.
//
//   node admin-ui-drive.mjs --server http://127.0.0.1:3000 --username ops --password secret
//        --servers n1,n2 --sockets ID1,ID2 --disconnect ID1 [--wrong-password x] [--out DIR] [--name admin-ui]
//        [--chromium /usr/bin/chromium]
//
// It serves node_modules/@socket.io/admin-ui/ui/dist on a free port (samples/browser/serve.mjs); every request to
// another host (the page's Google font and CDN icon links) is aborted, so nothing is downloaded from elsewhere. With
// --wrong-password it first logs in with it and records the error the modal shows. Then it logs in, waits until the
// Servers page lists every --servers id and the Sockets page every --sockets id, clicks the disconnect button of the
// --disconnect socket, and waits until its row is gone from the list while the others stay. Prints `REPORT <json>`; exit 0 when all of that happened.
import { chromium } from "playwright-core";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "../../samples/browser/serve.mjs";

const args = parseArgs(process.argv.slice(2));
const serverUrl = required("server");
const servers = required("servers").split(",");
const sockets = required("sockets").split(",");
const victim = required("disconnect");
const out = resolve(args.out || "screenshots");
const name = args.name || "admin-ui";
const STEP_MS = Number(args.stepTimeoutMs || 15000);
const uiDir = fileURLToPath(new URL("node_modules/@socket.io/admin-ui/ui/dist/", import.meta.url));

const watchdog = setTimeout(() => {
  console.error("admin-ui-drive.mjs: still running after 60 s, giving up");
  process.exit(1);
}, 60000);

const report = { wrongPasswordError: null, servers: [], sockets: [], socketsAfter: [], errors: [], screenshots: [] };
let browser;
let http;
try {
  http = await serve(uiDir, 0, "127.0.0.1");
  const origin = `http://127.0.0.1:${http.address().port}`;
  const server = new URL(serverUrl).origin;
  await mkdir(out, { recursive: true });
  browser = await chromium.launch({
    executablePath: args.chromium || "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--no-first-run"],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.route("**/*", (route) => {
    const url = route.request().url();
    return url.startsWith(origin) || url.startsWith(server) || url.startsWith(server.replace("http", "ws"))
      ? route.continue() : route.abort();
  });
  const page = await context.newPage();
  page.on("pageerror", (e) => report.errors.push(String(e)));
  console.log(`chromium ${browser.version()} on ${origin}/ against ${serverUrl}`);
  await page.goto(`${origin}/`, { waitUntil: "load", timeout: STEP_MS });

  if (args["wrong-password"]) {
    await logIn(page, args["wrong-password"]);
    const error = page.locator(".v-dialog .red--text");
    await error.waitFor({ timeout: STEP_MS });
    report.wrongPasswordError = (await error.textContent()).trim();
    await shoot(page, "login-refused");
  }
  await logIn(page, required("password"));
  await page.locator(".v-dialog form").waitFor({ state: "hidden", timeout: STEP_MS });

  await page.goto(`${origin}/#/servers/`);
  report.servers = await waitForRows(page, servers);
  await shoot(page, "servers");

  await page.goto(`${origin}/#/sockets/`);
  report.sockets = await waitForRows(page, sockets);
  await shoot(page, "sockets");

  // The click also reaches the row, which opens the socket's page: back to the list to see the row go.
  await page.locator("tbody tr", { hasText: victim }).locator("button").click({ timeout: STEP_MS });
  await page.goto(`${origin}/#/sockets/`);
  await page.waitForFunction((gone) => {
    const texts = [...document.querySelectorAll("tbody tr")].map((row) => row.textContent);
    return !texts.some((row) => row.includes(gone));
  }, victim, { timeout: STEP_MS });
  report.socketsAfter = await waitForRows(page, sockets.filter((id) => id !== victim));
  await shoot(page, "sockets-after-disconnect");
  console.log("REPORT " + JSON.stringify(report));
} catch (e) {
  console.error(e);
  console.log("REPORT " + JSON.stringify({ ...report, failure: String(e) }));
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
  await browser?.close();
  http?.close();
}

/** Fills the connection modal as a user would and clicks Connect. */
async function logIn(page, password) {
  await page.getByLabel("Server URL").fill(serverUrl);
  await page.getByLabel("Username").fill(required("username"));
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Connect" }).click();
}

/** Waits until the page's table has a row for each expected text; returns the rows' texts. */
async function waitForRows(page, expected) {
  await page.waitForFunction((wanted) => {
    const texts = [...document.querySelectorAll("tbody tr")].map((row) => row.textContent);
    return wanted.every((text) => texts.some((row) => row.includes(text)));
  }, expected, { timeout: STEP_MS });
  return rows(page);
}

async function rows(page) {
  return (await page.locator("tbody tr").allTextContents()).map((text) => text.replace(/\s+/g, " ").trim());
}

async function shoot(page, step) {
  const file = join(out, `${name}-${step}.png`);
  await page.screenshot({ path: file, fullPage: true });
  report.screenshots.push(file);
}

function parseArgs(argv) {
  const parsed = {};
  for (let i = 0; i < argv.length; i += 2) parsed[argv[i].replace(/^--/, "")] = argv[i + 1];
  return parsed;
}

function required(key) {
  if (!args[key]) {
    console.error(`--${key} is required`);
    process.exit(2);
  }
  return args[key];
}
