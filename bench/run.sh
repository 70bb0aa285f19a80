#!/usr/bin/env bash
# bench/run.sh: the benchmarks of `make bench`.
#
# Each benchmark first checks that the toolkit's result is right (outputs
# against the reference generator, PyYAML, sha256sum or the input), then
# times it side by side with its baseline under hyperfine in the same run,
# and measures peak RSS once.  The pipeline is driven only through its
# command line, `make -f handoff.mk handoff|handoff-all FEATURE=... OUT=...
# BUILD=... FORCE=1`, so any handoff.mk that keeps it can be measured.  The
# table goes to stdout and, with the machine and the versions, to
# bench/results.md.  A benchmark whose input (corpus, filter, handoff.mk)
# is missing is skipped with a message; a missed target is marked MISSED.
# The script exits 0 whatever the figures are: a benchmark never fails a
# build.
#
# usage: bench/run.sh [-h] [-o results.md] [-r runs] [-w warmup] [name ...]
# names: feature procs handoff-all yaml tree evcat (default: every one)
# -r: the fewest timed runs of a command (5); quick commands run more.
#
# Environment: HANDOFF_BIN (the filters, default bin/), HANDOFF_LIBEXEC
# (the helpers of handoff.mk, default build/libexec/), CORPUS (default
# ../shared/corpus, or the one beside the main worktree), PYTHON (default /usr/bin/python3; the reference
# generator runs with it as its python3), BENCH_FEATURES (400, the features
# of the generated repository), BENCH_EVCAT_MB (300), BENCH_TREE_FILES
# (11000), BENCH_TREE_MB (100), BENCH_YAML_MB (2), BENCH_BIG_MB (128),
# BENCH_MAX_RUNS (50, the most runs of a quick command), BENCH_CFLAGS
# (recorded in the results), BENCH_SHA256 (the SHA-256 backend of the
# build, libmd or openssl, recorded in the results; by default read from
# what the filters link), BENCH_KEEP=1 keeps the scratch directory.

# The whole script is one compound command, read before it runs, so that
# editing this file during a run cannot change the run.
{
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
BIN=${HANDOFF_BIN:-$top/bin}
LIBEXEC=${HANDOFF_LIBEXEC:-$top/build/libexec}
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
CORPUS=$(bench_corpus "$top")
PYTHON=${PYTHON:-/usr/bin/python3}
# The SHA-256 backend of the filters (make SHA256=), for the labels and the
# results; when not given, what treehash links tells.
SHA=${BENCH_SHA256:-}
if [ -z "$SHA" ]; then
	if ldd "$BIN/treehash" 2>/dev/null | grep -q libcrypto; then
		SHA=openssl
	else
		SHA=libmd
	fi
fi
NFEAT=${BENCH_FEATURES:-400}
EVCAT_MB=${BENCH_EVCAT_MB:-300}
TREE_FILES=${BENCH_TREE_FILES:-11000}
TREE_MB=${BENCH_TREE_MB:-100}
YAML_MB=${BENCH_YAML_MB:-2}
BIG_MB=${BENCH_BIG_MB:-128}
RUNS=5
MAXRUNS=${BENCH_MAX_RUNS:-50}
WARMUP=1
results=$here/results.md
MK=$top/handoff.mk
TARBALL=$CORPUS/spec-kitty-2x-3bbf9f0.tar.gz
BUNDLE=$CORPUS/spec-kitty-2x-history-3bbf9f0.bundle
# The reference: the generator spec-kitty committed with its feature 045.
REFGEN=$CORPUS/045-reference/committed-handoff/generate.sh
REFFEAT=045-mission-handoff-package-version-matrix
PKGFILES="namespace.json artifact-manifest.json artifact-tree.json events.jsonl
version-matrix.md verification.md generate.sh"

usage() {
	echo "usage: bench/run.sh [-h] [-o results.md] [-r runs] [-w warmup] [name ...]"
}

while getopts ho:r:w: opt; do
	case $opt in
	h) usage; exit 0 ;;
	o) results=$OPTARG ;;
	r) RUNS=$OPTARG ;;
	w) WARMUP=$OPTARG ;;
	*) usage >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
want=" ${*:-feature procs handoff-all yaml tree evcat} "
for w in $want; do
	case $w in
	feature|procs|handoff-all|yaml|tree|evcat) ;;
	*) usage >&2; exit 2 ;;
	esac
done

bench_env

if ! command -v hyperfine >/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "bench: installing hyperfine" >&2
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		    apt-get install -y -qq hyperfine >&2
	fi
	if ! command -v hyperfine >/dev/null; then
		echo "bench: hyperfine is missing; run: sudo apt-get install -y hyperfine" >&2
		exit 0
	fi
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/handoff-bench.XXXXXX") || exit 0
if [ "${BENCH_KEEP:-0}" = 1 ]; then
	echo "bench: scratch directory $tmp" >&2
else
	trap 'rm -rf "$tmp"' EXIT
fi
# A snapshot of the toolkit, laid out as installed (bin/, libexec/handoff/,
# share/handoff/ with handoff.mk and its template): a rebuild or an edit
# during the run must neither change what is measured nor make outputs
# stale.  HANDOFF_BIN and HANDOFF_LIBEXEC name the same copies, for a
# handoff.mk that looks there rather than beside itself.
pre=$tmp/prefix
mkdir -p "$pre/bin" "$pre/libexec/handoff" "$pre/share/handoff"
[ -d "$BIN" ] && cp -p "$BIN"/* "$pre/bin/" 2>/dev/null
[ -d "$LIBEXEC" ] && cp -p "$LIBEXEC"/* "$pre/libexec/handoff/" 2>/dev/null
BIN=$pre/bin
LIBEXEC=$pre/libexec/handoff
if [ -f "$MK" ]; then
	cp -p "$MK" "$pre/share/handoff/handoff.mk"
	for f in "$top"/filters/*.sh.in; do
		[ -f "$f" ] && cp -p "$f" "$pre/share/handoff/"
	done
	MK=$pre/share/handoff/handoff.mk
fi
export HANDOFF_BIN=$BIN HANDOFF_LIBEXEC=$LIBEXEC
export PATH="$BIN:$PATH"
plan=$tmp/plan.tsv
: >"$plan"

say() { printf 'bench: %s\n' "$*" >&2; }
# The records of the plan that report.py reads (see there).
# row SECTION NAME JSON REF TARGETS RSS BYTES COMMAND [NOTE [ITEMS]]
row() {
	local IFS=$'\t'
	printf 'row\t%s\n' "$*" >>"$plan"
}
skip() {
	printf 'skip\t%s\t%s\n' "$1" "$2" >>"$plan"
	say "skipped: $1: $2"
}
note() {
	printf 'note\t%s\t%s\n' "$1" "$2" >>"$plan"
	say "$1: $2"
}
# A row whose run is not possible with this build: na SECTION NAME WHY.
na() {
	printf 'na\t%s\t%s\t%s\n' "$1" "$2" "$3" >>"$plan"
	say "$2: $3"
}
# A row whose targets cannot be met because the run did not do the whole
# job: fail NAME WHY.
fail() {
	printf 'fail\t%s\t%s\n' "$1" "$2" >>"$plan"
	say "$1: $2"
}
# A command line hyperfine can split (-N) and a person can paste.
q() {
	local s
	s=$(printf '%q ' "$@")
	printf '%s' "${s% }"
}
# Time commands: bench_hf JSON [hyperfine options and commands].  Each
# command runs at least RUNS times, and a quick one more: as many as
# hyperfine fits in its 3 seconds, up to B_MAX (MAXRUNS by default).  With
# five runs, the medians of the commands of tens of milliseconds moved
# with the machine's state enough to flip a target between two runs of
# the bench.  B_RUNS asks for exactly that many runs instead.  Called in a
# subshell (to run in another directory), it leaves the B_ settings to
# unfit.
bench_hf() {
	local json=$1 max=${B_MAX:-$MAXRUNS}
	local -a runs
	shift
	[ "$max" -ge "$RUNS" ] || max=$RUNS
	if [ -n "${B_RUNS:-}" ]; then
		runs=(-r "$B_RUNS")
	else
		runs=(-m "$RUNS" -M "$max")
	fi
	hyperfine -N --style basic -w "${B_WARM:-$WARMUP}" "${runs[@]}" \
	    --export-json "$json" "$@" >&2
	local rc=$?
	unfit
	return "$rc"
}
unfit() { B_RUNS='' B_WARM='' B_MAX=''; }
# Peak RSS in KiB of one run of a command, or "-" when it failed (with
# PEAK_ANY=1, whatever its status).  Its output goes to $tmp/peak.log.
if /usr/bin/time -v -o /dev/null true >/dev/null 2>&1; then
	peak() {
		if ! /usr/bin/time -v -o "$tmp/time.txt" "$@" >"$tmp/peak.log" 2>&1 &&
		    [ "${PEAK_ANY:-0}" != 1 ]; then
			echo -
			return
		fi
		awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/time.txt"
	}
	rssby="GNU time -v (largest process of the run)"
else
	peak() {
		"$PYTHON" "$here/tools.py" rss -o "$tmp/peak.log" "$@" || echo -
	}
	rssby="getrusage(RUSAGE_CHILDREN) (largest process of the run)"
fi
now() { printf '%s' "${EPOCHREALTIME/,/.}"; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
# Fit a benchmark's runs in its share of the time: fit SECTION SECONDS_A_ROUND
# SHARE [LABEL].  When the share holds RUNS rounds or more, B_MAX caps the runs of
# quick commands at what it holds; else B_RUNS asks for fewer runs (down
# to 1 on a machine so loaded that one round overruns the share).  B_WARM
# is none when a round is long: the correctness run has warmed the caches
# already.
fit() {
	local n
	n=$(awk -v p="$2" -v s="$3" 'BEGIN { n = int(s / (p + 0.001));
		if (n < 2) n = p > s ? 1 : 2; print n }')
	B_WARM=$WARMUP
	if awk -v p="$2" 'BEGIN { exit !(p > 2) }'; then
		B_WARM=0
	fi
	if [ "$n" -ge "$RUNS" ]; then
		B_MAX=$((n < MAXRUNS ? n : MAXRUNS))
	else
		B_RUNS=$n
		note "$1" "${4:+$4: }$B_RUNS runs instead of $RUNS, to fit the time budget (one round took $2 s)"
	fi
}
# The programs a command starts: count SECTION NAME TARGET CMD...  TARGET
# is le=N, eq=N or "-"; the record holds the total and the table of
# programs.
count() {
	local sec=$1 name=$2 target=$3 n progs
	shift 3
	if ! command -v strace >/dev/null; then
		skip "$sec" "$name: strace is missing; processes not counted"
		return
	fi
	progs=$(execs "$tmp" "$@" |
	    awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 }')
	n=$(printf '%s\n' "$progs" | tr ',' '\n' | awk '{ n += $1 } END { print n + 0 }')
	printf 'count\t%s\t%s\t%s\t%s\t%s\t%s\n' "$sec" "$name" "$n" "$target" \
	    "$progs" "$(q "$@")" >>"$plan"
	say "$name: $n processes: $progs"
}
have() {
	local p
	for p; do
		[ -x "$BIN/$p" ] || return 1
	done
}
fsize() { stat -c %s "$1"; }
# Whether DIR holds a whole package: complete DIR.
complete() {
	local f
	for f in $PKGFILES; do
		[ -s "$1/$f" ] || return 1
	done
}

# A scratch git repository: make_repo DIR, from the files already there.
make_repo() {
	git -C "$1" init -q -b main &&
	    git -C "$1" add -A &&
	    git -C "$1" commit -q -m "bench input"
}

# The plain files of the corpus at 3bbf9f0, committed once.
corpus_repo() {
	[ -d "$tmp/spec-kitty" ] && return 0
	[ -r "$TARBALL" ] || return 1
	mkdir -p "$tmp/spec-kitty" &&
	    tar xzf "$TARBALL" -C "$tmp/spec-kitty" &&
	    make_repo "$tmp/spec-kitty" >/dev/null
}

# spec-kitty's real history up to 3bbf9f0, cloned from the bundle.
bundle_repo() {
	[ -d "$tmp/sk" ] && return 0
	[ -r "$BUNDLE" ] || return 1
	git clone -q -b 2.x "$BUNDLE" "$tmp/sk" 2>/dev/null
}

# Run a command in the clone as the reference generator expects: from the
# repository, with PYTHON as the python3 it finds first.
refenv() {
	(cd "$tmp/sk" && PATH="$tmp/ref/bin:$PATH" "$@")
}

# The one-feature commands, shared by the feature and procs benchmarks:
# feature_setup sets MKF (make handoff), REF (the reference generator),
# FB, FO and RO (the build and output directories to remove), or WHY it
# cannot.
feature_setup() {
	WHY=
	if [ ! -f "$MK" ]; then
		WHY="handoff.mk is not in the tree"
	elif ! have yaml2json treehash evcat nsgen matrixgen tapnote; then
		WHY="a filter is not built"
	elif ! bundle_repo; then
		WHY="corpus: $BUNDLE not present"
	elif [ ! -r "$REFGEN" ]; then
		WHY="corpus: $REFGEN not present"
	elif [ ! -d "$tmp/sk/kitty-specs/$REFFEAT" ]; then
		WHY="corpus: the bundle has no feature $REFFEAT"
	fi
	[ -z "$WHY" ] || return 1
	mkdir -p "$tmp/ref/bin"
	cp -p "$REFGEN" "$tmp/ref/generate.sh"
	ln -sf "$PYTHON" "$tmp/ref/bin/python3"
	FB=$tmp/f-build FO=$tmp/f-out RO=$tmp/f-ref
	MKF=(make -s -f "$MK" -C "$tmp/sk" handoff "FEATURE=$REFFEAT" "OUT=$FO"
	    "BUILD=$FB" FORCE=1)
	REF=(bash "$tmp/ref/generate.sh" --write --output-dir "$RO" --force)
}

# What one process costs here: the floor under every pipeline figure.
run_floor() {
	local json=$tmp/floor.json repo=$top
	bundle_repo && repo=$tmp/sk
	printf 'all:;\n' >"$tmp/empty.mk"
	say "process start-up"
	B_RUNS=$((RUNS * 4)) B_WARM=3
	bench_hf "$json" \
	    -n "start-up: true" "$(q /bin/true)" \
	    -n "start-up: make, empty makefile" "$(q make -s -f "$tmp/empty.mk")" \
	    -n "start-up: git rev-parse HEAD" "$(q git -C "$repo" rev-parse HEAD)" \
	    -n "start-up: python3 -c 'import yaml'" "$(q "$PYTHON" -c "import yaml")" || {
		skip floor "hyperfine failed"
		return
	}
	row floor "start-up: true" "$json" - - "$(peak /bin/true)" - "/bin/true" \
	    "fork, exec and exit of the smallest program"
	row floor "start-up: make, empty makefile" "$json" - - - - \
	    "make -s -f EMPTY.mk" "make with one empty rule: the floor of a no-op"
	row floor "start-up: git rev-parse HEAD" "$json" - - - - \
	    "$(q git -C REPO rev-parse HEAD)" "git's own start-up"
	row floor "start-up: python3 -c 'import yaml'" "$json" - - - - \
	    "$(q "$PYTHON" -c "import yaml")" "each python3 of the reference"
}

# One feature, cold, against the reference generator on the same feature
# of the same clone; and the no-op rerun.
run_feature() {
	local json=$tmp/feature.json rmk rref tm tref f same='' diff=''
	local cold="045: make handoff, cold" noop="045: make handoff, no-op"
	local refname="045: reference generate.sh"
	run_floor
	if ! feature_setup; then
		skip feature "$WHY"
		return
	fi
	rm -rf "$FB" "$FO" "$RO"
	tm=$(now)
	rmk=$(peak "${MKF[@]}")
	tm=$(since "$tm")
	if [ "$rmk" = - ] || ! complete "$FO"; then
		skip feature "make handoff FEATURE=$REFFEAT failed: $(tail -n 1 "$tmp/peak.log")"
		return
	fi
	tref=$(now)
	rref=$(refenv peak "${REF[@]}")
	tref=$(since "$tref")
	if [ "$rref" = - ]; then
		skip feature "the reference generate.sh failed: $(tail -n 1 "$tmp/peak.log")"
		return
	fi
	# The reference stamps every file with the time of the run and names
	# HEAD as the tree's commit; everything else of the four data files
	# should agree.
	for f in artifact-manifest.json artifact-tree.json events.jsonl; do
		if cmp -s <(grep -v -e '"captured_at"' -e '"tree_commit"' "$FO/$f") \
		    <(grep -v -e '"captured_at"' -e '"tree_commit"' "$RO/$f"); then
			same="$same $f"
		else
			diff="$diff $f"
		fi
	done
	note feature "$REFFEAT: identical to the reference's apart from timestamps and tree_commit:${same:- none}${diff:+; differ:$diff}"
	fit feature "$(awk -v a="$tm" -v b="$tref" 'BEGIN { print a * 1.2 + b }')" 30
	say "one feature, $REFFEAT"
	(refenv bench_hf "$json" \
	    -n "$cold" -p "$(q rm -rf "$FB" "$FO")" "$(q "${MKF[@]}")" \
	    -n "$refname" -p "$(q rm -rf "$RO")" "$(q "${REF[@]}")" \
	    -n "$noop" -p true "$(q "${MKF[@]}")") || {
		unfit
		skip feature "hyperfine failed"
		return
	}
	unfit
	row feature "$cold" "$json" "$refname" "faster>=10" "$rmk" - \
	    "$(q "${MKF[@]}")" "BUILD and OUT removed before each run"
	row feature "$refname" "$json" - - "$rref" - \
	    "(cd $tmp/sk && PATH=$tmp/ref/bin:\$PATH $(q "${REF[@]}"))" \
	    "spec-kitty's generator, run in the clone with $PYTHON as python3 ($tmp/ref/bin/python3); output removed before each run"
	row feature "$noop" "$json" "$cold" "pct<10" "$(peak "${MKF[@]}")" - \
	    "$(q "${MKF[@]}")" "second run, nothing to do"
}

# The processes of one feature, cold and no-op, and of the reference.
run_procs() {
	if ! feature_setup; then
		skip procs "$WHY"
		return
	fi
	rm -rf "$FB" "$FO"
	count procs "045: make handoff, cold" le=11 "${MKF[@]}"
	if ! complete "$FO"; then
		fail "045: make handoff, cold" "the package was not made"
	fi
	count procs "045: make handoff, no-op" eq=1 "${MKF[@]}"
	rm -rf "$RO"
	refenv count procs "045: reference generate.sh" - "${REF[@]}"
}

# yaml2json against PyYAML over many real files: all in one process, and
# one process a file against the same loop of /bin/true.
run_yaml() {
	local dir=$tmp/yaml list good json n bytes from a b multi=0 ops=()
	local one py loop tru
	if ! have yaml2json; then
		skip yaml2json "bin/yaml2json is not built"
		return
	fi
	mkdir -p "$dir"
	if bundle_repo; then
		"$PYTHON" "$here/tools.py" histyaml "$tmp/sk" "$dir"
		from="every distinct YAML blob of the bundle's history"
	elif corpus_repo; then
		find "$tmp/spec-kitty" -name .git -prune -o -type f \
		    \( -name '*.yaml' -o -name '*.yml' \) -print |
		    awk '{ printf "%s\0%04d.yaml\0", $0, NR }' |
		    (cd "$dir" && xargs -0 -n 2 cp)
		from="the YAML files of $TARBALL"
	else
		skip yaml2json "corpus: neither $BUNDLE nor $TARBALL present"
		return
	fi
	list=$tmp/yaml.list
	good=$tmp/yaml.good
	(cd "$dir" && find . -maxdepth 1 -name '*.yaml' -printf '%P\0' | sort -z) >"$list"
	if ! (cd "$dir" && "$PYTHON" "$here/tools.py" yaml-check "$BIN/yaml2json" \
	    "$list" "$good") >"$tmp/ycheck" 2>&1; then
		skip yaml2json "$(tail -n 1 "$tmp/ycheck"); not timed ($(head -n 3 "$tmp/ycheck" | tr '\n' ' '))"
		return
	fi
	# Only what PyYAML loads is timed: both sides then do the same work.
	n=$(tr -cd '\0' <"$good" | wc -c)
	bytes=$(cd "$dir" && xargs -0 -a "$good" cat | wc -c)
	note yaml2json "$from: $(tail -n 1 "$tmp/ycheck"); the $n loadable files ($bytes bytes) are timed"
	mapfile -d '' ops <"$good"
	# Several file operands: a build that takes them converts each as if
	# alone, one JSON text after another.
	a=${ops[0]} b=${ops[1]}
	if (cd "$dir" && "$BIN/yaml2json" "$a" "$b" >"$tmp/y2" 2>/dev/null &&
	    { "$BIN/yaml2json" "$a"; "$BIN/yaml2json" "$b"; } | cmp -s - "$tmp/y2"); then
		if (cd "$dir" && cmp -s <("$BIN/yaml2json" "${ops[@]}") \
		    <("$PYTHON" "$here/tools.py" yaml-all "$good")); then
			multi=1
		else
			skip yaml2json "yaml2json of the $n files in one process differs from PyYAML's; not timed"
			multi=2
		fi
	fi
	one="yaml2json, $n files, one process"
	py="PyYAML CSafeLoader, $n files, one process"
	loop="yaml2json once per file ($n files)"
	tru="/bin/true once per file ($n files)"
	json=$tmp/yaml-many.json
	say "yaml2json over $n files"
	if [ "$multi" = 1 ]; then
		(cd "$dir" && bench_hf "$json" \
		    -n "$one" "$(q "$BIN/yaml2json" "${ops[@]}")" \
		    -n "$py" "$(q "$PYTHON" "$here/tools.py" yaml-all "$good")" \
		    -n "$loop" "$(q xargs -0 -n 1 -a "$good" "$BIN/yaml2json")" \
		    -n "$tru" "$(q xargs -0 -n 1 -a "$good" /bin/true)")
	else
		(cd "$dir" && bench_hf "$json" \
		    -n "$py" "$(q "$PYTHON" "$here/tools.py" yaml-all "$good")" \
		    -n "$loop" "$(q xargs -0 -n 1 -a "$good" "$BIN/yaml2json")" \
		    -n "$tru" "$(q xargs -0 -n 1 -a "$good" /bin/true)")
	fi || {
		unfit
		skip yaml2json "hyperfine failed"
		return
	}
	unfit
	if [ "$multi" = 1 ]; then
		row yaml2json "$one" "$json" "$py" "faster>=10" \
		    "$(cd "$dir" && peak "$BIN/yaml2json" "${ops[@]}")" "$bytes" \
		    "(cd \$TMP/yaml && $(q "$BIN/yaml2json") ${ops[0]} ... ${ops[n - 1]})" \
		    "the $n files as operands of one yaml2json"
	elif [ "$multi" = 0 ]; then
		na yaml2json "$one" "not supported by this build: \`yaml2json ${ops[0]} ${ops[1]}\` is not the two files converted one after the other"
	fi
	row yaml2json "$py" "$json" - - \
	    "$(cd "$dir" && peak "$PYTHON" "$here/tools.py" yaml-all "$good")" "$bytes" \
	    "$(q "$PYTHON" "$here/tools.py" yaml-all "$good")" \
	    "yaml.load(CSafeLoader) and json.dumps(indent=2) of each file"
	row yaml2json "$loop" "$json" "$tru" "within<=1.3" \
	    "$(cd "$dir" && peak xargs -0 -n 1 -a "$good" "$BIN/yaml2json")" "$bytes" \
	    "$(q xargs -0 -n 1 -a "$good" "$BIN/yaml2json")"
	row yaml2json "$tru" "$json" - - - - \
	    "$(q xargs -0 -n 1 -a "$good" /bin/true)" \
	    "the same loop with the smallest program: the floor of any converter run once a file"

	# Throughput: the largest of the files, grown to BENCH_YAML_MB.
	local src big yp
	src=$dir/$(cd "$dir" && xargs -0 -a "$good" ls -S | head -n 1)
	big=$tmp/big.yaml
	"$PYTHON" "$here/tools.py" genyaml "$big" "$src" "$YAML_MB"
	bytes=$(fsize "$big")
	printf '%s\0' "$big" >"$tmp/big.list"
	if ! "$PYTHON" "$here/tools.py" yaml-check "$BIN/yaml2json" \
	    "$tmp/big.list" >"$tmp/ycheck" 2>&1; then
		skip yaml2json "large file: $(tail -n 1 "$tmp/ycheck"); not timed"
		return
	fi
	yp=$top/build/bench/yamlparse
	mkdir -p "${yp%/*}"
	# shellcheck disable=SC2046
	if ! cc -O2 -o "$yp" "$here/yamlparse.c" $(pkg-config --cflags --libs yaml-0.1) \
	    2>"$tmp/cc.log"; then
		skip yaml2json "bench/yamlparse.c did not build: $(head -n 1 "$tmp/cc.log")"
		return
	fi
	note yaml2json "large file: the largest of them repeated to $bytes bytes; output identical to PyYAML's"
	json=$tmp/yaml-big.json
	say "yaml2json on one large file"
	bench_hf "$json" \
	    -n "yaml2json, ${YAML_MB} MB file" "$(q "$BIN/yaml2json" "$big")" \
	    -n "libyaml parse only" "$(q "$yp" "$big")" || {
		skip yaml2json "hyperfine failed"
		return
	}
	row yaml2json "yaml2json, ${YAML_MB} MB file" "$json" "libyaml parse only" \
	    "within<=1.5,rss<=8+3" "$(peak "$BIN/yaml2json" "$big")" "$bytes" \
	    "$(q "$BIN/yaml2json" "$big")"
	row yaml2json "libyaml parse only" "$json" - - "$(peak "$yp" "$big")" \
	    "$bytes" "$(q "$yp" "$big")" "bench/yamlparse.c: yaml_parser_parse until STREAM_END"
}

# treehash over a tree against xargs -0 sha256sum and a Python walk.
# bench_tree LABEL DIR LIST BYTES TARGETS
bench_tree() {
	local label=$1 dir=$2 list=$3 bytes=$4 targets=$5 json ours sums py t0
	json=$tmp/tree-$label.json
	ours=("$BIN/treehash" -0 -C "$dir" "$list")
	sums=(xargs -0 -a "$list" sha256sum)
	py=("$PYTHON" "$here/tools.py" walk "$dir")
	t0=$(now)
	if ! "${ours[@]}" >"$tmp/tree.json" 2>"$tmp/tree.err"; then
		skip treehash "$label: treehash failed: $(head -n 1 "$tmp/tree.err")"
		return
	fi
	(cd "$dir" && "${sums[@]}") >"$tmp/sums" 2>/dev/null
	t0=$(since "$t0")
	if ! "$PYTHON" "$here/tools.py" tree-check "$tmp/tree.json" "$tmp/sums" \
	    "$list" >"$tmp/tcheck" 2>&1; then
		skip treehash "$label: $(tail -n 1 "$tmp/tcheck"); not timed"
		return
	fi
	note treehash "$label: $(tail -n 1 "$tmp/tcheck")"
	fit treehash "$(awk -v a="$t0" 'BEGIN { print a * 2 }')" 30
	say "treehash, $label"
	(cd "$dir" && bench_hf "$json" \
	    -n "treehash, $label" "$(q "${ours[@]}")" \
	    -n "xargs -0 sha256sum, $label" "$(q "${sums[@]}")" \
	    -n "Python hashlib walk, $label" "$(q "${py[@]}")") || {
		skip treehash "$label: hyperfine failed"
		return
	}
	row treehash "treehash, $label" "$json" "xargs -0 sha256sum, $label" \
	    "$targets" "$(peak "${ours[@]}")" "$bytes" "$(q "${ours[@]}")"
	row treehash "xargs -0 sha256sum, $label" "$json" - - \
	    "$(cd "$dir" && peak "${sums[@]}")" "$bytes" "(cd DIR && $(q "${sums[@]}"))"
	row treehash "Python hashlib walk, $label" "$json" \
	    "xargs -0 sha256sum, $label" - "$(peak "${py[@]}")" "$bytes" "$(q "${py[@]}")"
}

run_tree() {
	local list bytes gen
	if ! have treehash; then
		skip treehash "bin/treehash is not built"
		return
	fi
	if corpus_repo; then
		list=$tmp/corpus.list
		git -C "$tmp/spec-kitty" ls-files -z -- . ':(exclude)*/handoff/*' >"$list"
		bytes=$(cd "$tmp/spec-kitty" && xargs -0 -a "$list" cat | wc -c)
		bench_tree corpus "$tmp/spec-kitty" "$list" "$bytes" "faster>=1.5"
	else
		skip treehash "corpus: $TARBALL not present"
	fi

	gen=$tmp/gentree
	mkdir -p "$gen"
	say "generating $TREE_FILES files, $TREE_MB MB"
	"$PYTHON" "$here/tools.py" gentree "$gen" "$TREE_FILES" "$TREE_MB"
	list=$tmp/gen.list
	(cd "$gen" && find . -type f -printf '%P\0' | sort -z) >"$list"
	bytes=$(du -sb --apparent-size "$gen" | cut -f 1)
	bench_tree "${TREE_FILES} files ${TREE_MB} MB" "$gen" "$list" "$bytes" \
	    "faster>=1.5"

	# One large file: the raw speed of each SHA-256 implementation.
	local one=$tmp/one json
	mkdir -p "$one"
	head -c "$((BIG_MB * 1048576))" /dev/urandom >"$one/big.bin"
	printf 'big.bin\0' >"$tmp/one.list"
	json=$tmp/sha.json
	say "SHA-256 on one $BIG_MB MiB file"
	(cd "$one" && bench_hf "$json" \
	    -n "treehash ($SHA), one file" "$(q "$BIN/treehash" -0 -C "$one" "$tmp/one.list")" \
	    -n "sha256sum, one file" "$(q sha256sum big.bin)" \
	    -n "Python hashlib (OpenSSL), one file" \
	    "$(q "$PYTHON" "$here/tools.py" walk "$one")") || return
	bytes=$(fsize "$one/big.bin")
	row sha256 "treehash ($SHA), one file" "$json" "sha256sum, one file" - - \
	    "$bytes" "$(q "$BIN/treehash" -0 -C "$one" "$tmp/one.list")" \
	    "single stream: SHA-256 implementation speed"
	row sha256 "sha256sum, one file" "$json" - - - "$bytes" "sha256sum big.bin" \
	    "coreutils, portable C"
	row sha256 "Python hashlib (OpenSSL), one file" "$json" "sha256sum, one file" \
	    - - "$bytes" "$(q "$PYTHON" "$here/tools.py" walk "$one")" \
	    "OpenSSL uses the SHA extensions (sha_ni) of this CPU"
	rm -rf "$one"
}

run_evcat() {
	local log quarter json lines r1 r4 b1 b4 pipe t0
	if ! have evcat; then
		skip evcat "bin/evcat is not built"
		return
	fi
	if [ ! -r "$CORPUS/045-reference/status.events.at-3bbf9f0.jsonl" ]; then
		skip evcat "corpus: 045-reference/status.events.at-3bbf9f0.jsonl not present"
		return
	fi
	log=$tmp/events.jsonl
	say "generating a $EVCAT_MB MB event log"
	"$PYTHON" "$here/tools.py" genevents "$log" \
	    "$CORPUS/045-reference/status.events.at-3bbf9f0.jsonl" "$EVCAT_MB"
	t0=$(now)
	if ! "$BIN/evcat" "$log" 2>"$tmp/evcat.err" | cmp -s - "$log"; then
		skip evcat "evcat output differs from its input: $(head -n 1 "$tmp/evcat.err"); not timed"
		return
	fi
	lines=$(wc -l <"$log")
	b1=$(fsize "$log")
	quarter=$tmp/events-quarter.jsonl
	head -n "$((lines / 4))" "$log" >"$quarter"
	b4=$(fsize "$quarter")
	note evcat "$lines events, $b1 bytes: output identical to the input"
	fit evcat "$(since "$t0" | awk '{ print $1 * 2.5 }')" 30
	json=$tmp/evcat.json
	# The script is for sh, not for this shell: its $1 and $2 stay quoted.
	# shellcheck disable=SC2016
	pipe=(sh -c 'cat "$1" | "$2"' sh "$log" "$BIN/evcat")
	say "evcat"
	bench_hf "$json" \
	    -n "evcat, ${EVCAT_MB} MB log" "$(q "$BIN/evcat" "$log")" \
	    -n "cat, ${EVCAT_MB} MB log" "$(q cat "$log")" \
	    -n "evcat < pipe, ${EVCAT_MB} MB log" \
	    "$(q "${pipe[@]}")" || {
		skip evcat "hyperfine failed"
		return
	}
	r1=$(peak "$BIN/evcat" "$log")
	r4=$(peak "$BIN/evcat" "$quarter")
	row evcat "evcat, ${EVCAT_MB} MB log" "$json" "cat, ${EVCAT_MB} MB log" \
	    "mbps>=300" "$r1" "$b1" "$(q "$BIN/evcat" "$log")" \
	    "peak RSS $r4 KiB on a quarter of the log ($b4 bytes), $r1 KiB on all of it"
	row evcat "cat, ${EVCAT_MB} MB log" "$json" - - "$(peak cat "$log")" "$b1" \
	    "$(q cat "$log")"
	row evcat "evcat < pipe, ${EVCAT_MB} MB log" "$json" "evcat, ${EVCAT_MB} MB log" \
	    - "$(peak "${pipe[@]}")" "$b1" \
	    "cat LOG | evcat" "input from a pipe is spooled to a temporary file"
	if [ "$r1" != - ] && [ "$r4" != - ]; then
		local grow per verdict=met
		grow=$(( (r1 - r4) * 1024 * 100 / (b1 - b4) ))
		per=$(( (r1 - r4) * 1024 / (lines - lines / 4) ))
		[ "$grow" -lt 5 ] || verdict="**MISSED**"
		note evcat "flat memory: $verdict: peak RSS $r4 KiB on a quarter of the log, $r1 KiB on all of it: +$((r1 - r4)) KiB for +$(( (b1 - b4) / 1048576 )) MiB ($grow% of the added input, $per bytes per added event)"
	fi
	rm -f "$log" "$quarter"
}

# A repository of N small features made from the corpus's: gen_repo DIR N.
# Everything of the corpus but kitty-specs/ (the missions' manifests
# above all), then its features in turn, each copied under a new number
# (without a committed package), all in one commit.
gen_repo() {
	local dir=$1 n=$2 i s
	local -a src
	corpus_repo || return 1
	mkdir -p "$dir/kitty-specs"
	(cd "$tmp/spec-kitty" && tar cf - --exclude=./.git --exclude=./kitty-specs .) |
	    tar xf - -C "$dir" || return 1
	src=("$tmp/spec-kitty"/kitty-specs/*/)
	for ((i = 0; i < n; i++)); do
		s=${src[i % ${#src[@]}]%/}
		s=${s##*/}
		printf '%s\0%s\0' "$s" "$dir/kitty-specs/$(printf '%03d' $((i + 1)))-${s#*-}"
	done | (cd "$tmp/spec-kitty/kitty-specs" && xargs -0 -n 2 cp -R) ||
	    return 1
	rm -rf "$dir"/kitty-specs/*/handoff
	make_repo "$dir" >/dev/null
}

# handoff-all -j2 over every feature of a repository, cold, and no-op when
# asked: bench_all LABEL REPO TARGETS REF NOOP SHARE.  REF is the row the
# per-feature time is compared with (linear<=), or "-".
bench_all() {
	local label=$1 repo=$2 targets=$3 ref=$4 noop=$5 share=$6
	local b=$repo.build json prep mk feats f n ok=0 rss tm missing=()
	local cold="handoff-all -j2, $label, cold" nop="handoff-all -j2, $label, no-op"
	json=$tmp/all-${repo##*/}.json
	feats=("$repo"/kitty-specs/*/)
	n=${#feats[@]}
	prep=(rm -rf "$b")
	for f in "${feats[@]}"; do
		prep+=("${f}handoff")
	done
	mk=(make -s -f "$MK" -C "$repo" -j2 -k handoff-all "BUILD=$b")
	"${prep[@]}"
	tm=$(now)
	rss=$(PEAK_ANY=1 peak "${mk[@]}")
	tm=$(since "$tm")
	for f in "${feats[@]}"; do
		if complete "${f}handoff"; then
			ok=$((ok + 1))
		else
			f=${f%/}
			missing+=("${f##*/}")
		fi
	done
	if [ "$ok" -eq 0 ]; then
		skip handoff-all "$label: no feature packaged: $(grep -m 3 'failed\|rror' "$tmp/peak.log" | tr '\n' ' ')"
		return
	fi
	note handoff-all "$label: $ok of $n features packaged in $tm s (first run)"
	if [ "$noop" = 1 ]; then
		count handoff-all "handoff-all -j2, $label, no-op" - "${mk[@]}"
	fi
	fit handoff-all "$(awk -v a="$tm" -v k="$noop" 'BEGIN { print a * (1.2 + k * 0.3) }')" "$share" "$label"
	say "handoff-all, $label"
	if [ "$noop" = 1 ]; then
		bench_hf "$json" -i -n "$cold" -p "$(q "${prep[@]}")" "$(q "${mk[@]}")" \
		    -n "$nop" -p true "$(q "${mk[@]}")"
	else
		bench_hf "$json" -i -n "$cold" -p "$(q "${prep[@]}")" "$(q "${mk[@]}")"
	fi || {
		skip handoff-all "$label: hyperfine failed"
		return
	}
	row handoff-all "$cold" "$json" "$ref" "$targets" "$rss" - \
	    "$(q "${mk[@]}")" "BUILD and every handoff/ removed before each run" "$n"
	if [ "${#missing[@]}" -ne 0 ]; then
		fail "$cold" "${#missing[@]} of $n features not packaged (${missing[*]:0:6}$([ "${#missing[@]}" -gt 6 ] && echo " ..."))"
	fi
	if [ "$noop" = 1 ]; then
		row handoff-all "$nop" "$json" "$cold" - "$(PEAK_ANY=1 peak "${mk[@]}")" - \
		    "$(q "${mk[@]}")" "second run, nothing to do" "$n"
	fi
}

run_all() {
	local gen big
	if [ ! -f "$MK" ]; then
		skip handoff-all "handoff.mk is not in the tree"
		return
	fi
	if ! have yaml2json treehash evcat nsgen matrixgen tapnote; then
		skip handoff-all "a filter is not built"
		return
	fi
	mkdir -p "$tmp/all"
	if bundle_repo && git clone -q "$tmp/sk" "$tmp/all/bundle" 2>/dev/null; then
		bench_all "bundle, $(find "$tmp/all/bundle/kitty-specs" -mindepth 1 \
		    -maxdepth 1 -type d | wc -l) features" "$tmp/all/bundle" \
		    "sec<0.6" - 1 40
	else
		skip handoff-all "corpus: $BUNDLE not present"
	fi
	# The same kind of repository at two sizes: the cost of a feature
	# should not grow with their number.
	gen="generated, 42 features"
	if gen_repo "$tmp/all/gen42" 42; then
		bench_all "$gen" "$tmp/all/gen42" - - 0 30
	else
		skip handoff-all "corpus: $TARBALL not present"
		return
	fi
	big="generated, $NFEAT features"
	if gen_repo "$tmp/all/gen$NFEAT" "$NFEAT"; then
		bench_all "$big" "$tmp/all/gen$NFEAT" \
		    "$([ "$NFEAT" = 400 ] && printf 'sec<5,')linear<=1.25" \
		    "handoff-all -j2, $gen, cold" 0 60
	else
		skip handoff-all "$big: the repository could not be made"
	fi
}

# The version of the SHA-256 backend the filters were built with.
shaversion() {
	case $SHA in
	openssl) echo "openssl (libcrypto $(pkg-config --modversion libcrypto 2>/dev/null))" ;;
	*) echo "libmd $(pkg-config --modversion libmd 2>/dev/null)" ;;
	esac
}

header() {
	local cpu mem pyyaml
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
	pyyaml=$("$PYTHON" -c 'import yaml; print(yaml.__version__, "with libyaml" if yaml.__with_libyaml__ else "pure Python")' 2>/dev/null)
	cat <<EOF
# Benchmarks

Made by \`make bench\` (bench/run.sh) on $(date -u +%Y-%m-%dT%H:%M:%SZ), at
commit $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$top" diff --quiet HEAD -- filters libexec handoff.mk 2>/dev/null || echo " (with uncommitted changes)").
hyperfine $(hyperfine --version | cut -d ' ' -f 2), $WARMUP warm-up and at least $RUNS timed runs a
command, a quick one more: as many as fit in 3 s, at most $MAXRUNS (column
"runs"); median and min–max of the wall-clock times of the runs; CPU is the
mean user plus system time of a run (every process), less sensitive to
other load on the machine. Ratios are of medians, against the baseline in
the same hyperfine run (the per-feature comparison of two repositories:
in the same bench run). Peak RSS: one more run, $rssby. Processes: the
successful execve calls of a run, under strace -f.
Load average (1 min) at the start: $load0; at the end: $(cut -d ' ' -f 1 /proc/loadavg).
Scheduling: $(sed 's|^/||' /proc/self/autogroup 2>/dev/null || echo "no autogroup").

## Machine

- $(nproc) CPUs: ${cpu:-unknown}$(grep -qw sha_ni /proc/cpuinfo && echo " (SHA extensions: yes)")
- memory: $mem
- kernel: $(uname -sr)

## Versions

- cc: $(cc --version | head -n 1); CFLAGS: ${BENCH_CFLAGS:--O2 -g (the default)}
- SHA-256 backend of the filters: $(shaversion) (make SHA256=$SHA)
- libyaml $(pkg-config --modversion yaml-0.1 2>/dev/null), cJSON $(pkg-config --modversion libcjson 2>/dev/null), libmd $(pkg-config --modversion libmd 2>/dev/null)
- $(git --version), $(make --version | head -n 1), $(sha256sum --version | head -n 1)
- $("$PYTHON" --version 2>&1) ($PYTHON), PyYAML $pyyaml
- $(bash --version | head -n 1), $(strace -V 2>/dev/null | head -n 1)
- reference: spec-kitty's generate.sh of its feature 045 (corpus
  045-reference/committed-handoff/), run with bash and $PYTHON on the
  bundle's feature 045 at $(git -C "$tmp/sk" rev-parse --short HEAD 2>/dev/null || echo "3bbf9f0 (bundle absent)")
EOF
}

say "scratch directory $tmp; at least $RUNS runs, at most $MAXRUNS, $WARMUP warm-up"
start=$SECONDS
load0=$(cut -d ' ' -f 1 /proc/loadavg)
case $want in *" feature "*) run_feature ;; esac
case $want in *" procs "*) run_procs ;; esac
case $want in *" handoff-all "*) run_all ;; esac
case $want in *" yaml "*) run_yaml ;; esac
case $want in *" tree "*) run_tree ;; esac
case $want in *" evcat "*) run_evcat ;; esac
header >"$tmp/header.md"
echo "- benchmark wall time: $((SECONDS - start)) s" >>"$tmp/header.md"
BENCH_TMP=$tmp BENCH_TOP=$top \
    "$PYTHON" "$here/report.py" "$plan" "$tmp/header.md" "$results" ||
    say "report failed"
say "results in $results"
exit 0
}
