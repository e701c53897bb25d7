// @aws-sdk/client-transfer (npm, pinned in package-lock.json) against the
// gateway: StopServer, DescribeServer, errors whose name the SDK reads from
// the x-amzn-ErrorType header, and --sigv4 verify with the SDK's own signing
// (lower-case header names, x-amz-content-sha256 when it sends one).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
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

function stopGateways() {
  for (const g of gateways.splice(0)) g.kill("SIGTERM");
}

function client(url, accessKeyId = "test", secretAccessKey = "test") {
  return new TransferClient({ endpoint: url, region: "us-east-1", maxAttempts: 1,
                              credentials: { accessKeyId, secretAccessKey } });
}

// Two gateways: the demo fleet in scope mode, and --sigv4 verify with one key.
let aws, verifyUrl;
const dir = mkdtempSync(path.join(tmpdir(), "transfer-js-"));
before(async () => {
  aws = client(await startGateway(["--fleet", path.join(process.env.REPO_ROOT, "examples", "fleet.json")]));
  const config = path.join(dir, "config.json");
  writeFileSync(config, JSON.stringify({ access_keys: [
    { access_key: "AKIDJS", secret_key: "js-secret", account: "333333333333" }] }));
  verifyUrl = await startGateway(["--sigv4", "verify", "--config", config]);
});
after(() => {
  stopGateways();
  rmSync(dir, { recursive: true, force: true });
});

test("StopServer answers 200; DescribeServer shows OFFLINE and the model's defaults", async () => {
  const stop = await aws.send(new StopServerCommand({ ServerId: WEB1 }));
  assert.equal(stop.$metadata.httpStatusCode, 200);
  const described = await aws.send(new DescribeServerCommand({ ServerId: WEB1 }));
  assert.equal(described.Server.State, "OFFLINE");
  assert.equal(described.Server.Arn, `arn:aws:transfer:us-east-1:000000000000:server/${WEB1}`);
  assert.deepEqual(described.Server.Protocols, ["SFTP"]);
  assert.equal(described.Server.EndpointType, "PUBLIC");
  assert.equal(described.Server.UserCount, 0);
  await aws.send(new StartServerCommand({ ServerId: WEB1 }));
  assert.equal((await aws.send(new DescribeServerCommand({ ServerId: WEB1 }))).Server.State, "ONLINE");
});

test("an unknown server is ResourceNotFoundException with Resource and ResourceType", async () => {
  await assert.rejects(aws.send(new StopServerCommand({ ServerId: "s-0000000000000dead" })), (e) => {
    assert.equal(e.name, "ResourceNotFoundException");
    assert.equal(e.$metadata.httpStatusCode, 400);
    assert.equal(e.message, "Unknown server");
    assert.equal(e.Resource, "s-0000000000000dead");
    assert.equal(e.ResourceType, "Server");
    return true;
  });
});

test("the locked demo server: InvalidRequestException, named from the header", async () => {
  await assert.rejects(aws.send(new StopServerCommand({ ServerId: "s-0123456789abcde04" })), (e) => {
    assert.equal(e.name, "InvalidRequestException");
    assert.equal(e.$metadata.httpStatusCode, 400);
    assert.match(e.message, /locked/);
    return true;
  });
});

test("a malformed ServerId is the service's to refuse (the JS SDK validates nothing)", async () => {
  await assert.rejects(aws.send(new DescribeServerCommand({ ServerId: "s-1" })), (e) => {
    assert.equal(e.name, "InvalidRequestException");
    assert.match(e.message, /\^s-\(\[0-9a-f\]\{17\}\)\$/);
    return true;
  });
});

test("--sigv4 verify: a request signed with the configured secret is served in that key's account", async () => {
  const good = client(verifyUrl, "AKIDJS", "js-secret");
  const { ServerId } = await good.send(new CreateServerCommand({ Tags: [{ Key: "Name", Value: "js" }] }));
  const { Server } = await good.send(new DescribeServerCommand({ ServerId }));
  assert.equal(Server.Arn, `arn:aws:transfer:us-east-1:333333333333:server/${ServerId}`);
  assert.deepEqual((await good.send(new ListServersCommand({}))).Servers.map((s) => s.ServerId), [ServerId]);
});

test("--sigv4 verify: a wrong secret and an unknown key are AccessDeniedException", async () => {
  for (const bad of [client(verifyUrl, "AKIDJS", "wrong"), client(verifyUrl, "NOSUCHKEY", "js-secret")]) {
    await assert.rejects(bad.send(new ListServersCommand({})), (e) => {
      assert.equal(e.name, "AccessDeniedException");
      assert.equal(e.$metadata.httpStatusCode, 400);
      return true;
    });
  }
});

