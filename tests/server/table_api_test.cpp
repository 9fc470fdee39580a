// The table Web API (/api/data/v9.2) and table definitions (/management/tables) over real HTTP
// against the running server: definitions in JSON, YAML and a directory; create, read, update,
// upsert and delete with ETags and preconditions; $select, $filter, $orderby, $top, $count and
// paging; change tracking with deletions; the error shape for every kind of bad input (and
// nothing written); concurrent If-Match writers losing no update; and kill -9 during a write
// burst losing no acknowledged write nor duplicating its change record.
#include <boost/json/serialize.hpp>

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "server_fixture.h"

namespace runnel::testing {
namespace {
namespace bj = boost::json;

constexpr char kAccount[] = R"({"logicalName": "account", "entitySetName": "accounts", "primaryNameColumn": "name",
  "columns": [{"name": "name", "type": "string", "maxLength": 20, "required": true},
              {"name": "accountnumber", "type": "string", "maxLength": 20},
              {"name": "employees", "type": "int"},
              {"name": "revenue", "type": "decimal"},
              {"name": "industrycode", "type": "choice", "options": [{"value": 1, "label": "Retail"}, {"value": 2, "label": "Banking"}]}],
  "keys": [{"name": "number_key", "columns": ["accountnumber"]}]})";

constexpr char kContactYaml[] = R"(logicalName: contact
entitySetName: contacts
columns:
  - {name: fullname, type: string}
  - {name: parentaccountid, type: lookup, target: account}
)";

class TableApiTest : public ServerTest {
 protected:
  HttpAnswer Put(const std::string& path, const std::string& body, const std::string& content_type) {
    HttpCall call;
    call.method = "PUT";
    call.url = Url(path);
    call.body = body;
    call.headers = {std::string("Authorization: Bearer ") + kToken, "Content-Type: " + content_type};
    return Send(call);
  }
  void DefineTables() {
    HttpAnswer a = Put("/management/tables/account", kAccount, "application/json");
    ASSERT_EQ(a.status, 201) << a.body;
    HttpAnswer c = Put("/management/tables/contact", kContactYaml, "application/yaml");
    ASSERT_EQ(c.status, 201) << c.body;
  }
  // POST; returns the new row's id from OData-EntityId.
  std::string Create(const std::string& set, const std::string& body) {
    HttpAnswer a = Data("POST", set, body);
    EXPECT_EQ(a.status, 204) << a.body;
    std::string entity = a.Header("OData-EntityId");
    size_t open = entity.rfind('(');
    return open == std::string::npos ? "" : entity.substr(open + 1, entity.size() - open - 2);
  }
  // Every change record of a table (the management change feed, all pages).
  std::vector<bj::value> ChangeFeed(const std::string& table) {
    std::vector<bj::value> out;
    std::string next = "/management/tables/" + table + "/changes?top=1000";
    while (!next.empty()) {
      HttpAnswer a = Api("GET", next);
      EXPECT_EQ(a.status, 200) << a.body;
      bj::value page = a.Json();
      const bj::value* value = At(page, {"value"});
      if (!value || !value->is_array()) break;
      for (const auto& c : value->get_array()) out.push_back(c);
      next = Str(page, {"nextLink"});
    }
    return out;
  }
  static void ExpectError(const HttpAnswer& a, long status, const std::string& runnel_code,
                          const std::string& fragment = "") {
    EXPECT_EQ(a.status, status) << a.body;
    bj::value body = a.Json();
    EXPECT_TRUE(At(body, {"error", "code"}) && At(body, {"error", "code"})->is_string()) << a.body;
    EXPECT_EQ(Str(body, {"error", "innererror", "code"}), runnel_code) << a.body;
    EXPECT_NE(Str(body, {"error", "message"}).find(fragment), std::string::npos) << a.body;
  }
  // The rows of a collection answer.
  static std::vector<bj::value> Rows(const HttpAnswer& a) {
    std::vector<bj::value> out;
    bj::value body = a.Json();
    if (const bj::value* v = At(body, {"value"}); v && v->is_array()) {
      for (const auto& row : v->get_array()) out.push_back(row);
    }
    return out;
  }
  std::string Relative(const std::string& url) {
    std::string prefix = server().base_url() + "/api/data/v9.2/";
    return url.rfind(prefix, 0) == 0 ? url.substr(prefix.size()) : url;
  }
};

TEST_F(TableApiTest, DefinitionsInJsonAndYamlAreListedAndValidated) {
  StartServer();
  DefineTables();
  HttpAnswer again = Put("/management/tables/account", kAccount, "application/json");
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.Json().at("version").as_int64(), 1);  // unchanged: no new version
  HttpAnswer list = Api("GET", "/management/tables");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.Json().at("value").as_array().size(), 2u) << list.body;
  HttpAnswer one = Api("GET", "/management/tables/contact");
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(one.Json().at("definition").at("columns").at(1).at("target"), "account") << one.body;
  EXPECT_EQ(Str(one.Json(), {"primaryIdColumn"}), "contactid");

  HttpAnswer bad = Put("/management/tables/thing", R"({"columns": [{"name": "x", "type": "string", "maxLength": 0}]})",
                       "application/json");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(Str(bad.Json(), {"error", "code"}), "InvalidTableDefinition");
  EXPECT_EQ(bad.Json().at("error").at("details").at(0).at("pointer"), "/columns/0/maxLength") << bad.body;
  HttpAnswer bad_yaml = Put("/management/tables/thing", "columns: [unclosed", "application/yaml");
  EXPECT_EQ(bad_yaml.status, 400) << bad_yaml.body;
  HttpAnswer lossy = Put("/management/tables/account", R"({"columns": [{"name": "name", "type": "string"}]})",
                         "application/json");
  EXPECT_EQ(lossy.status, 409) << lossy.body;
  EXPECT_EQ(Str(lossy.Json(), {"error", "code"}), "IncompatibleTableChange");
  HttpAnswer no_target = Put("/management/tables/order",
                             R"({"columns": [{"name": "customer", "type": "lookup", "target": "customer"}]})",
                             "application/json");
  EXPECT_EQ(no_target.status, 400) << no_target.body;
  EXPECT_EQ(Api("GET", "/management/tables").Json().at("value").as_array().size(), 2u);
}

TEST_F(TableApiTest, DefinitionsComeFromTheTablesDirectoryAtStart) {
  StartServer();
  // An answer first: the server installs its SIGTERM handler just after printing "listening".
  ASSERT_EQ(Api("GET", "/management/tables").status, 200);
  ASSERT_EQ(server().Stop(), 0);
  std::filesystem::create_directories(dir() / "tables");
  std::ofstream(dir() / "tables" / "account.json") << kAccount;
  std::ofstream(dir() / "tables" / "contact.yaml") << kContactYaml;
  std::ofstream(dir() / "runnel.yaml", std::ios::app) << "tables: tables\n";
  ASSERT_TRUE(server().Start());
  EXPECT_NE(server().log().find("created table contact"), std::string::npos) << server().log();
  std::string id = Create("accounts", R"({"name": "From files"})");
  EXPECT_FALSE(id.empty());
  // Unchanged files leave the tables alone at the next start; a bad file stops the start.
  ASSERT_EQ(server().Stop(), 0);
  ASSERT_TRUE(server().Start());
  EXPECT_EQ(server().log().find("table contact"), std::string::npos) << server().log();
  EXPECT_EQ(Data("GET", "accounts(" + id + ")").status, 200);
  ASSERT_EQ(server().Stop(), 0);
  std::ofstream(dir() / "tables" / "broken.json") << R"({"logicalName": "broken", "columns": 5})";
  EXPECT_FALSE(server().Start());
  EXPECT_NE(server().log().find("broken.json"), std::string::npos) << server().log();
}

TEST_F(TableApiTest, NeedsTheTokenAndListsEntitySets) {
  StartServer();
  DefineTables();
  HttpAnswer anonymous = Get(Url("/api/data/v9.2/accounts"));
  ExpectError(anonymous, 401, "Unauthorized", "Bearer");
  HttpAnswer root = Data("GET", "");
  ASSERT_EQ(root.status, 200) << root.body;
  EXPECT_EQ(root.Json().at("value").as_array().size(), 2u);
  ExpectError(Data("GET", "widgets"), 404, "TableNotFound", "widgets");
  ExpectError(Data("GET", "$metadata"), 501, "NotImplemented");
}

TEST_F(TableApiTest, CreateReadUpdateDeleteWithETags) {
  StartServer();
  DefineTables();
  HttpAnswer created = Data("POST", "accounts", R"({"name": "Contoso", "employees": 10, "accountnumber": "A-1"})");
  ASSERT_EQ(created.status, 204) << created.body;
  std::string entity = created.Header("OData-EntityId");
  ASSERT_NE(entity.find("/api/data/v9.2/accounts("), std::string::npos) << entity;
  std::string id = entity.substr(entity.rfind('(') + 1, 36);

  HttpAnswer rep = Data("POST", "accounts?$select=name,employees", R"({"name": "Fabrikam", "employees": 3})",
                        {"Prefer: return=representation"});
  ASSERT_EQ(rep.status, 201) << rep.body;
  bj::value row = rep.Json();
  EXPECT_NE(Str(row, {"@odata.context"}).find("$metadata#accounts(name,employees,accountid)/$entity"), std::string::npos)
      << rep.body;
  EXPECT_EQ(Str(row, {"name"}), "Fabrikam");
  EXPECT_EQ(At(row, {"revenue"}), nullptr);  // not selected
  EXPECT_EQ(rep.Header("Preference-Applied"), "return=representation");

  HttpAnswer got = Data("GET", "accounts(" + id + ")?$select=name,_ownerid_value,versionnumber");
  ASSERT_EQ(got.status, 200) << got.body;
  std::string etag = got.Header("ETag");
  EXPECT_EQ(Str(got.Json(), {"@odata.etag"}), etag);
  EXPECT_EQ(etag, "W/\"" + std::to_string(got.Json().at("versionnumber").as_int64()) + "\"");
  EXPECT_EQ(Data("GET", "accounts(" + id + ")", "", {"If-None-Match: " + etag}).status, 304);
  HttpAnswer by_key = Data("GET", "accounts(accountnumber='A-1')?$select=accountid");
  ASSERT_EQ(by_key.status, 200) << by_key.body;
  EXPECT_EQ(Str(by_key.Json(), {"accountid"}), id);

  HttpAnswer updated = Data("PATCH", "accounts(" + id + ")", R"({"employees": 11})", {"If-Match: " + etag});
  ASSERT_EQ(updated.status, 204) << updated.body;
  EXPECT_NE(updated.Header("ETag"), etag);
  ExpectError(Data("PATCH", "accounts(" + id + ")", R"({"employees": 12})", {"If-Match: " + etag}), 412,
              "ConcurrencyVersionMismatch", "doesn't match");
  HttpAnswer shown = Data("PATCH", "accounts(" + id + ")", R"({"revenue": 99.5})", {"Prefer: return=representation"});
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(shown.Json().at("employees").as_int64(), 11);
  EXPECT_DOUBLE_EQ(shown.Json().at("revenue").to_number<double>(), 99.5);

  // Upsert: PATCH creates a missing row with the URL's id; If-Match: * and If-None-Match: * forbid one or the other.
  std::string new_id = "11111111-2222-4333-8444-555555555555";
  ExpectError(Data("PATCH", "accounts(" + new_id + ")", R"({"name": "Nope"})", {"If-Match: *"}), 404, "RowNotFound",
              "Does Not Exist");
  HttpAnswer upserted = Data("PATCH", "accounts(" + new_id + ")", R"({"name": "Upserted"})", {"If-None-Match: null"});
  ASSERT_EQ(upserted.status, 204) << upserted.body;
  EXPECT_EQ(Str(Data("GET", "accounts(" + new_id + ")").Json(), {"name"}), "Upserted");
  ExpectError(Data("PATCH", "accounts(" + new_id + ")", R"({"name": "Twice"})", {"If-None-Match: *"}), 412,
              "DuplicateRecord", "already exists");
  HttpAnswer keyed = Data("PATCH", "accounts(accountnumber='K-9')", R"({"name": "By key"})", {"Prefer: return=representation"});
  ASSERT_EQ(keyed.status, 201) << keyed.body;
  EXPECT_EQ(Str(keyed.Json(), {"accountnumber"}), "K-9");

  // Single properties.
  HttpAnswer prop = Data("GET", "accounts(" + id + ")/name");
  ASSERT_EQ(prop.status, 200) << prop.body;
  EXPECT_EQ(Str(prop.Json(), {"value"}), "Contoso");
  ASSERT_EQ(Data("PUT", "accounts(" + id + ")/name", R"({"value": "Renamed"})").status, 204);
  ASSERT_EQ(Data("DELETE", "accounts(" + id + ")/employees").status, 204);
  EXPECT_EQ(Data("GET", "accounts(" + id + ")/employees").status, 204);  // null: no content
  EXPECT_EQ(Str(Data("GET", "accounts(" + id + ")/name").Json(), {"value"}), "Renamed");

  ExpectError(Data("DELETE", "accounts(" + id + ")", "", {"If-Match: W/\"1\""}), 412, "ConcurrencyVersionMismatch");
  EXPECT_EQ(Data("DELETE", "accounts(" + id + ")").status, 204);
  ExpectError(Data("DELETE", "accounts(" + id + ")"), 404, "RowNotFound");
  ExpectError(Data("GET", "accounts(" + id + ")"), 404, "RowNotFound", "Does Not Exist");
  ExpectError(Data("PATCH", "accounts", R"({"name": "x"})"), 405, "MethodNotAllowed");
}

TEST_F(TableApiTest, LookupsBindAndDeletesClearThem) {
  StartServer();
  DefineTables();
  std::string account = Create("accounts", R"({"name": "Parent"})");
  std::string contact = Create("contacts", "{\"fullname\": \"Joe\", \"parentaccountid@odata.bind\": \"/accounts(" + account + ")\"}");
  HttpAnswer got = Data("GET", "contacts(" + contact + ")?$select=_parentaccountid_value");
  EXPECT_EQ(Str(got.Json(), {"_parentaccountid_value"}), account) << got.body;
  ExpectError(Data("POST", "contacts", R"json({"parentaccountid@odata.bind": "/accounts(11111111-2222-4333-8444-555555555555)"})json"),
              400, "LookupTargetNotFound", "Does Not Exist");
  HttpAnswer filtered = Data("GET", "accounts?$filter=contact_parentaccountid/any(c:c/fullname%20eq%20'Joe')&$select=name");
  ASSERT_EQ(filtered.status, 200) << filtered.body;
  EXPECT_EQ(Rows(filtered).size(), 1u);
  ASSERT_EQ(Data("DELETE", "accounts(" + account + ")").status, 204);
  EXPECT_TRUE(Data("GET", "contacts(" + contact + ")").Json().at("_parentaccountid_value").is_null());
}

TEST_F(TableApiTest, QueriesSelectFilterOrderTopCountAndPages) {
  StartServer();
  DefineTables();
  for (int i = 0; i < 23; ++i) {
    Create("accounts", R"({"name": "Acct )" + std::to_string(i) + R"(", "employees": )" + std::to_string(i % 5) +
                           R"(, "industrycode": )" + std::to_string(1 + i % 2) + "}");
  }
  HttpAnswer filtered = Data("GET", "accounts?$select=name,employees&$filter=employees%20ge%203%20and%20industrycode%20eq%202"
                                    "&$orderby=employees%20desc,name&$count=true");
  ASSERT_EQ(filtered.status, 200) << filtered.body;
  auto rows = Rows(filtered);
  EXPECT_EQ(filtered.Json().at("@odata.count").as_int64(), static_cast<int64_t>(rows.size()));
  ASSERT_FALSE(rows.empty());
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_GE(rows[i].at("employees").as_int64(), 3);
    EXPECT_EQ(rows[i].as_object().size(), 4u) << bj::serialize(rows[i]);  // etag, name, employees, accountid
    if (i) {
      EXPECT_LE(rows[i].at("employees").as_int64(), rows[i - 1].at("employees").as_int64());
    }
  }
  HttpAnswer contains = Data("GET", "accounts?$filter=contains(name,'ct%201')&$select=name");
  ASSERT_EQ(contains.status, 200) << contains.body;
  EXPECT_EQ(Rows(contains).size(), 11u);  // "Acct 1" and "Acct 10".."Acct 19"
  HttpAnswer top = Data("GET", "accounts?$top=5&$orderby=name");
  ASSERT_EQ(top.status, 200);
  EXPECT_EQ(Rows(top).size(), 5u);
  EXPECT_EQ(At(top.Json(), {"@odata.nextLink"}), nullptr);

  std::set<std::string> ids;
  std::string path = "accounts?$select=name&$orderby=employees&$count=true";
  int pages = 0;
  while (!path.empty() && pages < 20) {
    HttpAnswer page = Data("GET", path, "", {"Prefer: odata.maxpagesize=4"});
    ASSERT_EQ(page.status, 200) << page.body;
    EXPECT_EQ(page.Header("Preference-Applied"), "odata.maxpagesize=4");
    EXPECT_EQ(page.Json().at("@odata.count").as_int64(), 23);
    auto page_rows = Rows(page);
    EXPECT_LE(page_rows.size(), 4u);
    for (const auto& r : page_rows) EXPECT_TRUE(ids.insert(Str(r, {"accountid"})).second) << "a row came twice";
    path = Relative(Str(page.Json(), {"@odata.nextLink"}));
    ++pages;
  }
  EXPECT_EQ(ids.size(), 23u);
  EXPECT_EQ(pages, 6);
  HttpAnswer count = Data("GET", "accounts/$count?$filter=industrycode%20eq%201");
  ASSERT_EQ(count.status, 200) << count.body;
  EXPECT_EQ(count.body, "12");
  EXPECT_NE(count.Header("Content-Type").find("text/plain"), std::string::npos);
}

TEST_F(TableApiTest, PageSizeAndCountLimitsComeFromTheConfiguration) {
  StartServer("table_max_page_size: 3, table_max_count: 4");
  DefineTables();
  for (int i = 0; i < 5; ++i) Create("accounts", R"({"name": "n)" + std::to_string(i) + R"("})");
  HttpAnswer page = Data("GET", "accounts?$count=true", "", {"Prefer: odata.maxpagesize=100"});
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(Rows(page).size(), 3u);
  EXPECT_EQ(page.Header("Preference-Applied"), "odata.maxpagesize=3");
  EXPECT_EQ(page.Json().at("@odata.count").as_int64(), 4);
  EXPECT_FALSE(Str(page.Json(), {"@odata.nextLink"}).empty());
  EXPECT_EQ(Data("GET", "accounts/$count").body, "4");
}

TEST_F(TableApiTest, BadInputGetsTheErrorShapeAndWritesNothing) {
  StartServer();
  DefineTables();
  std::string id = Create("accounts", R"({"name": "Only one", "accountnumber": "N-1"})");
  size_t changes_before = ChangeFeed("account").size();
  ExpectError(Data("POST", "accounts", R"({"name": "x", "colour": "red"})"), 400, "ColumnNotFound", "'colour'");
  ExpectError(Data("POST", "accounts", R"({"name": 42})"), 400, "InvalidValue", "expected a string");
  ExpectError(Data("POST", "accounts", R"({"name": "this name is far too long for the column"})"), 400,
              "MaxLengthExceeded", "maxLength of 20");
  ExpectError(Data("POST", "accounts", R"({"employees": 1})"), 400, "RequiredColumnMissing", "'name'");
  ExpectError(Data("POST", "accounts", R"({"name": "x", "industrycode": 9})"), 400, "InvalidValue", "not an option");
  ExpectError(Data("POST", "accounts", R"({"name": "x", "accountnumber": "N-1"})"), 412, "DuplicateRecord");
  ExpectError(Data("POST", "accounts", "{not json"), 400, "InvalidBody", "not valid JSON");
  ExpectError(Data("PATCH", "accounts(" + id + ")", R"({"createdon": "2020-01-01T00:00:00Z"})"), 400, "ReadOnlyColumn");
  ExpectError(Data("PATCH", "accounts(not-a-guid)", R"({"name": "x"})"), 400, "InvalidKey", "not a GUID");
  ExpectError(Data("GET", "accounts(nope='x')"), 400, "InvalidKey", "no alternate key");
  HttpAnswer malformed = Data("GET", "accounts?$filter=name%20eq%20'x'%20and");
  ExpectError(malformed, 400, "InvalidFilter", "position");
  EXPECT_TRUE(At(malformed.Json(), {"error", "innererror", "position"})) << malformed.body;
  ExpectError(Data("GET", "accounts?$filter=colour%20eq%201"), 400, "InvalidFilter", "colour");
  ExpectError(Data("GET", "accounts?$expand=primarycontactid"), 400, "UnsupportedQueryOption", "$expand");
  ExpectError(Data("GET", "accounts?$select=colour"), 400, "InvalidSelect", "colour");
  ExpectError(Data("GET", "accounts?$orderby=colour"), 400, "InvalidQuery", "colour");
  ExpectError(Data("GET", "accounts?$skiptoken=garbage"), 400, "InvalidSkipToken");
  ExpectError(Data("GET", "accounts", "", {"Prefer: odata.maxpagesize=zero"}), 400, "InvalidQuery", "maxpagesize");
  ExpectError(Data("GET", "accounts?$deltatoken=99999"), 400, "InvalidDeltaToken");
  EXPECT_EQ(ChangeFeed("account").size(), changes_before);
  EXPECT_EQ(Data("GET", "accounts/$count").body, "1");
}

TEST_F(TableApiTest, ChangeTrackingReturnsChangedRowsAndDeletions) {
  StartServer();
  DefineTables();
  std::string a = Create("accounts", R"({"name": "A"})");
  std::string b = Create("accounts", R"({"name": "B"})");
  HttpAnswer first = Data("GET", "accounts?$select=name", "", {"Prefer: odata.track-changes"});
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(Rows(first).size(), 2u);
  std::string delta = Relative(Str(first.Json(), {"@odata.deltaLink"}));
  ASSERT_NE(delta.find("$deltatoken="), std::string::npos) << first.body;
  HttpAnswer nothing = Data("GET", delta, "", {"Prefer: odata.track-changes"});
  ASSERT_EQ(nothing.status, 200) << nothing.body;
  EXPECT_TRUE(Rows(nothing).empty());

  ASSERT_EQ(Data("PATCH", "accounts(" + a + ")", R"({"name": "A2"})").status, 204);
  std::string c = Create("accounts", R"({"name": "C"})");
  ASSERT_EQ(Data("DELETE", "accounts(" + b + ")").status, 204);
  HttpAnswer changes = Data("GET", delta, "", {"Prefer: odata.track-changes"});
  ASSERT_EQ(changes.status, 200) << changes.body;
  EXPECT_NE(Str(changes.Json(), {"@odata.context"}).find("/$delta"), std::string::npos);
  std::map<std::string, bj::value> by_id;
  std::vector<std::string> deleted;
  for (const auto& r : Rows(changes)) {
    if (Str(r, {"reason"}) == "deleted") {
      deleted.push_back(Str(r, {"id"}));
      EXPECT_NE(Str(r, {"@odata.context"}).find("$metadata#accounts/$deletedEntity"), std::string::npos);
    } else {
      by_id[Str(r, {"accountid"})] = r;
    }
  }
  ASSERT_EQ(by_id.size(), 2u) << changes.body;
  EXPECT_EQ(Str(by_id[a], {"name"}), "A2");
  EXPECT_TRUE(by_id.count(c));
  EXPECT_EQ(deleted, std::vector<std::string>{b});
  std::string next = Relative(Str(changes.Json(), {"@odata.deltaLink"}));
  EXPECT_TRUE(Rows(Data("GET", next)).empty());
  EXPECT_EQ(Data("GET", "accounts/$count?" + delta.substr(delta.find("$deltatoken"))).body, "3");
  ExpectError(Data("GET", "accounts?$filter=name%20eq%20'A'", "", {"Prefer: odata.track-changes"}), 400,
              "UnsupportedWithChangeTracking");
}

TEST_F(TableApiTest, ConcurrentIfMatchUpdatesLoseNoUpdate) {
  StartServer();
  DefineTables();
  std::string id = Create("accounts", R"({"name": "Counter", "employees": 0})");
  constexpr int kThreads = 6, kIncrements = 15;
  std::atomic<int> conflicts{0}, failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int done = 0; done < kIncrements;) {
        HttpAnswer got = Data("GET", "accounts(" + id + ")?$select=employees");
        if (got.status != 200) {
          ++failures;
          return;
        }
        int64_t employees = got.Json().at("employees").as_int64();
        HttpAnswer put = Data("PATCH", "accounts(" + id + ")", R"({"employees": )" + std::to_string(employees + 1) + "}",
                              {"If-Match: " + got.Header("ETag")});
        if (put.status == 204) {
          ++done;
        } else if (put.status == 412) {
          ++conflicts;
        } else {
          ++failures;
          return;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  HttpAnswer final_row = Data("GET", "accounts(" + id + ")?$select=employees");
  EXPECT_EQ(final_row.Json().at("employees").as_int64(), kThreads * kIncrements) << final_row.body;
  EXPECT_EQ(ChangeFeed("account").size(), static_cast<size_t>(1 + kThreads * kIncrements));
  std::printf("412 conflicts retried: %d\n", conflicts.load());
}

TEST_F(TableApiTest, KillDuringAWriteBurstLosesNoAcknowledgedWrite) {
  StartServer();
  DefineTables();
  constexpr int kWriters = 4;
  std::mutex mu;
  std::set<std::string> acknowledged;
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; !stop.load(); ++i) {
        HttpAnswer a = Data("POST", "accounts", R"({"name": "w)" + std::to_string(w) + "-" + std::to_string(i) + R"("})");
        if (a.status != 204) return;  // the server went away
        std::string entity = a.Header("OData-EntityId");
        std::lock_guard lock(mu);
        acknowledged.insert(entity.substr(entity.rfind('(') + 1, 36));
      }
    });
  }
  ASSERT_TRUE(Eventually([&] {
    std::lock_guard lock(mu);
    return acknowledged.size() >= 300;
  }));
  server().Kill();  // mid-burst: writers see connection errors from here on
  stop = true;
  for (auto& t : writers) t.join();
  ASSERT_TRUE(server().Start());

  std::map<std::string, int> records;
  for (const auto& c : ChangeFeed("account")) {
    EXPECT_EQ(Str(c, {"message"}), "Create");
    ++records[Str(c, {"rowId"})];
  }
  for (const auto& id : acknowledged) {
    EXPECT_EQ(Data("GET", "accounts(" + id + ")").status, 200) << "acknowledged row " << id << " is missing";
    EXPECT_EQ(records[id], 1) << "row " << id << " has " << records[id] << " change records";
  }
  HttpAnswer count = Data("GET", "accounts/$count");
  EXPECT_EQ(std::stoul(count.body), records.size()) << "every stored row has its change record and no more";
  for (const auto& [id, n] : records) EXPECT_EQ(n, 1) << id;
  std::printf("acknowledged %zu writes before the kill; %zu rows stored\n", acknowledged.size(), records.size());
}

}  // namespace
}  // namespace runnel::testing
