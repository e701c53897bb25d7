// The one doctest main shared by every test binary, and a TAP reporter:
// meson runs each binary with --reporters=tap (protocol 'tap'), so every
// test case is counted on its own in ./dev test's last line. Run by hand, a
// binary keeps doctest's usual console output.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <mutex>
#include <ostream>
#include <string>

namespace {

// One "ok N - suite/name" or "not ok N - ..." line per test case, failed
// assertions and messages as "# " comments before it, the plan at the end.
class TapReporter : public doctest::IReporter {
 public:
  explicit TapReporter(const doctest::ContextOptions& options) : out_(*options.cout) {}

  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override { out_ << "TAP version 13\n"; }
  void test_run_end(const doctest::TestRunStats&) override { out_ << "1.." << count_ << "\n" << std::flush; }

  void test_case_start(const doctest::TestCaseData& data) override {
    current_ = &data;
    notes_.clear();
  }
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats& stats) override {
    out_ << notes_ << (stats.testCaseSuccess ? "ok " : "not ok ") << ++count_ << " - " << name(*current_) << "\n"
         << std::flush;
  }
  void test_case_exception(const doctest::TestCaseException& e) override {
    note(std::string(e.is_crash ? "crashed: " : "threw: ") + e.error_string.c_str());
  }
  void subcase_start(const doctest::SubcaseSignature& s) override { subcase_ = s.m_name.c_str(); }
  void subcase_end() override {}

  void log_assert(const doctest::AssertData& a) override {
    if (!a.m_failed) return;
    std::lock_guard lock(mutex_);  // asserts may come from the test's own threads
    std::string line = std::string(a.m_file) + ":" + std::to_string(a.m_line) + ": " + a.m_expr;
    if (a.m_threw) line += std::string(" threw ") + a.m_exception.c_str();
    else if (a.m_decomp.size()) line += std::string(" is ") + a.m_decomp.c_str();
    if (!subcase_.empty()) line += " (subcase " + subcase_ + ")";
    note(line);
  }
  void log_message(const doctest::MessageData& m) override {
    std::lock_guard lock(mutex_);
    note(std::string(m.m_file) + ":" + std::to_string(m.m_line) + ": " + m.m_string.c_str());
  }
  void test_case_skipped(const doctest::TestCaseData& data) override {
    // Called for filtered-out cases too; only a skip() decorator is a skip.
    if (data.m_skip) out_ << "ok " << ++count_ << " - " << name(data) << " # SKIP\n";
  }

 private:
  static std::string name(const doctest::TestCaseData& d) {
    std::string suite = d.m_test_suite ? d.m_test_suite : "";
    return suite.empty() ? d.m_name : suite + "/" + d.m_name;
  }
  void note(const std::string& text) {
    for (std::size_t start = 0; start < text.size();) {
      const auto end = text.find('\n', start);
      notes_ += "# " + text.substr(start, end - start) + "\n";
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }

  std::ostream& out_;
  std::mutex mutex_;
  const doctest::TestCaseData* current_ = nullptr;
  std::string subcase_;
  std::string notes_;
  unsigned count_ = 0;
};

}  // namespace

REGISTER_REPORTER("tap", 1, TapReporter);
