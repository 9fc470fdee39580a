#include "json/parse.h"

#include <boost/json/stream_parser.hpp>

namespace runnel::json {
namespace bj = boost::json;

Result<bj::value> Parse(std::string_view text) {
  bj::parse_options opt;
  opt.max_depth = kMaxParseDepth;
  // The parser's working stack starts in this buffer: most documents need no allocation for it.
  unsigned char temp[4096];
  bj::stream_parser p(bj::storage_ptr(), opt, temp);
  boost::system::error_code ec;
  size_t used = p.write_some(text.data(), text.size(), ec);
  if (!ec) p.finish(ec);
  if (!ec && used < text.size()) {
    // Only whitespace may follow the value.
    for (size_t i = used; i < text.size(); ++i) {
      char c = text[i];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        used = i;
        ec = bj::error::extra_data;
        break;
      }
    }
  }
  if (ec) {
    int line = 1, column = 1;
    for (size_t i = 0; i < used && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return Error("InvalidJson", ec.message() + " at line " + std::to_string(line) + ", column " +
                                    std::to_string(column));
  }
  return p.release();
}

}  // namespace runnel::json
