#include "expr/xml/xml_to_json.h"
#include "json/utf8.h"

#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "expr/xml/xml_document.h"

namespace runnel::expr {
namespace bj = boost::json;

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(uint32_t cp, std::string& out) { json::AppendUtf8(cp, out); }

// The length of an "_xHHHH_" or "_xHHHHHHHH_" escape at name[i], appending its character to
// `out`; 0 (appending nothing) when there is none.
size_t DecodeEscape(std::string_view name, size_t i, std::string& out) {
  if (name.substr(i, 2) != "_x") return 0;
  for (size_t width : {size_t{4}, size_t{8}}) {
    if (i + 2 + width >= name.size() || name[i + 2 + width] != '_') continue;
    uint32_t cp = 0;
    bool ok = true;
    for (size_t k = 0; k < width && ok; ++k) {
      int h = HexDigit(name[i + 2 + k]);
      ok = h >= 0;
      cp = cp * 16 + static_cast<uint32_t>(ok ? h : 0);
    }
    if (ok && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF)) {
      AppendUtf8(cp, out);
      return width + 3;
    }
  }
  return 0;
}

// XmlConvert.DecodeName: "_xHHHH_" and "_xHHHHHHHH_" stand for the character with that code.
std::string DecodeName(std::string_view name) {
  std::string out;
  for (size_t i = 0; i < name.size();) {
    size_t n = DecodeEscape(name, i, out);
    if (n) {
      i += n;
    } else {
      out += name[i++];
    }
  }
  return out;
}

class Converter {
 public:
  explicit Converter(const XmlDocument& doc) : doc_(doc) {}

  bj::value Document() {
    bj::object o;
    WriteChildren(doc_.document(), o);
    return o;
  }

 private:
  static std::string PropertyName(pugi::xml_node n) {
    switch (n.type()) {
      case pugi::node_element: return DecodeName(n.name());
      case pugi::node_pcdata: return "#text";
      case pugi::node_cdata: return "#cdata-section";
      case pugi::node_comment: return "#comment";
      case pugi::node_declaration: return "?xml";
      case pugi::node_pi: return "?" + DecodeName(n.name());
      default: return "";
    }
  }

  // The value a node contributes, without its name.
  bj::value NodeValue(pugi::xml_node n) {
    switch (n.type()) {
      case pugi::node_element: return ElementValue(n);
      case pugi::node_declaration: {
        bj::object o;
        for (const char* attr : {"version", "encoding", "standalone"}) {
          pugi::xml_attribute a = n.attribute(attr);
          if (a && *a.value()) o[std::string("@") + attr] = a.value();
        }
        return o;
      }
      default: return bj::string(n.value());
    }
  }

  bj::value ElementValue(pugi::xml_node e) {
    bool has_attributes = static_cast<bool>(e.first_attribute());
    pugi::xml_node first = e.first_child();
    if (!has_attributes && first && !first.next_sibling() && first.type() == pugi::node_pcdata) {
      return bj::string(first.value());
    }
    if (!has_attributes && !first) {
      if (doc_.IsEmptyTag(e)) return nullptr;
      return bj::string();
    }
    bj::object o;
    for (pugi::xml_attribute a : e.attributes()) {
      o["@" + DecodeName(a.name())] = a.value();
    }
    WriteChildren(e, o);
    return o;
  }

  // Json.NET's SerializeGroupedNodes: children grouped by name, groups in order of first
  // appearance; a group of one is a member, a larger group an array.
  void WriteChildren(pugi::xml_node parent, bj::object& o) {
    std::vector<std::pair<std::string, std::vector<pugi::xml_node>>> groups;
    std::unordered_map<std::string, size_t> index;
    for (pugi::xml_node child : parent.children()) {
      if (child.type() == pugi::node_doctype) continue;
      std::string name = PropertyName(child);
      auto [it, inserted] = index.emplace(name, groups.size());
      if (inserted) groups.emplace_back(std::move(name), std::vector<pugi::xml_node>());
      groups[it->second].second.push_back(child);
    }
    for (auto& [name, nodes] : groups) {
      if (nodes.front().type() == pugi::node_comment) continue;
      if (nodes.size() == 1) {
        o[name] = NodeValue(nodes.front());
        continue;
      }
      bj::array a;
      a.reserve(nodes.size());
      for (pugi::xml_node n : nodes) a.push_back(NodeValue(n));
      o[name] = std::move(a);
    }
  }

  const XmlDocument& doc_;
};

}  // namespace

bj::value XmlToJson(const XmlDocument& doc) { return Converter(doc).Document(); }

}  // namespace runnel::expr
