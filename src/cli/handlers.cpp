#include "cli/handlers.h"

#include "connectors/http/curl_http_client.h"
#include "connectors/http/http_action.h"
#include "connectors/http/http_webhook_action.h"
#include "connectors/http/oauth_token.h"
#include "engine/actions/workflow.h"
#include "engine/directory_child_flows.h"

namespace runnel::cli {

std::unique_ptr<engine::HandlerRegistry> MakeLocalHandlers(engine::LocalLoop& loop, const std::string& directory,
                                                           const flow::BuildOptions& build) {
  auto registry = std::make_unique<engine::HandlerRegistry>();
  engine::RegisterBuiltinHandlers(*registry);
  auto children = std::make_shared<engine::DirectoryChildFlows>(directory, build);
  registry->Register(flow::ActionType::kWorkflow, std::make_shared<engine::WorkflowHandler>(*registry, children));
  connectors::HttpActionOptions http;
  http.token_cache = std::make_shared<connectors::OAuthTokenCache>();  // shared by Http and HttpWebhook
  http.begin_external = [&loop] { loop.BeginExternal(); };
  http.end_external = [&loop] { loop.EndExternal(); };
  auto client = std::make_shared<connectors::CurlHttpClient>();
  connectors::RegisterHttpHandlers(*registry, client, http);
  // No endpoint receives callbacks here: HttpWebhook actions fail and say to mock them.
  registry->Register(flow::ActionType::kHttpWebhook,
                     std::make_shared<connectors::HttpWebhookActionHandler>(client, nullptr, std::move(http)));
  return registry;
}

}  // namespace runnel::cli
