# Trunkline: `make demo`, `make test`, `make bench`. Each installs what is
# missing (scripts/bootstrap), builds, then runs.
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
NINJA      ?= ninja
JOBS       ?= $(shell nproc)

.PHONY: load all bootstrap build build-asan build-fuzz test unit-test asan-test fuzz-test integration-test demo bench clean

all: build

bootstrap:
	@scripts/bootstrap

$(BUILD)/build.ninja: | bootstrap
	meson setup $(BUILD) --buildtype=debugoptimized

build: bootstrap $(BUILD)/build.ninja
	$(NINJA) -C $(BUILD) -j $(JOBS)

$(ASAN_BUILD)/build.ninja: | bootstrap
	meson setup $(ASAN_BUILD) --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false -Dbenchmarks=false

build-asan: bootstrap $(ASAN_BUILD)/build.ninja
	$(NINJA) -C $(ASAN_BUILD) -j $(JOBS) tests/unit_tests

$(FUZZ_BUILD)/build.ninja: | bootstrap
	CXX=clang++-14 meson setup $(FUZZ_BUILD) --buildtype=debugoptimized -Dfuzzers=true -Dtests=false -Dbenchmarks=false -Db_lundef=false

# Only the libFuzzer targets are built with clang; the rest is built by gcc above.
build-fuzz: bootstrap $(FUZZ_BUILD)/build.ninja
	$(NINJA) -C $(FUZZ_BUILD) -j $(JOBS) $$($(NINJA) -C $(FUZZ_BUILD) -t targets all | \
	  awk -F: '/^tests\/fuzz\/fuzz_[a-z0-9_]+:/ {print $$1}')

unit-test: build
	meson test -C $(BUILD) --print-errorlogs unit

asan-test: build-asan
	TL_SOURCE_ROOT=$(CURDIR) UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
	  $(ASAN_BUILD)/tests/unit_tests --gtest_brief=1

fuzz-test: build-fuzz
	scripts/run-fuzzers $(FUZZ_BUILD)

integration-test: build
	scripts/integration $(BUILD)

# Every suite: unit, sanitizer (ASan + UBSan), fuzz (FUZZ_SECONDS each), integration.
test: unit-test asan-test fuzz-test integration-test

demo: build
	scripts/demo $(BUILD)

bench: build
	scripts/bench $(BUILD)

# End-to-end call load with sipp (perf/load/call_load.py): JSON on stdout.
load: build
	perf/load/call_load.py $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
