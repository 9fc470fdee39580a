// CurlHttpClient: the production HttpClient, on libcurl's multi interface.
//
// One background thread drives every transfer with curl_multi_poll(); Send() and Cancel() only
// queue work and wake that thread (curl_multi_wakeup), so they never block on the network and
// are safe from any thread. Why one thread and not a pool of blocking curl_easy_perform()
// workers: a pool caps concurrency at its size (a Foreach of 20 slow calls would queue behind
// each other) and cannot abort a blocked transfer cleanly; the multi interface runs thousands of
// transfers on one thread, and cancelling is just removing the handle. The callbacks run on
// that thread, so they must be quick (the Http action only posts to the run's scheduler).
//
// Transport choices: TLS peers are verified (libcurl's defaults and CA bundle, or the options'
// bundle); a request's client certificate (ClientCertificate authentication) is handed to
// libcurl as a PKCS#12 blob, never written to disk; proxies come
// from the usual environment variables (http_proxy, https_proxy, no_proxy); only http and https
// are allowed, also for redirects; Expect: 100-continue is never sent; bodies are not
// decompressed (no Accept-Encoding is added), so the action sees the bytes the server sent.
//
// Lifecycle: construct, Send() any number of times, destroy. The destructor cancels what is
// still in flight — each such callback gets http_errc::kCancelled — and joins the thread, so
// whatever the callbacks post to must still exist when the client is destroyed. (Destroyed from
// inside one of its own callbacks, it cannot join: the thread then winds down on its own.)
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "connectors/http/http_client.h"

namespace runnel::connectors {

struct CurlHttpClientOptions {
  // Responses with a larger body fail with http_errc::kResponseTooLarge (§17: an action's
  // output is at most 104,857,600 bytes).
  int64_t max_response_bytes = 104'857'600;
  int max_redirects = 10;
  // A PEM file of CA certificates to verify TLS peers with instead of the system bundle (a
  // private CA's services); empty for libcurl's default bundle.
  std::string ca_bundle_file;
};

class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(CurlHttpClientOptions options = {});
  ~CurlHttpClient() override;
  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  HttpRequestId Send(HttpRequest request, HttpCallback done) override;
  void Cancel(HttpRequestId id) override;

 private:
  struct State;  // curl types stay in the .cpp
  std::shared_ptr<State> state_;  // shared with the transfer thread
};

}  // namespace runnel::connectors
