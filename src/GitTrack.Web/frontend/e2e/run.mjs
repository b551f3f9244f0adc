// End-to-end checks of `gittrack ui` in Debian's Chromium, driven by playwright-core (no downloaded browser).
// Started by tests/GitTrack.Cli.Tests/UiBrowserTests.cs with the URL of a running `gittrack ui` and the names of
// the runs it recorded; prints one JSON object of results on stdout (the xunit test asserts on it).
//
//   GITTRACK_UI_URL=http://127.0.0.1:PORT/ node e2e/run.mjs checks '{"xss":"<img ...>","a":"run_001","b":"run_002"}'
//   GITTRACK_UI_URL=... node e2e/run.mjs edits '{"run":"ID","note":"...","tag":"k=v","name":"new-name"}'   (server with --allow-edits)
//   GITTRACK_UI_URL=... node e2e/run.mjs system '{"running":"RUN_NAME","ended":"RUN_NAME"}'   (system metrics: table column, run section)
//   GITTRACK_UI_URL=... node e2e/run.mjs params '{"a":"RUN","b":"RUN","key":"x"}'   (a param's text in the table, run view, compare)
//   GITTRACK_UI_URL=... node e2e/run.mjs timing '{"big":"RUN_WITH_1M_POINTS"}'   (docs/benchmarks.md "Web UI"; '{}': the runs table only)
//   GITTRACK_UI_URL=... node e2e/run.mjs paging '{"total":120,"last":"RUN_NAME"}'   (the runs table fetches pages from the server)
//   GITTRACK_UI_URL=... node e2e/run.mjs sweep '{"sweep":"PARENT_ID","param":"lr","metric":"loss","once":"final_acc"}'   (a recorded sweep)
//   GITTRACK_UI_URL=... node e2e/run.mjs lineage '{"run":"ID","other":"ID","search":"numpy"}'   (#18: packages, inputs, lineage graph, compare)
//
// GITTRACK_SCREENSHOTS=DIR saves docs/ui-*.png style screenshots of the views.
// GITTRACK_UI_PAGE_DIR=DIR serves the page's files from DIR (a `vite build` output, such as ../wwwroot) instead of the
// copy embedded in the server, to try a page change without rebuilding gittrack.
import { chromium } from "playwright-core";
import { join } from "node:path";
import { readFileSync, existsSync } from "node:fs";
import { execFileSync, spawn } from "node:child_process";

const url = process.env.GITTRACK_UI_URL;
const [mode, argText] = process.argv.slice(2);
const args = JSON.parse(argText ?? "{}");
const shots = process.env.GITTRACK_SCREENSHOTS;
// launch() gives Chromium a fresh, empty profile folder of its own (and refuses --user-data-dir).

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run"],
});
const result = { dialogs: [], consoleErrors: [], steps: {} };
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const pageDir = process.env.GITTRACK_UI_PAGE_DIR;
  if (pageDir)
    await context.route((u) => !u.pathname.startsWith("/api/"), async (route) => {
      const path = new URL(route.request().url()).pathname;
      const file = join(pageDir, path === "/" ? "index.html" : path);
      if (!existsSync(file)) return route.continue();
      const type = file.endsWith(".js") ? "text/javascript" : file.endsWith(".css") ? "text/css" : "text/html";
      await route.fulfill({ status: 200, contentType: type, body: readFileSync(file) });
    });
  const page = await context.newPage();
  page.on("dialog", async (dialog) => {
    result.dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  page.on("console", (message) => {
    if (message.type() === "error") result.consoleErrors.push(message.text());
  });
  page.setDefaultTimeout(15000);
  if (mode === "checks") await checks(page, args);
  else if (mode === "timing") await timing(page, args);
  else if (mode === "grow") await grow(page, args);
  else if (mode === "edits") await edits(page, args);
  else if (mode === "system") await system(page, args);
  else if (mode === "params") await params(page, args);
  else if (mode === "sweep") await sweep(page, context, args);
  else if (mode === "paging") await paging(page, args);
  else if (mode === "lineage") await lineage(page, args);
  else throw new Error(`unknown mode ${mode}`);
} catch (error) {
  result.error = String(error?.stack ?? error);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(result) + "\n");

async function checks(page, { xss, a, b, filter, live }) {
  const s = result.steps;
  await page.goto(url);
  await page.waitForSelector("#runs-table tr.run-row");
  s.rows = await page.locator("#runs-table tr.run-row").count();
  s.names = await page.locator("#runs-table a.run-link").allTextContents();
  // The XSS name must be there as text, and no element may have been made of it.
  s.xssShownAsText = s.names.includes(xss);
  const allIds = await page.locator("#runs-table tr.run-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-id")));
  s.imgElements = await page.locator("img").count();
  if (shots) await page.screenshot({ path: join(shots, "ui-runs.png") });

  // Sorting by a column header reorders the rows.
  await page.locator('#runs-table th[data-column="name"]').click();
  await page.waitForSelector('.table-host[data-sort="-name"]'); // sorted by the server
  s.sortedNames = await page.locator("#runs-table a.run-link").allTextContents();

  await page.fill("#filter", filter);
  await page.waitForFunction((n) => document.querySelectorAll("#runs-table tr.run-row").length === n, 1);
  s.filteredNames = await page.locator("#runs-table a.run-link").allTextContents();
  await page.fill("#filter", "");
  await page.waitForFunction((n) => document.querySelectorAll("#runs-table tr.run-row").length === n, s.rows);

  // Open a run: its charts are canvases of non-zero size, its log is text.
  await page.locator("#runs-table a.run-link", { hasText: a }).first().click();
  await page.waitForSelector("#charts canvas");
  s.runName = await page.locator("#run-name").textContent();
  s.canvases = await page.locator("#charts canvas").evaluateAll((cs) => cs.map((c) => [c.width, c.height]));
  await page.waitForFunction(() => (document.querySelector("#log")?.textContent ?? "").length > 0);
  s.logStart = (await page.locator("#log").textContent()).slice(0, 200);
  // The metrics table reads the history (keyed by metric name); artifact links go by the blake3 key.
  s.lossRow = await page.locator("#run-metrics tr", { has: page.locator("th", { hasText: /^loss$/ }) }).locator("td").allTextContents();
  s.hostField = await page.locator("table.fields tr", { has: page.locator("th", { hasText: /^host$/ }) }).locator("td").textContent();
  s.artifactLinks = await page.locator("#artifacts a").evaluateAll((links) => links.map((l) => l.getAttribute("href")));
  s.artifactBody = s.artifactLinks.length > 0 ? await page.evaluate(async (href) => (await fetch(href)).text(), s.artifactLinks[0]) : null;
  await page.check("#log-scale");
  await page.waitForSelector("#charts canvas");
  s.logScaleCanvases = await page.locator("#charts canvas").count();
  await page.uncheck("#log-scale");
  await page.waitForSelector("#charts canvas");
  if (shots) await page.screenshot({ path: join(shots, "ui-run.png"), fullPage: true });

  // The XSS run's own page shows its name as text too.
  await page.goto(url);
  await page.waitForSelector("#runs-table tr.run-row");
  await page.locator("#runs-table a.run-link", { hasText: xss }).first().click();
  await page.waitForSelector("#run-name");
  s.xssRunName = await page.locator("#run-name").textContent();
  s.imgElementsOnRun = await page.locator("img").count();

  // Compare two runs chosen with the checkboxes.
  await page.goto(url);
  await page.waitForSelector("#runs-table tr.run-row");
  for (const name of [a, b]) await page.locator("#runs-table tr.run-row", { has: page.locator("a.run-link", { hasText: name }) }).first().locator("input.select-run").check();
  await page.click("#compare-button");
  await page.waitForSelector("#compare-table");
  await page.waitForSelector("#diff-patch, #diff-same");
  s.compareLegend = await page.locator("#compare-legend a").allTextContents();
  s.compareCanvases = await page.locator("#charts canvas").count();
  s.differingRows = await page.locator("#compare-table tr.differs th").allTextContents();
  s.scatterCanvas = await page.locator("#scatter canvas").count();
  s.diffStat = (await page.locator("#diff-stat").count()) > 0 ? await page.locator("#diff-stat").textContent() : "";
  if (shots) await page.screenshot({ path: join(shots, "ui-compare.png"), fullPage: true });

  // Every run compared, the XSS one included: its name is in legends, table headers, selects; still only text.
  await page.goto(`${url}#/compare/${allIds.join(",")}`);
  await page.waitForSelector("#compare-table");
  await page.waitForSelector("#charts canvas");
  s.compareAllHeaders = await page.locator("#compare-table tr:first-child th").allTextContents();
  s.imgElementsOnCompareAll = await page.locator("img").count();

  // A run recorded while the page is open appears without a reload (the page polls the branch tip).
  if (live) {
    await page.goto(url);
    await page.waitForSelector("#runs-table tr.run-row");
    await page.evaluate(() => { window.__notReloaded = true; });
    execFileSync(live.command[0], live.command.slice(1), { cwd: live.cwd, env: { ...process.env, ...live.env }, stdio: "ignore" });
    await page.waitForFunction((name) => [...document.querySelectorAll("#runs-table a.run-link")].some((l) => l.textContent === name), live.name, { timeout: 20000 });
    s.liveAppeared = await page.evaluate(() => window.__notReloaded === true);
  }

  // Path traversal through the artifact endpoint and the static files, from the page itself.
  s.traversal = await page.evaluate(async () => {
    const statuses = {};
    for (const path of ["/api/artifacts/..%2F..%2F..%2Fetc%2Fpasswd", "/api/artifacts/%2Fetc%2Fpasswd", "/assets/..%2F..%2Fgittrack.dll", "/..%2F..%2Fetc%2Fpasswd"])
      statuses[path] = (await fetch(path)).status;
    return statuses;
  });
}

// A run recorded while its page is open: the chart's point count grows and the status turns to completed, no reload.
async function grow(page, { name, command, cwd, env }) {
  const s = result.steps;
  const child = spawn(command[0], command.slice(1), { cwd, env: { ...process.env, ...env }, stdio: "ignore" });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  await page.goto(url);
  await page.waitForFunction((n) => [...document.querySelectorAll("#runs-table a.run-link")].some((l) => l.textContent === n), name, { timeout: 30000 });
  await page.locator("#runs-table a.run-link", { hasText: name }).first().click();
  await page.evaluate(() => { window.__notReloaded = true; });
  const count = async () => {
    const title = (await page.locator(".chart-title").first().textContent({ timeout: 30000 })) ?? "";
    return Number((title.match(/([\d,]+) points/) ?? ["", "0"])[1].replace(/,/g, ""));
  };
  await page.waitForSelector(".chart-title", { timeout: 30000 });
  s.statusFirst = await page.locator(".run-header .status").textContent();
  s.countFirst = await count();
  s.exitCode = await exited;
  await page.waitForFunction(() => document.querySelector(".run-header .status")?.textContent === "completed", null, { timeout: 30000 });
  s.countLast = await count();
  s.statusLast = await page.locator(".run-header .status").textContent();
  s.notReloaded = await page.evaluate(() => window.__notReloaded === true);
}

async function timing(page, { big }) {
  const s = result.steps;
  const samples = (n) => Array.from({ length: n });
  s.tableMs = [];
  for (const _ of samples(5)) {
    await page.goto("about:blank");
    const t0 = Date.now();
    await page.goto(url);
    await page.waitForSelector("#runs-table tr.run-row");
    s.tableMs.push(Date.now() - t0);
  }
  s.rows = await page.evaluate(() => document.getElementById("run-count")?.textContent);
  s.sortMs = [];
  for (const _ of samples(5)) {
    const first = await page.locator("#runs-table a.run-link").first().textContent();
    const t0 = Date.now();
    await page.locator('#runs-table th[data-column="name"]').click();
    // Sorted on the server: done when the first row has changed.
    await page.waitForFunction((name) => document.querySelector("#runs-table a.run-link")?.textContent !== name, first);
    s.sortMs.push(Date.now() - t0);
  }
  if (!big) return; // the runs table only (ui --repo DIR)
  s.chartMs = [];
  for (const _ of samples(5)) {
    await page.goto("about:blank");
    const t0 = Date.now();
    await page.goto(`${url}#/run/${big}`);
    await page.waitForSelector("#charts canvas");
    s.chartMs.push(Date.now() - t0);
  }
  s.chartTitle = await page.locator(".chart-title").first().textContent();
  // The parallel coordinates of every run (docs/benchmarks.md "Sweeps"): from navigation until the lines are drawn.
  s.plotMs = [];
  for (const _ of samples(5)) {
    await page.goto("about:blank");
    const t0 = Date.now();
    await page.goto(`${url}#/plot`);
    await page.waitForSelector("#parcoords[data-lines]", { timeout: 60000 });
    s.plotMs.push(Date.now() - t0);
  }
  s.plotLines = Number(await page.locator("#parcoords").getAttribute("data-lines"));
  s.plotAxes = Number(await page.locator("#parcoords").getAttribute("data-axes"));
  s.plotDrawMs = Number(await page.locator("#parcoords").getAttribute("data-draw-ms"));
}

// The editor of a server started with --allow-edits: note, tag, rename and hide, each through the page's controls.
async function edits(page, { run, note, tag, name }) {
  const s = result.steps;
  // Hiding asks for confirmation: accept it here (the other modes dismiss every dialog).
  page.removeAllListeners("dialog");
  page.on("dialog", async (dialog) => {
    result.dialogs.push(dialog.message());
    await dialog.accept();
  });
  await page.goto(`${url}#/run/${encodeURIComponent(run)}`);
  await page.waitForSelector("section.editor");
  const saved = () => page.waitForFunction(() => document.querySelector("section.editor .muted")?.textContent === "saved");
  const clear = () => page.evaluate(() => { document.querySelector("section.editor .muted").textContent = ""; });

  await page.fill("#edit-note", note);
  await page.click("section.editor button:text('save note')");
  await saved();
  await clear();
  await page.fill("#edit-tag", tag);
  await page.click("section.editor button:text('set / remove tag')");
  await saved();

  await page.fill("#edit-name", name);
  await page.click("section.editor button:text('rename')");
  await page.waitForFunction((n) => document.querySelector("#run-name")?.textContent === n, name);
  s.renamedTo = await page.locator("#run-name").textContent();

  await page.click("section.editor button:text('hide run')");
  await page.waitForSelector("#runs-table");
  await page.waitForFunction((n) => ![...document.querySelectorAll("#runs-table a.run-link")].some((l) => l.textContent === n), name, { timeout: 20000 });
  s.namesAfterHide = await page.locator("#runs-table a.run-link").allTextContents();
}

// System metrics (src/system.ts): the runs table's "cpu / gpu" column for running runs, no system/ metric columns,
// and the run view's own system section of charts, apart from the run's metric charts.
async function system(page, { running, ended }) {
  const s = result.steps;
  await page.goto(url);
  await page.waitForSelector("#runs-table tr.run-row");
  s.systemHeader = await page.locator('#runs-table th[data-column="system"]').textContent();
  s.systemMetricColumns = await page.locator('#runs-table th[data-column^="m:system/"]').count();
  const row = (name) => page.locator("#runs-table tr.run-row", { has: page.locator("a.run-link", { hasText: name }) });
  s.runningUse = await row(running).locator("td.col-system").textContent();
  s.endedUse = await row(ended).locator("td.col-system").textContent();
  await row(ended).locator("a.run-link").click();
  await page.waitForSelector("#system-charts canvas");
  s.groups = await page.locator("#system-charts .system-group").evaluateAll((gs) => gs.map((g) => g.getAttribute("data-group")));
  s.systemCharts = await page.locator("#system-charts .chart-title").allTextContents();
  // The run's own charts render on their own schedule; wait for them too before reading their titles.
  await page.waitForSelector("#charts .chart-title");
  s.mainCharts = await page.locator("#charts .chart-title").allTextContents();
  s.metricRows = await page.locator("#run-metrics th").allTextContents();
  if (shots) await page.screenshot({ path: join(shots, "ui-system.png"), fullPage: true });
}

// How a param reads on the page: the runs table's column, the run view's params table and the compare table.
async function params(page, { a, b, key }) {
  const s = result.steps;
  await page.goto(url);
  await page.waitForSelector("#runs-table tr.run-row");
  const column = await page.locator(`#runs-table th[data-column="p:${key}"]`).evaluate((th) => [...th.parentElement.children].indexOf(th));
  s.table = await page.locator("#runs-table tr.run-row").evaluateAll((rows, i) => Object.fromEntries(rows.map((r) =>
    [r.querySelector("a.run-link").textContent, r.children[i].textContent])), column);
  await page.locator("#runs-table a.run-link", { hasText: a }).first().click();
  await page.waitForSelector("#run-params");
  s.run = await page.locator("#run-params tr").evaluateAll((rows) => Object.fromEntries(rows.map((r) =>
    [r.querySelector("th").textContent, r.querySelector("td").textContent])));
  await page.goto(url);
  await page.waitForSelector("#runs-table tr.run-row");
  for (const name of [a, b]) await page.locator("#runs-table tr.run-row", { has: page.locator("a.run-link", { hasText: name }) }).first().locator("input.select-run").check();
  await page.click("#compare-button");
  await page.waitForSelector("#compare-table");
  s.compare = await page.locator("#compare-table tr", { has: page.locator("th", { hasText: new RegExp(`^${key}$`) }) }).locator("td").allTextContents();
  s.compareDiffers = await page.locator("#compare-table tr.differs th").allTextContents();
}

// A recorded sweep: the parallel coordinates (axes, lines, brushing that narrows the table), a scatter with a mark
// per run (repeated x values included) whose hover names each run, the chart grid's columns, bars for a metric
// logged once, the system/ group, and the runs table's columns (chosen, pinned, kept in the URL, scrolled sideways).
async function sweep(page, context, { sweep, param, metric, once }) {
  const s = result.steps;
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.goto(`${url}#/sweep/${sweep}`);
  await page.waitForSelector("#parcoords[data-lines]");
  await page.waitForSelector("#curves .chart");
  const pc = page.locator("#parcoords");
  s.axes = await page.locator("#parcoords .pc-axis").evaluateAll((els) => els.map((e) => e.getAttribute("data-key")));
  s.axisLabels = await page.locator("#parcoords .pc-axis").allTextContents();
  s.lines = Number(await pc.getAttribute("data-lines"));
  // The lines are really drawn: count the coloured pixels of the plot's canvas.
  s.drawnPixels = await page.evaluate(() => {
    const canvas = document.querySelector("#parcoords canvas");
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
    return n;
  });
  s.tableRowsBefore = await page.locator("#many-table tr.run-row").count();

  // The scatter of the param against the metric: one mark per run, each named on hover, each really painted.
  const scatter = page.locator(`#scatters .chart.scatter[data-x="${param}"]`);
  s.scatterCount = Number(await scatter.getAttribute("data-count"));
  const marks = JSON.parse(await scatter.getAttribute("data-marks"));
  const canvas = scatter.locator("canvas");
  await scatter.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  s.hovered = [];
  s.paintedMarks = 0;
  for (const mark of marks) {
    await page.mouse.move(box.x + mark.x, box.y + mark.y);
    await scatter.locator(".plot-tip").waitFor({ state: "visible" });
    const tip = await scatter.locator(".plot-tip").textContent();
    s.hovered.push(...tip.split("\n").map((line) => line.split(":")[0]));
    const painted = await canvas.evaluate((c, m) => {
      const r = window.devicePixelRatio || 1;
      const [red, green, blue] = c.getContext("2d").getImageData(Math.round(m.x * r), Math.round(m.y * r), 1, 1).data;
      return !(red > 240 && green > 240 && blue > 240);
    }, mark);
    if (painted) s.paintedMarks++;
  }
  s.hovered = [...new Set(s.hovered)].sort();
  await page.mouse.move(0, 0);

  // Brushing the param's axis over its upper half keeps only the runs there, in the plot and in the table.
  await pc.scrollIntoViewIfNeeded();
  const axisX = Number(await page.locator(`#parcoords .pc-axis[data-key="p:${param}"]`).getAttribute("data-x"));
  const top = Number(await pc.getAttribute("data-top"));
  const bottom = Number(await pc.getAttribute("data-bottom"));
  const pcBox = await pc.boundingBox();
  await page.mouse.move(pcBox.x + axisX, pcBox.y + top - 4);
  await page.mouse.down();
  await page.mouse.move(pcBox.x + axisX, pcBox.y + (top + bottom) / 2, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction((n) => document.querySelectorAll("#many-table tr.run-row").length < n, s.tableRowsBefore);
  s.activeAfterBrush = Number(await pc.getAttribute("data-active"));
  s.tableNamesAfterBrush = (await page.locator("#many-table a.run-link").allTextContents()).sort();
  s.brushNote = await page.locator("#brush-note").textContent();
  // A click on the axis clears its brush.
  await page.mouse.click(pcBox.x + axisX, pcBox.y + (top + bottom) / 2);
  await page.waitForFunction((n) => document.querySelectorAll("#many-table tr.run-row").length === n, s.tableRowsBefore);
  s.tableRowsAfterClear = await page.locator("#many-table tr.run-row").count();

  // The curves: a grid of several columns on this wide screen; the metric logged once is bars, one per run.
  s.gridColumns = await page.locator('#curves .charts[data-group="metrics"] > .chart').evaluateAll((charts) => new Set(charts.map((c) => Math.round(c.getBoundingClientRect().left))).size);
  s.chartWidths = await page.locator('#curves .charts[data-group="metrics"] > .chart canvas').evaluateAll((cs) => cs.map((c) => Math.round(c.getBoundingClientRect().width)));
  s.bars = Number(await page.locator(`#curves .chart.bars[data-metric="${once}"]`).getAttribute("data-bars"));
  s.lineChartOfOnce = await page.locator(`#curves .chart:not(.bars)[data-metric="${once}"]`).count();
  s.systemCharts = await page.locator('#curves .charts[data-group="system"] > .chart').evaluateAll((cs) => cs.map((c) => c.getAttribute("data-metric")));
  s.imgElements = await page.locator("img").count();
  if (shots) await page.screenshot({ path: join(shots, "ui-sweep.png"), fullPage: true });

  // The runs table: choose, pin and reorder columns; the URL keeps them, so the same view opens from it.
  await page.setViewportSize({ width: 760, height: 900 });
  await page.goto(url);
  await page.waitForSelector("#runs-table tr.run-row");
  s.tagChips = await page.locator("#runs-table td.col-tags .tag").count();
  await page.click("#columns-button");
  await page.uncheck('#column-panel input.column-show[data-column="status"]');
  await page.click(`#column-panel .column-item[data-column="m:${metric}"] button.column-pin`);
  await page.click(`#column-panel .column-item[data-column="started"] button.column-down`);
  s.headersAfter = await page.locator("#runs-table th[data-column]").evaluateAll((ths) => ths.map((t) => t.getAttribute("data-column")));
  s.hash = await page.evaluate(() => location.hash);
  const shared = await context.newPage();
  await shared.setViewportSize({ width: 760, height: 900 });
  await shared.goto(`${url}${s.hash}`);
  await shared.waitForSelector("#runs-table tr.run-row");
  s.headersShared = await shared.locator("#runs-table th[data-column]").evaluateAll((ths) => ths.map((t) => t.getAttribute("data-column")));
  await shared.close();
  // Scrolled all the way right: the last column comes into view and the name and pinned columns stay where they were.
  const before = await page.evaluate(() => {
    const scroller = document.getElementById("runs-scroller");
    return { overflow: scroller.scrollWidth - scroller.clientWidth, name: document.querySelector('#runs-table th[data-column="name"]').getBoundingClientRect().left };
  });
  s.overflow = before.overflow;
  s.afterScroll = await page.evaluate(() => {
    const scroller = document.getElementById("runs-scroller");
    scroller.scrollLeft = scroller.scrollWidth;
    const view = scroller.getBoundingClientRect();
    const heads = [...document.querySelectorAll("#runs-table th[data-column]")];
    const last = heads[heads.length - 1].getBoundingClientRect();
    const name = document.querySelector('#runs-table th[data-column="name"]').getBoundingClientRect();
    const firstNameCell = document.querySelector("#runs-table tr.run-row td.col-name").getBoundingClientRect();
    return { scrolled: scroller.scrollLeft, lastVisible: last.right <= view.right + 1 && last.left >= view.left - 1, nameLeft: name.left, nameCellLeft: firstNameCell.left };
  });
  s.nameLeftBefore = before.name;
}

// The runs table over many runs: the first page only, the next fetched when scrolled to the end, sort and filter
// sent to the server (GET /api/runs?sort=&filter=&offset=&limit=), the counts shown.
async function paging(page, { total, last, filter }) {
  const s = result.steps;
  const requests = [];
  page.on("request", (request) => {
    const u = new URL(request.url());
    if (u.pathname === "/api/runs") requests.push(Object.fromEntries(u.searchParams));
  });
  const loaded = () => page.locator("#runs-table").getAttribute("data-loaded").then(Number);
  await page.goto(url);
  await page.waitForSelector("#runs-table tr.run-row");
  s.firstLoaded = await loaded();
  s.firstRequests = [...requests];
  s.firstCount = await page.locator("#run-count").textContent();
  s.domRows = await page.locator("#runs-table tr.run-row").count();
  s.moreButton = await page.locator("#more-runs").textContent();
  // Scrolled to the bottom: the next page is fetched and appended.
  await page.evaluate(() => { const el = document.getElementById("runs-scroller"); el.scrollTop = el.scrollHeight; });
  await page.waitForFunction((n) => Number(document.getElementById("runs-table").getAttribute("data-loaded")) === n, total);
  s.afterScrollLoaded = await loaded();
  s.afterScrollCount = await page.locator("#run-count").textContent();
  s.moreHidden = await page.locator("#more-runs").isHidden();
  s.scrollRequests = requests.slice(s.firstRequests.length);
  // A header click sorts on the server: the first row is the server's first.
  const before = requests.length;
  await page.locator('#runs-table th[data-column="name"]').click();
  await page.waitForFunction((name) => document.querySelector("#runs-table a.run-link")?.textContent === name, last);
  s.sortRequests = requests.slice(before);
  s.firstAfterSort = await page.locator("#runs-table a.run-link").first().textContent();
  // A filter is evaluated by the server; the count says how many match.
  const beforeFilter = requests.length;
  await page.fill("#filter", filter);
  await page.waitForFunction(() => /match/.test(document.getElementById("run-count")?.textContent ?? ""));
  s.filterRequests = requests.slice(beforeFilter);
  s.filterCount = await page.locator("#run-count").textContent();
  s.filterLoaded = await loaded();
}

// Issue #18: the run page's packages (count, facts, search), inputs and lineage graph, and compare's package
// differences between two runs (`run` and `other`).
async function lineage(page, { run, other, search }) {
  const s = result.steps;
  await page.goto(`${url}#/run/${run}`);
  await page.waitForSelector("#packages-table tr.package-row");
  s.count = await page.locator("#packages-count").textContent();
  s.facts = await page.locator("#packages-facts .fact").evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute("data-fact"), e.textContent])));
  s.packages = await page.locator("#packages-table tr.package-row th").allTextContents();
  await page.fill("#packages-search", search);
  s.shownAfterSearch = await page.locator("#packages-table tr.package-row:visible th").allTextContents();
  s.shownText = await page.locator("#packages-shown").textContent();
  s.inputs = await page.locator("#inputs-table th").allTextContents();
  await page.waitForSelector("#lineage svg.lineage-graph");
  s.graphNodes = await page.locator("#lineage g.lineage-node").evaluateAll((els) => els.map((e) => e.getAttribute("data-id")));
  s.graphLabels = await page.locator("#lineage text.lineage-label").allTextContents();
  s.graphEdges = await page.locator("#lineage path.lineage-edge").count();
  s.graphLinks = await page.locator("#lineage a").evaluateAll((els) => els.map((e) => e.getAttribute("href")));
  s.imgElements = await page.locator("img").count();
  if (shots) await page.screenshot({ path: join(shots, "ui-lineage.png"), fullPage: true });
  // A run in the graph opens its page.
  await page.locator("#lineage a").first().click();
  await page.waitForFunction((id) => location.hash === `#/run/${id}`, other);
  s.followed = await page.evaluate(() => location.hash);
  await page.goto(`${url}#/compare/${run},${other}`);
  await page.waitForSelector("#packages-diff table.packages-diff, #packages-diff p");
  s.compareChanges = await page.locator("#packages-diff tr.package-change").evaluateAll((rows) => rows.map((r) =>
    [...r.children].slice(0, 3).map((c) => c.textContent).join(" ")));
  s.imgElementsCompare = await page.locator("img").count();
}
