// The calling thread's native stack, for the checks that keep guests (and SQLite under
// them) from overflowing it.
#ifndef SPROCKET_COMMON_STACK_H_
#define SPROCKET_COMMON_STACK_H_

#include <cstddef>
#include <cstdint>

namespace sprocket {

// Bytes of stack left below the caller's frame on this thread.
size_t RemainingStack();

// How much native stack to keep free below a guest's deepest frame, for the SQLite and
// host code that runs there: a quarter of the thread's stack, between 256 KiB and 2 MiB.
size_t NativeStackReserve();

// The lowest address a guest runtime (V8) may use on this thread: the stack's bottom plus
// NativeStackReserve().
uintptr_t GuestStackLimit();

}  // namespace sprocket

#endif  // SPROCKET_COMMON_STACK_H_
