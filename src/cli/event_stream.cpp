#include "cli/event_stream.h"

namespace runnel::cli {

namespace {
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
}  // namespace

bool EventStreamParser::Feed(std::string_view piece, const Handler& on_event) {
  if (at_start_) {
    // The mark may itself arrive split; wait until there are enough bytes to tell.
    line_.append(piece);
    if (line_.size() < kByteOrderMark.size() && kByteOrderMark.starts_with(line_)) return true;
    at_start_ = false;
    std::string buffered = std::move(line_);
    line_.clear();
    std::string_view rest = buffered;
    if (rest.starts_with(kByteOrderMark)) rest.remove_prefix(kByteOrderMark.size());
    return Feed(rest, on_event);
  }
  for (char c : piece) {
    if (after_cr_) {
      after_cr_ = false;
      if (c == '\n') continue;  // the second half of a CRLF
    }
    if (c == '\r' || c == '\n') {
      after_cr_ = c == '\r';
      std::string line = std::move(line_);
      line_.clear();
      if (!Line(line, on_event)) return false;
      continue;
    }
    line_ += c;
  }
  return true;
}

bool EventStreamParser::Line(std::string_view line, const Handler& on_event) {
  if (line.empty()) {
    bool dispatch = has_data_;
    StreamEvent event = std::move(pending_);
    pending_ = StreamEvent{};
    has_data_ = false;
    if (!dispatch) return true;
    event.id = last_id_;
    if (event.event.empty()) event.event = "message";
    return on_event(event);
  }
  if (line.front() == ':') return true;  // a comment (servers send them as keep-alives)
  std::string_view field = line;
  std::string_view value;
  if (size_t colon = line.find(':'); colon != std::string_view::npos) {
    field = line.substr(0, colon);
    value = line.substr(colon + 1);
    if (value.starts_with(' ')) value.remove_prefix(1);
  }
  if (field == "event") {
    pending_.event = std::string(value);
  } else if (field == "data") {
    if (has_data_) pending_.data += '\n';
    pending_.data.append(value);
    has_data_ = true;
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) last_id_ = std::string(value);
  }
  return true;
}

}  // namespace runnel::cli
