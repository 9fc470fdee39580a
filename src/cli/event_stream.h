// EventStreamParser: Server-Sent Events (the HTML standard's `text/event-stream` format), read
// piece by piece as the bytes arrive — `runnel runs watch` follows a run this way.
//
// Follows the standard's parsing rules: lines end in CRLF, LF or CR (also when a CRLF is split
// between two pieces); a line starting with ':' is a comment; "field: value" loses one space
// after the colon; `data` lines are joined with '\n'; a blank line dispatches the event, unless
// it has no data; an event left unfinished when the stream ends is dropped. `retry` is ignored
// (the caller decides about reconnecting).
//
// Thread rule: one parser per stream, used by one thread at a time.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace runnel::cli {

struct StreamEvent {
  std::string event = "message";  // the `event` field; "message" when the server sent none
  std::string data;
  std::string id;  // the last `id` seen on the stream, as the standard's "last event ID"
};

class EventStreamParser {
 public:
  // Called for each complete event; returning false stops parsing.
  using Handler = std::function<bool(const StreamEvent&)>;

  // Parses the next piece of the stream, calling `on_event` for every event it completes, in
  // order. Returns false when `on_event` asked to stop (the rest of `piece` is then ignored, and
  // so should later pieces be).
  bool Feed(std::string_view piece, const Handler& on_event);

 private:
  // Handles one complete line (without its terminator); false when the handler asked to stop.
  bool Line(std::string_view line, const Handler& on_event);

  std::string line_;         // the current line so far
  bool after_cr_ = false;    // the last piece ended in CR: a leading LF now belongs to it
  bool at_start_ = true;     // a UTF-8 byte order mark may open the stream
  StreamEvent pending_;      // the event being assembled
  bool has_data_ = false;    // pending_ got at least one data line
  std::string last_id_;
};

}  // namespace runnel::cli
