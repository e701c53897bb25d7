// The dashboard in headless Debian chromium, driven by playwright-core, at a
// projector's 1280x720: it lists the demo fleet, and every control a
// presenter uses (server actions, create and delete, a server's users and
// keys, its files as an SFTP client uploaded them, its console page, fault
// presets, the clock, the journal) is
// clicked, or pressed from the keyboard, and its result checked through the
// API. Screenshots of the page and of a console page are saved to
// build/dashboard.png and build/console.png (the README shows them).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import { createInterface } from "node:readline";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(path.join(process.env.REPO_ROOT, "package.json"));
const { chromium } = require("playwright-core");

const fleet = path.join(process.env.REPO_ROOT, "examples", "fleet.json");
const shot = path.join(process.env.BUILD_ROOT, "dashboard.png");
const WEB2 = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e02";
const WEB1 = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01";

const api = async (path, init) => (await fetch(`${url}${path}`, init)).json();
const rules = async () => (await api("/_gateway/faults")).rules;
const serverNamed = async (name) => (await api("/_gateway/servers")).servers.find((s) => s.name === name);
const until = async (check, what) => {
  for (const deadline = Date.now() + 10000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50)))
    if (await check()) return;
  assert.fail(`timed out waiting for ${what}`);
};

const views = (id) => page.locator(`tr[data-id="${id}"] .views`).innerText();
const waitForViews = (id, text) =>
  page.waitForFunction(([id, text]) => document.querySelector(`tr[data-id="${id}"] .views`)?.innerText.includes(text),
                       [id, text], { timeout: 10000 });

let gateway, url, browser, page;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dashboard-files-"));
const errors = [];

before(async () => {
  gateway = spawn(process.env.GATEWAY_BIN, ["--listen", "127.0.0.1:0", "--fleet", fleet, "--data-dir", dataDir],
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
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${url}/_gateway/ui/`);
});
after(async () => {
  await browser?.close();
  gateway?.kill("SIGTERM");
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test("lists the demo fleet: twelve servers in two tenants, both identities, the lock", async () => {
  await page.waitForSelector("tr[data-id]");
  assert.equal(await page.locator("tr[data-id]").count(), 12);
  assert.equal(await page.locator(".tenant h3").count(), 2);
  const row = page.locator(`tr[data-id="${WEB2}"]`);
  assert.match(await row.locator(".ids").innerText(), /s-0123456789abcde02/);
  assert.match(await row.locator(".views").innerText(), /Nova ACTIVE[\s\S]*Transfer ONLINE/);
  assert.match(await page.locator(`tr:has-text("db-primary") .lock`).innerText(), /locked by owner\s+database maintenance window/);
  // Each server's address on its project's network, from the network model.
  assert.match(await row.locator(".addresses").innerText(), /^10\.0\.0\.\d+$/);
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
                   ["reboot", "reboot (hard)", "pause", "suspend", "shelve", "rescue"]);
  // The fleet file's servers have no image: Nova sees them booted from a volume, and refuses their rescue.
  await row.locator("select.more").selectOption("rescue");
  await row.locator("button[data-act=more]").click();
  await page.waitForSelector("#toast:has-text('Cannot rescue a volume-backed instance')");
  assert.equal(await row.locator(".state").innerText(), "running");
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
  assert.deepEqual(journal.entries.map((e) => [e.operation, e.result]),
                   [["rescue", "invalid_argument"], ["pause", "accepted"], ["unpause", "accepted"]]);
});

test("fault presets add rules, listed in their panel; each is removed by its button, or all at once", async () => {
  await page.locator("button[data-preset=next-stop-fails]").click();
  await until(async () => (await rules()).length === 2, "two rules");
  assert.deepEqual((await rules()).map((r) => [r.match.operation, r.effect.fail_transition, r.count]),
                   [["os-stop", true, 1], ["StopServer", true, 1]]);
  await page.waitForSelector("#faults li:has-text('StopServer')");
  // The next stop fails: web-1 ends in ERROR / STOP_FAILED.
  await page.locator(`tr[data-id="${WEB1}"] button[data-act=stop]`).click();
  await waitForViews(WEB1, "ERROR");
  assert.equal((await serverNamed("web-1")).transfer.state, "STOP_FAILED");
  const first = (await rules())[0].id;
  await page.locator(`button[data-remove-rule="${first}"]`).click();
  await until(async () => (await rules()).length === 1, "one rule left");
  await page.locator("button[data-preset=latency]").click();
  await page.locator("button[data-preset=nova-down]").click();
  await until(async () => (await rules()).length === 3, "three rules");
  assert.ok((await rules()).some((r) => r.effect.latency_ms === 1500));
  // Nova unavailable: the page's next Nova call says so, in Nova's words.
  await page.locator(`tr[data-id="${WEB1}"] button[data-act=stop]`).click();
  await page.waitForSelector("#toast:has-text('503')");
  await page.locator("#faults-clear").click();
  await until(async () => (await rules()).length === 0, "no rules");
  await page.waitForSelector("#faults li.empty");
  await page.locator("button[data-preset=throttling]").click();
  await until(async () => (await rules())[0]?.effect.error === "throttled", "the throttling rule");
  await page.locator("#faults-clear").click();
  await until(async () => (await rules()).length === 0, "no rules");
});

test("the clock: freeze (from the keyboard), advance 10 s, back to real time", async () => {
  await page.locator("#clock-freeze").focus();
  await page.keyboard.press("Enter");
  await until(async () => (await api("/_gateway/clock")).mode === "virtual", "a frozen clock");
  const frozen = (await api("/_gateway/clock")).now_ms;
  await page.waitForSelector("#clock:has-text('frozen')");
  await page.locator("#clock-advance").click();
  await until(async () => (await api("/_gateway/clock")).now_ms === frozen + 10000, "the clock 10 s on");
  await page.locator("#clock-real").click();
  await until(async () => (await api("/_gateway/clock")).mode === "real", "real time");
  await page.waitForSelector("#clock:has-text('clock: real')");
});

test("create a server in a tenant, then delete it: both through the real API, both in the journal", async () => {
  await page.locator("#create-tenant").selectOption("project alt");
  await page.locator("#create-name").fill("made-by-page");
  await page.locator("#create button[type=submit]").click();
  await until(async () => (await serverNamed("made-by-page"))?.state === "running", "the new server");
  const made = await serverNamed("made-by-page");
  assert.equal(made.tenant.project, "alt");
  await page.waitForSelector(`tr[data-id="${made.id}"]`);
  await page.waitForSelector("#journal li:has-text('create')");
  await page.locator(`tr[data-id="${made.id}"] button[data-act=delete]`).click();
  await until(async () => !(await serverNamed("made-by-page")), "the server gone");
  const ledger = (await api("/_gateway/billing")).servers.find((e) => e.id === made.id);
  assert.equal(ledger.deleted, true);
  const journal = await api(`/_gateway/journal?server=${made.id}`);
  assert.deepEqual(journal.entries.map((e) => [e.api, e.operation, e.caller.user]),
                   [["nova", "create", "dashboard"], ["nova", "delete", "dashboard"]]);
});

test("a Transfer-only tenant's server is driven through Transfer, with an access key the control plane issues", async () => {
  const key = await api("/_gateway/credentials", { method: "POST", body: JSON.stringify({ account: "222222222222", region: "eu-west-1" }) });
  const date = "20260101T000000Z";
  const made = await (await fetch(`${url}/`, { method: "POST", body: "{}", headers: {
    "X-Amz-Target": "TransferService.CreateServer", "Content-Type": "application/x-amz-json-1.1", "X-Amz-Date": date,
    "Authorization": `AWS4-HMAC-SHA256 Credential=${key.access_key}/20260101/eu-west-1/transfer/aws4_request, SignedHeaders=host, Signature=00` } })).json();
  const row = page.locator(`tr:has-text("${made.ServerId}")`);
  await row.waitFor();
  await row.locator("button[data-act=stop]").click();
  await until(async () => (await api("/_gateway/servers")).servers.find((s) => s.server_id === made.ServerId)?.state === "stopped",
              "the Transfer server stopped");
  assert.equal(await row.locator("select.more").count(), 0);  // Nova's actions are for project tenants
});

test("a server's users and keys: shown from the control plane, added and removed through Transfer", async () => {
  const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOPL4e0bHAWld/vOwAv7AgT20cwsg9gj9VyfOrTriiRw page@test";
  const row = page.locator(`tr[data-id="${WEB2}"]`);
  await row.locator("button[data-act=logins]").click();
  await page.waitForSelector("#logins-panel:not([hidden]) #logins-server:has-text('web-2')");
  assert.match(await page.locator("#logins").innerText(), /Host key presented \(generated\)[\s\S]*ssh-ed25519 SHA256:/);
  assert.match(await page.locator("#logins .users").innerText(), /no users/);
  await page.locator("#user-name").fill("page-user");
  await page.locator("#user-key").fill(key);
  await page.locator("#add-user button[type=submit]").click();
  await page.waitForSelector("#logins li[data-user=page-user]");
  assert.match(await page.locator("#logins li[data-user=page-user]").innerText(),
               /page-user[\s\S]*\/page-user[\s\S]*ssh-ed25519 SHA256:rZifeGYp7iGqe5Z\+7Z44Dwl9GswCP2ZM\/1MyTFnfe1g=/);
  const logins = await api(`/_gateway/servers/${WEB2}/logins`);
  assert.deepEqual(logins.users.map((u) => [u.name, u.public_keys.length]), [["page-user", 1]]);
  await page.waitForSelector(`tr[data-id="${WEB2}"] button[data-act=logins]:has-text("1 user")`);
  // The page acted through Transfer, with an access key the control plane issued.
  const journal = await api(`/_gateway/journal?server=${WEB2}&api=transfer`);
  assert.deepEqual(journal.entries.map((e) => [e.operation, e.result]),
                   [["CreateUser", "accepted"], ["ImportSshPublicKey", "accepted"]]);
  assert.match(journal.entries[0].caller.access_key, /^AKGW/);
  await page.locator("button[data-remove-user=page-user]").focus();
  await page.keyboard.press("Enter");
  await page.waitForSelector("#logins .users li.empty");
  assert.deepEqual((await api(`/_gateway/servers/${WEB2}/logins`)).users, []);
  await page.locator("#logins-close").click();
  await page.waitForSelector("#logins-panel[hidden]", { state: "attached" });
});

test("a server's files: an upload by OpenSSH's sftp, listed from its sftp badge, a directory opened by a click", async () => {
  const s = (await api("/_gateway/servers")).servers.find((x) => x.tenant.account && x.state === "running" && x.sftp);
  // A user with a key of our own, made through Transfer with an access key the control plane issues.
  const keyPath = path.join(dataDir, "files-user-key");
  spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", keyPath], { stdio: "ignore" });
  const key = await api("/_gateway/credentials", { method: "POST",
                                                   body: JSON.stringify({ account: s.tenant.account, region: s.tenant.region }) });
  const made = await fetch(`${url}/`, { method: "POST", headers: {
    "X-Amz-Target": "TransferService.CreateUser", "Content-Type": "application/x-amz-json-1.1", "X-Amz-Date": "20260101T000000Z",
    "Authorization": `AWS4-HMAC-SHA256 Credential=${key.access_key}/20260101/${s.tenant.region}/transfer/aws4_request, SignedHeaders=host, Signature=00` },
    body: JSON.stringify({ ServerId: s.server_id, UserName: "files-user", Role: "arn:aws:iam::000000000000:role/transfer",
                           HomeDirectory: "/bucket/files-user",
                           SshPublicKeyBody: fs.readFileSync(`${keyPath}.pub`, "utf8").trim() }) });
  assert.equal(made.status, 200, await made.text());
  const local = path.join(dataDir, "q1.csv");
  fs.writeFileSync(local, "a,b\n1,2\n");
  const batch = path.join(dataDir, "batch");
  fs.writeFileSync(batch, `mkdir reports\nput ${local} reports/q1.csv\n`);
  const sftp = spawnSync("sftp", ["-b", batch, "-i", keyPath, "-P", String(s.sftp.port), "-o", "StrictHostKeyChecking=no",
                                  "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
                                  "files-user@127.0.0.1"], { encoding: "utf8", timeout: 30000 });
  assert.equal(sftp.status, 0, sftp.stderr);

  const row = page.locator(`tr[data-id="${s.id}"]`);
  await row.locator("button[data-act=files]").click();
  await page.waitForSelector(`#files-panel:not([hidden]) #files-server:has-text("${s.name}")`);
  for (const dir of ["/bucket", "/bucket/files-user", "/bucket/files-user/reports"])
    await page.locator(`#files button[data-path="${dir}"]`).click();
  await page.waitForSelector("#files li[data-file='q1.csv']");
  assert.match(await page.locator("#files li[data-file='q1.csv']").innerText(), /q1\.csv\s+8 B/);
  assert.equal(await page.locator("#files-path").innerText(), "/bucket/files-user/reports");
  // Back up from the path above the list.
  await page.locator("#files-path button[data-path='/bucket']").click();
  await page.waitForSelector("#files button[data-path='/bucket/files-user']");
  const listing = await api(`/_gateway/servers/${s.id}/files?path=/bucket/files-user/reports`);
  assert.deepEqual(listing.entries.map((e) => [e.name, e.type, e.size]), [["q1.csv", "file", 8]]);
  await page.locator("#files-close").click();
  await page.waitForSelector("#files-panel[hidden]", { state: "attached" });
});

test("a server's Console button opens its console page in a new tab: its log, and its status as it changes", async () => {
  const s = (await api("/_gateway/servers")).servers.find((x) => x.tenant.project && x.state === "running" && !x.locked);
  const [tab] = await Promise.all([page.context().waitForEvent("page"),
                                   page.locator(`tr[data-id="${s.id}"] button[data-act=console]`).click()]);
  tab.on("pageerror", (e) => errors.push(`console page: ${e}`));
  await tab.waitForSelector("#log:has-text('login:')", { timeout: 10000 });
  assert.match(tab.url(), /^http:\/\/127\.0\.0\.1:\d+\/vnc_lite\.html\?path=%3Ftoken%3D[A-Za-z0-9_-]{32}$/);
  assert.equal(await tab.locator("#name").innerText(), s.name);
  assert.equal(await tab.locator("#state").innerText(), "ACTIVE");
  assert.match(await tab.locator("#log").innerText(), new RegExp(`instance-id: ${s.id}`));
  await tab.setViewportSize({ width: 1280, height: 720 });
  await tab.screenshot({ path: path.join(process.env.BUILD_ROOT, "console.png") });
  // Stopped from the dashboard: the console page shows it on its next read.
  await page.locator(`tr[data-id="${s.id}"] button[data-act=stop]`).click();
  await tab.waitForSelector("#state:has-text('SHUTOFF')", { timeout: 10000 });
  await page.locator(`tr[data-id="${s.id}"] button[data-act=start]`).click();
  await tab.waitForSelector("#state:has-text('ACTIVE')", { timeout: 10000 });
  await tab.close();
});

test("readable at a projector's 1280x720: nothing runs off the side", async () => {
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 1280));
  const right = await page.evaluate(() => Math.max(...[...document.querySelectorAll("td.act button")]
    .map((b) => b.getBoundingClientRect().right)));
  assert.ok(right <= 1280, `buttons reach ${right}px`);
});

test("no script error on the page; the screenshot is saved", async () => {
  await page.screenshot({ path: shot, fullPage: true });
  assert.deepEqual(errors, []);
});
