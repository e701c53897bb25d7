// Neutron's list queries over rendered resources: filters (any attribute,
// repeated values meaning "any of"; tags, tags-any, not-tags, not-tags-any;
// fixed_ips=ip_address=..., subnet_id=..., ip_address_substr=...;
// changed_since), sort_key/sort_dir, limit/marker/page_reverse with the
// collection's links, and `fields`. An unknown filter or sort key is
// Neutron's 400 (the filter-validation extension). Pure: the resources come
// in as JSON values, so one implementation serves every collection.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <rapidjson/document.h>

#include "adapters/openstack/neutron/errors.h"

namespace openstack::neutron {

struct ListQuery {
  std::vector<std::pair<std::string, std::vector<std::string>>> filters;  // attribute -> accepted values
  std::vector<std::string> fields;                                        // empty: every attribute
  std::vector<std::pair<std::string, bool>> sort;                         // key, ascending
  std::optional<long long> limit;
  std::string marker;
  bool page_reverse = false;
};

using Params = std::multimap<std::string, std::string>;

// Reads a query string's parameters against the resource's attributes.
std::variant<ListQuery, NeutronError> parse_list_query(const Params& params, const std::set<std::string>& attributes);

// What paging found around the page it kept.
struct PageInfo {
  bool more = false;       // items follow the page in its order
  bool has_marker = false;
  std::string first_id, last_id;
};

// Filters, sorts and pages `items` (an array of objects) in place, then
// cuts each to `fields`; a marker that is not in the list is a 400.
std::variant<PageInfo, NeutronError> apply_list_query(const ListQuery& q, rapidjson::Value& items,
                                                      rapidjson::Document::AllocatorType& a);

// Keeps only `fields` (plus nothing else) of one object.
void cut_to_fields(rapidjson::Value& object, const std::vector<std::string>& fields);

// The "<collection>_links" entries for a page: next (and previous, after a marker).
std::vector<std::pair<std::string, std::string>> page_links(const ListQuery& q, const PageInfo& page,
                                                            const std::string& url);

}  // namespace openstack::neutron
