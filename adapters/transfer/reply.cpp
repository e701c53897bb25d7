#include "adapters/transfer/reply.h"

namespace transfer {

Reply fail(WireError e) { return Reply{{}, false, std::move(e)}; }
Reply fail(const core::Error& e, std::string_view operation) { return fail(from_core(e, operation)); }

}  // namespace transfer
