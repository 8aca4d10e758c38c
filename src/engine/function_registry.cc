// SessionImpl's function registry: the catalog snapshot applied to the connection — each
// function a slot registered with SQLite (scalar, table function), its entry compiled on
// first use through the Database's L2 cache, instances taken and given back, statistics
// merged — and the trigger engine refreshed with it.
#include <time.h>

#include <algorithm>

#include "common/stack.h"
#include "common/strings.h"
#include "engine/function_bridge.h"
#include "engine/host_api_impl.h"
#include "engine/session_impl.h"
#include "engine/table_function.h"
#include "engine/triggers.h"
#include "engine/virtual_tables.h"
#include "runtime/defaults.h"

namespace sprocket {

Status SessionImpl::SyncCatalog() {
  SPROCKET_RETURN_IF_ERROR(SyncSnapshot());
  return triggers_->Refresh();
}

Status SessionImpl::SyncSnapshot() {
  bool check = catalog_pending_ || snapshot_ == nullptr;
  {
    EngineScope engine(*this);
    sqlite3_stmt* dv = data_version_stmt_.get();
    if (sqlite3_step(dv) == SQLITE_ROW) {
      int64_t v = sqlite3_column_int64(dv, 0);
      if (v != data_version_) {
        check = true;
        triggers_->MarkStale();  // another connection may have changed the schema
      }
      data_version_ = v;
    }
    sqlite3_reset(dv);
    if (!check) return Status::Ok();
    catalog::Catalog catalog(db_);
    auto token = catalog.ReadToken();
    if (!token.ok()) {
      // A read-only database without a catalog: nothing to register.
      if (snapshot_ == nullptr) {
        snapshot_ = std::make_shared<catalog::CatalogSnapshot>(
            "", std::vector<catalog::FunctionRecord>{}, std::vector<catalog::TriggerRecord>{},
            std::vector<catalog::CapabilityRecord>{});
      }
      return Status::Ok();
    }
    if (autocommit()) catalog_pending_ = false;
    if (snapshot_ != nullptr && snapshot_->token() == *token) return Status::Ok();
    std::shared_ptr<const catalog::CatalogSnapshot> snapshot = state_.CachedSnapshot(*token);
    if (snapshot == nullptr) {
      SPROCKET_ASSIGN_OR_RETURN(snapshot, catalog.Load());
      state_.CacheSnapshot(snapshot);
      // Compiled code of definitions no longer in the catalog is dropped.
      std::vector<std::string> keys;
      for (const catalog::FunctionRecord& f : snapshot->functions()) {
        keys.push_back(state_.KeyOf(f.def));
      }
      for (const catalog::TriggerRecord& t : snapshot->triggers()) {
        if (t.is_inline()) keys.push_back(state_.KeyOf(InlineTriggerFunction(t).def));
      }
      state_.RetainCompiled(keys);
    }
    return ApplySnapshot(std::move(snapshot));
  }
}

bool SessionImpl::IsTableFunction(std::string_view name) const {
  std::string key = ToLower(name);
  return std::binary_search(table_modules_.begin(), table_modules_.end(), key);
}

void SessionImpl::ReleaseInstances() {
  if (triggers_ != nullptr) triggers_->ReleaseInstances();
  for (auto& [name, slot] : slots_) {
    if (slot->entry != nullptr) ReleaseInstance(*slot->entry);
  }
}

void SessionImpl::ReleaseInstance(FunctionEntry& entry, const std::string& table) {
  if (entry.instance != nullptr) {
    if (entry.stats.dirty) {
      uint64_t used = entry.instance->memory_used();
      if (used > entry.stats.peak_memory) entry.stats.peak_memory = used;
    }
    state_.pool().Give(entry.compiled_id, std::move(entry.instance));
  }
  if (entry.stats.dirty) {
    const runtime::FunctionDef& def = entry.record->def;
    state_.stats().Merge(def.name, table, def.language, entry.stats);
  }
}

void SessionImpl::FlushStats() {
  for (auto& [name, slot] : slots_) {
    FunctionEntry* entry = slot->entry.get();
    if (entry == nullptr) continue;
    state_.stats().Merge(entry->record->def.name, "", entry->record->def.language, entry->stats);
  }
  triggers_->FlushStats();
}

void SessionImpl::DiscardInstance(FunctionEntry& entry) {
  uint64_t used = entry.instance->memory_used();
  if (used > entry.stats.peak_memory) entry.stats.peak_memory = used;
  entry.instance.reset();
}

Status SessionImpl::ApplySnapshot(std::shared_ptr<const catalog::CatalogSnapshot> snapshot) {
  std::map<std::string, const catalog::FunctionRecord*> wanted;
  std::vector<std::string> table_functions;
  for (const catalog::FunctionRecord& f : snapshot->functions()) {
    wanted[ToLower(f.def.name)] = &f;
    if (f.def.kind == runtime::FunctionKind::kTable) table_functions.push_back(ToLower(f.def.name));
  }
  std::sort(table_functions.begin(), table_functions.end());
  // Table functions are virtual-table modules pointing at their slots: when the set
  // changes, drop them all before any slot goes, and register them again below.
  bool tables_changed = table_functions != table_modules_;
  if (tables_changed) {
    int rc = DropTableFunctions(db_, table_modules_);
    if (rc != SQLITE_OK) return SqliteError(db_, rc);
    table_modules_.clear();
  }
  // Drop functions that are gone.
  for (auto it = slots_.begin(); it != slots_.end();) {
    if (wanted.count(it->first) == 0 && it->second->entry != nullptr) {
      ReleaseInstance(*it->second->entry);
      it->second->entry.reset();
      if (RegisterSlot(it->second.get(), /*remove=*/true).ok()) {
        it = slots_.erase(it);
        continue;
      }
    }
    ++it;
  }
  for (const auto& [key, record] : wanted) {
    security::CapabilitySet caps = snapshot->CapabilitiesOfFunction(record->def.name);
    if (record->def.volatility == runtime::Volatility::kImmutable) caps = caps.Deterministic();
    // Unchanged means: the same compiled code, and the same policy and grants.
    std::string fingerprint = record->ContentKey() + "\n" + security::PolicyName(caps.policy());
    for (const security::Capability& c : caps.grants()) fingerprint += "\n" + c.ToString();
    FunctionSlot* slot;
    auto it = slots_.find(key);
    if (it == slots_.end()) {
      auto fresh = std::make_unique<FunctionSlot>();
      fresh->session = this;
      slot = fresh.get();
      slots_.emplace(key, std::move(fresh));
    } else {
      slot = it->second.get();
    }
    if (slot->entry != nullptr && slot->entry->fingerprint == fingerprint &&
        EqualsIgnoreCase(slot->name, record->def.name)) {
      slot->entry->record = record;  // same definition, now in the new snapshot
      continue;
    }
    std::unique_ptr<FunctionEntry> entry = MakeEntry(record, std::move(caps));
    entry->fingerprint = std::move(fingerprint);
    if (slot->entry != nullptr) ReleaseInstance(*slot->entry);
    bool signature_changed =
        slot->entry == nullptr || slot->name != record->def.name ||
        slot->arity != static_cast<int>(record->def.params.size()) ||
        slot->deterministic != (record->def.volatility == runtime::Volatility::kImmutable);
    slot->entry = std::move(entry);
    if (signature_changed) {
      if (!slot->name.empty() && slot->name != record->def.name) {
        (void)RegisterSlot(slot, /*remove=*/true);
      }
      slot->name = record->def.name;
      slot->arity = static_cast<int>(record->def.params.size());
      slot->deterministic = record->def.volatility == runtime::Volatility::kImmutable;
      // A function SQLite refuses to register (a catalog written by another program, say
      // with a name too long) must not stop every statement: it stays unusable, and can
      // be dropped.
      if (Status st = RegisterSlot(slot, /*remove=*/false); !st.ok()) {
        slot->entry->compiled.reset();
        slot->entry->compile_pending = false;
        slot->entry->compile_error = st;
      }
    }
  }
  if (tables_changed) {
    for (const std::string& name : table_functions) {
      int rc = RegisterTableFunction(db_, slots_.at(name).get());
      if (rc != SQLITE_OK) return SqliteError(db_, rc);
    }
    table_modules_ = std::move(table_functions);
  }
  snapshot_ = std::move(snapshot);
  return triggers_->Apply(*snapshot_);
}

std::unique_ptr<FunctionEntry> SessionImpl::MakeEntry(const catalog::FunctionRecord* record,
                                                      security::CapabilitySet capabilities,
                                                      const std::string& stats_table) {
  auto entry = std::make_unique<FunctionEntry>();
  entry->record = record;
  entry->capabilities = std::move(capabilities);
  runtime::LanguageRuntime* rt = state_.runtimes().Find(record->def.language);
  if (rt == nullptr) {
    entry->compile_error =
        Status(StatusCode::kNotSupported, "function \"" + record->def.name + "\" is written in " +
                                              record->def.language +
                                              ", which this build of Sprocket does not have");
    return entry;
  }
  // Compiled when first called (EnsureCompiled): a statement that calls no function does
  // not load a language's engine.
  entry->runtime = rt;
  entry->stats_table = stats_table;
  entry->compile_pending = true;
  return entry;
}

Status SessionImpl::EnsureCompiled(FunctionEntry& entry) {
  if (entry.compile_pending) {
    entry.compile_pending = false;
    auto compiled = state_.Compile(entry.record->def, *entry.runtime, {}, entry.stats_table);
    if (compiled.ok()) {
      entry.compiled = std::move(compiled->function);
      entry.compiled_id = compiled->id;
    } else {
      entry.compile_error = compiled.status();
    }
  }
  if (entry.compiled == nullptr) return entry.compile_error;
  return Status::Ok();
}

FunctionSlot* SessionImpl::FindSlot(std::string_view name) const {
  auto it = slots_.find(ToLower(name));
  if (it == slots_.end() || it->second->entry == nullptr) return nullptr;
  return it->second.get();
}

Status SessionImpl::RegisterSlot(FunctionSlot* slot, bool remove) {
  int rc = remove ? UnregisterFunction(db_, *slot) : RegisterFunction(db_, slot);
  if (rc != SQLITE_OK) {
    // sqlite3_create_function_v2 reports a bad name or arity as SQLITE_MISUSE without a
    // message of its own.
    return Status(StatusCode::kInvalidArgument,
                  "cannot register function \"" + slot->name + "\" with SQLite: " +
                      (rc == SQLITE_MISUSE ? std::string("name or arity refused")
                                           : std::string(sqlite3_errstr(rc))));
  }
  return Status::Ok();
}

// --- statement execution ------------------------------------------------------------

}  // namespace sprocket
