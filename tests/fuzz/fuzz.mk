# Fuzzing the filters' parsers with libFuzzer; run from the top directory
# through the Makefile's fuzz target:
#
#	make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS="evcat nsgen"]
#
# Every target is a filter compiled with -Dmain=filter_main -DHF_FUZZ and
# linked with tests/fuzz/driver.c, which holds each target's command line.
# A target is built only when its filter's source exists.  Each runs for
# FUZZ_SECONDS, from its seeds (tests/fuzz/seeds/TARGET, made by
# tests/fuzz/seeds.sh) and the corpus it grew before (build/fuzz/corpus);
# crashing inputs land in build/fuzz/crashes.  A run that ends with an
# error leaves its allocations behind (the longjmp skips the frees that
# exit would make moot), so a long session can reach -rss_limit_mb: an
# oom- artifact whose input alone runs in a few MiB is that, not a bug.
# The summary gives, per
# target, the executions and the coverage libFuzzer reached (cov: edges,
# ft: features).

SHELL		:= /bin/bash
FUZZ_SECONDS	?= 60
FUZZ_CC		?= clang
FUZZ_DIR	:= build/fuzz
# target:filter
FUZZ_ALL	:= yaml2json:yaml2json yaml2json_multi:yaml2json \
		   evcat:evcat evcat_compare:evcat \
		   treehash_list:treehash treehash_check:treehash \
		   treehash_git:treehash tapnote:tapnote \
		   matrixgen_x:matrixgen nsgen:nsgen
# The sources of a filter: filters/NAME.c, or every source of the
# directory filters/NAME/; and the objects made of them.
filter-srcs	= $(or $(wildcard filters/$(1).c),$(wildcard filters/$(1)/*.c))
filter-objs	= $(patsubst filters/%.c,$(FUZZ_DIR)/obj/%.o,$(call filter-srcs,$(1)))
FUZZ_AVAIL	:= $(foreach t,$(FUZZ_ALL),$(if $(call filter-srcs,$(word 2,$(subst :, ,$(t)))),$(t)))
FUZZ_TARGETS	?= $(foreach t,$(FUZZ_AVAIL),$(firstword $(subst :, ,$(t))))
filter-of	= $(word 2,$(subst :, ,$(filter $(1):%,$(FUZZ_ALL))))

PKGS		= yaml-0.1 libcjson libmd
FUZZ_SAN	= -fsanitize=address,undefined -fno-sanitize-recover=all \
		  -fno-omit-frame-pointer
FUZZ_CFLAGS	= -g -O1 -std=c11 -Wall -Wextra -pedantic -Werror \
		  -D_POSIX_C_SOURCE=200809L -DHF_FUZZ -Ifilters/lib \
		  $(shell pkg-config --cflags $(PKGS)) \
		  -fsanitize=fuzzer-no-link $(FUZZ_SAN)
FUZZ_LIBS	= $(shell pkg-config --libs $(PKGS)) -lm -pthread
FUZZ_LIBOBJ	:= $(patsubst filters/lib/%.c,$(FUZZ_DIR)/obj/lib/%.o, \
		   $(wildcard filters/lib/*.c))
FUZZ_OPTS	= -detect_leaks=0 -close_fd_mask=2 -timeout=10 \
		  -rss_limit_mb=2048 -print_final_stats=1

fuzz-build: $(FUZZ_TARGETS:%=$(FUZZ_DIR)/%)

$(FUZZ_DIR)/obj/lib/%.o: filters/lib/%.c filters/lib/hf.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

# A filter split into a directory has headers of its own there.
$(FUZZ_DIR)/obj/%.o: filters/%.c filters/lib/hf.h $(wildcard filters/*/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Dmain=filter_main -c -o $@ $<

$(FUZZ_DIR)/obj/driver-%.o: tests/fuzz/driver.c filters/lib/hf.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -U_POSIX_C_SOURCE -DFUZZ_TARGET=$* \
	    -c -o $@ $<

# The filter's calls to mmap and munmap go through the driver, which
# undoes the mappings a run abandons.
.SECONDEXPANSION:
$(FUZZ_DIR)/%: $(FUZZ_DIR)/obj/driver-%.o \
    $$(call filter-objs,$$(call filter-of,$$*)) $(FUZZ_LIBOBJ)
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) \
	    -Wl,--wrap=mmap,--wrap=munmap -o $@ $^ $(FUZZ_LIBS)

# One target after the other, each for FUZZ_SECONDS; a summary at the end.
fuzz: fuzz-build
	@mkdir -p $(FUZZ_DIR)/log $(FUZZ_DIR)/crashes; \
	status=0; \
	for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_DIR)/corpus/$$t tests/fuzz/seeds/$$t; \
		echo "fuzz: $$t for $(FUZZ_SECONDS)s"; \
		ASAN_OPTIONS=detect_leaks=0 $(FUZZ_DIR)/$$t $(FUZZ_OPTS) \
		    -max_total_time=$(FUZZ_SECONDS) \
		    -artifact_prefix=$(FUZZ_DIR)/crashes/$$t- \
		    $(FUZZ_DIR)/corpus/$$t tests/fuzz/seeds/$$t \
		    >$(FUZZ_DIR)/log/$$t.log 2>&1 || { \
			status=1; \
			echo "fuzz: $$t FAILED, see $(FUZZ_DIR)/log/$$t.log"; \
			grep -m1 -A3 'ERROR\|fuzz driver' \
			    $(FUZZ_DIR)/log/$$t.log; \
		}; \
	done; \
	tests/fuzz/summary.sh $(FUZZ_TARGETS); \
	exit $$status

.SECONDARY:
.PHONY: fuzz fuzz-build
