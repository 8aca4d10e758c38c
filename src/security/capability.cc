#include "security/capability.h"

#include <cctype>
#include <charconv>

#include "common/strings.h"

namespace sprocket::security {

const char* CapabilityKindName(CapabilityKind kind) {
  switch (kind) {
    case CapabilityKind::kDatabaseRead:
      return "DATABASE_READ";
    case CapabilityKind::kDatabaseWrite:
      return "DATABASE_WRITE";
    case CapabilityKind::kNetworkAccess:
      return "NETWORK_ACCESS";
    case CapabilityKind::kFileRead:
      return "FILE_READ";
    case CapabilityKind::kFileWrite:
      return "FILE_WRITE";
  }
  return "DATABASE_READ";
}

Result<CapabilityKind> ParseCapabilityKind(std::string_view name) {
  for (CapabilityKind k :
       {CapabilityKind::kDatabaseRead, CapabilityKind::kDatabaseWrite,
        CapabilityKind::kNetworkAccess, CapabilityKind::kFileRead, CapabilityKind::kFileWrite}) {
    if (EqualsIgnoreCase(name, CapabilityKindName(k))) return k;
  }
  return Status(StatusCode::kInvalidArgument,
                "unknown capability " + std::string(name) +
                    " (expected DATABASE_READ, DATABASE_WRITE, NETWORK_ACCESS, FILE_READ or "
                    "FILE_WRITE)");
}

std::string Capability::ToString() const {
  return std::string(CapabilityKindName(kind)) + "(" + QuoteString(target) + ")";
}

namespace {

Status BadTarget(CapabilityKind kind, std::string_view target, std::string_view why) {
  return Status(StatusCode::kInvalidArgument, std::string("invalid target for ") +
                                                  CapabilityKindName(kind) + ": " +
                                                  QuoteString(target) + " " + std::string(why));
}

bool IsHostChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

// Splits "host[:port]" into lower-case host and port (0 when absent).
bool SplitHostPort(std::string_view s, std::string* host, int* port) {
  *port = 0;
  size_t colon = s.rfind(':');
  std::string_view h = s;
  if (colon != std::string_view::npos) {
    std::string_view p = s.substr(colon + 1);
    if (p.empty() || p.size() > 5) return false;
    int v = 0;
    auto r = std::from_chars(p.data(), p.data() + p.size(), v);
    if (r.ptr != p.data() + p.size() || v < 1 || v > 65535) return false;
    *port = v;
    h = s.substr(0, colon);
  }
  *host = ToLower(h);
  return true;
}

}  // namespace

Result<Capability> ValidateCapability(CapabilityKind kind, std::string_view target) {
  switch (kind) {
    case CapabilityKind::kDatabaseRead:
    case CapabilityKind::kDatabaseWrite:
      if (target.empty()) return BadTarget(kind, target, "(expected a table name or '*')");
      if (target != "*" && IsSystemTable(target)) {
        return Status(StatusCode::kPermissionDenied,
                      std::string("cannot grant ") + CapabilityKindName(kind) + " on " +
                          QuoteString(target) +
                          ": the Sprocket catalog and SQLite's internal tables are never "
                          "reachable from functions");
      }
      return Capability{kind, std::string(target)};
    case CapabilityKind::kNetworkAccess: {
      if (target == "*") return Capability{kind, "*"};  // every host
      std::string host;
      int port = 0;
      if (!SplitHostPort(target, &host, &port) || host.empty()) {
        return BadTarget(kind, target, "(expected 'host', 'host:port' or '*.domain')");
      }
      std::string_view rest = host;
      if (rest.substr(0, 2) == "*.") rest.remove_prefix(2);
      if (rest.empty() || rest.front() == '.' || rest.back() == '.') {
        return BadTarget(kind, target, "(expected 'host', 'host:port' or '*.domain')");
      }
      for (char c : rest) {
        if (!IsHostChar(c)) {
          return BadTarget(kind, target, "(expected 'host', 'host:port' or '*.domain')");
        }
      }
      std::string canonical = host;
      if (port) canonical += ":" + std::to_string(port);
      return Capability{kind, canonical};
    }
    case CapabilityKind::kFileRead:
    case CapabilityKind::kFileWrite: {
      if (target == "*") return Capability{kind, "*"};  // every path
      if (target.empty() || target[0] != '/') {
        return BadTarget(kind, target, "(expected an absolute path or '*')");
      }
      std::string path(target);
      for (size_t i = 0; i < path.size();) {
        size_t j = path.find('/', i + 1);
        std::string_view part = std::string_view(path).substr(
            i + 1, (j == std::string::npos ? path.size() : j) - i - 1);
        if (part == "..") return BadTarget(kind, target, "(.. is not allowed)");
        if (j == std::string::npos) break;
        i = j;
      }
      while (path.size() > 1 && path.back() == '/') path.pop_back();
      return Capability{kind, path};
    }
  }
  return BadTarget(kind, target, "");
}

const char* PolicyName(Policy policy) {
  switch (policy) {
    case Policy::kMinimal:
      return "MINIMAL";
    case Policy::kDefault:
      return "DEFAULT";
    case Policy::kPermissive:
      return "PERMISSIVE";
  }
  return "DEFAULT";
}

Result<Policy> ParsePolicy(std::string_view name) {
  for (Policy p : {Policy::kMinimal, Policy::kDefault, Policy::kPermissive}) {
    if (EqualsIgnoreCase(name, PolicyName(p))) return p;
  }
  return Status(StatusCode::kInvalidArgument, "unknown security policy " + std::string(name) +
                                                  " (expected MINIMAL, DEFAULT or PERMISSIVE)");
}

bool IsSystemTable(std::string_view table) {
  static const char* const kViews[] = {"sprocket_functions", "sprocket_triggers",
                                       "sprocket_capabilities", "sprocket_audit",
                                       "sprocket_function_stats"};
  if (StartsWithIgnoreCase(table, "_sprocket_") || StartsWithIgnoreCase(table, "sqlite_")) {
    return true;
  }
  for (const char* v : kViews) {
    if (EqualsIgnoreCase(table, v)) return true;
  }
  return false;
}

bool CapabilitySet::HasTableGrant(CapabilityKind kind, std::string_view table) const {
  for (const Capability& c : grants_) {
    if (c.kind == kind && (c.target == "*" || EqualsIgnoreCase(c.target, table))) return true;
  }
  return false;
}

bool CapabilitySet::AllowsRead(std::string_view table) const {
  if (IsSystemTable(table)) return false;
  return policy_ == Policy::kPermissive || HasTableGrant(CapabilityKind::kDatabaseRead, table);
}

bool CapabilitySet::AllowsWrite(std::string_view table) const {
  if (IsSystemTable(table)) return false;
  return policy_ == Policy::kPermissive || HasTableGrant(CapabilityKind::kDatabaseWrite, table);
}

bool CapabilitySet::AllowsNetwork(std::string_view host, int port) const {
  std::string h = ToLower(host);
  for (const Capability& c : grants_) {
    if (c.kind != CapabilityKind::kNetworkAccess) continue;
    if (c.target == "*") return true;
    std::string pattern;
    int want_port = 0;
    if (!SplitHostPort(c.target, &pattern, &want_port)) continue;
    if (want_port != 0 && want_port != port) continue;
    if (pattern.substr(0, 2) == "*.") {
      std::string_view suffix = std::string_view(pattern).substr(1);  // ".example.com"
      if (h.size() > suffix.size() &&
          h.compare(h.size() - suffix.size(), suffix.size(), suffix) == 0) {
        return true;
      }
    } else if (pattern == h) {
      return true;
    }
  }
  return false;
}

bool CapabilitySet::AllowsFile(std::string_view canonical_path, bool write) const {
  CapabilityKind want = write ? CapabilityKind::kFileWrite : CapabilityKind::kFileRead;
  for (const Capability& c : grants_) {
    if (c.kind != want) continue;
    if (c.target == "/" || c.target == "*") return true;
    if (canonical_path == c.target) return true;
    if (canonical_path.size() > c.target.size() &&
        canonical_path.substr(0, c.target.size()) == c.target &&
        canonical_path[c.target.size()] == '/') {
      return true;
    }
  }
  return false;
}

}  // namespace sprocket::security
