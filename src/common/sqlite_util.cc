#include "common/sqlite_util.h"

namespace sprocket {

StatusCode StatusCodeFromSqlite(int rc) {
  switch (rc & 0xff) {
    case SQLITE_OK:
      return StatusCode::kOk;
    case SQLITE_CONSTRAINT:
      return StatusCode::kConstraint;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return StatusCode::kBusy;
    case SQLITE_AUTH:
    case SQLITE_PERM:
    case SQLITE_READONLY:
      return StatusCode::kPermissionDenied;
    case SQLITE_NOMEM:
    case SQLITE_FULL:
    case SQLITE_TOOBIG:
      return StatusCode::kResourceExhausted;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return StatusCode::kIoError;
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
      return StatusCode::kInvalidArgument;
    case SQLITE_INTERRUPT:
      return StatusCode::kCancelled;
    case SQLITE_INTERNAL:
    case SQLITE_MISUSE:
      return StatusCode::kInternal;
    default:
      return StatusCode::kInvalidArgument;
  }
}

Status SqliteError(sqlite3* db, int rc) {
  return Status(StatusCodeFromSqlite(rc), db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

Result<StmtPtr> PrepareOne(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, &tail);
  StmtPtr stmt(raw);
  if (rc != SQLITE_OK) return SqliteError(db, rc);
  if (stmt == nullptr) return Status(StatusCode::kInvalidArgument, "empty SQL statement");
  return stmt;
}

namespace {

int Bind(sqlite3_stmt* stmt, int index, const Value& value, void (*lifetime)(void*)) {
  switch (value.type()) {
    case ValueType::kNull:
      return sqlite3_bind_null(stmt, index);
    case ValueType::kInteger:
      return sqlite3_bind_int64(stmt, index, value.integer());
    case ValueType::kReal:
      return sqlite3_bind_double(stmt, index, value.real());
    case ValueType::kText:
      return sqlite3_bind_text64(stmt, index, value.text().data(), value.text().size(), lifetime,
                                 SQLITE_UTF8);
    case ValueType::kBlob:
      return sqlite3_bind_blob64(stmt, index, value.blob().data(), value.blob().size(), lifetime);
  }
  return SQLITE_MISUSE;
}

}  // namespace

int BindValue(sqlite3_stmt* stmt, int index, const Value& value) {
  return Bind(stmt, index, value, SQLITE_TRANSIENT);
}

int BindValueNoCopy(sqlite3_stmt* stmt, int index, const Value& value) {
  return Bind(stmt, index, value, SQLITE_STATIC);
}

Value ColumnValue(sqlite3_stmt* stmt, int column) {
  switch (sqlite3_column_type(stmt, column)) {
    case SQLITE_INTEGER:
      return Value(static_cast<int64_t>(sqlite3_column_int64(stmt, column)));
    case SQLITE_FLOAT:
      return Value(sqlite3_column_double(stmt, column));
    case SQLITE_TEXT: {
      const char* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
      return Value(std::string(p, sqlite3_column_bytes(stmt, column)));
    }
    case SQLITE_BLOB: {
      const char* p = static_cast<const char*>(sqlite3_column_blob(stmt, column));
      return Value::FromBlob(std::string_view(p ? p : "", sqlite3_column_bytes(stmt, column)));
    }
    default:
      return Value();
  }
}

void ResultValue(sqlite3_context* ctx, const Value& v) {
  switch (v.type()) {
    case ValueType::kNull:
      sqlite3_result_null(ctx);
      break;
    case ValueType::kInteger:
      sqlite3_result_int64(ctx, v.integer());
      break;
    case ValueType::kReal:
      sqlite3_result_double(ctx, v.real());
      break;
    case ValueType::kText:
      sqlite3_result_text64(ctx, v.text().data(), v.text().size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      break;
    case ValueType::kBlob:
      sqlite3_result_blob64(ctx, v.blob().data(), v.blob().size(), SQLITE_TRANSIENT);
      break;
  }
}

namespace {

std::string_view TextOf(sqlite3_value* value, bool utf8) {
  // sqlite3_value_blob gives a text value's bytes in its encoding, unterminated.
  const void* p = utf8 ? sqlite3_value_blob(value) : sqlite3_value_text(value);
  return std::string_view(p != nullptr ? static_cast<const char*>(p) : "",
                          static_cast<size_t>(sqlite3_value_bytes(value)));
}

std::string_view BlobOf(sqlite3_value* value) {
  const void* p = sqlite3_value_blob(value);
  return std::string_view(p != nullptr ? static_cast<const char*>(p) : "",
                          static_cast<size_t>(sqlite3_value_bytes(value)));
}

}  // namespace

Value ValueFromSqlite(sqlite3_value* value, bool utf8) {
  switch (sqlite3_value_type(value)) {
    case SQLITE_INTEGER:
      return Value(static_cast<int64_t>(sqlite3_value_int64(value)));
    case SQLITE_FLOAT:
      return Value(sqlite3_value_double(value));
    case SQLITE_TEXT:
      return Value(TextOf(value, utf8));
    case SQLITE_BLOB:
      return Value::FromBlob(BlobOf(value));
    default:
      return Value();
  }
}

void AppendValueFromSqlite(std::vector<Value>& out, sqlite3_value* value, bool utf8) {
  switch (sqlite3_value_type(value)) {
    case SQLITE_INTEGER:
      out.emplace_back(static_cast<int64_t>(sqlite3_value_int64(value)));
      return;
    case SQLITE_FLOAT:
      out.emplace_back(sqlite3_value_double(value));
      return;
    case SQLITE_TEXT:
      out.emplace_back(TextOf(value, utf8));
      return;
    case SQLITE_BLOB:
      out.push_back(Value::FromBlob(BlobOf(value)));
      return;
    default:
      out.emplace_back();
  }
}

std::string SqliteVersion() { return std::string("SQLite ") + sqlite3_libversion(); }

Status CollectRows(sqlite3* db, sqlite3_stmt* stmt, ResultSet* out, size_t max_bytes) {
  int n = sqlite3_column_count(stmt);
  out->columns.clear();
  for (int i = 0; i < n; ++i) out->columns.emplace_back(sqlite3_column_name(stmt, i));
  size_t bytes = 0;
  for (;;) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return SqliteError(db, rc);
    std::vector<Value> row;
    row.reserve(n);
    for (int i = 0; i < n; ++i) {
      row.push_back(ColumnValue(stmt, i));
      bytes += ValueBytes(row.back());
    }
    out->rows.push_back(std::move(row));
    if (max_bytes != 0 && bytes > max_bytes) {
      sqlite3_reset(stmt);
      return Status(StatusCode::kResourceExhausted,
                    "the query result is larger than " + std::to_string(max_bytes >> 20) + " MiB");
    }
  }
  out->rows_affected = sqlite3_stmt_readonly(stmt) ? 0 : sqlite3_changes64(db);
  out->last_insert_rowid = sqlite3_last_insert_rowid(db);
  return Status::Ok();
}

Result<ResultSet> RunStatement(sqlite3* db, std::string_view sql,
                               const std::vector<Value>& params) {
  SPROCKET_ASSIGN_OR_RETURN(StmtPtr stmt, PrepareOne(db, sql));
  int count = sqlite3_bind_parameter_count(stmt.get());
  for (int i = 0; i < count && i < static_cast<int>(params.size()); ++i) {
    int rc = BindValue(stmt.get(), i + 1, params[i]);
    if (rc != SQLITE_OK) return SqliteError(db, rc);
  }
  ResultSet out;
  SPROCKET_RETURN_IF_ERROR(CollectRows(db, stmt.get(), &out));
  return out;
}

}  // namespace sprocket
