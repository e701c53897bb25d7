#include "gateway/credentials_api.h"

#include <httplib.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>

#include "gateway/control_plane.h"
#include "gateway/json_reader.h"
#include "gateway/json_writer.h"

namespace gateway {

void mount_credentials(httplib::Server& server, openstack::Api& openstack, transfer::Api& transfer) {
  server.Post("/_gateway/credentials", [&openstack, &transfer](const httplib::Request& req, httplib::Response& res) {
    rapidjson::Document doc;
    doc.Parse(req.body.data(), req.body.size());
    Reader r;
    if (doc.HasParseError()) r.fail("(body)", "is not JSON");
    r.object(doc, "(body)", {"project", "account", "region"});
    const auto project = r.string(doc, "project", "(body)", false);
    const auto account = r.string(doc, "account", "(body)", false);
    const auto region = r.string(doc, "region", "(body)", false).value_or("us-east-1");
    if (!r.failed() && project.has_value() == account.has_value())
      r.fail("(body)", "give either 'project' or 'account' (with 'region')");
    if (!r.failed() && account && (account->size() != 12 || account->find_first_not_of("0123456789") != std::string::npos))
      r.fail("account", fmt::format("'{}' is not a 12-digit AWS account id", *account));
    if (r.failed()) return send_control_error(res, 400, *r.error());

    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    if (project) {
      auto token = openstack.token_for_project(*project);
      if (!token) return send_control_error(res, 503, "the token cannot be kept: the state file cannot be written");
      write_field(w, "project", *project);
      write_field(w, "token", *token);
    } else {
      const auto key = transfer.issue_key(*account);
      write_field(w, "account", *account);
      write_field(w, "region", region);
      write_field(w, "access_key", key.id);
      write_field(w, "secret_key", key.secret);
    }
    w.EndObject();
    res.status = 201;
    res.set_content(buffer.GetString(), buffer.GetSize(), "application/json");
  });
}

}  // namespace gateway
