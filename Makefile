# Sprocket: `make run` and `make test` work on a fresh Debian 12 machine.
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
TSAN_BUILD ?= build-tsan
FUZZ_SECONDS ?= 600
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps build asan run test bench fuzz tsan clean format

all: build

deps:
	scripts/install-deps

build: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

# The quickstart demo, on a fresh embedded database file.
run: build
	@rm -f $(BUILD)/quickstart.db $(BUILD)/quickstart.db-wal $(BUILD)/quickstart.db-shm
	$(BUILD)/sprocket $(BUILD)/quickstart.db -f examples/quickstart.sql

# Every test, then every test again under AddressSanitizer + UndefinedBehaviorSanitizer
# (a second build directory; the sanitizers abort on the first report).
test: build asan
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	ASAN_OPTIONS=$(ASAN_OPTIONS) LSAN_OPTIONS=$(LSAN_OPTIONS) UBSAN_OPTIONS=$(UBSAN_OPTIONS) \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

ASAN_OPTIONS ?= detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=0
LSAN_OPTIONS ?= suppressions=$(CURDIR)/test/lsan.supp:print_suppressions=0
UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1

asan: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSPROCKET_ASAN=ON \
	  -DSPROCKET_BENCHMARKS=OFF >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)

bench:
	scripts/install-deps --bench
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)
	bench/run-all $(BUILD)

fuzz: deps
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSPROCKET_FUZZ=ON >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target parser_fuzz dml_fuzz
	mkdir -p fuzz-out/parser fuzz-out/dml
	$(FUZZ_BUILD)/src/sql/parser_fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	  -dict=src/sql/parser_fuzz.dict \
	  -artifact_prefix=fuzz-out/ fuzz-out/parser src/sql/fuzz_corpus
	$(FUZZ_BUILD)/src/sql/dml_fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	  -dict=src/sql/parser_fuzz.dict \
	  -artifact_prefix=fuzz-out/dml- fuzz-out/dml src/sql/dml_fuzz_corpus

tsan: deps
	cmake -S . -B $(TSAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSPROCKET_TSAN=ON >/dev/null
	cmake --build $(TSAN_BUILD) -j $(JOBS)
	TSAN_OPTIONS="suppressions=$(CURDIR)/test/tsan.supp halt_on_error=1" \
	  ctest --test-dir $(TSAN_BUILD) --output-on-failure -j $(JOBS) -L concurrency

format:
	find src include test bench -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(TSAN_BUILD)
