// The data operations (engine/actions/data_ops.h) run inside real flows: each test builds a
// small definition from JSON text, runs it on a LocalLoop with a manual clock and checks the
// action's record in the run record.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>

#include "base/clock.h"
#include "engine/actions/data_ops.h"
#include "engine/call_function.h"
#include "engine/condition.h"
#include "engine/local_runner.h"
#include "flow/definition_builder.h"
#include "flow/loader.h"
#include "json/serialize.h"

namespace runnel::engine {
namespace {
namespace bj = boost::json;

constexpr int64_t kNowMicros = 1714564800000000;  // 2024-05-01T12:00:00Z
// A string longer than a tenth of the output limit (104,857,600 characters): ten of them do
// not fit in one output.
const size_t kTenthOfLimit = expr::Limits().max_result_chars / 10 + 1;

bj::value J(std::string_view text) { return bj::parse(text); }

class DataOps : public ::testing::Test {
 protected:
  // Runs a flow with the given "actions" object (JSON text) and a Request trigger whose body is
  // `body`; returns the run record, or null after reporting why the flow did not run.
  bj::value RunFlow(std::string_view actions, bj::value body = bj::object()) {
    std::string text = R"j({"triggers": {"manual": {"type": "Request", "kind": "Http", "inputs": {}}}, "actions": )j" +
                       std::string(actions) + "}";
    auto files = flow::LoadFlowText(text, "test.json");
    if (!files) {
      ADD_FAILURE() << files.error().ToString();
      return nullptr;
    }
    std::vector<flow::Diagnostic> diagnostics;
    auto def = flow::BuildDefinition(files.value().at(0), flow::BuildOptions(), diagnostics);
    if (!def) {
      std::string all;
      for (const auto& d : diagnostics) all += d.code + ": " + d.message + " at " + d.pointer + "\n";
      ADD_FAILURE() << def.error().ToString() << "\n" << all;
      return nullptr;
    }
    LocalRunRequest request;
    request.flow_name = "test";
    request.plan = std::make_shared<const Plan>(std::shared_ptr<const flow::Definition>(std::move(def.value())));
    request.trigger_outputs = bj::object{{"headers", bj::object()}, {"body", std::move(body)}};
    ManualClock clock(kNowMicros);
    LocalLoop loop(clock, &clock);
    HandlerRegistry handlers;
    RegisterBuiltinHandlers(handlers);
    auto outcome = RunLocally(request, handlers, loop);
    if (!outcome || outcome.value().runs.size() != 1) {
      ADD_FAILURE() << (outcome ? "expected one run" : outcome.error().ToString());
      return nullptr;
    }
    return std::move(outcome.value().runs[0].record);
  }

  // The record of action `name` after running `actions` (one action usually).
  bj::object RunAction(std::string_view actions, std::string_view name, bj::value body = bj::object()) {
    run_ = RunFlow(actions, std::move(body));
    const bj::value* rec = run_.is_object() ? run_.find_pointer("/actions/" + std::string(name), ec_) : nullptr;
    if (!rec || !rec->is_object()) {
      ADD_FAILURE() << "no record for " << name << " in " << json::Serialize(run_);
      return {};
    }
    return rec->get_object();
  }

  static void ExpectBody(const bj::object& rec, const bj::value& expected) {
    ASSERT_EQ(rec.contains("status") ? rec.at("status") : bj::value(), bj::value("Succeeded")) << json::Serialize(rec);
    EXPECT_EQ(rec.at("outputs"), (bj::object{{"body", expected}})) << json::Serialize(rec.at("outputs"));
  }

  // Checks that the action failed with `code` and a message containing every fragment.
  static void ExpectFailure(const bj::object& rec, std::string_view code,
                            std::initializer_list<std::string_view> fragments) {
    ASSERT_EQ(rec.contains("status") ? rec.at("status") : bj::value(), bj::value("Failed")) << json::Serialize(rec);
    const bj::object& error = rec.at("error").as_object();
    EXPECT_EQ(error.at("code"), bj::value(code)) << json::Serialize(error);
    std::string message(error.at("message").as_string());
    for (std::string_view f : fragments) {
      EXPECT_NE(message.find(f), std::string::npos) << "'" << f << "' not in: " << message;
    }
  }

  bj::value run_;
  boost::system::error_code ec_;
};

// ---- Query ("Filter array") ----

TEST_F(DataOps, QueryKeepsMatchingElementsInOrder) {
  auto rec = RunAction(R"j({"Filter": {"type": "Query", "runAfter": {},
      "inputs": {"from": [1, 3, 0, 5, 4, 2], "where": "@greater(item(), 2)"}}})j", "Filter");
  ExpectBody(rec, J("[3, 5, 4]"));
  EXPECT_EQ(rec.at("inputs"), J(R"j({"from": [1, 3, 0, 5, 4, 2], "where": "@greater(item(), 2)"})j"));
}

TEST_F(DataOps, QueryWithNoMatchGivesAnEmptyArray) {
  auto rec = RunAction(R"j({"Filter": {"type": "Query", "runAfter": {},
      "inputs": {"from": [1, 2], "where": "@greater(item(), 5)"}}})j", "Filter");
  ExpectBody(rec, J("[]"));
}

TEST_F(DataOps, QueryComparesStringsCaseSensitively) {
  auto rec = RunAction(R"j({"Filter": {"type": "Query", "runAfter": {},
      "inputs": {"from": ["Open", "open", "OPEN"], "where": "@equals(item(), 'open')"}}})j", "Filter");
  ExpectBody(rec, J(R"j(["open"])j"));
}

TEST_F(DataOps, QueryFiltersObjectsFromTheTriggerBody) {
  auto rec = RunAction(R"j({"Filter": {"type": "Query", "runAfter": {},
      "inputs": {"from": "@triggerBody()?['orders']", "where": "@equals(item()?['status'], 'open')"}}})j",
                       "Filter", J(R"j({"orders": [{"id": 1, "status": "open"}, {"id": 2}, {"id": 3, "status": "open"}]})j"));
  ExpectBody(rec, J(R"j([{"id": 1, "status": "open"}, {"id": 3, "status": "open"}])j"));
}

TEST_F(DataOps, QueryInsideForeachBindsItemToTheElementNotTheIteration) {
  bj::value run = RunFlow(R"j({"Loop": {"type": "Foreach", "runAfter": {}, "foreach": "@triggerBody()",
      "runtimeConfiguration": {"concurrency": {"repetitions": 1}},
      "actions": {"Filter": {"type": "Query", "runAfter": {},
          "inputs": {"from": "@item()?['lines']", "where": "@greater(item(), 2)"}}}}})j",
                          J(R"j([{"lines": [1, 5, 3]}, {"lines": [0, 7]}])j"));
  ASSERT_TRUE(run.is_object());
  const bj::array& iterations = run.at_pointer("/actions/Loop/iterations").as_array();
  ASSERT_EQ(iterations.size(), 2u);
  EXPECT_EQ(iterations[0].at_pointer("/actions/Filter/outputs/body"), J("[5, 3]"));
  EXPECT_EQ(iterations[1].at_pointer("/actions/Filter/outputs/body"), J("[7]"));
}

TEST_F(DataOps, QueryFromThatIsNotAnArrayFails) {
  auto rec = RunAction(R"j({"Filter": {"type": "Query", "runAfter": {},
      "inputs": {"from": "@triggerBody()", "where": "@true"}}})j", "Filter", J(R"j({"a": 1})j"));
  ExpectFailure(rec, "InvalidQueryInput", {"Query: ", "'from' must be an array, got object"});
}

TEST_F(DataOps, QueryWhereThatIsNotBooleanNamesTheElement) {
  auto rec = RunAction(R"j({"Filter": {"type": "Query", "runAfter": {},
      "inputs": {"from": [true, "yes", false], "where": "@item()"}}})j", "Filter");
  ExpectFailure(rec, "InvalidQueryCondition", {"gave string for element 1", "not a boolean"});
}

TEST_F(DataOps, QueryWhereErrorNamesTheElement) {
  auto rec = RunAction(R"j({"Filter": {"type": "Query", "runAfter": {},
      "inputs": {"from": [{"n": 1}, {"m": 2}], "where": "@greater(item()['n'], 0)"}}})j", "Filter");
  ExpectFailure(rec, "PropertyNotFound", {"Query: the 'where' expression failed on element 1"});
}

// ---- Select ----

TEST_F(DataOps, SelectBuildsOneObjectPerElement) {
  auto rec = RunAction(R"j({"Map": {"type": "Select", "runAfter": {},
      "inputs": {"from": [1, 2, 3], "select": {"number": "@item()", "text": "n=@{item()}", "fixed": 7}}}})j", "Map");
  ExpectBody(rec, J(R"j([{"number": 1, "text": "n=1", "fixed": 7}, {"number": 2, "text": "n=2", "fixed": 7},
                        {"number": 3, "text": "n=3", "fixed": 7}])j"));
  EXPECT_EQ(rec.at("inputs").at("select"), J(R"j({"number": "@item()", "text": "n=@{item()}", "fixed": 7})j"));
}

TEST_F(DataOps, SelectWithOneExpressionGivesAFlatArray) {
  auto rec = RunAction(R"j({"Map": {"type": "Select", "runAfter": {},
      "inputs": {"from": "@triggerBody()", "select": "@item()?['id']"}}})j", "Map",
                       J(R"j([{"id": "a"}, {"id": "b", "x": 1}])j"));
  ExpectBody(rec, J(R"j(["a", "b"])j"));
}

TEST_F(DataOps, SelectKeepsOneElementPerInputEvenWhenNull) {
  auto rec = RunAction(R"j({"Map": {"type": "Select", "runAfter": {},
      "inputs": {"from": [{"a": 1}, {}, {"a": 3}], "select": "@item()?['a']"}}})j", "Map");
  ExpectBody(rec, J("[1, null, 3]"));
}

TEST_F(DataOps, SelectNestedMapAndEmptySource) {
  auto rec = RunAction(R"j({"Map": {"type": "Select", "runAfter": {},
      "inputs": {"from": [{"k": "x"}], "select": {"outer": {"inner": "@toUpper(item()['k'])"}}}},
      "Empty": {"type": "Select", "runAfter": {}, "inputs": {"from": [], "select": {"a": "@item()"}}}})j", "Map");
  ExpectBody(rec, J(R"j([{"outer": {"inner": "X"}}])j"));
  ExpectBody(run_.at_pointer("/actions/Empty").as_object(), J("[]"));
}

TEST_F(DataOps, SelectFromThatIsNotAnArrayFails) {
  auto rec = RunAction(R"j({"Map": {"type": "Select", "runAfter": {},
      "inputs": {"from": "@null", "select": {"a": "@item()"}}}})j", "Map");
  ExpectFailure(rec, "InvalidSelectInput", {"Select: ", "got null"});
}

TEST_F(DataOps, SelectErrorNamesTheElement) {
  auto rec = RunAction(R"j({"Map": {"type": "Select", "runAfter": {},
      "inputs": {"from": [4, 0], "select": "@div(8, item())"}}})j", "Map");
  ExpectFailure(rec, "DivideByZero", {"Select: the 'select' map failed on element 1"});
}

TEST_F(DataOps, SelectRefusesAnOutputOverTheLimit) {
  auto rec = RunAction(R"j({"Map": {"type": "Select", "runAfter": {},
      "inputs": {"from": "@range(0, 10)", "select": "@triggerBody()"}}})j", "Map",
                       bj::string(std::string(kTenthOfLimit, 'x')));
  ExpectFailure(rec, "OutputTooLarge", {"Select: ", "104857600 characters"});
}

// ---- Join ----

TEST_F(DataOps, JoinJoinsNumbersWithTheSeparator) {
  auto rec = RunAction(R"j({"Join": {"type": "Join", "runAfter": {},
      "inputs": {"from": [1, 2, 3, 4], "joinWith": ","}}})j", "Join");
  ExpectBody(rec, "1,2,3,4");
}

TEST_F(DataOps, JoinConvertsElementsAsStringDoes) {
  auto rec = RunAction(R"j({"Join": {"type": "Join", "runAfter": {},
      "inputs": {"from": ["a", null, true, 1.5, 2.0, {"k": 1}, [1, "b"]], "joinWith": " | "}}})j", "Join");
  ExpectBody(rec, R"j(a |  | True | 1.5 | 2 | {"k":1} | [1,"b"])j");
}

TEST_F(DataOps, JoinOfAnEmptyArrayIsEmpty) {
  auto rec = RunAction(R"j({"Join": {"type": "Join", "runAfter": {}, "inputs": {"from": [], "joinWith": ","}}})j", "Join");
  ExpectBody(rec, "");
}

TEST_F(DataOps, JoinFromThatIsNotAnArrayFails) {
  auto rec = RunAction(R"j({"Join": {"type": "Join", "runAfter": {},
      "inputs": {"from": "a,b", "joinWith": ","}}})j", "Join");
  ExpectFailure(rec, "InvalidJoinInput", {"Join: ", "'from' must be an array, got string"});
}

TEST_F(DataOps, JoinWithThatIsNotAStringFails) {
  auto rec = RunAction(R"j({"Join": {"type": "Join", "runAfter": {},
      "inputs": {"from": [1, 2], "joinWith": 5}}})j", "Join");
  ExpectFailure(rec, "InvalidJoinInput", {"'joinWith' must be a string, got integer"});
}

TEST_F(DataOps, JoinRefusesAnOutputOverTheLimit) {
  auto rec = RunAction(R"j({"Join": {"type": "Join", "runAfter": {},
      "inputs": {"from": "@range(0, 11)", "joinWith": "@triggerBody()"}}})j", "Join",
                       bj::string(std::string(kTenthOfLimit, ',')));
  ExpectFailure(rec, "OutputTooLarge", {"Join: "});
}

// ---- Table ----

TEST_F(DataOps, TableCsvWithDefaultColumns) {
  auto rec = RunAction(R"j({"Csv": {"type": "Table", "runAfter": {}, "inputs": {"format": "CSV",
      "from": [{"ID": 0, "Product_Name": "Apples"}, {"ID": 1, "Product_Name": "Oranges"}]}}})j", "Csv");
  ExpectBody(rec, "ID,Product_Name\r\n0,Apples\r\n1,Oranges\r\n");
}

TEST_F(DataOps, TableHtmlWithDefaultColumns) {
  auto rec = RunAction(R"j({"Html": {"type": "Table", "runAfter": {}, "inputs": {"format": "HTML",
      "from": [{"ID": 0, "Product_Name": "Apples"}, {"ID": 1, "Product_Name": "Oranges"}]}}})j", "Html");
  ExpectBody(rec, "<table><thead><tr><th>ID</th><th>Product_Name</th></tr></thead><tbody>"
                  "<tr><td>0</td><td>Apples</td></tr><tr><td>1</td><td>Oranges</td></tr></tbody></table>");
}

TEST_F(DataOps, TableDefaultColumnsAreTheUnionInOrderOfFirstAppearance) {
  auto rec = RunAction(R"j({"Csv": {"type": "Table", "runAfter": {}, "inputs": {"format": "csv",
      "from": [{"a": 1}, {"c": 3, "a": 2}, {"b": true, "c": null}]}}})j", "Csv");
  ExpectBody(rec, "a,c,b\r\n1,,\r\n2,3,\r\n,,True\r\n");
}

TEST_F(DataOps, TableCsvQuotesFieldsAsRfc4180Says) {
  auto rec = RunAction(R"j({"Csv": {"type": "Table", "runAfter": {}, "inputs": {"format": "CSV",
      "from": [{"plain": "x y", "comma": "a,b", "quote": "say \"hi\"", "lf": "1\n2", "cr": "1\r2"}]}}})j", "Csv");
  ExpectBody(rec, "plain,comma,quote,lf,cr\r\nx y,\"a,b\",\"say \"\"hi\"\"\",\"1\n2\",\"1\r2\"\r\n");
}

TEST_F(DataOps, TableRendersNestedValuesAsCompactJson) {
  auto rec = RunAction(R"j({"Csv": {"type": "Table", "runAfter": {}, "inputs": {"format": "CSV",
      "from": [{"o": {"x": 1}, "l": [1, "a"]}]}}})j", "Csv");
  ExpectBody(rec, "o,l\r\n\"{\"\"x\"\":1}\",\"[1,\"\"a\"\"]\"\r\n");
}

TEST_F(DataOps, TableHtmlEscapesText) {
  auto rec = RunAction(R"j({"Html": {"type": "Table", "runAfter": {}, "inputs": {"format": "Html",
      "from": [{"<b>": "Tom & \"Jerry\" <i>'s</i>"}]}}})j", "Html");
  ExpectBody(rec, "<table><thead><tr><th>&lt;b&gt;</th></tr></thead><tbody><tr><td>Tom &amp; &quot;Jerry&quot; "
                  "&lt;i&gt;&#39;s&lt;/i&gt;</td></tr></tbody></table>");
}

TEST_F(DataOps, TableColumnsEvaluateValuesPerElement) {
  auto rec = RunAction(R"j({"Csv": {"type": "Table", "runAfter": {}, "inputs": {"format": "CSV",
      "from": [1, 2], "columns": [{"header": "n", "value": "@item()"},
                                  {"header": "@concat('dou', 'ble')", "value": "@mul(item(), 2)"},
                                  {"header": "", "value": "row"}]}}})j", "Csv");
  ExpectBody(rec, "n,double,\r\n1,2,row\r\n2,4,row\r\n");
}

TEST_F(DataOps, TableColumnsWithTheSameHeaderShareOneColumn) {
  auto rec = RunAction(R"j({"Csv": {"type": "Table", "runAfter": {}, "inputs": {"format": "CSV",
      "from": [{"a": 1, "b": 2}], "columns": [{"header": "x", "value": "@item()['a']"},
                                              {"header": "", "value": "e1"},
                                              {"header": "y", "value": "@item()['b']"},
                                              {"header": "", "value": "e2"},
                                              {"header": "x", "value": "last"}]}}})j", "Csv");
  ExpectBody(rec, "x,,y,\r\nlast,e1,2,e2\r\n");
}

TEST_F(DataOps, TableOfAnEmptyArray) {
  auto rec = RunAction(R"j({"Csv": {"type": "Table", "runAfter": {}, "inputs": {"format": "CSV", "from": []}},
      "Html": {"type": "Table", "runAfter": {}, "inputs": {"format": "HTML", "from": []}},
      "Headed": {"type": "Table", "runAfter": {}, "inputs": {"format": "CSV", "from": [],
                 "columns": [{"header": "a", "value": "@item()"}]}}})j", "Csv");
  ExpectBody(rec, "");
  ExpectBody(run_.at_pointer("/actions/Html").as_object(), "<table><thead><tr></tr></thead><tbody></tbody></table>");
  ExpectBody(run_.at_pointer("/actions/Headed").as_object(), "a\r\n");
}

TEST_F(DataOps, TableOfNonObjectsWithoutColumnsFails) {
  auto rec = RunAction(R"j({"Csv": {"type": "Table", "runAfter": {}, "inputs": {"format": "CSV",
      "from": [{"a": 1}, "text"]}}})j", "Csv");
  ExpectFailure(rec, "InvalidTableInput", {"Table: ", "element 1 of 'from' is string", "without 'columns'"});
}

TEST_F(DataOps, TableWithAnUnknownFormatAtRunTimeFails) {
  auto rec = RunAction(R"j({"Csv": {"type": "Table", "runAfter": {}, "inputs": {"format": "@triggerBody()",
      "from": [{"a": 1}]}}})j", "Csv", "xml");
  ExpectFailure(rec, "InvalidTableInput", {"'format' must be \"CSV\" or \"HTML\", got \"xml\""});
  // The run history shows the evaluated inputs.
  EXPECT_EQ(rec.at("inputs"), J(R"j({"from": [{"a": 1}], "format": "xml"})j"));
}

TEST_F(DataOps, TableFromThatIsNotAnArrayFails) {
  auto rec = RunAction(R"j({"Csv": {"type": "Table", "runAfter": {}, "inputs": {"format": "CSV",
      "from": {"a": 1}}}})j", "Csv");
  ExpectFailure(rec, "InvalidTableInput", {"'from' must be an array, got object"});
}

TEST_F(DataOps, TableColumnValueErrorNamesTheElement) {
  auto rec = RunAction(R"j({"Csv": {"type": "Table", "runAfter": {}, "inputs": {"format": "CSV",
      "from": [{"a": 1}, {}], "columns": [{"header": "A", "value": "@item()['a']"}]}}})j", "Csv");
  ExpectFailure(rec, "PropertyNotFound", {"the value of column 'A' failed on element 1"});
}

TEST_F(DataOps, TableRefusesAnOutputOverTheLimit) {
  auto rec = RunAction(R"j({"Csv": {"type": "Table", "runAfter": {}, "inputs": {"format": "CSV",
      "from": "@range(0, 10)", "columns": [{"header": "x", "value": "@triggerBody()"}]}}})j", "Csv",
                       bj::string(std::string(kTenthOfLimit, 'x')));
  ExpectFailure(rec, "OutputTooLarge", {"Table: "});
}

// ---- ParseJson ----

constexpr char kOrderSchema[] = R"j({"type": "object", "required": ["id", "items"], "properties": {
    "id": {"type": "integer"},
    "items": {"type": "array", "items": {"type": "object", "properties": {"qty": {"type": "integer"}}}}}})j";

std::string ParseJsonAction(std::string_view content, std::string_view schema = kOrderSchema) {
  return R"j({"Parse": {"type": "ParseJson", "runAfter": {}, "inputs": {"content": )j" + std::string(content) +
         R"j(, "schema": )j" + std::string(schema) + "}}}";
}

TEST_F(DataOps, ParseJsonParsesAStringAndValidatesIt) {
  auto rec = RunAction(ParseJsonAction("\"@triggerBody()\""), "Parse",
                       R"j({"id": 7, "items": [{"qty": 1}], "note": "extra members are allowed"})j");
  ExpectBody(rec, J(R"j({"id": 7, "items": [{"qty": 1}], "note": "extra members are allowed"})j"));
}

TEST_F(DataOps, ParseJsonTakesAValueAsItIs) {
  auto rec = RunAction(ParseJsonAction("\"@triggerBody()\""), "Parse", J(R"j({"id": 1, "items": []})j"));
  ExpectBody(rec, J(R"j({"id": 1, "items": []})j"));
}

TEST_F(DataOps, ParseJsonAcceptsCommentsAndTrailingCommasAsJsonDoes) {
  auto rec = RunAction(ParseJsonAction("\"@triggerBody()\"", "{}"), "Parse", "/* c */ [1, 2,] // end");
  ExpectBody(rec, J("[1, 2]"));
}

TEST_F(DataOps, ParseJsonReadsABinaryContentEnvelope) {
  // base64 of {"id":5,"items":[]}
  auto rec = RunAction(ParseJsonAction(R"j({"$content-type": "application/octet-stream",
                                          "$content": "eyJpZCI6NSwiaXRlbXMiOltdfQ=="})j"),
                       "Parse");
  ExpectBody(rec, J(R"j({"id": 5, "items": []})j"));
}

TEST_F(DataOps, ParseJsonReportsWhereTheTextIsNotJson) {
  auto rec = RunAction(ParseJsonAction("\"@triggerBody()\"", "{}"), "Parse", "{\n  \"a\": 1,\n  \"b\": tru\n}");
  ExpectFailure(rec, "InvalidJSON", {"ParseJson: 'content' is not valid JSON", "line 3, column 8", "near 'tru'"});
}

TEST_F(DataOps, ParseJsonRejectsTextAfterTheValue) {
  auto rec = RunAction(ParseJsonAction("\"@triggerBody()\"", "{}"), "Parse", "{} x");
  ExpectFailure(rec, "InvalidJSON", {"line 1, column 4", "near 'x'"});
}

TEST_F(DataOps, ParseJsonReportsATruncatedText) {
  auto rec = RunAction(ParseJsonAction("\"@triggerBody()\"", "{}"), "Parse", "[1, 2");
  ExpectFailure(rec, "InvalidJSON", {"incomplete JSON", "at line 1, column 6", "at the end of the text"});
}

TEST_F(DataOps, ParseJsonRejectsAnEmptyString) {
  auto rec = RunAction(ParseJsonAction("\"\"", "{}"), "Parse");
  ExpectFailure(rec, "InvalidJSON", {"empty"});
}

TEST_F(DataOps, ParseJsonListsEverySchemaViolationWithItsPath) {
  auto rec = RunAction(ParseJsonAction("\"@triggerBody()\""), "Parse",
                       R"j({"items": [{"qty": 1}, {"qty": 2}, {"qty": "3"}]})j");
  ExpectFailure(rec, "SchemaValidationFailed",
                {"ParseJson: ", "$.id: required property is missing", "$.items[2].qty: expected integer, got string"});
  EXPECT_EQ(rec.at("outputs"), J(R"j({"errors": [
      {"path": "$.id", "errorType": "required", "message": "required property is missing"},
      {"path": "$.items[2].qty", "errorType": "type", "message": "expected integer, got string"}]})j"));
}

TEST_F(DataOps, ParseJsonWithAnUnusableSchemaFails) {
  auto rec = RunAction(ParseJsonAction(R"j("\"abc\"")j", R"j({"type": "string", "pattern": "(unclosed"})j"), "Parse");
  ExpectFailure(rec, "InvalidSchema", {"ParseJson: ", "(unclosed"});
}

// ---- Expression (Power Automate's date/time and text operations) ----

std::string ExpressionAction(std::string_view kind, std::string_view inputs) {
  return R"j({"Op": {"type": "Expression", "kind": ")j" + std::string(kind) + R"j(", "runAfter": {}, "inputs": )j" +
         std::string(inputs) + "}}";
}

TEST_F(DataOps, ExpressionAddToTime) {
  auto rec = RunAction(ExpressionAction("AddToTime",
      R"j({"baseTime": "2024-01-31T10:00:00Z", "interval": 1, "timeUnit": "Month"})j"), "Op");
  ExpectBody(rec, "2024-02-29T10:00:00.0000000Z");
}

TEST_F(DataOps, ExpressionSubtractFromTimeWithFormat) {
  auto rec = RunAction(ExpressionAction("SubtractFromTime",
      R"j({"baseTime": "2024-03-01T00:00:00Z", "interval": 1, "timeUnit": "Week", "formatString": "yyyy-MM-dd"})j"),
                       "Op");
  ExpectBody(rec, "2024-02-23");
}

TEST_F(DataOps, ExpressionConvertTimeZone) {
  auto rec = RunAction(ExpressionAction("ConvertTimeZone", R"j({"baseTime": "2024-07-01T12:00:00Z",
      "sourceTimeZone": "UTC", "destinationTimeZone": "Central Standard Time", "formatString": "yyyy-MM-dd HH:mm"})j"),
                       "Op");
  ExpectBody(rec, "2024-07-01 07:00");
}

TEST_F(DataOps, ExpressionCurrentTimeReadsTheRunClock) {
  auto rec = RunAction(ExpressionAction("CurrentTime", "{}"), "Op");
  ExpectBody(rec, "2024-05-01T12:00:00.0000000Z");
}

TEST_F(DataOps, ExpressionFutureAndPastTimeAcceptIntegerText) {
  auto rec = RunAction(R"j({"Future": {"type": "Expression", "kind": "GetFutureTime", "runAfter": {},
      "inputs": {"interval": "3", "timeUnit": "Day"}},
      "Past": {"type": "Expression", "kind": "getpasttime", "runAfter": {},
      "inputs": {"interval": 2, "timeUnit": "Hour", "formatString": ""}}})j", "Future");
  ExpectBody(rec, "2024-05-04T12:00:00.0000000Z");
  ExpectBody(run_.at_pointer("/actions/Past").as_object(), "2024-05-01T10:00:00.0000000Z");
}

TEST_F(DataOps, ExpressionIndexOfAndSubstring) {
  auto rec = RunAction(R"j({"Find": {"type": "Expression", "kind": "IndexOf", "runAfter": {},
      "inputs": {"text": "https://graph/v1.0/users", "searchText": "V1.0"}},
      "Cut": {"type": "Expression", "kind": "Substring", "runAfter": {},
      "inputs": {"text": "hello world", "startingPosition": 6, "length": 5}}})j", "Find");
  ExpectBody(rec, 14);
  ExpectBody(run_.at_pointer("/actions/Cut").as_object(), "world");
}

TEST_F(DataOps, ExpressionWithoutARequiredInputFails) {
  auto rec = RunAction(ExpressionAction("AddToTime", R"j({"baseTime": "2024-01-01T00:00:00Z", "interval": 1})j"), "Op");
  ExpectFailure(rec, "InvalidExpressionInput", {"Expression: AddToTime needs inputs.timeUnit"});
}

TEST_F(DataOps, ExpressionFunctionErrorsNameTheKind) {
  auto rec = RunAction(ExpressionAction("AddToTime",
      R"j({"baseTime": "2024-01-01T00:00:00Z", "interval": 1, "timeUnit": "Fortnight"})j"), "Op");
  ASSERT_EQ(rec.at("status"), bj::value("Failed"));
  std::string message(rec.at("error").at("message").as_string());
  EXPECT_EQ(message.rfind("Expression: AddToTime: ", 0), 0u) << message;
  EXPECT_NE(message.find("Fortnight"), std::string::npos) << message;
}

// ---- CallFunction and the designer's condition objects that use it ----

TEST(CallFunction, RunsAFunctionOnValues) {
  ManualClock clock(kNowMicros);
  bj::value args[] = {"a-b-c", "-"};
  auto r = CallFunction("split", args, clock);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r.value(), J(R"j(["a", "b", "c"])j"));
  auto now = CallFunction("UTCNOW", {}, clock);
  ASSERT_TRUE(now) << now.error().ToString();
  EXPECT_EQ(now.value(), bj::value("2024-05-01T12:00:00.0000000Z"));
}

TEST(CallFunction, ReportsUnknownFunctionsAndWrongArity) {
  ManualClock clock(kNowMicros);
  bj::value one[] = {1};
  auto unknown = CallFunction("noSuchFunction", one, clock);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, "UnknownFunction");
  auto arity = CallFunction("add", one, clock);
  ASSERT_FALSE(arity);
  EXPECT_EQ(arity.error().code, "WrongArgumentCount");
  EXPECT_NE(arity.error().message.find("add() takes 2 arguments, got 1"), std::string::npos) << arity.error().message;
}

TEST(CallFunction, DesignerConditionsStillUseTheFunctions) {
  auto yes = InterpretCondition(J(R"j({"and": [{"equals": ["a", "a"]}, {"greater": [3, 2]}]})j"));
  ASSERT_TRUE(yes) << yes.error().ToString();
  EXPECT_TRUE(yes.value());
  auto case_sensitive = InterpretCondition(J(R"j({"equals": ["a", "A"]})j"));
  ASSERT_TRUE(case_sensitive);
  EXPECT_FALSE(case_sensitive.value());
  auto bad = InterpretCondition(J(R"j({"greater": [1]})j"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "InvalidCondition");
}

}  // namespace
}  // namespace runnel::engine
