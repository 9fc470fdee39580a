#include "connectors/http/pagination.h"

#include <boost/json/serialize.hpp>
#include <cmath>

#include "connectors/http/follow_up_request.h"
#include "json/lookup.h"

namespace runnel::connectors {
namespace bj = boost::json;

namespace {

constexpr std::string_view kLinkNames[] = {"@odata.nextLink", "nextLink"};

Error InvalidPolicy(const std::string& what, int64_t max_items) {
  return Error("InvalidPaginationPolicy", "runtimeConfiguration.paginationPolicy" + what +
                                              "; minimumItemCount must be an integer from 1 to " +
                                              std::to_string(max_items));
}

// The page's `value` array, or nullptr when the body is not a page.
bj::array* PageItems(bj::value& body) {
  if (!body.is_object()) return nullptr;
  bj::value* v = json::FindMember(body.get_object(), "value");
  return v && v->is_array() ? &v->get_array() : nullptr;
}

// The page's next link member: its name (as written) and value; {"", nullptr} when absent or null.
std::pair<std::string, const bj::value*> PageLink(const bj::object& page) {
  for (std::string_view name : kLinkNames) {
    for (const auto& kv : page) {
      if (json::EqualsIgnoreCase(kv.key(), name)) {
        if (kv.value().is_null()) return {std::string(kv.key()), nullptr};
        return {std::string(kv.key()), &kv.value()};
      }
    }
  }
  return {"", nullptr};
}

}  // namespace

Result<std::optional<PaginationPolicy>> ParsePaginationPolicy(const bj::value* runtime_configuration,
                                                              int64_t max_items) {
  if (!runtime_configuration || !runtime_configuration->is_object()) return std::optional<PaginationPolicy>();
  const bj::value* policy = json::FindMember(runtime_configuration->get_object(), "paginationPolicy");
  if (!policy || policy->is_null()) return std::optional<PaginationPolicy>();
  if (!policy->is_object()) return InvalidPolicy(" must be an object with minimumItemCount", max_items);
  const bj::value* count = json::FindMember(policy->get_object(), "minimumItemCount");
  if (!count || count->is_null()) return InvalidPolicy(".minimumItemCount is missing", max_items);
  std::optional<int64_t> n;
  if (count->is_int64()) {
    n = count->get_int64();
  } else if (count->is_uint64()) {
    n = count->get_uint64() > static_cast<uint64_t>(max_items) ? max_items + 1 : static_cast<int64_t>(count->get_uint64());
  } else if (count->is_double() && std::trunc(count->get_double()) == count->get_double() &&
             std::abs(count->get_double()) < 1e15) {
    n = static_cast<int64_t>(count->get_double());
  }
  if (!n) return InvalidPolicy(".minimumItemCount is not an integer", max_items);
  if (*n < 1 || *n > max_items) {
    return InvalidPolicy(".minimumItemCount is " + std::to_string(*n), max_items);
  }
  return std::optional<PaginationPolicy>(PaginationPolicy{*n});
}

void PageCollector::SetLink(const bj::value* link) {
  link_is_string_ = link && link->is_string();
  if (!link) {
    link_.reset();
  } else if (link_is_string_) {
    link_ = std::string(link->get_string());
  } else {
    link_ = bj::serialize(*link);  // for the error message: a link must be a string
  }
}

bool PageCollector::Begin(bj::value& body, const std::string& url, size_t body_bytes) {
  bj::array* items = PageItems(body);
  if (!items) return false;
  items_ = std::move(*items);
  first_ = std::move(body);
  auto [name, link] = PageLink(first_.get_object());
  link_name_ = name.empty() ? "nextLink" : name;
  SetLink(link);
  page_url_ = url;
  visited_.insert(url);
  pages_ = 1;
  body_bytes_ = static_cast<int64_t>(body_bytes);
  return true;
}

Result<std::optional<std::string>> PageCollector::Next() {
  if (items() >= policy_.minimum_item_count || !link_) return std::optional<std::string>();
  auto url = link_is_string_ ? ResolveHttpUrl(page_url_, *link_) : std::nullopt;
  if (!url) {
    return Error("InvalidNextLink", "page " + std::to_string(pages_) + "'s " + link_name_ + " '" + *link_ +
                                        "' is not an http or https URL; the response cannot be paginated "
                                        "(remove runtimeConfiguration.paginationPolicy to take the first page)");
  }
  if (visited_.contains(*url)) {
    return Error("InvalidNextLink", "page " + std::to_string(pages_) + "'s " + link_name_ + " '" + *link_ +
                                        "' leads back to a page already fetched; the server's pages form a loop");
  }
  if (pages_ >= limits_.max_pages) {
    return Error("PaginationLimitExceeded", "fetched " + std::to_string(pages_) + " pages (" +
                                                std::to_string(items()) + " items) without reaching minimumItemCount " +
                                                std::to_string(policy_.minimum_item_count) +
                                                "; the limit is " + std::to_string(limits_.max_pages) + " pages");
  }
  page_url_ = *url;
  visited_.insert(*url);
  return std::optional<std::string>(std::move(*url));
}

Status PageCollector::Add(const bj::value& body, size_t body_bytes) {
  ++pages_;
  body_bytes_ += static_cast<int64_t>(body_bytes);
  if (body_bytes_ > limits_.max_body_bytes) {
    return Error("PaginationLimitExceeded", "the pages' bodies add up to more than " +
                                                std::to_string(limits_.max_body_bytes) + " bytes after " +
                                                std::to_string(pages_) + " pages; lower minimumItemCount");
  }
  const bj::value* items = nullptr;
  if (body.is_object()) items = json::FindMember(body.get_object(), "value");
  if (!items || !items->is_array()) {
    return Error("InvalidPage", "page " + std::to_string(pages_) + " (" + page_url_ +
                                    ") is not a JSON object with a 'value' array; the response cannot be paginated");
  }
  for (const bj::value& item : items->get_array()) items_.push_back(item);
  auto [name, link] = PageLink(body.get_object());
  SetLink(link);
  return Ok();
}

bj::value PageCollector::Finish() {
  // Rebuilt rather than erased in place: object::erase would reorder the members.
  bj::object out(first_.get_object().storage());
  for (auto& kv : first_.get_object()) {
    bool is_link = false;
    for (std::string_view name : kLinkNames) is_link |= json::EqualsIgnoreCase(kv.key(), name);
    if (is_link) continue;
    if (json::EqualsIgnoreCase(kv.key(), "value") && kv.value().is_array()) {
      out[kv.key()] = std::move(items_);
    } else {
      out[kv.key()] = std::move(kv.value());
    }
  }
  // Absolute: a relative link was relative to the last page's URL, not to the first's.
  if (link_ && link_is_string_) out[link_name_] = ResolveHttpUrl(page_url_, *link_).value_or(*link_);
  return out;
}

}  // namespace runnel::connectors
