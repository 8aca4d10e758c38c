#include "catalog/records.h"

#include "common/strings.h"
#include "runtime/runtime.h"

namespace sprocket::catalog {

namespace {

// An identifier as it must be written in SQL: bare when it is a plain word, else quoted.
std::string Ident(std::string_view name) {
  bool plain = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
  for (char c : name) {
    plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  }
  return plain ? std::string(name) : QuoteIdentifier(name);
}

std::string ParamsText(const std::vector<runtime::Param>& params) {
  std::string out;
  for (size_t i = 0; i < params.size(); ++i) {
    if (i) out += ", ";
    if (!params[i].name.empty()) out += Ident(params[i].name) + " ";
    out += params[i].declared_type;
  }
  return out;
}

// $$source$$, with a tag that does not occur in the source.
std::string DollarQuote(std::string_view source) {
  std::string tag = "$$";
  for (int i = 0; source.find(tag) != std::string_view::npos; ++i) {
    tag = "$body" + (i ? std::to_string(i) : std::string()) + "$";
  }
  return tag + std::string(source) + tag;
}

std::string HexLiteral(std::string_view bytes) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out = "X'";
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out + "'";
}

}  // namespace

std::string FunctionRecord::ArgumentsText() const { return ParamsText(def.params); }

std::string FunctionRecord::ReturnsText() const {
  switch (def.kind) {
    case runtime::FunctionKind::kScalar:
      return def.return_declared;
    case runtime::FunctionKind::kTrigger:
      return "TRIGGER";
    case runtime::FunctionKind::kProcedure:
      return "VOID";
    case runtime::FunctionKind::kTable:
      if (!def.return_declared.empty()) return "SETOF " + def.return_declared;
      return "TABLE(" + ParamsText(def.return_columns) + ")";
  }
  return "";
}

std::string FunctionRecord::Definition() const {
  bool procedure = def.kind == runtime::FunctionKind::kProcedure;
  std::string out = procedure ? "CREATE PROCEDURE " : "CREATE FUNCTION ";
  out += Ident(def.name) + "(" + ArgumentsText() + ")";
  if (!procedure) out += " RETURNS " + ReturnsText();
  out += " LANGUAGE " + def.language;
  if (def.volatility == runtime::Volatility::kImmutable) out += " IMMUTABLE";
  if (def.volatility == runtime::Volatility::kStable) out += " STABLE";
  if (def.strict) out += " STRICT";
  if (!def.file_path.empty()) {
    out += " AS FILE " + QuoteString(def.file_path);
  } else if (def.source_is_binary) {
    out += " AS " + HexLiteral(def.source);
  } else {
    out += " AS " + DollarQuote(def.source);
  }
  return out;
}

std::string FunctionRecord::ContentKey() const { return runtime::CompileKey(def, ""); }

std::string TriggerRecord::TimingText() const {
  switch (timing) {
    case sql::TriggerTiming::kBefore:
      return "BEFORE";
    case sql::TriggerTiming::kAfter:
      return "AFTER";
    case sql::TriggerTiming::kInsteadOf:
      return "INSTEAD OF";
    case sql::TriggerTiming::kAfterCommit:
      return "AFTER COMMIT";
  }
  return "";
}

std::string TriggerRecord::EventsText() const {
  std::string out;
  for (size_t i = 0; i < events.size(); ++i) {
    if (i) out += " OR ";
    switch (events[i].op) {
      case sql::TriggerOp::kInsert:
        out += "INSERT";
        break;
      case sql::TriggerOp::kDelete:
        out += "DELETE";
        break;
      case sql::TriggerOp::kUpdate:
        out += "UPDATE";
        if (!events[i].columns.empty()) {
          out += " OF ";
          for (size_t c = 0; c < events[i].columns.size(); ++c) {
            if (c) out += ", ";
            out += Ident(events[i].columns[c]);
          }
        }
        break;
    }
  }
  return out;
}

std::string TriggerRecord::LevelText() const {
  return level == sql::TriggerLevel::kRow ? "ROW" : "STATEMENT";
}

std::string TriggerRecord::Definition() const {
  std::string timing =
      this->timing == sql::TriggerTiming::kAfterCommit ? "AFTER COMMIT OF" : TimingText();
  std::string out =
      "CREATE TRIGGER " + Ident(name) + " " + timing + " " + EventsText() + " ON " + Ident(table);
  if (!referencing.empty()) {
    out += " REFERENCING";
    for (const sql::Referencing& r : referencing) {
      out += r.is_new ? " NEW TABLE AS " : " OLD TABLE AS ";
      out += Ident(r.name);
    }
  }
  out += for_all ? " FOR ALL"
                 : (level == sql::TriggerLevel::kRow ? " FOR EACH ROW" : " FOR EACH STATEMENT");
  if (!when.empty()) out += " WHEN (" + when + ")";
  if (is_inline()) {
    out += " LANGUAGE " + language + " AS " + DollarQuote(source);
  } else {
    out += " EXECUTE FUNCTION " + Ident(function) + "(";
    for (size_t i = 0; i < arguments.size(); ++i) {
      if (i) out += ", ";
      out += QuoteString(arguments[i]);
    }
    out += ")";
  }
  return out;
}

const char* OwnerKindName(OwnerKind kind) {
  return kind == OwnerKind::kFunction ? "function" : "trigger";
}

CatalogSnapshot::CatalogSnapshot(std::string token, std::vector<FunctionRecord> functions,
                                 std::vector<TriggerRecord> triggers,
                                 std::vector<CapabilityRecord> grants)
    : token_(std::move(token)),
      functions_(std::move(functions)),
      triggers_(std::move(triggers)),
      grants_(std::move(grants)) {}

const FunctionRecord* CatalogSnapshot::FindFunction(std::string_view name) const {
  for (const FunctionRecord& f : functions_) {
    if (EqualsIgnoreCase(f.def.name, name)) return &f;
  }
  return nullptr;
}

const TriggerRecord* CatalogSnapshot::FindTrigger(std::string_view table,
                                                  std::string_view name) const {
  for (const TriggerRecord& t : triggers_) {
    if (EqualsIgnoreCase(t.table, table) && EqualsIgnoreCase(t.name, name)) return &t;
  }
  return nullptr;
}

std::vector<const TriggerRecord*> CatalogSnapshot::TriggersNamed(std::string_view name) const {
  std::vector<const TriggerRecord*> out;
  for (const TriggerRecord& t : triggers_) {
    if (EqualsIgnoreCase(t.name, name)) out.push_back(&t);
  }
  return out;
}

std::vector<const TriggerRecord*> CatalogSnapshot::TriggersOn(std::string_view table) const {
  std::vector<const TriggerRecord*> out;
  for (const TriggerRecord& t : triggers_) {
    if (EqualsIgnoreCase(t.table, table)) out.push_back(&t);
  }
  return out;
}

std::vector<const TriggerRecord*> CatalogSnapshot::TriggersUsing(std::string_view function) const {
  std::vector<const TriggerRecord*> out;
  for (const TriggerRecord& t : triggers_) {
    if (!t.is_inline() && EqualsIgnoreCase(t.function, function)) out.push_back(&t);
  }
  return out;
}

security::CapabilitySet CatalogSnapshot::CapabilitiesOfFunction(std::string_view name) const {
  const FunctionRecord* f = FindFunction(name);
  std::vector<security::Capability> caps;
  for (const CapabilityRecord& g : grants_) {
    if (g.owner_kind == OwnerKind::kFunction && EqualsIgnoreCase(g.owner, name)) {
      caps.push_back(g.capability);
    }
  }
  return security::CapabilitySet(f ? f->policy : security::Policy::kDefault, std::move(caps));
}

security::CapabilitySet CatalogSnapshot::CapabilitiesOfTrigger(std::string_view table,
                                                               std::string_view name) const {
  const TriggerRecord* t = FindTrigger(table, name);
  std::vector<security::Capability> caps;
  for (const CapabilityRecord& g : grants_) {
    if (g.owner_kind == OwnerKind::kTrigger && EqualsIgnoreCase(g.owner, name) &&
        EqualsIgnoreCase(g.owner_table, table)) {
      caps.push_back(g.capability);
    }
  }
  return security::CapabilitySet(t ? t->policy : security::Policy::kPermissive, std::move(caps));
}

}  // namespace sprocket::catalog
