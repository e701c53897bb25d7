// The server list's query string (GET /servers and /servers/detail), checked
// as Nova's query schema checks it, in Nova's order, with Nova's 400s. Pure:
// no fleet and no HTTP (the marker is resolved through a callback), so the
// fuzzer and the unit tests call exactly what the handler calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <variant>
#include <vector>

#include "adapters/openstack/nova/faults.h"
#include "adapters/openstack/nova/microversion.h"
#include "core/server.h"

namespace openstack {

// Which servers in vm_state soft-delete a listing shows.
enum class SoftDeleted { Hidden, Shown, Only };

struct ListParams {
  bool all_tenants = false;
  std::size_t limit = 1000;  // at most 1000, whatever was asked
  std::uint64_t after_seq = 0;  // the marker's position (0: from the start)
  std::optional<std::regex> name;  // matched against a whole name (it is wrapped to find the pattern anywhere)
  std::string status;  // upper case; empty: any
  bool no_status_matches = false;  // an unknown status before 2.38 matches nothing
  std::optional<std::string> image;   // the image id, exactly
  std::optional<std::string> flavor;  // the flavor id, exactly
  std::optional<core::Millis> changes_since, changes_before;  // by the time of the last change
  std::optional<std::string> project;  // tenant_id or project_id, with all_tenants only
  std::optional<std::string> host;     // admin: the host (or node) it runs on
  std::optional<bool> locked;          // from 2.73
  // ip / ip6 (from 2.5): patterns searched in the server's IPv4 / IPv6
  // addresses, as Nova's regex filters (the handler matches them: the
  // addresses are the network model's).
  std::optional<std::regex> ip, ip6;
  // The tag filters (from 2.26), each a comma-separated list: every tag
  // (tags), any of them (tags-any), not every one (not-tags), none of them (not-tags-any).
  std::optional<std::vector<std::string>> tags, tags_any, not_tags, not_tags_any;
  // Nova leaves soft-deleted servers out unless the listing asks for deleted
  // ones: an admin's deleted=true (only those), or changes-since/-before.
  SoftDeleted soft_deleted = SoftDeleted::Hidden;
  // Whether a server passes the filters (all but `project`, which the
  // handler resolves against the tenants).
  bool matches(const core::ServerInfo& server) const;
  bool filters() const {
    return name || !status.empty() || no_status_matches || image || flavor || changes_since || changes_before ||
           host || locked || ip || ip6 || tags || tags_any || not_tags || not_tags_any ||
           soft_deleted != SoftDeleted::Shown;
  }
};

// A marker's position in the listing, or nothing when it names no server the caller sees.
using MarkerLookup = std::function<std::optional<std::uint64_t>(const std::string& marker)>;

// Decoded query parameters (a name may repeat: the first value counts, as in
// cpp-httplib's get_param_value). `admin`: the caller may list all tenants
// and filter by what only admins may (host, node, tenant); for others those
// filters are dropped, as Nova drops them.
std::variant<ListParams, Fault> parse_list_query(const std::multimap<std::string, std::string>& params,
                                                 const Version& version, bool admin, const MarkerLookup& marker);

}  // namespace openstack
