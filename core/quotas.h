// Quotas: how much of each resource a project, and a user in it, may hold.
// Limits are set per quota class (the class "default" gives every project
// its defaults), per project and per user, over defaults the adapter
// defines; the servers' part (instances, cores, RAM) is counted from the
// fleet, the rest (key pairs, server groups, ...) by whoever keeps them.
// An admission holds a project's count steady while its servers are made,
// so two creates can never both take the last place. Protocol-neutral:
// resource names are the adapter's words, and an overage is facts (which
// resources, what is used, what is allowed), never a message.
//
// Kept as documents of kind "quota-limit" (with --state and in snapshots);
// a reset clears every limit set through the API.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/document.h"
#include "core/fleet.h"
#include "core/result.h"

namespace core {

// Limits by resource name; kUnlimited: no limit.
using QuotaLimits = std::map<std::string, std::int64_t, std::less<>>;
inline constexpr std::int64_t kUnlimited = -1;

// The resources the servers themselves hold, counted from the fleet.
inline constexpr std::string_view kInstances = "instances";
inline constexpr std::string_view kCores = "cores";
inline constexpr std::string_view kRam = "ram";

// What one server holds: one instance of its project (and of its user, if
// it has one), with its flavor's cores and RAM. A soft-deleted server holds
// nothing, as Nova counts.
struct ServerUse {
  std::int64_t cores = 0;
  std::int64_t ram = 0;
  std::string user;  // empty: the project's alone (a server made through Transfer)
};

// Why a request does not fit: the resources over (sorted), and for every
// resource checked what is used and what is allowed.
struct Overage {
  std::vector<std::string> resources;
  QuotaLimits used;
  QuotaLimits allowed;
  bool user_scope = false;  // a user's limit refused it, not the project's
  std::int64_t fits = 0;    // servers: how many of the kind would still fit
};

// Where a limit is set.
enum class QuotaScope { Class, Project, User };

class Quotas final : public Keeper {
 public:
  // Registers itself with the fleet as the keeper of quota limits.
  Quotas(Fleet& fleet, Tenants& tenants);
  Quotas(const Quotas&) = delete;
  Quotas& operator=(const Quotas&) = delete;

  // The resources there are and their limits when nothing is set (before serving).
  void define(QuotaLimits defaults);
  // How a server counts (the adapter knows its flavor); unset: one instance, no cores or RAM.
  void set_meter(std::function<ServerUse(const ServerInfo&)> meter);
  // A resource counted by someone else (key pairs, server groups): its
  // count in a project, or with a user, that user's in the project.
  using Counter = std::function<std::int64_t(const std::string& project, const std::string& user)>;
  void add_counter(std::string resource, Counter counter);

  // Every defined resource, in name order.
  std::vector<std::string> resources() const;
  // A class's limits: its own over the defaults ("default" is the defaults).
  QuotaLimits class_limits(std::string_view quota_class) const;
  // The defaults: the class "default"'s over the defined ones.
  QuotaLimits defaults() const;
  // A project's limits: its own over the defaults.
  QuotaLimits project_limits(std::string_view project) const;
  // A user's limits in a project: the user's own over the project's.
  QuotaLimits user_limits(std::string_view project, std::string_view user) const;
  // The limits set for a user in a project (not inherited ones).
  QuotaLimits user_overrides(std::string_view project, std::string_view user) const;
  // The sum of the limits set for the project's users, by resource.
  QuotaLimits users_total(std::string_view project) const;

  // How much a project (or, with a user, that user in it) holds of every
  // resource: the servers' counted from the fleet, the rest by their counters.
  QuotaLimits usage(std::string_view project, std::string_view user = {}) const;

  // Sets limits (unknown resources are InvalidArgument); an empty `name`
  // of a class or project is InvalidArgument. Done once kept.
  Result<Done> set(QuotaScope scope, const std::string& name, const std::string& user, const QuotaLimits& changes);
  // Forgets a project's limits and its users' (user empty), or one user's.
  Result<Done> clear(const std::string& project, const std::string& user);

  // An admission of servers: while it lives, no other admission of the
  // project runs, so what it counted stays true until its servers are made.
  class Admission {
   public:
    int count = 0;                 // servers admitted; 0 when refused
    std::optional<Overage> over;   // why it was refused (or cut short: see admit_servers)
    explicit operator bool() const { return !over; }

   private:
    friend class Quotas;
    std::shared_ptr<std::mutex> mutex_;  // declared first: outlives the lock on it
    std::unique_lock<std::mutex> hold_;
  };
  // Between min_count and max_count servers of `each` for its user in the
  // project, as many as fit (Nova's check_num_instances_quota): refused
  // when not even min_count fit. The user's own limits apply only when
  // some of instances, cores or ram are set for the user.
  Admission admit_servers(const std::string& project, const ServerUse& each, int min_count, int max_count);
  // A server growing by `growth` (a resize: its extra cores and RAM).
  Admission admit_growth(const std::string& project, const ServerUse& growth);
  // The project's admission alone, for a change counted elsewhere (a new
  // server group, a group's new members): held while counting and making it.
  Admission hold(const std::string& project);
  // A resource counted elsewhere growing to `count`: with `user_count`,
  // the project's count against the project's limit and the user's against
  // the user's (server groups); without, `count` against the lower of the
  // two (key pairs, a group's members). The overage, if any.
  std::optional<Overage> check(const std::string& project, const std::string& user, std::string_view resource,
                               std::int64_t count, std::optional<std::int64_t> user_count = std::nullopt) const;

  // core::Keeper: documents of kind "quota-limit"; a reset forgets them all.
  bool owns(std::string_view kind) const override;
  std::optional<std::string> verify(const std::vector<Document>& documents) const override;
  void load(const std::vector<Document>& documents) override;
  void reset() override;
  std::vector<Document> documents() const override;

 private:
  struct Key {
    QuotaScope scope = QuotaScope::Project;
    std::string name;  // class or project
    std::string user;
    std::string resource;
    auto operator<=>(const Key&) const = default;
  };
  static Document document(const Key& key, std::optional<std::int64_t> limit);
  static std::optional<std::pair<Key, std::int64_t>> read(const Document& d);
  // The servers' counts (instances, cores, ram) of a project, or of a user in it.
  QuotaLimits server_usage(std::string_view project, std::string_view user) const;
  QuotaLimits overrides(QuotaScope scope, std::string_view name, std::string_view user) const;  // caller holds mutex_
  // Nova's check_deltas of the servers' resources: `deltas` added to what
  // the project (and, when the user has limits of its own for them, the
  // user) holds. The overage, with the usage and limits of the scope that refused.
  std::optional<Overage> over(const std::string& project, const std::string& user, const QuotaLimits& deltas) const;

  Fleet& fleet_;
  Tenants& tenants_;
  mutable std::shared_mutex mutex_;
  QuotaLimits defined_;
  std::map<Key, std::int64_t> set_;
  std::function<ServerUse(const ServerInfo&)> meter_;
  std::map<std::string, Counter, std::less<>> counters_;
  std::mutex holds_mutex_;
  std::map<std::string, std::shared_ptr<std::mutex>, std::less<>> holds_;  // by project
};

}  // namespace core
