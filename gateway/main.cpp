// lifecycle-gateway: parse flags, load the configuration, serve until
// SIGINT/SIGTERM, then drain and exit 0.
#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <thread>

#include <fmt/format.h>

#include "gateway/app.h"
#include "gateway/config.h"
#include "gateway/exposure.h"
#include "gateway/options.h"

int main(int argc, char** argv) {
  // One malloc arena per core, set before any thread starts. glibc's default
  // (eight per core) gives each of the many worker threads an arena of its
  // own, and each keeps the high-water mark of what its thread ever held:
  // resident memory grew 5% over a 10M-request soak and then levelled off.
  // With one per core it stays flat (bench/RESULTS.md, "Soak"); the
  // per-thread caches in front of the arenas keep them uncontended.
  mallopt(M_ARENA_MAX, static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  const std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = gateway::parse_options(args);
  if (auto* error = std::get_if<gateway::UsageError>(&parsed)) {
    fmt::print(stderr, "lifecycle-gateway: {}\n\n{}", error->message, gateway::usage_text());
    return 2;
  }
  const auto& options = std::get<gateway::Options>(parsed);
  if (options.help) {
    fmt::print("{}", gateway::usage_text());
    return 0;
  }
  if (options.version) {
    fmt::print("lifecycle-gateway {}\n", GATEWAY_VERSION);
    return 0;
  }

  // Signals are taken by one thread with sigwait; every other thread (the
  // store's checkpointer, the access log's writer, the server's workers)
  // inherits the blocked mask, so it is set before any of them starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  auto config = gateway::load_config(options);
  if (auto* error = std::get_if<std::string>(&config)) {
    fmt::print(stderr, "lifecycle-gateway: {}\n", *error);
    return 1;
  }
  // Off loopback the control plane is never open unless asked (GATEWAY.md, "Exposure").
  const auto access = gateway::control_access(options);
  std::get<gateway::Config>(config).control_token = access.token;
  auto created = gateway::App::create(std::move(std::get<gateway::Config>(config)));
  if (auto* error = std::get_if<std::string>(&created)) {
    fmt::print(stderr, "lifecycle-gateway: {}\n", *error);
    return 1;
  }
  auto& app = *std::get<std::unique_ptr<gateway::App>>(created);
  if (!app.notice().empty()) fmt::print(stderr, "lifecycle-gateway: {}\n", app.notice());

  // Each client connection is a descriptor: allow as many as the system does.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }

  const int port = app.bind(options.host, options.port);
  if (port < 0) {
    fmt::print(stderr, "lifecycle-gateway: {}\n", app.bind_problem());
    return 1;
  }
  std::thread signal_waiter([&app, signals] {
    int received = 0;
    sigwait(&signals, &received);
    app.stop();
  });
  const std::string scheme(app.scheme());
  // Printed once, before the start line, so whoever reads that line finds
  // the token already written.
  if (access.generated)
    fmt::print(stderr, "{}", gateway::generated_token_notice(*access.token, scheme, options.host, port));
  fmt::print("lifecycle-gateway listening on {}://{}:{}\n", scheme, options.host, port);
  std::fflush(stdout);
  app.run();
  // run() returned: stop() was called by the signal thread.
  signal_waiter.join();
  return 0;
}
