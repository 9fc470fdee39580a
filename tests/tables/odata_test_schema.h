// A small schema for the OData tests: accounts, their contacts (contact_customer_accounts) and
// the contacts' opportunities (opportunity_customer_contacts), as Dataverse names them.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "tables/odata_query.h"

namespace runnel::tables::testing {

class MapSchema : public QuerySchema {
 public:
  MapSchema& Add(std::string odata_name, std::string sql_name, ValueKind kind) {
    columns_[std::move(odata_name)] = QueryColumn{std::move(sql_name), kind};
    return *this;
  }
  MapSchema& AddCollection(std::string odata_name, QueryCollection c, const MapSchema* rows) {
    collections_[std::move(odata_name)] = {std::move(c), rows};
    return *this;
  }
  std::optional<QueryColumn> Column(std::string_view odata_name) const override {
    auto it = columns_.find(std::string(odata_name));
    if (it == columns_.end()) return std::nullopt;
    return it->second;
  }
  const QuerySchema* Collection(std::string_view odata_name, QueryCollection* out) const override {
    auto it = collections_.find(std::string(odata_name));
    if (it == collections_.end()) return nullptr;
    *out = it->second.first;
    return it->second.second;
  }

 private:
  std::map<std::string, QueryColumn> columns_;
  std::map<std::string, std::pair<QueryCollection, const MapSchema*>> collections_;
};

// The three tables; SQL names of lookups drop the _..._value decoration, as the store does.
struct TestSchemas {
  MapSchema accounts, contacts, opportunities;
  TestSchemas() {
    opportunities.Add("opportunityid", "opportunityid", ValueKind::kGuid)
        .Add("description", "description", ValueKind::kString)
        .Add("_customerid_value", "customerid", ValueKind::kGuid);
    contacts.Add("contactid", "contactid", ValueKind::kGuid)
        .Add("fullname", "fullname", ValueKind::kString)
        .Add("jobtitle", "jobtitle", ValueKind::kString)
        .Add("age", "age", ValueKind::kInteger)
        .Add("_parentcustomerid_value", "parentcustomerid", ValueKind::kGuid)
        .AddCollection("opportunity_customer_contacts", {"opportunities", "customerid", "contactid"}, &opportunities);
    accounts.Add("accountid", "accountid", ValueKind::kGuid)
        .Add("name", "name", ValueKind::kString)
        .Add("description", "description", ValueKind::kString)
        .Add("revenue", "revenue", ValueKind::kDecimal)
        .Add("rating", "rating", ValueKind::kFloat)
        .Add("numberofemployees", "numberofemployees", ValueKind::kInteger)
        .Add("isactive", "isactive", ValueKind::kBoolean)
        .Add("createdon", "createdon", ValueKind::kDateTime)
        .Add("modifiedon", "modifiedon", ValueKind::kDateTime)
        .Add("_primarycontactid_value", "primarycontactid", ValueKind::kGuid)
        .AddCollection("contact_customer_accounts", {"contacts", "parentcustomerid", "accountid"}, &contacts);
  }
};

}  // namespace runnel::tables::testing
