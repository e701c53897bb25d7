// @aws-sdk/client-transfer for a server's users, SSH keys, host keys,
// accesses and security policies: the commands and paginators as an
// application calls them, errors named from x-amzn-ErrorType with the
// members of their shape (Resource, ResourceType), and the checks the SDK
// leaves to the service (it validates nothing, so every bad name arrives).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { createInterface } from "node:readline";
import path from "node:path";

const require = createRequire(path.join(process.env.REPO_ROOT, "package.json"));
const sdk = require("@aws-sdk/client-transfer");
const { TransferClient } = sdk;

const WEB1 = "s-0123456789abcde01";
const ROLE = "arn:aws:iam::000000000000:role/transfer";
const dir = mkdtempSync(path.join(tmpdir(), "transfer-users-js-"));
let gateway, aws, other;

// ssh-keygen as a user runs it; the fingerprint with AWS's padding.
let made = 0;
function makeKey(type, bits) {
  const file = path.join(dir, `key${++made}`);
  execFileSync("ssh-keygen", ["-q", "-t", type, ...(bits ? ["-b", String(bits)] : []), "-N", "", "-f", file]);
  const printed = execFileSync("ssh-keygen", ["-l", "-E", "sha256", "-f", `${file}.pub`]).toString().split(" ")[1];
  const body = printed.slice("SHA256:".length);
  return { private: readFileSync(file, "utf8"), public: readFileSync(`${file}.pub`, "utf8").trim(),
           fingerprint: `SHA256:${body}${"=".repeat((4 - (body.length % 4)) % 4)}` };
}

function client(url, region = "us-east-1") {
  return new TransferClient({ endpoint: url, region, maxAttempts: 1,
                              credentials: { accessKeyId: "test", secretAccessKey: "test" } });
}

before(async () => {
  gateway = spawn(process.env.GATEWAY_BIN, ["--listen", "127.0.0.1:0", "--fleet",
                                            path.join(process.env.REPO_ROOT, "examples", "fleet.json")],
                  { stdio: ["ignore", "pipe", "ignore"] });
  const url = await new Promise((resolve, reject) => {
    createInterface({ input: gateway.stdout }).once("line", (line) => resolve(line.slice(line.indexOf("http://"))));
    gateway.once("exit", (code) => reject(new Error(`gateway exited ${code}`)));
  });
  aws = client(url);
  other = client(url, "eu-west-1");
});
after(() => {
  gateway.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

const send = (command, input, through = aws) => through.send(new sdk[`${command}Command`](input));

async function rejects(promise, name, members = {}) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.name, name, e.message);
    assert.equal(e.$metadata.httpStatusCode, 400);
    for (const [k, v] of Object.entries(members)) assert.equal(e[k], v, k);
    return true;
  });
}

test("a user with keys of every type: created, described, listed, updated and deleted", async () => {
  const ed = makeKey("ed25519");
  const created = await send("CreateUser", { ServerId: WEB1, UserName: "js-user", Role: ROLE,
                                             HomeDirectory: "/bucket/js", SshPublicKeyBody: ed.public });
  assert.deepEqual([created.ServerId, created.UserName], [WEB1, "js-user"]);
  for (const [type, bits] of [["rsa", 2048], ["ecdsa", 384]]) {
    const { SshPublicKeyId } = await send("ImportSshPublicKey", { ServerId: WEB1, UserName: "js-user",
                                                                  SshPublicKeyBody: makeKey(type, bits).public });
    assert.match(SshPublicKeyId, /^key-[0-9a-f]{17}$/);
  }
  const { User } = await send("DescribeUser", { ServerId: WEB1, UserName: "js-user" });
  assert.equal(User.Arn, `arn:aws:transfer:us-east-1:000000000000:user/${WEB1}/js-user`);
  assert.equal(User.SshPublicKeys.length, 3);
  assert.ok(User.SshPublicKeys[0].DateImported instanceof Date);
  assert.equal(User.SshPublicKeys[0].SshPublicKeyBody, ed.public);
  await rejects(send("ImportSshPublicKey", { ServerId: WEB1, UserName: "js-user", SshPublicKeyBody: ed.public }),
                "ResourceExistsException",
                { Resource: User.SshPublicKeys[0].SshPublicKeyId, ResourceType: "SshPublicKey" });

  for (let i = 0; i < 5; i++) await send("CreateUser", { ServerId: WEB1, UserName: `page-${i}`, Role: ROLE });
  const names = [];
  for await (const page of sdk.paginateListUsers({ client: aws, pageSize: 2 }, { ServerId: WEB1 })) {
    assert.equal(page.ServerId, WEB1);
    names.push(...page.Users.map((u) => u.UserName));
  }
  assert.deepEqual(names, ["js-user", "page-0", "page-1", "page-2", "page-3", "page-4"]);
  assert.equal((await send("DescribeServer", { ServerId: WEB1 })).Server.UserCount, 6);

  await send("UpdateUser", { ServerId: WEB1, UserName: "js-user", HomeDirectoryType: "LOGICAL",
                             HomeDirectoryMappings: [{ Entry: "/", Target: "/bucket/js" }],
                             PosixProfile: { Uid: 1001, Gid: 1001 } });
  const updated = (await send("DescribeUser", { ServerId: WEB1, UserName: "js-user" })).User;
  assert.deepEqual(updated.HomeDirectoryMappings, [{ Entry: "/", Target: "/bucket/js" }]);
  assert.deepEqual(updated.PosixProfile, { Uid: 1001, Gid: 1001 });
  await send("DeleteSshPublicKey", { ServerId: WEB1, UserName: "js-user",
                                     SshPublicKeyId: User.SshPublicKeys[1].SshPublicKeyId });
  await send("DeleteUser", { ServerId: WEB1, UserName: "js-user" });
  await rejects(send("DescribeUser", { ServerId: WEB1, UserName: "js-user" }), "ResourceNotFoundException",
                { Resource: "js-user", ResourceType: "User", message: "Unknown user" });
});

test("what the SDK does not check, the service does: names, keys, lengths", async () => {
  for (const UserName of ["ab", "-dash", "x".repeat(101), "sp ace"]) {
    await assert.rejects(send("CreateUser", { ServerId: WEB1, UserName, Role: ROLE }), (e) => {
      assert.equal(e.name, "InvalidRequestException");
      assert.match(e.message, /at 'userName' failed to satisfy constraint/);
      return true;
    });
  }
  await rejects(send("CreateUser", { ServerId: WEB1, UserName: "no-role" }), "InvalidRequestException");
  await rejects(send("CreateUser", { ServerId: WEB1, UserName: "bad-key", Role: ROLE, SshPublicKeyBody: "ssh-ed25519 AAAA" }),
                "InvalidRequestException");
  await rejects(send("ImportHostKey", { ServerId: WEB1, HostKeyBody: makeKey("ed25519").public }),
                "InvalidRequestException");
  await rejects(send("DescribeHostKey", { ServerId: WEB1, HostKeyId: "hostkey-1" }), "InvalidRequestException");
  await rejects(send("ListUsers", { ServerId: WEB1, MaxResults: 0 }), "InvalidRequestException");
});

test("host keys: the fingerprint the server shows is its oldest imported key's", async () => {
  const generated = (await send("DescribeServer", { ServerId: "s-0123456789abcde03" })).Server.HostKeyFingerprint;
  assert.match(generated, /^SHA256:[A-Za-z0-9+/]{43}=$/);
  const first = makeKey("ecdsa", 256), second = makeKey("ed25519");
  const { HostKeyId } = await send("ImportHostKey", { ServerId: "s-0123456789abcde03", HostKeyBody: first.private,
                                                      Description: "first" });
  await send("ImportHostKey", { ServerId: "s-0123456789abcde03", HostKeyBody: second.private });
  const server = (await send("DescribeServer", { ServerId: "s-0123456789abcde03" })).Server;
  assert.equal(server.HostKeyFingerprint, first.fingerprint);
  const { HostKeys } = await send("ListHostKeys", { ServerId: "s-0123456789abcde03" });
  assert.deepEqual(HostKeys.map((k) => k.Fingerprint), [first.fingerprint, second.fingerprint]);
  assert.ok(HostKeys[0].DateImported instanceof Date);
  const { HostKey } = await send("DescribeHostKey", { ServerId: "s-0123456789abcde03", HostKeyId });
  assert.deepEqual([HostKey.Type, HostKey.Description], ["ecdsa-sha2-nistp256", "first"]);
  await rejects(send("ImportHostKey", { ServerId: "s-0123456789abcde03", HostKeyBody: first.private }),
                "ResourceExistsException", { Resource: HostKeyId, ResourceType: "HostKey" });
  await send("UpdateHostKey", { ServerId: "s-0123456789abcde03", HostKeyId, Description: "renamed" });
  await send("DeleteHostKey", { ServerId: "s-0123456789abcde03", HostKeyId });
  await rejects(send("DeleteHostKey", { ServerId: "s-0123456789abcde03", HostKeyId }), "ResourceNotFoundException",
                { Resource: HostKeyId, ResourceType: "HostKey" });
});

test("another region finds no server; accesses, policies and TestIdentityProvider", async () => {
  await rejects(send("ListUsers", { ServerId: WEB1 }, other), "ResourceNotFoundException",
                { Resource: WEB1, ResourceType: "Server", message: "Unknown server" });
  await rejects(send("ImportHostKey", { ServerId: WEB1, HostKeyBody: makeKey("ed25519").private }, other),
                "ResourceNotFoundException", { ResourceType: "Server" });
  const { ServerId } = await send("CreateServer", { IdentityProviderType: "AWS_DIRECTORY_SERVICE",
                                                    IdentityProviderDetails: { DirectoryId: "d-1234567890" } });
  const ExternalId = "S-1-1-12-1234567890";
  await send("CreateAccess", { ServerId, ExternalId, Role: ROLE, HomeDirectory: "/bucket" });
  assert.equal((await send("DescribeAccess", { ServerId, ExternalId })).Access.HomeDirectory, "/bucket");
  const accesses = [];
  for await (const page of sdk.paginateListAccesses({ client: aws }, { ServerId })) accesses.push(...page.Accesses);
  assert.deepEqual(accesses.map((a) => a.ExternalId), [ExternalId]);
  await rejects(send("CreateAccess", { ServerId, ExternalId, Role: ROLE }), "ResourceExistsException",
                { Resource: ExternalId, ResourceType: "Access" });
  await send("UpdateAccess", { ServerId, ExternalId, HomeDirectory: "/bucket/team" });
  await send("DeleteAccess", { ServerId, ExternalId });
  await rejects(send("DescribeAccess", { ServerId, ExternalId }), "ResourceNotFoundException",
                { ResourceType: "Access" });

  const names = [];
  for await (const page of sdk.paginateListSecurityPolicies({ client: aws, pageSize: 5 }, {}))
    names.push(...page.SecurityPolicyNames);
  assert.equal(names.length, 15);
  const { SecurityPolicy } = await send("DescribeSecurityPolicy", { SecurityPolicyName: "TransferSecurityPolicy-2024-01" });
  assert.equal(SecurityPolicy.Fips, false);
  assert.ok(SecurityPolicy.SshKexs.includes("curve25519-sha256"));
  await rejects(send("DescribeSecurityPolicy", { SecurityPolicyName: "TransferSecurityPolicy-1999-01" }),
                "ResourceNotFoundException", { ResourceType: "SecurityPolicy" });
  await assert.rejects(send("TestIdentityProvider", { ServerId: WEB1, UserName: "alice" }), (e) => {
    assert.equal(e.name, "InvalidRequestException");
    assert.equal(e.message, `${WEB1} not configured for external auth`);
    return true;
  });
});
