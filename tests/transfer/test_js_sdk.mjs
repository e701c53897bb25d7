// @aws-sdk/client-transfer (npm, pinned in package-lock.json) against the
// gateway: StopServer, DescribeServer, and an error whose name the SDK reads
// from the x-amzn-ErrorType header.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import path from "node:path";

const require = createRequire(path.join(process.env.REPO_ROOT, "package.json"));
const { TransferClient, StopServerCommand, DescribeServerCommand, StartServerCommand } =
  require("@aws-sdk/client-transfer");

const fleet = path.join(process.env.REPO_ROOT, "examples", "fleet.json");
const gateway = spawn(process.env.GATEWAY_BIN, ["--listen", "127.0.0.1:0", "--fleet", fleet],
                      { stdio: ["ignore", "pipe", "ignore"] });
const url = await new Promise((resolve, reject) => {
  createInterface({ input: gateway.stdout }).once("line", (line) => resolve(line.slice(line.indexOf("http://"))));
  gateway.once("exit", (code) => reject(new Error(`gateway exited ${code}`)));
});

const client = new TransferClient({
  endpoint: url, region: "us-east-1", maxAttempts: 1,
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});

let failed = false;
try {
  const stop = await client.send(new StopServerCommand({ ServerId: "s-0123456789abcde01" }));
  assert.equal(stop.$metadata.httpStatusCode, 200);
  const described = await client.send(new DescribeServerCommand({ ServerId: "s-0123456789abcde01" }));
  assert.equal(described.Server.State, "OFFLINE");
  assert.equal(described.Server.Arn, "arn:aws:transfer:us-east-1:000000000000:server/s-0123456789abcde01");
  assert.deepEqual(described.Server.Protocols, ["SFTP"]);
  await client.send(new StartServerCommand({ ServerId: "s-0123456789abcde01" }));

  await assert.rejects(client.send(new StopServerCommand({ ServerId: "s-0000000000000dead" })), (e) => {
    assert.equal(e.name, "ResourceNotFoundException");
    assert.equal(e.$metadata.httpStatusCode, 400);
    assert.equal(e.message, "Unknown server");
    assert.equal(e.Resource, "s-0000000000000dead");
    assert.equal(e.ResourceType, "Server");
    return true;
  });
  // The locked demo server: the SDK names the error from the header.
  await assert.rejects(client.send(new StopServerCommand({ ServerId: "s-0123456789abcde04" })), (e) => {
    assert.equal(e.name, "InvalidRequestException");
    assert.match(e.message, /locked/);
    return true;
  });
  console.log("js sdk ok");
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  gateway.kill("SIGTERM");
}
process.exit(failed ? 1 : 0);
