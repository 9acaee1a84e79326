# tests/tests.mk: unit tests (cmocka) and integration tests (tests/run.sh)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=bin/tests/%)

bin/tests/%: tests/unit/%.c $(CORE) $(HDRS)
	@mkdir -p bin/tests
	$(CC) $(LW_CPPFLAGS) $(CPPFLAGS) $(LW_CFLAGS) $(LDFLAGS) -o $@ $< \
	    $(CORE) $(LW_LIBS) $(shell $(PKG_CONFIG) --libs cmocka)

tests: all $(UNIT_BIN)

check: deps
	@$(MAKE) --no-print-directory tests
	@tests/run.sh

.PHONY: tests check

# systemd units: `systemd-analyze verify` prints nothing, and the offline
# security exposure stays at or below UNIT_EXPOSURE (x10: 15 = 1.5)
UNIT_EXPOSURE ?= 15
check-units:
	@tests/check-units.sh $(UNIT_EXPOSURE) systemd/lakewatchd.service

# the same tests, built with ASan+UBSan; any report fails the run
SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
sanitize:
	$(MAKE) clean
	$(MAKE) CFLAGS="$(SAN_FLAGS)" LDFLAGS="$(SAN_FLAGS)" tests
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	UBSAN_OPTIONS=print_stacktrace=1 tests/run.sh
	$(MAKE) clean

.PHONY: check-units sanitize

# systemd for real: debootstrap'd bookworm booted in systemd-nspawn
# (tests/systemd/run.sh; root; NSROOT=dir picks the container tree)
check-systemd: all
	@tests/systemd/run.sh

# libFuzzer targets tests/fuzz/fuzz_*.c. The core objects are rebuilt
# with the fuzzer's sanitizers into bin/fuzz/ (the normal ones are not
# touched); `make fuzz` runs each target for FUZZ_SECONDS on its corpus
# tests/fuzz/corpus/<target>/ (new inputs go to tests/out/fuzz/, not
# into the repo) and fails on any crash, leak or sanitizer report.
FUZZ_CC	?= clang
FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 2
FUZZ_SAN = -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
FUZZ_OBJ = $(CORE:%.o=bin/fuzz/%.o)
FUZZ_BIN = $(patsubst tests/fuzz/%.c,bin/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

bin/fuzz/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(LW_CPPFLAGS) $(LW_CFLAGS) $(FUZZ_SAN) \
	    -fsanitize=fuzzer-no-link -c -o $@ $<

bin/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ) $(HDRS)
	$(FUZZ_CC) $(LW_CPPFLAGS) $(LW_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer \
	    -o $@ $< $(FUZZ_OBJ) $(LW_LIBS)

fuzz-build: $(FUZZ_BIN)

fuzz: fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) tests/fuzz/run.sh

.PHONY: check-systemd fuzz fuzz-build
