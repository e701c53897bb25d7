// The throughput reference: cpp-httplib with the gateway's server settings,
// answering the benchmark's requests with an empty 200 and doing nothing else.
#include <cstdio>

#include <httplib.h>

int main() {
  httplib::Server server;
  server.new_task_queue = [] { return new httplib::ThreadPool(64); };  // plenty for wrk's 32 connections
  server.set_tcp_nodelay(true);                                          // as gateway/app.cpp
  server.set_keep_alive_max_count(1000);                                 // as gateway/app.cpp
  auto ok = [](const httplib::Request&, httplib::Response& res) { res.status = 200; };
  server.Post("/", ok);
  server.Post(R"(/compute/v2\.1/servers/([^/]+)/action)", ok);
  server.Get("/_gateway/health", ok);
  const int port = server.bind_to_any_port("127.0.0.1");
  std::printf("bare-responder listening on http://127.0.0.1:%d\n", port);
  std::fflush(stdout);
  server.listen_after_bind();
}
