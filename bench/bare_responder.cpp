// The throughput reference (bench/run, issue 6 item 1): cpp-httplib with the
// gateway's server settings (gateway/app.cpp), answering the benchmark's
// requests with an empty 200 and doing nothing else. Flags change a setting,
// to measure what it costs on bare cpp-httplib (0: cpp-httplib's own default:
// 8 threads, 5 requests per connection, backlog 5; --nodelay 0: Nagle on).
// With --tls-cert and --tls-key it is cpp-httplib's SSLServer with those
// files, the reference for the gateway over HTTPS:
//   bare-responder [--pool 64] [--keep-alive-max 1000] [--backlog 4096] [--nodelay 1]
//                  [--tls-cert FILE --tls-key FILE]
#include <sys/socket.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <httplib.h>

int main(int argc, char** argv) {
  int pool = 64, keep_alive_max = 1000, backlog = 4096, nodelay = 1;  // as gateway/app.cpp
  std::string tls_cert, tls_key;
  for (int i = 1; i + 1 < argc; i += 2) {  // other flags (the gateway's, from startup.py) are ignored
    const std::string flag = argv[i];
    int* setting = flag == "--pool" ? &pool : flag == "--keep-alive-max" ? &keep_alive_max
                 : flag == "--backlog" ? &backlog : flag == "--nodelay" ? &nodelay : nullptr;
    if (setting) *setting = std::atoi(argv[i + 1]);
    if (flag == "--tls-cert") tls_cert = argv[i + 1];
    if (flag == "--tls-key") tls_key = argv[i + 1];
  }
  // The library's own file constructor: the plain way to serve TLS with
  // cpp-httplib, as the gateway's SSLServer does after checking the files.
  std::unique_ptr<httplib::Server> owned;
  if (!tls_cert.empty()) owned = std::make_unique<httplib::SSLServer>(tls_cert.c_str(), tls_key.c_str());
  else owned = std::make_unique<httplib::Server>();
  if (!owned->is_valid()) {
    std::fprintf(stderr, "bare-responder: cannot use --tls-cert %s --tls-key %s\n", tls_cert.c_str(), tls_key.c_str());
    return 1;
  }
  httplib::Server& server = *owned;
  if (pool > 0) server.new_task_queue = [pool] { return new httplib::ThreadPool(pool); };
  if (keep_alive_max > 0) server.set_keep_alive_max_count(keep_alive_max);
  server.set_tcp_nodelay(nodelay != 0);
  int listening = -1;
  server.set_socket_options([&listening](socket_t sock) {
    httplib::default_socket_options(sock);
    listening = sock;  // to listen again with a deeper backlog than cpp-httplib's 5
  });
  auto ok = [](const httplib::Request&, httplib::Response& res) { res.status = 200; };
  server.Post("/", ok);
  server.Post(R"(/compute/v2\.1/servers/([^/]+)/action)", ok);
  server.Get("/_gateway/health", ok);
  const int port = server.bind_to_any_port("127.0.0.1");
  if (backlog > 0 && listening >= 0) listen(listening, backlog);
  std::printf("bare-responder listening on %s://127.0.0.1:%d\n", tls_cert.empty() ? "http" : "https", port);
  std::fflush(stdout);
  server.listen_after_bind();
}
