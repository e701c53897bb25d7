#include "core/call_note.h"

namespace core {

JournalEntry& this_call() {
  thread_local JournalEntry call;
  return call;
}

}  // namespace core
