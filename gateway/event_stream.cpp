#include "gateway/event_stream.h"

#include <httplib.h>

#include <map>
#include <memory>

#include "gateway/json_writer.h"
#include "gateway/state_views.h"

namespace gateway {
namespace {

constexpr std::size_t kBufferedEvents = 1024;
constexpr int kPollMs = 200;            // how often a quiet stream checks for shutdown
constexpr int kKeepAliveEveryPolls = 75;  // a comment line every ~15 s keeps proxies from closing it

// The open streams, by the flag that stops them (one per App), so a stop
// wakes its streams at once instead of after their poll.
std::mutex open_mutex;
std::multimap<const std::atomic<bool>*, std::weak_ptr<EventQueue>> open_streams;

}  // namespace

void EventQueue::push(const core::Event& e) {
  {
    std::lock_guard lock(mutex_);
    if (events_.size() == capacity_) {
      events_.pop_front();  // the oldest goes: a reader that catches up sees the present
      ++dropped_;
    }
    events_.push_back(e);
  }
  ready_.notify_one();
}

std::deque<core::Event> EventQueue::pop(int timeout_ms, std::size_t& dropped) {
  std::unique_lock lock(mutex_);
  ready_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                  [this] { return !events_.empty() || dropped_ || closed_; });
  std::deque<core::Event> out;
  out.swap(events_);
  dropped = dropped_;
  dropped_ = 0;
  return out;
}

void EventQueue::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  ready_.notify_all();
}

void wake_event_streams(const std::atomic<bool>& stopping) {
  std::lock_guard lock(open_mutex);
  auto [first, last] = open_streams.equal_range(&stopping);
  for (auto it = first; it != last; ++it)
    if (auto queue = it->second.lock()) queue->close();
}

std::string event_json(const core::Event& e, core::Tenants& tenants) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("seq");
  w.Uint64(e.seq);
  write_field(w, "kind", core::name(e.kind));
  if (e.kind != core::EventKind::Reset) {
    write_field(w, "id", e.uuid);
    write_field(w, "server_id", e.transfer_id);
    write_tenant(w, tenants.info(e.tenant));
    w.Key("old_state");
    if (e.old_state) write_string(w, core::name(*e.old_state));
    else w.Null();
    write_field(w, "new_state", core::name(e.new_state));
    write_state_views(w, e.new_state, e.transition_from);
    write_actions(w, e.new_state);
    w.Key("cause");
    if (e.cause) write_string(w, core::name(*e.cause));
    else w.Null();
    w.Key("clean_shutdown");
    w.Bool(e.clean_shutdown);
    w.Key("locked");
    w.Bool(e.lock.locked);
    if (e.lock.locked) {
      write_field(w, "locked_by", core::name(e.lock.by));
      write_field(w, "locked_reason", e.lock.reason);
    }
  }
  w.Key("at_ms");
  w.Int64(e.at_ms);
  w.EndObject();
  return buffer.GetString();
}

void mount_event_stream(httplib::Server& server, core::Fleet& fleet, const std::atomic<bool>& stopping) {
  server.Get("/_gateway/events", [&fleet, &stopping](const httplib::Request&, httplib::Response& res) {
    auto queue = std::make_shared<EventQueue>(kBufferedEvents);
    const auto token = fleet.events().subscribe([queue](const core::Event& e) { queue->push(e); });
    {
      std::lock_guard lock(open_mutex);
      open_streams.emplace(&stopping, queue);
      if (stopping.load()) queue->close();  // a stop that began before we were listed
    }
    res.set_header("Cache-Control", "no-cache");
    res.set_header("X-Accel-Buffering", "no");
    auto quiet_polls = std::make_shared<int>(0);
    res.set_chunked_content_provider(
        "text/event-stream",
        [queue, quiet_polls, &fleet, &stopping](std::size_t offset, httplib::DataSink& sink) {
          if (offset == 0) {
            // Tells the reader the stream is open before the first change.
            const std::string hello = "retry: 1000\n: lifecycle-gateway events\n\n";
            if (!sink.write(hello.data(), hello.size())) return false;
          }
          if (stopping.load()) {
            sink.done();
            return true;
          }
          std::size_t dropped = 0;
          auto events = queue->pop(kPollMs, dropped);
          std::string out;
          if (dropped)
            out += fmt::format("event: dropped\ndata: {{\"dropped\":{}}}\n\n", dropped);
          for (const auto& e : events)
            out += fmt::format("id: {}\nevent: {}\ndata: {}\n\n", e.seq, core::name(e.kind),
                               event_json(e, fleet.tenants()));
          if (out.empty() && ++*quiet_polls >= kKeepAliveEveryPolls) {
            out = ": keep-alive\n\n";
            *quiet_polls = 0;
          }
          if (out.empty()) return true;
          *quiet_polls = 0;
          return sink.write(out.data(), out.size());
        },
        [&fleet, &stopping, token, queue](bool) {
          fleet.events().unsubscribe(token);
          std::lock_guard lock(open_mutex);
          auto [first, last] = open_streams.equal_range(&stopping);
          for (auto it = first; it != last; ++it)
            if (it->second.lock() == queue) {
              open_streams.erase(it);
              break;
            }
        });
  });
}

}  // namespace gateway
