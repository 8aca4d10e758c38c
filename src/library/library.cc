// libsprocket.so: the engine and every module it needs, as one shared library for
// embedders (include/sprocket/sprocket.hpp, sprocket.h). Its code comes from the static
// module libraries, linked whole; JavaScript stays a plugin (lib/sprocket/libsprocket_js.so)
// that the library loads when it first needs it.
#include "sprocket/sprocket.hpp"

namespace sprocket {

// The version of the library a program runs against (Database::Version() is the same).
extern "C" const char* sprocket_library_version() { return Database::Version(); }

}  // namespace sprocket
