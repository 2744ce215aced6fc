# koder - one plain Makefile.  `make` builds ./koder; `make test` runs every
# test in a normal build and again under AddressSanitizer + UBSan.
#
#   make            build ./koder
#   make demo       build, then run the main job on the shipped corpus
#   make test       build, then run every test (normal + sanitizers)
#   make lib        build/libkoder.a and include/koder.h: the library alone
#   make lib-test   a program linking libkoder.a alone codes and tallies a survey
#   make bench      speed and memory benchmarks (ratios, not timed tests)
#   make deps       install the Debian packages koder needs (as root)
#   make install    PREFIX=/usr/local DESTDIR= : binary, man page, data, codebooks
#
# BUILD=dir puts objects and the binary elsewhere (several builds side by side).

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
CC      ?= cc
OPT     ?= -O2
SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# pkg-config name -> Debian package that provides it
PC_PKGS  = libpcre2-8:libpcre2-dev icu-uc:libicu-dev icu-i18n:libicu-dev \
           libcjson:libcjson-dev hunspell:libhunspell-dev sqlite3:libsqlite3-dev \
           xlsxwriter:libxlsxwriter-dev libxml-2.0:libxml2-dev freexl:libfreexl-dev
# The web review (koder serve): HTTP server and TLS.
PC_PKGS += libmicrohttpd:libmicrohttpd-dev
PC_PKGS += gnutls:libgnutls28-dev
TEST_PC  = cmocka:libcmocka-dev
DEB_PKGS = build-essential pkg-config libpcre2-dev libicu-dev libcjson-dev \
           libhunspell-dev hunspell-da libsqlite3-dev libxlsxwriter-dev \
           libcmocka-dev tmux valgrind clang libclang-rt-14-dev libxml2-dev libxml2-utils \
           python3 librsvg2-bin libfreexl-dev python3-xlwt
# For survey files (SPSS/Stata/xlsx), statistics, Danish stemming, training,
# the web review and its browser tests, and the Danish prose the normalizer's
# models are built from.
DEB_PKGS += libreadstat-dev libzip-dev libmicrohttpd-dev libgnutls28-dev \
           libstemmer-dev libgsl-dev liblinear-dev pspp chromium curl \
           wdanish mythes-da manpages-da
# survey files: .xlsx archives (libxml2 is above); statistics for tally
PC_PKGS += libzip:libzip-dev
PC_PKGS += gsl:libgsl-dev
PC_NAMES = $(foreach p,$(PC_PKGS),$(firstword $(subst :, ,$(p))))

DEP_CFLAGS := $(shell pkg-config --cflags $(PC_NAMES) 2>/dev/null)
DEP_LIBS   := $(shell pkg-config --libs $(PC_NAMES) 2>/dev/null)
# liblinear (koder train), libstemmer (koder words, discover) and libreadstat
# (.sav/.zsav/.dta) ship no pkg-config file: link them by name, and
# check-deps looks for their headers
DEP_LIBS   += -llinear -lstemmer -lreadstat -lpthread
NOPC_HDRS  += /usr/include/linear.h:liblinear-dev /usr/include/libstemmer.h:libstemmer-dev
NOPC_HDRS  += /usr/include/readstat.h:libreadstat-dev
TEST_LIBS  := $(shell pkg-config --libs cmocka 2>/dev/null)

CFLAGS_ALL = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
             -DKODER_DATADIR='"$(PREFIX)/share/koder"' \
             -Wall -Wextra -Werror -g $(OPT) $(DEP_CFLAGS) $(EXTRA_CFLAGS) $(CFLAGS)
LDFLAGS_ALL = $(EXTRA_LDFLAGS) $(LDFLAGS)

# src/lib/ is the library (never prints, never exits); src/cli/ the commands
# and terminal UI that call it.  Tests and fuzz targets link the library's
# objects from libkoder-core.a.
LIB_SRCS = $(sort $(wildcard src/lib/*.c))
CLI_SRCS = $(sort $(wildcard src/cli/*.c))
LIB_OBJS = $(patsubst src/lib/%.c,$(BUILD)/obj/lib/%.o,$(LIB_SRCS))
CLI_OBJS = $(patsubst src/cli/%.c,$(BUILD)/obj/cli/%.o,$(CLI_SRCS))
# The web review's page (src/cli/web/), built into the binary as C arrays.
WEB_FILES = $(sort $(wildcard src/cli/web/*))
CLI_OBJS += $(BUILD)/obj/cli/web_assets.o
LIB_HDRS = $(wildcard src/lib/*.h)
CLI_HDRS = $(wildcard src/cli/*.h)
UNIT_SRCS = $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

.PHONY: lib lib-test man all check-deps ensure-deps run-tests deps browser-deps test test-build asan demo bench install uninstall clean \
        test-valgrind fuzz

all: check-deps $(BUILD)/koder
ifeq ($(BUILD),build)
all: koder
koder: build/koder
	cp build/koder koder
endif

check-deps:
	@missing=""; for p in $(PC_PKGS); do pc=$${p%%:*}; deb=$${p##*:}; \
	  pkg-config --exists $$pc 2>/dev/null || missing="$$missing $$deb"; done; \
	  [ -f /usr/share/hunspell/da_DK.dic ] || missing="$$missing hunspell-da"; \
	  for p in $(NOPC_HDRS); do [ -f $${p%%:*} ] || missing="$$missing $${p##*:}"; done; \
	  if [ -n "$$missing" ]; then \
	    echo "koder: missing build dependencies:$$missing" >&2; \
	    echo "koder: install them with 'sudo make deps' (or: sudo apt-get install$$missing)" >&2; \
	    exit 1; fi

# `make demo` and `make test` are the whole set-up on a fresh Debian machine:
# when a package is missing they install it (as root, or with passwordless
# sudo); otherwise they name what to install and stop.
ensure-deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then \
	    echo "koder: installing missing packages:$$missing" >&2; \
	    if [ "$$(id -u)" -eq 0 ]; then $(MAKE) --no-print-directory deps; \
	    elif sudo -n true 2>/dev/null; then sudo $(MAKE) --no-print-directory deps; \
	    else echo "koder: run 'sudo make deps' first (it installs:$$missing)" >&2; exit 1; fi; fi
	@[ -d tests/browser/node_modules/playwright-core ] || ! command -v npm >/dev/null \
	  || $(MAKE) --no-print-directory browser-deps

deps:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DEB_PKGS)
	$(MAKE) --no-print-directory browser-deps

# The browser tests' runner (playwright-core, driving the system chromium;
# it downloads no browser), at the version package-lock.json pins.
# Node.js and npm come with the machine (its nodejs package carries npm;
# Debian's own npm package conflicts with it, so it is not in DEB_PKGS).
browser-deps:
	@command -v npm >/dev/null || { echo "koder: the browser tests need Node.js with npm (apt-get install nodejs npm)" >&2; exit 1; }
	cd tests/browser && npm ci --no-audit --no-fund

# The library sees only its own headers (and the public include/koder.h);
# the commands see both.  Library objects hide every symbol but the public
# API's (KODER_API), so libkoder.a exports koder_* names only.
LIB_CFLAGS = -fvisibility=hidden -DKODER_BUILDING_LIB -Iinclude -Isrc/lib
$(BUILD)/obj/lib/%.o: src/lib/%.c $(LIB_HDRS) include/koder.h | $(BUILD)/obj/lib
	$(CC) $(CFLAGS_ALL) $(LIB_CFLAGS) -c -o $@ $<

$(BUILD)/obj/cli/%.o: src/cli/%.c $(LIB_HDRS) $(CLI_HDRS) | $(BUILD)/obj/cli
	$(CC) $(CFLAGS_ALL) -Isrc/cli -Isrc/lib -c -o $@ $<

$(BUILD)/obj/cli/web_assets.c: $(WEB_FILES) scripts/embed-web.py | $(BUILD)/obj/cli
	python3 scripts/embed-web.py $@ $(WEB_FILES)

$(BUILD)/obj/cli/web_assets.o: $(BUILD)/obj/cli/web_assets.c
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/obj/lib $(BUILD)/obj/cli $(BUILD)/tests:
	mkdir -p $@

$(BUILD)/libkoder-core.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

# The public library: every library object linked into one relocatable
# object whose hidden symbols are made local, so `nm -g --defined-only
# build/libkoder.a` lists koder_* only and a program linking it cannot
# collide with koder's inside.  It needs the system libraries in DEP_LIBS.
$(BUILD)/libkoder.a: $(LIB_OBJS)
	rm -f $@ $(BUILD)/koder-lib.o
	ld -r -o $(BUILD)/koder-lib.o $^
	objcopy --localize-hidden $(BUILD)/koder-lib.o
	ar rcs $@ $(BUILD)/koder-lib.o
	@bad=$$(nm -g --defined-only $@ | awk 'NF == 3 && $$3 !~ /^koder_/ {print $$3}'); \
	  if [ -n "$$bad" ]; then echo "koder: libkoder.a exports non-koder_ symbols: $$bad" >&2; \
	  rm -f $@; exit 1; fi

lib: $(BUILD)/libkoder.a

# A program that links libkoder.a alone (plus the system libraries) codes
# and tallies a small survey through include/koder.h.
$(BUILD)/tests/lib-test: tests/lib/lib-test.c include/koder.h $(BUILD)/libkoder.a | $(BUILD)/tests
	$(CC) -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -g $(EXTRA_CFLAGS) \
	  -Iinclude -o $@ $< $(BUILD)/libkoder.a $(DEP_LIBS) -lm $(LDFLAGS_ALL)

lib-test: $(BUILD)/tests/lib-test
	@cd tests/lib && $(abspath $(BUILD))/tests/lib-test

$(BUILD)/koder: $(CLI_OBJS) $(BUILD)/libkoder-core.a
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(DEP_LIBS) -lm $(LDFLAGS_ALL)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libkoder-core.a $(LIB_HDRS) | $(BUILD)/tests
	@pkg-config --exists cmocka || { echo "koder: tests need cmocka: sudo apt-get install libcmocka-dev" >&2; exit 1; }
	$(CC) $(CFLAGS_ALL) -Isrc/lib -o $@ $< $(BUILD)/libkoder-core.a $(DEP_LIBS) $(TEST_LIBS) -lm $(LDFLAGS_ALL)

# Everything the test scripts need in one build directory.
test-build: all $(UNIT_BINS)

asan:
	$(MAKE) --no-print-directory BUILD=$(BUILD)-asan OPT=-O1 \
	  EXTRA_CFLAGS="$(SAN_FLAGS)" EXTRA_LDFLAGS="$(SAN_FLAGS)" test-build

# One summary line per build, then the total ("N passed, N failed").
test: ensure-deps
	@$(MAKE) --no-print-directory test-build asan
	@$(MAKE) --no-print-directory lib-test
	@$(MAKE) --no-print-directory run-tests

run-tests:
	@LC_ALL=C.UTF-8 tests/run-all.sh $(BUILD) $(BUILD)-asan

# The suite again with every koder and unit-test run under valgrind (normal
# build): any invalid read/write or definite leak fails the run.
test-valgrind: test-build
	@LC_ALL=C.UTF-8 tests/valgrind.sh $(BUILD)

# libFuzzer targets tests/fuzz/fuzz_*.c, FUZZ_SECONDS each (clang, ASan, UBSan);
# FUZZ_TARGETS="csv pii" runs only those.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
FUZZ_FLAGS = -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
fuzz:
	$(MAKE) --no-print-directory BUILD=$(BUILD)-fuzz CC=clang OPT=-O1 \
	  EXTRA_CFLAGS="$(FUZZ_FLAGS)" $(BUILD)-fuzz/libkoder-core.a
	FUZZ_LIBS='$(DEP_LIBS)' tests/fuzz/run.sh $(BUILD)-fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

bench: all
	@LC_ALL=C.UTF-8 bench/run.sh $(BUILD)

demo: ensure-deps
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh $(BUILD)/koder

MAN_PAGES = docs/koder.1
# The COMMANDS section of the man page is made from each command's --help.
man: all
	python3 scripts/make-man.py $(BUILD)/koder docs/koder.1

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/koder/codebooks $(DESTDIR)$(PREFIX)/share/koder/data
	install -m 755 $(BUILD)/koder $(DESTDIR)$(PREFIX)/bin/koder
	install -m 644 $(MAN_PAGES) $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 codebooks/*.json codebooks/*.model $(DESTDIR)$(PREFIX)/share/koder/codebooks/
	cp -R data/. $(DESTDIR)$(PREFIX)/share/koder/data/
	find $(DESTDIR)$(PREFIX)/share/koder -type f -exec chmod 644 {} +

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/koder $(DESTDIR)$(PREFIX)/share/man/man1/koder.1
	rm -rf $(DESTDIR)$(PREFIX)/share/koder

clean:
	rm -rf build build-asan koder
