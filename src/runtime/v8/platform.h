// The V8 layer shared by the languages that run on V8 (JavaScript now, WebAssembly next):
// the process-wide platform and flags, and the clock guests may not read.
#ifndef SPROCKET_RUNTIME_V8_PLATFORM_H_
#define SPROCKET_RUNTIME_V8_PLATFORM_H_

#include <v8.h>

#include <string>

namespace sprocket::runtime::v8layer {

// Initialises V8 for the process on first use (V8 cannot be initialised twice, so this is
// process-wide and never torn down). Thread-safe. Guests are untrusted: no natives
// syntax, no exposed GC, no WebAssembly compiled from JavaScript (a wasm backend allows it
// per isolate, with SetAllowWasmCodeGenerationCallback).
void EnsureV8();

// The flags EnsureV8 gives V8 (part of every compiled-code key).
const char* V8Flags();

// "V8 10.2.154.26-node.37"
std::string V8VersionString();

// Tells V8's platform that `isolate` was disposed (frees its task runner).
void NotifyIsolateGone(v8::Isolate* isolate);

// While it lives on a thread, V8's wall clock (Date, Intl) reads as the epoch on that
// thread unless `allowed`: for calls whose policy refuses the clock.
class ClockScope {
 public:
  explicit ClockScope(bool allowed);
  ~ClockScope();
  ClockScope(const ClockScope&) = delete;
  ClockScope& operator=(const ClockScope&) = delete;

 private:
  bool previous_;
};

}  // namespace sprocket::runtime::v8layer

#endif  // SPROCKET_RUNTIME_V8_PLATFORM_H_
