#include "security/audit_log.h"

#include <chrono>

namespace sprocket::security {

void AuditLog::Record(AuditEvent event) {
  event.time_micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  MutexLock lock(mutex_);
  event.id = next_id_++;
  if (capacity_ == 0) return;
  while (events_.size() >= capacity_) events_.pop_front();
  events_.push_back(std::move(event));
}

std::vector<AuditEvent> AuditLog::Snapshot() const {
  MutexLock lock(mutex_);
  return std::vector<AuditEvent>(events_.begin(), events_.end());
}

}  // namespace sprocket::security
