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
