#include "connectors/http/http_client.h"

#include "json/lookup.h"

namespace runnel::connectors {

bool IsRetryableTransportError(std::string_view code) {
  return code == http_errc::kConnectFailed || code == http_errc::kTimeout ||
         code == http_errc::kTlsFailed || code == http_errc::kTransferFailed;
}

const std::string* FindHeader(const HttpHeaders& headers, std::string_view name) {
  for (const HttpHeader& h : headers) {
    if (json::EqualsIgnoreCase(h.name, name)) return &h.value;
  }
  return nullptr;
}

}  // namespace runnel::connectors
