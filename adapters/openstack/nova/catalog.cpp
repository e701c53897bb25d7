// Flavors: the list (with Nova's is_public, minRam, minDisk, sort_key,
// sort_dir, limit and marker, and flavors_links on a full page) and one
// flavor, as the caller may see them (private flavors to admins and the
// projects given access). Changes are flavor_admin.cpp's.
#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/nova/service.h"

namespace openstack {
namespace {

constexpr std::array<std::string_view, 15> kSortKeys = {
    "created_at", "description", "disabled", "ephemeral_gb", "flavorid", "id", "is_public", "memory_mb", "name",
    "root_gb", "rxtx_factor", "swap", "updated_at", "vcpu_weight", "vcpus"};

Fault invalid_query(const std::string& key, const std::string& value, const std::string& why) {
  return bad_request(fmt::format("Invalid input for query parameters {}. Value: {}. {}", key, value, why));
}

// Nova's is_public filter, an admin's only: absent, the public ones (and
// those the caller's project may use); "none", every flavor; else a strict boolean.
std::variant<std::optional<bool>, Fault> is_public_filter(const httplib::Request& req, bool admin) {
  if (!admin || !req.has_param("is_public")) return std::optional<bool>(true);
  const auto value = req.get_param_value("is_public");
  auto lower = value;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "none") return std::optional<bool>();
  for (std::string_view yes : {"1", "t", "true", "on", "y", "yes"})
    if (lower == yes) return std::optional<bool>(true);
  for (std::string_view no : {"0", "f", "false", "off", "n", "no"})
    if (lower == no) return std::optional<bool>(false);
  return bad_request(fmt::format("Invalid is_public filter [{}]", value));
}

// The flavors a listing shows, in its order, or Nova's 400.
std::variant<std::vector<const Flavor*>, Fault> listed(const httplib::Request& req, const Version& v,
                                                       const std::vector<Flavor>& flavors) {
  for (const auto& [key, value] : req.params) {
    const bool known = key == "limit" || key == "marker" || key == "is_public" || key == "minRam" ||
                       key == "minDisk" || key == "sort_key" || key == "sort_dir";
    if (!known && v.at_least(75))
      return invalid_query(key, value, fmt::format("Additional properties are not allowed ('{}' was unexpected)", key));
  }
  const auto param = [&](const char* key) -> std::optional<std::string> {
    if (!req.has_param(key)) return std::nullopt;
    return req.get_param_value(key);
  };
  std::string sort_key = param("sort_key").value_or("flavorid");
  std::string sort_dir = param("sort_dir").value_or("asc");
  if (std::find(kSortKeys.begin(), kSortKeys.end(), sort_key) == kSortKeys.end())
    return invalid_query("sort_key", sort_key, fmt::format("'{}' is not one of {}", sort_key, "['created_at', "
        "'description', 'disabled', 'ephemeral_gb', 'flavorid', 'id', 'is_public', 'memory_mb', 'name', 'root_gb', "
        "'rxtx_factor', 'swap', 'updated_at', 'vcpu_weight', 'vcpus']"));
  if (sort_dir != "asc" && sort_dir != "desc")
    return invalid_query("sort_dir", sort_dir, fmt::format("'{}' is not one of ['asc', 'desc']", sort_dir));
  std::size_t limit = 1000;  // Nova's [api] max_limit
  if (auto text = param("limit")) {
    if (text->empty() || text->size() > 9 || text->find_first_not_of("0123456789") != std::string::npos)
      return invalid_query("limit", *text, fmt::format("'{}' does not match '^[0-9]*$'", *text));
    limit = std::min<std::size_t>(std::stoul(*text), limit);
  }
  // minRam and minDisk: Python's int() of the text, or Nova's own 400.
  const auto minimum = [&](const char* key, const char* words) -> std::variant<long long, Fault> {
    auto text = param(key);
    if (!text) return 0LL;
    auto t = *text;
    t.erase(0, t.find_first_not_of(' '));
    t.erase(t.find_last_not_of(' ') + 1);
    const auto digits = t.substr(!t.empty() && (t[0] == '-' || t[0] == '+') ? 1 : 0);
    if (digits.empty() || digits.size() > 15 || digits.find_first_not_of("0123456789") != std::string::npos)
      return bad_request(fmt::format("Invalid {} filter [{}]", words, *text));
    return std::stoll(t);
  };
  const auto min_ram = minimum("minRam", "minRam");
  if (auto* fault = std::get_if<Fault>(&min_ram)) return *fault;
  const auto min_disk = minimum("minDisk", "minDisk");
  if (auto* fault = std::get_if<Fault>(&min_disk)) return *fault;

  std::vector<const Flavor*> out;
  for (const auto& f : flavors)
    if (f.ram_mb >= std::get<long long>(min_ram) && f.disk_gb >= std::get<long long>(min_disk)) out.push_back(&f);
  const auto key_of = [&](const Flavor* f) -> std::variant<long long, std::string> {
    if (sort_key == "memory_mb") return static_cast<long long>(f->ram_mb);
    if (sort_key == "root_gb") return static_cast<long long>(f->disk_gb);
    if (sort_key == "vcpus") return static_cast<long long>(f->vcpus);
    if (sort_key == "name") return f->name;
    return f->id;  // flavorid, and the keys every flavor here shares a value of
  };
  std::stable_sort(out.begin(), out.end(), [&](const Flavor* a, const Flavor* b) {
    return sort_dir == "asc" ? key_of(a) < key_of(b) : key_of(b) < key_of(a);
  });
  if (auto marker = param("marker")) {
    const auto it = std::find_if(out.begin(), out.end(), [&](const Flavor* f) { return f->id == *marker; });
    if (it == out.end()) return bad_request(fmt::format("marker [{}] not found", *marker));
    out.erase(out.begin(), it + 1);
  }
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace

void Service::list_flavors(const httplib::Request& req, httplib::Response& res, const Call& call, bool detail) {
  const auto is_public = is_public_filter(req, call.caller.admin);
  if (auto* fault = std::get_if<Fault>(&is_public)) return send_fault(res, call, *fault);
  const auto wanted = std::get<std::optional<bool>>(is_public);
  std::vector<Flavor> shown;
  for (auto& f : flavors.list()) {
    const bool access = std::find(f.projects.begin(), f.projects.end(), call.identity->project) != f.projects.end();
    // As Nova's query: is_public true also finds the private flavors the caller's project may use.
    if (!wanted || (*wanted && (f.is_public || access)) || (!*wanted && !f.is_public)) shown.push_back(std::move(f));
  }
  auto found = listed(req, call.version, shown);
  if (auto* fault = std::get_if<Fault>(&found)) return send_fault(res, call, *fault);
  const auto& flavors = std::get<std::vector<const Flavor*>>(found);
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("flavors");
  w.StartArray();
  for (const auto* f : flavors) write_flavor(w, *f, call.base, call.version, detail);
  w.EndArray();
  // As Nova: a page as long as the limit asked for links to the next one.
  if (req.has_param("limit") && !flavors.empty() && flavors.size() == std::stoul(req.get_param_value("limit"))) {
    w.Key("flavors_links");
    w.StartArray();
    w.StartObject();
    field(w, "rel", "next");
    field(w, "href", fmt::format("{}/compute/v2.1/flavors{}?limit={}&marker={}", call.base, detail ? "/detail" : "",
                                 flavors.size(), flavors.back()->id));
    w.EndObject();
    w.EndArray();
  }
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

void Service::show_flavor(const httplib::Request& req, httplib::Response& res, const Call& call) {
  const auto id = req.matches[1].str();
  const auto flavor = flavors.visible(id, flavor_viewer(call));
  if (!flavor) return send_fault(res, call, not_found(fmt::format("Flavor {} could not be found.", id)));
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("flavor");
  write_flavor(w, *flavor, call.base, call.version, true);
  w.EndObject();
  send_json(res, 200, buffer.GetString());
}

}  // namespace openstack
