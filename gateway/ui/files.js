// A server's files on its SFTP endpoint, one directory at a time, from the
// control plane (GET /_gateway/servers/{id}/files): opened from the server's
// sftp badge; a click on a directory goes in, a click on a part of the path
// above the list goes back up. Read again every two seconds while open.
import { control } from "./api.js";

const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

let shown = null;  // { id, name, path }: the server (by its Nova id) and the directory shown

function bytes(n) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  for (; n >= 1024 && i < units.length - 1; i++) n /= 1024;
  return `${i ? n.toFixed(1) : n} ${units[i]}`;
}

// "/", then one link per directory down to the one shown: "/bucket/alice" reads as it is written.
function crumbs(path) {
  const parts = path.split("/").filter(Boolean);
  const links = parts.map((part, i) =>
    `<button class="link" data-path="${esc(`/${parts.slice(0, i + 1).join("/")}`)}">${esc(part)}</button>`);
  return `<button class="link" data-path="/" aria-label="the top of the files">/</button>${
    links.join('<span class="sep">/</span>')}`;
}

export async function loadFiles() {
  if (!shown) return;
  const asked = shown;
  const view = await control(`/_gateway/servers/${encodeURIComponent(asked.id)}/files?path=${
    encodeURIComponent(asked.path)}`);
  if (shown !== asked) return;  // closed, or another directory asked for meanwhile
  $("files-server").textContent = `· ${asked.name}`;
  $("files-path").innerHTML = crumbs(view.path);
  $("files").innerHTML = view.entries.map((e) => e.type === "directory"
    ? `<li class="dir"><button class="link" data-path="${esc(`${view.path === "/" ? "" : view.path}/${e.name}`)}"
        aria-label="open directory ${esc(e.name)}">${esc(e.name)}/</button><span></span></li>`
    : `<li data-file="${esc(e.name)}"><span class="name">${esc(e.name)}</span>
        <span title="${esc(new Date(e.mtime_ms).toLocaleString())}">${bytes(e.size)}</span></li>`).join("")
    + (view.truncated ? '<li class="empty">… more, not shown</li>' : "")
    || '<li class="empty">empty</li>';
}

// Opens the panel on `s`'s tree at `path`.
export function showFiles(s, path = "/") {
  shown = { id: s.id, name: s.name, path };
  $("files-panel").hidden = false;
  return loadFiles();
}

// The server shown is gone (deleted): the panel closes.
export function forgetFiles(id) {
  if (shown?.id === id) closeFiles();
}

function closeFiles() {
  shown = null;
  $("files-panel").hidden = true;
}

export function wireFiles(toast) {
  const go = (ev) => {
    const button = ev.target.closest("button[data-path]");
    if (!button || !shown) return;
    showFiles({ id: shown.id, name: shown.name }, button.dataset.path).catch((e) => toast(String(e.message ?? e)));
  };
  $("files").addEventListener("click", go);
  $("files-path").addEventListener("click", go);
  $("files-close").addEventListener("click", closeFiles);
}
