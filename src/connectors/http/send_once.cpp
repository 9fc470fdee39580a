#include "connectors/http/send_once.h"

#include "connectors/http/client_certificate.h"
#include "connectors/http/oauth_token.h"

namespace runnel::connectors {

void SendOnce(std::shared_ptr<HttpClient> client, std::shared_ptr<const HttpActionOptions> options,
              const boost::json::value& inputs, const RequestExtras& extras, int64_t now_micros, HttpCallback done) {
  std::optional<OAuthSettings> oauth;
  auto request = BuildHttpRequest(inputs, extras, &oauth);
  if (!request) return done(request.error());
  if (!oauth) {
    client->Send(std::move(request).value(), std::move(done));
    return;
  }
  std::string key = oauth->CacheKey();
  if (auto token = options->token_cache->Find(key, now_micros)) {
    request.value().headers.push_back({"Authorization", "Bearer " + *token});
    client->Send(std::move(request).value(), std::move(done));
    return;
  }
  std::string assertion;
  if (oauth->certificate) {
    auto signed_assertion =
        SignClientAssertion(*oauth->certificate, oauth->client_id, oauth->TokenUrl(), NewJwtId(), now_micros);
    if (!signed_assertion) return done(signed_assertion.error());
    assertion = std::move(signed_assertion).value();
  }
  HttpRequest token_request = OAuthTokenRequest(*oauth, assertion, options->request_timeout_micros, options->user_agent);
  struct Pending {
    OAuthSettings settings;
    std::string key;
    HttpRequest request;
    HttpCallback done;
  };
  auto pending = std::make_shared<Pending>(Pending{std::move(*oauth), std::move(key), std::move(request).value(),
                                                   std::move(done)});
  client->Send(std::move(token_request), [client, options, pending, now_micros](Result<HttpResponse> answer) {
    auto token = ReadOAuthTokenResponse(pending->settings, answer);
    if (!token) return pending->done(token.error());
    if (token.value().expires_in_seconds) {
      int64_t refresh_at =
          now_micros + *token.value().expires_in_seconds * 1'000'000 - options->token_refresh_margin_micros;
      if (refresh_at > now_micros) options->token_cache->Store(pending->key, token.value().access_token, refresh_at, now_micros);
    }
    pending->request.headers.push_back({"Authorization", "Bearer " + token.value().access_token});
    client->Send(std::move(pending->request), std::move(pending->done));
  });
}

}  // namespace runnel::connectors
