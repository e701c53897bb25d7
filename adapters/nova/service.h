// The Nova adapter's handlers over the core, and what every compute request
// carries once it is checked: its microversion, who is calling, the base URL.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <string>

#include "adapters/nova/api.h"
#include "adapters/nova/faults.h"
#include "adapters/nova/keystone.h"
#include "adapters/nova/microversion.h"
#include "core/journal.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace nova {

struct Call {
  Version version;
  std::shared_ptr<const Identity> identity;  // never null once checked
  core::Caller caller;
  std::string base;
  core::JournalEntry* entry = nullptr;  // this call's journal entry, filled in as it goes
};

struct Service {
  core::Fleet& fleet;
  const Settings& settings;

  void list_servers(const httplib::Request& req, httplib::Response& res, const Call& call, bool detail);
  void show_server(const httplib::Request& req, httplib::Response& res, const Call& call);
  void create_server(const httplib::Request& req, httplib::Response& res, const Call& call);
  void delete_server(const httplib::Request& req, httplib::Response& res, const Call& call);
  void server_action(const httplib::Request& req, httplib::Response& res, const Call& call);

  void list_instance_actions(const httplib::Request& req, httplib::Response& res, const Call& call);
  void show_instance_action(const httplib::Request& req, httplib::Response& res, const Call& call);

  void list_flavors(const httplib::Request& req, httplib::Response& res, const Call& call, bool detail);
  void show_flavor(const httplib::Request& req, httplib::Response& res, const Call& call);
  void show_flavor_extra_specs(const httplib::Request& req, httplib::Response& res, const Call& call);

 private:
  // instance_actions.cpp
  std::vector<core::JournalEntry> server_actions(const std::string& uuid);
  std::optional<core::ServerInfo> action_server(httplib::Response& res, const Call& call, const std::string& id);
  void write_action(rapidjson::Writer<rapidjson::StringBuffer>& w, const core::JournalEntry& e, const Call& call);
};

void send_json(httplib::Response& res, int status, std::string body);
void send_fault(httplib::Response& res, const Fault& fault);
// The same, noting the fault's result in the call's journal entry.
void send_fault(httplib::Response& res, const Call& call, const Fault& fault);

}  // namespace nova
