// SendOnce: one request from Http-shaped inputs, sent outside any action call — a webhook
// action's unsubscribe after the action ended, a webhook trigger's subscribe and unsubscribe.
//
// Built as the Http action builds its request (http_request_builder.h), with every
// authentication type: an ActiveDirectoryOAuth token comes from the options' cache or from one
// token request. No retries and no 202 polling: the caller decides what a failure means.
#pragma once

#include <boost/json/fwd.hpp>
#include <memory>

#include "connectors/http/http_action_options.h"
#include "connectors/http/http_client.h"
#include "connectors/http/http_request_builder.h"

namespace runnel::connectors {

// `done` gets the answer (any status) or the error — invalid inputs, a failed token request, a
// transport failure — once, on the client's thread or (for invalid inputs) before SendOnce
// returns. REQUIRES: options from PrepareHttpActionOptions.
void SendOnce(std::shared_ptr<HttpClient> client, std::shared_ptr<const HttpActionOptions> options,
              const boost::json::value& inputs, const RequestExtras& extras, int64_t now_micros, HttpCallback done);

}  // namespace runnel::connectors
