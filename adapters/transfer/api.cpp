// POST / with X-Amz-Target: TransferService.<Operation>. The order of checks
// is the service's: the target, the credentials, the body, then the
// operation (fault rules apply just before it). This is the hot path of the
// StopServer/StartServer benchmark: headers are read in place, the
// credential scope is parsed without copies, and the body is parsed into a
// buffer on the stack.
#include "adapters/transfer/api.h"

#include <cctype>
#include <chrono>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include "adapters/transfer/errors.h"
#include "adapters/transfer/operations.h"
#include "adapters/transfer/sigv4.h"
#include "core/call_note.h"
#include "core/ids.h"
#include "secret/secret.h"
#include "core/journal.h"
#include "core/text.h"

namespace transfer {
namespace {

constexpr std::string_view kTargetPrefix = "TransferService.";
constexpr const char* kJsonType = "application/x-amz-json-1.1";
constexpr long long kClockSkewS = 15 * 60;
constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

void send_error(httplib::Response& res, const WireError& e) {
  res.status = e.status;
  res.set_header("x-amzn-ErrorType", std::string(e.type));
  if (e.retry_after_s >= 0) res.set_header("Retry-After", std::to_string(e.retry_after_s));
  res.set_content(error_body(e), kJsonType);
}

long long wall_seconds() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

// A header's value in place (cpp-httplib compares names without case); empty when absent.
std::string_view header(const httplib::Request& req, const char* name) {
  const auto it = req.headers.find(name);
  return it == req.headers.end() ? std::string_view{} : std::string_view(it->second);
}

}  // namespace

struct Api::Impl {
  // Access keys looked up by a view of the header, without building a string.
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using KeyMap = std::unordered_map<std::string, AccessKey, KeyHash, std::equal_to<>>;

  core::Fleet& fleet;
  core::Logins& logins;
  Settings settings;
  KeyMap keys;                      // from the config: never changes, read without a lock
  mutable std::mutex issued_mutex;  // guards `issued`
  KeyMap issued;                    // keys issued while running (issue_key)

  Impl(core::Fleet& f, core::Logins& l, Settings s) : fleet(f), logins(l), settings(std::move(s)) {
    for (const auto& k : settings.keys) keys.insert_or_assign(k.id, k);
  }

  // Verify mode: the signature over the request as received, against the key's secret.
  std::optional<WireError> verify(const httplib::Request& req, const sigv4::Authorization& auth,
                                  const AccessKey& key) const {
    const auto amz_date = header(req, "X-Amz-Date");
    if (amz_date.empty()) return access_denied("Authorization needs an X-Amz-Date header");
    if (!sigv4::within_skew(amz_date, wall_seconds(), kClockSkewS))
      return access_denied(fmt::format("Signature expired: {} is not within 15 minutes of the server's time", amz_date));
    if (amz_date.substr(0, 8) != auth.date)
      return access_denied("The date in the credential scope does not match X-Amz-Date");
    sigv4::Request r;
    r.method = req.method;
    r.path = req.path;
    for (const auto& [k, v] : req.params) r.query.emplace_back(k, v);
    for (const auto& [k, v] : req.headers) r.headers.emplace_back(k, v);
    const auto declared = header(req, "x-amz-content-sha256");
    if (declared == kUnsignedPayload) {
      r.payload_hash = kUnsignedPayload;
    } else {
      r.payload_hash = sigv4::sha256_hex(req.body);
      if (!declared.empty() && !sigv4::same_signature(r.payload_hash, declared))
        return access_denied("The provided x-amz-content-sha256 header does not match what was computed.");
    }
    const auto to_sign = sigv4::string_to_sign(amz_date, auth, sigv4::canonical_request(r, sigv4::signed_header_names(auth)));
    if (!sigv4::same_signature(sigv4::signature(key.secret, auth, to_sign), auth.signature))
      return access_denied("The request signature we calculated does not match the signature you provided. "
                           "Check your AWS Secret Access Key and signing method.");
    return std::nullopt;
  }

  // A configured key, else one issued while running (for the page).
  const AccessKey* find_key(std::string_view id) const {
    if (const auto key = keys.find(id); key != keys.end()) return &key->second;
    std::lock_guard lock(issued_mutex);
    const auto key = issued.find(id);
    return key == issued.end() ? nullptr : &key->second;  // never erased: the pointer stays valid
  }

  // Who signed the request, or why not.
  std::variant<Context, WireError> authenticate(const httplib::Request& req) const {
    const auto text = header(req, "Authorization");
    if (text.empty()) return missing_authentication();
    const auto auth = sigv4::parse_authorization(text);
    if (!auth)
      return access_denied("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' "
                           "in the AWS4-HMAC-SHA256 format");
    const AccessKey* known = find_key(auth->access_key);
    if (settings.sigv4 == SigV4Mode::Verify) {
      if (!known || known->secret.empty()) return access_denied("The security token included in the request is invalid.");
      if (auto denied = verify(req, *auth, *known)) return std::move(*denied);
    }
    const std::string& account = known && !known->account.empty() ? known->account : settings.default_account;
    // The region is header bytes, and every ARN shows it.
    auto region = core::valid_utf8(auth->region);
    const core::Caller caller{fleet.tenants().for_account(account, region), known && known->admin, true, false};
    return Context{fleet, logins, caller, std::string(auth->access_key), account, std::move(region), {}};
  }

  // Every call is journaled: its entry is begun here, filled in as the call
  // goes (caller, server, the core's verdict) and finished with its status.
  void handle(const httplib::Request& req, httplib::Response& res) {
    core::JournalEntry call;
    call.api = "transfer";
    call.request_id = core::request_uuid();
    call.start_ms = fleet.clock().now_ms();
    call.status = 200;  // what an accepted change answers
    res.set_header("x-amzn-RequestId", call.request_id);
    respond(req, res, call);
    fleet.journal().finish(call, res.status, fleet.clock().now_ms());
    core::this_call() = std::move(call);  // for the access log
  }

  void respond(const httplib::Request& req, httplib::Response& res, core::JournalEntry& call) {
    const auto fail = [&](const WireError& e) {
      call.result = e.result;
      send_error(res, e);
    };
    const auto target = header(req, "X-Amz-Target");
    const auto name = target.substr(0, kTargetPrefix.size()) == kTargetPrefix ? target.substr(kTargetPrefix.size())
                                                                                : std::string_view{};
    call.operation = name.empty() ? target : name;
    const auto operation = find_operation(name);
    if (!operation) return fail(unknown_operation(target));

    auto authenticated = authenticate(req);
    if (auto* e = std::get_if<WireError>(&authenticated)) return fail(*e);
    auto& context = std::get<Context>(authenticated);
    call.caller = context.access_key;
    call.caller_scope = context.account;
    call.tenant = context.caller.tenant;

    if (req.body.size() > settings.max_body_bytes)
      return fail(invalid_request(fmt::format("Request body is larger than {} bytes", settings.max_body_bytes)));
    alignas(16) char value_buffer[2048];
    alignas(16) char stack_buffer[1024];
    PoolAllocator values(value_buffer, sizeof value_buffer);
    PoolAllocator stack(stack_buffer, sizeof stack_buffer);
    Body body(&values, sizeof stack_buffer / 2, &stack);
    if (auto e = parse_body(req.body, body)) return fail(*e);

    const auto server = body.FindMember("ServerId");
    const std::string_view server_id = server != body.MemberEnd() && server->value.IsString()
                                           ? std::string_view(server->value.GetString(), server->value.GetStringLength())
                                           : std::string_view{};
    call.server_transfer_id = server_id;
    const auto plan = fleet.faults().decide("transfer", name, server_id, context.caller.tenant);
    if (plan.latency_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(plan.latency_ms));
    call.injected = plan.error || plan.fail_transition;
    if (plan.error) return fail(from_core(*plan.error, name));
    context.options.fail_transition = plan.fail_transition;
    context.options.call = &call;

    const auto reply = operation(context, body);
    if (reply.error) return fail(*reply.error);
    if (reply.billing_note) res.set_header("Billing-Note", std::string(core::kBillingNote));
    res.status = 200;
    res.set_content(reply.body, kJsonType);
  }
};

Api::Api(core::Fleet& fleet, core::Logins& logins, Settings settings)
    : impl_(std::make_unique<Impl>(fleet, logins, std::move(settings))) {}
Api::~Api() = default;

AccessKey Api::issue_key(const std::string& account) {
  AccessKey key{"AKGW" + secret::random_hex(8), secret::random_base64url(30), account, false};
  for (auto& c : key.id) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::lock_guard lock(impl_->issued_mutex);
  impl_->issued.emplace(key.id, key);
  return key;
}

void Api::mount(httplib::Server& server) {
  server.Post("/", [this](const httplib::Request& req, httplib::Response& res) { impl_->handle(req, res); });
}

bool Api::render_http_error(const httplib::Request& req, httplib::Response& res) {
  if (req.path != "/" && !req.has_header("X-Amz-Target")) return false;
  res.set_header("x-amzn-RequestId", core::request_uuid());
  const auto status = res.status;
  WireError e;
  if (status == 413) e = invalid_request(fmt::format("Request body is larger than {} bytes", impl_->settings.max_body_bytes));
  else if (status == 411) e = invalid_request("A request body needs a Content-Length header");
  else if (status >= 500) e = from_core(core::internal("handler failed"), "");
  else if (req.method != "POST") e = unknown_operation(fmt::format("{} / (only POST is served)", req.method));
  else e = invalid_request(fmt::format("Request could not be read (HTTP {})", status));
  send_error(res, e);
  if (status == 413 || status == 411) res.status = status;
  return true;
}

}  // namespace transfer
