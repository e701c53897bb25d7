// The page's calls: the control plane, and the two cloud APIs as their
// clients call them, with credentials the control plane issues per tenant
// (a Keystone token of a project member, or an access key of an account).

const token = new URLSearchParams(location.search).get("token");

export function control(path, options = {}) {
  const url = token ? `${path}${path.includes("?") ? "&" : "?"}token=${encodeURIComponent(token)}` : path;
  const init = options.body === undefined ? options
    : { ...options, headers: { "Content-Type": "application/json" }, body: JSON.stringify(options.body) };
  return fetch(url, init).then(async (r) => {
    if (r.status === 204) return null;
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(body.error?.message ?? `${path}: ${r.status}`);
    return body;
  });
}

export function eventsUrl() {
  return token ? `/_gateway/events?token=${encodeURIComponent(token)}` : "/_gateway/events";
}

// Credentials, by tenant: asked once, kept for the page's life.
const credentials = new Map();
function credentialsFor(tenant) {
  const key = tenant.project ? `p:${tenant.project}` : `a:${tenant.account}:${tenant.region}`;
  if (!credentials.has(key)) {
    const body = tenant.project ? { project: tenant.project } : { account: tenant.account, region: tenant.region };
    credentials.set(key, control("/_gateway/credentials", { method: "POST", body }).catch((e) => {
      credentials.delete(key);
      throw e;
    }));
  }
  return credentials.get(key);
}

// The Nova action body for each core action the page offers (rebuild and
// resize take an image or a flavor to choose: the page leaves them to the API).
export const NOVA_BODIES = {
  stop: { "os-stop": null }, start: { "os-start": null },
  reboot: { reboot: { type: "SOFT" } }, reboot_hard: { reboot: { type: "HARD" } },
  pause: { pause: null }, unpause: { unpause: null }, suspend: { suspend: null }, resume: { resume: null },
  shelve: { shelve: null }, shelve_offload: { shelveOffload: null }, unshelve: { unshelve: null },
  confirm_resize: { confirmResize: null }, revert_resize: { revertResize: null }, restore: { restore: null },
  rescue: { rescue: null }, unrescue: { unrescue: null },
};

async function nova(tenant, method, path, body) {
  const { token: auth } = await credentialsFor(tenant);
  return fetch(`/compute/v2.1${path}`, {
    method, body: body === undefined ? undefined : JSON.stringify(body),
    headers: { "Content-Type": "application/json", "X-Auth-Token": auth },
  });
}

// Transfer's SigV4 in scope mode reads the access key and region from the
// credential scope; the signature itself is not checked there.
async function transfer(tenant, operation, body) {
  const { access_key: key } = await credentialsFor(tenant);
  const date = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+/, "");
  return fetch("/", {
    method: "POST", body: JSON.stringify(body),
    headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": `TransferService.${operation}`,
               "X-Amz-Date": date,
               "Authorization": `AWS4-HMAC-SHA256 Credential=${key}/${date.slice(0, 8)}/${tenant.region}/transfer/aws4_request, ` +
                                `SignedHeaders=host;x-amz-date, Signature=${"0".repeat(64)}` },
  });
}

// Why a call was refused, in the API's own words.
async function refusal(r) {
  const text = await r.text();
  try {
    const body = JSON.parse(text);
    const fault = Object.values(body)[0];
    return `${r.status} ${body.Message ?? body.message ?? fault?.message ?? text}`;
  } catch {
    return `${r.status} ${text.slice(0, 160)}`;
  }
}

// A lifecycle action on a server: Nova's for project tenants, Transfer's
// StopServer/StartServer for the others. Resolves to a line for the toast.
export async function act(server, action) {
  const r = server.tenant.project
    ? await nova(server.tenant, "POST", `/servers/${server.id}/action`, NOVA_BODIES[action])
    : await transfer(server.tenant, action === "stop" ? "StopServer" : "StartServer", { ServerId: server.server_id });
  if (!r.ok) throw new Error(`${action} ${server.name}: ${await refusal(r)}`);
  const note = r.headers.get("Billing-Note");
  return `${action} ${server.name}: accepted${note ? ` (${note})` : ""}`;
}

// A server's remote console (Nova's remote-consoles, 2.6): the URL of its console page.
export async function consoleUrl(server) {
  const { token: auth } = await credentialsFor(server.tenant);
  const r = await fetch(`/compute/v2.1/servers/${server.id}/remote-consoles`, {
    method: "POST", body: JSON.stringify({ remote_console: { protocol: "vnc", type: "novnc" } }),
    headers: { "Content-Type": "application/json", "X-Auth-Token": auth, "OpenStack-API-Version": "compute 2.6" },
  });
  if (!r.ok) throw new Error(`console of ${server.name}: ${await refusal(r)}`);
  return (await r.json()).remote_console.url;
}

export async function create(tenant, name) {
  let r;
  if (tenant.project) {
    const images = await fetch("/image/v2/images", { headers: { "X-Auth-Token": (await credentialsFor(tenant)).token } });
    const image = (await images.json()).images?.[0]?.id ?? "";
    r = await nova(tenant, "POST", "/servers", { server: { name, imageRef: image, flavorRef: "1" } });
  } else {
    r = await transfer(tenant, "CreateServer", { Tags: [{ Key: "Name", Value: name }] });
  }
  if (!r.ok) throw new Error(`create ${name}: ${await refusal(r)}`);
  return `create ${name}: accepted`;
}

export async function remove(server) {
  const r = server.tenant.project
    ? await nova(server.tenant, "DELETE", `/servers/${server.id}`)
    : await transfer(server.tenant, "DeleteServer", { ServerId: server.server_id });
  if (!r.ok) throw new Error(`delete ${server.name}: ${await refusal(r)}`);
  return `delete ${server.name}: accepted (billing ended)`;
}

// A server's users, through Transfer: the account its tenant maps to acts.
// A tenant with no account (a project no account maps to) has no Transfer view.
const accountOf = (tenant) => ({ account: tenant.account, region: tenant.region });

export async function createUser(server, name, publicKey) {
  if (!server.tenant.account) throw new Error(`${server.name}: no AWS account maps to this tenant`);
  const body = { ServerId: server.server_id, UserName: name,
                 Role: `arn:aws:iam::${server.tenant.account}:role/dashboard-user`, HomeDirectory: `/${name}` };
  let r = await transfer(accountOf(server.tenant), "CreateUser", body);
  if (!r.ok) throw new Error(`user ${name}: ${await refusal(r)}`);
  if (publicKey) {
    r = await transfer(accountOf(server.tenant), "ImportSshPublicKey",
                       { ServerId: server.server_id, UserName: name, SshPublicKeyBody: publicKey });
    if (!r.ok) throw new Error(`user ${name} made, its key refused: ${await refusal(r)}`);
  }
  return `user ${name} added to ${server.name}${publicKey ? " with its key" : ""}`;
}

export async function deleteUser(server, name) {
  const r = await transfer(accountOf(server.tenant), "DeleteUser", { ServerId: server.server_id, UserName: name });
  if (!r.ok) throw new Error(`remove ${name}: ${await refusal(r)}`);
  return `user ${name} removed from ${server.name}`;
}
