// The access log: the human line and the JSON object, byte for byte; JSON
// that stays valid whatever a client puts in a path; and the writer thread:
// every line arrives whole, soon, and all of them by close().
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <rapidjson/document.h>

#include "gateway/access_log.h"

namespace {

using namespace std::chrono_literals;

gateway::AccessRecord stop_record(const core::JournalEntry* call) {
  gateway::AccessRecord r;
  r.method = "POST";
  r.path = "/";
  r.status = 200;
  r.micros = 112;
  r.request_id = "3f2c";
  r.api = "transfer";
  r.operation = "StopServer";
  r.call = call;
  // 2026-01-02T03:04:05.000042Z
  r.time = std::chrono::system_clock::time_point(std::chrono::microseconds(1767323045000042LL));
  return r;
}

// A temporary file, removed at the end.
struct TempFile {
  std::string path;
  int fd;
  TempFile() {
    char name[] = "/tmp/access-log-test-XXXXXX";
    fd = mkstemp(name);
    path = name;
  }
  ~TempFile() {
    ::close(fd);
    std::remove(path.c_str());
  }
  std::string contents() const {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
};

}  // namespace

TEST_CASE("the human line, as before") {
  std::string out;
  gateway::append_human_line(out, stop_record(nullptr));
  CHECK(out == "POST / 200 112us 3f2c\n");
}

TEST_CASE("the JSON line: every field, the server and caller in the API's own terms") {
  core::JournalEntry call;
  call.api = "transfer";
  call.server_uuid = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01";
  call.server_transfer_id = "s-0123456789abcde01";
  call.caller = "AKIDEXAMPLE";
  call.caller_scope = "222222222222";
  call.result = "accepted";
  std::string out;
  gateway::append_json_line(out, stop_record(&call));
  CHECK(out ==
        R"({"time":"2026-01-02T03:04:05.000042Z","request_id":"3f2c","method":"POST","path":"/","api":"transfer",)"
        R"("operation":"StopServer","server":"s-0123456789abcde01","status":200,"microseconds":112,)"
        R"("caller":{"access_key":"AKIDEXAMPLE","account":"222222222222"},"result":"accepted"})"
        "\n");
  // Nova's call: its own identity of the server, a user and project.
  call.api = "nova";
  call.caller = "demo";
  call.caller_scope = "demo";
  call.result = "conflict";
  out.clear();
  gateway::append_json_line(out, stop_record(&call));
  CHECK(out.find(R"("server":"6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01")") != std::string::npos);
  CHECK(out.find(R"("caller":{"user":"demo","project":"demo"},"result":"conflict"})") != std::string::npos);
  // Only the other identity known: that one.
  call.server_uuid.clear();
  out.clear();
  gateway::append_json_line(out, stop_record(&call));
  CHECK(out.find(R"("server":"s-0123456789abcde01")") != std::string::npos);
}

TEST_CASE("the JSON line: null server and caller when nobody noted them") {
  core::JournalEntry empty;
  std::string out;
  gateway::append_json_line(out, stop_record(&empty));
  rapidjson::Document doc;
  doc.Parse(out.c_str());
  REQUIRE(doc.IsObject());
  CHECK(doc["server"].IsNull());
  CHECK(doc["caller"].IsNull());
  out.clear();
  gateway::append_json_line(out, stop_record(nullptr));
  CHECK(out.find(R"("server":null)") != std::string::npos);
}

TEST_CASE("the JSON line stays one valid object whatever bytes a client sends") {
  auto r = stop_record(nullptr);
  const std::string path = "/a\"b\\c\nd\x01\x7f/caf\xc3\xa9/\xff\xfe/\xed\xa0\x80/\xe2\x82";
  r.path = path;
  std::string out;
  gateway::append_json_line(out, r);
  CHECK(out.back() == '\n');
  CHECK(out.find('\n') == out.size() - 1);  // one line
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(out.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  CHECK(std::string(doc["path"].GetString()) ==
        "/a\"b\\c\nd\x01\x7f/caf\xc3\xa9/\xef\xbf\xbd\xef\xbf\xbd/\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd/\xef\xbf\xbd\xef\xbf\xbd");
}

TEST_CASE("the writer: lines from many threads arrive whole, all of them by close()") {
  TempFile file;
  constexpr int kThreads = 8, kLines = 5000;
  {
    gateway::LogWriter writer(file.fd);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&writer, t] {
        for (int i = 0; i < kLines; ++i) writer.append("thread " + std::to_string(t) + " line " + std::to_string(i) + "\n");
      });
    for (auto& t : threads) t.join();
    writer.close();
  }
  std::istringstream lines(file.contents());
  std::vector<int> next(kThreads, 0);
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    int t = -1, i = -1;
    REQUIRE(std::sscanf(line.c_str(), "thread %d line %d", &t, &i) == 2);
    REQUIRE(t >= 0);
    REQUIRE(t < kThreads);
    CHECK(i == next[t]);  // each thread's lines in its order, none torn or lost
    next[t] = i + 1;
    ++count;
  }
  CHECK(count == kThreads * kLines);
}

TEST_CASE("the writer: a line reaches the file within the flush interval, without close()") {
  TempFile file;
  gateway::LogWriter writer(file.fd);
  writer.append("first\n");
  const auto start = std::chrono::steady_clock::now();
  while (file.contents().empty() && std::chrono::steady_clock::now() - start < 2s) std::this_thread::sleep_for(5ms);
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK(file.contents() == "first\n");
  // 50 ms of batching and a write; generous for a loaded machine, far below "at shutdown".
  CHECK(waited < 1s);
  // Not written at once either: the point is to batch.
  writer.append("second\n");
  CHECK(file.contents() == "first\n");
  writer.close();
  CHECK(file.contents() == "first\nsecond\n");
}

TEST_CASE("AccessLog off writes nothing and starts no thread") {
  TempFile file;
  gateway::AccessLog log(gateway::LogFormat::Off, file.fd);
  log.write(stop_record(nullptr));
  log.close();
  CHECK(file.contents().empty());
}

TEST_CASE("AccessLog json writes the JSON line through its writer") {
  TempFile file;
  gateway::AccessLog log(gateway::LogFormat::Json, file.fd);
  log.write(stop_record(nullptr));
  log.close();
  CHECK(file.contents().rfind(R"({"time":"2026-01-02T03:04:05.000042Z","request_id":"3f2c")", 0) == 0);
}
