// The audit ring (sprocket_audit): capability denials, grants, revokes and policy changes,
// newest last, bounded — when full, the oldest event is dropped. Kept in memory for the
// life of the Database (it is not rolled back with a transaction: a denial stays recorded
// even when the statement that caused it fails).
//
// Thread-safe.
#ifndef SPROCKET_SECURITY_AUDIT_LOG_H_
#define SPROCKET_SECURITY_AUDIT_LOG_H_

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "common/thread_annotations.h"

namespace sprocket::security {

struct AuditEvent {
  int64_t id = 0;           // increasing from 1; assigned by Record
  int64_t time_micros = 0;  // since the Unix epoch; assigned by Record
  std::string event;        // "denied", "grant", "revoke", "policy"
  std::string subject;      // 'function "f"', 'trigger "t" on "users"' or "user"
  std::string capability;   // "DATABASE_READ", … (or POLICY, PRAGMA, …)
  std::string target;       // table, host, path, policy name
  std::string detail;       // the full message
};

class AuditLog {
 public:
  explicit AuditLog(size_t capacity) : capacity_(capacity) {}

  void Record(AuditEvent event) EXCLUDES(mutex_);
  // Oldest first.
  std::vector<AuditEvent> Snapshot() const EXCLUDES(mutex_);
  size_t capacity() const { return capacity_; }

 private:
  const size_t capacity_;
  mutable Mutex mutex_;
  std::deque<AuditEvent> events_ GUARDED_BY(mutex_);
  int64_t next_id_ GUARDED_BY(mutex_) = 1;
};

}  // namespace sprocket::security

#endif  // SPROCKET_SECURITY_AUDIT_LOG_H_
