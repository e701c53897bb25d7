#include <doctest/doctest.h>

#include "gateway/options.h"

using gateway::Options;
using gateway::UsageError;

namespace {

std::variant<Options, UsageError> parse(std::vector<std::string> args) { return gateway::parse_options(args); }

std::string error_of(std::vector<std::string> args) {
  auto r = parse(std::move(args));
  REQUIRE(std::holds_alternative<UsageError>(r));
  return std::get<UsageError>(r).message;
}

}  // namespace

TEST_CASE("defaults are GATEWAY.md's") {
  auto o = std::get<Options>(parse({}));
  CHECK(o.host == "127.0.0.1");
  CHECK(o.port == 8780);
  CHECK(o.auth == "keystone");
  CHECK(o.sigv4 == "scope");
  CHECK_FALSE(o.transition_ms.has_value());
  CHECK_FALSE(o.control_token.has_value());
  CHECK(o.access_log == gateway::LogFormat::Human);
  CHECK_FALSE(o.control_open);
  CHECK_FALSE(o.tls_cert.has_value());
}

TEST_CASE("every flag, in both spellings") {
  auto o = std::get<Options>(parse({"--listen", "0.0.0.0:0", "--fleet", "f.json", "--config=c.json",
                                    "--transition-ms", "250", "--auth", "noauth", "--sigv4=verify",
                                    "--control-token", "t0k", "--access-log", "off", "--tls-cert", "c.pem",
                                    "--tls-key=k.pem"}));
  CHECK(o.host == "0.0.0.0");
  CHECK(o.port == 0);
  CHECK(o.fleet_file == "f.json");
  CHECK(o.config_file == "c.json");
  CHECK(o.transition_ms == 250);
  CHECK(o.auth == "noauth");
  CHECK(o.sigv4 == "verify");
  CHECK(o.control_token == "t0k");
  CHECK(o.access_log == gateway::LogFormat::Off);
  CHECK(o.tls_cert == "c.pem");
  CHECK(o.tls_key == "k.pem");
  CHECK(std::get<Options>(parse({"--access-log", "json"})).access_log == gateway::LogFormat::Json);
  CHECK(std::get<Options>(parse({"--help"})).help);
  CHECK(std::get<Options>(parse({"--version"})).version);
}

TEST_CASE("--control-token none opens the control plane explicitly; a later token wins") {
  auto open = std::get<Options>(parse({"--control-token", "none"}));
  CHECK(open.control_open);
  CHECK_FALSE(open.control_token.has_value());
  auto token = std::get<Options>(parse({"--control-token", "none", "--control-token", "t0k"}));
  CHECK_FALSE(token.control_open);
  CHECK(token.control_token == "t0k");
}

TEST_CASE("bad flags are named") {
  CHECK(error_of({"--bogus"}) == "unknown flag '--bogus'");
  CHECK(error_of({"--listen"}) == "--listen needs a value");
  CHECK(error_of({"--listen", "8780"}) == "--listen wants HOST:PORT, got '8780'");
  CHECK(error_of({"--listen", "h:70000"}) == "--listen: '70000' is not a port (0-65535)");
  CHECK(error_of({"--transition-ms", "-1"}).find("is not a number of milliseconds") != std::string::npos);
  CHECK(error_of({"--transition-ms", "5s"}).find("'5s'") != std::string::npos);
  CHECK(error_of({"--auth", "basic"}) == "--auth: 'basic' is not keystone or noauth");
  CHECK(error_of({"--sigv4", "none"}) == "--sigv4: 'none' is not scope or verify");
  CHECK(error_of({"--control-token", ""}) == "--control-token must not be empty");
  CHECK(error_of({"--access-log", "quiet"}) == "--access-log: 'quiet' is not on, off or json");
  CHECK(error_of({"--tls-cert", "c.pem"}) == "--tls-cert and --tls-key go together: give both to serve HTTPS");
  CHECK(error_of({"--tls-key", "k.pem"}) == "--tls-cert and --tls-key go together: give both to serve HTTPS");
  CHECK(error_of({"--tls-cert"}) == "--tls-cert needs a value");
  CHECK(error_of({"--console-port", "70000"}) == "--console-port: '70000' is not a port (0-65535) or off");
  CHECK(error_of({"--console-port", "on"}) == "--console-port: 'on' is not a port (0-65535) or off");
  CHECK(error_of({"--console-port"}) == "--console-port needs a value");
}

TEST_CASE("--console-port: a free port by default, a port, or off") {
  CHECK(std::get<Options>(parse({})).console_port == 0);
  CHECK(std::get<Options>(parse({"--console-port", "6080"})).console_port == 6080);
  CHECK_FALSE(std::get<Options>(parse({"--console-port=off"})).console_port.has_value());
}

TEST_CASE("--sftp-quota: the default (unset), a size with or without its unit, or off") {
  CHECK_FALSE(std::get<Options>(parse({})).sftp_quota.has_value());
  CHECK(std::get<Options>(parse({"--sftp-quota", "4096"})).sftp_quota == 4096u);
  CHECK(std::get<Options>(parse({"--sftp-quota=64K"})).sftp_quota == 65536u);
  CHECK(std::get<Options>(parse({"--sftp-quota", "10M"})).sftp_quota == 10u << 20);
  CHECK(std::get<Options>(parse({"--sftp-quota", "2G"})).sftp_quota == std::uint64_t{2} << 30);
  CHECK(std::get<Options>(parse({"--sftp-quota", "1T"})).sftp_quota == std::uint64_t{1} << 40);
  CHECK(std::get<Options>(parse({"--sftp-quota", "off"})).sftp_quota == 0u);
  for (auto bad : {"", "0", "G", "-1", "1.5G", "1g", "1GB", "99999999999T", "lots"})
    CHECK(error_of({"--sftp-quota", bad}).find("--sftp-quota") != std::string::npos);
}

TEST_CASE("usage lists every flag") {
  const auto text = gateway::usage_text();
  for (auto flag : {"--listen", "--fleet", "--config", "--transition-ms", "--auth", "--sigv4", "--control-token",
                    "--access-log", "--tls-cert", "--tls-key", "--console-port", "--sftp", "--sftp-ports",
                    "--sftp-quota", "--data-dir", "--help", "--version"})
    CHECK(text.find(flag) != std::string::npos);
}
