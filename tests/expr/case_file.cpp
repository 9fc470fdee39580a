#include "case_file.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>

namespace runnel::testing {
namespace bj = boost::json;
namespace fs = std::filesystem;

namespace {
constexpr char kDefaultNow[] = "2020-01-01T00:00:00Z";

bool StartsWith(const std::string& s, std::string_view p) { return s.rfind(p, 0) == 0; }

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r' || s.back() == '\t')) s.pop_back();
  return s;
}
}  // namespace

std::vector<std::string> FindCaseFiles(const std::string& root) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file() && e.path().extension() == ".test") {
      out.push_back(fs::relative(e.path(), root).string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<ExprCase> ReadCaseFile(const std::string& root, const std::string& rel, std::string* error) {
  std::ifstream in(fs::path(root) / rel);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(Trim(l));
  std::vector<ExprCase> cases;
  bj::value context;
  std::string now = kDefaultNow;
  auto fail = [&](size_t i, const std::string& msg) {
    *error = rel + ":" + std::to_string(i + 1) + ": " + msg;
    return std::vector<ExprCase>{};
  };
  size_t i = 0;
  while (i < lines.size()) {
    const std::string& l = lines[i];
    if (l.empty() || l[0] == '#') {
      ++i;
      continue;
    }
    if (StartsWith(l, "context ")) {
      std::string body = l.substr(8);
      if (body == "none") {
        context = nullptr;
      } else {
        boost::system::error_code ec;
        context = bj::parse(body, ec);
        if (ec) return fail(i, "context is not valid JSON: " + ec.message());
      }
      ++i;
      continue;
    }
    if (StartsWith(l, "now ")) {
      now = l.substr(4);
      ++i;
      continue;
    }
    bool is_template = StartsWith(l, "template ") || l == "template";
    if (!is_template && !StartsWith(l, "expr ") && l != "expr") {
      return fail(i, "expected 'expr', 'template', 'context' or 'now', got: " + l);
    }
    ExprCase c;
    c.file = rel;
    c.line = static_cast<int>(i + 1);
    c.is_template = is_template;
    c.context = context;
    c.now = now;
    size_t skip = is_template ? 9 : 5;
    c.text = l.size() > skip ? l.substr(skip) : "";
    ++i;
    while (i < lines.size() && lines[i] != "----") {
      c.text += "\n" + lines[i];
      ++i;
    }
    if (i == lines.size()) return fail(c.line - 1, "case has no '----' line");
    ++i;  // ----
    std::string expected;
    while (i < lines.size() && !lines[i].empty()) {
      if (!expected.empty()) expected += "\n";
      expected += lines[i++];
    }
    if (StartsWith(expected, "error ")) {
      std::string rest = expected.substr(6);
      size_t sp = rest.find(' ');
      c.error_code = rest.substr(0, sp);
      if (sp != std::string::npos) c.error_fragment = rest.substr(sp + 1);
    } else {
      boost::system::error_code ec;
      bj::value v = bj::parse(expected, ec);
      if (ec) return fail(c.line - 1, "expected result is not JSON (or 'error CODE ...'): " + expected);
      c.result = std::move(v);
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

bool SameJson(const bj::value& a, const bj::value& b) {
  auto is_int = [](const bj::value& v) { return v.is_int64() || v.is_uint64(); };
  if (is_int(a) && is_int(b)) {
    if (a.is_int64() && b.is_int64()) return a.get_int64() == b.get_int64();
    if (a.is_uint64() && b.is_uint64()) return a.get_uint64() == b.get_uint64();
    const bj::value& s = a.is_int64() ? a : b;
    const bj::value& u = a.is_int64() ? b : a;
    return s.get_int64() >= 0 && static_cast<uint64_t>(s.get_int64()) == u.get_uint64();
  }
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case bj::kind::array: {
      const auto& x = a.get_array();
      const auto& y = b.get_array();
      if (x.size() != y.size()) return false;
      for (size_t k = 0; k < x.size(); ++k) {
        if (!SameJson(x[k], y[k])) return false;
      }
      return true;
    }
    case bj::kind::object: {
      const auto& x = a.get_object();
      const auto& y = b.get_object();
      if (x.size() != y.size()) return false;
      for (const auto& kv : x) {
        auto it = y.find(kv.key());
        if (it == y.end() || !SameJson(kv.value(), it->value())) return false;
      }
      return true;
    }
    default:
      return a == b;
  }
}

}  // namespace runnel::testing
