#include "gateway/app.h"

#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>
#include <httplib.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "adapters/transfer/host_key_maker.h"
#include "core/call_note.h"
#include "core/text.h"
#include "gateway/control_plane.h"
#include "gateway/consoles.h"
#include "gateway/credentials_api.h"
#include "gateway/event_stream.h"
#include "gateway/fleet_file.h"
#include "gateway/worker_pool.h"
#include "secret/secret.h"
#include "store/pg_store.h"
#include "store/sqlite_store.h"

namespace gateway {
namespace {

// Workers: cpp-httplib holds one per open connection (see worker_pool.h).
constexpr std::size_t kInitialWorkers = 16;
constexpr std::size_t kMaxWorkers = 4096;
constexpr int kListenBacklog = 4096;
constexpr std::size_t kKeepAliveRequests = 1000;

// The request start, per worker thread, for the access log's duration, and
// the request's classification (made for the metrics) for the access log.
thread_local std::chrono::steady_clock::time_point request_started;
thread_local RequestKind request_kind;

std::string_view request_id_of(const httplib::Response& res) {
  for (const char* name : {"x-openstack-request-id", "x-amzn-RequestId"}) {
    auto it = res.headers.find(name);
    if (it != res.headers.end()) return it->second;
  }
  return "-";
}

long long micros_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
}

void render_plain_error(const httplib::Request& req, httplib::Response& res) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("code");
  w.Int(res.status);
  w.Key("message");
  // The path is decoded client bytes: the answer must stay UTF-8.
  const auto message = core::valid_utf8(
      res.status == 404   ? fmt::format("no such path: {} {}", req.method, req.path)
      : res.status == 413 ? std::string("request body too large")
      : res.status == 411 ? std::string("a request body needs a Content-Length header")
                          : fmt::format("request failed with status {}", res.status));
  w.String(message.c_str(), static_cast<rapidjson::SizeType>(message.size()));
  w.EndObject();
  w.EndObject();
  res.set_content(buffer.GetString(), buffer.GetSize(), "application/json");
}

}  // namespace

App::App(Config config)
    : config_(std::move(config)), access_log_(config_.access_log, STDERR_FILENO) {
  if (config_.control_token) control_bearer_ = "Bearer " + *config_.control_token;
}

std::variant<std::unique_ptr<App>, std::string> App::create(Config config) {
  std::unique_ptr<App> app(new App(std::move(config)));
  app->fleet_ = std::make_unique<core::Fleet>(app->clock_, app->ids_, app->tenants_);
  auto& fleet = *app->fleet_;
  for (int a = 0; a < core::kActionCount; ++a)
    fleet.set_transition_ms(static_cast<core::Action>(a), app->config_.transition_ms[static_cast<std::size_t>(a)]);
  fleet.set_reclaim_ms(app->config_.reclaim_instance_interval_s * 1000);
  for (const auto& m : app->config_.tenants) {
    if (!app->tenants_.map(m.project, m.account, m.region))
      return fmt::format("tenants: project '{}' and account {} in {} are already mapped elsewhere", m.project,
                         m.account, m.region);
  }
  fleet.journal().set_max_entries(app->config_.journal_max);
  auto seeds = resolve_seeds(app->config_.servers, app->tenants_, app->ids_);
  if (auto* error = std::get_if<std::string>(&seeds)) return fmt::format("fleet: {}", *error);
  auto seed = std::move(std::get<std::vector<core::ServerRecord>>(seeds));
  // Every reset returns to this fleet. Kept as its fleet-file text, a third of
  // about half the records' size, and the resolved seeds let go: a 100k-server demo
  // would otherwise hold its fleet three times over.
  app->seed_fleet_ = write_fleet_file(seed, app->tenants_, Layout::Compact);
  std::vector<ServerSeed>().swap(app->config_.servers);
  app->seed_documents_ = std::move(app->config_.documents);

  app->networks_ = std::make_unique<core::net::Networks>(fleet, app->ids_, app->tenants_);
  app->quotas_ = std::make_unique<core::Quotas>(fleet, app->tenants_);
  app->openstack_ = std::make_unique<openstack::Api>(fleet, *app->networks_, *app->quotas_, app->config_.openstack);
  app->host_keys_ = std::make_unique<transfer::DerivedHostKeys>();
  app->logins_ = std::make_unique<core::Logins>(fleet, app->ids_, *app->host_keys_);
  app->transfer_ = std::make_unique<transfer::Api>(fleet, *app->logins_, app->config_.transfer);
  if (app->config_.sftp.enabled) {
    if (app->config_.sftp.data_dir.empty()) {
      const char* tmp = std::getenv("TMPDIR");
      std::string pattern = fmt::format("{}/lifecycle-gateway-sftp-XXXXXX", tmp && *tmp ? tmp : "/tmp");
      if (::mkdtemp(pattern.data()) == nullptr) return fmt::format("cannot make a data directory like {}", pattern);
      app->temporary_data_dir_ = app->config_.sftp.data_dir = pattern;
    }
    app->sftp_ = std::make_unique<sftp::Endpoints>(fleet, *app->logins_, app->config_.sftp);
  }
  if (app->seed_documents_) {
    if (auto problem = fleet.check_documents(*app->seed_documents_)) return fmt::format("fleet: {}", *problem);
  }
  if (auto error = app->open_state(std::move(seed))) return *error;
  if (app->sftp_) app->sftp_->start();
  if (app->config_.tls) {
    auto tls = make_tls_server(*app->config_.tls);
    if (auto* error = std::get_if<std::string>(&tls)) return *error;
    app->server_ = std::move(std::get<std::unique_ptr<httplib::Server>>(tls));
  } else {
    app->server_ = std::make_unique<httplib::Server>();
  }
  auto& server = *app->server_;
  auto* self = app.get();

  server.new_task_queue = [] { return new WorkerPool(kInitialWorkers, kMaxWorkers); };
  // cpp-httplib writes headers and body in separate sends; with Nagle on, the
  // body waits for the client's delayed ACK (~40 ms a response).
  server.set_tcp_nodelay(true);
  // cpp-httplib closes a keep-alive connection after 5 requests by default,
  // making busy clients reconnect over and over.
  server.set_keep_alive_max_count(kKeepAliveRequests);
  server.set_payload_max_length(std::max(app->config_.openstack.max_body_bytes, app->config_.transfer.max_body_bytes));
  server.set_pre_routing_handler([self](const httplib::Request& req, httplib::Response& res) {
    request_started = std::chrono::steady_clock::now();
    core::this_call().api.clear();  // not described until an adapter says so
    self->in_flight_.begin(req.remote_addr, req.remote_port);
    // The token also comes as ?token=: a browser's EventSource and a link
    // to the page cannot send an Authorization header. Both are compared in
    // constant time.
    const auto& control_token = self->config_.control_token;
    if (control_token && (req.path.rfind("/_gateway", 0) == 0 || req.path == "/metrics") &&
        !secret::equal(req.get_header_value("Authorization"), self->control_bearer_) &&
        !secret::equal(req.get_param_value("token"), *control_token)) {
      res.status = 401;
      res.set_header("WWW-Authenticate", "Bearer");
      res.set_content(R"({"error":{"code":401,"message":"the control plane needs Authorization: Bearer <control token>"}})",
                      "application/json");
      return httplib::Server::HandlerResponse::Handled;
    }
    // Without a length cpp-httplib would read the body until the client
    // closes the connection: a hang. Refuse it at once instead (the error
    // handler renders 411 in the protocol's own format).
    const bool has_body_method = req.method == "POST" || req.method == "PUT" || req.method == "PATCH";
    if (has_body_method && !req.has_header("Content-Length") &&
        req.get_header_value("Transfer-Encoding").find("chunked") == std::string::npos) {
      res.status = 411;
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [self](const httplib::Request& req, httplib::Response& res) {
    // cpp-httplib calls this for every status >= 400, including answers a
    // handler already wrote: those stand as they are.
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    if (!self->openstack_->render_http_error(req, res) && !self->transfer_->render_http_error(req, res))
      render_plain_error(req, res);
    self->journal_unrouted(req, res);
    return httplib::Server::HandlerResponse::Handled;
  }));
  server.set_exception_handler([self](const httplib::Request& req, httplib::Response& res, std::exception_ptr) {
    // A handler threw: a broken invariant, never the caller's fault.
    res.status = 500;
    if (!self->openstack_->render_http_error(req, res) && !self->transfer_->render_http_error(req, res))
      render_plain_error(req, res);
  });
  // Requests are counted just before their answer is written (cpp-httplib
  // runs this with the final status, error pages included), so a client that
  // scrapes /metrics after its answer always finds its request counted. The
  // logger runs after the write: too late for that.
  server.set_post_routing_handler([self](const httplib::Request& req, httplib::Response& res) {
    request_kind = classify(req);
    self->metrics_.record(request_kind, res.status, static_cast<double>(micros_since(request_started)) / 1e6);
  });
  server.set_logger([self](const httplib::Request& req, const httplib::Response& res) {
    const auto micros = micros_since(request_started);
    self->in_flight_.end();
    auto& call = core::this_call();
    if (self->access_log_.format() != LogFormat::Off) {
      // The adapter's names when it described the call, else the metrics' classification.
      const bool described = !call.api.empty();
      AccessRecord record{req.method, req.path, res.status, micros, request_id_of(res),
                          described ? std::string_view(call.api) : std::string_view(request_kind.api),
                          described ? std::string_view(call.operation) : std::string_view(request_kind.operation),
                          &call, {}};
      // The wall clock only for the JSON line's time (when the request arrived).
      if (self->access_log_.format() == LogFormat::Json)
        record.time = std::chrono::system_clock::now() - std::chrono::microseconds(micros);
      self->access_log_.write(record);
    }
    // A request cpp-httplib rejects before routing (a bad request line)
    // skips the pre-routing handler: leave nothing for it to inherit. (An
    // empty api marks the rest stale: whoever describes a call sets it whole.)
    call.api.clear();
  });

  // cpp-httplib tries a method's routes in the order they were added, one
  // std::regex match each: the APIs first, Transfer's single POST / first of
  // all (the paths do not overlap, so the order changes nothing else).
  app->transfer_->mount(server);
  app->openstack_->mount(server);
  mount_control_plane(server, ControlPlane{fleet, *app->logins_, self->clock_, self->metrics_, self->ids_,
                                           self->stopping_, [self] { return self->reset(); }, *self->networks_,
                                           self->sftp_.get(), [self] { return self->console_view(); }});
  mount_credentials(server, *app->openstack_, *app->transfer_);
  return app;
}

App::~App() {
  stop();
  if (ticker_.joinable()) ticker_.join();
  if (sftp_) sftp_->stop();  // first: its sessions journal through the fleet
  store_.reset();            // then: a shared store's watcher calls into the fleet and its keepers
  if (!temporary_data_dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(temporary_data_dir_, ignored);
  }
}

void App::journal_unrouted(const httplib::Request& req, const httplib::Response& res) {
  const auto& path = req.path;
  if (path.rfind("/_gateway", 0) == 0 || path == "/metrics") return;  // the control plane is not an API
  const auto under = [&](std::string_view root) {
    return path.rfind(root, 0) == 0 && (path.size() == root.size() || path[root.size()] == '/');
  };
  core::JournalEntry call;
  const auto target = req.get_header_value("X-Amz-Target");
  if (path == "/" || !target.empty()) {
    call.api = "transfer";
    call.operation = target.rfind("TransferService.", 0) == 0 ? target.substr(16) : req.method + " " + path;
  } else {
    call.api = under("/compute")      ? "nova"
               : under("/identity")   ? "identity"
               : under("/image")      ? "image"
               : under("/networking") ? "neutron"
                                      : "unknown";
    call.operation = req.method + " " + path;
  }
  call.request_id = std::string(request_id_of(res));
  call.start_ms = call.finish_ms = fleet_->clock().now_ms();
  // No route (404) or not this method (405): a call the gateway does not know.
  call.result = res.status == 404 || res.status == 405 || (call.api == "transfer" && res.status == 400)
                    ? "unknown_operation"
                : res.status >= 500 ? "internal"
                                    : "invalid_argument";
  fleet_->journal().finish(call, res.status, call.finish_ms);
  core::this_call() = std::move(call);  // for the access log
}

std::vector<core::ServerRecord> App::seed_records() {
  std::vector<ServerSeed> seeds;
  if (auto error = read_snapshot(seed_fleet_, seeds)) return {};  // written by write_fleet_file: cannot fail
  auto records = resolve_seeds(seeds, tenants_, ids_);
  auto* resolved = std::get_if<std::vector<core::ServerRecord>>(&records);
  return resolved ? std::move(*resolved) : std::vector<core::ServerRecord>{};
}

std::optional<std::string> App::open_state(std::vector<core::ServerRecord> seed) {
  auto& fleet = *fleet_;
  if (!config_.state_file) {
    (void)fleet.replace(std::move(seed), seed_documents_, true);  // in memory: cannot fail
    return std::nullopt;
  }
  const bool postgres = store::is_postgres_url(*config_.state_file);
  const auto path = postgres ? store::shown_url(*config_.state_file) : *config_.state_file;
  bool created = false;
  if (postgres) {
    auto opened = store::PgStore::open(*config_.state_file);
    if (auto* error = std::get_if<std::string>(&opened)) return *error;
    auto& o = std::get<store::PgStore::Opened>(opened);
    store_ = std::move(o.store);
    created = o.created;
  } else {
    auto opened = store::SqliteStore::open(path, config_.state_sync_full ? store::Sync::Full : store::Sync::Normal);
    if (auto* error = std::get_if<std::string>(&opened)) return *error;
    auto& o = std::get<store::SqliteStore::Opened>(opened);
    store_ = std::move(o.store);
    created = o.created;
  }
  bool write_all = created;
  if (created) {
    (void)fleet.replace(std::move(seed), seed_documents_, true);  // no store attached yet: in memory
  } else {
    auto loaded = store_->load();
    if (!loaded) return loaded.error().detail;
    if (config_.fleet_file)
      notice_ = fmt::format("--state {} exists: restored from it, --fleet {} is ignored", path, *config_.fleet_file);
    write_all = fleet.restore(std::move(loaded).value());
  }
  if (auto attached = fleet.attach_store(*store_, write_all); !attached)
    return fmt::format("--state {}: cannot write it: {}", path, attached.error().detail);
  // A file from before servers had generated host keys has no secret for them yet.
  if (auto saved = logins_->save_secret(); !saved)
    return fmt::format("--state {}: cannot write it: {}", path, saved.error().detail);
  // Other gateways on the same database: their changes become this fleet's.
  if (store_->shared()) store_->watch([&fleet](core::Elsewhere changed) { fleet.take_elsewhere(std::move(changed)); });
  return std::nullopt;
}

std::string App::reset() {
  fleet_->faults().clear();
  clock_.use_real();
  auto replaced = fleet_->replace(seed_records(), seed_documents_, true);
  return replaced ? "" : replaced.error().detail;
}

int App::bind(const std::string& host, int port) {
  // cpp-httplib 0.11 listens with a backlog of 5, compiled in: a burst of
  // clients overflows it and their connections are dropped. We keep the
  // listening socket (set_socket_options replaces the default, so SO_REUSEADDR
  // is set here again) and listen on it once more with a deeper backlog.
  int listening = -1;
  server_->set_socket_options([&listening](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listening = sock;
  });
  port_ = port == 0 ? server_->bind_to_any_port(host) : (server_->bind_to_port(host, port) ? port : -1);
  if (port_ > 0 && listening >= 0) {
    ::listen(listening, kListenBacklog);
    listening_ = listening;
  }
  if (port_ < 0) {
    bind_problem_ = fmt::format("cannot listen on {}:{}", host, port);
    return -1;
  }
  if (config_.console_port && !console_) {
    auto listened = listen_consoles(config_, host, *openstack_);
    if (auto* error = std::get_if<std::string>(&listened)) {
      bind_problem_ = *error;
      return -1;
    }
    console_ = std::move(std::get<std::unique_ptr<console::Proxy>>(listened));
  }
  return port_;
}

std::string App::console_url() const { return console_ ? console_->base_url() : std::string(); }

ConsoleView App::console_view() const { return gateway::console_view(console_.get()); }

void App::tick() {
  std::unique_lock lock(ticker_mutex_);
  while (!stopping_) {
    lock.unlock();
    fleet_->settle_due();
    lock.lock();
    ticker_wake_.wait_for(lock, std::chrono::milliseconds(5));
  }
}

void App::run() {
  ticker_ = std::thread([this] { tick(); });
  if (console_) console_->start();
  server_->listen_after_bind();
  // Every worker has finished (and logged) its last request.
  access_log_.close();
}

void App::stop() {
  {
    std::lock_guard lock(ticker_mutex_);
    if (stopping_) return;  // once: the listening socket below must not be touched after its close
    stopping_ = true;
  }
  ticker_wake_.notify_all();
  wake_event_streams(stopping_);
  if (sftp_) sftp_->stop();
  if (console_) console_->stop();  // its sessions end (their sockets shut down) before the API does
  if (!server_) return;
  // cpp-httplib's stop() does nothing until listen_after_bind() has begun, so
  // a SIGTERM right after the start line would be lost and the server would
  // serve on. A shut listening socket ends the accept loop whenever it runs.
  if (listening_ >= 0) ::shutdown(listening_, SHUT_RDWR);
  server_->stop();
  if (port_ > 0) close_idle_connections(port_, in_flight_);
}

}  // namespace gateway
