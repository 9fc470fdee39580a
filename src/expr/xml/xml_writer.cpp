#include "expr/xml/xml_writer.h"

#include <utility>
#include <vector>

#include "expr/errors.h"
#include "expr/xml/xml_document.h"

namespace runnel::expr {

void AppendXmlText(std::string_view text, std::string& out) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
}

void AppendXmlAttributeValue(std::string_view value, std::string& out) {
  for (char c : value) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\t': out += "&#x9;"; break;
      case '\n': out += "&#xA;"; break;
      case '\r': out += "&#xD;"; break;
      default: out += c;
    }
  }
}

namespace {

std::string_view PrefixOf(std::string_view qname) {
  size_t colon = qname.find(':');
  return colon == std::string_view::npos ? std::string_view() : qname.substr(0, colon);
}

// The namespace URI `prefix` ("" = the default namespace) is bound to at `node` in the source
// tree, or nullptr when nothing declares it.
const char* LookupNamespace(pugi::xml_node node, std::string_view prefix) {
  std::string attr = prefix.empty() ? "xmlns" : "xmlns:" + std::string(prefix);
  for (; node && node.type() == pugi::node_element; node = node.parent()) {
    if (pugi::xml_attribute a = node.attribute(attr.c_str())) return a.value();
  }
  return nullptr;
}

class OuterXmlWriter {
 public:
  OuterXmlWriter(const XmlDocument& doc, size_t max_chars, std::string& out)
      : doc_(doc), max_chars_(max_chars), out_(out) {}

  Status Write(pugi::xml_node node) {
    switch (node.type()) {
      case pugi::node_document:
        for (pugi::xml_node child : node.children()) {
          if (auto s = Write(child); !s) return s;
        }
        break;
      case pugi::node_element: return WriteElement(node);
      case pugi::node_pcdata: AppendXmlText(node.value(), out_); break;
      case pugi::node_cdata:
        out_ += "<![CDATA[";
        out_ += node.value();
        out_ += "]]>";
        break;
      case pugi::node_comment:
        out_ += "<!--";
        out_ += node.value();
        out_ += "-->";
        break;
      case pugi::node_pi:
      case pugi::node_declaration: WriteInstruction(node); break;
      default: break;
    }
    return CheckSize();
  }

 private:
  Status CheckSize() const {
    if (out_.size() <= max_chars_) return Ok();
    return Error(errc::kLimit,
                 "the XML text would exceed " + std::to_string(max_chars_) + " characters");
  }

  void WriteInstruction(pugi::xml_node node) {
    out_ += "<?";
    out_ += node.name();
    if (node.type() == pugi::node_declaration) {
      for (pugi::xml_attribute a : node.attributes()) WriteAttribute(a.name(), a.value());
    } else if (*node.value()) {
      out_ += ' ';
      out_ += node.value();
    }
    out_ += "?>";
  }

  void WriteAttribute(std::string_view name, std::string_view value) {
    out_ += ' ';
    out_ += name;
    out_ += "=\"";
    AppendXmlAttributeValue(value, out_);
    out_ += '"';
  }

  bool InScope(std::string_view prefix) const {
    for (auto it = scope_.rbegin(); it != scope_.rend(); ++it) {
      if (it->first == prefix) return true;
    }
    return false;
  }

  // Declares `prefix` on the element being written when the output has not declared it yet but
  // the source tree binds it above `element`.
  void DeclareIfNeeded(pugi::xml_node element, std::string_view prefix) {
    if (prefix == "xml" || prefix == "xmlns" || InScope(prefix)) return;
    const char* uri = LookupNamespace(element.parent(), prefix);
    if (!uri || (prefix.empty() && !*uri)) return;
    WriteAttribute(prefix.empty() ? std::string("xmlns") : "xmlns:" + std::string(prefix), uri);
    scope_.emplace_back(prefix, uri);
  }

  Status WriteElement(pugi::xml_node e) {
    size_t mark = scope_.size();
    out_ += '<';
    out_ += e.name();
    for (pugi::xml_attribute a : e.attributes()) {
      std::string_view name = a.name();
      WriteAttribute(name, a.value());
      if (name == "xmlns") scope_.emplace_back("", a.value());
      if (PrefixOf(name) == "xmlns") scope_.emplace_back(name.substr(6), a.value());
    }
    DeclareIfNeeded(e, PrefixOf(e.name()));
    for (pugi::xml_attribute a : e.attributes()) {
      std::string_view prefix = PrefixOf(a.name());
      if (!prefix.empty()) DeclareIfNeeded(e, prefix);
    }
    if (!e.first_child()) {
      out_ += doc_.IsEmptyTag(e) ? " />" : std::string("></") + e.name() + ">";
    } else {
      out_ += '>';
      for (pugi::xml_node child : e.children()) {
        if (auto s = Write(child); !s) return s;
      }
      out_ += "</";
      out_ += e.name();
      out_ += '>';
    }
    scope_.resize(mark);
    return CheckSize();
  }

  const XmlDocument& doc_;
  size_t max_chars_;
  std::string& out_;
  std::vector<std::pair<std::string, std::string>> scope_;  // prefix -> URI declared in out_
};

}  // namespace

Status AppendOuterXml(const XmlDocument& doc, pugi::xml_node node, size_t max_chars,
                      std::string& out) {
  OuterXmlWriter writer(doc, max_chars, out);
  return writer.Write(node);
}

}  // namespace runnel::expr
