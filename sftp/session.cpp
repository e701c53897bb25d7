#include "sftp/session.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <libssh/libssh.h>
#include <libssh/server.h>
#define WITH_SERVER  // sftp.h declares its server API only with it
#include <libssh/sftp.h>

#include "secret/ssh_keys.h"
#include "secret/ssh_wire.h"
#include "sftp/paths.h"
#include "sftp/tree.h"

namespace sftp {
namespace {

// A client gets this long for the key exchange and its login, and may then
// stay idle this long between requests (a slow or silent client's thread is
// given back).
constexpr long kLoginTimeoutS = 10;
constexpr long kIdleTimeoutS = 600;
constexpr int kMaxAuthAttempts = 20;
constexpr std::size_t kMaxRead = 64 * 1024;
constexpr std::size_t kNamesPerReply = 64;
constexpr std::size_t kMaxListing = 100000;
// The furthest a write may reach (off_t's range).
constexpr std::uint64_t kMaxOffset = static_cast<std::uint64_t>(std::numeric_limits<off_t>::max());

const core::Caller kAnyone{0, true, false, true};

// An open file or directory of the session (a libssh SFTP handle points here).
struct Handle {
  std::string path;  // as the client sees it
  int fd = -1;
  bool directory = false;
  std::vector<std::pair<std::string, struct stat>> entries;  // a directory's, read at open
  std::size_t next = 0;
  std::uint64_t written = 0;
  std::uint64_t read = 0;
  bool append = false;      // opened to append: every write lands at the end
  bool over_quota = false;  // a write was refused (journaled once)
  ~Handle() {
    if (fd >= 0) ::close(fd);
  }
};

int status_of_errno(int error) {
  switch (error) {
    case ENOENT:
    case ENOTDIR: return SSH_FX_NO_SUCH_FILE;
    case EACCES:
    case EPERM:
    case ELOOP: return SSH_FX_PERMISSION_DENIED;
    case EEXIST: return SSH_FX_FILE_ALREADY_EXISTS;
    default: return SSH_FX_FAILURE;
  }
}

std::string_view result_of(int status) {
  switch (status) {
    case SSH_FX_OK: return core::kAccepted;
    case SSH_FX_EOF: return "eof";
    case SSH_FX_NO_SUCH_FILE: return "not_found";
    case SSH_FX_PERMISSION_DENIED: return "permission_denied";
    case SSH_FX_FILE_ALREADY_EXISTS: return "already_exists";
    case SSH_FX_OP_UNSUPPORTED: return "unsupported";
    case SSH_FX_BAD_MESSAGE: return "bad_message";
    default: return "failure";
  }
}

sftp_attributes_struct attributes_of(const struct stat& st) {
  sftp_attributes_struct a{};
  a.flags = SSH_FILEXFER_ATTR_SIZE | SSH_FILEXFER_ATTR_PERMISSIONS | SSH_FILEXFER_ATTR_ACMODTIME |
            SSH_FILEXFER_ATTR_UIDGID;
  a.type = S_ISDIR(st.st_mode) ? SSH_FILEXFER_TYPE_DIRECTORY : SSH_FILEXFER_TYPE_REGULAR;
  a.size = static_cast<std::uint64_t>(st.st_size);
  a.permissions = st.st_mode;
  a.atime = static_cast<std::uint32_t>(st.st_atime);
  a.atime64 = static_cast<std::uint64_t>(st.st_atime);
  a.mtime = static_cast<std::uint32_t>(st.st_mtime);
  a.mtime64 = static_cast<std::uint64_t>(st.st_mtime);
  return a;
}

sftp_attributes_struct directory_attributes() {
  struct stat st{};
  st.st_mode = S_IFDIR | 0755;
  return attributes_of(st);
}

std::string long_name(std::string_view name, const struct stat& st) {
  char mode[11] = "----------";
  if (S_ISDIR(st.st_mode)) mode[0] = 'd';
  const char* rwx = "rwxrwxrwx";
  for (int i = 0; i < 9; ++i)
    if (st.st_mode & (1 << (8 - i))) mode[i + 1] = rwx[i];
  char when[32] = "";
  struct tm tm{};
  const time_t mtime = st.st_mtime;
  if (gmtime_r(&mtime, &tm)) strftime(when, sizeof when, "%b %e %H:%M", &tm);
  return fmt::format("{} 1 sftp sftp {:>8} {} {}", mode, st.st_size, when, name);
}

// Makes every missing directory of `path` (absolute).
void make_directories(const std::string& path) {
  for (std::size_t at = 1; at <= path.size(); ++at) {
    if (at == path.size() || path[at] == '/') ::mkdir(path.substr(0, at).c_str(), 0755);
  }
}

class Server {
 public:
  Server(SessionContext& context, Endpoints::Session& session, core::ServerInfo info)
      : context_(context), session_(session), info_(std::move(info)),
        root_(fmt::format("{}/{}", context.data_dir, info_.transfer_id)) {}

  void run(int fd);

 private:
  bool handshake(ssh_session ssh, ssh_bind bind, int fd);
  bool login(ssh_session ssh);
  bool key_known(std::string_view user, ssh_key key);
  ssh_channel open_sftp(ssh_session ssh);
  void serve(sftp_session sftp);
  void dispatch(sftp_session sftp, sftp_client_message msg);

  // Journals one operation (api sftp).
  void note(std::string_view operation, std::string_view path, std::uint64_t bytes, int status,
            std::string_view result = {}, bool injected = false);
  // A fault rule's answer for this operation: a status to fail with, or SSH_FX_OK.
  int fault(std::string_view operation, std::string_view path);
  // The client's path, normalised; nothing when it is too long or malformed.
  std::optional<std::string> client_path(const char* path) const;
  // The file behind a normal path: its host path, or a status (refused,
  // or a symlink on the way).
  std::optional<std::string> host_path(std::string_view normal, int& status) const;
  void reply(sftp_client_message msg, std::string_view operation, std::string_view path, int status,
             std::uint64_t bytes = 0);
  // The tree's usage: `bytes` more (false, and nothing claimed, past the
  // quota), or `bytes` fewer.
  bool claim(std::uint64_t bytes);
  void release(std::uint64_t bytes);
  // Counts the tree when no other session of the server is open; once a login is accepted.
  void join_usage();

  void on_realpath(sftp_client_message msg);
  void on_stat(sftp_client_message msg);
  void on_fstat(sftp_client_message msg);
  void on_opendir(sftp_client_message msg);
  void on_readdir(sftp_client_message msg);
  void on_open(sftp_client_message msg);
  void on_read(sftp_client_message msg);
  void on_write(sftp_client_message msg);
  void on_close(sftp_client_message msg);
  void on_simple(sftp_client_message msg, std::string_view operation);
  // `posix`: onto an existing file too (posix-rename@openssh.com); SFTP v3's refuses.
  void on_rename(sftp_client_message msg, bool posix);

  SessionContext& context_;
  Endpoints::Session& session_;
  core::ServerInfo info_;
  std::string root_;  // the server's tree
  std::string user_;
  View view_;
  std::map<Handle*, std::unique_ptr<Handle>> handles_;
  sftp_session sftp_ = nullptr;
  bool joined_ = false;  // counted in the server's TreeUsage::sessions
};

void Server::note(std::string_view operation, std::string_view path, std::uint64_t bytes, int status,
                  std::string_view result, bool injected) {
  core::JournalEntry e;
  e.api = "sftp";
  e.operation = std::string(operation);
  e.caller = user_;
  e.tenant = info_.tenant;
  e.server_uuid = info_.uuid;
  e.server_transfer_id = info_.transfer_id;
  e.path = std::string(path.substr(0, kMaxPath));
  e.bytes = bytes;
  e.result = std::string(result.empty() ? result_of(status) : result);
  e.injected = injected;
  e.start_ms = e.finish_ms = context_.fleet.clock().now_ms();
  context_.fleet.journal().finish(e, status, e.finish_ms);
}

int Server::fault(std::string_view operation, std::string_view path) {
  const auto plan = context_.fleet.faults().decide("sftp", operation, info_.transfer_id, info_.tenant);
  if (plan.latency_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(plan.latency_ms));
  if (!plan.error) return SSH_FX_OK;
  // A refused login reads as every refused login does; a failed operation names the error.
  note(operation, path, 0, SSH_FX_FAILURE, operation == "login" ? "refused" : core::name(plan.error->code), true);
  return SSH_FX_FAILURE;
}

std::optional<std::string> Server::client_path(const char* path) const {
  if (path == nullptr) return std::nullopt;
  return normalize(view_.home, path);
}

std::optional<std::string> Server::host_path(std::string_view normal, int& status) const {
  const auto where = resolve(view_, normal);
  if (where.kind != Where::Kind::Real) {
    status = SSH_FX_PERMISSION_DENIED;  // outside the view, or a directory made of mappings
    return std::nullopt;
  }
  // No symlink on the way leads out: the tree holds none the gateway made,
  // and one put there from outside is refused, not followed.
  auto host = tree_path(root_, where.relative);
  if (!host) status = SSH_FX_PERMISSION_DENIED;
  return host;
}

// The size of the regular file at `host` (0: none, or not a regular file).
std::uint64_t file_size(const std::string& host) {
  struct stat st{};
  return ::lstat(host.c_str(), &st) == 0 && S_ISREG(st.st_mode) ? static_cast<std::uint64_t>(st.st_size) : 0;
}

void Server::release(std::uint64_t bytes) {
  auto& used = session_.usage->bytes;
  auto now = used.load();
  while (!used.compare_exchange_weak(now, now > bytes ? now - bytes : 0)) {
  }
}

bool Server::claim(std::uint64_t bytes) {
  if (bytes == 0) return true;
  auto& used = session_.usage->bytes;
  auto now = used.load();
  do {
    if (context_.quota > 0 && (bytes > context_.quota || now > context_.quota - bytes)) return false;
  } while (!used.compare_exchange_weak(now, now + bytes));
  return true;
}

void Server::reply(sftp_client_message msg, std::string_view operation, std::string_view path, int status,
                   std::uint64_t bytes) {
  sftp_reply_status(msg, static_cast<std::uint32_t>(status), status == SSH_FX_OK ? "Success" : nullptr);
  if (!operation.empty()) note(operation, path, bytes, status);
}

bool Server::key_known(std::string_view user, ssh_key key) {
  auto found = context_.logins.user(kAnyone, info_.transfer_id, user);
  if (!found || key == nullptr) return false;
  unsigned char* hash = nullptr;
  std::size_t length = 0;
  if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) != SSH_OK || hash == nullptr)
    return false;
  // The core's form of a fingerprint: "SHA256:" and the padded base64 of the digest.
  const auto fingerprint =
      "SHA256:" + secret::wire::base64(std::string_view(reinterpret_cast<const char*>(hash), length));
  ssh_clean_pubkey_hash(&hash);
  for (const auto& k : found->keys)
    if (k.fingerprint == fingerprint) return true;
  return false;
}

bool Server::login(ssh_session ssh) {
  ssh_set_auth_methods(ssh, SSH_AUTH_METHOD_PUBLICKEY);
  std::string tried;  // the last user name a client tried
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kLoginTimeoutS);
  for (int attempt = 0; attempt < kMaxAuthAttempts && std::chrono::steady_clock::now() < deadline;) {
    ssh_message m = ssh_message_get(ssh);
    if (m == nullptr) break;
    bool done = false;
    if (ssh_message_type(m) == SSH_REQUEST_AUTH) {
      const char* name = ssh_message_auth_user(m);
      if (name) tried.assign(name, std::min<std::size_t>(std::char_traits<char>::length(name), 256));
      if (ssh_message_subtype(m) == SSH_AUTH_METHOD_PUBLICKEY) {
        ++attempt;
        // The message API is the one that hands a threaded server each
        // request in turn; libssh 0.10 marks its key accessors deprecated
        // in favour of callbacks, and keeps them.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
        const auto state = ssh_message_auth_publickey_state(m);
        ssh_key offered = ssh_message_auth_pubkey(m);
#pragma GCC diagnostic pop
        const bool known = key_known(tried, offered);
        if (known && state == SSH_PUBLICKEY_STATE_NONE) {
          ssh_message_auth_reply_pk_ok_simple(m);
        } else if (known && state == SSH_PUBLICKEY_STATE_VALID) {
          user_ = tried;
          if (fault("login", "") != SSH_FX_OK) {  // journaled as refused by fault()
            context_.counters.logins_refused++;
            ssh_message_auth_set_methods(m, SSH_AUTH_METHOD_PUBLICKEY);
            ssh_message_reply_default(m);
            ssh_message_free(m);
            return false;
          }
          ssh_message_auth_reply_success(m, 0);
          done = true;
        } else {
          ssh_message_auth_set_methods(m, SSH_AUTH_METHOD_PUBLICKEY);
          ssh_message_reply_default(m);
        }
      } else {
        ssh_message_auth_set_methods(m, SSH_AUTH_METHOD_PUBLICKEY);
        ssh_message_reply_default(m);
      }
    } else {
      ssh_message_reply_default(m);
    }
    ssh_message_free(m);
    if (done) {
      context_.counters.logins_accepted++;
      note("login", "", 0, SSH_FX_OK);
      return true;
    }
  }
  context_.counters.logins_refused++;
  if (!tried.empty()) {
    user_ = tried;
    note("login", "", 0, SSH_FX_PERMISSION_DENIED, "refused");
  }
  return false;
}

ssh_channel Server::open_sftp(ssh_session ssh) {
  ssh_channel channel = nullptr;
  for (int requests = 0; requests < 32; ++requests) {
    ssh_message m = ssh_message_get(ssh);
    if (m == nullptr) break;
    const int type = ssh_message_type(m);
    const int subtype = ssh_message_subtype(m);
    if (type == SSH_REQUEST_CHANNEL_OPEN && subtype == SSH_CHANNEL_SESSION && channel == nullptr) {
      channel = ssh_message_channel_request_open_reply_accept(m);
    } else if (type == SSH_REQUEST_CHANNEL && subtype == SSH_CHANNEL_REQUEST_SUBSYSTEM && channel != nullptr &&
               ssh_message_channel_request_subsystem(m) != nullptr &&
               std::string_view(ssh_message_channel_request_subsystem(m)) == "sftp") {
      ssh_message_channel_request_reply_success(m);
      ssh_message_free(m);
      return channel;
    } else {
      ssh_message_reply_default(m);  // no shell, no exec, no forwarding: SFTP only
    }
    ssh_message_free(m);
  }
  if (channel) ssh_channel_free(channel);
  return nullptr;
}

void Server::run(int fd) {
  ssh_bind bind = ssh_bind_new();
  ssh_session ssh = ssh_new();
  const auto cleanup = [&] {
    {
      std::lock_guard lock(context_.mutex);
      session_.fd = -1;  // libssh closes it below: nobody may shut it down any more
    }
    if (joined_) {
      std::lock_guard lock(session_.usage->mutex);
      --session_.usage->sessions;
    }
    ssh_disconnect(ssh);
    ssh_free(ssh);
    ssh_bind_free(bind);
  };
  if (!handshake(ssh, bind, fd)) return cleanup();
  if (!login(ssh)) return cleanup();
  {
    std::lock_guard lock(context_.mutex);
    session_.user = user_;
  }
  auto user = context_.logins.user(kAnyone, info_.transfer_id, user_);
  if (!user) return cleanup();
  view_ = make_view(user->home);
  make_directories(root_);
  join_usage();
  if (!view_.logical) {
    int status = 0;
    if (auto home = host_path(view_.home, status)) make_directories(*home);
  }
  const long idle = kIdleTimeoutS;
  ssh_options_set(ssh, SSH_OPTIONS_TIMEOUT, &idle);
  ssh_channel channel = open_sftp(ssh);
  if (channel == nullptr) return cleanup();
  sftp_session sftp = sftp_server_new(ssh, channel);
  if (sftp != nullptr && sftp_server_init(sftp) == 0) {
    sftp_ = sftp;
    serve(sftp);
  }
  for (auto& [raw, handle] : handles_) {
    if (!handle->directory) {
      if (handle->written) note("write", handle->path, handle->written, SSH_FX_OK);
      if (handle->read) note("read", handle->path, handle->read, SSH_FX_OK);
    }
    note("close", handle->path, 0, SSH_FX_OK);
  }
  handles_.clear();
  if (sftp) {
    sftp_free(sftp);  // frees its channel too
  } else {
    ssh_channel_close(channel);
    ssh_channel_free(channel);
  }
  cleanup();
}

void Server::join_usage() {
  auto& usage = *session_.usage;
  std::lock_guard lock(usage.mutex);
  if (usage.sessions++ == 0) usage.bytes = tree_bytes(root_);
  joined_ = true;
}

bool Server::handshake(ssh_session ssh, ssh_bind bind, int fd) {
  const auto give_up = [&] {
    {
      std::lock_guard lock(context_.mutex);
      session_.fd = -1;
    }
    ::close(fd);
    return false;
  };
  if (ssh == nullptr || bind == nullptr) return give_up();
  int imported = 0;
  for (const auto& k : context_.logins.presented_host_keys(info_)) {
    ssh_key key = nullptr;
    const auto text = secret::openssh_ed25519_private_key(k.private_pem).value_or(k.private_pem);
    if (ssh_pki_import_privkey_base64(text.c_str(), nullptr, nullptr, nullptr, &key) != SSH_OK) continue;
    if (ssh_bind_options_set(bind, SSH_BIND_OPTIONS_IMPORT_KEY, key) == SSH_OK) ++imported;
    else ssh_key_free(key);
  }
  if (imported == 0 || ssh_bind_accept_fd(bind, ssh, fd) != SSH_OK) return give_up();
  const long timeout = kLoginTimeoutS;
  ssh_options_set(ssh, SSH_OPTIONS_TIMEOUT, &timeout);
  return ssh_handle_key_exchange(ssh) == SSH_OK;
}

void Server::serve(sftp_session sftp) {
  while (true) {
    sftp_client_message msg = sftp_get_client_message(sftp);
    if (msg == nullptr) return;
    dispatch(sftp, msg);
    sftp_client_message_free(msg);
  }
}

void Server::dispatch(sftp_session, sftp_client_message msg) {
  switch (sftp_client_message_get_type(msg)) {
    case SSH_FXP_REALPATH: return on_realpath(msg);
    case SSH_FXP_STAT:
    case SSH_FXP_LSTAT: return on_stat(msg);
    case SSH_FXP_FSTAT: return on_fstat(msg);
    case SSH_FXP_OPENDIR: return on_opendir(msg);
    case SSH_FXP_READDIR: return on_readdir(msg);
    case SSH_FXP_OPEN: return on_open(msg);
    case SSH_FXP_READ: return on_read(msg);
    case SSH_FXP_WRITE: return on_write(msg);
    case SSH_FXP_CLOSE: return on_close(msg);
    case SSH_FXP_MKDIR: return on_simple(msg, "mkdir");
    case SSH_FXP_RMDIR: return on_simple(msg, "rmdir");
    case SSH_FXP_REMOVE: return on_simple(msg, "remove");
    case SSH_FXP_SETSTAT: return on_simple(msg, "setstat");
    case SSH_FXP_RENAME: return on_rename(msg, false);
    case SSH_FXP_EXTENDED:
      // OpenSSH's sftp renames through this extension (libssh announces it).
      if (const char* name = sftp_client_message_get_submessage(msg);
          name != nullptr && std::string_view(name) == "posix-rename@openssh.com")
        return on_rename(msg, true);
      return reply(msg, {}, {}, SSH_FX_OP_UNSUPPORTED);
    case SSH_FXP_FSETSTAT: return reply(msg, {}, {}, SSH_FX_OK);  // times and modes are not kept
    default: return reply(msg, {}, {}, SSH_FX_OP_UNSUPPORTED);  // symlinks, extensions
  }
}

void Server::on_realpath(sftp_client_message msg) {
  const auto path = client_path(sftp_client_message_get_filename(msg));
  if (!path) return reply(msg, "realpath", {}, SSH_FX_NO_SUCH_FILE);
  auto attributes = directory_attributes();
  sftp_reply_name(msg, path->c_str(), &attributes);
}

void Server::on_stat(sftp_client_message msg) {
  const auto path = client_path(sftp_client_message_get_filename(msg));
  if (!path) return reply(msg, "stat", {}, SSH_FX_NO_SUCH_FILE);
  if (resolve(view_, *path).kind == Where::Kind::Virtual) {
    auto attributes = directory_attributes();
    sftp_reply_attr(msg, &attributes);
    return;
  }
  int status = SSH_FX_OK;
  const auto host = host_path(*path, status);
  if (!host) return reply(msg, "stat", *path, status);
  struct stat st{};
  if (::lstat(host->c_str(), &st) != 0) return reply(msg, {}, {}, status_of_errno(errno));
  auto attributes = attributes_of(st);
  sftp_reply_attr(msg, &attributes);
}

void Server::on_fstat(sftp_client_message msg) {
  auto* handle = static_cast<Handle*>(sftp_handle(sftp_, msg->handle));
  if (handle == nullptr || !handles_.count(handle)) return reply(msg, {}, {}, SSH_FX_FAILURE);
  struct stat st{};
  if (handle->directory || ::fstat(handle->fd, &st) != 0) {
    auto attributes = directory_attributes();
    sftp_reply_attr(msg, &attributes);
    return;
  }
  auto attributes = attributes_of(st);
  sftp_reply_attr(msg, &attributes);
}

void Server::on_opendir(sftp_client_message msg) {
  const auto path = client_path(sftp_client_message_get_filename(msg));
  if (!path) return reply(msg, "opendir", {}, SSH_FX_NO_SUCH_FILE);
  auto handle = std::make_unique<Handle>();
  handle->path = *path;
  handle->directory = true;
  if (resolve(view_, *path).kind == Where::Kind::Virtual) {
    struct stat st{};
    st.st_mode = S_IFDIR | 0755;
    for (auto& name : virtual_children(view_, *path)) handle->entries.emplace_back(std::move(name), st);
  } else {
    const auto where = resolve(view_, *path);
    if (where.kind != Where::Kind::Real) return reply(msg, "opendir", *path, SSH_FX_PERMISSION_DENIED);
    auto listing = list_directory(root_, where.relative, kMaxListing);
    if (listing.error != 0) return reply(msg, "opendir", *path, status_of_errno(listing.error));
    handle->entries = std::move(listing.entries);
  }
  ssh_string id = sftp_handle_alloc(sftp_, handle.get());
  if (id == nullptr) return reply(msg, "opendir", *path, SSH_FX_FAILURE);  // too many open handles
  sftp_reply_handle(msg, id);
  ssh_string_free(id);
  note("opendir", *path, 0, SSH_FX_OK);
  auto* raw = handle.get();
  handles_.emplace(raw, std::move(handle));
}

void Server::on_readdir(sftp_client_message msg) {
  auto* handle = static_cast<Handle*>(sftp_handle(sftp_, msg->handle));
  if (handle == nullptr || !handles_.count(handle) || !handle->directory) return reply(msg, {}, {}, SSH_FX_FAILURE);
  if (handle->next >= handle->entries.size()) return reply(msg, {}, {}, SSH_FX_EOF);
  const auto end = std::min(handle->entries.size(), handle->next + kNamesPerReply);
  for (; handle->next < end; ++handle->next) {
    const auto& [name, st] = handle->entries[handle->next];
    auto attributes = attributes_of(st);
    sftp_reply_names_add(msg, name.c_str(), long_name(name, st).c_str(), &attributes);
  }
  sftp_reply_names(msg);
}

void Server::on_open(sftp_client_message msg) {
  const auto path = client_path(sftp_client_message_get_filename(msg));
  if (!path) return reply(msg, "open", {}, SSH_FX_NO_SUCH_FILE);
  const auto flags = sftp_client_message_get_flags(msg);
  int mode = 0;
  if ((flags & SSH_FXF_READ) && (flags & SSH_FXF_WRITE)) mode = O_RDWR;
  else if (flags & SSH_FXF_WRITE) mode = O_WRONLY;
  else mode = O_RDONLY;
  if (flags & SSH_FXF_APPEND) mode |= O_APPEND;
  if (flags & SSH_FXF_CREAT) mode |= O_CREAT;
  if (flags & SSH_FXF_TRUNC) mode |= O_TRUNC;
  if (flags & SSH_FXF_EXCL) mode |= O_EXCL;
  const bool writes = (flags & SSH_FXF_WRITE) != 0;
  if (writes) {
    if (const int failed = fault("open", *path); failed != SSH_FX_OK) return reply(msg, {}, {}, failed);
  }
  int status = SSH_FX_OK;
  const auto host = host_path(*path, status);
  if (!host) return reply(msg, "open", *path, status);
  const auto truncated = (mode & O_TRUNC) ? file_size(*host) : 0;
  const int fd = ::open(host->c_str(), mode | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return reply(msg, "open", *path, status_of_errno(errno));
  struct stat st{};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return reply(msg, "open", *path, SSH_FX_FAILURE);
  }
  release(truncated);
  auto handle = std::make_unique<Handle>();
  handle->path = *path;
  handle->fd = fd;
  handle->append = (mode & O_APPEND) != 0;
  ssh_string id = sftp_handle_alloc(sftp_, handle.get());
  if (id == nullptr) return reply(msg, "open", *path, SSH_FX_FAILURE);
  sftp_reply_handle(msg, id);
  ssh_string_free(id);
  note("open", *path, 0, SSH_FX_OK);
  auto* raw = handle.get();
  handles_.emplace(raw, std::move(handle));
}

void Server::on_read(sftp_client_message msg) {
  auto* handle = static_cast<Handle*>(sftp_handle(sftp_, msg->handle));
  if (handle == nullptr || !handles_.count(handle) || handle->directory) return reply(msg, {}, {}, SSH_FX_FAILURE);
  std::vector<char> buffer(std::min<std::size_t>(msg->len, kMaxRead));
  const auto n = ::pread(handle->fd, buffer.data(), buffer.size(), static_cast<off_t>(msg->offset));
  if (n < 0) return reply(msg, {}, {}, status_of_errno(errno));
  if (n == 0) return reply(msg, {}, {}, SSH_FX_EOF);
  sftp_reply_data(msg, buffer.data(), static_cast<int>(n));
  handle->read += static_cast<std::uint64_t>(n);
  context_.counters.bytes_sent += static_cast<std::uint64_t>(n);
}

void Server::on_write(sftp_client_message msg) {
  auto* handle = static_cast<Handle*>(sftp_handle(sftp_, msg->handle));
  if (handle == nullptr || !handles_.count(handle) || handle->directory || msg->data == nullptr)
    return reply(msg, {}, {}, SSH_FX_FAILURE);
  if (const int failed = fault("write", handle->path); failed != SSH_FX_OK) return reply(msg, {}, {}, failed);
  const auto* data = static_cast<const char*>(ssh_string_data(msg->data));
  std::size_t left = ssh_string_len(msg->data);
  struct stat st{};
  if (msg->offset > kMaxOffset - left || ::fstat(handle->fd, &st) != 0) return reply(msg, {}, {}, SSH_FX_FAILURE);
  // What the write adds to the tree (a write past the end counts the hole
  // it leaves), claimed before it lands: the quota bounds the tree.
  const auto before = static_cast<std::uint64_t>(st.st_size);
  const std::uint64_t end = handle->append ? before + left : msg->offset + left;
  const std::uint64_t growth = end > before ? end - before : 0;
  if (!claim(growth)) {
    if (!handle->over_quota) note("write", handle->path, handle->written, SSH_FX_FAILURE, "quota_exceeded");
    handle->over_quota = true;
    sftp_reply_status(msg, SSH_FX_FAILURE, "quota exceeded");
    return;
  }
  auto offset = static_cast<off_t>(msg->offset);
  const auto settle = [&] {  // what the write really added: the rest of the claim goes back
    struct stat after{};
    const auto grown = ::fstat(handle->fd, &after) == 0 && static_cast<std::uint64_t>(after.st_size) > before
                           ? static_cast<std::uint64_t>(after.st_size) - before
                           : 0;
    if (grown < growth) release(growth - grown);
  };
  while (left > 0) {
    const auto n = ::pwrite(handle->fd, data, left, offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      settle();
      return reply(msg, {}, {}, status_of_errno(error));
    }
    data += n;
    left -= static_cast<std::size_t>(n);
    offset += n;
    handle->written += static_cast<std::uint64_t>(n);
    context_.counters.bytes_received += static_cast<std::uint64_t>(n);
  }
  settle();
  reply(msg, {}, {}, SSH_FX_OK);
}

void Server::on_close(sftp_client_message msg) {
  auto* handle = static_cast<Handle*>(sftp_handle(sftp_, msg->handle));
  if (handle == nullptr || !handles_.count(handle)) return reply(msg, {}, {}, SSH_FX_FAILURE);
  sftp_handle_remove(sftp_, handle);
  // Every write (or read) of the handle as one entry: a journal entry per
  // packet would crowd out everything else.
  if (handle->written) note("write", handle->path, handle->written, SSH_FX_OK);
  if (handle->read) note("read", handle->path, handle->read, SSH_FX_OK);
  const std::string path = handle->path;
  handles_.erase(handle);
  reply(msg, "close", path, SSH_FX_OK);
}

void Server::on_simple(sftp_client_message msg, std::string_view operation) {
  const auto path = client_path(sftp_client_message_get_filename(msg));
  if (!path) return reply(msg, operation, {}, SSH_FX_NO_SUCH_FILE);
  if (operation == "setstat") return reply(msg, {}, {}, SSH_FX_OK);  // times and modes are not kept
  if (const int failed = fault(operation, *path); failed != SSH_FX_OK) return reply(msg, {}, {}, failed);
  int status = SSH_FX_OK;
  const auto host = host_path(*path, status);
  if (!host) return reply(msg, operation, *path, status);
  if (*path == view_.home && operation != "mkdir") return reply(msg, operation, *path, SSH_FX_PERMISSION_DENIED);
  int rc = 0;
  if (operation == "mkdir") {
    rc = ::mkdir(host->c_str(), 0755);
  } else if (operation == "rmdir") {
    rc = ::rmdir(host->c_str());
  } else {
    const auto size = file_size(*host);
    rc = ::unlink(host->c_str());
    if (rc == 0) release(size);
  }
  reply(msg, operation, *path, rc == 0 ? SSH_FX_OK : status_of_errno(errno));
}

void Server::on_rename(sftp_client_message msg, bool posix) {
  const auto from = client_path(sftp_client_message_get_filename(msg));
  std::optional<std::string> to;
  if (msg->data != nullptr) {
    const std::string target(static_cast<const char*>(ssh_string_data(msg->data)), ssh_string_len(msg->data));
    to = normalize(view_.home, target);
  }
  if (!from || !to) return reply(msg, "rename", from.value_or(""), SSH_FX_NO_SUCH_FILE);
  if (const int failed = fault("rename", *from); failed != SSH_FX_OK) return reply(msg, {}, {}, failed);
  int status = SSH_FX_OK;
  const auto host_from = host_path(*from, status);
  const auto host_to = host_from ? host_path(*to, status) : std::nullopt;
  if (!host_from || !host_to) return reply(msg, "rename", *from, status);
  // SFTP v3: a rename onto an existing file fails.
  struct stat st{};
  if (!posix && ::lstat(host_to->c_str(), &st) == 0) return reply(msg, "rename", *from, SSH_FX_FILE_ALREADY_EXISTS);
  const auto replaced = *host_from != *host_to ? file_size(*host_to) : 0;
  const int rc = ::rename(host_from->c_str(), host_to->c_str());
  if (rc == 0) release(replaced);
  reply(msg, "rename", fmt::format("{} -> {}", *from, *to), rc == 0 ? SSH_FX_OK : status_of_errno(errno));
}

}  // namespace

void run_session(SessionContext context, Endpoints::Session& session) {
  int fd = -1;
  {
    std::lock_guard lock(context.mutex);
    fd = session.fd;
  }
  auto found = context.fleet.get(kAnyone, session.transfer_id);
  if (!found || found->state != core::State::Running) {
    std::lock_guard lock(context.mutex);
    session.fd = -1;
    ::close(fd);
    return;
  }
  Server server(context, session, std::move(found).value());
  server.run(fd);
}

}  // namespace sftp
