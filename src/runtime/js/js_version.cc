#include "runtime/js/js_version.h"

#include <v8.h>

namespace sprocket::runtime {

std::string V8VersionString() { return std::string("V8 ") + v8::V8::GetVersion(); }

}  // namespace sprocket::runtime
