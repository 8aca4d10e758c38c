// Small string helpers shared by every module.
#ifndef SPROCKET_COMMON_STRINGS_H_
#define SPROCKET_COMMON_STRINGS_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sprocket {

// ASCII case folding: SQL identifiers and keywords compare case-insensitively.
std::string ToLower(std::string_view s);
std::string ToUpper(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix);

// "name" with embedded quotes doubled: safe to splice into SQL as an identifier.
std::string QuoteIdentifier(std::string_view name);
// 'text' with embedded quotes doubled.
std::string QuoteString(std::string_view text);

std::string Join(const std::vector<std::string>& parts, std::string_view separator);

// Whitespace trimmed from both ends.
std::string_view Trim(std::string_view s);

// The offset of the first byte of `s` that does not begin or continue a well-formed UTF-8
// sequence (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF), or npos when
// `s` is valid UTF-8.
size_t InvalidUtf8Offset(std::string_view s);

// Hashes std::string and std::string_view alike, so maps keyed by std::string can be
// searched with a string_view without allocating (with std::equal_to<>).
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace sprocket

#endif  // SPROCKET_COMMON_STRINGS_H_
