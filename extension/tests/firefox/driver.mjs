// Debian's firefox-esr with the built extension, driven over WebDriver BiDi by puppeteer-core, for
// the Python end-to-end tests (training/harness/firefox.py starts it; tests/browser/test_firefox.py).
//
//   node tests/firefox/driver.mjs '{"firefox": "/usr/bin/firefox-esr", "extension": "dist/firefox"}'
//
// It launches Firefox headless, installs the extension (BiDi webExtension.install, a temporary
// add-on: Firefox grants an MV3 add-on's host permissions at install), takes the onboarding tab the
// install opens as its control page (a moz-extension page: browser.storage, as the options page
// uses it), prints one JSON line {"ready": …}, then answers one JSON command per stdin line with
// one JSON reply line {"id", "ok", "value" | "error"}. Digest pages are opened at the sites' real
// URLs and answered from the snapshot given (BiDi network interception, per tab); every other
// request of that tab is refused, so nothing reaches the network. Nothing is downloaded.
/* global document, location -- the functions given to page.evaluate run in Firefox's pages */
import { createInterface } from "node:readline";
import puppeteer from "puppeteer-core";

const config = JSON.parse(process.argv[2] || "{}");
const POLL_MS = 50;

/** A function from its source text ("async (arg) => …"), as the Python tests write them. */
const toFunction = (source) => new Function(`return (${source});`)();

async function waitUntil(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch {
      // the context may be between documents; try again
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const browser = await puppeteer.launch({
  browser: "firefox",
  executablePath: config.firefox,
  protocol: "webDriverBiDi",
  headless: true,
  timeout: 90000, // a cold start on a loaded 2-core machine
  defaultViewport: { width: 1280, height: 900 },
  extraPrefsFirefox: {
    // A fixed internal UUID, so the extension's pages are at a known moz-extension:// origin.
    "extensions.webextensions.uuids": JSON.stringify({ [config.addonId]: config.uuid }),
  },
});
const extensionId = await browser.installExtension(config.extension);
const base = `moz-extension://${config.uuid}/`;

// The tab the install opened (runtime.onInstalled → tabs.create). BiDi refuses to navigate a tab to
// a moz-extension:// URL, so the extension's own tab is the way in; it goes on to the options page
// (the onboarding page would keep asking the worker whether the server answers).
const hrefOf = (page) => page.evaluate(() => location.href);
const control = await waitUntil(
  async () => {
    for (const page of await browser.pages()) {
      if ((await hrefOf(page).catch(() => "")) === `${base}src/onboarding/onboarding.html`) return page;
    }
    return null;
  },
  30000,
  "the onboarding tab the install opens",
);
await control.evaluate(() => location.assign("/src/options/options.html"));
await waitUntil(
  () => control.evaluate(() => location.pathname.endsWith("/options.html") && document.readyState === "complete"),
  15000,
  "the options page",
);

const pages = new Map();
let nextPage = 1;

async function openDigest({ url, html }) {
  const page = await browser.newPage();
  await page.setRequestInterception(true);
  page.on("request", (request) => {
    const answer =
      request.url() === url
        ? request.respond({ status: 200, contentType: "text/html; charset=utf-8", body: html })
        : request.abort();
    answer.catch(() => {});
  });
  await page.goto(url, { waitUntil: "load" });
  const id = nextPage++;
  pages.set(id, page);
  return id;
}

function pageOf(id) {
  const page = pages.get(id);
  if (!page) throw new Error(`no open page ${id}`);
  return page;
}

const commands = {
  extension: async ({ script, arg }) => control.evaluate(toFunction(script), arg ?? null),
  open: openDigest,
  evaluate: async ({ page, script, arg }) => pageOf(page).evaluate(toFunction(script), arg ?? null),
  waitFor: async ({ page, script, arg, timeout }) => {
    await pageOf(page).waitForFunction(toFunction(script), { timeout, polling: POLL_MS }, arg ?? null);
    return true;
  },
  // A real click (BiDi input.performActions) on the index-th element matching the selector.
  click: async ({ page, selector, index }) => {
    const elements = await pageOf(page).$$(selector);
    if (!elements[index ?? 0]) throw new Error(`nothing to click at ${selector} [${index ?? 0}]`);
    await elements[index ?? 0].click();
    return true;
  },
  close: async ({ page }) => {
    await pageOf(page).close();
    pages.delete(page);
    return true;
  },
};

const send = (reply) => process.stdout.write(`${JSON.stringify(reply)}\n`);
send({ ready: true, version: await browser.version(), extensionId, base });

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  const { id, cmd, ...args } = JSON.parse(line);
  if (cmd === "quit") break;
  try {
    if (!commands[cmd]) throw new Error(`unknown command ${cmd}`);
    send({ id, ok: true, value: (await commands[cmd](args)) ?? null });
  } catch (error) {
    send({ id, ok: false, error: String(error && error.message ? error.message : error) });
  }
}
await browser.close();
