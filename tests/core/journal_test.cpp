// The action journal: filters, counts and paging answer from the indexes,
// the bound drops the oldest, and a change's outcome can be rewritten.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "core/journal.h"

namespace {

core::JournalEntry call(std::string api, std::string op, std::string server, std::string result = "accepted") {
  core::JournalEntry e;
  e.api = std::move(api);
  e.operation = std::move(op);
  (server.size() == 36 ? e.server_uuid : e.server_transfer_id) = std::move(server);
  e.result = std::move(result);
  e.request_id = "req-6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01";
  e.tenant = 3;
  return e;
}

std::vector<std::uint64_t> ids(const std::vector<core::JournalEntry>& entries) {
  std::vector<std::uint64_t> out;
  for (const auto& e : entries) out.push_back(e.id);
  return out;
}

std::string fmt_server(int i) {
  std::string id = "s-" + std::to_string(i);
  return id + std::string(19 - id.size(), '0');
}

const std::string kUuid = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01";

}  // namespace

TEST_CASE("entries come back whole, with ids in order") {
  core::Journal j;
  auto e = call("nova", "os-stop", kUuid);
  e.server_transfer_id = "s-0123456789abcde01";
  e.caller = "demo";
  e.caller_scope = "demo";
  e.action = core::Action::Stop;
  e.state_before = core::State::Running;
  e.state_after = core::State::Stopping;
  e.status = 202;
  e.injected = true;
  e.start_ms = 10;
  e.finish_ms = 11;
  REQUIRE(j.append(e) == 1);
  REQUIRE(j.append(call("transfer", "DescribeServer", "s-0123456789abcde01")) == 2);
  const auto got = j.find(1).value();
  CHECK(got.request_id == e.request_id);
  CHECK(got.api == "nova");
  CHECK(got.operation == "os-stop");
  CHECK(got.caller == "demo");
  CHECK(got.server_uuid == kUuid);
  CHECK(got.server_transfer_id == "s-0123456789abcde01");
  CHECK(got.action == core::Action::Stop);
  CHECK(got.state_before == core::State::Running);
  CHECK(got.state_after == core::State::Stopping);
  CHECK(got.status == 202);
  CHECK(got.injected);
  CHECK(got.tenant == 3u);
  CHECK(got.start_ms == 10);
  CHECK(got.finish_ms == 11);
  CHECK(got.is_change());
  CHECK_FALSE(j.find(2)->is_change());
  CHECK_FALSE(j.find(3).has_value());
}

TEST_CASE("filters by api, operation, server (either identity), tenant and result, and combined") {
  core::Journal j;
  auto stop = call("nova", "os-stop", kUuid);
  stop.server_transfer_id = "s-0123456789abcde01";
  j.append(stop);                                                         // 1
  j.append(call("transfer", "StopServer", "s-0123456789abcde02"));        // 2
  j.append(call("transfer", "StopServer", "s-0123456789abcde01", "locked"));  // 3
  j.append(call("transfer", "Nonsense", "", "unknown_operation"));       // 4
  core::JournalQuery q;
  q.api = "transfer";
  CHECK(ids(j.read(q)) == std::vector<std::uint64_t>{2, 3, 4});
  q = {};
  q.server = "s-0123456789abcde01";
  CHECK(ids(j.read(q)) == std::vector<std::uint64_t>{1, 3});
  q.server = kUuid;
  CHECK(ids(j.read(q)) == std::vector<std::uint64_t>{1});
  q = {};
  q.operation = "StopServer";
  q.result = "accepted";
  CHECK(ids(j.read(q)) == std::vector<std::uint64_t>{2});
  CHECK(j.count(q) == 1);
  q = {};
  q.result = "unknown_operation";
  CHECK(j.count(q) == 1);
  q = {};
  q.tenant = 3;
  CHECK(j.count(q) == 4);
  q.tenant = 4;
  CHECK(j.count(q) == 0);
  q = {};
  q.operation = "never-seen";
  CHECK(j.read(q).empty());
  CHECK(j.count(q) == 0);
}

TEST_CASE("since and limit page oldest first; newest_first with before pages back") {
  core::Journal j;
  for (int i = 0; i < 10; ++i) j.append(call("transfer", i % 2 ? "StartServer" : "StopServer", "s-0123456789abcde01"));
  core::JournalQuery q;
  q.limit = 3;
  CHECK(ids(j.read(q)) == std::vector<std::uint64_t>{1, 2, 3});
  q.since = 3;
  CHECK(ids(j.read(q)) == std::vector<std::uint64_t>{4, 5, 6});
  q.operation = "StartServer";
  CHECK(ids(j.read(q)) == std::vector<std::uint64_t>{4, 6, 8});
  CHECK(j.count(q) == 4);  // 4, 6, 8, 10
  core::JournalQuery back;
  back.newest_first = true;
  back.limit = 4;
  CHECK(ids(j.read(back)) == std::vector<std::uint64_t>{10, 9, 8, 7});
  back.before = 7;
  back.server = "s-0123456789abcde01";
  CHECK(ids(j.read(back)) == std::vector<std::uint64_t>{6, 5, 4, 3});
}

TEST_CASE("past its bound the oldest entries go, from the indexes too") {
  core::Journal j(5);
  for (int i = 0; i < 12; ++i) j.append(call("transfer", i < 6 ? "StopServer" : "StartServer", "s-0123456789abcde01"));
  CHECK(j.size() == 5);
  CHECK(j.oldest_id() == 8);
  core::JournalQuery q;
  q.operation = "StopServer";
  CHECK(j.count(q) == 0);
  CHECK(j.read(q).empty());
  q.operation = "StartServer";
  CHECK(j.count(q) == 5);
  CHECK(ids(j.read(q)) == std::vector<std::uint64_t>{8, 9, 10, 11, 12});
  j.set_max_entries(2);
  CHECK(ids(j.read({})) == std::vector<std::uint64_t>{11, 12});
}

TEST_CASE("strings of dropped entries go with them: servers that come and go do not accumulate") {
  core::Journal j(5);
  const auto server = [](int i) { return fmt_server(i); };
  for (int i = 0; i < 1000; ++i) j.append(call("transfer", "StopServer", server(i)));
  // "transfer", "StopServer", "accepted" and the five servers still named.
  CHECK(j.distinct_strings() == 8);
  core::JournalQuery q;
  q.server = server(994);
  CHECK(j.count(q) == 0);
  q.server = server(999);
  REQUIRE(j.count(q) == 1);
  // Ids freed by dropped strings are reused: every kept entry still reads back its own server.
  const auto kept = j.read({});
  REQUIRE(kept.size() == 5);
  for (std::size_t k = 0; k < kept.size(); ++k) CHECK(kept[k].server_transfer_id == server(995 + static_cast<int>(k)));
  j.refuse(kept.back().id, 503, "unavailable");
  CHECK(j.find(kept.back().id)->result == "unavailable");
  CHECK(j.distinct_strings() == 9);
  for (int i = 0; i < 5; ++i) j.append(call("transfer", "StopServer", server(0)));
  CHECK(j.distinct_strings() == 4);
}

TEST_CASE("a forgotten entry (a change another gateway beat) leaves no trace: not read, counted, filed or named") {
  core::Journal j;
  const auto a = j.append(call("transfer", "StopServer", fmt_server(1)));
  const auto beaten = j.append(call("transfer", "StartServer", fmt_server(2)));
  const auto c = j.append(call("transfer", "StopServer", fmt_server(3)));
  const auto strings = j.distinct_strings();
  j.forget(beaten);
  CHECK_FALSE(j.find(beaten).has_value());
  const auto left = j.read({});
  REQUIRE(left.size() == 2);
  CHECK(left[0].id == a);
  CHECK(left[1].id == c);
  core::JournalQuery q;
  q.operation = "StartServer";
  CHECK(j.count(q) == 0);
  q = {};
  q.server = fmt_server(2);
  CHECK(j.read(q).empty());
  CHECK(j.distinct_strings() == strings - 2);  // StartServer and server 2 went with it
  // Ids are not reused; the entries after it are still found by id.
  CHECK(j.append(call("transfer", "StopServer", fmt_server(4))) == c + 1);
  CHECK(j.find(c)->server_transfer_id == fmt_server(3));
  j.forget(beaten);  // twice, or an id never given: nothing happens
  j.forget(999);
  CHECK(j.size() == 3);
}

TEST_CASE("a settled transition and a refused change are recorded on their entry") {
  core::Journal j;
  auto stop = call("nova", "os-stop", kUuid);
  stop.action = core::Action::Stop;
  stop.state_before = core::State::Running;
  stop.state_after = core::State::Stopping;
  const auto id = j.append(stop);
  j.settle(id, 500, true);
  CHECK(j.find(id)->settled_ms == 500);
  CHECK(j.find(id)->transition_failed);
  core::JournalQuery changes;
  changes.changes_only = true;
  CHECK(j.count(changes) == 1);
  j.refuse(id, 503, "unavailable");
  const auto refused = j.find(id).value();
  CHECK(refused.status == 503);
  CHECK(refused.result == "unavailable");
  CHECK(refused.state_after == core::State::Running);
  CHECK(j.count(changes) == 0);
}

TEST_CASE("finish appends a call once, with its status and a result") {
  core::Journal j;
  core::JournalEntry read = call("transfer", "DescribeServer", "s-0123456789abcde01", "");
  j.finish(read, 200, 42);
  REQUIRE(read.id == 1);
  CHECK(j.find(1)->result == "accepted");
  CHECK(j.find(1)->finish_ms == 42);
  core::JournalEntry failed = call("nova", "show", kUuid, "");
  j.finish(failed, 500, 43);
  CHECK(j.find(2)->result == "internal");
  CHECK(j.size() == 2);
}

TEST_CASE("restore keeps the ids it is given, gaps and all; clear never reuses ids") {
  core::Journal j;
  std::vector<core::JournalEntry> kept;
  for (std::uint64_t id : {4, 9, 10}) {
    auto e = call("nova", "os-stop", kUuid);
    e.id = id;
    kept.push_back(e);
  }
  j.restore(kept, 15);
  CHECK(ids(j.read({})) == std::vector<std::uint64_t>{4, 9, 10});
  core::JournalQuery q;
  q.since = 4;
  CHECK(ids(j.read(q)) == std::vector<std::uint64_t>{9, 10});
  CHECK(j.count(q) == 2);
  CHECK(j.find(9).has_value());
  CHECK_FALSE(j.find(5).has_value());
  CHECK(j.append(call("nova", "show", kUuid)) == 15);
  j.clear();
  CHECK(j.size() == 0);
  CHECK(j.append(call("nova", "show", kUuid)) == 16);
}

TEST_CASE("what clients sent is kept as UTF-8: every view of the journal is JSON") {
  // An unrouted GET /nowhere%FE was journaled byte for byte, and from then on
  // GET /_gateway/journal was not UTF-8: the defect the fuzz targets found in
  // error bodies, checked by hand here.
  core::Journal j;
  auto e = call("unknown", "GET /nowhere\xfe", "");
  e.caller = "key\xed\xb0\x80";
  const auto kept = j.find(j.append(e));
  REQUIRE(kept);
  CHECK(kept->operation == "GET /nowhere\xef\xbf\xbd");
  CHECK(kept->caller == "key\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

TEST_CASE("appends from many threads at once: each entry kept once, in id order, settled, and seen by a read at once") {
  // Entries wait in a short pending list until a read (or a full list) files them: a read must
  // still see every entry appended before it, and the ids must come out ascending.
  core::Journal j(1000000);
  constexpr int kThreads = 8, kEach = 3000;
  std::atomic<bool> wrong_read{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&j, &wrong_read, t] {
      std::uint64_t previous = 0;
      for (int i = 0; i < kEach; ++i) {
        auto e = call("transfer", "StopServer", fmt_server(t));
        e.action = core::Action::Stop;
        const auto id = j.append(e);
        if (previous) j.settle(previous, i, false);
        previous = id;
        // Every 100th: read it back at once, as a test asserting on its own call does.
        if (i % 100 == 0 && !j.find(id)) wrong_read = true;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK_FALSE(wrong_read.load());
  CHECK(j.size() == kThreads * kEach);
  core::JournalQuery all;
  all.limit = kThreads * kEach;
  const auto entries = j.read(all);
  REQUIRE(entries.size() == kThreads * kEach);
  std::size_t settled = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    CHECK(entries[i].id == i + 1);
    settled += entries[i].settled_ms.has_value();
  }
  CHECK(settled == kThreads * (kEach - 1));  // each thread's last is not settled
  core::JournalQuery one;
  one.server = fmt_server(3);
  CHECK(j.count(one) == kEach);
  CHECK(j.next_id() == kThreads * kEach + 1);
}
