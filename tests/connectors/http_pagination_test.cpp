// The Http action's pagination (runtimeConfiguration.paginationPolicy.minimumItemCount): pages
// followed through nextLink / @odata.nextLink until enough items or no link, merged into the
// first page's body; what pages carry; bad links, failing pages and the limits.
#include "http_flow_fixture.h"

namespace runnel::connectors::testing {
namespace {

const std::vector<std::pair<std::string, std::string>> kJson = {{"Content-Type", "application/json"}};

std::string Paginated(int minimum_item_count) {
  return R"("runtimeConfiguration": {"paginationPolicy": {"minimumItemCount": )" +
         std::to_string(minimum_item_count) + "}}";
}

class HttpPaginationTest : public HttpFlowTest {
 protected:
  // Three pages of two items: the first links absolutely with nextLink, the second relatively
  // with @odata.nextLink, the third has no link.
  void RouteThreePages() {
    server_.Route("/items", {{200, kJson, R"({"count": 6, "value": [1, 2], "nextLink": ")" +
                                              server_.Url("/items/p2?skip=2") + R"("})"}});
    server_.Route("/items/p2", {{200, kJson, R"({"value": [3, 4], "@odata.nextLink": "p3?skip=4"})"}});
    server_.Route("/items/p3", {{200, kJson, R"({"value": [5, 6]})"}});
  }
};

TEST_F(HttpPaginationTest, FollowsLinksUntilTheLastPage) {
  RouteThreePages();
  bj::value rec = RunHttp(R"({"method": "GET", "uri": "{{base}}/items", "headers": {"x-api-key": "k1"},
                              "authentication": {"type": "Raw", "value": "Bearer t0k"}})",
                          Paginated(100));
  const bj::value& http = Action(rec, "Http");
  ASSERT_EQ(http.at("status"), "Succeeded") << Text(http);
  EXPECT_EQ(http.at("outputs").at("statusCode"), 200);
  // The first page's body with every item and no link (the data ran out).
  EXPECT_EQ(http.at("outputs").at("body"), bj::parse(R"({"count": 6, "value": [1, 2, 3, 4, 5, 6]})"));
  EXPECT_EQ(http.at("attempts"), 1);

  auto p2 = server_.RequestsTo("/items/p2");
  auto p3 = server_.RequestsTo("/items/p3");
  ASSERT_EQ(p2.size(), 1u);
  ASSERT_EQ(p3.size(), 1u);
  EXPECT_EQ(p2[0].query, "skip=2");
  EXPECT_EQ(p3[0].query, "skip=4");  // resolved against page 2's URL
  // Same origin: the page is the same API and gets the same credentials and headers.
  for (const RecordedRequest& page : {p2[0], p3[0]}) {
    EXPECT_EQ(page.method, "GET");
    EXPECT_EQ(page.Header("Authorization"), "Bearer t0k");
    EXPECT_EQ(page.Header("x-api-key"), "k1");
    EXPECT_EQ(page.Header("x-ms-workflow-name"), "http_test");
  }
}

TEST_F(HttpPaginationTest, StopsOnceTheMinimumIsReached) {
  RouteThreePages();
  const bj::value http = Action(RunHttp(R"({"method": "GET", "uri": "{{base}}/items"})", Paginated(3)), "Http");
  ASSERT_EQ(http.at("status"), "Succeeded") << Text(http);
  // Whole pages: 4 items for a minimum of 3. The link (under the first page's name) names the
  // first page not fetched, made absolute: it was relative to page 2's URL.
  bj::object expected = bj::parse(R"({"count": 6, "value": [1, 2, 3, 4]})").as_object();
  expected["nextLink"] = server_.Url("/items/p3?skip=4");
  EXPECT_EQ(http.at("outputs").at("body"), bj::value(expected));
  EXPECT_EQ(server_.RequestsTo("/items/p2").size(), 1u);
  EXPECT_TRUE(server_.RequestsTo("/items/p3").empty());
}

TEST_F(HttpPaginationTest, FirstPageEnoughOrNotAPageMeansNoFurtherRequests) {
  RouteThreePages();
  server_.Route("/object", {{200, kJson, R"({"items": [1], "nextLink": "/object"})"}});
  bj::value rec = RunFlow(R"({
    "Enough": {"type": "Http", "runAfter": {}, "inputs": {"method": "GET", "uri": "{{base}}/items"},
               )" + Paginated(2) + R"(},
    "NotAPage": {"type": "Http", "runAfter": {}, "inputs": {"method": "GET", "uri": "{{base}}/object"},
                 )" + Paginated(10) + R"(}})");
  EXPECT_EQ(Action(rec, "Enough").at("outputs").at("body").at("value"), bj::parse("[1, 2]"));
  EXPECT_EQ(Action(rec, "Enough").at("outputs").at("body").at("nextLink"), bj::value(server_.Url("/items/p2?skip=2")));
  EXPECT_EQ(Action(rec, "NotAPage").at("status"), "Succeeded");
  EXPECT_EQ(Action(rec, "NotAPage").at("outputs").at("body").at("nextLink"), "/object");
  EXPECT_EQ(server_.RequestsTo("/object").size(), 1u);
  EXPECT_TRUE(server_.RequestsTo("/items/p2").empty());
}

TEST_F(HttpPaginationTest, WithoutAPolicyOnlyTheFirstPage) {
  RouteThreePages();
  const bj::value http = Action(RunHttp(R"({"method": "GET", "uri": "{{base}}/items"})"), "Http");
  EXPECT_EQ(http.at("outputs").at("body").at("value"), bj::parse("[1, 2]"));
  EXPECT_TRUE(server_.RequestsTo("/items/p2").empty());
}

TEST_F(HttpPaginationTest, PagesOnAnotherOriginGetNoCredentials) {
  TestHttpServer other;
  other.Route("/more", {{200, kJson, R"({"value": ["b"]})"}});
  server_.Route("/list", {{200, kJson, R"({"value": ["a"], "nextLink": ")" + other.Url("/more") + R"("})"}});
  const bj::value http = Action(RunHttp(R"({"method": "GET", "uri": "{{base}}/list", "headers": {"x-api-key": "k1"},
      "authentication": {"type": "Basic", "username": "u", "password": "p"}})", Paginated(5)), "Http");
  ASSERT_EQ(http.at("status"), "Succeeded") << Text(http);
  EXPECT_EQ(http.at("outputs").at("body").at("value"), bj::parse(R"(["a", "b"])"));
  auto more = other.RequestsTo("/more");
  ASSERT_EQ(more.size(), 1u);
  EXPECT_FALSE(more[0].HasHeader("Authorization"));
  EXPECT_FALSE(more[0].HasHeader("x-api-key"));
  EXPECT_EQ(more[0].Header("x-ms-workflow-operation-name"), "Http");
}

TEST_F(HttpPaginationTest, PageRequestsAreRetried) {
  server_.Route("/list", {{200, kJson, R"({"value": [1], "nextLink": "/list/2"})"}});
  server_.Route("/list/2", {{503, {{"Retry-After", "9"}}, ""}, {200, kJson, R"({"value": [2]})"}});
  const bj::value http = Action(RunHttp(R"({"method": "GET", "uri": "{{base}}/list",
      "retryPolicy": {"type": "fixed", "count": 2, "interval": "PT5S"}})", Paginated(5)), "Http");
  ASSERT_EQ(http.at("status"), "Succeeded") << Text(http);
  EXPECT_EQ(http.at("outputs").at("body").at("value"), bj::parse("[1, 2]"));
  EXPECT_EQ(http.at("attempts"), 2);  // 1 + the page's retry
  EXPECT_EQ(server_.RequestsTo("/list/2").size(), 2u);
  EXPECT_EQ(Elapsed(), 9 * kSecond);
}

TEST_F(HttpPaginationTest, AFailingPageFailsTheActionAndSaysWhich) {
  server_.Route("/list", {{200, kJson, R"({"value": [1], "nextLink": "/list/2"})"}});
  server_.Route("/list/2", {{404, kJson, R"({"error": "gone"})"}});
  const bj::value http = Action(RunHttp(R"({"method": "GET", "uri": "{{base}}/list"})", Paginated(5)), "Http");
  EXPECT_EQ(http.at("status"), "Failed");
  EXPECT_EQ(http.at("code"), "NotFound");
  EXPECT_EQ(http.at("outputs").at("body").at("error"), "gone");
  std::string message(http.at("error").at("message").as_string());
  EXPECT_NE(message.find("Page 2"), std::string::npos) << message;
  EXPECT_NE(message.find("/list/2"), std::string::npos) << message;
  EXPECT_NE(message.find("404"), std::string::npos) << message;
}

TEST_F(HttpPaginationTest, BadLinksFailClearly) {
  server_.Route("/ftp", {{200, kJson, R"({"value": [1], "nextLink": "ftp://files.example/next"})"}});
  server_.Route("/number", {{200, kJson, R"({"value": [1], "nextLink": 42})"}});
  server_.Route("/loop", {{200, kJson, R"({"value": [1], "nextLink": "/loop/2"})"}});
  server_.Route("/loop/2", {{200, kJson, R"({"value": [2], "nextLink": "/loop"})"}});
  server_.Route("/bad", {{200, kJson, R"({"value": [1], "nextLink": "/bad/2"})"}});
  server_.Route("/bad/2", {{200, kJson, R"({"items": [2]})"}});
  bj::value rec = RunFlow(R"({
    "Ftp": {"type": "Http", "runAfter": {}, "inputs": {"method": "GET", "uri": "{{base}}/ftp"}, )" + Paginated(5) + R"(},
    "Number": {"type": "Http", "runAfter": {}, "inputs": {"method": "GET", "uri": "{{base}}/number"}, )" + Paginated(5) + R"(},
    "Loop": {"type": "Http", "runAfter": {}, "inputs": {"method": "GET", "uri": "{{base}}/loop"}, )" + Paginated(5) + R"(},
    "Bad": {"type": "Http", "runAfter": {}, "inputs": {"method": "GET", "uri": "{{base}}/bad"}, )" + Paginated(5) + R"(}})");
  auto message = [&](const char* name) { return std::string(Action(rec, name).at("error").at("message").as_string()); };
  EXPECT_EQ(Action(rec, "Ftp").at("error").at("code"), "InvalidNextLink");
  EXPECT_NE(message("Ftp").find("'ftp://files.example/next' is not an http or https URL"), std::string::npos)
      << message("Ftp");
  EXPECT_EQ(Action(rec, "Number").at("error").at("code"), "InvalidNextLink");
  EXPECT_EQ(Action(rec, "Loop").at("error").at("code"), "InvalidNextLink");
  EXPECT_NE(message("Loop").find("already fetched"), std::string::npos) << message("Loop");
  EXPECT_EQ(Action(rec, "Bad").at("error").at("code"), "InvalidPage");
  for (const char* name : {"Ftp", "Number", "Loop", "Bad"}) EXPECT_EQ(Action(rec, name).at("status"), "Failed") << name;
  EXPECT_EQ(server_.RequestsTo("/loop").size(), 1u);
  EXPECT_EQ(server_.RequestsTo("/loop/2").size(), 1u);
}

// Deploy-time validation refuses literal counts outside 1..100000 (tests/flow); what is left for
// run time is the handler's own, lower limit and a count written as an expression, which
// runtimeConfiguration does not evaluate.
TEST_F(HttpPaginationTest, InvalidMinimumItemCountFailsBeforeSending) {
  options_.max_pagination_items = 50;
  bj::value rec = RunFlow(R"({
    "TooMany": {"type": "Http", "runAfter": {}, "inputs": {"method": "GET", "uri": "{{base}}/x"}, )" + Paginated(51) + R"j(},
    "Computed": {"type": "Http", "runAfter": {}, "inputs": {"method": "GET", "uri": "{{base}}/x"},
                 "runtimeConfiguration": {"paginationPolicy": {"minimumItemCount": "@add(1, 2)"}}}})j");
  for (const char* name : {"TooMany", "Computed"}) {
    EXPECT_EQ(Action(rec, name).at("status"), "Failed") << name;
    EXPECT_EQ(Action(rec, name).at("error").at("code"), "InvalidPaginationPolicy") << name;
  }
  std::string message(Action(rec, "TooMany").at("error").at("message").as_string());
  EXPECT_NE(message.find("minimumItemCount is 51"), std::string::npos) << message;
  EXPECT_NE(message.find("from 1 to 50"), std::string::npos) << message;
  EXPECT_TRUE(server_.Requests().empty());
}

TEST_F(HttpPaginationTest, PageLimitStopsEndlessPaging) {
  options_.max_pagination_pages = 3;
  server_.Route("/p", {{200, kJson, R"({"value": [], "nextLink": "/p/2"})"}});
  server_.Route("/p/2", {{200, kJson, R"({"value": [], "nextLink": "/p/3"})"}});
  server_.Route("/p/3", {{200, kJson, R"({"value": [], "nextLink": "/p/4"})"}});
  const bj::value http = Action(RunHttp(R"({"method": "GET", "uri": "{{base}}/p"})", Paginated(10)), "Http");
  EXPECT_EQ(http.at("status"), "Failed");
  EXPECT_EQ(http.at("error").at("code"), "PaginationLimitExceeded");
  EXPECT_EQ(server_.Requests().size(), 3u);
}

}  // namespace
}  // namespace runnel::connectors::testing
