// The console page a remote console URL opens: the token from the URL
// (Nova's ?path=%3Ftoken%3D..., or ?token=...), then the server's console
// log, read again every second from the proxy's log?token=... while the
// token is valid. Nothing here sees the token but the proxy.

const $ = (id) => document.getElementById(id);

function tokenOf(search) {
  const params = new URLSearchParams(search);
  if (params.get("token")) return params.get("token");
  const path = params.get("path") ?? "";
  return new URLSearchParams(path.slice(path.indexOf("?") + 1)).get("token");
}

const token = tokenOf(location.search);
let shown = null;

function end(why) {
  $("live").textContent = "ended";
  $("live").className = "pill off";
  $("note").textContent = why;
  $("note").hidden = false;
}

function show(body) {
  $("name").textContent = body.server.name;
  document.title = `${body.server.name} · console`;
  $("state").textContent = body.server.status;
  $("state").className = body.server.status === "ACTIVE" ? "pill" : "pill off";
  if (body.log !== shown) {
    const log = $("log");
    const following = shown === null || log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
    log.textContent = body.log;
    shown = body.log;
    if (following) log.scrollTop = log.scrollHeight;
  }
  $("live").textContent = `live · ${new Date().toLocaleTimeString()}`;
  $("live").className = "pill";
}

async function poll() {
  if (!token) return end("This address holds no console token: ask the API for a console URL.");
  let r;
  try {
    r = await fetch(`log?token=${encodeURIComponent(token)}`, { cache: "no-store" });
  } catch {
    $("live").textContent = "reconnecting…";
    $("live").className = "pill off";
    return setTimeout(poll, 2000);
  }
  const body = await r.json().catch(() => ({}));
  if (r.status === 403) return end("This console link has expired: ask the API for a new one.");
  if (r.status === 404) return end("The server is gone.");
  if (!r.ok) return end(body.error?.message ?? `The proxy answered ${r.status}.`);
  show(body);
  setTimeout(poll, 1000);
}

poll();
