// The dashboard over HTTPS (--tls-cert, --tls-key) in headless Debian
// chromium: a browser that does not trust the test's certificate refuses
// the page; one told to trust exactly that certificate's key (chromium's
// --ignore-certificate-errors-spki-list) loads it, lists the fleet live from
// the event stream, and a click on Stop goes through the API over TLS.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { execFileSync, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(path.join(process.env.REPO_ROOT, "package.json"));
const { chromium } = require("playwright-core");

const fleet = path.join(process.env.REPO_ROOT, "examples", "fleet.json");
const WEB2 = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e02";
const launchArgs = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync"];

let caDir, gateway, url, spki;
const browsers = [];

// The base64 SHA-256 of the certificate's public key, as chromium's flag wants it.
function spkiHash(certPath) {
  const pub = execFileSync("openssl", ["x509", "-in", certPath, "-pubkey", "-noout"]);
  const der = execFileSync("openssl", ["pkey", "-pubin", "-outform", "der"], { input: pub });
  return execFileSync("openssl", ["dgst", "-sha256", "-binary"], { input: der }).toString("base64");
}

async function browser(extraArgs = []) {
  const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: [...launchArgs, ...extraArgs] });
  browsers.push(b);
  return b;
}

before(async () => {
  caDir = mkdtempSync(path.join(tmpdir(), "gateway-page-ca-"));
  execFileSync(path.join(process.env.REPO_ROOT, "tests", "harness", "make_test_ca.sh"), [caDir]);
  spki = spkiHash(path.join(caDir, "server.pem"));
  gateway = spawn(process.env.GATEWAY_BIN, ["--listen", "127.0.0.1:0", "--fleet", fleet,
                                            "--tls-cert", path.join(caDir, "server.pem"),
                                            "--tls-key", path.join(caDir, "server.key")],
                  { stdio: ["ignore", "pipe", "ignore"] });
  url = await new Promise((resolve, reject) => {
    createInterface({ input: gateway.stdout }).once("line", (line) => resolve(line.slice(line.indexOf("https://"))));
    gateway.once("exit", (code) => reject(new Error(`gateway exited ${code}`)));
  });
});
after(async () => {
  for (const b of browsers) await b.close();
  gateway?.kill("SIGTERM");
  if (caDir) rmSync(caDir, { recursive: true, force: true });
});

test("the start line says https://", () => {
  assert.match(url, /^https:\/\/127\.0\.0\.1:\d+$/);
});

test("a browser that does not trust the certificate refuses the page", async () => {
  const page = await (await browser()).newPage();
  await assert.rejects(page.goto(`${url}/_gateway/ui/`), /ERR_CERT_AUTHORITY_INVALID/);
});

test("trusting the certificate's key: the page lists the fleet and a Stop goes through over TLS", async () => {
  const page = await (await browser([`--ignore-certificate-errors-spki-list=${spki}`])).newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  const response = await page.goto(`${url}/_gateway/ui/`);
  assert.equal(response.status(), 200);
  assert.equal(new URL(page.url()).protocol, "https:");
  await page.waitForSelector("tr[data-id]");
  assert.equal(await page.locator("tr[data-id]").count(), 12);
  await page.waitForSelector("#live:has-text('live')");  // the event stream, over TLS
  const row = page.locator(`tr[data-id="${WEB2}"]`);
  await row.locator("button[data-act=stop]").click();
  await page.waitForFunction((id) => document.querySelector(`tr[data-id="${id}"] .views`)?.innerText.includes("SHUTOFF"),
                             WEB2, { timeout: 10000 });
  const servers = await page.evaluate(() => fetch("/_gateway/servers").then((r) => r.json()));
  assert.equal(servers.servers.find((s) => s.id === WEB2).state, "stopped");
  assert.deepEqual(errors, []);
});
