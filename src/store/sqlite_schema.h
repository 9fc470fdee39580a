// Creates or upgrades the store's SQLite schema (sqlite_schema.cpp).
#pragma once

#include "store/sqlite_db.h"

namespace runnel::store {

Status MigrateSchema(Database& db);

}  // namespace runnel::store
