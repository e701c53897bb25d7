// The dashboard: the fleet of every tenant, live from /_gateway/events, with
// the presenter's controls (panels.js). Every action on a server goes through
// the real APIs (api.js), as a client would call them.
import { NOVA_BODIES, act, consoleUrl, control, create, createUser, deleteUser, eventsUrl, remove } from "./api.js";
import { PRESETS, addPreset, clearRules, clockVirtual, loadClock, loadFaults, loadJournal, removeRule,
         setClock } from "./panels.js";
import { forgetFiles, loadFiles, showFiles, wireFiles } from "./files.js";

const servers = new Map();   // id -> server, as /_gateway/servers renders it
const billing = new Map();   // id -> ledger entry, with the time it was read

const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
// The states core::powered_on bills as running.
const POWERED_ON = new Set(["provisioning", "running", "stopping", "stop_failed", "rebooting", "rebooting_hard",
                            "pausing", "suspending", "shelving", "rebuilding", "resizing", "resized",
                            "confirming_resize", "reverting_resize", "rescuing", "rescued", "unrescuing"]);
// A snapshot or a backup under way bills as the state it began in (running, stopped, paused or
// suspended), which Nova's vm_state still shows: only an active one is powered on.
const IMAGING = new Set(["snapshotting", "backing_up"]);
const poweredOn = (s) => (IMAGING.has(s.state) ? s.nova?.vm_state === "active" : POWERED_ON.has(s.state));
const LABELS = { reboot_hard: "reboot (hard)", shelve_offload: "shelve offload", confirm_resize: "confirm resize",
                 revert_resize: "revert resize" };
// Transfer's StartServer brings back whatever does not serve; so does the Start button.
const POWER_ON = new Set(["start", "unpause", "resume", "unshelve", "restore", "unrescue"]);

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

function tenantKey(t) {
  return t.project ? `project ${t.project}` : `account ${t.account} · ${t.region}`;
}

function billed(s) {
  const b = billing.get(s.id);
  if (!b) return null;
  // Between reads, the counters tick with the wall clock (unless time is frozen).
  const extra = clockVirtual ? 0 : (performance.now() - b.readAt) / 1000;
  const on = poweredOn(s);
  return { billed: b.billed_seconds + extra, running: b.running_seconds + (on ? extra : 0),
           stopped: b.stopped_seconds + (on ? 0 : extra) };
}

function duration(s) {
  s = Math.floor(s);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  return h ? `${h}h ${String(m).padStart(2, "0")}m` : `${m}m ${String(sec).padStart(2, "0")}s`;
}

// "1:05" (m:ss) or "2:01:05": the split under each total, short enough for one line.
function clock(s) {
  s = Math.floor(s);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}
const billingCell = (b) => `${duration(b.billed)}<br><span>on ${clock(b.running)} · off ${clock(b.stopped)}</span>`;

function row(s) {
  const nova = s.nova, aws = s.transfer;
  const b = billed(s);
  const actions = s.actions || [];
  const canStop = actions.includes("stop");
  const canStart = actions.some((a) => POWER_ON.has(a));
  // Nova's other actions, for servers a Nova project sees.
  const more = s.tenant.project ? actions.filter((a) => a !== "stop" && a !== "start" && a in NOVA_BODIES) : [];
  return `<tr data-id="${esc(s.id)}">
    <td class="name">${esc(s.name)}${(s.addresses || []).length ? `<br><span class="addresses">${
      s.addresses.map((a) => `<span title="${esc(a.network)} ${esc(a.type)} ${esc(a.mac)}">${esc(a.addr)}</span>`).join(" · ")}</span>` : ""}<br><button class="link" data-act="logins"
        aria-label="users and keys of ${esc(s.name)}">${s.users ?? 0} user${s.users === 1 ? "" : "s"}</button>${s.sftp ? `<br>
        <button class="link sftp" data-act="files" aria-label="files of ${esc(s.name)}"
          title="${esc((s.sftp.sessions || []).map((x) => `${x.user} from ${x.remote}`).join(", ") || "its files")}">sftp :${
          esc(s.sftp.port)}${(s.sftp.sessions || []).length ? ` · ${s.sftp.sessions.length} open` : ""}</button>` : ""}</td>
    <td class="ids"><code>${esc(s.id)}</code><code>${esc(s.server_id)}</code></td>
    <td><span class="state ${esc(s.state)}">${esc(s.state)}</span></td>
    <td class="views">Nova <b>${esc(nova.status)}</b>${nova.task_state ? ` · ${esc(nova.task_state)}` : ""}<br>
        Transfer <b>${esc(aws.state)}</b></td>
    <td class="lock">${s.locked ? `<span class="tag">locked by ${esc(s.locked_by)}</span><br>${esc(s.locked_reason)}` : ""}</td>
    <td class="billing">${b ? billingCell(b) : ""}</td>
    <td class="act"><button data-act="stop" ${canStop ? "" : "disabled"} aria-label="stop ${esc(s.name)}">Stop</button>
        <button data-act="start" ${canStart ? "" : "disabled"} aria-label="start ${esc(s.name)}">Start</button>
        <button data-act="delete" class="danger" aria-label="delete ${esc(s.name)}">Delete</button>${s.tenant.project ? `
        <button data-act="console" aria-label="console of ${esc(s.name)}">Console</button>` : ""}
        ${more.length ? `<select class="more" aria-label="more Nova actions for ${esc(s.name)}">
          ${more.map((a) => `<option value="${esc(a)}">${esc(LABELS[a] ?? a)}</option>`).join("")}</select>
          <button data-act="more" aria-label="run the chosen action on ${esc(s.name)}">Run</button>` : ""}</td>
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
  renderTenants(groups);
  renderSummary();
}

// The tenants a server can be created in: every tenant the fleet shows.
function renderTenants(groups) {
  const select = $("create-tenant");
  const chosen = select.value;
  select.innerHTML = [...groups.entries()].map(([key, g]) =>
    `<option value="${esc(key)}" data-tenant='${esc(JSON.stringify(g.tenant))}'>${esc(key)}</option>`).join("");
  if (chosen && groups.has(chosen)) select.value = chosen;
}

function renderSummary() {
  const counts = {};
  for (const s of servers.values()) counts[s.state] = (counts[s.state] || 0) + 1;
  let total = 0;
  for (const s of servers.values()) total += billed(s)?.billed ?? 0;
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
    const b = s && billed(s);
    if (b) tr.querySelector(".billing").innerHTML = billingCell(b);
  }
  renderSummary();
}

function toast(text) {
  const t = $("toast");
  t.textContent = text;
  t.classList.add("show");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => t.classList.remove("show"), 3000);
}

// Runs a control's work, says how it went, and refreshes what it changed.
function run(work, after = () => {}) {
  return work().then(toast, (e) => toast(String(e.message ?? e))).finally(() => {
    loadJournal().catch(() => {});
    after();
  });
}

function listen() {
  const source = new EventSource(eventsUrl());
  const live = $("live");
  source.onopen = () => { live.textContent = "live"; live.className = "pill"; loadServers().catch(() => {}); };
  source.onerror = () => { live.textContent = "reconnecting…"; live.className = "pill off"; };
  const onChange = (msg) => {
    const e = JSON.parse(msg.data);
    addEvent(msg.type, e);
    const s = servers.get(e.id);
    if (msg.type === "deleted") {
      servers.delete(e.id);
      forgetFiles(e.id);
    }
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
  while (list.children.length > 12) list.lastChild.remove();
}

// The users and keys of one server, from the control plane; changed through Transfer.
let loginsOf = null;  // the server shown, by its Nova id

async function loadLogins() {
  if (!loginsOf) return;
  const s = servers.get(loginsOf);
  if (!s) {
    loginsOf = null;
    $("logins-panel").hidden = true;
    return;
  }
  const view = await control(`/_gateway/servers/${encodeURIComponent(s.id)}/logins`);
  $("logins-server").textContent = `· ${s.name}`;
  const keys = (list) => list.map((k) => `<li><code>${esc(k.type)}</code> ${esc(k.fingerprint)}</li>`).join("");
  $("logins").innerHTML = `
    <p class="presented">Host key${view.presented_host_keys.length === 1 ? "" : "s"} presented
      ${view.presented_host_keys[0]?.generated ? "(generated)" : ""}</p>
    <ul class="keys">${keys(view.presented_host_keys)}</ul>
    <ul class="users">${view.users.map((u) => `<li data-user="${esc(u.name)}"><div><b>${esc(u.name)}</b>
      <span class="home">${esc(u.home.type === "logical" ? `${u.home.mappings.length} mapping(s)` : u.home.directory || "/")}</span>
      <ul class="keys">${keys(u.public_keys)}</ul></div>
      <button class="small danger" data-remove-user="${esc(u.name)}" aria-label="remove user ${esc(u.name)}">Remove</button>
      </li>`).join("") || '<li class="empty">no users</li>'}</ul>`;
  const transferless = !s.tenant.account;
  for (const el of $("add-user").elements) el.disabled = transferless;
  $("add-user").title = transferless ? "no AWS account maps to this tenant: Transfer does not see its servers" : "";
}

function showLogins(id) {
  loginsOf = id;
  $("logins-panel").hidden = false;
  return loadLogins();
}

$("add-user").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const s = servers.get(loginsOf);
  if (!s) return;
  const name = $("user-name").value.trim(), key = $("user-key").value.trim();
  run(() => createUser(s, name, key), () => { loadLogins().catch(() => {}); loadServers().catch(() => {}); });
});
$("logins").addEventListener("click", (ev) => {
  const button = ev.target.closest("button[data-remove-user]");
  const s = servers.get(loginsOf);
  if (button && s) run(() => deleteUser(s, button.dataset.removeUser),
                       () => { loadLogins().catch(() => {}); loadServers().catch(() => {}); });
});
wireFiles(toast);
$("logins-close").addEventListener("click", () => {
  loginsOf = null;
  $("logins-panel").hidden = true;
});

// The server's console page, in a new tab: opened at the click (a later
// window.open could be blocked), then sent to the URL Nova's API gives.
function openConsole(s) {
  const tab = window.open("", "_blank");
  consoleUrl(s).then((url) => {
    if (!tab) return toast(`console of ${s.name}: ${url}`);
    tab.opener = null;
    tab.location = url;
  }).catch((e) => {
    tab?.close();
    toast(String(e.message ?? e));
  });
}

$("tenants").addEventListener("click", (ev) => {
  const button = ev.target.closest("button[data-act]");
  if (!button) return;
  const tr = button.closest("tr");
  const s = servers.get(tr.dataset.id);
  if (button.dataset.act === "logins") return showLogins(s.id).catch((e) => toast(String(e.message ?? e)));
  if (button.dataset.act === "files") return showFiles(s).catch((e) => toast(String(e.message ?? e)));
  if (button.dataset.act === "console") return openConsole(s);
  const chosen = button.dataset.act === "more" ? tr.querySelector("select.more").value : button.dataset.act;
  button.disabled = true;
  // A refused action changes nothing, so no event re-renders the row: the button comes back by itself.
  const again = () => { button.disabled = false; };
  if (chosen === "delete") return run(() => remove(s), again);
  // Start on a paused, suspended, shelved or rescued server is the Nova action that applies.
  const action = chosen === "start" ? (s.actions || []).find((a) => POWER_ON.has(a)) ?? "start" : chosen;
  run(() => act(s, action), again);
});

$("create").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const option = $("create-tenant").selectedOptions[0];
  if (!option) return;
  const name = $("create-name").value.trim();
  run(() => create(JSON.parse(option.dataset.tenant), name));
});

$("presets").innerHTML = Object.entries(PRESETS).map(([name, p]) =>
  `<button class="small" data-preset="${name}">${p.label}</button>`).join("");
$("presets").addEventListener("click", (ev) => {
  const button = ev.target.closest("button[data-preset]");
  if (button) run(() => addPreset(button.dataset.preset));
});
$("faults").addEventListener("click", (ev) => {
  const button = ev.target.closest("button[data-remove-rule]");
  if (button) run(() => removeRule(button.dataset.removeRule));
});
$("faults-clear").addEventListener("click", () => run(clearRules));
$("clock-freeze").addEventListener("click", () => run(() => setClock({ mode: "virtual" }), loadServers));
$("clock-advance").addEventListener("click", () => run(() => setClock({ advance_ms: 10000 }), loadServers));
$("clock-real").addEventListener("click", () => run(() => setClock({ mode: "real" }), loadServers));

const serverName = (id) => servers.get(id)?.name;
Promise.all([loadServers(), loadBilling(), loadFaults(serverName), loadClock(), loadJournal()]).then(render)
  .catch((e) => toast(String(e)));
listen();
setInterval(() => {
  loadBilling().catch(() => {});
  loadFaults(serverName).catch(() => {});
  loadClock().catch(() => {});
  loadJournal().catch(() => {});
  loadLogins().catch(() => {});
  loadFiles().catch(() => {});
}, 2000);
setInterval(tick, 500);
