// ApiConnection, ApiConnectionWebhook, OpenApiConnection and OpenApiConnectionWebhook: calls
// through Microsoft-managed connectors. Runnel resolves connectors through configured
// connections; with none configured the action fails with an error that names the connector
// and the operation, so a flow's author knows exactly what is missing.
#include "engine/actions/builtin.h"
#include "json/lookup.h"

namespace runnel::engine {
namespace bj = boost::json;

namespace {

std::string StringAt(const bj::value* v, std::initializer_list<std::string_view> path) {
  for (std::string_view key : path) {
    if (!v || !v->is_object()) return {};
    v = json::FindMember(v->get_object(), key);
  }
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// "@parameters('$connections')['office365']['connectionId']" -> "office365";
// "/providers/Microsoft.PowerApps/apis/shared_office365" -> "shared_office365".
std::string ConnectorName(const bj::value* inputs) {
  std::string api_id = StringAt(inputs, {"host", "apiId"});
  if (!api_id.empty()) return api_id.substr(api_id.rfind('/') + 1);
  std::string name = StringAt(inputs, {"host", "connection", "name"});
  if (name.empty()) name = StringAt(inputs, {"host", "connectionName"});
  // The connection reference names the connector right after $connections.
  size_t at = name.find("$connections");
  if (at != std::string::npos) {
    size_t open = name.find("['", at);
    size_t close = open == std::string::npos ? open : name.find('\'', open + 2);
    if (close != std::string::npos) return name.substr(open + 2, close - open - 2);
  }
  return name.empty() ? "unknown" : name;
}

}  // namespace

void ManagedConnectorHandler::Execute(std::shared_ptr<ActionCall> call) {
  const flow::Action& a = call->action();
  const bj::value* inputs = a.json && a.json->is_object() ? json::FindMember(a.json->get_object(), "inputs") : nullptr;
  std::string connector = ConnectorName(inputs);
  std::string operation = StringAt(inputs, {"host", "operationId"});
  if (operation.empty()) {
    std::string method = StringAt(inputs, {"method"});
    std::string path = StringAt(inputs, {"path"});
    operation = method.empty() && path.empty() ? "unknown" : method + " " + path;
  }
  call->Complete(ActionResult::Failed(
      Error("NoConnectionConfigured", "no connection configured for connector '" + connector +
                                          "' (operation '" + operation + "'); managed connectors "
                                          "run only through connections configured in Runnel")));
}

}  // namespace runnel::engine
