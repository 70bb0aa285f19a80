# handoff.mk - the mission handoff package as a dependency graph.
#
# Include it from a project's Makefile, or run it directly:
#	make -f /usr/local/share/handoff/handoff.mk handoff FEATURE=slug
# See handoff.mk(5) for the targets and variables.
#
# Reading order: where the programs are found; the user's variables; the
# repository's facts, which the probe writes as a make fragment; then, per
# feature, one rule per package file, each running one filter; last the
# targets.  Staleness is make's own: the probe rewrites an input file or a
# fact only when its content changes, and each rule's stamp holds the
# values its recipe uses, rewritten only when they change.

HANDOFF_MK := $(abspath $(lastword $(MAKEFILE_LIST)))
hf_home := $(patsubst %/,%,$(dir $(HANDOFF_MK)))

# --- The programs -----------------------------------------------------------
# Installed, handoff.mk lives in PREFIX/share/handoff and its programs in
# PREFIX/bin and PREFIX/libexec/handoff; in the source tree, in bin/ and
# build/libexec/.  Those come first, PATH last.
hf_prefix := $(patsubst %/share/handoff,%,$(hf_home))
HANDOFF_BIN ?= $(firstword $(patsubst %/nsgen,%,$(wildcard \
	$(hf_home)/bin/nsgen $(hf_prefix)/bin/nsgen)))
HANDOFF_LIBEXEC ?= $(firstword $(patsubst %/probe,%,$(wildcard \
	$(hf_home)/build/libexec/probe $(hf_prefix)/libexec/handoff/probe)))
HANDOFF_TEMPLATE ?= $(firstword $(wildcard $(hf_home)/filters/generate.sh.in \
	$(hf_home)/generate.sh.in))
# Targets the including Makefile builds before any of them runs.
HANDOFF_TOOLS ?=
# A program: in its directory, else on PATH, else its bare name (reported
# as missing below).
hf_find = $(or $(wildcard $(if $2,$(patsubst %/,%,$2)/$1)),$(firstword \
	$(wildcard $(addsuffix /$1,$(subst :, ,$(PATH))))),$1)
YAML2JSON ?= $(call hf_find,yaml2json,$(HANDOFF_BIN))
TREEHASH ?= $(call hf_find,treehash,$(HANDOFF_BIN))
EVCAT ?= $(call hf_find,evcat,$(HANDOFF_BIN))
NSGEN ?= $(call hf_find,nsgen,$(HANDOFF_BIN))
MATRIXGEN ?= $(call hf_find,matrixgen,$(HANDOFF_BIN))
TAPNOTE ?= $(call hf_find,tapnote,$(HANDOFF_BIN))
# The helpers are never looked for on PATH, where other programs share
# their names.
hf_helper = $(or $(wildcard $(patsubst %/,%,$(HANDOFF_LIBEXEC))/$1),$1)
HF_PROBE ?= $(call hf_helper,probe)
HF_INSTALL ?= $(call hf_helper,install)
HF_CHECK ?= $(call hf_helper,check)
HF_TEMPLATER ?= $(call hf_helper,template)
HF_LOCK ?= $(call hf_helper,lock)
hf_programs := YAML2JSON TREEHASH EVCAT NSGEN MATRIXGEN TAPNOTE HF_PROBE \
	HF_INSTALL HF_CHECK HF_TEMPLATER HF_LOCK

# --- The user's variables (handoff.mk(5)) ----------------------------------
# REPO is the project root, where kitty-specs/ lives: by default the
# nearest directory above that holds .git, written as a relative path
# (".", "..", "../.."), so that a checkout whose path holds a space still
# gives make paths without one.
hf_up = $(if $(wildcard $1/.git),$1,$(if $(filter-out /,$(abspath $1)),$(call \
	hf_up,$(if $(filter .,$1),..,$1/..))))
REPO ?= $(or $(call hf_up,.),.)
FEATURE ?=
FEATURE_DIR ?= $(if $(FEATURE),$(patsubst ./%,%,$(REPO)/kitty-specs/$(FEATURE)))
OUT ?= $(if $(FEATURE_DIR),$(FEATURE_DIR)/handoff)
MISSION ?=
MANIFEST ?=
MANIFEST_PATH ?= src/specify_cli/missions packs/built-in/missions src/doctrine/missions
SOURCE_COMMIT ?=
SOURCE_BRANCH ?=
PROJECT_SCOPE_ID ?=
STEP_ID ?=
PINS ?=
NOTES ?=
TEST_CMD ?=
SCENARIOS ?=
EXCLUDE ?=
FORCE ?=
VERIFICATION_FROM ?=

# --- Helpers of the graph ---------------------------------------------------
hf_empty :=
hf_space := $(hf_empty) $(hf_empty)
define hf_nl


endef
# A value for the shell, in single quotes: hf_q for a text, hf_v for the
# value of the variable named $1 (and hf_kv for NAME=value), which may hold
# commas and parentheses that a function's arguments cannot.
hf_q = '$(subst ','\'',$1)'
hf_v = '$(subst ','\'',$($1))'
hf_kv = '$1=$(subst ','\'',$($1))'
hf_nv = '$1=$(subst ','\'',$($2))'
# A path as a target or prerequisite: make splits those at blanks.
hf_t = $(subst $(hf_space),\ ,$1)
# Write text $2 to stamp file $1 when it differs from what the file holds,
# and expand to the file's name: its mtime then changes only with the text.
# Both sides are stripped, as make 4.3 may keep a file's last newline.
hf_stamp = $(if $(subst x$(strip $(file <$1)),,x$(strip $2))$(subst \
	x$(strip $2),,x$(strip $(file <$1))),$(file >$1,$(strip $2)))$1

hf_goals := $(or $(MAKECMDGOALS),$(.DEFAULT_GOAL))
hf_one := $(filter handoff check verify verification,$(hf_goals))
# The -all targets run the features' own targets in one make of their own
# (hf_run below), which reads the same facts.
hf_all := $(filter handoff-all check-all verify-all hf-handoff-% hf-check-% \
	hf-verify-%,$(hf_goals))

ifneq ($(hf_one)$(hf_all),)
ifneq ($(hf_one),)
ifneq ($(hf_all),)
$(error handoff.mk: $(hf_one) and $(hf_all) cannot run in one make; run them one after the other)
endif
endif

# A program that is neither there nor built by the including Makefile is
# named as missing, before anything runs.
hf_missing := $(strip $(foreach v,$(hf_programs),$(if $(wildcard $($v)),,$(if \
	$(filter $(abspath $($v)),$(abspath $(HANDOFF_TOOLS))),,$(notdir $($v))))))
ifneq ($(hf_missing),)
$(error handoff.mk: missing program: $(hf_missing) (looked in HANDOFF_BIN=$(HANDOFF_BIN), HANDOFF_LIBEXEC=$(HANDOFF_LIBEXEC) and PATH); install handoff or set HANDOFF_BIN and HANDOFF_LIBEXEC)
endif
ifeq ($(HANDOFF_TEMPLATE),)
$(error handoff.mk: no generate.sh template beside it; set HANDOFF_TEMPLATE)
endif

# What a slug may hold is the probe's to say (the library's rule); make
# only cannot pass it a name of several words.
ifneq ($(hf_one),)
ifneq ($(filter-out 0 1,$(words $(FEATURE))),)
$(error FEATURE='$(FEATURE)' is not a slug; set FEATURE to one directory name)
endif
endif

# BUILD: inside the repository's git directory, so that the work tree stays
# clean.  A linked work tree's .git is a file; git names its directory.
hf_dotgit := $(firstword $(wildcard $(call hf_up,$(REPO))/.git))
hf_gitdir := $(if $(hf_dotgit),$(if $(wildcard $(hf_dotgit)/.),$(hf_dotgit),$(shell \
	git -C $(call hf_q,$(REPO)) rev-parse --absolute-git-dir 2>/dev/null)))
BUILD ?= $(if $(hf_gitdir),$(hf_gitdir)/handoff,$(or $(TMPDIR),/tmp)/handoff$(subst \
	/,_,$(abspath $(REPO))))
hf_b := $(patsubst %/,%,$(BUILD))

# --- The repository's facts ---------------------------------------------------
# The probe asks git (one rev-parse, one log, one cat-file) what the package
# is made of, writes the inputs under BUILD/FEATURE/in/ and the facts as
# make variables (handoff.mk(5), FILES).  It runs again when a file git
# moves on a commit or a checkout changed (HF_WATCH, from its last run) or
# when a variable it reads did (HF_FACTS_KEY).
hf_facts := $(hf_b)/facts-$(if $(hf_one),one,all).mk
hf_key := $(strip REPO=$(REPO) FEATURE=$(if $(hf_one),$(FEATURE)) \
	FEATURE_DIR=$(if $(hf_one),$(FEATURE_DIR)) OUT=$(if $(hf_one),$(OUT)) \
	MISSION=$(MISSION) MANIFEST=$(MANIFEST) MANIFEST_PATH=$(MANIFEST_PATH) \
	SOURCE_COMMIT=$(SOURCE_COMMIT) SOURCE_BRANCH=$(SOURCE_BRANCH) \
	PROJECT_SCOPE_ID=$(PROJECT_SCOPE_ID) SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) \
	$(if $(hf_one),,$(wildcard $(REPO)/kitty-specs/*/)))
include $(hf_facts)
# The rules further down are read only from facts made for these
# variables: on make's first pass the facts may be missing or made for
# others, and make reads everything again once the probe has rewritten
# them (MAKE_RESTARTS is then set).  Outside git the probe always runs, once.
ifeq ($(HF_FACTS_KEY),$(hf_key))
hf_current := 1
endif
hf_each := $(if $(hf_one),$(FEATURE),$(HF_FEATURES))
# check and verify replay what a package pins, so a package installed since
# the facts were made is read first.
hf_unpinned := $(if $(filter check verify check-all verify-all hf-check-% \
	hf-verify-%,$(hf_goals)),$(foreach f,$(hf_each),$(if $(hf_$f_p_sc),,$(wildcard \
	$(call hf_t,$(hf_$f_out)/namespace.json)))))
$(hf_facts): $(HF_WATCH) $(call hf_t,$(MANIFEST)) $(if $(MAKE_RESTARTS),,$(if \
		$(and $(hf_current),$(hf_gitdir)),$(if $(hf_unpinned),hf-force),hf-force)) \
		| $(filter $(HF_PROBE),$(HANDOFF_TOOLS))
	$(HF_PROBE) -o $(call hf_q,$@) -B $(call hf_q,$(hf_b)) $(if $(hf_one),,-a) \
	    $(foreach v,REPO FEATURE FEATURE_DIR OUT MISSION MANIFEST MANIFEST_PATH \
	    SOURCE_COMMIT SOURCE_BRANCH PROJECT_SCOPE_ID SOURCE_DATE_EPOCH,$(if \
	    $(and $(if $(hf_one),x,$(filter-out FEATURE FEATURE_DIR OUT,$v)),$($v)),$(call \
	    hf_kv,$v))) $(call hf_q,KEY=$(hf_key))
# A watched file that is gone (a package file deleted) makes the facts stale
# instead of stopping make.
$(HF_WATCH):

# --- One feature's package ------------------------------------------------
# hf_pkg FEATURE DIR FACTS OUTCOME: the rules that make the package files in
# DIR from the feature's inputs.  FACTS is the prefix of the facts they use:
# the feature's own for the package (hf_F_), the ones pinned in the
# committed package for the replay that check compares it with (hf_F_p_).
# A recipe that runs empties OUTCOME first, so that a filter that fails
# leaves the feature counted as failed in the tally of an -all run, and
# empties its target, so that the filter's -o always renews it: an output
# left untouched because it came out the same would stay older than what
# it is made from, and be made again on every run.
# Values are expanded when a recipe runs ($$), never while the rules are
# read, and reach the shell quoted (hf_q, hf_v, hf_nv).
hf_reset = $(foreach o,$1,$(file >$o,))$(file >$@,)
# A package file that a killed or failed run left empty is built again.
hf_redo = $(if $(file <$1),,hf-force)
# A program the including Makefile builds is a prerequisite of what it
# makes, under the name that Makefile gives it: rebuilding it remakes them.
hf_tool = $(filter %/$(notdir $1),$(HANDOFF_TOOLS))
# The version pins: PINS (for a replay, the PINS its generate.sh pins),
# else the feature's committed versions file; a replay without either
# takes those of the committed version-matrix.md.
hf_pins = $(or $($2pinsfile),$(hf_$1_pins),$(if $(filter %_p_,$2),$(if $(wildcard $(call \
	hf_t,$(hf_$1_out)/version-matrix.md)),$(hf_b)/$1/replay.pins)))
define hf_pkg
$(call hf_t,$2)/artifact-manifest.json: $(call hf_redo,$2/artifact-manifest.json) $(call hf_tool,$(YAML2JSON)) $(call hf_stamp,$2.s/manifest,$($3sc) \
		$($3t_man) $($3manifest)) $(call hf_t,$($3manifest)) | $(HANDOFF_TOOLS) $(call hf_t,$(hf_b)/$1/locked)
	$$(call hf_reset,$4)$$(YAML2JSON) -a source_commit=$$($3sc) \
	    -a captured_at=$$($3t_man) -o $$(call hf_v,@) $$(call hf_v,$3manifest)

$(call hf_t,$2)/artifact-tree.json: $(call hf_redo,$2/artifact-tree.json) $(call hf_tool,$(TREEHASH)) $(call hf_stamp,$2.s/tree,$(hf_$1_dir) $($3sc) \
		$($3t_tree) $($3tree_commit) $(hf_$1_t_tree) $(EXCLUDE)) $(call hf_t,$2)/artifact-manifest.json \
		$(call hf_t,$(hf_$1_tree)$(hf_$1_files)) | $(HANDOFF_TOOLS) $(call hf_t,$(hf_b)/$1/locked)
	$$(call hf_reset,$4)$$(TREEHASH) $$(if $$(hf_$1_tree),-g,-0 -C $$(call \
	    hf_q,$$(REPO)/$$(hf_$1_dir))) -m $$(call hf_q,$2/artifact-manifest.json) \
	    -f $1 -r $$(hf_$1_dir) -s $$($3sc) -T $$($3t_tree) \
	    $$(if $$($3tree_commit),-t $$($3tree_commit)) \
	    $$(foreach x,$$(EXCLUDE),-x $$(call hf_v,x)) -o $$(call hf_v,@) \
	    $$(call hf_v,hf_$1_tree)$$(call hf_v,hf_$1_files)

$(call hf_t,$2)/events.jsonl: $(call hf_redo,$2/events.jsonl) $(call hf_tool,$(EVCAT)) $(call hf_stamp,$2.s/events,$($3scope) $($3branch) \
		$($3sc) $($3t_ev) $(hf_$1_events)) $(call hf_t,$(hf_$1_events)) | $(HANDOFF_TOOLS) $(call hf_t,$(hf_b)/$1/locked)
	$$(call hf_reset,$4)$$(EVCAT) -f $1 -p $$($3scope) -b $$(call hf_v,$3branch) \
	    -s $$($3sc) -t $$($3t_ev) -o $$(call hf_v,@) \
	    $$(if $$(hf_$1_events),$$(call hf_v,hf_$1_events),-n)

$(call hf_t,$2)/namespace.json: $(call hf_redo,$2/namespace.json) $(call hf_tool,$(NSGEN)) $(call hf_stamp,$2.s/namespace,$($3scope) \
		$($3branch) $($3sc) $(hf_$1_mission) $($3step) $($3t_ns)) \
		$(call hf_t,$2)/artifact-manifest.json | $(HANDOFF_TOOLS) $(call hf_t,$(hf_b)/$1/locked)
	$$(call hf_reset,$4)$$(NSGEN) -m $$(call hf_q,$2/artifact-manifest.json) \
	    -o $$(call hf_v,@) project_scope_id=$$($3scope) feature_slug=$1 \
	    'source_branch=$$(subst ','\'',$$($3branch))' source_commit=$$($3sc) \
	    mission_key=$$(hf_$1_mission) $$(if $$($3step),'step_id=$$(subst \
	    ','\'',$$($3step))') generated_at=$$($3t_ns)

$(call hf_t,$2)/version-matrix.md: $(call hf_redo,$2/version-matrix.md) $(call hf_tool,$(MATRIXGEN)) $(call hf_stamp,$2.s/matrix,$(hf_$1_dir) $($3notes) \
		$(call hf_pins,$1,$3)) $(call hf_t,$2)/namespace.json \
		$(call hf_t,$2)/artifact-manifest.json $(call hf_t,$(call hf_pins,$1,$3)) \
		$(call hf_t,$($3notes)) | $(HANDOFF_TOOLS) $(call hf_t,$(hf_b)/$1/locked)
	$$(call hf_reset,$4)$$(MATRIXGEN) -m $$(call hf_q,$2/artifact-manifest.json) \
	    -n $$(call hf_q,$2/namespace.json) -r $$(hf_$1_dir) \
	    $$(if $$($3notes),-N $$(call hf_v,$3notes)) -o $$(call hf_v,@) \
	    $$(if $$(call hf_pins,$1,$3),'$$(subst ','\'',$$(call hf_pins,$1,$3))',/dev/null)

$(call hf_t,$2)/generate.sh: $(call hf_redo,$2/generate.sh) $(call hf_tool,$(HF_TEMPLATER)) $(call hf_stamp,$2.s/generate,$($3sc) $($3branch) \
		$(hf_$1_mission) $($3scope) $($3step) $(hf_$1_dir) $($3manifest_rel) \
		$($3pinsfile) $($3notes) $($3scenarios) $($3sde) $($3test_cmd)) \
		$(call hf_t,$2)/artifact-manifest.json \
		$(call hf_t,$(HANDOFF_TEMPLATE)) | $(HANDOFF_TOOLS) $(call hf_t,$(hf_b)/$1/locked)
	$$(call hf_reset,$4)$$(HF_TEMPLATER) -m $$(call hf_q,$2/artifact-manifest.json) \
	    -o $$(call hf_v,@) $$(call hf_v,HANDOFF_TEMPLATE) \
	    SOURCE_COMMIT=$$($3sc) 'SOURCE_BRANCH=$$(subst ','\'',$$($3branch))' \
	    FEATURE_SLUG=$1 MISSION_KEY=$$(hf_$1_mission) PROJECT_SCOPE_ID=$$($3scope) \
	    'STEP_ID=$$(subst ','\'',$$($3step))' ROOT_PATH=$$(hf_$1_dir) \
	    $$(call hf_nv,MANIFEST,$3manifest_rel) $$(call hf_nv,PINS,$3pinsfile) \
	    $$(call hf_nv,NOTES,$3notes) $$(call hf_nv,TEST_CMD,$3test_cmd) \
	    $$(call hf_nv,SCENARIOS,$3scenarios) $$(call hf_nv,SOURCE_DATE_EPOCH,$3sde)
endef

# verification.md records a test run, so it is not replayed: the package
# carries the note of OUT (or VERIFICATION_FROM), hf_F_note, unless
# TEST_CMD asks for a new run; with neither, tapnote writes a note that
# says no test ran.  The carried note is copied by make itself.
define hf_note
$(call hf_t,$2)/verification.md: $(call hf_redo,$2/verification.md) $(call hf_tool,$(TAPNOTE)) $(call hf_stamp,$2.s/verification,$(hf_$1_branch) \
		$(hf_$1_sc) $(hf_$1_t_man) $(SCENARIOS) $(TEST_CMD) $(VERIFICATION_FROM)) \
		$(call hf_t,$(hf_$1_note)) $(call hf_t,$(SCENARIOS)) \
		$(if $(filter verification,$(hf_goals)),hf-force) | $(HANDOFF_TOOLS) $(call hf_t,$(hf_b)/$1/locked)
ifneq ($$(TEST_CMD),)
	$$(call hf_reset,$3)$$(SHELL) -c $$(call hf_v,TEST_CMD) >$$(call hf_q,$2.tap)
	$$(TAPNOTE) -b $$(call hf_v,hf_$1_branch) -s $$(hf_$1_sc) -H $$(HF_HEAD) \
	    -r $$(call hf_v,TEST_CMD) $$(if $$(SCENARIOS),-m $$(call hf_v,SCENARIOS)) \
	    -o $$(call hf_v,@) $$(call hf_q,$2.tap)
else ifneq ($$(hf_$1_note),)
	$$(call hf_reset,$3)$$(file >$$@,$$(file <$$(hf_$1_note)))
else
	$$(call hf_reset,$3)$$(TAPNOTE) -n -b $$(call hf_v,hf_$1_branch) \
	    -s $$(hf_$1_sc) -H $$(hf_$1_sc) -d $$(hf_$1_t_man) \
	    $$(if $$(SCENARIOS),-m $$(call hf_v,SCENARIOS)) -o $$(call hf_v,@)
endif
endef

# A file of OUT that no longer holds what the staged package holds: an edit
# may keep an old mtime (touch -d, cp -a, tar), so content decides.  ifneq
# compares the two texts as they are; they are never expanded.  make 4.3's
# $(file <) drops a file's final newline or not, by where its buffer
# stands, so one final newline is taken off either way (hf_text).
hf_text = $(subst $(hf_nl)@hf-end@,@hf-end@,$(file <$1)@hf-end@)
define hf_cmp
ifneq ($$(call hf_text,$$(hf_$1_out)/$2),$$(call hf_text,$$(hf_b)/$1/pkg/$2))
hf_$1_dirty := 1
endif
endef

# hf_feature FEATURE: its package, its install, its check and verify.
hf_pkgfiles := namespace.json artifact-manifest.json artifact-tree.json \
	events.jsonl version-matrix.md verification.md generate.sh
hf_replayed := $(filter-out verification.md,$(hf_pkgfiles))
define hf_feature
$(call hf_pkg,$1,$(hf_b)/$1/pkg,hf_$1_,$(hf_b)/$1/outcome.handoff)
$(call hf_note,$1,$(hf_b)/$1/pkg,$(hf_b)/$1/outcome.handoff)

# The installer writes what it did into the outcome file, so the file is
# current while no staged file is newer and OUT holds what was installed.
hf-handoff-$1: $(call hf_t,$(hf_b)/$1/outcome.handoff)
$(call hf_t,$(hf_b)/$1/outcome.handoff): $(addprefix \
		$(call hf_t,$(hf_b)/$1/pkg)/,$(hf_pkgfiles)) $(if $(hf_$1_dirty),hf-force) \
		| $(call hf_t,$(hf_b)/$1/locked)
	$$(HF_INSTALL) $(if $(filter verification,$(hf_goals)),-f -n verification.md,$(if \
	    $(filter 1,$(FORCE)),-f)) -F $1 -r $$(call hf_v,REPO) \
	    -o $$(call hf_v,hf_$1_out) -s $$(call hf_v,@) $$(call hf_q,$(hf_b)/$1/pkg)

$(call hf_t,$(hf_b)/$1/replay.pins): $(call hf_t,$(hf_$1_out)/version-matrix.md) | $(HANDOFF_TOOLS) \
		$(call hf_t,$(hf_b)/$1/locked)
	$$(MATRIXGEN) -X -o $$(call hf_v,@) $$(call hf_v,<)
$(if $(and $(hf_$1_p_sc),$(hf_replaying)),$(call hf_pkg,$1,$(hf_b)/$1/replay,hf_$1_p_,$(hf_b)/$1/outcome.check \
	$(hf_b)/$1/outcome.verify))
ifneq ($(hf_$1_p_sc),)
hf-check-$1: $(addprefix $(call hf_t,$(hf_b)/$1/replay)/,$(hf_replayed))
	$$(HF_CHECK) -F $1 -r $$(call hf_v,REPO) -c $$(call hf_v,hf_$1_out) \
	    -p $$(call hf_q,$(hf_b)/$1/replay) -s $$(call hf_q,$(hf_b)/$1/outcome.check)
# verify also holds the tree to the feature as checked out, and the test
# note to itself, or with TEST_CMD to a new run of the tests.
hf-verify-$1: $(addprefix $(call hf_t,$(hf_b)/$1/replay)/,$(hf_replayed))
	$$(HF_CHECK) -v -F $1 -r $$(call hf_v,REPO) -c $$(call hf_v,hf_$1_out) \
	    -p $$(call hf_q,$(hf_b)/$1/replay) -s $$(call hf_q,$(hf_b)/$1/outcome.verify) \
	    -w $$(call hf_q,$$(REPO)/$$(hf_$1_dir))
ifneq ($$(TEST_CMD),)
	$$(SHELL) -c $$(call hf_v,TEST_CMD) >$$(call hf_q,$(hf_b)/$1/verify.tap)
	$$(TAPNOTE) -c $$(call hf_q,$$(hf_$1_out)/verification.md) \
	    $$(if $$(SCENARIOS),-m $$(call hf_v,SCENARIOS)) $$(call hf_q,$(hf_b)/$1/verify.tap)
else
	$$(TAPNOTE) -c $$(call hf_q,$$(hf_$1_out)/verification.md) </dev/null
endif
else
hf-check-$1 hf-verify-$1:
	$$(error OUT=$$(hf_$1_out) holds no namespace.json to check; run make handoff, or set OUT)
endif
.PHONY: hf-handoff-$1 hf-check-$1 hf-verify-$1
# The installer's word stays when it refuses, for the tally.
.PRECIOUS: $(call hf_t,$(hf_b)/$1/outcome.handoff)

# The first recipe of the feature that runs waits for, then takes, the
# feature's lock, which libexec/lock holds to the end of this make: two runs
# of one feature take turns, each finding what the other built.  It runs
# whenever anything of the feature will: an input or a stamp changed, a
# package file is to be made again, or OUT is to be written (which covers
# an edit of the note in OUT that the package carries: OUT differs then).
$(call hf_t,$(hf_b)/$1/locked): $(wildcard $(call hf_t,$(hf_b)/$1)/pkg.s/* $(call \
		hf_t,$(hf_b)/$1)/replay.s/* $(call hf_t,$(hf_b)/$1)/in/*) $(call \
		hf_t,$(VERIFICATION_FROM)) $(call hf_t,$(MANIFEST)) $(call hf_t,$(NOTES)) \
		$(call hf_t,$(SCENARIOS)) $(call hf_t,$(HANDOFF_TEMPLATE)) $(if $(strip \
		$(hf_$1_dirty)$(filter verification,$(hf_goals))$(foreach \
		x,$(hf_pkgfiles),$(call hf_redo,$(hf_b)/$1/pkg/$x))$(if $(wildcard \
		$(call hf_t,$(hf_b)/$1/outcome.handoff)),,x)),hf-force) $(HANDOFF_TOOLS)
	$$(HF_LOCK) -s $$(call hf_v,@) $$(call hf_q,$(hf_b)/$1/lock)
endef

# A feature the probe could not resolve fails with its reason, once its
# targets are asked for.
define hf_failed
hf-handoff-$1 hf-check-$1 hf-verify-$1:
	$$(error $$(or $$(hf_$1_error),FEATURE=$1: $$(or $$(hf_skip_$1),not a feature directory)))
endef

ifneq ($(hf_current),)
# Bad input the probe found before any feature: one line naming the
# variable to set.
ifneq ($(HF_ERROR),)
$(error $(HF_ERROR))
endif
hf_ok := $(foreach f,$(HF_FEATURES),$(if $(hf_$f_error),,$f))
# Only the make that builds reads the features' rules: the -all targets'
# own make only starts it and tallies.  The replay's rules are read only
# for check and verify.
hf_building := $(hf_one)$(filter hf-%,$(hf_goals))
hf_replaying := $(filter check verify hf-check-% hf-verify-%,$(hf_goals))
ifneq ($(hf_building),)
$(foreach f,$(hf_each),$(foreach x,$(hf_pkgfiles),$(eval $(call hf_cmp,$f,$x))))
# The parameters of the feature's own package are the user's; its replay's
# are those its generate.sh pins (hf_F_p_..., from the probe).
$(foreach f,$(hf_each),$(eval hf_$f_test_cmd = $$(TEST_CMD))$(eval \
	hf_$f_pinsfile = $$(PINS))$(eval hf_$f_notes = $$(NOTES))$(eval \
	hf_$f_scenarios = $$(SCENARIOS))$(eval hf_$f_sde = $$(SOURCE_DATE_EPOCH)))
$(foreach f,$(hf_each),$(eval hf_$f_note := $$(if $$(TEST_CMD),,$$(or $$(if $$(hf_one),$$(VERIFICATION_FROM)),$$(if \
	$$(wildcard $$(call hf_t,$$(hf_$f_out)/verification.md)),$$(hf_$f_out)/verification.md)))))
$(foreach f,$(hf_each),$(eval $(call $(if \
	$(filter $f,$(hf_ok)),hf_feature,hf_failed),$f)))
endif
endif

# --- Targets ----------------------------------------------------------------
handoff verification: hf-handoff-$(FEATURE)
check: hf-check-$(FEATURE)
verify: hf-verify-$(FEATURE)

# The -all targets: every feature's own target in one make under -k, so that
# one feature's failure stops no other, then the tally of what each did, by
# name.  check-all and verify-all take the features with a committed package.
hf_with = $(foreach f,$(HF_FEATURES),$(if $(hf_$f_error),,$(if $(filter \
	handoff,$1),$f,$(if $(hf_$f_p_sc),$f))))
hf_passed := REPO MISSION MANIFEST MANIFEST_PATH SOURCE_COMMIT SOURCE_BRANCH \
	PROJECT_SCOPE_ID STEP_ID PINS NOTES TEST_CMD SCENARIOS EXCLUDE FORCE BUILD \
	HANDOFF_BIN HANDOFF_LIBEXEC HANDOFF_TEMPLATE
hf_run = +@$(MAKE) --no-print-directory -k -f $(call hf_q,$(HANDOFF_MK)) \
	$(addprefix hf-$1-,$(call hf_with,$1)) $(foreach v,$(hf_passed),$(if \
	$($v),$(call hf_q,$v=$($v)))) || :
hf_tally = @$(HF_INSTALL) -T $1 -B $(call hf_q,$(hf_b)) -m $(call hf_q,$(hf_b)/run.$1) \
	$(foreach f,$(HF_FEATURES),$(if $(hf_$f_error),-e $(call hf_q,$f: $(hf_$f_error)))) \
	$(foreach f,$(HF_SKIPPED),-k $(call hf_q,$(hf_skip_$f))) $(call hf_with,$1)
handoff-all check-all verify-all: | $(HANDOFF_TOOLS)
	$(file >$(hf_b)/run.$(@:-all=),)$(call hf_run,$(@:-all=))
	$(call hf_tally,$(@:-all=))

endif

.PHONY: handoff check verify verification handoff-all check-all verify-all hf-force
hf-force:
# A package file whose filter failed is removed, not left empty.
.DELETE_ON_ERROR:
