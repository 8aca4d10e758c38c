// SHA-256 (FIPS 180-4): the content hash behind compiled-code keys (docs/design.md §7: the L2 and
// on-disk caches are keyed by a hash of what was compiled, not by a name or a path).
#ifndef SPROCKET_COMMON_SHA256_H_
#define SPROCKET_COMMON_SHA256_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace sprocket {

// Incremental hashing: Update any number of times, then Final once.
class Sha256 {
 public:
  Sha256();
  void Update(std::string_view bytes);
  // Appends `bytes` with its length before it, so that a sequence of fields hashes
  // unambiguously ("ab","c" differs from "a","bc").
  void UpdateField(std::string_view bytes);
  void UpdateField(int64_t number);
  std::array<uint8_t, 32> Final();
  // Final() as 64 lowercase hex digits.
  std::string HexFinal();

 private:
  void Block(const uint8_t* block);
  uint32_t state_[8];
  uint8_t buffer_[64];
  size_t buffered_ = 0;
  uint64_t length_ = 0;  // bytes hashed so far
};

// The SHA-256 of `bytes` as 64 lowercase hex digits.
std::string Sha256Hex(std::string_view bytes);

}  // namespace sprocket

#endif  // SPROCKET_COMMON_SHA256_H_
