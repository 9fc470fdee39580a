#include "connectors/http/http_action_options.h"

#include <mutex>
#include <random>

#include "connectors/http/oauth_token.h"

namespace runnel::connectors {

namespace {

std::function<double()> DefaultRandom() {
  struct Source {
    std::mutex mu;
    std::mt19937_64 engine{std::random_device{}()};
  };
  auto source = std::make_shared<Source>();
  return [source] {
    std::lock_guard<std::mutex> lock(source->mu);
    return std::uniform_real_distribution<double>(0.0, 1.0)(source->engine);
  };
}

}  // namespace

std::shared_ptr<const HttpActionOptions> PrepareHttpActionOptions(HttpActionOptions options) {
  if (!options.random_unit) options.random_unit = DefaultRandom();
  if (!options.token_cache) options.token_cache = std::make_shared<OAuthTokenCache>();
  return std::make_shared<const HttpActionOptions>(std::move(options));
}

}  // namespace runnel::connectors
