// @aws-sdk/client-transfer (npm, pinned in package-lock.json) against the
// gateway: StopServer, DescribeServer, errors whose name the SDK reads from
// the x-amzn-ErrorType header, and --sigv4 verify with the SDK's own signing
// (lower-case header names, x-amz-content-sha256 when it sends one).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { createInterface } from "node:readline";
import path from "node:path";

const require = createRequire(path.join(process.env.REPO_ROOT, "package.json"));
const { TransferClient, StopServerCommand, DescribeServerCommand, StartServerCommand, CreateServerCommand,
        ListServersCommand } = require("@aws-sdk/client-transfer");

const WEB1 = "s-0123456789abcde01";
const gateways = [];

// Starts $GATEWAY_BIN on a free port; resolves to its URL.
async function startGateway(args) {
  const gateway = spawn(process.env.GATEWAY_BIN, ["--listen", "127.0.0.1:0", ...args],
                        { stdio: ["ignore", "pipe", "ignore"] });
  gateways.push(gateway);
  return new Promise((resolve, reject) => {
    createInterface({ input: gateway.stdout }).once("line", (line) => resolve(line.slice(line.indexOf("http://"))));
    gateway.once("exit", (code) => reject(new Error(`gateway exited ${code}`)));
  });
}

function client(url, accessKeyId = "test", secretAccessKey = "test") {
  return new TransferClient({ endpoint: url, region: "us-east-1", maxAttempts: 1,
                              credentials: { accessKeyId, secretAccessKey } });
}

async function scopeMode() {
  const url = await startGateway(["--fleet", path.join(process.env.REPO_ROOT, "examples", "fleet.json")]);
  const aws = client(url);
  const stop = await aws.send(new StopServerCommand({ ServerId: WEB1 }));
  assert.equal(stop.$metadata.httpStatusCode, 200);
  const described = await aws.send(new DescribeServerCommand({ ServerId: WEB1 }));
  assert.equal(described.Server.State, "OFFLINE");
  assert.equal(described.Server.Arn, `arn:aws:transfer:us-east-1:000000000000:server/${WEB1}`);
  assert.deepEqual(described.Server.Protocols, ["SFTP"]);
  assert.equal(described.Server.EndpointType, "PUBLIC");
  assert.equal(described.Server.UserCount, 0);
  await aws.send(new StartServerCommand({ ServerId: WEB1 }));

  await assert.rejects(aws.send(new StopServerCommand({ ServerId: "s-0000000000000dead" })), (e) => {
    assert.equal(e.name, "ResourceNotFoundException");
    assert.equal(e.$metadata.httpStatusCode, 400);
    assert.equal(e.message, "Unknown server");
    assert.equal(e.Resource, "s-0000000000000dead");
    assert.equal(e.ResourceType, "Server");
    return true;
  });
  // The locked demo server: the SDK names the error from the header.
  await assert.rejects(aws.send(new StopServerCommand({ ServerId: "s-0123456789abcde04" })), (e) => {
    assert.equal(e.name, "InvalidRequestException");
    assert.equal(e.$metadata.httpStatusCode, 400);
    assert.match(e.message, /locked/);
    return true;
  });
  // The JS SDK validates nothing: the pattern is the service's to check.
  await assert.rejects(aws.send(new DescribeServerCommand({ ServerId: "s-1" })), (e) => {
    assert.equal(e.name, "InvalidRequestException");
    assert.match(e.message, /\^s-\(\[0-9a-f\]\{17\}\)\$/);
    return true;
  });
}

async function verifyMode() {
  const dir = mkdtempSync(path.join(tmpdir(), "transfer-js-"));
  try {
    const config = path.join(dir, "config.json");
    writeFileSync(config, JSON.stringify({ access_keys: [
      { access_key: "AKIDJS", secret_key: "js-secret", account: "333333333333" }] }));
    const url = await startGateway(["--sigv4", "verify", "--config", config]);
    const good = client(url, "AKIDJS", "js-secret");
    const { ServerId } = await good.send(new CreateServerCommand({ Tags: [{ Key: "Name", Value: "js" }] }));
    const { Server } = await good.send(new DescribeServerCommand({ ServerId }));
    assert.equal(Server.Arn, `arn:aws:transfer:us-east-1:333333333333:server/${ServerId}`);
    assert.deepEqual((await good.send(new ListServersCommand({}))).Servers.map((s) => s.ServerId), [ServerId]);
    for (const bad of [client(url, "AKIDJS", "wrong"), client(url, "NOSUCHKEY", "js-secret")]) {
      await assert.rejects(bad.send(new DescribeServerCommand({ ServerId })), (e) => {
        assert.equal(e.name, "AccessDeniedException");
        assert.equal(e.$metadata.httpStatusCode, 400);
        return true;
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let failed = false;
try {
  await scopeMode();
  await verifyMode();
  console.log("js sdk ok");
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  for (const g of gateways) g.kill("SIGTERM");
}
process.exit(failed ? 1 : 0);
