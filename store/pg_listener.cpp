// poll() on the connection's socket with a short timeout, so the thread
// notices a stop request and a lost connection within a quarter second.
#include "store/pg_listener.h"

#include <poll.h>

#include <chrono>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "store/pg_connection.h"
#include "store/pg_rows.h"

namespace store {
namespace {

constexpr int kPollMs = 250;
constexpr auto kRetryPause = std::chrono::milliseconds(500);

struct Notices {
  std::set<std::int64_t> seqs;
  std::set<std::string> kinds;
  bool everything = false;
  bool any() const { return everything || !seqs.empty() || !kinds.empty(); }
};

void parse(const std::string& payload, const std::string& instance, Notices& into) {
  std::istringstream in(payload);
  std::string line;
  if (!std::getline(in, line) || line == instance) return;
  while (std::getline(in, line)) {
    if (line == "*") into.everything = true;
    else if (line.rfind("s ", 0) == 0) into.seqs.insert(std::strtoll(line.c_str() + 2, nullptr, 10));
    else if (line.rfind("d ", 0) == 0) into.kinds.insert(line.substr(2));
  }
}

// The rows the notices name (all servers for a catch-up), or nothing if they cannot be read now.
std::optional<core::Elsewhere> read(PgConnection& db, const Notices& notices, bool catch_up,
                                    std::uint64_t replaces) {
  core::Elsewhere changed;
  changed.everything = notices.everything;
  changed.read_at = replaces;  // before the rows
  core::StoredState state;
  if (pg_read_tenants(db, state)) return std::nullopt;
  if (!notices.everything && (catch_up || !notices.seqs.empty())) {
    std::string list = "{";
    for (const auto seq : notices.seqs) list += fmt::format("{}{}", list.size() > 1 ? "," : "", seq);
    list += "}";
    const auto problem = catch_up ? pg_read_servers(db, state)
                                  : pg_read_servers_where(db, state, "WHERE seq = ANY($1::bigint[])",
                                                          Params().add(list));
    if (problem) return std::nullopt;
  }
  changed.tenants = std::move(state.tenants);
  changed.servers = std::move(state.servers);
  changed.document_kinds.assign(notices.kinds.begin(), notices.kinds.end());
  if (catch_up) changed.document_kinds = {"*"};
  return changed;
}

}  // namespace

PgListener::PgListener(std::string url, std::string instance, const std::atomic<std::uint64_t>& replaces,
                       std::function<void(core::Elsewhere)> changed)
    : url_(std::move(url)), instance_(std::move(instance)), replaces_(replaces), changed_(std::move(changed)) {
  thread_ = std::thread([this] { run(); });
}

PgListener::~PgListener() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void PgListener::run() {
  PgConnection db(url_, "");
  bool caught_up = false;
  while (!stop_) {
    if (!db.ok()) {
      caught_up = false;
      if (!db.ensure() || !db.exec(fmt::format("LISTEN {}", kPgChannel)).ok()) {
        std::this_thread::sleep_for(kRetryPause);
        continue;
      }
    }
    Notices notices;
    if (!caught_up) {
      // Listening from here on; what changed before (or while away) is read whole.
      if (auto changed = read(db, notices, true, replaces_.load())) {
        changed_(std::move(*changed));
        caught_up = true;
      }
      continue;
    }
    pollfd fd{PQsocket(db.handle()), POLLIN, 0};
    if (::poll(&fd, 1, kPollMs) < 0) continue;
    if (!PQconsumeInput(db.handle())) continue;  // lost: reconnect and catch up
    while (PGnotify* n = PQnotifies(db.handle())) {
      parse(n->extra ? n->extra : "", instance_, notices);
      PQfreemem(n);
    }
    if (!notices.any()) continue;
    if (auto changed = read(db, notices, false, replaces_.load())) changed_(std::move(*changed));
    else caught_up = false;
  }
}

}  // namespace store
