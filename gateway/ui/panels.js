// The presenter's controls, each through the control plane: fault rules
// from presets (listed, removable), the clock (freeze, advance, release),
// and the journal's last entries.
import { control } from "./api.js";

const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// Fault presets: what a presenter wants to show, as fault rules.
export const PRESETS = {
  "next-stop-fails": {
    label: "Next stop fails",
    rules: [{ match: { api: "nova", operation: "os-stop" }, effect: { fail_transition: true }, count: 1 },
            { match: { api: "transfer", operation: "StopServer" }, effect: { fail_transition: true }, count: 1 }],
  },
  "nova-down": { label: "Nova unavailable", rules: [{ match: { api: "nova" }, effect: { error: "unavailable" } }] },
  "transfer-down": {
    label: "Transfer unavailable", rules: [{ match: { api: "transfer" }, effect: { error: "unavailable" } }],
  },
  "latency": { label: "+1.5 s latency", rules: [{ match: {}, effect: { latency_ms: 1500 } }] },
  "throttling": {
    label: "Throttling (1 in 3)",
    rules: [{ match: {}, effect: { error: "throttled", retry_after_s: 2 }, probability: 0.34, seed: 7 }],
  },
};

export async function addPreset(name) {
  for (const rule of PRESETS[name].rules) await control("/_gateway/faults", { method: "POST", body: rule });
  await loadFaults();
  return `fault rule added: ${PRESETS[name].label}`;
}

export async function removeRule(id) {
  await control(`/_gateway/faults/${id}`, { method: "DELETE" });
  await loadFaults();
  return `fault rule #${id} removed`;
}

export async function clearRules() {
  await control("/_gateway/faults", { method: "DELETE" });
  await loadFaults();
  return "every fault rule removed";
}

export async function loadFaults(serverName = () => null) {
  const body = await control("/_gateway/faults");
  const list = $("faults");
  if (!body.rules.length) {
    list.innerHTML = '<li class="empty">none active</li>';
    return;
  }
  list.innerHTML = body.rules.map((r) => {
    const m = r.match, e = r.effect;
    const what = [m.api, m.operation, m.server ? serverName(m.server) ?? m.server_id : null]
      .filter(Boolean).join(" · ") || "every call";
    const effect = [e.error, e.latency_ms ? `+${e.latency_ms} ms` : null, e.fail_transition ? "failed transition" : null]
      .filter(Boolean).join(", ");
    const often = r.count ? `${r.fired}/${r.count}` : `${r.fired} fired`;
    return `<li data-rule="${r.id}"><span><b>#${r.id}</b> ${esc(what)} &rarr; ${esc(effect)}
      <span class="empty">(${often}${r.probability < 1 ? `, p=${r.probability}` : ""})</span></span>
      <button class="small" data-remove-rule="${r.id}" aria-label="remove fault rule ${r.id}">Remove</button></li>`;
  }).join("");
}

// The clock: real, or virtual (frozen until advanced).
export let clockVirtual = false;

export async function loadClock() {
  showClock(await control("/_gateway/clock"));
}

function showClock(c) {
  clockVirtual = c.mode === "virtual";
  const pill = $("clock");
  pill.textContent = clockVirtual ? `clock: frozen at ${new Date(c.now_ms).toLocaleTimeString()}` : "clock: real";
  pill.className = clockVirtual ? "pill virtual" : "pill";
  $("clock-advance").disabled = false;
  $("clock-real").disabled = !clockVirtual;
  $("clock-freeze").disabled = clockVirtual;
}

export async function setClock(body) {
  const c = await control("/_gateway/clock", { method: "POST", body });
  showClock(c);
  return body.advance_ms ? `clock advanced ${body.advance_ms / 1000} s` : `clock ${c.mode === "virtual" ? "frozen" : "real"}`;
}

// The journal: the newest entries, newest on top.
let journalSince = 0;
const journalShown = [];

export async function loadJournal() {
  const body = await control(`/_gateway/journal?since=${journalSince}&limit=200`);
  if (!body.entries.length) return;
  journalSince = body.entries[body.entries.length - 1].id;
  journalShown.unshift(...body.entries.reverse());
  journalShown.length = Math.min(journalShown.length, 12);
  $("journal").innerHTML = journalShown.map((e) => {
    const who = e.caller.user ?? e.caller.access_key ?? "";
    const bad = e.status >= 400 ? " bad" : "";
    return `<li class="${bad}"><span><b>${esc(e.operation)}</b> ${esc(e.server?.server_id ?? "")}
      <span class="empty">${esc(e.api)} · ${esc(who)}</span></span>
      <span class="result">${e.status} ${esc(e.result)}${e.injected ? " (fault)" : ""}</span></li>`;
  }).join("");
}
