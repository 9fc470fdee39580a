// The expression syntax tree. Built once by the parser (parser.h); evaluated many times.
//
// Function names are resolved while parsing: a Call node points at its FunctionDef, so
// evaluation never looks a name up. Nodes are immutable after parsing and may be evaluated
// concurrently from several threads.
#pragma once

#include <boost/json/value.hpp>
#include <memory>
#include <string>
#include <vector>

namespace runnel::expr {

struct FunctionDef;

struct Node {
  enum class Kind : uint8_t {
    kLiteral,  // literal: a string, number, boolean or null
    kCall,     // function(args...)
    kMember,   // base.name / base?.name           children[0] = base, name
    kIndex,    // base[index] / base?[index]       children[0] = base, children[1] = index
  };

  Kind kind = Kind::kLiteral;
  bool null_safe = false;  // accessor written with '?'
  int position = 0;        // offset of the node's first character in the source text
  boost::json::value literal;
  const FunctionDef* function = nullptr;
  std::string name;  // member name
  std::vector<std::unique_ptr<Node>> children;
};

using NodePtr = std::unique_ptr<Node>;

}  // namespace runnel::expr
