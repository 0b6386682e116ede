# herd: the two commands a new machine needs are `make demo` and `make test`.
BUILD      ?= build
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 15
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo
JOBS       ?= $(shell nproc)

.PHONY: all setup build test unit-test fuzz fuzz-build demo demo-down bench completion clean

all: build

setup:
	scripts/setup

build: setup
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS) -DHERD_WERROR=ON
	ninja -C $(BUILD) -j $(JOBS)

# Every test: unit, CLI, property, differential and validator tests, then each fuzzer briefly.
test: build fuzz-build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	scripts/fuzz $(FUZZ_BUILD) $(FUZZ_SECONDS)

unit-test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

fuzz-build: setup
	cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
	  -DHERD_FUZZ=ON -DHERD_TESTS=OFF -DHERD_BENCH=OFF
	ninja -C $(FUZZ_BUILD) -j $(JOBS)

fuzz: fuzz-build
	scripts/fuzz $(FUZZ_BUILD) $(or $(SECONDS),300)

demo: build
	scripts/demo $(BUILD)/herd

demo-down:
	[ ! -d demo ] || HERD_DB=$(CURDIR)/demo/herd.db HERD_LAB_DIR=$(CURDIR)/demo/labs HERD_LAB=demo $(BUILD)/herd lab down
	rm -rf demo

bench: build
	bench/run-all $(BUILD)

completion: build
	$(BUILD)/herd completion bash > $(BUILD)/herd.bash

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD)
