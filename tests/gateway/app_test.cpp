// The gateway in-process on port 0: health, the servers listing, the control
// token, protocol-neutral errors, and a fleet that fails to load whole.
#include <doctest/doctest.h>

#include <thread>

#include <httplib.h>
#include <rapidjson/document.h>

#include "gateway/app.h"

namespace {

struct Running {
  std::unique_ptr<gateway::App> app;
  std::thread thread;
  int port = 0;

  explicit Running(gateway::Config config) {
    config.access_log = gateway::LogFormat::Off;
    auto created = gateway::App::create(std::move(config));
    REQUIRE(std::holds_alternative<std::unique_ptr<gateway::App>>(created));
    app = std::move(std::get<std::unique_ptr<gateway::App>>(created));
    port = app->bind("127.0.0.1", 0);
    REQUIRE(port > 0);
    thread = std::thread([this] { app->run(); });
  }
  ~Running() {
    app->stop();
    thread.join();
  }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port);
    c.set_connection_timeout(5);
    return c;
  }
};

gateway::Config demo_config() {
  auto c = gateway::default_config();
  gateway::ServerSeed a{"demo", "", "", {}};
  a.record.info.name = "a";
  a.record.info.state = core::State::Stopped;
  a.record.info.uuid = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01";
  c.servers.push_back(a);
  gateway::ServerSeed b{"", "222222222222", "eu-west-1", {}};
  b.record.info.name = "b";
  b.record.info.lock = {true, core::LockOwner::Owner, "maintenance"};
  c.servers.push_back(b);
  return c;
}

}  // namespace

TEST_CASE("health and the servers of both kinds") {
  Running gw(demo_config());
  auto c = gw.client();
  auto health = c.Get("/_gateway/health");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(health->body == R"({"status":"ok"})");
  CHECK(health->get_header_value("Content-Type") == "application/json");

  auto servers = c.Get("/_gateway/servers");
  REQUIRE(servers);
  rapidjson::Document doc;
  doc.Parse(servers->body.c_str());
  REQUIRE(doc.IsObject());
  const auto& list = doc["servers"];
  REQUIRE(list.Size() == 2);
  CHECK(std::string(list[0]["id"].GetString()) == "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01");
  CHECK(std::string(list[0]["server_id"].GetString()).size() == 19);
  CHECK(std::string(list[0]["state"].GetString()) == "stopped");
  CHECK(std::string(list[0]["tenant"]["project"].GetString()) == "demo");
  CHECK(std::string(list[0]["tenant"]["account"].GetString()) == "000000000000");
  CHECK_FALSE(list[0]["locked"].GetBool());
  CHECK(list[1]["locked"].GetBool());
  CHECK(std::string(list[1]["locked_by"].GetString()) == "owner");
  CHECK(std::string(list[1]["locked_reason"].GetString()) == "maintenance");
  CHECK(std::string(list[1]["tenant"]["project"].GetString()).empty());
  CHECK(std::string(list[1]["tenant"]["region"].GetString()) == "eu-west-1");
}

TEST_CASE("an unknown path outside both APIs is a JSON 404, never HTML") {
  Running gw(gateway::default_config());
  auto c = gw.client();
  auto r = c.Get("/nowhere");
  REQUIRE(r);
  CHECK(r->status == 404);
  CHECK(r->get_header_value("Content-Type") == "application/json");
  CHECK(r->body == R"({"error":{"code":404,"message":"no such path: GET /nowhere"}})");
}

TEST_CASE("--control-token guards all of /_gateway") {
  auto config = gateway::default_config();
  config.control_token = "s3cret";
  Running gw(std::move(config));
  auto c = gw.client();
  auto denied = c.Get("/_gateway/servers");
  REQUIRE(denied);
  CHECK(denied->status == 401);
  CHECK(denied->body.find("Bearer") != std::string::npos);
  auto wrong = c.Get("/_gateway/health", {{"Authorization", "Bearer nope"}});
  CHECK(wrong->status == 401);
  auto ok = c.Get("/_gateway/health", {{"Authorization", "Bearer s3cret"}});
  CHECK(ok->status == 200);
}

TEST_CASE("a fleet with a duplicate id fails whole, naming the server") {
  auto config = demo_config();
  config.servers.push_back(config.servers[0]);
  auto created = gateway::App::create(std::move(config));
  REQUIRE(std::holds_alternative<std::string>(created));
  CHECK(std::get<std::string>(created).find("fleet: servers[2]: server") == 0);
}

TEST_CASE("conflicting tenant mappings fail whole") {
  auto config = gateway::default_config();
  config.tenants.push_back({"other", "000000000000", "us-east-1"});
  auto created = gateway::App::create(std::move(config));
  REQUIRE(std::holds_alternative<std::string>(created));
  CHECK(std::get<std::string>(created).find("tenants: project 'other'") == 0);
}
