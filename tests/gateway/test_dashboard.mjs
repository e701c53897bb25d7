// The dashboard in headless Debian chromium, driven by playwright-core: it
// loads, lists the demo fleet, and a click on Stop moves that server to
// SHUTOFF / OFFLINE on the page and through the API. A screenshot of the page
// is saved to build/dashboard.png (the README shows it).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(path.join(process.env.REPO_ROOT, "package.json"));
const { chromium } = require("playwright-core");

const fleet = path.join(process.env.REPO_ROOT, "examples", "fleet.json");
const shot = path.join(process.env.BUILD_ROOT, "dashboard.png");
const WEB2 = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e02";
const WEB1 = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01";

const views = (id) => page.locator(`tr[data-id="${id}"] .views`).innerText();
const waitForViews = (id, text) =>
  page.waitForFunction(([id, text]) => document.querySelector(`tr[data-id="${id}"] .views`)?.innerText.includes(text),
                       [id, text], { timeout: 10000 });

let gateway, url, browser, page;
const errors = [];

before(async () => {
  gateway = spawn(process.env.GATEWAY_BIN, ["--listen", "127.0.0.1:0", "--fleet", fleet],
                  { stdio: ["ignore", "pipe", "ignore"] });
  url = await new Promise((resolve, reject) => {
    createInterface({ input: gateway.stdout }).once("line", (line) => resolve(line.slice(line.indexOf("http://"))));
    gateway.once("exit", (code) => reject(new Error(`gateway exited ${code}`)));
  });
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"],
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${url}/_gateway/ui/`);
});
after(async () => {
  await browser?.close();
  gateway?.kill("SIGTERM");
});

test("lists the demo fleet: twelve servers in two tenants, both identities, the lock", async () => {
  await page.waitForSelector("tr[data-id]");
  assert.equal(await page.locator("tr[data-id]").count(), 12);
  assert.equal(await page.locator(".tenant h3").count(), 2);
  const row = page.locator(`tr[data-id="${WEB2}"]`);
  assert.match(await row.locator(".ids").innerText(), /s-0123456789abcde02/);
  assert.match(await row.locator(".views").innerText(), /Nova ACTIVE[\s\S]*Transfer ONLINE/);
  assert.match(await page.locator(`tr:has-text("db-primary") .lock`).innerText(), /locked by owner\s+database maintenance window/);
  await page.waitForSelector("#live:has-text('live')");
});

test("a click on Stop moves web-2 to SHUTOFF / OFFLINE on the page, from the event stream", async () => {
  const row = page.locator(`tr[data-id="${WEB2}"]`);
  await row.locator("button[data-act=stop]").click();
  await page.waitForFunction((id) => document.querySelector(`tr[data-id="${id}"] .views`)?.innerText.includes("SHUTOFF"),
                             WEB2, { timeout: 10000 });
  assert.match(await row.locator(".views").innerText(), /Nova SHUTOFF[\s\S]*Transfer OFFLINE/);
  assert.equal(await row.locator(".state").innerText(), "stopped");
  await page.waitForSelector("#events li");
  assert.match(await page.locator("#events").innerText(), /web-2: stopping → stopped/);
});

test("the API agrees with the page", async () => {
  const servers = await (await fetch(`${url}/_gateway/servers`)).json();
  const web2 = servers.servers.find((s) => s.id === WEB2);
  assert.equal(web2.state, "stopped");
  assert.equal(web2.nova.status, "SHUTOFF");
  assert.equal(web2.transfer.state, "OFFLINE");
});

test("Nova's other actions are offered as they apply, and run through the API: pause, then start unpauses", async () => {
  const row = page.locator(`tr[data-id="${WEB1}"]`);
  assert.deepEqual(await row.locator("select.more option").allInnerTexts(),
                   ["reboot", "reboot (hard)", "pause", "suspend", "shelve"]);
  await row.locator("select.more").selectOption("pause");
  await row.locator("button[data-act=more]").click();
  await waitForViews(WEB1, "PAUSED");
  assert.match(await views(WEB1), /Nova PAUSED[\s\S]*Transfer OFFLINE/);
  assert.equal(await row.locator(".state").innerText(), "paused");
  assert.deepEqual(await row.locator("select.more option").allInnerTexts(), ["reboot (hard)", "unpause", "shelve"]);
  const web1 = (await (await fetch(`${url}/_gateway/servers`)).json()).servers.find((s) => s.id === WEB1);
  assert.equal(web1.nova.status, "PAUSED");
  // Start on a paused server is Nova's unpause.
  await row.locator("button[data-act=start]").click();
  await waitForViews(WEB1, "ACTIVE");
  const journal = await (await fetch(`${url}/_gateway/journal?server=${WEB1}&api=nova`)).json();
  assert.deepEqual(journal.entries.map((e) => e.operation), ["pause", "unpause"]);
});

test("a fault rule shows up in its panel", async () => {
  await fetch(`${url}/_gateway/faults`, { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ match: { api: "transfer", operation: "StopServer" }, effect: { error: "unavailable" }, count: 3 }) });
  await page.waitForSelector("#faults li:has-text('StopServer')", { timeout: 5000 });
});

test("no script error on the page; the screenshot is saved", async () => {
  await page.screenshot({ path: shot, fullPage: true });
  assert.deepEqual(errors, []);
});
