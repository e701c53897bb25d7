// /v2/schemas: the JSON schemas Glance publishes for an image (its base
// attributes, the custom properties of Glance's default schema-image.json,
// and additional properties as strings), the image list, a member and the
// member list. glanceclient reads them to check what it sends.
#include <httplib.h>

#include "adapters/openstack/glance/glance.h"
#include "adapters/openstack/glance/glance_call.h"
#include "adapters/openstack/keystone/keystone.h"
#include "adapters/openstack/shared/wire.h"

namespace openstack {
namespace {

constexpr const char* kUuidPattern =
    R"J("^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$")J";

std::string image_schema() {
  const std::string uuid = kUuidPattern;
  return std::string(R"J({"name": "image", "properties": {)J") +
         R"J("id": {"type": "string", "description": "An identifier for the image", "pattern": )J" + uuid + "}, " +
         R"J("name": {"type": ["null", "string"], "description": "Descriptive name for the image", "maxLength": 255}, )J"
         R"J("status": {"type": "string", "readOnly": true, "description": "Status of the image", "enum": ["queued", )J"
         R"J("saving", "active", "killed", "deleted", "uploading", "importing", "pending_delete", "deactivated"]}, )J"
         R"J("visibility": {"type": "string", "description": "Scope of image accessibility", "enum": ["community", )J"
         R"J("public", "private", "shared"]}, )J"
         R"J("protected": {"type": "boolean", "description": "If true, image will not be deletable."}, )J"
         R"J("os_hidden": {"type": "boolean", "description": "If true, image will not appear in default image list )J"
         R"J(response."}, )J"
         R"J("checksum": {"type": ["null", "string"], "readOnly": true, "description": "md5 hash of image contents.", )J"
         R"J("maxLength": 32}, )J"
         R"J("os_hash_algo": {"type": ["null", "string"], "readOnly": true, "description": "Algorithm to calculate the )J"
         R"J(os_hash_value", "maxLength": 64}, )J"
         R"J("os_hash_value": {"type": ["null", "string"], "readOnly": true, "description": "Hexdigest of the image )J"
         R"J(contents using the algorithm specified by the os_hash_algo", "maxLength": 128}, )J"
         R"J("owner": {"type": ["null", "string"], "description": "Owner of the image", "maxLength": 255}, )J"
         R"J("size": {"type": ["null", "integer"], "readOnly": true, "description": "Size of image file in bytes"}, )J"
         R"J("virtual_size": {"type": ["null", "integer"], "readOnly": true, "description": "Virtual size of image in )J"
         R"J(bytes"}, )J"
         R"J("container_format": {"type": ["null", "string"], "description": "Format of the container", "enum": [null, )J"
         R"J("ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed"]}, )J"
         R"J("disk_format": {"type": ["null", "string"], "description": "Format of the disk", "enum": [null, "ami", )J"
         R"J("ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop"]}, )J"
         R"J("created_at": {"type": "string", "readOnly": true, "description": "Date and time of image registration"}, )J"
         R"J("updated_at": {"type": "string", "readOnly": true, "description": "Date and time of the last image )J"
         R"J(modification"}, )J"
         R"J("tags": {"type": "array", "description": "List of strings related to the image", "items": {"type": )J"
         R"J("string", "maxLength": 255}}, )J"
         R"J("direct_url": {"type": "string", "readOnly": true, "description": "URL to access the image file kept in )J"
         R"J(external store"}, )J"
         R"J("min_ram": {"type": "integer", "description": "Amount of ram (in MB) required to boot image."}, )J"
         R"J("min_disk": {"type": "integer", "description": "Amount of disk space (in GB) required to boot image."}, )J"
         R"J("self": {"type": "string", "readOnly": true, "description": "An image self url"}, )J"
         R"J("file": {"type": "string", "readOnly": true, "description": "An image file url"}, )J"
         R"J("stores": {"type": "string", "readOnly": true, "description": "Store in which image data resides. Only )J"
         R"J(present when the operator has enabled multiple stores. May be a comma-separated list of store )J"
         R"J(identifiers."}, )J"
         R"J("schema": {"type": "string", "readOnly": true, "description": "An image schema url"}, )J"
         R"J("locations": {"type": "array", "items": {"type": "object", "properties": {"url": {"type": "string", )J"
         R"J("maxLength": 255}, "metadata": {"type": "object"}}, "required": ["url", "metadata"]}, "description": "A )J"
         R"J(set of URLs to access the image file kept in external store"}, )J"
         R"J("kernel_id": {"type": ["null", "string"], "pattern": )J" + uuid +
         R"J(, "description": "ID of image stored in Glance that should be used as the kernel when booting an )J"
         R"J(AMI-style image.", "is_base": false}, )J"
         R"J("ramdisk_id": {"type": ["null", "string"], "pattern": )J" + uuid +
         R"J(, "description": "ID of image stored in Glance that should be used as the ramdisk when booting an )J"
         R"J(AMI-style image.", "is_base": false}, )J"
         R"J("instance_uuid": {"type": "string", "description": "Metadata which can be used to record which instance )J"
         R"J(this image is associated with. (Informational only, does not create an instance snapshot.)", "is_base": )J"
         R"J(false}, )J"
         R"J("architecture": {"description": "Operating system architecture", "type": "string", "is_base": false}, )J"
         R"J("os_distro": {"description": "Common name of operating system distribution", "type": "string", )J"
         R"J("is_base": false}, )J"
         R"J("os_version": {"description": "Operating system version as specified by the distributor.", "type": )J"
         R"J("string", "is_base": false}, )J"
         R"J("description": {"description": "A human-readable string describing this image.", "type": "string", )J"
         R"J("is_base": false})J"
         R"J(}, "additionalProperties": {"type": "string"}, "links": [{"rel": "self", "href": "{self}"}, {"rel": )J"
         R"J("enclosure", "href": "{file}"}, {"rel": "describedby", "href": "{schema}"}]})J";
}

std::string images_schema() {
  return R"J({"name": "images", "properties": {"images": {"type": "array", "items": )J" + image_schema() +
         R"J(}, "first": {"type": "string"}, "next": {"type": "string"}, "schema": {"type": "string"}}, "links": )J"
         R"J([{"rel": "first", "href": "{first}"}, {"rel": "next", "href": "{next}"}, {"rel": "describedby", )J"
         R"J("href": "{schema}"}]})J";
}

std::string member_schema() {
  return std::string(R"J({"name": "member", "properties": {)J") +
         R"J("member_id": {"type": "string", "description": "An identifier for the image member (tenantId)"}, )J"
         R"J("image_id": {"type": "string", "description": "An identifier for the image", "pattern": )J" +
         kUuidPattern +
         R"J(}, "created_at": {"type": "string", "description": "Date and time of image member creation"}, )J"
         R"J("updated_at": {"type": "string", "description": "Date and time of last modification of image member"}, )J"
         R"J("status": {"type": "string", "description": "The status of this image member", "enum": ["pending", )J"
         R"J("accepted", "rejected"]}, "schema": {"readOnly": true, "type": "string"}}})J";
}

std::string members_schema() {
  return R"J({"name": "members", "properties": {"members": {"type": "array", "items": )J" + member_schema() +
         R"J(}, "schema": {"type": "string"}}, "links": [{"rel": "self", "href": "{self}"}, {"rel": "describedby", )J"
         R"J("href": "{schema}"}]})J";
}

}  // namespace

void mount_image_schemas(httplib::Server& server, Keystone& keystone) {
  // Made once: they never change while the gateway runs.
  static const std::string image = image_schema(), images = images_schema(), member = member_schema(),
                           members = members_schema();
  const auto serve = [&keystone](const std::string& body) {
    return glance_route(keystone, "get_schema", false, [&body](GlanceCall& call) { call.send(200, body); });
  };
  server.Get(R"J(/image/v2/schemas/image)J", serve(image));
  server.Get(R"J(/image/v2/schemas/images)J", serve(images));
  server.Get(R"J(/image/v2/schemas/member)J", serve(member));
  server.Get(R"J(/image/v2/schemas/members)J", serve(members));
}

}  // namespace openstack
