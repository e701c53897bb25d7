// os-getConsoleOutput: there is no guest, so the console shows what a small
// cloud image prints as it boots, for this server (its hostname, its times),
// and Nova's tail of it.
#include "adapters/openstack/nova/console_log.h"

#include <fmt/format.h>

#include "adapters/openstack/nova/views.h"

namespace openstack {

std::string console_log(const core::ServerInfo& s) {
  std::string host;
  for (char c : s.name) host += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '-';
  const auto booted = iso8601(s.launched_ms.value_or(s.created_ms), true);
  std::string log;
  const auto line = [&](std::string_view text) {
    log += text;
    log += '\n';
  };
  line("[    0.000000] Linux version 6.1.0-gateway (lifecycle-gateway) #1 SMP PREEMPT_DYNAMIC");
  line("[    0.000000] Command line: BOOT_IMAGE=/vmlinuz root=LABEL=cirros-rootfs ro console=tty1 console=ttyS0");
  line("[    0.412518] Run /init as init process");
  line(fmt::format("[    1.203311] cloud-init: booted at {}", booted));
  line(fmt::format("[    1.204102] cloud-init: instance-id: {}", s.uuid));
  line(fmt::format("[    1.204876] cloud-init: hostname: {}", host));
  line("[    1.511290] cloud-init: no network data source, continuing");
  line("Starting dropbear sshd: OK");
  line("=== system information ===");
  line(fmt::format("Instance-ID: {}", s.uuid));
  line("=== cirros: current=0.6.2 uptime=2.01 ===");
  line("");
  line(fmt::format("login as 'cirros' user. default password: 'gocubsgo'. use 'sudo' for root."));
  line(fmt::format("{} login: ", host));
  return log;
}

std::string tail(const std::string& log, std::optional<long long> length) {
  // Nova's _tail_log: the last `length` pieces between newlines, joined again.
  if (!length || *length < 0) return log;
  if (*length == 0) return {};
  std::vector<std::string_view> pieces;
  for (std::size_t start = 0;;) {
    const auto end = log.find('\n', start);
    pieces.emplace_back(std::string_view(log).substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  const auto n = static_cast<std::size_t>(std::min<long long>(*length, static_cast<long long>(pieces.size())));
  std::string out;
  for (std::size_t i = pieces.size() - n; i < pieces.size(); ++i) {
    if (i != pieces.size() - n) out += '\n';
    out += pieces[i];
  }
  return out;
}

}  // namespace openstack
