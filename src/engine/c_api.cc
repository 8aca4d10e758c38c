// The C API (include/sprocket/sprocket.h) over the C++ API.
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "sprocket/sprocket.h"
#include "sprocket/sprocket.hpp"

struct sprocket_options {
  sprocket::Options options;
};

struct sprocket_db {
  std::unique_ptr<sprocket::Database> database;
  std::unique_ptr<sprocket::Session> session;
  std::string error;
  std::string sqlstate = "00000";
  int64_t changes = 0;
  int64_t last_insert_rowid = 0;
  sprocket_notice_fn notice = nullptr;
  void* notice_arg = nullptr;
};

struct sprocket_stmt {
  sprocket_db* db;
  std::unique_ptr<sprocket::Statement> statement;
  std::vector<sprocket::Value> row;  // the current row, materialised for stable pointers
  std::vector<std::string> names;
};

namespace {

int Fail(sprocket_db* db, const sprocket::Status& status) {
  db->error = status.message();
  db->sqlstate = sprocket::SqlState(status.code());
  return SPROCKET_ERROR;
}

void Notify(sprocket_db* db, const std::vector<sprocket::Notice>& notices) {
  if (db->notice == nullptr) return;
  for (const sprocket::Notice& n : notices) {
    db->notice(db->notice_arg, n.severity.c_str(), n.message.c_str());
  }
}

int Ok(sprocket_db* db) {
  db->error.clear();
  db->sqlstate = "00000";
  return SPROCKET_OK;
}

int BindAt(sprocket_stmt* st, int index, sprocket::Value value) {
  if (st == nullptr) return SPROCKET_MISUSE;
  sprocket::Status s = st->statement->Bind(index, value);
  return s.ok() ? Ok(st->db) : Fail(st->db, s);
}

const sprocket::Value* Column(sprocket_stmt* st, int column) {
  if (st == nullptr || column < 0 || column >= static_cast<int>(st->row.size())) return nullptr;
  return &st->row[column];
}

}  // namespace

extern "C" {

int sprocket_open(const char* path, sprocket_db** out) {
  return sprocket_open_v2(path, nullptr, out);
}

sprocket_options* sprocket_options_new(void) { return new sprocket_options(); }

void sprocket_options_free(sprocket_options* options) {
  std::unique_ptr<sprocket_options> owned(options);
}

int sprocket_options_set_int(sprocket_options* options, const char* name, int64_t value) {
  if (options == nullptr || name == nullptr || value < 0) return SPROCKET_MISUSE;
  sprocket::Options& o = options->options;
  std::string_view n = name;
  if (n == "busy_timeout_ms" && value <= INT32_MAX) {
    o.busy_timeout_ms = static_cast<int>(value);
  } else if (n == "max_audit_events") {
    o.max_audit_events = static_cast<size_t>(value);
  } else if (n == "max_warm_instances") {
    o.max_warm_instances = static_cast<size_t>(value);
  } else if (n == "read_only") {
    o.read_only = value != 0;
  } else if (n == "create_if_missing") {
    o.create_if_missing = value != 0;
  } else {
    return SPROCKET_MISUSE;
  }
  return SPROCKET_OK;
}

int sprocket_options_set_text(sprocket_options* options, const char* name, const char* value) {
  if (options == nullptr || name == nullptr || value == nullptr) return SPROCKET_MISUSE;
  std::string_view n = name;
  if (n == "user") {
    options->options.user = value;
  } else if (n == "languages") {
    std::vector<std::string> languages;
    std::string current;
    for (const char* p = value;; ++p) {
      if (*p == ',' || *p == '\0') {
        size_t b = current.find_first_not_of(' '), e = current.find_last_not_of(' ');
        if (b != std::string::npos) languages.push_back(current.substr(b, e - b + 1));
        current.clear();
        if (*p == '\0') break;
      } else {
        current += *p;
      }
    }
    options->options.languages = std::move(languages);
  } else {
    return SPROCKET_MISUSE;
  }
  return SPROCKET_OK;
}

int sprocket_options_set_log(sprocket_options* options, sprocket_log_fn log, void* arg) {
  if (options == nullptr) return SPROCKET_MISUSE;
  if (log == nullptr) {
    options->options.log_sink = nullptr;
    return SPROCKET_OK;
  }
  options->options.log_sink = [log, arg](sprocket::LogLevel level, std::string_view function,
                                         std::string_view message) {
    std::string f(function), m(message);
    log(arg, static_cast<int>(level), f.c_str(), m.c_str());
  };
  return SPROCKET_OK;
}

int sprocket_open_v2(const char* path, const sprocket_options* options, sprocket_db** out) {
  if (out == nullptr) return SPROCKET_MISUSE;
  auto db = std::make_unique<sprocket_db>();
  auto database = sprocket::Database::Open(path ? path : ":memory:",
                                           options ? options->options : sprocket::Options());
  int rc = SPROCKET_OK;
  if (!database.ok()) {
    rc = Fail(db.get(), database.status());
  } else {
    db->database = std::move(*database);
    auto session = db->database->Connect();
    if (!session.ok()) {
      rc = Fail(db.get(), session.status());
    } else {
      db->session = std::move(*session);
    }
  }
  *out = db.release();  // owned by the caller until sprocket_close
  return rc;
}

int sprocket_close(sprocket_db* db) {
  if (db == nullptr) return SPROCKET_OK;
  std::unique_ptr<sprocket_db> owned(db);
  owned->session.reset();
  owned->database.reset();
  return SPROCKET_OK;
}

int sprocket_exec(sprocket_db* db, const char* sql) {
  if (db == nullptr || sql == nullptr) return SPROCKET_MISUSE;
  if (db->session == nullptr) return SPROCKET_MISUSE;
  auto result = db->session->Execute(sql);
  if (!result.ok()) return Fail(db, result.status());
  Notify(db, result->notices);
  db->changes = result->rows_affected;
  db->last_insert_rowid = result->last_insert_rowid;
  return Ok(db);
}

const char* sprocket_errmsg(sprocket_db* db) {
  if (db == nullptr) return "out of memory";
  return db->error.empty() ? "not an error" : db->error.c_str();
}

const char* sprocket_sqlstate(sprocket_db* db) { return db ? db->sqlstate.c_str() : "XX000"; }
int64_t sprocket_changes(sprocket_db* db) { return db ? db->changes : 0; }
int64_t sprocket_last_insert_rowid(sprocket_db* db) { return db ? db->last_insert_rowid : 0; }
const char* sprocket_libversion(void) { return sprocket::Database::Version(); }

void sprocket_interrupt(sprocket_db* db) {
  if (db != nullptr && db->session != nullptr) db->session->Interrupt();
}

int sprocket_set_notice_handler(sprocket_db* db, sprocket_notice_fn handler, void* arg) {
  if (db == nullptr) return SPROCKET_MISUSE;
  db->notice = handler;
  db->notice_arg = arg;
  return SPROCKET_OK;
}

int sprocket_prepare(sprocket_db* db, const char* sql, sprocket_stmt** out) {
  if (db == nullptr || sql == nullptr || out == nullptr || db->session == nullptr) {
    return SPROCKET_MISUSE;
  }
  *out = nullptr;
  auto statement = db->session->Prepare(sql);
  if (!statement.ok()) return Fail(db, statement.status());
  auto st = std::make_unique<sprocket_stmt>();
  st->db = db;
  st->statement = std::move(*statement);
  *out = st.release();  // owned by the caller until sprocket_finalize
  return Ok(db);
}

int sprocket_bind_null(sprocket_stmt* st, int index) {
  return BindAt(st, index, sprocket::Value());
}
int sprocket_bind_int64(sprocket_stmt* st, int index, int64_t value) {
  return BindAt(st, index, sprocket::Value(value));
}
int sprocket_bind_double(sprocket_stmt* st, int index, double value) {
  return BindAt(st, index, sprocket::Value(value));
}
int sprocket_bind_text(sprocket_stmt* st, int index, const char* text, int bytes) {
  if (text == nullptr) return sprocket_bind_null(st, index);
  size_t n = bytes < 0 ? std::strlen(text) : static_cast<size_t>(bytes);
  return BindAt(st, index, sprocket::Value(std::string(text, n)));
}
int sprocket_bind_blob(sprocket_stmt* st, int index, const void* data, int bytes) {
  if (data == nullptr) return sprocket_bind_null(st, index);
  return BindAt(st, index,
                sprocket::Value::FromBlob(
                    std::string_view(static_cast<const char*>(data), bytes < 0 ? 0 : bytes)));
}
int sprocket_bind_parameter_index(sprocket_stmt* st, const char* name) {
  return st && name ? st->statement->parameter_index(name) : 0;
}

int sprocket_step(sprocket_stmt* st) {
  if (st == nullptr) return SPROCKET_MISUSE;
  auto row = st->statement->Step();
  if (!row.ok()) return Fail(st->db, row.status());
  Ok(st->db);
  st->row.clear();
  if (!*row) {
    st->db->changes = st->statement->rows_affected();
    Notify(st->db, st->statement->notices());
    return SPROCKET_DONE;
  }
  int n = st->statement->column_count();
  for (int i = 0; i < n; ++i) st->row.push_back(st->statement->column(i));
  return SPROCKET_ROW;
}

int sprocket_reset(sprocket_stmt* st) {
  if (st == nullptr) return SPROCKET_MISUSE;
  st->row.clear();
  sprocket::Status s = st->statement->Reset();
  return s.ok() ? Ok(st->db) : Fail(st->db, s);
}

int sprocket_column_count(sprocket_stmt* st) { return st ? st->statement->column_count() : 0; }

const char* sprocket_column_name(sprocket_stmt* st, int column) {
  if (st == nullptr || column < 0 || column >= st->statement->column_count()) return nullptr;
  if (st->names.empty()) {
    for (int i = 0; i < st->statement->column_count(); ++i) {
      st->names.push_back(st->statement->column_name(i));
    }
  }
  return st->names[column].c_str();
}

int sprocket_column_type(sprocket_stmt* st, int column) {
  const sprocket::Value* v = Column(st, column);
  return v ? static_cast<int>(v->type()) : SPROCKET_NULL;
}

int64_t sprocket_column_int64(sprocket_stmt* st, int column) {
  const sprocket::Value* v = Column(st, column);
  if (v == nullptr) return 0;
  switch (v->type()) {
    case sprocket::ValueType::kInteger:
      return v->integer();
    case sprocket::ValueType::kReal:
      return static_cast<int64_t>(v->real());
    case sprocket::ValueType::kText:
      return std::atoll(v->text().c_str());
    default:
      return 0;
  }
}

double sprocket_column_double(sprocket_stmt* st, int column) {
  const sprocket::Value* v = Column(st, column);
  if (v == nullptr) return 0;
  switch (v->type()) {
    case sprocket::ValueType::kInteger:
      return static_cast<double>(v->integer());
    case sprocket::ValueType::kReal:
      return v->real();
    case sprocket::ValueType::kText:
      return std::atof(v->text().c_str());
    default:
      return 0;
  }
}

const char* sprocket_column_text(sprocket_stmt* st, int column) {
  const sprocket::Value* v = Column(st, column);
  if (v == nullptr || v->is_null()) return nullptr;
  if (v->type() == sprocket::ValueType::kText) return v->text().c_str();
  if (v->type() == sprocket::ValueType::kBlob) return v->blob().c_str();
  // Numbers: convert in place so the pointer stays valid until the next step.
  st->row[column] = sprocket::Value(v->ToString());
  return st->row[column].text().c_str();
}

const void* sprocket_column_blob(sprocket_stmt* st, int column) {
  const sprocket::Value* v = Column(st, column);
  if (v == nullptr || v->is_null()) return nullptr;
  if (v->type() == sprocket::ValueType::kBlob) return v->blob().data();
  return sprocket_column_text(st, column);
}

int sprocket_column_bytes(sprocket_stmt* st, int column) {
  const sprocket::Value* v = Column(st, column);
  if (v == nullptr || v->is_null()) return 0;
  if (v->type() == sprocket::ValueType::kBlob) return static_cast<int>(v->blob().size());
  if (v->type() == sprocket::ValueType::kText) return static_cast<int>(v->text().size());
  return static_cast<int>(v->ToString().size());
}

int sprocket_finalize(sprocket_stmt* st) {
  std::unique_ptr<sprocket_stmt> owned(st);
  return SPROCKET_OK;
}

}  // extern "C"
