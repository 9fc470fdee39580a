#include "server/webhook_triggers.h"

#include "connectors/http/http_request_builder.h"
#include "connectors/http/http_webhook_action.h"
#include "connectors/http/send_once.h"
#include "connectors/http/status_codes.h"
#include "engine/trigger_firing.h"
#include "json/lookup.h"
#include "json/parse.h"
#include "json/serialize.h"

namespace runnel::server {
namespace bj = boost::json;

namespace {

// A service that does not answer a subscribe within this long is taken as refusing it.
constexpr int64_t kCallTimeoutMicros = 30'000'000;

std::string Describe(const Result<connectors::HttpResponse>& answer) {
  if (!answer) return answer.error().message;
  std::string text = "the service answered " + std::to_string(answer.value().status) + " (" +
                     std::string(connectors::StatusPhrase(answer.value().status)) + ")";
  if (!answer.value().body.empty()) text += ": " + answer.value().body.substr(0, 200);
  return text;
}

bool Accepted(const Result<connectors::HttpResponse>& answer) {
  return answer && answer.value().status >= 200 && answer.value().status <= 299;
}

}  // namespace

WebhookTriggers::WebhookTriggers(store::Store& store, std::shared_ptr<connectors::HttpClient> http,
                                 std::shared_ptr<const connectors::HttpActionOptions> options, std::string public_url,
                                 const Clock& clock)
    : store_(store),
      http_(std::move(http)),
      options_(std::move(options)),
      public_url_(std::move(public_url)),
      clock_(clock) {
  worker_ = std::thread([this] { Work(); });
}

WebhookTriggers::~WebhookTriggers() { Stop(); }

void WebhookTriggers::Refresh(const std::string& name, std::shared_ptr<const DeployedFlow> flow) {
  std::lock_guard lock(mu_);
  if (stopping_) return;
  jobs_.push_back({name, std::move(flow)});
  changed_.notify_all();
}

void WebhookTriggers::Drain() {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [this] { return (jobs_.empty() && !busy_) || stopping_; });
}

void WebhookTriggers::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !worker_.joinable()) return;
    stopping_ = true;
    jobs_.clear();
    changed_.notify_all();
    if (pending_) {
      std::lock_guard call_lock(pending_->mu);
      pending_->abandoned = true;
      pending_->done.notify_all();
    }
  }
  if (worker_.joinable()) worker_.join();
}

void WebhookTriggers::Work() {
  std::unique_lock lock(mu_);
  while (true) {
    changed_.wait(lock, [this] { return !jobs_.empty() || stopping_; });
    if (stopping_) return;
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    busy_ = true;
    lock.unlock();
    Apply(job);
    lock.lock();
    busy_ = false;
    changed_.notify_all();
  }
}

void WebhookTriggers::Apply(const Job& job) {
  auto standing = store_.ReadAndWait<Result<std::vector<store::WebhookSubscription>>>(
      [&](store::ReadView& v) { return v.ListWebhookSubscriptions(job.name); });
  if (!standing) {
    std::fprintf(stderr, "runnel: cannot read the webhook subscriptions of %s: %s\n", job.name.c_str(),
                 standing.error().message.c_str());
    return;
  }
  // What should stand: each HttpWebhook trigger of the enabled current version, at its URL.
  std::vector<std::pair<const TriggerSettings*, std::string>> wanted;
  if (job.flow && job.flow->enabled) {
    for (const TriggerSettings& t : job.flow->triggers) {
      if (t.type == flow::TriggerType::kHttpWebhook) wanted.emplace_back(&t, TriggerInvokeUrl(public_url_, *job.flow, t));
    }
  }
  auto in_place = [&](const store::WebhookSubscription& s) {
    for (const auto& [t, url] : wanted) {
      if (json::EqualsIgnoreCase(t->name, s.trigger) && s.version == job.flow->version && s.url == url) return true;
    }
    return false;
  };

  // End what no longer stands, before anything new is subscribed.
  for (const store::WebhookSubscription& s : standing.value()) {
    if (in_place(s)) continue;
    if (!s.unsubscribe.empty()) {
      auto request = json::Parse(s.unsubscribe);
      auto answer = request ? Call(request.value()) : Result<connectors::HttpResponse>(request.error());
      if (stopping_) return;
      Record(s.flow, s.trigger, Accepted(answer) ? "Unsubscribed" : "Rejected",
             Accepted(answer) ? "version " + std::to_string(s.version) + " unsubscribed"
                              : "the unsubscribe of version " + std::to_string(s.version) + " failed: " + Describe(answer));
    }
    (void)store_.WriteAndWait([&](store::Transaction& tx) { return tx.DeleteWebhookSubscription(s.flow, s.trigger); });
  }

  for (const auto& [t, url] : wanted) {
    bool exists = false;
    for (const store::WebhookSubscription& s : standing.value()) exists = exists || (in_place(s) && json::EqualsIgnoreCase(s.trigger, t->name));
    if (exists) continue;
    auto inputs = engine::EvaluateTriggerInputs(job.flow->plan->definition(), *t->trigger, clock_.NowMicros(), {}, &url);
    if (!inputs || !inputs.value().is_object()) {
      Record(job.flow->name, t->name, "Rejected",
             "the trigger's inputs cannot be evaluated: " + (inputs ? std::string("they are not an object") : inputs.error().message));
      continue;
    }
    bj::object& in = inputs.value().get_object();
    const bj::value* subscribe = json::FindMember(in, "subscribe");
    auto answer = subscribe ? Call(*subscribe) : Result<connectors::HttpResponse>(Error("InvalidTrigger", "no subscribe"));
    if (stopping_) return;
    if (!Accepted(answer)) {
      Record(job.flow->name, t->name, "Rejected", "the subscribe failed: " + Describe(answer));
      continue;
    }
    store::WebhookSubscription s{job.flow->name, t->name, job.flow->version, url, ""};
    if (bj::value* unsubscribe = json::FindMember(in, "unsubscribe"); unsubscribe && unsubscribe->is_object()) {
      connectors::AcceptUrlAsUri(*unsubscribe);
      s.unsubscribe = json::Serialize(*unsubscribe);
    }
    Status saved = store_.WriteAndWait([&](store::Transaction& tx) { return tx.PutWebhookSubscription(s); });
    Record(job.flow->name, t->name, saved ? "Subscribed" : "Rejected",
           saved ? "version " + std::to_string(job.flow->version) + " subscribed"
                 : "subscribed, but the subscription could not be stored: " + saved.error().message);
  }
}

Result<connectors::HttpResponse> WebhookTriggers::Call(const boost::json::value& inputs) {
  connectors::RequestExtras extras;
  extras.timeout_micros = kCallTimeoutMicros;
  extras.default_headers = {{"User-Agent", options_->user_agent}};
  auto call = std::make_shared<PendingCall>();  // shared with the callback, which may come late
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Error(connectors::http_errc::kCancelled, "the server is stopping");
    pending_ = call;
  }
  connectors::SendOnce(http_, options_, inputs, extras, clock_.NowMicros(), [call](Result<connectors::HttpResponse> r) {
    std::lock_guard lock(call->mu);
    call->answer = std::move(r);
    call->done.notify_all();
  });
  std::unique_lock lock(call->mu);
  call->done.wait(lock, [&] { return call->answer.has_value() || call->abandoned; });
  if (!call->answer) return Error(connectors::http_errc::kCancelled, "the server is stopping");
  return std::move(*call->answer);
}

void WebhookTriggers::Record(const std::string& flow, const std::string& trigger, const std::string& outcome,
                             const std::string& reason) {
  store::TriggerEvent e;
  e.flow = flow;
  e.trigger = trigger;
  e.time_micros = clock_.NowMicros();
  e.outcome = outcome;
  e.reason = reason;
  (void)store_.WriteAndWait([&](store::Transaction& tx) { return tx.AddTriggerEvent(e); });
}

}  // namespace runnel::server
