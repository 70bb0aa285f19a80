# handoff: build the filters, test, lint, install.
#
# The programs are auto-discovered: every filters/NAME.c, or directory
# filters/NAME/ of sources, becomes the filter bin/NAME, and every
# libexec/NAME.c, or directory libexec/NAME/ of sources, a helper of
# handoff.mk, build/libexec/NAME; all are linked with the small shared
# library in filters/lib/. The pipeline itself (make handoff, check,
# verify, handoff-all) lives in handoff.mk.

.DEFAULT_GOAL := all
SHELL	:= /bin/bash

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/libexec/handoff
MANDIR	?= $(PREFIX)/share/man
DATADIR	?= $(PREFIX)/share/handoff
DESTDIR	?=

CC	?= cc
CFLAGS	?= -O2 -g
# Warnings are errors here and in CI; users may build with WERROR= .
WERROR	?= -Werror
HF_CFLAGS = -std=c11 -Wall -Wextra -pedantic $(WERROR)
HF_CPPFLAGS = -D_POSIX_C_SOURCE=200809L -Ifilters/lib -MMD -MP
# SHA256=openssl hashes with libcrypto, which uses the processor's SHA
# instructions where it has them; libmd's portable code is the default.
SHA256	?= libmd
ifeq ($(SHA256),libmd)
SHA_PKG	= libmd
SHA_DEP	= 'libmd-dev:pkg-config --exists libmd'
else ifeq ($(SHA256),openssl)
SHA_PKG	= libcrypto
SHA_DEP	= 'libssl-dev:pkg-config --exists libcrypto'
HF_CPPFLAGS += -DHF_SHA256_OPENSSL
else
$(error SHA256=$(SHA256): unknown backend, use libmd (the default) or openssl)
endif
PKGS	= yaml-0.1 libcjson $(SHA_PKG)
# Recursive on purpose: pkg-config may only exist once the deps rule ran.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS))

# SANITIZE=1 builds with AddressSanitizer and UndefinedBehaviorSanitizer
# into a directory of its own, so both builds can coexist.
ifeq ($(SANITIZE),1)
OBJ	= build/san/obj
BIN	= build/san/bin
SAN	= -fsanitize=address,undefined -fno-omit-frame-pointer \
	  -fno-sanitize-recover=all
else
OBJ	= build/obj
BIN	= bin
SAN	=
endif
# The libcrypto build gets directories of its own too, so that objects of
# the two backends never mix and switching needs no clean.
ifeq ($(SHA256),openssl)
OBJ	:= build/openssl$(if $(SAN),-san)/obj
BIN	:= build/openssl$(if $(SAN),-san)/bin
endif
# The helpers handoff.mk runs live beside the objects, not on PATH.
LXBIN	:= $(OBJ:%/obj=%)/libexec

DIRFILTERS := $(filter-out lib,$(notdir $(patsubst %/,%,$(wildcard filters/*/))))
FILTERS	:= $(basename $(notdir $(wildcard filters/*.c))) $(DIRFILTERS)
DIRHELPERS := $(notdir $(patsubst %/,%,$(wildcard libexec/*/)))
HELPERS	:= $(basename $(notdir $(wildcard libexec/*.c))) $(DIRHELPERS)
LIBSRC	:= $(wildcard filters/lib/*.c)
LIBOBJ	:= $(LIBSRC:filters/lib/%.c=$(OBJ)/lib/%.o)
PROGS	:= $(FILTERS:%=$(BIN)/%)
HELPERPROGS := $(HELPERS:%=$(LXBIN)/%)
# The objects of a filter: its one source, or every source of its directory.
hf_objs = $(if $(filter $1,$(DIRFILTERS)),$(patsubst \
	filters/%.c,$(OBJ)/%.o,$(wildcard filters/$1/*.c)),$(OBJ)/$1.o)
# The same for a helper, its objects under $(OBJ)/libexec/.
lx_objs = $(if $(filter $1,$(DIRHELPERS)),$(patsubst \
	%.c,$(OBJ)/%.o,$(wildcard libexec/$1/*.c)),$(OBJ)/libexec/$1.o)
MAN1	:= $(wildcard man/*.1)
MAN5	:= $(wildcard man/*.5)
SCRIPTS	:= .ci/run $(wildcard bench/*.sh) $(wildcard tests/*.sh) \
	   $(wildcard filters/*.sh.in)

# Test drivers live beside the objects; they are never installed.
TESTPROGS := $(OBJ)/test/libcheck

all: $(PROGS) $(HELPERPROGS)

$(OBJ)/%.o: filters/%.c | deps-build
	@mkdir -p $(@D)
	$(CC) $(HF_CPPFLAGS) $(CPPFLAGS) $(HF_CFLAGS) $(CFLAGS) $(SAN) \
	    $(PKG_CFLAGS) -c -o $@ $<

$(OBJ)/libexec/%.o: libexec/%.c | deps-build
	@mkdir -p $(@D)
	$(CC) $(HF_CPPFLAGS) $(CPPFLAGS) $(HF_CFLAGS) $(CFLAGS) $(SAN) \
	    $(PKG_CFLAGS) -c -o $@ $<

# Headers each object includes, as the compiler found them (-MMD).
-include $(shell find build -name '*.d' 2>/dev/null)

# Keep the objects: make would otherwise delete them as intermediate files
# and rebuild them on every change to the library.
.SECONDARY:

$(OBJ)/libhf.a: $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

.SECONDEXPANSION:
$(BIN)/%: $$(call hf_objs,%) $(OBJ)/libhf.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) $(LDFLAGS) -pthread -o $@ \
	    $(call hf_objs,$*) $(OBJ)/libhf.a $(PKG_LIBS) -lm

$(LXBIN)/%: $$(call lx_objs,%) $(OBJ)/libhf.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) $(LDFLAGS) -pthread -o $@ \
	    $(call lx_objs,$*) $(OBJ)/libhf.a $(PKG_LIBS) -lm

$(OBJ)/test/%: tests/%.c $(OBJ)/libhf.a | deps-build
	@mkdir -p $(@D)
	$(CC) $(HF_CPPFLAGS) $(CPPFLAGS) $(HF_CFLAGS) $(CFLAGS) $(SAN) \
	    $(PKG_CFLAGS) $(LDFLAGS) -o $@ $< $(OBJ)/libhf.a $(PKG_LIBS) -lm

# Fresh-machine set-up. Each entry is "debian-package:shell test"; what
# fails its test is installed with apt-get when we are root, otherwise the
# exact command is printed and make stops.  GNU time measures peak memory
# in the tests, and strace counts the processes a package build starts.
BATS_LIB ?= /usr/lib/bats
DEPS_BUILD = \
	'pkg-config:command -v pkg-config' \
	'libyaml-dev:pkg-config --exists yaml-0.1' \
	'libcjson-dev:pkg-config --exists libcjson' \
	$(SHA_DEP)
DEPS_TEST = \
	'bats:command -v bats' \
	'bats-support:test -f $(BATS_LIB)/bats-support/load.bash' \
	'bats-assert:test -f $(BATS_LIB)/bats-assert/load.bash' \
	'mandoc:command -v mandoc' \
	'shellcheck:command -v shellcheck' \
	'git:command -v git' \
	'python3-yaml:/usr/bin/python3 -c "import yaml"' \
	'cmark-gfm:command -v cmark-gfm' \
	'time:test -x /usr/bin/time' \
	'strace:command -v strace'

define install-missing
	@missing=; \
	for spec in $(1); do \
		eval "$${spec#*:}" >/dev/null 2>&1 || \
		    missing="$$missing $${spec%%:*}"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "installing:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			    apt-get install -y -qq$$missing || exit 2; \
		else \
			echo "missing:$$missing" >&2; \
			echo "run: sudo apt-get install -y$$missing" >&2; \
			exit 2; \
		fi; \
	fi
endef

deps-build:
	$(call install-missing,$(DEPS_BUILD))

deps-test: deps-build
	$(call install-missing,$(DEPS_TEST))

# VALGRIND=1 runs the suite through valgrind: bin/ is shadowed by wrappers
# that exit 99 on any memory error or definite leak, which no test expects.
ifeq ($(VALGRIND),1)
TESTBIN	= build/vg/bin
$(TESTBIN)/%: $(BIN)/%
	@mkdir -p $(@D)
	@printf '#!/bin/sh\nexec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite "%s" "$$@"\n' \
	    "$(CURDIR)/$<" >$@
	@chmod +x $@
else
TESTBIN	= $(BIN)
endif

# The whole suite, against the build selected by SANITIZE. bats speaks TAP;
# the last line sums it up as "N passed, N failed, N skipped" for people
# and for CI logs alike.
test: all $(TESTPROGS) $(FILTERS:%=$(TESTBIN)/%) deps-test
	@mkdir -p build
	@set -o pipefail; \
	HANDOFF_BIN="$(CURDIR)/$(TESTBIN)" HANDOFF_TESTBIN="$(CURDIR)/$(OBJ)/test" \
	    HANDOFF_LIBEXEC="$(CURDIR)/$(LXBIN)" \
	    bats --tap tests/ | tee build/test.tap; \
	status=$$?; \
	awk '/^ok .*# skip/ { s++; next } /^ok / { p++ } /^not ok / { f++ } \
	    END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' \
	    build/test.tap; \
	exit $$status

# mandoc also reports cross-references to pages this machine lacks (jq(1),
# python3(1)), in words that depend on whether a mandoc.db exists; that is
# a fact about the machine, not the page, so those lines are dropped and
# every other message fails the lint.
lint: deps-test
	@out=$$($(if $(MAN1)$(MAN5),mandoc -Tlint $(MAN1) $(MAN5) 2>&1) | \
	    grep -v -e 'mandoc.db lacks .* entry' \
	    -e 'referenced manual not found'); \
	if [ -n "$$out" ]; then echo "$$out"; exit 1; fi
	shellcheck -s bash $(SCRIPTS) tests/helper.bash
	@echo "lint: clean"

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DATADIR)
	$(if $(PROGS),cp $(PROGS) $(DESTDIR)$(BINDIR)/)
	$(if $(HELPERPROGS),cp $(HELPERPROGS) $(DESTDIR)$(LIBEXECDIR)/)
	$(if $(MAN1),cp $(MAN1) $(DESTDIR)$(MANDIR)/man1/)
	$(if $(MAN5),cp $(MAN5) $(DESTDIR)$(MANDIR)/man5/)
	$(if $(wildcard handoff.mk),cp handoff.mk $(DESTDIR)$(DATADIR)/)
	$(if $(wildcard filters/*.sh.in),cp filters/*.sh.in $(DESTDIR)$(DATADIR)/)

uninstall:
	rm -f $(FILTERS:%=$(DESTDIR)$(BINDIR)/%)
	rm -f $(HELPERS:%=$(DESTDIR)$(LIBEXECDIR)/%)
	-rmdir $(DESTDIR)$(LIBEXECDIR)
	rm -f $(MAN1:man/%=$(DESTDIR)$(MANDIR)/man1/%)
	rm -f $(MAN5:man/%=$(DESTDIR)$(MANDIR)/man5/%)
	rm -f $(DESTDIR)$(DATADIR)/handoff.mk \
	    $(patsubst filters/%,$(DESTDIR)$(DATADIR)/%,$(wildcard filters/*.sh.in))
	-rmdir $(DESTDIR)$(DATADIR)

clean:
	rm -rf bin build

.PHONY: all deps-build deps-test test lint install uninstall clean

# --- bench ---------------------------------------------------------------
# make bench: the toolkit's speed against its baselines, side by side
# (bench/run.sh; hyperfine, installed when missing and root): one feature
# against spec-kitty's own generator, the processes a package costs,
# handoff-all over the corpus and a generated repository of 400 features,
# yaml2json, treehash and evcat. Built in release mode (the default
# CFLAGS). Prints the table and writes bench/results.md; exits 0 even when
# a target is missed (marked MISSED). BENCH_ARGS passes options and
# benchmark names to bench/run.sh; bench/profile.sh says where the time
# goes.
bench: all
	HANDOFF_BIN="$(CURDIR)/$(BIN)" HANDOFF_LIBEXEC="$(CURDIR)/$(LXBIN)" \
	    BENCH_CFLAGS="$(CFLAGS) $(SAN)" BENCH_SHA256="$(SHA256)" \
	    bench/run.sh $(BENCH_ARGS)

.PHONY: bench
# --- end bench -----------------------------------------------------------

# --- fuzzing ---------------------------------------------------------------
# make fuzz [FUZZ_SECONDS=60] builds every libFuzzer target into build/fuzz/
# (clang needed) and runs each for FUZZ_SECONDS; see tests/fuzz/fuzz.mk.
FUZZ_SECONDS ?= 60
fuzz fuzz-build: deps-build
	@$(MAKE) --no-print-directory -f tests/fuzz/fuzz.mk $@ \
	    FUZZ_SECONDS=$(FUZZ_SECONDS)
.PHONY: fuzz fuzz-build
# --- end of fuzzing ----------------------------------------------------------

# The pipeline: make handoff, check, verify, handoff-all. In this tree
# they work on the bundled example by default, with this tree's filters,
# which are built before any of them runs.
REPO	?= examples
FEATURE	?= 001-greeting-cli
ifeq ($(REPO),examples)
PROJECT_SCOPE_ID ?= greet
SOURCE_BRANCH ?= main
endif
HANDOFF_BIN ?= $(CURDIR)/$(BIN)
HANDOFF_LIBEXEC ?= $(CURDIR)/$(LXBIN)
HANDOFF_TOOLS = $(PROGS) $(HELPERPROGS)
include handoff.mk
