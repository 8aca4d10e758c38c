# Finds V8 as shipped in Debian's libnode (headers in include/node, library libnode.so).
# Looks in the project-local unpack (.deps/, made by scripts/install-deps where a NodeSource
# nodejs blocks the system package) before the system. Defines V8::V8.
find_path(V8_INCLUDE_DIR v8.h
  PATHS ${CMAKE_SOURCE_DIR}/.deps/usr/include/node /usr/include/node
  NO_DEFAULT_PATH)
find_library(V8_LIBRARY NAMES node
  PATHS ${CMAKE_SOURCE_DIR}/.deps/usr/lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu
  NO_DEFAULT_PATH)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(V8 REQUIRED_VARS V8_INCLUDE_DIR V8_LIBRARY)
if(V8_FOUND AND NOT TARGET V8::V8)
  add_library(V8::V8 SHARED IMPORTED)
  set_target_properties(V8::V8 PROPERTIES
    IMPORTED_LOCATION ${V8_LIBRARY}
    INTERFACE_INCLUDE_DIRECTORIES ${V8_INCLUDE_DIR})
  # Debian builds V8 without pointer compression; the embedder must agree.
  get_filename_component(V8_LIBRARY_DIR ${V8_LIBRARY} DIRECTORY)
  if(NOT V8_LIBRARY_DIR STREQUAL "/usr/lib/x86_64-linux-gnu")
    list(APPEND CMAKE_BUILD_RPATH ${V8_LIBRARY_DIR})
    list(APPEND CMAKE_INSTALL_RPATH ${V8_LIBRARY_DIR})
  endif()
endif()
mark_as_advanced(V8_INCLUDE_DIR V8_LIBRARY)
