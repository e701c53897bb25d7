#include "gateway/config.h"

#include <algorithm>
#include <initializer_list>

#include <fmt/format.h>

#include "core/ids.h"
#include "core/state.h"
#include "gateway/json_file.h"
#include "gateway/json_reader.h"

namespace gateway {
namespace {

using rapidjson::Value;

std::string at(const char* list, std::size_t i) { return fmt::format("{}[{}]", list, i); }

void read_users(Reader& r, const Value& doc, Config& c) {
  auto it = doc.FindMember("users");
  if (it == doc.MemberEnd() || !r.array(it->value, "users")) return;
  for (std::size_t i = 0; i < it->value.Size(); ++i) {
    const auto& u = it->value[static_cast<rapidjson::SizeType>(i)];
    const auto path = at("users", i);
    if (!r.object(u, path, {"name", "password", "project", "roles"})) return;
    openstack::User user;
    user.name = r.string(u, "name", path, true).value_or("");
    user.password = r.string(u, "password", path, true).value_or("");
    user.project = r.string(u, "project", path, true).value_or("");
    user.roles = r.strings(u, "roles", path);
    for (const auto& role : user.roles)
      if (role != "admin" && role != "member" && role != "reader")
        r.fail(path + ".roles", fmt::format("'{}' is not one of admin, member, reader", role));
    if (r.failed()) return;
    // A user of the same name replaces the default one.
    auto& users = c.openstack.users;
    std::erase_if(users, [&](const openstack::User& x) { return x.name == user.name; });
    users.push_back(std::move(user));
  }
}

void read_access_keys(Reader& r, const Value& doc, Config& c) {
  auto it = doc.FindMember("access_keys");
  if (it == doc.MemberEnd() || !r.array(it->value, "access_keys")) return;
  for (std::size_t i = 0; i < it->value.Size(); ++i) {
    const auto& k = it->value[static_cast<rapidjson::SizeType>(i)];
    const auto path = at("access_keys", i);
    if (!r.object(k, path, {"access_key", "secret_key", "account", "admin"})) return;
    transfer::AccessKey key;
    key.id = r.string(k, "access_key", path, true).value_or("");
    key.secret = r.string(k, "secret_key", path, false).value_or("");
    key.account = r.string(k, "account", path, false).value_or("");
    key.admin = r.boolean(k, "admin", path).value_or(false);
    if (!key.account.empty() && (key.account.size() != 12 ||
                                 !std::all_of(key.account.begin(), key.account.end(), ::isdigit)))
      r.fail(path + ".account", fmt::format("'{}' is not a 12-digit AWS account id", key.account));
    if (r.failed()) return;
    auto& keys = c.transfer.keys;
    std::erase_if(keys, [&](const transfer::AccessKey& x) { return x.id == key.id; });
    keys.push_back(std::move(key));
  }
}

void read_tenants(Reader& r, const Value& doc, Config& c) {
  auto it = doc.FindMember("tenants");
  if (it == doc.MemberEnd() || !r.array(it->value, "tenants")) return;
  c.tenants.clear();  // a file that lists tenants replaces the default mapping
  for (std::size_t i = 0; i < it->value.Size(); ++i) {
    const auto& t = it->value[static_cast<rapidjson::SizeType>(i)];
    const auto path = at("tenants", i);
    if (!r.object(t, path, {"project", "account", "region"})) return;
    TenantMapping m;
    m.project = r.string(t, "project", path, true).value_or("");
    m.account = r.string(t, "account", path, true).value_or("");
    m.region = r.string(t, "region", path, false).value_or("us-east-1");
    if (r.failed()) return;
    c.tenants.push_back(std::move(m));
  }
}

// The AWS tenant of a project made through Keystone, by its name (adapters/openstack/keystone/accounts.h).
void read_project_accounts(Reader& r, const Value& doc, Config& c) {
  auto it = doc.FindMember("project_accounts");
  if (it == doc.MemberEnd() || !r.array(it->value, "project_accounts")) return;
  c.openstack.project_accounts.clear();  // a file that lists them replaces what came before
  for (std::size_t i = 0; i < it->value.Size(); ++i) {
    const auto& a = it->value[static_cast<rapidjson::SizeType>(i)];
    const auto path = at("project_accounts", i);
    if (!r.object(a, path, {"name", "account", "region"})) return;
    openstack::ProjectAccount m;
    m.name = r.string(a, "name", path, true).value_or("");
    m.account = r.string(a, "account", path, true).value_or("");
    m.region = r.string(a, "region", path, false).value_or("us-east-1");
    if (!r.failed() && (m.account.size() != 12 || !std::all_of(m.account.begin(), m.account.end(), ::isdigit)))
      r.fail(path + ".account", fmt::format("'{}' is not a 12-digit AWS account id", m.account));
    if (r.failed()) return;
    c.openstack.project_accounts.push_back(std::move(m));
  }
}

void read_transition_ms(Reader& r, const Value& doc, Config& c) {
  auto it = doc.FindMember("transition_ms");
  if (it == doc.MemberEnd()) return;
  const auto& v = it->value;
  if (v.IsInt64()) {
    if (v.GetInt64() < 0 || v.GetInt64() > 3'600'000)
      return r.fail("transition_ms", "must be a whole number from 0 to 3600000");
    c.transition_ms.fill(v.GetInt64());
    return;
  }
  // Per action, by its core name: every action that goes through a state in between.
  if (!r.object(v, "transition_ms", {"create", "stop", "start", "reboot", "reboot_hard", "pause", "unpause",
                                     "suspend", "resume", "shelve", "shelve_offload", "unshelve", "rebuild",
                                     "resize", "confirm_resize", "revert_resize", "restore", "rescue",
                                     "unrescue", "create_image", "create_backup"}))
    return;
  for (const auto& m : v.GetObject()) {
    const auto action = core::parse_action(m.name.GetString());
    if (auto n = r.integer(v, m.name.GetString(), "transition_ms", 0, 3'600'000))
      c.transition_ms[static_cast<std::size_t>(*action)] = *n;
  }
}

void read_images(Reader& r, const Value& doc, Config& c) {
  auto it = doc.FindMember("images");
  if (it == doc.MemberEnd() || !r.array(it->value, "images")) return;
  c.openstack.images.clear();
  for (std::size_t i = 0; i < it->value.Size(); ++i) {
    const auto& img = it->value[static_cast<rapidjson::SizeType>(i)];
    const auto path = at("images", i);
    if (!r.object(img, path, {"id", "name"})) return;
    openstack::Image image;
    image.id = r.string(img, "id", path, true).value_or("");
    image.name = r.string(img, "name", path, true).value_or("");
    if (!r.failed() && !core::is_uuid(image.id)) r.fail(path + ".id", fmt::format("'{}' is not a UUID", image.id));
    if (r.failed()) return;
    c.openstack.images.push_back(std::move(image));
  }
}

void read_flavors(Reader& r, const Value& doc, Config& c) {
  auto it = doc.FindMember("flavors");
  if (it == doc.MemberEnd() || !r.array(it->value, "flavors")) return;
  c.openstack.flavors.clear();
  for (std::size_t i = 0; i < it->value.Size(); ++i) {
    const auto& f = it->value[static_cast<rapidjson::SizeType>(i)];
    const auto path = at("flavors", i);
    if (!r.object(f, path, {"id", "name", "vcpus", "ram_mb", "disk_gb"})) return;
    openstack::Flavor flavor;
    flavor.id = r.string(f, "id", path, true).value_or("");
    flavor.name = r.string(f, "name", path, true).value_or("");
    flavor.vcpus = static_cast<int>(r.integer(f, "vcpus", path, 1, 1024).value_or(1));
    flavor.ram_mb = static_cast<int>(r.integer(f, "ram_mb", path, 1, 1 << 24).value_or(512));
    flavor.disk_gb = static_cast<int>(r.integer(f, "disk_gb", path, 0, 1 << 20).value_or(1));
    if (r.failed()) return;
    c.openstack.flavors.push_back(std::move(flavor));
  }
}

void read_limits(Reader& r, const Value& doc, Config& c) {
  auto it = doc.FindMember("limits");
  if (it == doc.MemberEnd()) return;
  if (!r.object(it->value, "limits", {"nova_max_body_bytes", "transfer_max_body_bytes"})) return;
  if (auto n = r.integer(it->value, "nova_max_body_bytes", "limits", 1024, 1 << 20)) c.openstack.max_body_bytes = *n;
  if (auto n = r.integer(it->value, "transfer_max_body_bytes", "limits", 1024, 1 << 20))
    c.transfer.max_body_bytes = *n;
}

}  // namespace

Config default_config() {
  Config c;
  c.openstack.users = openstack::default_users();
  c.tenants = {{"demo", "000000000000", "us-east-1"}, {"alt", "111111111111", "us-east-1"}};
  c.transfer.keys = {{"admin", "admin", "", true}};
  return c;
}

std::optional<std::string> apply_file(const Value& doc, const std::string& file, bool is_fleet, Config& config) {
  Reader r(file);
  if (is_fleet) {
    r.object(doc, "(top level)", {"servers", "users", "tenants", "access_keys", "transition_ms", "token_ttl_s",
                                  "images", "flavors", "limits", "reclaim_instance_interval", "documents",
                                  "project_accounts"});
  } else {
    r.object(doc, "(top level)", {"users", "tenants", "access_keys", "transition_ms", "token_ttl_s", "images",
                                  "flavors", "limits", "reclaim_instance_interval", "project_accounts"});
  }
  if (r.failed()) return r.error();
  read_users(r, doc, config);
  read_access_keys(r, doc, config);
  read_tenants(r, doc, config);
  read_project_accounts(r, doc, config);
  read_transition_ms(r, doc, config);
  read_images(r, doc, config);
  read_flavors(r, doc, config);
  read_limits(r, doc, config);
  if (auto ttl = r.integer(doc, "token_ttl_s", "(top level)", 1, 7 * 24 * 3600)) config.openstack.token_ttl_s = *ttl;
  // Nova's option of that name, in seconds: 0 deletes at once, more keeps a
  // deleted server restorable (SOFT_DELETED) that long.
  if (auto s = r.integer(doc, "reclaim_instance_interval", "(top level)", 0, 365 * 24 * 3600))
    config.reclaim_instance_interval_s = *s;
  if (is_fleet) {
    read_fleet_servers(r, doc, config.servers);
    read_fleet_documents(r, doc, config.documents);
  }
  return r.error();
}

std::variant<Config, std::string> load_config(const Options& options) {
  Config config = default_config();
  for (const auto& [file, is_fleet] : {std::pair{options.fleet_file, true}, std::pair{options.config_file, false}}) {
    if (!file) continue;
    auto doc = read_json_file(*file);
    if (auto* error = std::get_if<std::string>(&doc)) return *error;
    if (auto error = apply_file(std::get<rapidjson::Document>(doc), *file, is_fleet, config)) return *error;
  }
  if (options.transition_ms) config.transition_ms.fill(*options.transition_ms);
  config.control_token = options.control_token;
  config.access_log = options.access_log;
  if (options.tls_cert && options.tls_key) config.tls = TlsFiles{*options.tls_cert, *options.tls_key};
  config.fleet_file = options.fleet_file;
  config.state_file = options.state_file;
  config.state_sync_full = options.state_sync == "full";
  config.journal_max = options.journal_max;
  config.sftp.enabled = options.sftp;
  config.sftp.host = options.host;
  config.sftp.first_port = options.sftp_first_port;
  config.sftp.last_port = options.sftp_last_port;
  if (options.sftp_quota) config.sftp.quota = *options.sftp_quota;
  // Files live beside the state they go with (TRANSFER.md).
  config.sftp.data_dir = options.data_dir ? *options.data_dir
                         : options.state_file ? *options.state_file + "-files"
                                              : std::string();
  config.console_port = options.console_port;
  config.openstack.auth = options.auth == "noauth" ? openstack::AuthMode::NoAuth : openstack::AuthMode::Keystone;
  config.transfer.sigv4 = options.sigv4 == "verify" ? transfer::SigV4Mode::Verify : transfer::SigV4Mode::Scope;
  return config;
}

}  // namespace gateway
