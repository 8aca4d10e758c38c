// Capabilities and security policies (docs/design.md §6): what a guest function may reach beyond
// computing. Deny by default; every grant is explicit or comes from the policy.
#ifndef SPROCKET_SECURITY_CAPABILITY_H_
#define SPROCKET_SECURITY_CAPABILITY_H_

#include <string>
#include <string_view>
#include <vector>

#include "sprocket/status.h"

namespace sprocket::security {

enum class CapabilityKind { kDatabaseRead, kDatabaseWrite, kNetworkAccess, kFileRead, kFileWrite };

// "DATABASE_READ", …
const char* CapabilityKindName(CapabilityKind kind);
Result<CapabilityKind> ParseCapabilityKind(std::string_view name);

struct Capability {
  CapabilityKind kind;
  std::string target;  // table, host pattern or absolute path prefix; '*' for all of them
  bool operator==(const Capability&) const = default;
  // "DATABASE_READ('users')"
  std::string ToString() const;
};

// Checks that a capability's target is well formed: a table name or '*' for the database
// capabilities, "host[:port]" or "*.domain[:port]" for NETWORK_ACCESS, an absolute path
// for FILE_*; '*' (every table, host or path) for each. Returns the canonical form (paths without
// trailing '/', hosts lower-case).
Result<Capability> ValidateCapability(CapabilityKind kind, std::string_view target);

enum class Policy {
  kMinimal,     // nothing: no clock, randomness, logging or data — a pure function
  kDefault,     // clock, randomness, logging; data only through grants
  kPermissive,  // DEFAULT plus read and write on every user table
};
const char* PolicyName(Policy policy);  // "MINIMAL", "DEFAULT", "PERMISSIVE"
Result<Policy> ParsePolicy(std::string_view name);

// True for names no guest may ever touch: the Sprocket catalog (_sprocket_*, the
// sprocket_* views) and SQLite's internals (sqlite_*), whatever it was granted.
bool IsSystemTable(std::string_view table);

// A function's policy and grants. Immutable once built; cheap to query.
class CapabilitySet {
 public:
  CapabilitySet() = default;
  CapabilitySet(Policy policy, std::vector<Capability> grants)
      : policy_(policy), grants_(std::move(grants)) {}

  Policy policy() const { return policy_; }
  const std::vector<Capability>& grants() const { return grants_; }

  bool AllowsRead(std::string_view table) const;
  bool AllowsWrite(std::string_view table) const;
  // Logging: every policy but MINIMAL.
  bool AllowsAmbient() const { return policy_ != Policy::kMinimal; }
  // Clock and randomness: every policy but MINIMAL, and never for deterministic
  // (IMMUTABLE) functions, whose results SQLite may store in indexes.
  bool AllowsClock() const { return policy_ != Policy::kMinimal && !deterministic_; }
  // Marks the set as belonging to an IMMUTABLE function.
  CapabilitySet Deterministic() const {
    CapabilitySet copy = *this;
    copy.deterministic_ = true;
    return copy;
  }
  // `host` lower-case, `port` 0 when the URL has none.
  bool AllowsNetwork(std::string_view host, int port) const;
  // `canonical_path` must already be absolute with symlinks resolved.
  bool AllowsFile(std::string_view canonical_path, bool write) const;

 private:
  bool HasTableGrant(CapabilityKind kind, std::string_view table) const;

  Policy policy_ = Policy::kDefault;
  std::vector<Capability> grants_;
  bool deterministic_ = false;
};

}  // namespace sprocket::security

#endif  // SPROCKET_SECURITY_CAPABILITY_H_
