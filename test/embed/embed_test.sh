#!/usr/bin/env bash
# Embedding as users do it: installs the build into a temporary prefix (cmake --install),
# builds examples/embed's C program with pkg-config and its C++ program with CMake's
# find_package, runs both, and runs the installed shell with a JavaScript function (the
# plugin found beside the installed library).
#
#   test/embed/embed_test.sh BUILD_DIR
set -euo pipefail
BUILD=$(cd "${1:?usage: embed_test.sh BUILD_DIR}" && pwd)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sprocket-embed-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
PREFIX="$TMP/prefix"

fail() { echo "FAIL: $*"; exit 1; }

cmake --install "$BUILD" --prefix "$PREFIX" > "$TMP/install.log" || fail "cmake --install: $(cat "$TMP/install.log")"
for f in lib/libsprocket.so lib/sprocket/libsprocket_js.so include/sprocket/sprocket.hpp \
         include/sprocket/sprocket.h lib/pkgconfig/sprocket.pc \
         lib/cmake/sprocket/sprocketConfig.cmake bin/sprocket; do
  [ -e "$PREFIX/$f" ] || fail "not installed: $f"
done

# C, with pkg-config.
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"
cc "$ROOT/examples/embed/embed.c" $(pkg-config --cflags --libs sprocket) -o "$TMP/embed_c" \
  || fail "building embed.c"
out=$("$TMP/embed_c") || fail "embed_c exited $?: $out"
expected="log 1 add_tax: taxing 2
log 1 add_tax: taxing 30
lamp 36.00
pen 2.40
sprocket 0.1.0"
[ "$out" == "$expected" ] || fail "embed_c printed: $out"

# C++, with find_package(sprocket).
cmake -S "$ROOT/examples/embed" -B "$TMP/cpp" -DCMAKE_PREFIX_PATH="$PREFIX" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo > "$TMP/cmake.log" 2>&1 || fail "configuring embed.cc: $(cat "$TMP/cmake.log")"
cmake --build "$TMP/cpp" > "$TMP/build.log" 2>&1 || fail "building embed.cc: $(cat "$TMP/build.log")"
out=$("$TMP/cpp/embed_cpp") || fail "embed_cpp exited $?: $out"
case "$out" in
  *"log info no_negative: order 1"*"refused: trigger \"no_negative\" on \"orders\": javascript function \"no_negative\" line 1: Error: negative amount: -1 (SQLSTATE P0001)"*"orders: 1, total 10.5"*) ;;
  *) fail "embed_cpp printed: $out" ;;
esac

# The installed shell, with JavaScript from the installed plugin.
out=$("$PREFIX/bin/sprocket" :memory: "CREATE FUNCTION j() RETURNS INTEGER LANGUAGE js AS \$\$ return 6 * 7 \$\$; SELECT j() AS answer;") \
  || fail "installed sprocket: $out"
case "$out" in *42*) ;; *) fail "installed sprocket printed: $out" ;; esac

echo "embed_test: installed library, pkg-config, CMake package and shell work"
