// How Neutron shows each resource: one JSON object with every attribute
// of the extensions we list (extensions.cpp), built as a RapidJSON value so
// that lists can be filtered, sorted, paged and cut to `fields` generically
// (query.h) before they are written.
#pragma once

#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "core/net/model.h"
#include "core/tenants.h"

namespace openstack::neutron {

using Json = rapidjson::Document;
using Value = rapidjson::Value;
using Allocator = Json::AllocatorType;

// What views need beyond the record: project ids, and a network's subnets
// or a security group's rules.
struct Viewer {
  const core::Tenants& tenants;
  bool admin = false;
};

// The project id Neutron shows for a tenant (the Nova project; a tenant
// seen only from Transfer shows its account).
std::string project_of(const core::Tenants& tenants, core::TenantId tenant);

Value network_view(const core::net::Network& n, const std::vector<std::string>& subnet_ids, const Viewer& v,
                   Allocator& a);
Value subnet_view(const core::net::Subnet& s, const Viewer& v, Allocator& a);
Value port_view(const core::net::Port& p, const Viewer& v, Allocator& a);
Value floating_ip_view(const core::net::FloatingIp& f, const Viewer& v, Allocator& a);
Value router_view(const core::net::Router& r, const Viewer& v, Allocator& a);
Value rule_view(const core::net::SecurityRule& r, const Viewer& v, Allocator& a);
Value group_view(const core::net::SecurityGroup& g, const std::vector<core::net::SecurityRule>& rules, const Viewer& v,
                 Allocator& a);

// Neutron's times: "2024-01-31T10:00:05Z".
std::string neutron_time(core::Millis ms);

}  // namespace openstack::neutron
