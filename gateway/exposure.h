// Who may reach the control plane (GATEWAY.md, "Exposure"): it can reset and
// rewrite everything, so off loopback it is never open by accident.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "gateway/options.h"

namespace gateway {

// Whether HOST (as given to --listen) can only be reached from this machine:
// 127.0.0.0/8, ::1, "localhost", or a name that resolves to loopback only.
bool is_loopback(std::string_view host);

// The token the control plane requires: --control-token T; none for
// --control-token none or a loopback --listen; otherwise a fresh random one
// (CSPRNG), with `generated` set so main prints it once.
struct ControlAccess {
  std::optional<std::string> token;
  bool generated = false;
};
ControlAccess control_access(const Options& options);

// The lines main prints on stderr when it generated the token: the token and
// the dashboard's URL carrying it. HOST is the --listen host (a wildcard
// address is shown as this machine's name).
std::string generated_token_notice(const std::string& token, const std::string& scheme, const std::string& host,
                                   int port);

}  // namespace gateway
