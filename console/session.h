// One VNC session of the console proxy: RFB (console/rfb.h) inside WebSocket
// messages (console/websocket.h), over a connection the upgrade was answered
// on, until the client or the server ends it, the server stops running or
// goes, or the proxy stops. A way out the proxy decides (the server, a
// broken protocol, a close asked for) sends a close frame with its code;
// a client gone, or the proxy stopping (it shuts the socket), just ends.
#pragma once

#include <atomic>
#include <string>
#include <string_view>

#include "console/proxy.h"
#include "console/stream.h"

namespace console {

inline constexpr std::size_t kMaxMessage = (2 << 20);  // a client message the session takes (RFB's largest: cut text)
inline constexpr int kCheckEveryMs = 1000;             // how often the server's state is looked at

// `early`: bytes that came with the handshake, after its head.
void run_session(Stream& stream, const Backend& backend, const std::string& server, const Screen& screen,
                 std::string_view early, const std::atomic<bool>& stopping);

}  // namespace console
