// Pagination of the Http action (runtimeConfiguration.paginationPolicy.minimumItemCount,
// wdl-digest §5.2 and the Logic Apps pagination page): a response whose JSON body holds a `value`
// array and a next-page link (`nextLink` or `@odata.nextLink`) is followed with GETs until at
// least minimumItemCount items were collected or no link remains. Pages are whole: the result
// may hold more items than the minimum, as in the hosted engine.
//
// The action's body is the first page's body with `value` holding every collected item, in
// order. Its link member (same name as on the first page) then holds the absolute URL of the
// first page that was NOT fetched, when the minimum was reached before the data ran out, so a
// flow can go on from there; when the last page had no link, the member is removed.
//
// Pure: the Http action (http_action.cpp) sends the page requests and feeds the bodies in.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "base/result.h"

namespace runnel::connectors {

struct PaginationPolicy {
  int64_t minimum_item_count = 0;
};

// Reads runtimeConfiguration.paginationPolicy (`runtime_configuration` may be nullptr). nullopt
// when there is no paginationPolicy. Fails with InvalidPaginationPolicy, naming the property and
// the accepted range, when paginationPolicy is not an object or minimumItemCount is not an
// integer in 1..max_items.
Result<std::optional<PaginationPolicy>> ParsePaginationPolicy(const boost::json::value* runtime_configuration,
                                                              int64_t max_items);

struct PaginationLimits {
  int64_t max_pages = 10'000;
  int64_t max_body_bytes = 104'857'600;
};

// Collects the pages of one response. Use: Begin(first body) → while Next() gives a URL, fetch
// it and Add() its body → Finish().
class PageCollector {
 public:
  PageCollector(PaginationPolicy policy, PaginationLimits limits) : policy_(policy), limits_(limits) {}

  // Takes the first page's body (the action's parsed response body; moved from only when this
  // returns true) and the URL it came from. False when the body is not a page (not an object
  // with a `value` array): nothing to follow, the response is the result as it is.
  bool Begin(boost::json::value& body, const std::string& url, size_t body_bytes);

  // The absolute URL of the next page to fetch, or nullopt when enough items were collected or
  // the last page had no link. A relative link resolves against the URL of the page it came from.
  // Fails with InvalidNextLink when the link is not a string holding an http or https URL or
  // leads back to a page already fetched, and with PaginationLimitExceeded past the page limit.
  Result<std::optional<std::string>> Next();

  // Adds the body of the page Next() pointed to. Fails with InvalidPage when it is not an object
  // with a `value` array, and with PaginationLimitExceeded past the byte limit.
  Status Add(const boost::json::value& body, size_t body_bytes);

  // The merged body (see the file comment). REQUIRES: Begin() returned true.
  boost::json::value Finish();

  int64_t items() const { return static_cast<int64_t>(items_.size()); }
  int64_t pages() const { return pages_; }

 private:
  void SetLink(const boost::json::value* link);

  PaginationPolicy policy_;
  PaginationLimits limits_;
  boost::json::value first_;    // the first page's body, `value` moved out
  boost::json::array items_;    // every item so far
  std::string link_name_;       // the first page's link member name ("nextLink" by default)
  std::optional<std::string> link_;  // the last page's link, as written
  bool link_is_string_ = false;      // a link that is not a string fails Next()
  std::string page_url_;        // the URL of the last page (relative links resolve against it)
  std::set<std::string> visited_;
  int64_t pages_ = 0;
  int64_t body_bytes_ = 0;
};

}  // namespace runnel::connectors
