# powsim build. `make` builds ./powsim; `make check` runs every test;
# `make demo` runs the six-node lecture and draws its figures;
# `make bench` measures hashing, the engine and the bench scenarios.
# `make SANITIZE=address,undefined check` builds and tests with sanitizers.

PKGS     := glib-2.0 openssl libcjson libsoup-3.0
CC       ?= cc
SANITIZE ?=
BUILD    ?= build$(if $(SANITIZE),/san)

WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wformat=2 -Wno-missing-field-initializers
OPT      ?= -O2 -g
CFLAGS   ?= $(OPT)
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) $(CFLAGS) -Iinclude $(PKG_CFLAGS) \
             $(if $(SANITIZE),-fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all)
ALL_LDFLAGS = $(LDFLAGS) $(if $(SANITIZE),-fsanitize=$(SANITIZE))

LIB_SRC  := $(sort $(wildcard src/*.c))
SIM_SRC  := $(sort $(wildcard sim/*.c))
TEST_SRC := $(sort $(wildcard tests/test_*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
SIM_OBJ  := $(SIM_SRC:%.c=$(BUILD)/%.o)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
LIB      := $(BUILD)/libpowsim.a
POWSIM   := $(if $(SANITIZE),$(BUILD)/powsim,powsim)

DEMO_SCENARIO ?= scenarios/six-node-lecture.json

.PHONY: all deps test-deps check check-includes demo bench clean tests fuzz fuzz-run
all: deps $(POWSIM)

deps:
	@sh sim/setup-deps.sh

test-deps:
	@sh sim/setup-deps.sh --test

$(BUILD)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(POWSIM): $(SIM_OBJ) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(SIM_OBJ) $(LIB) $(PKG_LIBS)

$(BUILD)/tests/%: tests/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -o $@ $< $(LIB) $(ALL_LDFLAGS) $(PKG_LIBS)

tests: $(TEST_BIN)

# Every unit test, the scenario tests, the include-layering check, and
# the whole unit suite once more under ASan+UBSan.
check: deps test-deps $(POWSIM) tests check-includes
	@POWSIM=./$(POWSIM) BUILD=$(BUILD) sh tests/run-tests.sh
ifeq ($(SANITIZE),)
	@$(MAKE) --no-print-directory SANITIZE=address,undefined OPT="-O1 -g" tests $(BUILD)/san/powsim >/dev/null
	@echo "== the same suite under AddressSanitizer and UndefinedBehaviorSanitizer"
	@POWSIM=./$(BUILD)/san/powsim BUILD=$(BUILD)/san SAN=1 sh tests/run-tests.sh
endif

check-includes:
	@sh tests/check-includes.sh

demo: deps $(POWSIM)
	./$(POWSIM) run $(DEMO_SCENARIO) --plot --threads $$(nproc 2>/dev/null || echo 1)

# Hashing (every kernel, with its ratio to the OpenSSL path), signatures
# and the engine on CPU time, then each bench scenario with its CPU time
# (user + sys), wall time, peak memory (GNU time's %M) and events per CPU
# second.
BENCH_SCENARIOS ?= scenarios/six-node-lecture.json scenarios/bench/bitcoin-6000.json \
                   scenarios/bench/simblock-2019-6000.json scenarios/bench/simblock-2015-6000.json \
                   scenarios/bench/bitcoin-100k.json scenarios/bench/bitcoin-1m.json
bench: deps $(POWSIM)
	./$(POWSIM) bench
	@echo
	@printf "%-36s %9s %9s %10s %14s\n" scenario "CPU s" "wall s" "peak MB" "M events/s CPU"
	@for s in $(BENCH_SCENARIOS); do \
		out=$$(mktemp -d); \
		/usr/bin/time -f "%U %S %e %M" -o $$out/time ./$(POWSIM) run $$s --out $$out --quiet || exit 1; \
		read user sys wall kb < $$out/time; \
		ev=$$(sed -n 's/.*"events":[[:space:]]*\([0-9.e+]*\).*/\1/p' $$out/summary.json); \
		awk -v s=$$s -v u=$$user -v y=$$sys -v w=$$wall -v kb=$$kb -v ev=$$ev 'BEGIN { \
			c = u + y; printf "%-36s %9.2f %9.2f %10.1f %14.3f\n", s, c, w, kb/1024, (c > 0 ? ev/c/1e6 : 0) }'; \
		rm -rf $$out; \
	done

# libFuzzer on the scenario reader for FUZZ_SECONDS, seeded from
# tests/fuzz/corpus (new inputs go to build/fuzz/corpus). Needs clang.
FUZZ_SECONDS ?= 60
FUZZ_BUILD   := build/fuzz
fuzz:
	@sh sim/setup-deps.sh --fuzz
	@$(MAKE) --no-print-directory CC=clang BUILD=$(FUZZ_BUILD) SANITIZE=fuzzer-no-link,address,undefined \
		OPT="-O1 -g" $(FUZZ_BUILD)/libpowsim.a
	clang -std=c11 -O1 -g -Iinclude $(PKG_CFLAGS) -fsanitize=fuzzer,address,undefined \
		tests/fuzz/fuzz_scenario.c $(FUZZ_BUILD)/libpowsim.a $(PKG_LIBS) -o $(FUZZ_BUILD)/fuzz_scenario
	@mkdir -p $(FUZZ_BUILD)/corpus
	$(FUZZ_BUILD)/fuzz_scenario -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
		-dict=tests/fuzz/scenario.dict $(FUZZ_BUILD)/corpus tests/fuzz/corpus

# libFuzzer on whole runs (tests/fuzz/fuzz_run.c: accepted scenarios cut
# to short runs with the invariant checks) for FUZZ_SECONDS. An input
# that fails goes to tests/fuzz/crashes-fixed/ with its fix; make check
# replays that directory (tests/test_fuzz_replay.c).
fuzz-run:
	@sh sim/setup-deps.sh --fuzz
	@$(MAKE) --no-print-directory CC=clang BUILD=$(FUZZ_BUILD) SANITIZE=fuzzer-no-link,address,undefined \
		OPT="-O1 -g" $(FUZZ_BUILD)/libpowsim.a
	clang -std=c11 -O1 -g -Iinclude $(PKG_CFLAGS) -fsanitize=fuzzer,address,undefined \
		tests/fuzz/fuzz_run.c $(FUZZ_BUILD)/libpowsim.a $(PKG_LIBS) -o $(FUZZ_BUILD)/fuzz_run
	@mkdir -p $(FUZZ_BUILD)/corpus-run
	$(FUZZ_BUILD)/fuzz_run -max_total_time=$(FUZZ_SECONDS) -timeout=20 -rss_limit_mb=2048 -artifact_prefix=$(FUZZ_BUILD)/ \
		-dict=tests/fuzz/scenario.dict $(FUZZ_BUILD)/corpus-run tests/fuzz/corpus tests/fuzz/crashes-fixed

clean:
	rm -rf build powsim

-include $(LIB_OBJ:.o=.d) $(SIM_OBJ:.o=.d) $(TEST_BIN:=.d)
