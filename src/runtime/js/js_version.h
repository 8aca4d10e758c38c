// The JavaScript backend's engine. Only its version is exposed until the backend lands
// (it proves that the build finds and links V8).
#ifndef SPROCKET_RUNTIME_JS_JS_VERSION_H_
#define SPROCKET_RUNTIME_JS_JS_VERSION_H_

#include <string>

namespace sprocket::runtime {

// "V8 10.2.154.26-node.37"
std::string V8VersionString();

}  // namespace sprocket::runtime

#endif  // SPROCKET_RUNTIME_JS_JS_VERSION_H_
