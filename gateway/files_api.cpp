#include "gateway/files_api.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <httplib.h>
#include <rapidjson/stringbuffer.h>

#include "core/text.h"
#include "gateway/control_plane.h"
#include "gateway/json_writer.h"
#include "sftp/paths.h"
#include "sftp/tree.h"

namespace gateway {
namespace {

constexpr core::Caller kControlPlane{0, true, false, true};
constexpr std::size_t kMaxEntries = 10000;  // of one directory, by name; "truncated" says there were more

const char* type_of(const struct stat& st) {
  if (S_ISDIR(st.st_mode)) return "directory";
  if (S_ISREG(st.st_mode)) return "file";
  return "other";
}

void write_listing(httplib::Response& res, const core::ServerInfo& s, const std::string& path,
                   const sftp::Listing& listing) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  write_field(w, "id", s.uuid);
  write_field(w, "server_id", s.transfer_id);
  write_field(w, "path", core::valid_utf8(path));
  w.Key("entries");
  w.StartArray();
  for (const auto& [name, st] : listing.entries) {
    w.StartObject();
    write_field(w, "name", core::valid_utf8(name));  // a client may name a file with any bytes
    write_field(w, "type", type_of(st));
    w.Key("size");
    w.Uint64(S_ISREG(st.st_mode) ? static_cast<std::uint64_t>(st.st_size) : 0);
    w.Key("mtime_ms");
    w.Int64(static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000);
    w.EndObject();
  }
  w.EndArray();
  w.Key("truncated");
  w.Bool(listing.truncated);
  w.EndObject();
  res.set_content(buffer.GetString(), buffer.GetSize(), "application/json");
}

}  // namespace

void mount_files(httplib::Server& server, core::Fleet& fleet, const sftp::Endpoints* endpoints) {
  server.Get(R"(/_gateway/servers/([^/]{1,64})/files)", [&fleet, endpoints](const httplib::Request& req,
                                                                            httplib::Response& res) {
    const auto id = req.matches[1].str();
    auto found = fleet.get(kControlPlane, id);
    if (!found) return send_control_error(res, 404, fmt::format("no server {}", id));
    const auto& s = found.value();
    if (!endpoints) return send_control_error(res, 404, "the SFTP endpoints are off (--sftp off): no server has files");
    const auto asked = req.has_param("path") ? req.get_param_value("path") : std::string("/");
    const auto path = sftp::normalize("/", asked);
    if (!path)
      return send_control_error(res, 400, fmt::format("path: longer than {} bytes, or holding a NUL byte", sftp::kMaxPath));
    const auto listing = sftp::list_directory(fmt::format("{}/{}", endpoints->data_dir(), s.transfer_id),
                                              std::string_view(*path).substr(1), kMaxEntries);
    switch (listing.error) {
      case 0: return write_listing(res, s, *path, listing);
      case ENOENT:
        // No file was ever put on the server: its tree is empty, not missing.
        if (*path == "/") return write_listing(res, s, *path, listing);
        return send_control_error(res, 404, fmt::format("no directory {} in the files of {}", *path, s.transfer_id));
      case ENOTDIR: return send_control_error(res, 404, fmt::format("{} is not a directory", *path));
      case ELOOP:  // a symlink put in the tree from outside: refused, as a session refuses it
        return send_control_error(res, 403, fmt::format("{} leads through a symlink, which is not followed", *path));
      case EACCES:
      case EPERM: return send_control_error(res, 403, fmt::format("{} cannot be read", *path));
      default:
        return send_control_error(res, 500, fmt::format("{} could not be read: {}", *path, std::strerror(listing.error)));
    }
  });
}

}  // namespace gateway
