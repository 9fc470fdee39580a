#include "engine/child_flows.h"

#include <openssl/sha.h>

#include "engine/run.h"

namespace runnel::engine {

std::string ChildRunId(std::string_view parent_run_id, std::string_view action_key) {
  std::string text;
  text.reserve(parent_run_id.size() + 1 + action_key.size());
  text.append(parent_run_id).append("/").append(action_key);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  // The same shape as NewRunId: 16 hex digits of time (the parent's), 12 of identity.
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(parent_run_id.substr(0, 16));
  id.resize(16, '0');
  for (int i = 0; i < 6; ++i) {
    id += kHex[digest[i] >> 4];
    id += kHex[digest[i] & 15];
  }
  return id;
}

std::function<void()> ChildFlows::Launch(ChildCall call) {
  RunOptions options;
  options.run_id = call.run_id;
  options.flow_name = call.child.name;
  options.call_depth = call.call_depth;
  options.causal_hops = call.causal_hops;
  options.client_tracking_id = call.client_tracking_id;
  options.on_response = call.on_response;
  auto run = Run::Create(call.child.plan, *call.handlers, *call.scheduler, std::move(options));
  run->Start(std::move(call.trigger_record),
             [on_ended = std::move(call.on_ended)](RunResult result) { on_ended(result.status, ""); });
  return [run] { run->Cancel(); };
}

}  // namespace runnel::engine
