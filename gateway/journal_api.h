// The control plane's view of the action journal: GET and DELETE
// /_gateway/journal, and one entry as JSON (the pytest plugin and the page
// read this shape).
#pragma once

#include <string_view>

#include "core/fleet.h"
#include "gateway/json_writer.h"

namespace httplib {
class Server;
struct Response;
}  // namespace httplib

namespace gateway {

void write_journal_entry(JsonWriter& w, const core::JournalEntry& e, core::Tenants& tenants);
void mount_journal(httplib::Server& server, core::Fleet& fleet);

}  // namespace gateway
