// GET /_gateway/servers/{id}/files?path=/dir: one directory of a server's
// SFTP tree on disk (either identity; any tenant's), for the dashboard and
// tests. The path is read as a session reads one (sftp/paths.h: normalised,
// ".." stopping at the tree's root, at most 4096 bytes, no NUL) and the tree
// is walked as a session walks it (sftp/tree.h: no symlink followed), so
// nothing outside the server's tree can be listed.
#pragma once

#include "core/fleet.h"
#include "sftp/endpoints.h"

namespace httplib {
class Server;
}

namespace gateway {

// `endpoints` null (--sftp off): every server answers 404.
void mount_files(httplib::Server& server, core::Fleet& fleet, const sftp::Endpoints* endpoints);

}  // namespace gateway
