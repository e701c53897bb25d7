// GET /v2/images' query string as Glance reads it: paging (limit, marker),
// sorting (sort_key/sort_dir, or sort=key:dir,...), member_status,
// visibility, os_hidden, tags, and the filters with their operators: "in:"
// for name, id, status and the formats; gt, gte, lt, lte, eq, neq on
// created_at and updated_at; size_min and size_max; anything else an exact
// match on an attribute or an additional property. Pure, so the fuzzer
// calls exactly what the handler calls.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "adapters/openstack/shared/settings.h"

namespace openstack {

struct ImageQuery {
  std::size_t limit = 25;  // Glance's limit_param_default (api_limit_max 1000 caps it)
  std::string marker;
  std::vector<std::pair<std::string, bool>> sort;  // (key, ascending), created_at and id appended
  std::string member_status = "accepted";          // pending, accepted, rejected or all
  std::optional<std::string> visibility;           // public, private, shared, community or all
  bool os_hidden = false;
  std::vector<std::string> tags;  // every one must be on the image
  struct Filter {
    std::string key;
    std::string op;                   // eq, neq, gt, gte, lt, lte, in, min, max
    std::vector<std::string> values;  // one, or in's list
    core::Millis time = 0;            // created_at / updated_at
    long long number = 0;             // size_min / size_max
  };
  std::vector<Filter> filters;
  // The query as given without the marker, for the "first" and "next" links.
  std::vector<std::pair<std::string, std::string>> params;
};

// `params` in the order given. Glance's 400 message when one is wrong.
std::variant<ImageQuery, std::string> parse_image_query(
    const std::vector<std::pair<std::string, std::string>>& params);

// Whether `image` passes the query's filters, tags and os_hidden (who may
// see it, and visibility, are the catalog's and the handler's).
bool matches(const Image& image, const ImageQuery& query);

// Whether `a` comes before `b` in the query's order.
bool before(const Image& a, const Image& b, const ImageQuery& query);

// "a=1&b=2", each part percent-encoded as urlencode does.
std::string query_string(const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace openstack
