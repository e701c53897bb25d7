// The dashboard: the fleet of every tenant, live from /_gateway/events.
// Stop, start and Nova's other actions go through the real APIs, as a client would call them.
"use strict";

const token = new URLSearchParams(location.search).get("token");
const servers = new Map();   // id -> server, as /_gateway/servers renders it
const billing = new Map();   // id -> ledger entry, with the time it was read
let clockVirtual = false;
let novaToken = null;

const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const POWERED_ON = new Set(["provisioning", "running", "stopping", "stop_failed", "rebooting", "rebooting_hard",
                            "pausing", "suspending", "shelving"]);
// The Nova action body for each core action (the page acts through the real API).
const NOVA_BODIES = {
  stop: { "os-stop": null }, start: { "os-start": null },
  reboot: { reboot: { type: "SOFT" } }, reboot_hard: { reboot: { type: "HARD" } },
  pause: { pause: null }, unpause: { unpause: null }, suspend: { suspend: null }, resume: { resume: null },
  shelve: { shelve: null }, shelve_offload: { shelveOffload: null }, unshelve: { unshelve: null },
};
const LABELS = { reboot_hard: "reboot (hard)", shelve_offload: "shelve offload" };
// Transfer's StartServer brings back whatever is powered off.
const POWER_ON = new Set(["start", "unpause", "resume", "unshelve"]);

function control(path, options = {}) {
  const url = token ? `${path}${path.includes("?") ? "&" : "?"}token=${encodeURIComponent(token)}` : path;
  return fetch(url, options).then((r) => (r.ok ? r.json() : Promise.reject(new Error(`${path}: ${r.status}`))));
}

async function loadServers() {
  const body = await control("/_gateway/servers");
  servers.clear();
  for (const s of body.servers) servers.set(s.id, s);
  render();
}

async function loadBilling() {
  const body = await control("/_gateway/billing");
  const now = performance.now();
  for (const e of body.servers) if (!e.deleted) billing.set(e.id, { ...e, readAt: now });
}

async function loadFaults() {
  const body = await control("/_gateway/faults");
  const list = $("faults");
  if (!body.rules.length) {
    list.innerHTML = '<li class="empty">none active</li>';
    return;
  }
  list.innerHTML = body.rules.map((r) => {
    const m = r.match, e = r.effect;
    const what = [m.api, m.operation, m.server ? servers.get(m.server)?.name ?? m.server_id : null]
      .filter(Boolean).join(" · ") || "every call";
    const effect = [e.error, e.latency_ms ? `+${e.latency_ms} ms` : null, e.fail_transition ? "failed transition" : null]
      .filter(Boolean).join(", ");
    const often = r.count ? `${r.fired}/${r.count}` : `${r.fired} fired`;
    return `<li><b>#${r.id}</b> ${esc(what)} &rarr; ${esc(effect)} <span class="empty">(${often}${r.probability < 1 ? `, p=${r.probability}` : ""})</span></li>`;
  }).join("");
}

async function loadClock() {
  const c = await control("/_gateway/clock");
  clockVirtual = c.mode === "virtual";
  const pill = $("clock");
  pill.textContent = clockVirtual ? "clock: virtual" : "clock: real";
  pill.className = clockVirtual ? "pill virtual" : "pill";
}

function tenantKey(t) {
  return t.project ? `project ${t.project}` : `account ${t.account} · ${t.region}`;
}

function billed(id, state) {
  const b = billing.get(id);
  if (!b) return null;
  // Between reads, the counters tick with the wall clock (unless time is virtual).
  const extra = clockVirtual ? 0 : (performance.now() - b.readAt) / 1000;
  const on = POWERED_ON.has(state);
  return { billed: b.billed_seconds + extra, running: b.running_seconds + (on ? extra : 0),
           stopped: b.stopped_seconds + (on ? 0 : extra) };
}

function duration(s) {
  s = Math.floor(s);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  return h ? `${h}h ${String(m).padStart(2, "0")}m` : `${m}m ${String(sec).padStart(2, "0")}s`;
}

function row(s) {
  const nova = s.nova, aws = s.transfer;
  const b = billed(s.id, s.state);
  const actions = s.actions || [];
  const canStop = actions.includes("stop");
  const canStart = actions.some((a) => POWER_ON.has(a));
  // Nova's other actions, for servers a Nova project sees.
  const more = s.tenant.project ? actions.filter((a) => a !== "stop" && a !== "start") : [];
  return `<tr data-id="${esc(s.id)}">
    <td class="name">${esc(s.name)}</td>
    <td class="ids"><code>${esc(s.id)}</code><code>${esc(s.server_id)}</code></td>
    <td><span class="state ${esc(s.state)}">${esc(s.state)}</span></td>
    <td class="views">Nova <b>${esc(nova.status)}</b>${nova.task_state ? ` · ${esc(nova.task_state)}` : ""}<br>
        Transfer <b>${esc(aws.state)}</b></td>
    <td class="lock">${s.locked ? `<span class="tag">locked by ${esc(s.locked_by)}</span><br>${esc(s.locked_reason)}` : ""}</td>
    <td class="billing">${b ? `${duration(b.billed)}<br><span>on ${duration(b.running)} · off ${duration(b.stopped)}</span>` : ""}</td>
    <td class="act"><button data-act="stop" ${canStop ? "" : "disabled"}>Stop</button>
        <button data-act="start" ${canStart ? "" : "disabled"}>Start</button>
        ${more.length ? `<select class="more" aria-label="more Nova actions for ${esc(s.name)}">
          ${more.map((a) => `<option value="${esc(a)}">${esc(LABELS[a] ?? a)}</option>`).join("")}</select>
          <button data-act="more">Run</button>` : ""}</td>
  </tr>`;
}

function render() {
  const groups = new Map();
  for (const s of servers.values()) {
    const key = tenantKey(s.tenant);
    if (!groups.has(key)) groups.set(key, { tenant: s.tenant, list: [] });
    groups.get(key).list.push(s);
  }
  $("tenants").innerHTML = [...groups.entries()].map(([key, g]) => `
    <div class="tenant"><h3>${esc(key)}<small>${g.tenant.project && g.tenant.account
      ? `account ${esc(g.tenant.account)} · ${esc(g.tenant.region)}` : ""}</small></h3>
      <table><colgroup><col class="c-name"><col class="c-ids"><col class="c-state"><col class="c-views">
      <col class="c-lock"><col class="c-bill"><col class="c-act"></colgroup><thead><tr><th>Name</th><th>Nova / Transfer id</th><th>Core state</th><th>Views</th>
      <th>Lock</th><th>Billed</th><th></th></tr></thead>
      <tbody>${g.list.map(row).join("")}</tbody></table></div>`).join("")
    || '<p class="empty">no servers</p>';
  renderSummary();
}

function renderSummary() {
  const counts = {};
  for (const s of servers.values()) counts[s.state] = (counts[s.state] || 0) + 1;
  let total = 0;
  for (const s of servers.values()) total += billed(s.id, s.state)?.billed ?? 0;
  const cards = [["servers", servers.size], ["running", counts.running || 0], ["stopped", counts.stopped || 0],
                 ["paused / suspended / shelved", (counts.paused || 0) + (counts.suspended || 0) + (counts.shelved || 0) +
                  (counts.shelved_offloaded || 0)],
                 ["in transition", [...servers.values()].filter((s) => s.nova?.task_state).length],
                 ["failed", (counts.stop_failed || 0) + (counts.start_failed || 0)], ["billed", duration(total)]];
  $("summary").innerHTML = cards.map(([l, n]) => `<div class="card"><div class="n">${n}</div><div class="l">${l}</div></div>`).join("");
}

function tick() {
  for (const tr of document.querySelectorAll("tr[data-id]")) {
    const s = servers.get(tr.dataset.id);
    const b = s && billed(s.id, s.state);
    if (b) tr.querySelector(".billing").innerHTML =
      `${duration(b.billed)}<br><span>on ${duration(b.running)} · off ${duration(b.stopped)}</span>`;
  }
  renderSummary();
}

function toast(text) {
  const t = $("toast");
  t.textContent = text;
  t.classList.add("show");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => t.classList.remove("show"), 2500);
}

async function keystoneToken() {
  if (novaToken) return novaToken;
  const r = await fetch("/identity/v3/auth/tokens", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ auth: {
      identity: { methods: ["password"], password: { user: { name: "admin", domain: { name: "Default" }, password: "admin" } } },
      scope: { project: { name: "admin", domain: { name: "Default" } } } } }),
  });
  novaToken = r.status === 201 ? r.headers.get("X-Subject-Token") : "admin:admin";  // noauth: user:project
  return novaToken;
}

async function act(s, action) {
  let r;
  if (s.tenant.project) {
    // "start" on a paused, suspended or shelved server is the Nova action that applies.
    if (action === "start") action = (s.actions || []).find((a) => POWER_ON.has(a)) ?? "start";
    const body = NOVA_BODIES[action];
    r = await fetch(`/compute/v2.1/servers/${s.id}/action`, {
      method: "POST", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "X-Auth-Token": await keystoneToken() },
    });
    if (r.status === 401) novaToken = null;
  } else {
    const date = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+/, "");
    r = await fetch("/", {
      method: "POST", body: JSON.stringify({ ServerId: s.server_id }),
      headers: { "Content-Type": "application/x-amz-json-1.1",
                 "X-Amz-Target": `TransferService.${action === "stop" ? "StopServer" : "StartServer"}`,
                 "X-Amz-Date": date,
                 "Authorization": `AWS4-HMAC-SHA256 Credential=admin/${date.slice(0, 8)}/${s.tenant.region}/transfer/aws4_request, SignedHeaders=host;x-amz-date, Signature=${"0".repeat(64)}` },
    });
  }
  if (r.ok) {
    toast(`${action} ${s.name}: accepted${r.headers.get("Billing-Note") ? ` (${r.headers.get("Billing-Note")})` : ""}`);
  } else {
    const text = await r.text();
    toast(`${action} ${s.name}: ${r.status} ${text.slice(0, 160)}`);
  }
}

function listen() {
  const url = token ? `/_gateway/events?token=${encodeURIComponent(token)}` : "/_gateway/events";
  const source = new EventSource(url);
  const live = $("live");
  source.onopen = () => { live.textContent = "live"; live.className = "pill"; loadServers().catch(() => {}); };
  source.onerror = () => { live.textContent = "reconnecting…"; live.className = "pill off"; };
  const onChange = (msg) => {
    const e = JSON.parse(msg.data);
    addEvent(msg.type, e);
    const s = servers.get(e.id);
    if (msg.type === "deleted") servers.delete(e.id);
    else if (!s) return loadServers();
    else Object.assign(s, { state: e.new_state, locked: e.locked, nova: e.nova, transfer: e.transfer,
                            locked_by: e.locked_by, locked_reason: e.locked_reason, actions: e.actions });
    render();
    loadBilling().catch(() => {});
  };
  for (const type of ["created", "state_changed", "lock_changed", "deleted"]) source.addEventListener(type, onChange);
  source.addEventListener("reset", (msg) => { addEvent("reset", JSON.parse(msg.data)); servers.clear(); render(); });
  source.addEventListener("dropped", (msg) => { addEvent("dropped", JSON.parse(msg.data)); loadServers(); });
}

function addEvent(type, e) {
  const list = $("events");
  const name = servers.get(e.id)?.name ?? e.server_id ?? "";
  const text = type === "state_changed" ? `${name}: ${e.old_state} → ${e.new_state}`
    : type === "dropped" ? `${e.dropped} events dropped (slow reader)` : `${name} ${type.replace("_", " ")}`;
  const li = document.createElement("li");
  li.innerHTML = `<span>${esc(text)}</span><time>${new Date(e.at_ms || Date.now()).toLocaleTimeString()}</time>`;
  list.prepend(li);
  while (list.children.length > 25) list.lastChild.remove();
}

$("tenants").addEventListener("click", (ev) => {
  const button = ev.target.closest("button[data-act]");
  if (!button) return;
  const tr = button.closest("tr");
  const s = servers.get(tr.dataset.id);
  const action = button.dataset.act === "more" ? tr.querySelector("select.more").value : button.dataset.act;
  button.disabled = true;
  act(s, action).catch((err) => toast(String(err)));
});

Promise.all([loadServers(), loadBilling(), loadFaults(), loadClock()]).then(render).catch((e) => toast(String(e)));
listen();
setInterval(() => { loadBilling().catch(() => {}); loadFaults().catch(() => {}); loadClock().catch(() => {}); }, 2000);
setInterval(tick, 500);
