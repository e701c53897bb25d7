// What the fuzz targets share: cutting an input into the fields a request
// carries, and a small fleet built fresh for every input, so that a run
// reproduces from its input file alone (no state carried between inputs).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/clock.h"
#include "core/fleet.h"
#include "core/ids.h"
#include "core/logins.h"
#include "core/tenants.h"

namespace fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Cuts the text up to the first '\n' off the front of `rest` (all of it when
// there is none).
inline std::string_view take_line(std::string_view& rest) {
  const auto at = rest.find('\n');
  const auto line = rest.substr(0, at);
  rest = at == std::string_view::npos ? std::string_view{} : rest.substr(at + 1);
  return line;
}

// The oracle for every answer a target renders: clients parse it as JSON in
// UTF-8, so anything else is a finding (reported, then abort()).
inline void require_json(std::string_view text, const char* what) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (!doc.HasParseError()) return;
  std::fprintf(stderr, "%s is not UTF-8 JSON (error at byte %zu): %.*s\n", what, doc.GetErrorOffset(),
               static_cast<int>(text.size()), text.data());
  std::abort();
}

// The oracle for text a parser hands on (to the core, to a view): well-formed UTF-8.
inline void require_utf8(std::string_view text, const char* what) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  require_json({buffer.GetString(), buffer.GetSize()}, what);
}

inline void require_utf8(const core::Pairs& pairs, const char* what) {
  for (const auto& [k, v] : pairs) {
    require_utf8(k, what);
    require_utf8(v, what);
  }
}

// The demo fleet's tenants and a few of its servers (their ids are in the
// dictionaries), in every state a check can branch on: running, stopped,
// locked, another project's, and an account with no project.
// The key a server presents when none was imported, made without
// cryptography: the fuzz targets exercise parsers, not key derivation.
struct FixedHostKeys : core::HostKeyMaker {
  std::string new_secret() const override { return "fuzz"; }
  core::HostKey generate(std::string_view, std::string_view server) const override {
    core::HostKey k;
    k.type = "ssh-ed25519";
    k.fingerprint = "SHA256:" + std::string(server);
    return k;
  }
};

struct World {
  core::ManualClock clock;
  core::SequentialIds ids;
  core::Tenants tenants;
  core::Fleet fleet{clock, ids, tenants};
  FixedHostKeys host_keys;
  core::Logins logins{fleet, ids, host_keys};  // a keeper: made before the servers are
  core::TenantId demo;
  core::TenantId alt;
  core::TenantId other_account;

  World() {
    tenants.map("demo", "000000000000", "us-east-1");
    tenants.map("alt", "111111111111", "us-east-1");
    demo = tenants.for_project("demo");
    alt = tenants.for_project("alt");
    other_account = tenants.for_account("222222222222", "eu-west-1");
    add(demo, "web-1", core::State::Running, "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01", "s-0123456789abcde01");
    add(demo, "web-3", core::State::Stopped, "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e03", "s-0123456789abcde03");
    add(demo, "db-primary", core::State::Running, "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e04", "s-0123456789abcde04",
        true);
    add(demo, "start-failed", core::State::StartFailed, "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e05",
        "s-0123456789abcde05");
    add(alt, "alt-web-1", core::State::Running, "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e08", "s-0123456789abcde08");
    add(other_account, "eu-1", core::State::Running, "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e0a", "s-0123456789abcde0a");
  }

  void add(core::TenantId tenant, std::string name, core::State state, std::string uuid, std::string transfer_id,
           bool locked = false) {
    core::CreateSpec spec;
    spec.name = std::move(name);
    spec.initial_state = state;
    spec.uuid = std::move(uuid);
    spec.transfer_id = std::move(transfer_id);
    if (locked) spec.lock = {true, core::LockOwner::Owner, "maintenance"};
    spec.tags = {{"team", "data"}};
    (void)fleet.seed(tenant, std::move(spec));
  }
};

}  // namespace fuzz
