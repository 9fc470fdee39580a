#include "tables/change_feed.h"

#include <boost/json.hpp>

#include "json/parse.h"
#include "json/serialize.h"

namespace runnel::tables {
namespace bj = boost::json;

namespace {

std::string Names(const std::vector<std::string>& names) {
  bj::array a;
  for (const auto& n : names) a.push_back(bj::string(n));
  return json::Serialize(a);
}

Result<std::vector<std::string>> ParseNames(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  RUNNEL_TRY(v, json::Parse(text));
  if (!v.is_array()) return Error("InvalidChangeRecord", "a column list of a change record is not an array");
  for (const auto& n : v.get_array()) {
    if (n.is_string()) out.emplace_back(n.get_string());
  }
  return out;
}

Result<bj::object> ParseImage(const std::string& text) {
  if (text.empty()) return bj::object();
  RUNNEL_TRY(v, json::Parse(text));
  if (!v.is_object()) return Error("InvalidChangeRecord", "a row image of a change record is not an object");
  return std::move(v.get_object());
}

}  // namespace

std::string_view ChangeMessageName(ChangeMessage message) {
  switch (message) {
    case ChangeMessage::kCreate: return "Create";
    case ChangeMessage::kUpdate: return "Update";
    case ChangeMessage::kDelete: return "Delete";
  }
  return "Update";
}

store::ChangeRecord EncodeChange(const Change& c) {
  store::ChangeRecord r;
  r.seq = c.seq;
  r.time_micros = c.time_micros;
  r.table = c.table;
  r.row_id = c.row_id;
  r.message = std::string(ChangeMessageName(c.message));
  if (c.message != ChangeMessage::kDelete) r.post_image = json::Serialize(c.post_image);
  if (c.message != ChangeMessage::kCreate) r.pre_image = json::Serialize(c.pre_image);
  r.columns_present = Names(c.columns_present);
  r.columns_changed = Names(c.columns_changed);
  r.origin_flow = c.context.origin_flow;
  r.run_id = c.context.run_id;
  r.hop_count = c.context.hop_count;
  r.suppress_callbacks = c.context.suppress_callbacks;
  return r;
}

Result<Change> DecodeChange(const store::ChangeRecord& r) {
  Change c;
  c.seq = r.seq;
  c.time_micros = r.time_micros;
  c.table = r.table;
  c.row_id = r.row_id;
  if (r.message == "Create") c.message = ChangeMessage::kCreate;
  else if (r.message == "Update") c.message = ChangeMessage::kUpdate;
  else if (r.message == "Delete") c.message = ChangeMessage::kDelete;
  else return Error("InvalidChangeRecord", "change " + std::to_string(r.seq) + " has an unknown message '" + r.message + "'");
  RUNNEL_TRY(post, ParseImage(r.post_image));
  RUNNEL_TRY(pre, ParseImage(r.pre_image));
  RUNNEL_TRY(present, ParseNames(r.columns_present));
  RUNNEL_TRY(changed, ParseNames(r.columns_changed));
  c.post_image = std::move(post);
  c.pre_image = std::move(pre);
  c.columns_present = std::move(present);
  c.columns_changed = std::move(changed);
  c.context = {r.origin_flow, r.run_id, static_cast<int>(r.hop_count), r.suppress_callbacks};
  return c;
}

Result<std::vector<Change>> ReadChanges(store::ReadView& view, int64_t after_seq, int limit, std::string_view table) {
  RUNNEL_TRY(records, view.ReadChanges(after_seq, limit, std::string(table)));
  std::vector<Change> out;
  out.reserve(records.size());
  for (const auto& r : records) {
    RUNNEL_TRY(c, DecodeChange(r));
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace runnel::tables
