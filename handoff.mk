# handoff.mk - build, check and verify mission handoff packages.
#
# Include it from a project's Makefile, or run it directly:
#	make -f /usr/local/share/handoff/handoff.mk handoff FEATURE=slug
# See handoff.mk(5) for the targets and variables.
#
# How staleness is decided cheaply: every package file is built in BUILD
# (inside .git by default) from stamp files that hold what the file is
# derived from (git object ids, commit ids and times, parameters).  The
# stamps are rewritten only when their content changes, so Make's mtime
# comparison reruns exactly the filters whose inputs changed.  The stamps
# are refreshed by one shell "probe" at parse time, and the probe itself is
# skipped when the HEAD commit and every parameter equal those of the last
# run, so a run with nothing to do starts no process at all.

HANDOFF_MK := $(abspath $(lastword $(MAKEFILE_LIST)))
HF_HOME := $(patsubst %/,%,$(dir $(HANDOFF_MK)))

# The filters: beside handoff.mk in a source tree, on PATH when installed.
# HANDOFF_BIN names their directory explicitly (make test sets it).
HANDOFF_BIN ?= $(if $(wildcard $(HF_HOME)/bin/nsgen),$(HF_HOME)/bin)
HF_BINDIR := $(if $(HANDOFF_BIN),$(patsubst %/,%,$(abspath $(HANDOFF_BIN)))/)
YAML2JSON ?= $(HF_BINDIR)yaml2json
TREEHASH ?= $(HF_BINDIR)treehash
EVCAT ?= $(HF_BINDIR)evcat
NSGEN ?= $(HF_BINDIR)nsgen
MATRIXGEN ?= $(HF_BINDIR)matrixgen
TAPNOTE ?= $(HF_BINDIR)tapnote
GIT ?= git
# The generate.sh template: in the source tree under filters/, installed
# beside handoff.mk.
HANDOFF_TEMPLATE ?= $(firstword $(wildcard $(HF_HOME)/filters/generate.sh.in \
	$(HF_HOME)/generate.sh.in))
# Targets that must exist before a package is built (the including
# Makefile sets this to its filter binaries).
HANDOFF_TOOLS ?=

# User variables; see handoff.mk(5).
REPO ?= .
FEATURE ?=
FEATURE_DIR ?= $(REPO)/kitty-specs/$(FEATURE)
OUT ?= $(FEATURE_DIR)/handoff
MISSION ?=
MANIFEST ?=
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

.DELETE_ON_ERROR:
.PHONY: handoff check verify verification handoff-all handoff-help hf-force
hf-force:

HF_FILES := namespace.json artifact-manifest.json artifact-tree.json \
	events.jsonl version-matrix.md verification.md generate.sh

hf_empty :=
hf_space := $(hf_empty) $(hf_empty)
hf_comma := ,
define hf_nl


endef
# Shell single-quoting of a make value.
hf_q = '$(subst ','\'',$1)'
# Top-level scalar value of KEY ($2) in JSON text $1 formatted like
# json.dumps(indent=2); null reads as empty.
hf_jval = $(filter-out null,$(patsubst "%",%,$(patsubst %$(hf_comma),%,$(patsubst \
	@@K@@%,%,$(filter @@K@@%,$(subst "$2": ,@@K@@,$(subst $(hf_nl), ,$1)))))))
# The nearest directory at or above $1 that holds .git.
hf_top = $(if $(wildcard $1/.git),$1,$(if $(filter-out /,$1),$(if $1,$(call \
	hf_top,$(patsubst %/,%,$(dir $1))))))

HF_REPO := $(abspath $(REPO))
HF_FD := $(abspath $(FEATURE_DIR))
HF_ROOT := $(patsubst $(HF_REPO)/%,%,$(HF_FD))
HF_OUT := $(abspath $(OUT))
HF_TOP := $(call hf_top,$(HF_REPO))
HF_DOTGIT := $(if $(HF_TOP),$(HF_TOP)/.git)
# .git is a directory, or a file "gitdir: PATH" in a linked work tree.
HF_GITLINK = $(patsubst gitdir:%,%,$(subst gitdir: ,gitdir:,$(strip $(file <$(HF_DOTGIT)))))
HF_GITDIR := $(if $(HF_DOTGIT),$(if $(wildcard $(HF_DOTGIT)/.),$(HF_DOTGIT),$(abspath \
	$(if $(filter /%,$(HF_GITLINK)),,$(HF_TOP)/)$(HF_GITLINK))))
BUILD ?= $(if $(HF_GITDIR),$(HF_GITDIR)/handoff/$(FEATURE),$(or \
	$(TMPDIR),/tmp)/handoff$(subst /,_,$(HF_REPO))/$(FEATURE))
HF_B := $(abspath $(BUILD))
HF_P := $(HF_B)/pkg

# Which goals need the feature resolved.
HF_GOALS := $(or $(MAKECMDGOALS),$(.DEFAULT_GOAL))
HF_NEED := $(filter handoff check verify verification,$(HF_GOALS))
HF_PINNED := $(filter check verify,$(HF_GOALS))

# The shell library every recipe uses (exported as HF_LIB and run with
# eval), kept unexpanded by $(value) so it is plain sh.
define HF_LIB_TEXT
hf_err() { printf 'handoff: %s\n' "$*" >&2; }
hf_git() { "${GIT:-git}" -C "$HF_REPO" "$@"; }
# A fork costs as much as a small process on the machines this runs on.
# So the helpers a hot path uses answer in a variable rather than on
# standard output, as a command substitution forks the shell; and a
# command in a pipeline or a command substitution is written out (git as
# "${GIT:-git}" -C "$HF_REPO", not hf_git) rather than wrapped in a
# function, which would run in a forked shell that then starts it.
# Epoch seconds as ISO 8601 UTC in hiso, by civil-from-days arithmetic.
hf_iso() {
	hs=$1; hd=$((hs / 86400)); hr=$((hs % 86400)); hz=$((hd + 719468))
	he=$((hz / 146097)); hdoe=$((hz - he * 146097))
	hyoe=$(((hdoe - hdoe / 1460 + hdoe / 36524 - hdoe / 146096) / 365))
	hy=$((hyoe + he * 400)); hdoy=$((hdoe - (365 * hyoe + hyoe / 4 - hyoe / 100)))
	hmp=$(((5 * hdoy + 2) / 153)); hdd=$((hdoy - (153 * hmp + 2) / 5 + 1))
	if [ "$hmp" -lt 10 ]; then hmo=$((hmp + 3)); else hmo=$((hmp - 9)); fi
	if [ "$hmo" -le 2 ]; then hy=$((hy + 1)); fi
	hhh=$((hr / 3600)) hmi=$((hr % 3600 / 60)) hse=$((hr % 60))
	for hv in hmo hdd hhh hmi hse; do
		eval "[ \"\$$hv\" -ge 10 ] || $hv=0\$$hv"
	done
	while [ ${#hy} -lt 4 ]; do hy=0$hy; done
	hiso=$hy-$hmo-${hdd}T$hhh:$hmi:${hse}Z
}
# Top-level scalar of a json.dumps(indent=2) file in hjv: hf_jvar FILE KEY.
hf_jvar() {
	hjv=
	[ -r "$1" ] || return 1
	while IFS= read -r hl; do
		case $hl in
		"  \"$2\": "*)
			hjv=${hl#*\": }; hjv=${hjv%,}
			case $hjv in
			null) hjv= ;;
			\"*\") hjv=${hjv#\"}; hjv=${hjv%\"} ;;
			esac
			return 0 ;;
		esac
	done <"$1"
	return 1
}
# The same on standard output: hf_jget FILE KEY.
hf_jget() {
	hf_jvar "$@" && printf '%s\n' "$hjv"
}
# Value of "key" in a one-line JSON text: hf_jline TEXT KEY.
hf_jline() {
	hv=${1#*\"$2\": \"}
	[ "$hv" = "$1" ] && hv=${1#*\"$2\":\"}
	[ "$hv" = "$1" ] && return 1
	printf '%s\n' "${hv%%\"*}"
}
# The -x options of EXCLUDE in hx, to be split unquoted (under set -f).
hf_excl() {
	hx=
	for hp in $EXCLUDE; do hx="$hx -x $hp"; done
}
hf_mk_manifest() {	# out source_commit captured_at
	# The manifest YAML: a work-tree file, or from git at the source commit.
	if [ -n "$HF_MAN_FILE" ]; then
		"$YAML2JSON" -a "source_commit=$2" -a "captured_at=$3" "$HF_MAN_FILE" >"$1"
	else
		"${GIT:-git}" -C "$HF_REPO" cat-file blob "$HF_MAN_OID" |
		    "$YAML2JSON" -a "source_commit=$2" -a "captured_at=$3" >"$1"
	fi
}
# treehash on the feature's tree: the committed one from git, or outside
# git the files of the directory.
hf_treehash() {
	set -f
	hf_excl
	if [ -n "$HF_NOGIT" ]; then
		(cd "$HF_REPO/$HF_ROOT" && find . -path ./handoff -prune -o \
		    \( -type f -o -type l \) -print0) |
		    "$TREEHASH" -0 -C "$HF_REPO/$HF_ROOT" $hx "$@"
	else
		# The committed tree as the object stream treehash -g reads.
		"${GIT:-git}" -C "$HF_REPO" ls-tree --full-tree -r \
		    --format='%(objecttype) %(objectname) %(objectmode) %(path)' \
		    "$HF_TREE_COMMIT:./$HF_ROOT" | sed -n 's/^blob //p' |
		    "${GIT:-git}" -C "$HF_REPO" cat-file \
		    --batch='%(objectname) %(objecttype) %(objectsize) %(rest)' |
		    "$TREEHASH" -g $hx "$@"
	fi
}
hf_mk_tree() {	# out manifest.json source_commit captured_at [tree_commit]
	if [ -n "$5" ]; then
		hf_treehash -f "$HF_SLUG" -r "$HF_ROOT" -m "$2" -s "$3" -T "$4" -t "$5" >"$1"
	else
		hf_treehash -f "$HF_SLUG" -r "$HF_ROOT" -m "$2" -s "$3" -T "$4" >"$1"
	fi
}
hf_mk_events() {	# out scope branch source_commit at
	if [ -n "$HF_NOGIT" ] && [ -n "$HF_EV_OID" ]; then
		"$EVCAT" -f "$HF_SLUG" -p "$2" -b "$3" -s "$4" -t "$5" \
		    "$HF_REPO/$HF_ROOT/status.events.jsonl" >"$1"
	elif [ -n "$HF_EV_OID" ]; then
		"${GIT:-git}" -C "$HF_REPO" cat-file blob "$HF_EV_OID" |
		    "$EVCAT" -f "$HF_SLUG" -p "$2" -b "$3" -s "$4" -t "$5" >"$1"
	else
		"$EVCAT" -n -f "$HF_SLUG" -p "$2" -b "$3" -s "$4" -t "$5" </dev/null >"$1"
	fi
}
hf_mk_ns() {	# out manifest.json scope branch source_commit mission step generated_at
	hf_jvar "$2" manifest_version; hmv=$hjv
	set -- "$1" "$2" "project_scope_id=$3" "feature_slug=$HF_SLUG" \
	    "source_branch=$4" "source_commit=$5" "mission_key=$6" \
	    "manifest_version=$hmv" "step_id=$7" "generated_at=$8"
	if [ "$9" = "step_id=" ]; then
		hout=$1; hman=$2; shift 2
		"$NSGEN" -m "$hman" "$1" "$2" "$3" "$4" "$5" "$6" "$8" >"$hout"
	else
		hout=$1; hman=$2; shift 2
		"$NSGEN" -m "$hman" "$@" >"$hout"
	fi
}
# The pins are read from PINS, the feature's versions file (from git, or
# outside git from the directory), or else are none.
hf_mk_matrix() {	# out manifest.json namespace.json
	hout=$1 hpins=/dev/null
	set -- -m "$2" -n "$3" -r "$HF_ROOT"
	[ -n "$NOTES" ] && set -- "$@" -N "$NOTES"
	if [ -n "$PINS" ]; then hpins=$PINS
	elif [ -n "$HF_PINS_OID" ] && [ -n "$HF_NOGIT" ]; then hpins=$HF_REPO/$HF_ROOT/versions
	elif [ -n "$HF_PINS_OID" ]; then
		"${GIT:-git}" -C "$HF_REPO" cat-file blob "$HF_PINS_OID" |
		    "$MATRIXGEN" "$@" >"$hout"
		return
	fi
	"$MATRIXGEN" "$@" <"$hpins" >"$hout"
}
# Without TEST_CMD the note says plainly that no test ran (a FAIL), dated
# by the source commit so that it stays put; with it, the note records
# this run: its HEAD and its time.
hf_mk_verification() {	# out branch source_commit date
	hvsc=$3 hvdate=$4
	set -- "$1" -b "$2" -s "$3"
	[ -n "$SCENARIOS" ] && set -- "$@" -m "$SCENARIOS"
	hout=$1; shift
	if [ -z "$TEST_CMD" ]; then
		"$TAPNOTE" -n "$@" -d "$hvdate" -H "$hvsc" </dev/null >"$hout"
		hst=$?
	else
		hhead=$(hf_git rev-parse HEAD)
		sh -c "$TEST_CMD" >"$hout.tap"
		"$TAPNOTE" "$@" -H "$hhead" -r "$TEST_CMD" "$hout.tap" >"$hout"
		hst=$?
		rm -f "$hout.tap"
	fi
	# A FAIL note is still a note; only unusable input is an error.
	[ "$hst" -le 1 ]
}
# generate.sh: the template, which make reads into HF_TPL, with each
# @NAME@ replaced by its value quoted for the single quotes around it.
# One pass from left to right, so that a value that holds "@NAME@" (a
# TEST_CMD, say) is written as it is.  The shell does it itself: sed,
# which compiles an expression per name, took ten times as long.
hf_mk_generate() {	# out manifest.json scope branch source_commit mission step
	if [ -z "$HF_TPL" ]; then
		hf_err "no generate.sh template; set HANDOFF_TEMPLATE"
		return 2
	fi
	hf_jvar "$2" manifest_version; hmv=$hjv
	hman=
	[ -n "$HF_MAN_FILE" ] && hman=$HF_MAN_REL
	hout=$1 hrest=$HF_TPL htext=
	# make 4.3 keeps the file's final newline in some cases.
	case $hrest in *'
') hrest=${hrest%?} ;; esac
	while :; do
		case $hrest in *@*@*) ;; *) break ;; esac
		htext=$htext${hrest%%@*}; hrest=${hrest#*@}
		case ${hrest%%@*} in
		SOURCE_COMMIT) hv=$5 ;;
		SOURCE_BRANCH) hv=$4 ;;
		FEATURE_SLUG) hv=$HF_SLUG ;;
		MISSION_KEY) hv=$6 ;;
		MANIFEST_VERSION) hv=$hmv ;;
		PROJECT_SCOPE_ID) hv=$3 ;;
		STEP_ID) hv=$7 ;;
		ROOT_PATH) hv=$HF_ROOT ;;
		MANIFEST) hv=$hman ;;
		SOURCE_DATE_EPOCH) hv=$HF_SDE ;;
		TEST_CMD) hv=$TEST_CMD ;;
		SCENARIOS) hv=$HF_SCEN_REL ;;
		PINS) hv=$HF_PINS_REL ;;
		NOTES) hv=$HF_NOTES_REL ;;
		*) htext=$htext@; continue ;;
		esac
		hrest=${hrest#*@}
		while :; do
			case $hv in
			*\'*) htext=$htext${hv%%\'*}\'\\\'\'; hv=${hv#*\'} ;;
			*) break ;;
			esac
		done
		htext=$htext$hv
	done
	printf '%s\n' "$htext$hrest" >"$hout" && chmod 755 "$hout"
}
# Build the stale files of the package into a directory of BUILD, the
# independent ones side by side, then rename them all into BUILD/pkg at
# once: a file there is always whole, and a run killed before the rename
# leaves them stale.
# hf_build SC T_MAN T_TREE T_EV T_NS SCOPE BRANCH MISSION STEP TREE_COMMIT VFROM FILE...
hf_build() {
	hbsc=$1 hbtman=$2 hbttree=$3 hbtev=$4 hbtns=$5 hbscope=$6 hbbranch=$7
	hbmission=$8 hbstep=$9; shift 9
	hbtc=$1 hbvfrom=$2; shift 2
	# What a killed build left in BUILD/new is never renamed: only the
	# files built by this run are, and a file is rebuilt from scratch.
	hn=$HF_B/new
	[ -d "$hn" ] && [ -d "$HF_B/installed" ] || mkdir -p "$hn" "$HF_B/installed" || return 2
	hbwant=" $* "
	hbman=$HF_P/artifact-manifest.json hbns=$HF_P/namespace.json
	hbpids= hbst=0
	# The event log and the test note do not read the manifest, so they
	# are made while it is.
	for hf; do
		case $hf in
		events.jsonl)
			hf_mk_events "$hn/$hf" "$hbscope" "$hbbranch" "$hbsc" "$hbtev" & ;;
		verification.md)
			if [ -n "$hbvfrom" ]; then
				cp "$hbvfrom" "$hn/$hf" &
			else
				hf_mk_verification "$hn/$hf" "$hbbranch" "$hbsc" "$hbtman" &
			fi ;;
		*) continue ;;
		esac
		hbpids="$hbpids $!"
	done
	case $hbwant in *" artifact-manifest.json "*)
		hbman=$hn/artifact-manifest.json
		hf_mk_manifest "$hbman" "$hbsc" "$hbtman" || hbst=2 ;;
	esac
	case $hbwant in *" namespace.json "*) hbns=$hn/namespace.json ;; esac
	[ "$hbst" -eq 0 ] && for hf; do
		case $hf in
		artifact-tree.json)
			hf_mk_tree "$hn/$hf" "$hbman" "$hbsc" "$hbttree" "$hbtc" & ;;
		namespace.json)
			# The matrix shows the namespace, so it waits for it.
			{ hf_mk_ns "$hn/$hf" "$hbman" "$hbscope" "$hbbranch" "$hbsc" \
			    "$hbmission" "$hbstep" "$hbtns" &&
			    case $hbwant in *" version-matrix.md "*)
				hf_mk_matrix "$hn/version-matrix.md" "$hbman" "$hbns" ;;
			    esac; } & ;;
		version-matrix.md)
			case $hbwant in *" namespace.json "*) continue ;; esac
			hf_mk_matrix "$hn/$hf" "$hbman" "$hbns" & ;;
		generate.sh)
			hf_mk_generate "$hn/$hf" "$hbman" "$hbscope" "$hbbranch" \
			    "$hbsc" "$hbmission" "$hbstep" & ;;
		*) continue ;;
		esac
		hbpids="$hbpids $!"
	done
	for hp in $hbpids; do
		wait "$hp" || hbst=2
	done
	[ $# -gt 0 ] || return "$hbst"
	for hf; do set -- "$@" "$hn/$hf"; shift; done
	if [ "$hbst" -eq 0 ]; then
		mv -f "$@" "$HF_P/" && return 0
	fi
	rm -f "$@"
	return 2
}
# Whether process $1 still runs. kill -0 also reaches a zombie, and a
# shell killed together with its make stays one until init reaps it, which
# may take a second; where /proc tells, a zombie counts as gone.
hf_alive() {
	kill -0 "$1" 2>/dev/null || return 1
	[ -r "/proc/$1/stat" ] || return 0
	IFS= read -r hps <"/proc/$1/stat" || return 0
	hps=${hps##*") "}
	[ "${hps%% *}" != Z ]
}
# Copy the built package into OUT: new files are written, identical ones
# left alone (mtime included), differing ones only with FORCE=1.
hf_install() {
	# The copy directory of an install that was killed: its process is
	# gone, so nothing will rename or remove it.
	for htmp in "$HF_OUT"/.handoff.*; do
		[ -d "$htmp" ] && ! hf_alive "${htmp##*.}" && rm -rf "$htmp"
	done
	hrefused= hnew=
	set --
	for hf in $HF_FILES; do
		[ -n "$HF_ONLY" ] && [ "$HF_ONLY" != "$hf" ] && continue
		if [ -f "$HF_OUT/$hf" ]; then
			cmp -s "$HF_P/$hf" "$HF_OUT/$hf" && continue
			if [ "$FORCE" != 1 ]; then
				hrefused="$hrefused $hf"; continue
			fi
		fi
		hnew="$hnew $hf"
		set -- "$@" "$HF_P/$hf"
	done
	if [ $# -gt 0 ]; then
		# Copied into a directory of OUT, then renamed file by file,
		# so that each file appears whole.  The copy keeps the built
		# file's mtime: an installed file never looks newer than what
		# it was made from.
		htmp="$HF_OUT/.handoff.$$"
		mkdir -p "$htmp" && cp -p "$@" "$htmp/" || { rm -rf "$htmp"; return 2; }
		set --
		for hf in $hnew; do set -- "$@" "$htmp/$hf"; done
		mv -f "$@" "$HF_OUT/" || { rm -rf "$htmp"; return 2; }
		rmdir "$htmp"
		for hf in $hnew; do printf 'handoff: wrote %s\n' "$HF_OUT/$hf" >&2; done
	fi
	if [ -n "$hrefused" ]; then
		for hf in $hrefused; do
			printf 'handoff: %s/%s would change; not overwritten\n' "$HF_OUT" "$hf" >&2
		done
		hf_err "run 'make check' to see the differences, FORCE=1 to overwrite"
		return 1
	fi
	return 0
}
# Differences between two json.dumps(indent=2) files, by top-level key:
# hf_jdiff NAME COMMITTED REPLAYED [KEY...]; the KEYs are not compared.
hf_jdiff() {
	hname=$1; ha=$2; hb=$3; shift 3
	awk -v name="$hname" -v skip=" $* " '
	function keep() { if (key != "") val[which, key] = cur }
	FNR == 1 { keep(); key = ""; cur = ""; which++ }
	/^  "/ {
		keep(); key = $0; sub(/^  "/, "", key); sub(/".*/, "", key)
		cur = $0; sub(/^  "[^"]*": /, "", cur); sub(/,$/, "", cur)
		if (!(key in ord)) { ord[key] = ++n; names[n] = key }
		next
	}
	/^   / || /^  [\]}]/ { cur = cur "\n" $0; next }
	END {
		keep()
		for (i = 1; i <= n; i++) {
			k = names[i]
			if (index(skip, " " k " ")) continue
			a = val[1, k]; b = val[2, k]
			if (((1, k) in val) && ((2, k) in val) && a == b) continue
			if (!((1, k) in val)) { print name ": " k ": not in the committed file"; continue }
			if (!((2, k) in val)) { print name ": " k ": in the committed file only"; continue }
			if (a !~ /\n/ && b !~ /\n/)
				print name ": " k ": committed " a ", replayed " b
			else
				print name ": " k ": differs"
		}
	}' "$ha" "$hb"
}
# Replay the package with the parameters and timestamps pinned in it, into
# BUILD/check, and name every difference with the committed one in OUT.
hf_check() {
	hc=$HF_B/check; hp=$HF_OUT; hdiff=0; hn=0
	rm -rf "$hc"; mkdir -p "$hc" || return 2
	hsc=$(hf_jget "$hp/namespace.json" source_commit)
	hgat=$(hf_jget "$hp/namespace.json" generated_at)
	hmat=$(hf_jget "$hp/artifact-manifest.json" captured_at) || hmat=$hgat
	htat=$(hf_jget "$hp/artifact-tree.json" captured_at) || htat=$hgat
	htc=
	hf_jget "$hp/artifact-tree.json" tree_commit >/dev/null && htc=$HF_TREE_COMMIT
	hevat=$hgat
	if [ -f "$hp/events.jsonl" ]; then
		{ IFS= read -r hl1; IFS= read -r hl2; } <"$hp/events.jsonl"
		case $hl1 in
		*'"event_type": "handoff_package_created"'*|*'"event_type":"handoff_package_created"'*)
			[ -z "$hl2" ] && hevat=$(hf_jline "$hl1" at) ;;
		esac
	fi
	hf_mk_manifest "$hc/artifact-manifest.json" "$hsc" "$hmat" || return 2
	hf_mk_tree "$hc/artifact-tree.json" "$hc/artifact-manifest.json" "$hsc" "$htat" "$htc" || return 2
	hf_mk_events "$hc/events.jsonl" "$HF_SCOPE" "$HF_BRANCH" "$hsc" "$hevat" || return 2
	hf_mk_ns "$hc/namespace.json" "$hc/artifact-manifest.json" "$HF_SCOPE" "$HF_BRANCH" \
	    "$hsc" "$HF_MISSION" "$HF_STEP" "$hgat" || return 2
	for hf in namespace.json artifact-manifest.json; do
		hn=$((hn + 1))
		if [ ! -f "$hp/$hf" ]; then
			echo "$hf: missing from the package"; hdiff=$((hdiff + 1))
		elif cmp -s "$hp/$hf" "$hc/$hf"; then
			echo "$hf: matches"
		else
			echo "$hf: differs"; hdiff=$((hdiff + 1))
			hf_jdiff "$hf" "$hp/$hf" "$hc/$hf"
		fi
	done
	hn=$((hn + 1))
	if [ ! -f "$hp/artifact-tree.json" ]; then
		echo "artifact-tree.json: missing from the package"; hdiff=$((hdiff + 1))
	elif cmp -s "$hp/artifact-tree.json" "$hc/artifact-tree.json"; then
		echo "artifact-tree.json: matches"
	else
		echo "artifact-tree.json: stale"; hdiff=$((hdiff + 1))
		hf_treehash -c "$hp/artifact-tree.json" -m "$hc/artifact-manifest.json" |
		    sed 's/^/artifact-tree.json: /'
		hf_jdiff artifact-tree.json "$hp/artifact-tree.json" "$hc/artifact-tree.json" \
		    entries total_files present_count absent_count
	fi
	hn=$((hn + 1))
	if [ ! -f "$hp/events.jsonl" ]; then
		echo "events.jsonl: missing from the package"; hdiff=$((hdiff + 1))
	else
		hmsg=$("$EVCAT" -c "$hp/events.jsonl" "$hc/events.jsonl"); hst=$?
		echo "events.jsonl: $hmsg"
		[ "$hst" -eq 0 ] || hdiff=$((hdiff + 1))
	fi
	# version-matrix.md and generate.sh are compared in full when the
	# package was made by this pipeline (it has a generate.sh); a
	# hand-written one is held to its versions block only.
	if [ -f "$hp/version-matrix.md" ]; then
		hn=$((hn + 1))
		if [ -z "$PINS" ] && [ -z "$HF_PINS_OID" ]; then
			"$MATRIXGEN" -x "$hp/version-matrix.md" 2>/dev/null |
			    grep -v -e '^source-commit=' -e '^source-branch=' >"$hc/pins"
			PINS=$hc/pins
		fi
		hf_mk_matrix "$hc/version-matrix.md" "$hc/artifact-manifest.json" \
		    "$hc/namespace.json" || return 2
		"$MATRIXGEN" -x "$hp/version-matrix.md" >"$hc/versions.committed" 2>&1
		"$MATRIXGEN" -x "$hc/version-matrix.md" >"$hc/versions.replayed" 2>&1
		if ! cmp -s "$hc/versions.committed" "$hc/versions.replayed"; then
			echo "version-matrix.md: versions block differs"; hdiff=$((hdiff + 1))
			diff "$hc/versions.committed" "$hc/versions.replayed" |
			    sed -n 's/^< /version-matrix.md: committed: /p; s/^> /version-matrix.md: replayed: /p'
		elif [ -f "$hp/generate.sh" ] && ! cmp -s "$hp/version-matrix.md" "$hc/version-matrix.md"; then
			echo "version-matrix.md: differs outside the versions block"; hdiff=$((hdiff + 1))
		else
			echo "version-matrix.md: matches"
		fi
	fi
	if [ -f "$hp/generate.sh" ]; then
		hn=$((hn + 1))
		hf_mk_generate "$hc/generate.sh" "$hc/artifact-manifest.json" "$HF_SCOPE" \
		    "$HF_BRANCH" "$hsc" "$HF_MISSION" "$HF_STEP" || return 2
		if cmp -s "$hp/generate.sh" "$hc/generate.sh"; then
			echo "generate.sh: matches"
		else
			echo "generate.sh: differs"; hdiff=$((hdiff + 1))
			diff "$hp/generate.sh" "$hc/generate.sh" |
			    sed -n 's/^< \([A-Z_]*=.*\)/generate.sh: committed: \1/p; s/^> \([A-Z_]*=.*\)/generate.sh: replayed: \1/p'
		fi
	fi
	if [ "$hdiff" -eq 0 ]; then
		echo "check: the package matches its replay ($hn files)"
		return 0
	fi
	echo "check: $hdiff of $hn files differ"
	return 1
}
# The CI gate: presence, well-formedness and invariants, then fingerprints.
hf_verify() {
	hp=$HF_OUT; hc=$HF_B/verify; hbad=0
	rm -rf "$hc"; mkdir -p "$hc" || return 2
	hbad() { echo "verify: $*"; hbad=$((hbad + 1)); }
	for hf in $HF_FILES; do
		[ -f "$hp/$hf" ] || hbad "$hf: missing"
	done
	for hf in namespace.json artifact-manifest.json artifact-tree.json; do
		[ -f "$hp/$hf" ] || continue
		"$YAML2JSON" -c "$hp/$hf" >/dev/null 2>"$hc/err" ||
		    hbad "$hf: not well-formed: $(head -n 1 "$hc/err")"
	done
	if [ -f "$hp/events.jsonl" ]; then
		"$EVCAT" "$hp/events.jsonl" >/dev/null 2>"$hc/err" ||
		    hbad "events.jsonl: not well-formed: $(head -n 1 "$hc/err")"
	fi
	if [ -f "$hp/version-matrix.md" ]; then
		"$MATRIXGEN" -x "$hp/version-matrix.md" >"$hc/versions" 2>"$hc/err" ||
		    hbad "version-matrix.md: no versions block: $(head -n 1 "$hc/err")"
	fi
	if [ -f "$hp/generate.sh" ]; then
		sh -n "$hp/generate.sh" 2>"$hc/err" ||
		    hbad "generate.sh: not a valid script: $(head -n 1 "$hc/err")"
		grep -q '^write=0$' "$hp/generate.sh" ||
		    hbad "generate.sh: does not default to a dry run"
	fi
	if [ -f "$hp/verification.md" ] && [ ! -s "$hp/verification.md" ]; then
		hbad "verification.md: empty"
	fi
	# One source commit everywhere.
	hsc=$(hf_jget "$hp/namespace.json" source_commit)
	for hf in artifact-manifest.json artifact-tree.json; do
		[ -f "$hp/$hf" ] || continue
		hv=$(hf_jget "$hp/$hf" source_commit)
		[ "$hv" = "$hsc" ] || hbad "$hf: source_commit $hv is not namespace.json's $hsc"
	done
	if [ -f "$hp/generate.sh" ]; then
		hv=$(sed -n "s/^SOURCE_COMMIT='\(.*\)'$/\1/p" "$hp/generate.sh")
		[ "$hv" = "$hsc" ] || hbad "generate.sh: SOURCE_COMMIT $hv is not namespace.json's $hsc"
	fi
	if [ -f "$hc/versions" ]; then
		hv=$(sed -n 's/^source-commit=//p' "$hc/versions")
		[ "$hv" = "$hsc" ] || hbad "version-matrix.md: source-commit $hv is not namespace.json's $hsc"
	fi
	# Timestamps: ISO 8601 UTC with Z.
	for hk in namespace.json:generated_at artifact-manifest.json:captured_at \
	    artifact-tree.json:captured_at; do
		[ -f "$hp/${hk%%:*}" ] || continue
		hv=$(hf_jget "$hp/${hk%%:*}" "${hk#*:}")
		case $hv in
		[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]Z) ;;
		[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9].*Z) ;;
		*) hbad "${hk%%:*}: ${hk#*:} '$hv' is not ISO 8601 UTC with Z" ;;
		esac
	done
	if [ -f "$hp/artifact-tree.json" ]; then
		grep -q '^      "path": "handoff/' "$hp/artifact-tree.json" &&
		    hbad "artifact-tree.json: lists files under handoff/"
		hpres=$(grep -c '^      "status": "present"' "$hp/artifact-tree.json")
		habs=$(grep -c '^      "status": "absent"' "$hp/artifact-tree.json")
		htot=$(hf_jget "$hp/artifact-tree.json" total_files)
		hpc=$(hf_jget "$hp/artifact-tree.json" present_count)
		hac=$(hf_jget "$hp/artifact-tree.json" absent_count)
		[ "$hpres" = "$hpc" ] && [ "$habs" = "$hac" ] &&
		    [ "$htot" = $((hpc + hac)) ] ||
		    hbad "artifact-tree.json: counts do not add up (total_files $htot, present_count $hpc of $hpres, absent_count $hac of $habs)"
		# The fingerprints against the feature's tracked files as they
		# are in the work tree (outside git, all its files).
		if [ -n "$HF_NOGIT" ]; then
			(cd "$HF_FD" && find . -path ./handoff -prune -o \
			    \( -type f -o -type l \) -print0) >"$hc/files"
		else
			(cd "$HF_FD" && git ls-files -z -- . ':(exclude)handoff') >"$hc/files"
		fi &&
		    set -f && hf_excl && "$TREEHASH" -c "$hp/artifact-tree.json" -0 -C "$HF_FD" $hx \
		    -m "$hp/artifact-manifest.json" "$hc/files" >"$hc/tree" 2>&1 ||
		    { sed 's/^/verify: artifact-tree.json: /' "$hc/tree"; hbad "artifact-tree.json: does not match $HF_ROOT"; }
	fi
	if [ -f "$hp/events.jsonl" ]; then
		hf_mk_events "$hc/events.jsonl" "$HF_SCOPE" "$HF_BRANCH" "$hsc" \
		    "$(hf_jget "$hp/namespace.json" generated_at)" 2>/dev/null
		hmsg=$("$EVCAT" -c "$hp/events.jsonl" "$hc/events.jsonl" 2>&1)
		[ $? -eq 4 ] && hbad "events.jsonl: not in the source's order: $hmsg"
	fi
	if [ "$hbad" -ne 0 ]; then
		echo "verify: $hbad problems in $hp"
		return 1
	fi
	echo "verify: $hp is complete and consistent"
	return 0
}
endef
export HF_LIB := $(value HF_LIB_TEXT)


# The probe: resolves what the package is made from, with as few processes
# as it can: one log and one cat-file --batch-command, one cat-file
# --batch-check more when the committed meta.json names another mission
# than the work tree's, and one log more when the source commit is not the
# last commit of the feature (or git quotes the event log's path).
# It prints "OK NAME=value ..." or "ERR message" (one line, naming the
# variable to set), and writes nothing else.
define HF_PROBE_TEXT
# The mission the text of a meta.json names, in hm: "mission", else
# "mission_type", else spec-kitty's own default for a feature that names
# none (as for a feature with no meta.json at all). The file is small and
# flat, so a shell match stands in for a JSON parser here.
hf_mission_of() {
	hmeta=$1
	for hk in mission mission_type; do
		case $hmeta in
		*"\"$hk\":"*)
			hv=${hmeta#*\"$hk\":}; hv=${hv#"${hv%%[! 	]*}"}
			case $hv in \"*) hv=${hv#\"}; hm=${hv%%\"*}; return ;; esac ;;
		esac
	done
	hm=software-dev
}
# Adds a line of a meta.json to hmeta if it may name the mission.  Only
# those are kept: dash's ${x#*pattern} tries every prefix of x, so the
# search of the whole text took time quadratic in its length.
hf_metaline() {
	case $1 in *'"mission'*) hmeta="$hmeta$1 " ;; esac
}
# The files' timestamps from the times of their inputs (source commit, tree,
# events; no events: the source commit's), and the namespace's, which is
# the newest of all, as the probe's words in htimes.
hf_times() {
	hev=${3:-$1}
	hns=$1
	[ "$2" -gt "$hns" ] && hns=$2
	[ "$hev" -gt "$hns" ] && hns=$hev
	hf_iso "$1"; htimes="T_MAN=$hiso"
	hf_iso "$2"; htimes="$htimes T_TREE=$hiso"
	hf_iso "$hev"; htimes="$htimes T_EV=$hiso"
	hf_iso "$hns"; htimes="$htimes T_NS=$hiso"
}
# The object id of a line that cat-file answered in hv; empty when the
# object is missing.
hf_oid() {
	case $1 in
	*' missing') hv= ;;
	*) hv=${1%% *} ;;
	esac
}
# The source commit, and mission $1's manifest at it and at HEAD: the
# names cat-file is asked for, one a line after the prefix $2.  Their
# answers come 5th to 9th, after the four objects at HEAD, and
# hf_mananswer N takes answer N from hv.
hf_manq() {
	hp1=src/specify_cli/missions/$1/expected-artifacts.yaml
	hp2=packs/built-in/missions/$1/expected-artifacts.yaml
	printf '%s\n' "$2$hsc^{commit}" "$2$hsc:./$hp1" "$2$hsc:./$hp2" "$2HEAD:./$hp1" \
	    "$2HEAD:./$hp2"
}
hf_mananswer() {
	case $1 in
	5) hscid=$hv ;; 6) hman1=$hv ;; 7) hman2=$hv ;; 8) hman3=$hv ;; 9) hman4=$hv ;;
	esac
}
# Whether $1 may be a mission name, and a source commit that git reads
# as one and no option.
hf_ismission() {
	case $1 in *[!A-Za-z0-9._-]*|.*) return 1 ;; esac
}
hf_iscommit() {
	case $1 in *[!A-Za-z0-9._/^~-]*|-*) return 1 ;; esac
}
# Prints the probe's error line and fails unless $1 is a mission name.
hf_mission_ok() {
	hf_ismission "$1" ||
	    { echo "ERR MISSION=$1 is not a mission name (set MISSION)"; return 1; }
}
hf_probe() {
	cd "$HF_REPO" || { echo "ERR REPO=$HF_REPO: no such directory (set REPO)"; return; }
	if [ -n "$HF_NOGIT" ]; then hf_probe_files; return; fi
	set -f
	# First the last commit that touched the feature, with the files it
	# touched: when the event log is one of them, as it usually is, its
	# time is known too.  Then one cat-file for the objects at HEAD, the
	# source commit, its manifest and, last, the text of meta.json.  The
	# manifest's path depends on the mission the committed meta.json
	# names: it is asked for the one the work tree's names, which make
	# read, and asked again only when the committed one names another.
	# git's answers are taken by command substitution, which reads them
	# in blocks; dash's read builtin takes a file one byte per system
	# call, which for a long meta.json cost milliseconds.
	ho=$HF_B/probe.in hifs=$IFS hnl='
'
	hlog=$("${GIT:-git}" -C "$HF_REPO" log -1 --format='@ %H %ct' --name-only HEAD -- \
	    "./$HF_ROOT" ":(exclude)./$HF_ROOT/handoff" 2>/dev/null)
	htc= httime= hevlog=
	IFS=$hnl
	for hl in $hlog; do
		case $hl in
		"@ "*) hl=${hl#@ }; htc=${hl%% *} httime=${hl#* } ;;
		"$HF_ROOT/status.events.jsonl"|*/"$HF_ROOT/status.events.jsonl") hevlog=1 ;;
		esac
	done
	IFS=$hifs
	hsc=$HF_SC
	[ -n "$hsc" ] || { hf_jvar "$HF_OUT/namespace.json" source_commit ||
	    hf_jvar "$HF_REPO/$HF_ROOT/handoff/namespace.json" source_commit; hsc=$hjv; }
	[ -n "$hsc" ] || hsc=$htc
	hg=$HF_MGUESS
	[ -n "$hsc" ] && hf_iscommit "$hsc" && hf_ismission "$hg" || hg=
	{ printf 'info %s\n' HEAD "HEAD:./$HF_ROOT" "HEAD:./$HF_ROOT/status.events.jsonl" \
	    "HEAD:./$HF_ROOT/versions"
	  [ -n "$hg" ] && hf_manq "$hg" 'info '
	  [ -n "$HF_MISSION" ] || printf 'contents %s\n' "HEAD:./$HF_ROOT/meta.json"
	} >"$ho"
	hcat=$("${GIT:-git}" -C "$HF_REPO" cat-file --batch-command <"$ho" 2>/dev/null)
	hi=0 hhead= hftree= hevoid= hpinsoid= hmeta= hn=4
	hscid= hman1= hman2= hman3= hman4=
	[ -n "$hg" ] && hn=9
	IFS=$hnl
	for hl in $hcat; do
		hi=$((hi + 1))
		if [ "$hi" -gt "$hn" ]; then
			# The header of meta.json's answer, then its text.
			[ "$hi" -gt $((hn + 1)) ] && hf_metaline "$hl"
			continue
		fi
		hf_oid "$hl"
		case $hi in
		1) hhead=$hv ;; 2) hftree=$hv ;; 3) hevoid=$hv ;; 4) hpinsoid=$hv ;;
		*) hf_mananswer "$hi" ;;
		esac
	done
	IFS=$hifs
	[ -n "$hhead" ] || { echo "ERR REPO=$HF_REPO: no commit at HEAD; commit the feature first (or set REPO)"; return; }
	[ -n "$hftree" ] || { echo "ERR FEATURE_DIR=$HF_ROOT is not committed at HEAD; commit it (or set FEATURE)"; return; }
	[ -n "$htc" ] || { echo "ERR FEATURE_DIR=$HF_ROOT has no committed file outside handoff/ (set FEATURE)"; return; }
	# A path git quotes is not recognised in the log, and the event log's
	# time is then asked for on its own.
	hevtime=
	if [ -n "$hevoid" ] && [ -n "$hevlog" ]; then
		hevtime=$httime
	elif [ -n "$hevoid" ]; then
		hevtime=$("${GIT:-git}" -C "$HF_REPO" log -1 --format=%ct HEAD -- \
		    "./$HF_ROOT/status.events.jsonl")
	fi
	hm=$HF_MISSION
	[ -n "$hm" ] || hf_mission_of "$hmeta"
	hf_mission_ok "$hm" || return
	hf_iscommit "$hsc" ||
	    { echo "ERR SOURCE_COMMIT=$hsc is not a commit (set SOURCE_COMMIT)"; return; }
	if [ "$hm" != "$hg" ]; then
		hf_manq "$hm" '' >"$ho"
		hcat=$("${GIT:-git}" -C "$HF_REPO" cat-file --batch-check <"$ho" 2>/dev/null)
		hi=4
		IFS=$hnl
		for hl in $hcat; do
			hi=$((hi + 1)); hf_oid "$hl"; hf_mananswer "$hi"
		done
		IFS=$hifs
	fi
	hmanoid=
	if [ -n "$HF_MAN_FILE" ]; then
		[ -f "$HF_MAN_FILE" ] || { echo "ERR MANIFEST=$HF_MAN_FILE: no such file (set MANIFEST)"; return; }
	elif [ -z "$hscid" ]; then
		echo "ERR SOURCE_COMMIT=$hsc is not in this repository; fetch it, set SOURCE_COMMIT to re-pin, or set MANIFEST to the manifest file"; return
	else
		hmanoid=${hman1:-$hman2}
		if [ -z "$hmanoid" ]; then
			if [ -n "$hman3$hman4" ]; then
				echo "ERR no $hp1 (or $hp2) at SOURCE_COMMIT=$hscid; set SOURCE_COMMIT, or MANIFEST to the manifest file"
			else
				echo "ERR unknown mission $hm: no $hp1 or $hp2; set MISSION"
			fi
			return
		fi
	fi
	[ -n "$hscid" ] && hsc=$hscid
	case $hsc in
	*[!0-9a-f]*) echo "ERR SOURCE_COMMIT=$hsc is not a full commit id (set SOURCE_COMMIT)"; return ;;
	esac
	hsctime=
	if [ -z "$hscid" ]; then
		hsctime=$("${GIT:-git}" -C "$HF_REPO" log -1 --format=%ct -- \
		    "$HF_MAN_FILE" 2>/dev/null)
		[ -n "$hsctime" ] || hsctime=$(date -r "$HF_MAN_FILE" +%s)
	elif [ "$hscid" = "$htc" ]; then
		hsctime=$httime
	else
		hsctime=$("${GIT:-git}" -C "$HF_REPO" log -1 --format=%ct "$hscid" --)
	fi
	hscope=$HF_SCOPE
	if [ -z "$hscope" ]; then
		hinorigin= hurl=
		while IFS= read -r hl; do
			case $hl in
			\[*) hinorigin=; case $hl in '[remote "origin"]'*) hinorigin=1 ;; esac ;;
			*=*)
				hl=${hl#"${hl%%[! 	]*}"}
				case $hl in
				url=*|url[\ \	]*)
					[ -n "$hinorigin" ] && { hurl=${hl#*=}; hurl=${hurl#"${hurl%%[! 	]*}"}; } ;;
				esac ;;
			esac
		done <"$HF_GITCONFIG"
		hurl=${hurl%/}; hurl=${hurl%.git}; hurl=${hurl##*/}; hurl=${hurl##*:}
		hscope=${hurl:-${HF_TOPDIR##*/}}
	fi
	case $hscope in
	''|*[!A-Za-z0-9._-]*) echo "ERR cannot use '$hscope' as the project scope id; set PROJECT_SCOPE_ID"; return ;;
	esac
	case $HF_BRANCH in
	''|*[!A-Za-z0-9._/+-]*) echo "ERR SOURCE_BRANCH='$HF_BRANCH' is not usable; set SOURCE_BRANCH"; return ;;
	esac
	if [ -n "$SOURCE_DATE_EPOCH" ]; then
		case $SOURCE_DATE_EPOCH in
		*[!0-9]*) echo "ERR SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH is not a number of seconds"; return ;;
		esac
		hsctime=$SOURCE_DATE_EPOCH httime=$SOURCE_DATE_EPOCH hevtime=$SOURCE_DATE_EPOCH
	fi
	hf_times "$hsctime" "$httime" "$hevtime"
	echo "OK HEAD=$hhead SC=$hsc BRANCH=$HF_BRANCH SCOPE=$hscope MISSION=$hm" \
	    "TREE_COMMIT=$htc MAN_OID=$hmanoid EV_OID=$hevoid PINS_OID=$hpinsoid" \
	    "$htimes"
}
# Outside git: the same answers from the files and their mtimes.
hf_probe_files() {
	hsc=$HF_SC
	[ -n "$hsc" ] || { hf_jvar "$HF_OUT/namespace.json" source_commit ||
	    hf_jvar "$HF_ROOT/handoff/namespace.json" source_commit; hsc=$hjv; }
	case $hsc in
	''|*[!0-9a-f]*) echo "ERR REPO=$HF_REPO is not in a git work tree; set SOURCE_COMMIT to the full id of the commit it was exported from"; return ;;
	esac
	hm=$HF_MISSION
	if [ -z "$hm" ] && [ -f "$HF_ROOT/meta.json" ]; then
		hmeta=
		while IFS= read -r hl || [ -n "$hl" ]; do
			hf_metaline "$hl"
		done <"$HF_ROOT/meta.json"
		hf_mission_of "$hmeta"
	fi
	[ -n "$hm" ] || hm=software-dev
	hf_mission_ok "$hm" || return
	hman=$HF_MAN_FILE
	if [ -z "$hman" ]; then
		for hp in src/specify_cli/missions/$hm/expected-artifacts.yaml \
		    packs/built-in/missions/$hm/expected-artifacts.yaml; do
			[ -f "$hp" ] && { hman=$HF_REPO/$hp; break; }
		done
		[ -n "$hman" ] || { echo "ERR unknown mission $hm: no src/specify_cli/missions/$hm/expected-artifacts.yaml; set MISSION, or MANIFEST"; return; }
	fi
	[ -f "$hman" ] || { echo "ERR MANIFEST=$hman: no such file (set MANIFEST)"; return; }
	case $hman in *[!A-Za-z0-9._/+@-]*) echo "ERR MANIFEST=$hman: a path with blanks cannot be used; set MANIFEST"; return ;; esac
	hsctime=$(date -r "$hman" +%s)
	set -- $(find "$HF_ROOT" -path "$HF_ROOT/handoff" -prune -o \( -type f -o -type l \) \
	    -printf '%T@\n' | awk '{ n++; t = int($1); if (t > m) m = t } END { print m + 0, n + 0 }')
	httime=$1 hsig=$1.$2
	hevoid= hevtime=
	if [ -f "$HF_ROOT/status.events.jsonl" ]; then
		hevtime=$(date -r "$HF_ROOT/status.events.jsonl" +%s)
		hevoid=file.$hevtime
	fi
	hpinsoid=
	[ -f "$HF_ROOT/versions" ] && hpinsoid=file
	hscope=${HF_SCOPE:-${HF_REPO##*/}}
	case $hscope in
	''|*[!A-Za-z0-9._-]*) echo "ERR cannot use '$hscope' as the project scope id; set PROJECT_SCOPE_ID"; return ;;
	esac
	if [ -n "$SOURCE_DATE_EPOCH" ]; then
		hsctime=$SOURCE_DATE_EPOCH httime=$SOURCE_DATE_EPOCH
		[ -n "$hevoid" ] && hevtime=$SOURCE_DATE_EPOCH
	fi
	hf_times "$hsctime" "$httime" "$hevtime"
	echo "OK HEAD=$hsig SC=$hsc BRANCH=$HF_BRANCH SCOPE=$hscope MISSION=$hm" \
	    "TREE_COMMIT= MAN_OID= EV_OID=$hevoid PINS_OID=$hpinsoid MAN_FILE=$hman" \
	    "$htimes"
}
endef

HF_PROBE_VARS := HEAD SC BRANCH SCOPE MISSION TREE_COMMIT MAN_OID EV_OID PINS_OID \
	T_MAN T_TREE T_EV T_NS
HF_S := $(HF_B)/s
HF_MAN_FILE := $(if $(MANIFEST),$(abspath $(MANIFEST)))
hf_rel = $(if $1,$(patsubst $(HF_REPO)/%,%,$(abspath $1)))

ifneq ($(HF_NEED),)
# Bad input that needs no git: one line naming the variable, then stop.
ifeq ($(strip $(FEATURE)),)
$(error FEATURE is not set; set FEATURE to a directory name under $(REPO)/kitty-specs)
endif
ifneq ($(words $(FEATURE)),1)
$(error FEATURE='$(FEATURE)' is not a slug; set FEATURE to one directory name)
endif
ifneq ($(findstring /,$(FEATURE))$(findstring ..,$(FEATURE)),)
$(error FEATURE=$(FEATURE) may not contain '/' or '..'; set FEATURE to a directory name under $(REPO)/kitty-specs)
endif
ifeq ($(wildcard $(HF_FD)/.),)
$(error FEATURE_DIR=$(FEATURE_DIR) is not a directory; set FEATURE (or FEATURE_DIR))
endif
ifeq ($(filter $(HF_REPO)/%,$(HF_FD)),)
$(error FEATURE_DIR=$(FEATURE_DIR) is not inside REPO=$(REPO); set REPO)
endif

# check and verify replay with the parameters pinned in the package.
ifneq ($(HF_PINNED),)
HF_NS_TEXT := $(file <$(HF_OUT)/namespace.json)
ifeq ($(HF_NS_TEXT),)
$(error OUT=$(OUT) holds no namespace.json to check; run make handoff, or set OUT)
endif
SOURCE_COMMIT := $(call hf_jval,$(HF_NS_TEXT),source_commit)
SOURCE_BRANCH := $(call hf_jval,$(HF_NS_TEXT),source_branch)
PROJECT_SCOPE_ID := $(call hf_jval,$(HF_NS_TEXT),project_scope_id)
STEP_ID := $(call hf_jval,$(HF_NS_TEXT),step_id)
endif

ifeq ($(HF_GITDIR),)
# Outside git: the files themselves, their modification times standing in
# for commit times; what git would tell must be given.
export HF_NOGIT := 1
HF_BRANCH := $(SOURCE_BRANCH)
ifeq ($(HF_BRANCH),)
$(error REPO=$(REPO) is not in a git work tree; set SOURCE_BRANCH (and SOURCE_COMMIT) to what it was exported from)
endif
HF_HEADID := $(HF_NOGIT)
HF_GITCONFIG :=
else
# HEAD and its branch, read from .git without a process where possible.
HF_HEADTXT := $(strip $(file <$(HF_GITDIR)/HEAD))
HF_HEADREF := $(if $(filter ref:,$(firstword $(HF_HEADTXT))),$(word 2,$(HF_HEADTXT)))
HF_HEADID := $(if $(HF_HEADREF),$(strip $(file <$(HF_GITDIR)/$(HF_HEADREF))),$(HF_HEADTXT))
ifeq ($(HF_HEADID),)
HF_HEADID := $(shell $(GIT) -C $(call hf_q,$(HF_REPO)) rev-parse -q --verify HEAD)
endif
HF_BRANCH := $(or $(SOURCE_BRANCH),$(patsubst refs/heads/%,%,$(filter refs/heads/%,$(HF_HEADREF))))
ifeq ($(HF_BRANCH),)
$(error HEAD is detached; set SOURCE_BRANCH to the branch this package is for)
endif
# A linked work tree keeps its config in the common directory.
HF_COMMONDIR := $(strip $(file <$(HF_GITDIR)/commondir))
HF_GITCONFIG := $(if $(HF_COMMONDIR),$(abspath $(if $(filter /%,$(HF_COMMONDIR)),,$(HF_GITDIR)/)$(HF_COMMONDIR)),$(HF_GITDIR))/config
endif

# The probe reruns only when something it reads may have changed: the key
# holds HEAD, the variables the probe reads and the source commit as it
# would resolve it (the last run's result standing in for a first
# package's default, which HEAD determines).
-include $(HF_B)/probe.mk
HF_KEY = $(strip $(HF_HEADID) $(HF_BRANCH) $(HF_REPO) $(HF_ROOT) $(HF_OUT) \
	$(MISSION) $(HF_MAN_FILE) $(PROJECT_SCOPE_ID) $(SOURCE_DATE_EPOCH) \
	$(or $(SOURCE_COMMIT),$(call hf_jval,$(file <$(HF_OUT)/namespace.json),source_commit),$(call \
	hf_jval,$(file <$(HF_FD)/handoff/namespace.json),source_commit),$(HF_SC)) \
	$(if $(PROJECT_SCOPE_ID)$(HF_NOGIT),,$(subst $(hf_nl), ,$(file <$(HF_GITCONFIG)))))
ifneq ($(HF_NOGIT)$(HF_KEY),$(file <$(HF_B)/key))
# The mission the work tree's meta.json names: the probe asks for its
# manifest in its first batch, and again only when the committed
# meta.json names another.
HF_META := $(if $(MISSION),,$(file <$(HF_FD)/meta.json))
HF_MGUESS := $(or $(MISSION),$(firstword $(call hf_jval,$(HF_META),mission) \
	$(call hf_jval,$(HF_META),mission_type)),software-dev)
# $(shell) loses the newlines of its command, so the probe runs from a file.
$(if $(wildcard $(HF_B)/new/.),,$(shell mkdir -p $(foreach d,s pkg new installed,$(call hf_q,$(HF_B)/$d))))
$(file >$(HF_B)/probe.sh,$(value HF_LIB_TEXT)$(hf_nl)$(value HF_PROBE_TEXT)$(hf_nl)hf_probe)
HF_PROBE_OUT := $(shell HF_B=$(call hf_q,$(HF_B)) HF_REPO=$(call hf_q,$(HF_REPO)) HF_ROOT=$(call hf_q,$(HF_ROOT)) \
	HF_OUT=$(call hf_q,$(HF_OUT)) HF_SC=$(call hf_q,$(SOURCE_COMMIT)) \
	HF_BRANCH=$(call hf_q,$(HF_BRANCH)) HF_SCOPE=$(call hf_q,$(PROJECT_SCOPE_ID)) \
	HF_MISSION=$(call hf_q,$(MISSION)) HF_MGUESS=$(call hf_q,$(HF_MGUESS)) \
	HF_MAN_FILE=$(call hf_q,$(HF_MAN_FILE)) \
	HF_GITCONFIG=$(call hf_q,$(HF_GITCONFIG)) HF_TOPDIR=$(call hf_q,$(HF_TOP)) \
	GIT=$(call hf_q,$(GIT)) SOURCE_DATE_EPOCH=$(call hf_q,$(SOURCE_DATE_EPOCH)) \
	HF_NOGIT=$(call hf_q,$(HF_NOGIT)) \
	. $(call hf_q,$(HF_B)/probe.sh))
ifneq ($(firstword $(HF_PROBE_OUT)),OK)
$(error $(or $(strip $(patsubst ERR,,$(HF_PROBE_OUT))),the probe of $(FEATURE_DIR) failed))
endif
$(foreach a,$(wordlist 2,99,$(HF_PROBE_OUT)),$(eval HF_$(subst =, := ,$(a))))
$(file >$(HF_B)/probe.mk,$(foreach v,$(HF_PROBE_VARS),HF_$v := $(HF_$v)$(hf_nl)))
$(file >$(HF_B)/key,$(HF_KEY))
endif
endif

# Stamps: what each package file is derived from.  Each is rewritten only
# when its content changes, so its mtime tells Make when to rebuild.
# Both sides are stripped: make 4.3 keeps the final newline of a file read
# by $(file <) when the text around it crosses its 200-byte buffer, and a
# stamp must not look changed for that.
hf_put = $(if $(subst x$(strip $(file <$1)),,x$(strip $2))$(subst x$(strip $2),,x$(strip $(file <$1))),$(file >$1,$(strip $2)))
HF_MAN_REL := $(call hf_rel,$(HF_MAN_FILE))
HF_PINS_REL := $(call hf_rel,$(PINS))
HF_NOTES_REL := $(call hf_rel,$(NOTES))
HF_SCEN_REL := $(call hf_rel,$(SCENARIOS))
HF_SDE := $(SOURCE_DATE_EPOCH)
HF_VFROM := $(if $(filter verification,$(MAKECMDGOALS)),,$(abspath $(or $(VERIFICATION_FROM),$(if \
	$(TEST_CMD),,$(wildcard $(HF_OUT)/verification.md)))))
ifneq ($(HF_NEED),)
$(call hf_put,$(HF_S)/manifest,$(HF_SC) $(HF_MAN_OID) $(HF_MAN_FILE) $(HF_T_MAN))
$(call hf_put,$(HF_S)/tree,$(HF_TREE_COMMIT) $(HF_SC) $(HF_T_TREE) $(HF_ROOT) $(FEATURE) $(EXCLUDE) \
	$(if $(HF_NOGIT),$(HF_HEAD)))
$(call hf_put,$(HF_S)/events,$(HF_EV_OID) $(HF_SC) $(HF_BRANCH) $(HF_SCOPE) $(HF_T_EV) $(FEATURE))
$(call hf_put,$(HF_S)/namespace,$(HF_SCOPE) $(HF_BRANCH) $(HF_SC) $(HF_MISSION) $(STEP_ID) $(HF_T_NS) $(FEATURE))
$(call hf_put,$(HF_S)/matrix,$(HF_PINS_OID) $(PINS) $(NOTES) $(HF_ROOT))
$(call hf_put,$(HF_S)/generate,$(HF_SC) $(HF_BRANCH) $(FEATURE) $(HF_MISSION) $(HF_SCOPE) \
	$(STEP_ID) $(HF_ROOT) $(HF_MAN_REL) $(HF_PINS_REL) $(HF_NOTES_REL) $(HF_SCEN_REL) \
	$(HF_SDE) $(HANDOFF_TEMPLATE) $(TEST_CMD))
$(call hf_put,$(HF_S)/verification,$(HF_BRANCH) $(HF_SC) $(HF_T_MAN) $(SCENARIOS) $(TEST_CMD))
endif

export HF_FILES HF_OUT HF_P HF_B HF_ROOT HF_REPO HF_SC HF_TREE_COMMIT HF_MAN_OID \
	HF_EV_OID HF_PINS_OID HF_MAN_FILE HF_MAN_REL HF_SDE HF_PINS_REL \
	HF_NOTES_REL HF_SCEN_REL GIT
export HF_SLUG := $(FEATURE)
export YAML2JSON TREEHASH EVCAT NSGEN MATRIXGEN TAPNOTE HANDOFF_TEMPLATE
# The template's text for hf_mk_generate, read when a recipe starts.
export HF_TPL = $(if $(HANDOFF_TEMPLATE),$(file <$(HANDOFF_TEMPLATE)))
export EXCLUDE PINS NOTES TEST_CMD SCENARIOS FORCE HANDOFF_MK

# A filter that is a file (the source tree) is a prerequisite of what it
# makes, so rebuilding it regenerates its output.
hf_tool = $(filter /%,$(wildcard $1))
# Which files are stale is make's to decide, file by file, from the
# stamps; building them is one shell's.  A file's rule only records it
# (and the files made from it) in HF_STALE, which costs no process; the
# handoff recipe then builds them all at once, independent ones side by
# side, and installs them.  Process start-up is most of the cost of a
# package, so one shell and one rename for the lot beat one of each per
# file.
hf_stale = $(eval HF_STALE += $1)
HF_STALE :=

$(HF_P)/artifact-manifest.json: $(HF_S)/manifest $(HANDOFF_MK) $(HF_MAN_FILE) \
		$(call hf_tool,$(YAML2JSON)) | $(HANDOFF_TOOLS)
	$(call hf_stale,artifact-manifest.json artifact-tree.json namespace.json \
	    version-matrix.md generate.sh)

$(HF_P)/artifact-tree.json: $(HF_S)/tree $(HANDOFF_MK) $(HF_P)/artifact-manifest.json \
		$(call hf_tool,$(TREEHASH)) | $(HANDOFF_TOOLS)
	$(call hf_stale,artifact-tree.json)

$(HF_P)/events.jsonl: $(HF_S)/events $(HANDOFF_MK) $(call hf_tool,$(EVCAT)) | $(HANDOFF_TOOLS)
	$(call hf_stale,events.jsonl)

$(HF_P)/namespace.json: $(HF_S)/namespace $(HANDOFF_MK) $(HF_P)/artifact-manifest.json \
		$(call hf_tool,$(NSGEN)) | $(HANDOFF_TOOLS)
	$(call hf_stale,namespace.json version-matrix.md)

$(HF_P)/version-matrix.md: $(HF_S)/matrix $(HANDOFF_MK) $(HF_P)/namespace.json \
		$(HF_P)/artifact-manifest.json $(PINS) $(NOTES) \
		$(if $(HF_NOGIT),$(wildcard $(HF_FD)/versions)) \
		$(call hf_tool,$(MATRIXGEN)) | $(HANDOFF_TOOLS)
	$(call hf_stale,version-matrix.md)

$(HF_P)/generate.sh: $(HF_S)/generate $(HANDOFF_MK) $(HF_P)/artifact-manifest.json $(HANDOFF_TEMPLATE)
	$(call hf_stale,generate.sh)

# verification.md is the record of a test run, so an existing one is kept
# (copied) unless TEST_CMD asks for a new run; make verification always
# runs.
$(HF_P)/verification.md: $(HF_S)/verification $(HANDOFF_MK) $(SCENARIOS) $(HF_VFROM) \
		$(call hf_tool,$(TAPNOTE)) | $(HANDOFF_TOOLS)
	$(call hf_stale,verification.md)

# Installing: the stamp is per OUT, and is forced while a file is missing
# or the copy directory of a killed install is left to remove.
HF_INST := $(HF_B)/installed/$(subst /,_,$(HF_OUT))
HF_OUTFILES := $(addprefix $(HF_OUT)/,$(HF_FILES))
$(HF_INST): $(addprefix $(HF_P)/,$(HF_FILES)) $(wildcard $(HF_OUTFILES)) \
		$(if $(filter-out $(wildcard $(HF_OUTFILES)),$(HF_OUTFILES)),hf-force) \
		$(if $(wildcard $(HF_OUT)/.handoff.*),hf-force)
	$(eval HF_DOINST := 1)

# The parameters of hf_build, in the order it takes them.
HF_BUILD_ARGS = $(HF_SC) $(HF_T_MAN) $(HF_T_TREE) $(HF_T_EV) $(HF_T_NS) \
	$(HF_SCOPE) $(HF_BRANCH) $(HF_MISSION) $(call hf_q,$(STEP_ID)) \
	$(call hf_q,$(HF_TREE_COMMIT)) $(call hf_q,$(HF_VFROM))

handoff: $(HF_INST)
	$(if $(strip $(HF_STALE) $(HF_DOINST)),@eval "$$HF_LIB"; \
	    hf_build $(HF_BUILD_ARGS) $(sort $(HF_STALE)) && hf_install && : >"$(HF_INST)")

verification: $(HF_S)/verification
	@eval "$$HF_LIB"; hf_mk_verification "$(HF_P)/verification.md.tmp" $(HF_BRANCH) \
	    $(HF_SC) $(HF_T_MAN) && mv -f "$(HF_P)/verification.md.tmp" "$(HF_P)/verification.md" && \
	    HF_ONLY=verification.md FORCE=1 hf_install

check:
	@eval "$$HF_LIB"; HF_BRANCH=$(HF_BRANCH) HF_SCOPE=$(HF_SCOPE) \
	    HF_MISSION=$(HF_MISSION) HF_STEP=$(call hf_q,$(STEP_ID)) hf_check

verify:
	@eval "$$HF_LIB"; HF_BRANCH=$(HF_BRANCH) HF_SCOPE=$(HF_SCOPE) \
	    HF_MISSION=$(HF_MISSION) HF_STEP=$(call hf_q,$(STEP_ID)) HF_FD=$(call hf_q,$(HF_FD)) \
	    hf_verify && HF_BRANCH=$(HF_BRANCH) HF_SCOPE=$(HF_SCOPE) \
	    HF_MISSION=$(HF_MISSION) HF_STEP=$(call hf_q,$(STEP_ID)) hf_check

# Every feature of the repository, one sub-make each (no shared state, so
# -j runs them in parallel); a failure names its feature.
HF_ALL := $(notdir $(patsubst %/,%,$(wildcard $(REPO)/kitty-specs/*/)))
handoff-all: $(addprefix hf-all-,$(HF_ALL))
hf-all-%: hf-force
	@$(MAKE) --no-print-directory -f $(HANDOFF_MK) handoff REPO=$(call hf_q,$(REPO)) \
	    FEATURE=$* FEATURE_DIR=$(call hf_q,$(REPO)/kitty-specs/$*) \
	    OUT=$(call hf_q,$(REPO)/kitty-specs/$*/handoff) \
	    BUILD=$(call hf_q,$(if $(filter command line,$(origin BUILD)),$(BUILD)/$*,$(HF_GITDIR)/handoff/$*)) \
	    || { echo "handoff-all: $*: failed" >&2; exit 1; }
