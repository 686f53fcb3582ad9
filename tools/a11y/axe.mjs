// axe-core in headless Chromium (Debian's chromium, driven by puppeteer-core): the accessibility
// check of the rendered site. Called by tussenstand.site.browser.run_axe:
//
//   node axe.mjs <chromium> <base-url> <page> [<page> ...]
//
// Every page is checked in a window as wide as a desktop (1280 px) and as a phone (390 px: the menu
// folds away, tables scroll). Prints one JSON object on stdout:
// {"axe": <version>, "widths": [...], "pages": {<page>: [<violation>, ...]}}, each violation
// {id, impact, help, width, nodes: [{target, html, summary}]}. Rules: axe's standard
// set (every rule axe runs by default: WCAG 2.0, 2.1 and 2.2 at levels A and AA, which include the
// Dutch public-sector standard WCAG 2.1 AA, plus axe's best practices). Exit 0 when every page was
// checked (violations or not), 1 when the browser or a page failed.
import { createRequire } from "node:module";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const WIDTHS = [1280, 390];

const [chromium, base, ...pages] = process.argv.slice(2);
if (!chromium || !base || pages.length === 0) {
  console.error("gebruik: node axe.mjs <chromium> <basis-url> <pagina> [<pagina> ...]");
  process.exit(2);
}

const profile = mkdtempSync(join(tmpdir(), "tussenstand-axe-"));
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  userDataDir: profile,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
});
const result = { axe: null, widths: WIDTHS, pages: {} };
let failed = false;
try {
  const tab = await browser.newPage();
  await tab.setCacheEnabled(false); // every load from the server: a 200, never a 304
  for (const page of pages) {
    const url = new URL(page, base).href;
    result.pages[page] = [];
    for (const width of WIDTHS) {
      try {
        await tab.setViewport({ width, height: 900 });
        const response = await tab.goto(url, { waitUntil: "load", timeout: 60000 });
        if (!response || response.status() >= 400) {
          throw new Error(`HTTP ${response ? response.status() : "geen antwoord"}`);
        }
        await tab.evaluate(AXE_SOURCE);
        const out = await tab.evaluate(() => window.axe.run(document));
        result.axe = out.testEngine.version;
        for (const v of out.violations) {
          result.pages[page].push({
            id: v.id,
            impact: v.impact,
            help: v.help,
            width,
            nodes: v.nodes.map((n) => ({
              target: n.target.map(String),
              html: n.html.slice(0, 300),
              summary: (n.failureSummary || "").slice(0, 300),
            })),
          });
        }
      } catch (err) {
        failed = true;
        console.error(`${page} (${width} px): ${err.message}`);
      }
    }
  }
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
// exitCode, not exit(): exit() would cut off what is still in the pipe to the caller
process.stdout.write(JSON.stringify(result));
process.exitCode = failed ? 1 : 0;
