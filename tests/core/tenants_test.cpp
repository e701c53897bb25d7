#include <doctest/doctest.h>

#include "core/ids.h"
#include "core/tenants.h"
#include "core/text.h"

TEST_CASE("a mapped project and (account, region) are one tenant") {
  core::Tenants t;
  REQUIRE(t.map("demo", "000000000000", "us-east-1"));
  CHECK(t.for_project("demo") == t.for_account("000000000000", "us-east-1"));
  CHECK(t.for_account("000000000000", "eu-west-1") != t.for_project("demo"));  // regions isolate
  const auto info = t.info(t.for_project("demo"));
  CHECK(info.project == "demo");
  CHECK(info.account == "000000000000");
  CHECK(info.region == "us-east-1");
}

TEST_CASE("unmapped sides are tenants of their own, made once") {
  core::Tenants t;
  const auto a = t.for_account("222222222222", "us-east-1");
  CHECK(t.for_account("222222222222", "us-east-1") == a);
  CHECK(t.info(a).project.empty());
  CHECK(t.for_project("solo") != a);
  CHECK(t.size() == 2);
}

TEST_CASE("conflicting mappings are refused") {
  core::Tenants t;
  REQUIRE(t.map("demo", "000000000000", "us-east-1"));
  CHECK(t.map("demo", "000000000000", "us-east-1"));  // the same again is fine
  CHECK_FALSE(t.map("demo", "111111111111", "us-east-1"));
  CHECK_FALSE(t.map("other", "000000000000", "us-east-1"));
}

TEST_CASE("identities have the shapes both APIs require") {
  core::RandomIds ids(42);
  for (int i = 0; i < 100; ++i) {
    const auto u = ids.next_uuid();
    CHECK(core::is_uuid(u));
    CHECK(u[14] == '4');
    CHECK(core::is_transfer_id(ids.next_transfer_id()));
  }
  core::SequentialIds seq;
  CHECK(seq.next_uuid() == "00000000-0000-4000-8000-000000000001");
  CHECK(seq.next_uuid() == "00000000-0000-4000-8000-000000000002");
  CHECK(core::is_uuid(core::request_uuid()));
  CHECK(core::request_uuid()[19] >= '8');  // variant 10xx
  CHECK_FALSE(core::is_uuid("6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e0"));
  CHECK_FALSE(core::is_uuid("6f1c2a3e_0b4d-4c5e-8f60-7a8b9c0d1e01"));
  CHECK_FALSE(core::is_transfer_id("s-0123456789abcdef"));
  CHECK_FALSE(core::is_transfer_id("s-0123456789abcdefg"));
}

TEST_CASE("wire tokens compare without case, ASCII only") {
  CHECK(core::ascii_lower("6F1C2A3E-Application/JSON") == "6f1c2a3e-application/json");
  CHECK(core::iequals("X-Amz-Date", "x-amz-date"));
  CHECK_FALSE(core::iequals("x-amz-date", "x-amz-dat"));
  CHECK_FALSE(core::iequals("[", "{"));  // 0x5b and 0x7b differ by the case bit but are not letters
}

TEST_CASE("client bytes echoed in an answer become well-formed UTF-8") {
  CHECK(core::valid_utf8("plain ASCII") == "plain ASCII");
  CHECK(core::valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") == "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  const std::string fffd = "\xef\xbf\xbd";
  CHECK(core::valid_utf8("\xfe") == fffd);                      // never a UTF-8 byte (fuzz: nova_microversion)
  CHECK(core::valid_utf8("..\xf8") == ".." + fffd);             // fuzz: nova_list_query
  CHECK(core::valid_utf8("\xc0\xaf") == fffd + fffd);           // overlong '/'
  CHECK(core::valid_utf8("\xed\xa0\x80") == fffd + fffd + fffd);  // a UTF-16 surrogate
  CHECK(core::valid_utf8("\xf4\x90\x80\x80") == fffd + fffd + fffd + fffd);  // above U+10FFFF
  CHECK(core::valid_utf8("\xe2\x82") == fffd + fffd);           // cut short
  CHECK(core::valid_utf8(std::string_view("a\0b", 3)) == std::string("a\0b", 3));
  CHECK(core::is_utf8("caf\xc3\xa9"));
  CHECK_FALSE(core::is_utf8("\xed\xb0\x80"));
}
