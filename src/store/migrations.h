// Schema migrations: migrations/NNNN_name.sql applied in order, each in its own transaction,
// recorded in schema_migrations with the SHA-256 of the file. Safe to run from two processes at once
// (each migration's check and apply happen under BEGIN IMMEDIATE).
#pragma once

#include <string>
#include <vector>

#include "store/database.h"

namespace entraide::store {

struct MigrationFile {
  int version = 0;
  std::string name;  // file name, e.g. 0001_articles.sql
  std::string sql;
  std::string checksum;
};

// Reads the folder. kInvalidArgument for a file not named NNNN_name.sql or a repeated version.
StatusOr<std::vector<MigrationFile>> LoadMigrations(const std::string& dir);

struct MigrationReport {
  std::vector<std::string> applied;  // names applied by this call
};

// Applies what is missing. kConflict when an applied migration's file changed (names the file and both
// checksums) or when the database has a version this program does not know (newer program ran).
StatusOr<MigrationReport> Migrate(Database& db, const std::vector<MigrationFile>& files);

// What Migrate would apply now, changing nothing (not even creating schema_migrations); the same kConflict
// errors as Migrate.
StatusOr<std::vector<MigrationFile>> PendingMigrations(Database& db, const std::vector<MigrationFile>& files);

struct AppliedMigration {
  int version = 0;
  std::string name;
  std::string checksum;
};

// The migrations recorded in the database, in order; empty for a new database.
StatusOr<std::vector<AppliedMigration>> AppliedMigrations(Database& db);

}  // namespace entraide::store
