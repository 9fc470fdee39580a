#include "expr/parser.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "expr/errors.h"
#include "expr/lexer.h"
#include "expr/registry.h"

namespace runnel::expr {

namespace {

using K = Token::Kind;

class Parser {
 public:
  Parser(std::string_view src, size_t start, const Limits& limits)
      : src_(src), lexer_(src, start), limits_(limits) {}

  Result<NodePtr> Run(ParseMode mode, size_t* end) {
    if (auto st = Advance(); !st) return st.error();
    RUNNEL_TRY(root, Expr(0));
    if (mode == ParseMode::kTemplate) {
      if (tok_.kind != K::kRBrace) {
        return Error(errc::kSyntax, "expected '}' to close the @{ } expression, found " +
                                        Describe(tok_), tok_.position);
      }
      if (end) *end = lexer_.offset();
      return root;
    }
    if (tok_.kind != K::kEnd) {
      return Error(errc::kSyntax, "unexpected " + Describe(tok_) + " after the end of the expression",
                   tok_.position);
    }
    if (end) *end = lexer_.offset();
    return root;
  }

 private:
  Status Advance() {
    RUNNEL_TRY(t, lexer_.Next());
    tok_ = std::move(t);
    return Ok();
  }

  Status CheckDepth(int depth, int pos) {
    if (depth > limits_.max_nesting_depth) {
      return Error(errc::kLimit, "the expression nests deeper than " +
                                     std::to_string(limits_.max_nesting_depth) +
                                     " levels; split it across several actions or variables",
                   pos);
    }
    return Ok();
  }

  Result<NodePtr> Expr(int depth) {
    if (auto st = CheckDepth(depth, tok_.position); !st) return st.error();
    RUNNEL_TRY(node, Primary(depth));
    int chain = 0;
    for (;;) {
      bool null_safe = false;
      int pos = tok_.position;
      if (tok_.kind == K::kQuestion) {
        null_safe = true;
        if (auto st = Advance(); !st) return st.error();
        if (tok_.kind != K::kDot && tok_.kind != K::kLBracket) {
          return Error(errc::kSyntax, "expected '.' or '[' after '?', found " + Describe(tok_),
                       tok_.position);
        }
      }
      if (tok_.kind != K::kDot && tok_.kind != K::kLBracket) break;
      // Long accessor chains nest in the tree, so they count toward the depth limit too.
      if (auto st = CheckDepth(depth + (++chain), pos); !st) return st.error();
      auto acc = std::make_unique<Node>();
      acc->position = pos;
      acc->null_safe = null_safe;
      if (tok_.kind == K::kDot) {
        RUNNEL_TRY(name, lexer_.NextMemberName());
        acc->kind = Node::Kind::kMember;
        acc->name = std::move(name.text);
        acc->children.push_back(std::move(node));
        if (auto st = Advance(); !st) return st.error();
      } else {
        int open = tok_.position;
        if (auto st = Advance(); !st) return st.error();
        RUNNEL_TRY(index, Expr(depth + chain + 1));
        if (tok_.kind != K::kRBracket) {
          return Error(errc::kSyntax, "expected ']' to close the '[' at position " +
                                          std::to_string(open) + ", found " + Describe(tok_),
                       tok_.position);
        }
        if (auto st = Advance(); !st) return st.error();
        acc->kind = Node::Kind::kIndex;
        acc->children.push_back(std::move(node));
        acc->children.push_back(std::move(index));
      }
      node = std::move(acc);
    }
    return node;
  }

  Result<NodePtr> Primary(int depth) {
    auto node = std::make_unique<Node>();
    node->position = tok_.position;
    switch (tok_.kind) {
      case K::kString:
        node->literal = boost::json::string(tok_.text);
        break;
      case K::kInteger: {
        int64_t v = 0;
        const char* b = tok_.text.data() + (tok_.text[0] == '+' ? 1 : 0);
        auto r = std::from_chars(b, tok_.text.data() + tok_.text.size(), v);
        if (r.ec == std::errc()) {
          node->literal = v;
        } else {
          node->literal = std::strtod(tok_.text.c_str(), nullptr);  // beyond int64: a float
        }
        break;
      }
      case K::kFloat:
        node->literal = std::strtod(tok_.text.c_str(), nullptr);
        break;
      case K::kIdent:
        return NameOrCall(std::move(node), depth);
      case K::kLBracket:
      case K::kLParen:
        return Error(errc::kSyntax,
                     tok_.kind == K::kLBracket
                         ? "array literals are not supported; build arrays with createArray(...)"
                         : "parentheses can only follow a function name",
                     tok_.position);
      default:
        return Error(errc::kSyntax, "expected a value or a function call, found " + Describe(tok_),
                     tok_.position);
    }
    if (auto st = Advance(); !st) return st.error();
    return node;
  }

  Result<NodePtr> NameOrCall(NodePtr node, int depth) {
    std::string name = std::move(tok_.text);
    int name_pos = tok_.position;
    if (auto st = Advance(); !st) return st.error();
    if (tok_.kind != K::kLParen) {
      if (name == "true" || name == "false") {
        node->literal = (name == "true");
        return node;
      }
      if (name == "null") return node;  // literal null
      return Error(errc::kSyntax, "'" + name + "' is not a value; call a function with " + name +
                                      "(...) or quote text as '" + name + "'",
                   name_pos);
    }
    const FunctionDef* fn = FindFunction(name);
    if (!fn) {
      return Error(errc::kUnknownFunction, "there is no function named '" + name +
                                               "'; see docs/functions.md for the list",
                   name_pos);
    }
    node->kind = Node::Kind::kCall;
    node->function = fn;
    if (auto st = Advance(); !st) return st.error();  // '('
    if (tok_.kind != K::kRParen) {
      for (;;) {
        RUNNEL_TRY(arg, Expr(depth + 1));
        node->children.push_back(std::move(arg));
        if (tok_.kind == K::kComma) {
          if (auto st = Advance(); !st) return st.error();
          continue;
        }
        if (tok_.kind == K::kRParen) break;
        return Error(errc::kSyntax, "expected ',' or ')' in the call to " + std::string(fn->name) +
                                        "(), found " + Describe(tok_),
                     tok_.position);
      }
    }
    if (auto st = Advance(); !st) return st.error();  // ')'
    int n = static_cast<int>(node->children.size());
    if (n < fn->min_args || (fn->max_args != kVariadic && n > fn->max_args)) {
      std::string expected = fn->min_args == fn->max_args
                                 ? std::to_string(fn->min_args)
                                 : (fn->max_args == kVariadic
                                        ? "at least " + std::to_string(fn->min_args)
                                        : std::to_string(fn->min_args) + " to " +
                                              std::to_string(fn->max_args));
      bool singular = fn->min_args == 1 && (fn->max_args == 1 || fn->max_args == kVariadic);
      return Error(errc::kArity, std::string(fn->name) + "() takes " + expected + " argument" +
                                     (singular ? "" : "s") + ", got " + std::to_string(n),
                   name_pos);
    }
    return node;
  }

  std::string_view src_;
  Lexer lexer_;
  const Limits& limits_;
  Token tok_;
};

}  // namespace

Result<NodePtr> Parse(std::string_view source, size_t start, ParseMode mode, const Limits& limits,
                      size_t* end) {
  auto too_long = [&](size_t chars) {
    return Error(errc::kLimit, "the expression is " + std::to_string(chars) +
                                   " characters long; the limit is " +
                                   std::to_string(limits.max_expression_chars),
                 static_cast<int>(start));
  };
  start = std::min(start, source.size());
  if (mode == ParseMode::kWhole && source.size() - start > limits.max_expression_chars) {
    return too_long(source.size() - start);
  }
  size_t stop = 0;
  Parser p(source, start, limits);
  RUNNEL_TRY(root, p.Run(mode, &stop));
  if (stop - start > limits.max_expression_chars) return too_long(stop - start);
  if (end) *end = stop;
  return root;
}

}  // namespace runnel::expr
