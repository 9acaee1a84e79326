# tests/tests.mk: unit tests (cmocka) and integration tests (tests/run.sh)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=bin/tests/%)

# unit tests link the library and the daemon's modules (not its main);
# those of tool/ include the source they test
CORE	= $(LIB) $(filter-out daemon/main.o,$(DAEMON))

bin/tests/%: tests/unit/%.c $(CORE) $(HDRS)
	@mkdir -p bin/tests
	$(CC) $(LW_CPPFLAGS) $(CPPFLAGS) $(LW_CFLAGS) $(LDFLAGS) -o $@ $< \
	    $(CORE) $(LW_LIBS) $(TOOL_LIBS) $(shell $(PKG_CONFIG) --libs cmocka)

# LD_PRELOAD shim that steps a test daemon's wall clock (clock_step.sh)
bin/tests/clockshift.so: tests/sim/clockshift.c
	@mkdir -p bin/tests
	$(CC) $(LW_CPPFLAGS) $(LW_CFLAGS) -fPIC -shared -o $@ $< -ldl

tests: all $(UNIT_BIN) bin/tests/clockshift.so

# builds take every CPU (NPROC) unless make was given -j already
NPROC	?= $(shell nproc 2>/dev/null || echo 2)
JFLAG	= $(if $(filter -j%,$(MAKEFLAGS)),,-j$(NPROC))

check: deps
	@$(MAKE) --no-print-directory $(JFLAG) tests
	@tests/run.sh

.PHONY: tests check

# systemd units: `systemd-analyze verify` prints nothing, and the offline
# security exposure stays at or below UNIT_EXPOSURE (x10: 15 = 1.5)
UNIT_EXPOSURE ?= 15
check-units:
	@tests/check-units.sh $(UNIT_EXPOSURE) systemd/lakewatchd.service \
	    systemd/lakewatch-dashboard.service

# the same tests, built with ASan+UBSan; any report fails the run
SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
# (sanitize-build and sanitize-run are its halves: CI builds a copy of
# the tree at nice 19 while make check runs, and runs it beside valgrind)
sanitize: sanitize-build
	@$(MAKE) --no-print-directory sanitize-run
	$(MAKE) clean
sanitize-build:
	$(MAKE) clean
	$(MAKE) $(JFLAG) CFLAGS="$(SAN_FLAGS)" LDFLAGS="$(SAN_FLAGS)" tests
sanitize-run:
	LW_SANITIZED=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1 tests/run.sh

.PHONY: check-units sanitize sanitize-build sanitize-run

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
FUZZ_OBJ = $(patsubst %.o,bin/fuzz/%.o,$(CORE) \
	$(filter-out tool/lakewatch.o,$(TOOL)))
FUZZ_BIN = $(patsubst tests/fuzz/%.c,bin/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

bin/fuzz/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(LW_CPPFLAGS) $(LW_CFLAGS) $(FUZZ_SAN) \
	    -fsanitize=fuzzer-no-link -c -o $@ $<

bin/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ) $(HDRS)
	$(FUZZ_CC) $(LW_CPPFLAGS) $(LW_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer \
	    -o $@ $< $(FUZZ_OBJ) $(LW_LIBS) $(TOOL_LIBS)

fuzz-build: $(FUZZ_BIN)
.SECONDARY: $(FUZZ_OBJ)

fuzz: fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) tests/fuzz/run.sh

.PHONY: check-systemd fuzz fuzz-build

# the unit and integration tests with every lakewatchd (and unit test)
# under valgrind (tests/valgrind.sh; VG_JOBS integration tests at once):
# any error or definite/indirect leak fails; "still reachable" and
# "possibly lost" (librrd, glib, curl's globals, threads at exit) do not.
VG_DIR	= tests/out/valgrind
VALGRIND = valgrind -q --error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite,indirect --show-possibly-lost=no \
	--track-fds=no \
	--suppressions=$(CURDIR)/tests/fixtures/librrd.supp \
	--log-file=$(CURDIR)/$(VG_DIR)/%p.log
# VG_JOBS: tests at once; unset, one per CPU and at least 2 (valgrind.sh)
VG_JOBS	?=
valgrind: tests
	@VALGRIND='$(VALGRIND)' VG_DIR=$(VG_DIR) VG_JOBS=$(VG_JOBS) \
	    tests/valgrind.sh

.PHONY: valgrind

# static analysis of daemon/ and drivers/ (tests/analyze.sh); false
# positives go to tests/analyze.supp with a reason. The checks:
#  cppcheck: warning, performance, portability (error is always on)
#  clang-tidy: bugprone-* except easily-swappable-parameters,
#   narrowing-conversions and implicit-widening-of-multiplication-result
#   (style: every int/double/size_t mix in KNF code) and branch-clone
#   (parallel branches in rule tables are deliberate); clang-analyzer-*
#   except the Annex K "use memcpy_s" advice; cert-err34-c (atoi, scanf
#   without conversion errors), cert-flp30-c, cert-str34-c, cert-msc30-c,
#   cert-msc50-c (rand), cert-env33-c (system, popen).
CPPCHECK_FLAGS = --enable=warning,performance,portability --inline-suppr \
	--std=c11 -D_GNU_SOURCE -DLW_VERSION=__DATE__ -Ilib -Idaemon -Itool -Idrivers
TIDY_CHECKS = -*,bugprone-*,-bugprone-easily-swappable-parameters,$\
	-bugprone-narrowing-conversions,$\
	-bugprone-implicit-widening-of-multiplication-result,$\
	-bugprone-branch-clone,clang-analyzer-*,$\
	-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling,$\
	-clang-analyzer-security.insecureAPI.strcpy,cert-err34-c,cert-flp30-c,$\
	cert-str34-c,cert-msc30-c,cert-msc50-c,cert-env33-c
ANALYZE_CFLAGS = -D_GNU_SOURCE -DLW_VERSION=__DATE__ -std=c11 \
	$(shell $(PKG_CONFIG) --cflags $(PKGS))
analyze:
	@CPPCHECK_FLAGS='$(CPPCHECK_FLAGS)' TIDY_CHECKS='$(TIDY_CHECKS)' \
	ANALYZE_CFLAGS='$(ANALYZE_CFLAGS)' \
	    tests/analyze.sh

.PHONY: analyze

# side-by-side benchmark against collectd 5.12 (bench/run.sh; BENCH_QUICK=1,
# BENCH_N, BENCH_SECONDS). Never part of `make check`. collectd-core and
# libyajl2 (write_http) are needed only here: `make bench-deps`.
DEB_BENCH = collectd-core libyajl2
bench-deps:
	@missing=; for p in $(DEB_BENCH); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
	    grep -q 'ok installed' || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "make bench-deps: installing$$missing"; \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends $$missing; \
	fi

bench: all
	@$(MAKE) --no-print-directory bench-deps
	@bench/run.sh

.PHONY: bench bench-deps
