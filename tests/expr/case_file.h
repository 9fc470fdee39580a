// Reading the expression case files (format: tests/expr/README.md).
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <vector>

namespace runnel::testing {

struct ExprCase {
  std::string file;  // path relative to the cases folder
  int line = 0;      // line of the `expr`/`template` directive
  std::string text;  // the expression or definition string
  bool is_template = false;
  boost::json::value context;  // null when none
  std::string now;             // ISO 8601
  // Expected outcome: a result, or an error code plus a fragment of its message.
  std::optional<boost::json::value> result;
  std::string error_code;
  std::string error_fragment;
};

// All cases of one file; a malformed file yields a message in *error.
std::vector<ExprCase> ReadCaseFile(const std::string& root, const std::string& relative_path,
                                   std::string* error);

// Every *.test file under root, relative paths, sorted.
std::vector<std::string> FindCaseFiles(const std::string& root);

// Exact comparison: like JSON equality, but an integer never equals a float.
bool SameJson(const boost::json::value& a, const boost::json::value& b);

}  // namespace runnel::testing
