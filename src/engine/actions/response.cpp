// Response: answers the request that started the run (wdl-digest §5.4). 3xx codes are not
// allowed; a second Response fails.
#include <charconv>

#include "engine/actions/builtin.h"
#include "json/compare.h"

namespace runnel::engine {
namespace bj = boost::json;

void ResponseHandler::Execute(std::shared_ptr<ActionCall> call) {
  auto inputs = call->EvaluateInputs();
  if (!inputs) return call->Complete(ActionResult::Failed(inputs.error()));
  int64_t code = 200;
  if (const bj::value* sc = Input(inputs.value(), "statusCode"); sc && !sc->is_null()) {
    if (sc->is_int64()) {
      code = sc->get_int64();
    } else if (sc->is_string()) {
      std::string_view s = sc->get_string();
      auto r = std::from_chars(s.data(), s.data() + s.size(), code);
      if (r.ec != std::errc() || r.ptr != s.data() + s.size()) code = -1;
    } else {
      code = -1;
    }
  }
  if (code < 100 || code > 599 || (code >= 300 && code < 400)) {
    return call->Complete(ActionResult::Failed(
        Error("InvalidResponseStatusCode", "statusCode must be a 1xx, 2xx, 4xx or 5xx number; "
                                           "redirects (3xx) are not allowed")));
  }
  bj::object response(3);
  response["statusCode"] = code;
  // The evaluated inputs are this handler's own (the call keeps the recorded copy): their
  // headers and body move into the response.
  bj::value* headers = Input(inputs.value(), "headers");
  if (headers && !headers->is_null() && !headers->is_object()) {
    return call->Complete(ActionResult::Failed(Error("InvalidResponseHeaders", "headers must be an object")));
  }
  response["headers"] = headers && headers->is_object() ? std::move(*headers) : bj::value(bj::object());
  bj::value* body = Input(inputs.value(), "body");
  response["body"] = body ? std::move(*body) : bj::value(nullptr);
  if (auto st = call->run().SetResponse(std::move(response)); !st) {
    return call->Complete(ActionResult::Failed(st.error()));
  }
  call->Complete(ActionResult::Succeeded(nullptr));
}

}  // namespace runnel::engine
