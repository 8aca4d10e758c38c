// The JavaScript plugin's entry point (runtime/plugin.h): libsprocket_js.so, loaded the
// first time a Database needs JavaScript, so that programs that never run it do not load
// V8.
#include "runtime/js/js_runtime.h"
#include "runtime/plugin.h"

extern "C" __attribute__((visibility("default"))) sprocket::runtime::LanguageRuntime*
sprocket_language_runtime_javascript() {
  return sprocket::runtime::NewJsRuntime().release();
}
