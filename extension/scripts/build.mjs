// Builds both browsers' packages from the one source:
//   dist/chromium/ + dist/papersieve-chromium.zip  (manifest.json as written: service worker, key)
//   dist/firefox/  + dist/papersieve-firefox.zip   (background.scripts, gecko id, no key)
// Checks first that every file the manifest names (and the onboarding page) exists and every
// adapter and content module is loaded, in order (adapters, then src/content/ with main.js last).
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, copyFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { zipEntries } from "./zip.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
// `node scripts/build.mjs [--out DIR]`: DIST defaults to extension/dist (tests build elsewhere).
const outFlag = process.argv.indexOf("--out");
const DIST = outFlag > 0 && process.argv[outFlag + 1] ? resolve(process.argv[outFlag + 1]) : join(ROOT, "dist");
const PACKAGED = ["src", "icons"];
const GECKO_ID = "papersieve@papersieve.local";
// Extension pages the manifest does not name (the worker opens them with tabs.create).
const PAGES = ["src/onboarding/onboarding.html", "src/dashboard/dashboard.html"];

const listFiles = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : [path];
  });

function firefoxManifest(manifest) {
  const firefox = structuredClone(manifest);
  delete firefox.key;
  delete firefox.minimum_chrome_version;
  firefox.background = { scripts: [manifest.background.service_worker], type: "module" };
  firefox.browser_specific_settings = {
    gecko: {
      id: GECKO_ID,
      // 140: the first desktop release with data_collection_permissions (the current ESR)
      strict_min_version: "140.0",
      data_collection_permissions: { required: ["none"] },
    },
    gecko_android: { strict_min_version: "142.0" }, // the first Android release with them
  };
  return firefox;
}

function checkManifest(manifest) {
  const named = [
    manifest.background.service_worker,
    manifest.action.default_popup,
    manifest.options_ui.page,
    ...PAGES,
    ...Object.values(manifest.icons),
    ...manifest.content_scripts.flatMap((script) => [...(script.js || []), ...(script.css || [])]),
  ];
  const missing = named.filter((path) => {
    try {
      return !statSync(join(ROOT, path)).isFile();
    } catch {
      return true;
    }
  });
  if (missing.length > 0) throw new Error(`manifest.json or PAGES name missing files: ${missing.join(", ")}`);
  const loaded = new Set(manifest.content_scripts.flatMap((script) => script.js || []));
  const adapters = readdirSync(join(ROOT, "src/adapters"))
    .filter((name) => name.endsWith(".js"))
    .map((name) => `src/adapters/${name}`);
  const unloaded = adapters.filter((path) => !loaded.has(path));
  if (unloaded.length > 0) throw new Error(`adapters not in manifest.json content_scripts: ${unloaded.join(", ")}`);
  // The content script's modules (src/content/*.js) share globalThis.papersieve: all are loaded,
  // after every adapter, and main.js (the entry point) last.
  const content = manifest.content_scripts[0].js;
  const modules = readdirSync(join(ROOT, "src/content"))
    .filter((name) => name.endsWith(".js"))
    .map((name) => `src/content/${name}`);
  const notLoaded = modules.filter((path) => !content.includes(path));
  if (notLoaded.length > 0) throw new Error(`content modules not in manifest.json content_scripts: ${notLoaded.join(", ")}`);
  const firstModule = Math.min(...modules.map((path) => content.indexOf(path)));
  if (adapters.some((path) => content.indexOf(path) > firstModule)) {
    throw new Error("the adapters must load before the src/content/ modules");
  }
  if (content[content.length - 1] !== "src/content/main.js") throw new Error("src/content/main.js must load last");
}

function writePackage(name, manifest) {
  const out = join(DIST, name);
  const files = PACKAGED.flatMap((dir) => listFiles(join(ROOT, dir)))
    .filter((path) => !path.endsWith(".test.js"))
    .sort();
  const entries = [{ name: "manifest.json", data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) }];
  for (const path of files) {
    const rel = relative(ROOT, path).split("\\").join("/");
    mkdirSync(dirname(join(out, rel)), { recursive: true });
    copyFileSync(path, join(out, rel));
    entries.push({ name: rel, data: readFileSync(path) });
  }
  writeFileSync(join(out, "manifest.json"), entries[0].data);
  writeFileSync(join(DIST, `papersieve-${name}.zip`), zipEntries(entries));
  return entries.length;
}

const manifest = JSON.parse(readFileSync(join(ROOT, "manifest.json"), "utf8"));
checkManifest(manifest);
rmSync(DIST, { recursive: true, force: true });
mkdirSync(DIST, { recursive: true });
const chromium = writePackage("chromium", manifest);
const firefox = writePackage("firefox", firefoxManifest(manifest));
console.log(`built ${DIST}: chromium/ (${chromium} files), firefox/ (${firefox} files) and their .zip packages`);
