// What the quotas refuse, in Nova's words: too many instances, cores or
// RAM for a create or a resize (TooManyInstances), too many metadata items,
// key pairs, members of a server group, personality files too many or too
// big (a create's or a rebuild's injected files). The counting is core/quotas.h's.
//
// A server made through Transfer counts too: one instance of its tenant's
// project, with the flavor it shows (the catalog's first, m1.tiny). Only
// Nova's own creates are refused by these quotas: Transfer's CreateServer
// never checks them (AWS has limits of its own), so a project may end over
// its quota through Transfer, and Nova then refuses its next create.
#include <numeric>

#include <fmt/format.h>
#include <httplib.h>

#include "adapters/openstack/nova/service.h"
#include "core/transitions.h"

namespace openstack {
namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// Nova's TooManyInstances: "Quota exceeded for <overs>: Requested <req>,
// but already used <used> of <allowed> <overs>", each a list.
Fault too_many(const core::Overage& over, const std::function<std::string(const std::string&)>& requested) {
  std::vector<std::string> reqs, used, allowed;
  for (const auto& r : over.resources) {
    reqs.push_back(requested(r));
    used.push_back(std::to_string(over.used.count(r) ? over.used.at(r) : 0));
    allowed.push_back(std::to_string(over.allowed.count(r) ? over.allowed.at(r) : 0));
  }
  const auto overs = joined(over.resources);
  return Fault{403, "forbidden",
               fmt::format("Quota exceeded for {}: Requested {}, but already used {} of {} {}", overs, joined(reqs),
                           joined(used), joined(allowed), overs),
               -1, "over_quota"};
}

}  // namespace

core::ServerUse Service::server_use(const core::ServerInfo& s) const {
  const auto flavor = flavor_of(settings, s);
  return core::ServerUse{flavor.vcpus, flavor.ram_mb, std::string(core::find_pair(s.attributes, kUserAttr).value_or(""))};
}

std::optional<core::Quotas::Admission> Service::admit_create(httplib::Response& res, const Call& call,
                                                             const Flavor& flavor, int min_count, int max_count,
                                                             const std::optional<std::string>& group) {
  const auto& project = call.identity->project;
  const core::ServerUse each{flavor.vcpus, flavor.ram_mb, call.identity->user};
  auto admission = quotas.admit_servers(project, each, min_count, max_count);
  if (!admission) {
    const auto count = min_count == max_count ? std::to_string(min_count) : fmt::format("{}-{}", min_count, max_count);
    send_fault(res, call, too_many(*admission.over, [&](const std::string& r) {
                 if (r == core::kCores) return std::to_string(std::int64_t{max_count} * flavor.vcpus);
                 if (r == core::kRam) return std::to_string(std::int64_t{max_count} * flavor.ram_mb);
                 return count;
               }));
    return std::nullopt;
  }
  if (group) {
    // Each new member counts against server_group_members, with the
    // members the caller already has in the group.
    std::int64_t mine = 0;
    if (const auto g = groups.find(*group)) {
      const core::Caller all{0, true, false, true};
      for (const auto& uuid : g->members)
        if (auto member = fleet.get(all, uuid); member && core::find_pair(member->attributes, kUserAttr) == call.identity->user)
          ++mine;
    }
    if (quotas.check(project, call.identity->user, "server_group_members", mine + admission.count)) {
      send_fault(res, call, Fault{403, "forbidden", "Quota exceeded, too many servers in group", -1, "over_quota"});
      return std::nullopt;
    }
  }
  return admission;
}

std::optional<core::Quotas::Admission> Service::admit_resize(httplib::Response& res, const Call& call,
                                                             const std::string& id, const ActionRequest& request,
                                                             bool& refused) {
  refused = false;
  // Only what the core would accept is counted: its own refusals (not
  // found, policy, lock, state) come first, as in Nova's order.
  const auto server = fleet.get(call.caller, id);
  if (!server || !call.caller.may_act || (server->lock.locked && !call.caller.admin) ||
      !core::transition(request.action, server->state).allowed)
    return std::nullopt;
  std::optional<Flavor> from, to;
  if (request.action == core::Action::Resize) {
    from = flavor_of(settings, *server);
    to = find_flavor(settings, request.flavor_id);
  } else {  // a revert takes the old flavor back
    from = flavor_of(settings, *server);
    to = find_flavor(settings, core::find_pair(server->attributes, kFlavorAttr).value_or(""), true);
  }
  if (!from || !to) return std::nullopt;  // the action's own check answers
  const auto project = fleet.tenants().info(server->tenant).project;
  const core::ServerUse growth{to->vcpus - from->vcpus, to->ram_mb - from->ram_mb,
                               std::string(core::find_pair(server->attributes, kUserAttr).value_or(""))};
  auto admission = quotas.admit_growth(project, growth);
  if (!admission) {
    refused = true;
    send_fault(res, call, too_many(*admission.over, [&](const std::string& r) {
                 return std::to_string(r == core::kCores ? growth.cores : growth.ram);
               }));
    return std::nullopt;
  }
  return admission;
}

std::optional<Fault> Service::metadata_over(const Call& call, std::size_t count) {
  if (count == 0) return std::nullopt;
  const auto over = quotas.check(call.identity->project, call.identity->user, "metadata_items",
                                 static_cast<std::int64_t>(count));
  if (!over) return std::nullopt;
  return Fault{403, "forbidden",
               fmt::format("Maximum number of metadata items exceeds {}", over->allowed.at("metadata_items")), -1,
               "over_quota"};
}

std::optional<Fault> Service::injected_files_over(const Call& call, const InjectedFiles& files) {
  if (files.count == 0) return std::nullopt;
  const auto& project = call.identity->project;
  const auto& user = call.identity->user;
  const auto over = [&](std::string_view resource, std::size_t value) {
    return quotas.check(project, user, resource, static_cast<std::int64_t>(value));
  };
  // The number of files first, then the longest path (reported before the longest contents).
  if (over("injected_files", files.count))
    return Fault{403, "forbidden", "Personality file limit exceeded", -1, "over_quota"};
  if (const auto path = over("injected_file_path_bytes", files.longest_path))
    return Fault{403, "forbidden",
                 fmt::format("Personality file path exceeds maximum {}", path->allowed.at("injected_file_path_bytes")),
                 -1, "over_quota"};
  if (const auto contents = over("injected_file_content_bytes", files.longest_contents))
    return Fault{403, "forbidden",
                 fmt::format("Personality file content exceeds maximum {}",
                             contents->allowed.at("injected_file_content_bytes")),
                 -1, "over_quota"};
  return std::nullopt;
}

std::optional<Fault> Service::keypairs_over(const Call& call, const std::string& user) {
  const auto count = static_cast<std::int64_t>(keypairs.list(user).size()) + 1;
  if (!quotas.check(call.identity->project, user, "key_pairs", count)) return std::nullopt;
  return Fault{403, "forbidden", "Quota exceeded, too many key pairs.", -1, "over_quota"};
}

}  // namespace openstack
