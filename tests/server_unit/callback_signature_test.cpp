// The signatures of the trigger URLs listCallbackUrl hands out are computed when a flow is
// deployed (deployed_flow.h), so a request carrying one is checked without an HMAC. They must be
// exactly what the keys sign, and follow a key change.
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "server/deployed_flow.h"
#include "server/signing.h"
#include "reference_hmac.h"

namespace runnel::server {
namespace {

std::shared_ptr<const DeployedFlow> Deploy(const std::string& primary, const std::string& secondary) {
  DeployInput in;
  in.name = "orders";
  in.document = R"json({"definition": {
    "triggers": {"manual": {"type": "Request", "kind": "Http"}},
    "actions": {"Respond": {"type": "Response", "kind": "Http", "inputs": {"statusCode": 200}}}}})json";
  in.primary_key = primary;
  in.secondary_key = secondary;
  auto built = BuildDeployedFlow(in, flow::BuildOptions{});
  auto* flow = std::get_if<std::shared_ptr<const DeployedFlow>>(&built);
  return flow ? *flow : nullptr;
}

TEST(CallbackSignature, IsTheHmacOfTheCallbackUrlWithEachKey) {
  auto flow = Deploy("first-key", "second-key");
  ASSERT_NE(flow, nullptr);
  const TriggerSettings* t = flow->FindTrigger("manual");
  ASSERT_NE(t, nullptr);
  std::string text = "orders/manual\n/triggers/manual/run\n1.0";
  EXPECT_EQ(SignedText("orders", "manual", CallbackSp("manual"), kCallbackSv), text);
  EXPECT_EQ(t->callback_sig_primary, OneShotHmac("first-key", text));
  EXPECT_EQ(t->callback_sig_secondary, OneShotHmac("second-key", text));
}

TEST(CallbackSignature, FollowsAKeyChangeAndKeepsTheOtherKeys) {
  auto flow = Deploy("first-key", "second-key");
  ASSERT_NE(flow, nullptr);
  auto renewed = WithState(*flow, /*enabled=*/true, "third-key", flow->secondary_key, /*modified_micros=*/1);
  const TriggerSettings* t = renewed->FindTrigger("manual");
  ASSERT_NE(t, nullptr);
  std::string text = "orders/manual\n/triggers/manual/run\n1.0";
  EXPECT_EQ(t->callback_sig_primary, OneShotHmac("third-key", text));
  EXPECT_EQ(t->callback_sig_secondary, flow->FindTrigger("manual")->callback_sig_secondary);
  // The old flow (still serving requests that began before the change) keeps its own.
  EXPECT_EQ(flow->FindTrigger("manual")->callback_sig_primary, OneShotHmac("first-key", text));
}

TEST(CallbackSignature, SameSignatureComparesWholeStrings) {
  EXPECT_TRUE(SameSignature("abc", "abc"));
  EXPECT_FALSE(SameSignature("abc", "abd"));
  EXPECT_FALSE(SameSignature("abc", "abcd"));
  EXPECT_FALSE(SameSignature("", "a"));
}

}  // namespace
}  // namespace runnel::server
