# lakewatch: plain make + pkg-config. `make help` lists the targets.
# the version is written once, in debian/changelog (the package's)
VERSION	:= $(shell sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog)
PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
SBINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR	?= /lib/systemd/system
PKG_CONFIG ?= pkg-config
CC	?= cc
CFLAGS	?= -O2 -g

PKGS	= libmodbus librrd libcurl inih jansson libsystemd libcrypto \
	  libmicrohttpd
# lakewatch only: report --format xlsx
TOOL_PKGS = xlsxwriter
WARN	= -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	  -Wpointer-arith -Wcast-qual -Wwrite-strings -Wvla -Wformat=2 \
	  -Wundef -Wno-format-truncation -Wno-unknown-warning-option
ifeq ($(DEVELOPER),1)
WARN	+= -Werror
endif
LW_CPPFLAGS = -D_GNU_SOURCE -DLW_VERSION=\"$(VERSION)\"
LW_CFLAGS = -std=c11 $(WARN) $(CFLAGS) $(shell $(PKG_CONFIG) --cflags $(PKGS) \
	  $(TOOL_PKGS))
LW_LIBS	= $(shell $(PKG_CONFIG) --libs $(PKGS)) -lpthread -lm
# lakewatch import only (RFC 4180 CSV); libcsv-dev ships no .pc file
TOOL_LIBS = -lcsv $(shell $(PKG_CONFIG) --libs $(TOOL_PKGS))

# Three homes for the C code (README, "Layout"): lib/ and drivers/ are
# what both programs use, daemon/ is lakewatchd only, tool/ lakewatch
# only. A new file needs no line here.
objs	= $(patsubst %.c,%.o,$(wildcard $(1)))
LIB	= $(call objs,lib/*.c drivers/*.c)
DAEMON	= $(call objs,daemon/*.c)
TOOL	= $(call objs,tool/*.c)
HDRS	= $(wildcard lib/*.h daemon/*.h tool/*.h drivers/*.h)

all: bin/lakewatchd bin/lakewatch bin/lwsim

bin/lakewatchd: $(LIB) $(DAEMON)
	@mkdir -p bin
	$(CC) $(LDFLAGS) -o $@ $^ $(LW_LIBS)

bin/lakewatch: $(LIB) $(TOOL)
	@mkdir -p bin
	$(CC) $(LDFLAGS) -o $@ $^ $(LW_LIBS) $(TOOL_LIBS)

bin/lwsim: tests/sim/lwsim.c
	@mkdir -p bin
	$(CC) $(LW_CPPFLAGS) $(LW_CFLAGS) $(LDFLAGS) -o $@ $< \
	    $(shell $(PKG_CONFIG) --libs libmodbus) -lm

%.o: %.c $(HDRS)
	$(CC) $(LW_CPPFLAGS) $(CPPFLAGS) $(LW_CFLAGS) -c -o $@ $<

# what prints the version is built again when debian/changelog changes
$(call objs,$(shell grep -l LW_VERSION lib/*.c daemon/*.c tool/*.c)): \
	debian/changelog

include tests/tests.mk

# Debian packages to build (DEB_BUILD), test (DEB_TEST) and benchmark
DEB_BUILD = gcc make pkg-config libmodbus-dev librrd-dev libcurl4-openssl-dev \
	  libinih-dev libjansson-dev libsystemd-dev libssl-dev libcsv-dev \
	  libmicrohttpd-dev libxlsxwriter-dev \
	  zlib1g-dev	# xlsxwriter.pc's -lz: libxlsxwriter-dev does not pull it in
DEB_TEST = libcmocka-dev rrdtool rrdcached python3 python3-pymodbus \
	  python3-serial python3-serial-asyncio python3-openpyxl socat curl procps valgrind \
	  clang systemd man-db chromium fonts-noto-cjk fonts-dejavu-core tzdata \
	  prometheus-alertmanager prometheus
# what `make demo` needs and no more: the build, rrdtool (the demo reads
# the RRDs back), python3 (the year's generator, the webhook receiver),
# the zone and the graphs' fonts (CJK site names)
DEB_DEMO = $(DEB_BUILD) rrdtool python3 tzdata fonts-dejavu-core \
	  fonts-noto-cjk
# what `make deb` needs: the build and dpkg-buildpackage's tools
DEB_PKG	= $(DEB_BUILD) build-essential debhelper dpkg-dev fakeroot
SUDO	= $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# $(call apt_install,TARGET,PACKAGES): apt-get install those missing
apt_install = @missing=; for p in $(2); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
	    grep -q 'ok installed' || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "make $(1): installing$$missing"; \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends $$missing; \
	fi

deps:
	$(call apt_install,deps,$(DEB_BUILD) $(DEB_TEST) $(DEB_EXTRA))

demo-deps:
	$(call apt_install,demo,$(DEB_DEMO))

demo: demo-deps
	@$(MAKE) --no-print-directory all
	@tests/demo.sh

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) \
	    $(DESTDIR)$(SYSCONFDIR)/lakewatch $(DESTDIR)$(UNITDIR) \
	    $(DESTDIR)$(PREFIX)/lib/sysusers.d \
	    $(DESTDIR)$(PREFIX)/lib/tmpfiles.d \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	    $(DESTDIR)$(PREFIX)/share/doc/lakewatch
	install -m 644 etc/nginx-lakewatch.conf \
	    $(DESTDIR)$(PREFIX)/share/doc/lakewatch/
	install -m 644 man/man1/lakewatch.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/man5/lakewatch.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 644 man/man8/lakewatchd.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 755 bin/lakewatchd $(DESTDIR)$(SBINDIR)/lakewatchd
	install -m 755 bin/lakewatch $(DESTDIR)$(BINDIR)/lakewatch
	[ -e $(DESTDIR)$(SYSCONFDIR)/lakewatch/lakewatch.conf ] || \
	    install -m 640 etc/lakewatch.conf \
	    $(DESTDIR)$(SYSCONFDIR)/lakewatch/lakewatch.conf
	sed 's#@SBINDIR@#$(SBINDIR)#g; s#@SYSCONFDIR@#$(SYSCONFDIR)#g' \
	    systemd/lakewatchd.service > $(DESTDIR)$(UNITDIR)/lakewatchd.service
	sed 's#@BINDIR@#$(BINDIR)#g; s#@SYSCONFDIR@#$(SYSCONFDIR)#g' \
	    systemd/lakewatch-dashboard.service \
	    > $(DESTDIR)$(UNITDIR)/lakewatch-dashboard.service
	install -m 644 systemd/lakewatch-dashboard.timer $(DESTDIR)$(UNITDIR)/
	install -m 644 systemd/lakewatch.sysusers \
	    $(DESTDIR)$(PREFIX)/lib/sysusers.d/lakewatch.conf
	install -m 644 systemd/lakewatch.tmpfiles \
	    $(DESTDIR)$(PREFIX)/lib/tmpfiles.d/lakewatch.conf
	install -m 644 etc/lakewatch.bash-completion \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions/lakewatch
	ln -sf lakewatch \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions/lakewatchd

# the Debian package, built by dpkg-buildpackage in a copy of the tree
# under build/deb/ and copied to build/ (tests/systemd/deb.sh tries it)
DEB_FILE = build/lakewatch_$(VERSION)_$(shell dpkg --print-architecture).deb
deb-deps:
	$(call apt_install,deb,$(DEB_PKG))

deb: deb-deps
	rm -rf build/deb
	mkdir -p build/deb/lakewatch-$(VERSION)
	tar -cf - --exclude-vcs --exclude=./build --exclude=./bin \
	    --exclude=./demo --exclude=./tests/out --exclude='*.o' . | \
	    tar -xf - -C build/deb/lakewatch-$(VERSION)
	cd build/deb/lakewatch-$(VERSION) && dpkg-buildpackage -us -uc -b
	cp build/deb/lakewatch_$(VERSION)_*.deb build/
	@echo "make deb: $(DEB_FILE)"

# the package on a fresh Debian 12 in nspawn: install, upgrade, purge
# (tests/systemd/deb.sh; root; NSROOT as for check-systemd)
check-deb: deb
	@tests/systemd/deb.sh $(DEB_FILE)

# the README's promise from a clone in a bare Debian 12 tree: make demo,
# make deb, the package installed and running (slow; not run by CI)
check-fresh:
	@tests/systemd/fresh.sh

# make print-VAR: a variable's value (tests/layout.sh reads DEB_BUILD)
print-%:
	@echo $($*)

clean:
	rm -rf bin lib/*.o daemon/*.o tool/*.o drivers/*.o tests/unit/*.o \
	    tests/out build

help:
	@echo "make            build bin/lakewatchd, bin/lakewatch, bin/lwsim"
	@echo "make deps       install the Debian packages needed (apt-get)"
	@echo "make demo       a year of simulated data, then the daemon live"
	@echo "make check      unit and integration tests"
	@echo "make sanitize   make check under ASan+UBSan"
	@echo "make valgrind   the tests under valgrind"
	@echo "make fuzz       libFuzzer targets, FUZZ_SECONDS each"
	@echo "make analyze    cppcheck and clang-tidy"
	@echo "make check-units   systemd-analyze verify and security"
	@echo "make check-systemd the unit in a real systemd (nspawn)"
	@echo "make bench      lakewatchd vs collectd on a simulated farm"
	@echo "make install    PREFIX=$(PREFIX) DESTDIR=..."
	@echo "make deb        the Debian package, in build/"
	@echo "make check-deb  install, upgrade, purge it in nspawn"
	@echo "make check-fresh   make demo, make deb, install: a bare Debian 12"

.PHONY: all deps demo-deps demo deb-deps deb check-deb check-fresh install clean help
