#!/usr/bin/env bash
# bench/run.sh: the benchmarks of `make bench`.
#
# Each benchmark first checks that the toolkit's result is right (outputs
# against the baseline, PyYAML, sha256sum or the input), then times it
# side by side with its baseline under hyperfine in the same run, and
# measures peak RSS once.  The table goes to stdout and, with the machine
# and the versions, to bench/results.md.  A benchmark whose input (corpus,
# filter, handoff.mk) is missing is skipped with a message; a missed target
# is marked MISSED.  The script exits 0 whatever the figures are: a
# benchmark never fails a build.
#
# usage: bench/run.sh [-h] [-o results.md] [-r runs] [-w warmup] [name ...]
# names: feature yaml tree evcat handoff-all (default: every benchmark)
# -r: the fewest timed runs of a command (5); quick commands run more.
#
# Environment: HANDOFF_BIN (the filters, default bin/), CORPUS (default
# ../shared/corpus), PYTHON (default /usr/bin/python3), BENCH_FEATURE (the
# corpus feature of the one-feature benchmark), BENCH_EVCAT_MB (300),
# BENCH_TREE_FILES (11000), BENCH_TREE_MB (100), BENCH_YAML_MB (2),
# BENCH_BIG_MB (128), BENCH_MAX_RUNS (50, the most runs of a quick command),
# BENCH_CFLAGS (recorded in the results), BENCH_SHA256
# (the SHA-256 backend of the build, libmd or openssl, recorded in the
# results; by default read from what the filters link), BENCH_KEEP=1
# keeps the scratch directory.

# The whole script is one compound command, read before it runs, so that
# editing this file during a run cannot change the run.
{
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
BIN=${HANDOFF_BIN:-$top/bin}
CORPUS=${CORPUS:-$top/../shared/corpus}
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
FEATURE=${BENCH_FEATURE:-021-orchestrator-end-to-end-testing-suite}
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
want=" ${*:-feature yaml tree evcat handoff-all} "
for w in $want; do
	case $w in
	feature|yaml|tree|evcat|handoff-all) ;;
	*) usage >&2; exit 2 ;;
	esac
done

# The inner makes must not inherit the outer one's flags or job server.
unset MAKEFLAGS MFLAGS MAKELEVEL
export LC_ALL=C
# Packages made in the scratch repositories are reproducible: fixed dates.
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@localhost
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@localhost
export GIT_AUTHOR_DATE=2026-02-23T12:00:00Z GIT_COMMITTER_DATE=2026-02-23T12:00:00Z
export GIT_CONFIG_NOSYSTEM=1 HOME=${HOME:-/tmp}

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
# A snapshot of the toolkit, laid out as installed (handoff.mk with the
# template beside it, the filters in bin/): a rebuild or an edit during
# the run must neither change what is measured nor make outputs stale.
if [ -d "$BIN" ]; then
	mkdir -p "$tmp/bin"
	cp -p "$BIN"/* "$tmp/bin/" 2>/dev/null
	BIN=$tmp/bin
fi
if [ -f "$MK" ]; then
	cp -p "$MK" "$tmp/handoff.mk"
	[ -f "$top/filters/generate.sh.in" ] &&
	    cp -p "$top/filters/generate.sh.in" "$tmp/generate.sh.in"
	MK=$tmp/handoff.mk
fi
export HANDOFF_BIN=$BIN
export PATH="$BIN:$PATH"
plan=$tmp/plan.tsv
: >"$plan"

say() { printf 'bench: %s\n' "$*" >&2; }
# row SECTION NAME JSON REF TARGETS RSS BYTES COMMAND [NOTE]
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
# the bench.  B_RUNS asks for exactly that many runs instead.
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
	B_RUNS='' B_WARM='' B_MAX=''
}
# Peak RSS in KiB of one run of a command (stdout discarded), or "-".
if /usr/bin/time -v -o /dev/null true >/dev/null 2>&1; then
	peak() {
		/usr/bin/time -v -o "$tmp/time.txt" "$@" >/dev/null 2>&1 ||
		    { echo -; return; }
		awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/time.txt"
	}
	rssby="GNU time -v (largest process of the run)"
else
	peak() {
		"$PYTHON" "$here/tools.py" rss "$@" || echo -
	}
	rssby="getrusage(RUSAGE_CHILDREN) (largest process of the run)"
fi
now() { printf '%s' "${EPOCHREALTIME/,/.}"; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
# Fit a benchmark's runs in its share of the time: fit SECTION SECONDS_A_ROUND
# SHARE.  When the share holds RUNS rounds or more, B_MAX caps the runs of
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
		note "$1" "$B_RUNS runs instead of $RUNS, to fit the time budget (one round took $2 s)"
	fi
}
# What a command starts: procs CMD... prints "N processes: 9 git, ...".
procs() {
	if ! command -v strace >/dev/null; then
		echo "(strace missing: processes not counted)"
		return
	fi
	strace -f -qq -e trace=execve -e signal=none -o "$tmp/strace" "$@" \
	    >/dev/null 2>&1
	grep -v ENOENT "$tmp/strace" | sed -n 's/.*execve("\([^"]*\)".*/\1/p' |
	    sed 's|.*/||' | sort | uniq -c | sort -rn |
	    awk '{ n += $1; s = s (s ? ", " : "") $1 " " $2 }
		END { printf "%d process%s: %s", n, n == 1 ? "" : "es", s }'
}
have() {
	local p
	for p; do
		[ -x "$BIN/$p" ] || return 1
	done
}
fsize() { stat -c %s "$1"; }

# A scratch git repository: make_repo DIR, from the files already there.
make_repo() {
	git -C "$1" init -q -b main &&
	    git -C "$1" add -A &&
	    git -C "$1" commit -q -m "bench input"
}

corpus_repo() {
	[ -d "$tmp/spec-kitty" ] && return 0
	[ -r "$TARBALL" ] || return 1
	mkdir -p "$tmp/spec-kitty" &&
	    tar xzf "$TARBALL" -C "$tmp/spec-kitty" &&
	    make_repo "$tmp/spec-kitty" >/dev/null
}

# One feature, cold: make handoff against the baseline, and the no-op
# rerun.  bench_feature LABEL REPO FEATURE
bench_feature() {
	local label=$1 repo=$2 f=$3 b o ob json mk base noop cold t0 tm tb
	local rmk rbase
	b=$tmp/build-$label o=$tmp/out-$label ob=$tmp/base-$label
	json=$tmp/feature-$label.json
	mk=(make -s -f "$MK" -C "$repo" handoff "FEATURE=$f" "BUILD=$b" "OUT=$o")
	base=("$PYTHON" "$here/baseline.py" -C "$repo" -o "$ob" "$f")
	rm -rf "$b" "$o" "$ob"
	t0=$(now)
	rmk=$(peak "${mk[@]}")
	tm=$(since "$t0")
	if [ "$rmk" = - ]; then
		rm -rf "$b" "$o"
		"${mk[@]}" >"$tmp/mk.log" 2>&1
		skip feature "$label: make handoff FEATURE=$f failed: $(tail -n 1 "$tmp/mk.log")"
		return
	fi
	t0=$(now)
	rbase=$(peak "${base[@]}")
	tb=$(since "$t0")
	if [ "$rbase" = - ]; then
		skip feature "$label: the baseline failed: $("${base[@]}" 2>&1 | tail -n 1)"
		return
	fi
	local file bad='' missing=''
	for file in namespace.json artifact-manifest.json artifact-tree.json \
	    events.jsonl version-matrix.md verification.md generate.sh; do
		[ -s "$o/$file" ] || missing="$missing $file"
	done
	for file in namespace.json artifact-manifest.json artifact-tree.json \
	    events.jsonl; do
		cmp -s "$o/$file" "$ob/$file" || bad="$bad $file"
	done
	if [ -n "$missing" ]; then
		skip feature "$label: the package lacks$missing"
		return
	fi
	if [ -n "$bad" ]; then
		skip feature "$label: differs from the baseline:$bad (kept in $tmp)"
		BENCH_KEEP=1
		trap - EXIT
		return
	fi
	"$BIN/matrixgen" -x "$o/version-matrix.md" >"$tmp/v1" 2>/dev/null
	note feature "$label ($f): namespace, manifest, tree and events byte-identical to the baseline's; versions block: $(grep -c = "$tmp/v1") pins"
	rm -rf "$b" "$o" "$ob"
	note feature "$label: make handoff, cold: $(procs "${mk[@]}")"
	note feature "$label: baseline.py: $(procs "${base[@]}")"
	note feature "$label: make handoff, no-op: $(procs "${mk[@]}")"
	cold="$label: make handoff, cold"
	noop="$label: make handoff, no-op"
	fit feature "$(awk -v a="$tm" -v b="$tb" 'BEGIN { print a * 1.2 + b }')" 25
	say "one feature, $label ($f)"
	bench_hf "$json" \
	    -n "$cold" -p "$(q rm -rf "$b" "$o")" "$(q "${mk[@]}")" \
	    -n "$label: baseline.py" -p "$(q rm -rf "$ob")" "$(q "${base[@]}")" \
	    -n "$noop" -p true "$(q "${mk[@]}")" || {
		skip feature "$label: hyperfine failed"
		return
	}
	row feature "$cold" "$json" "$label: baseline.py" "faster>=10" \
	    "$rmk" - "$(q "${mk[@]}")" "BUILD and OUT removed before each run"
	row feature "$label: baseline.py" "$json" - - "$rbase" - \
	    "$(q "${base[@]}")" "7 python processes, one git show per file"
	row feature "$noop" "$json" "$cold" "pct<10" "$(peak "${mk[@]}")" - \
	    "$(q "${mk[@]}")" "second run, nothing to do"
}

# What one process costs here: the floor under every pipeline figure.
run_floor() {
	local json=$tmp/floor.json repo
	if ! corpus_repo; then
		repo=$top
	else
		repo=$tmp/spec-kitty
	fi
	say "process start-up"
	B_RUNS=$((RUNS * 4)) B_WARM=3
	bench_hf "$json" \
	    -n "start-up: true" "$(q /bin/true)" \
	    -n "start-up: git rev-parse HEAD" "$(q git -C "$repo" rev-parse HEAD)" \
	    -n "start-up: python3 -c 'import yaml'" "$(q "$PYTHON" -c "import yaml")" || {
		skip floor "hyperfine failed"
		return
	}
	row floor "start-up: true" "$json" - - "$(peak /bin/true)" - "/bin/true" \
	    "fork, exec and exit of the smallest program"
	row floor "start-up: git rev-parse HEAD" "$json" - - - - \
	    "$(q git -C REPO rev-parse HEAD)" "git's own start-up"
	row floor "start-up: python3 -c 'import yaml'" "$json" - - - - \
	    "$(q "$PYTHON" -c "import yaml")" "each process of the baselines"
}

run_feature() {
	run_floor
	if [ ! -f "$MK" ]; then
		skip feature "handoff.mk is not in the tree"
		return
	fi
	if ! have yaml2json treehash evcat nsgen matrixgen tapnote; then
		skip feature "a filter is not built"
		return
	fi
	if [ -d "$top/examples/kitty-specs" ]; then
		local ex f
		ex=$tmp/example
		cp -R "$top/examples" "$ex"
		rm -rf "$ex"/kitty-specs/*/handoff
		make_repo "$ex" >/dev/null
		# The feature with an event log, else the first.
		for f in "$ex"/kitty-specs/*/; do
			f=${f%/}
			[ -f "$f/status.events.jsonl" ] && break
		done
		bench_feature example "$ex" "${f##*/}"
	else
		skip feature "example: examples/kitty-specs is not in the tree"
	fi
	if corpus_repo; then
		if [ -d "$tmp/spec-kitty/kitty-specs/$FEATURE" ]; then
			bench_feature corpus "$tmp/spec-kitty" "$FEATURE"
		else
			skip feature "corpus: no feature $FEATURE"
		fi
	else
		skip feature "corpus: $TARBALL not present"
	fi
}

run_yaml() {
	local list json big yp n bytes
	if ! have yaml2json; then
		skip yaml2json "bin/yaml2json is not built"
		return
	fi
	if ! corpus_repo; then
		skip yaml2json "corpus: $TARBALL not present"
		return
	fi
	list=$tmp/yaml.list
	{
		find "$tmp/spec-kitty" -name .git -prune -o -type f \
		    \( -name '*.yaml' -o -name '*.yml' \) -print0 | sort -z
		find "$CORPUS/045-reference" -name '*.yaml' -print0
	} >"$list"
	if ! "$PYTHON" "$here/tools.py" yaml-check "$BIN/yaml2json" "$list" \
	    "$tmp/yaml.good" >"$tmp/ycheck" 2>&1; then
		skip yaml2json "$(tail -n 1 "$tmp/ycheck"); not timed ($(head -n 3 "$tmp/ycheck" | tr '\n' ' '))"
		return
	fi
	# Only what PyYAML loads is timed: both sides then do the same work.
	list=$tmp/yaml.good
	n=$(tr -cd '\0' <"$list" | wc -c)
	bytes=$(xargs -0 -a "$list" cat | wc -c)
	note yaml2json "corpus: $(tail -n 1 "$tmp/ycheck"); the $n loadable files ($bytes bytes) are timed"
	json=$tmp/yaml-loop.json
	say "yaml2json, one process per file"
	bench_hf "$json" \
	    -n "yaml2json per file ($n files)" \
	    "$(q xargs -0 -n 1 -a "$list" "$BIN/yaml2json")" \
	    -n "yaml2json, the $n files in one process" \
	    "$(q xargs -0 -a "$list" "$BIN/yaml2json")" \
	    -n "PyYAML CSafeLoader, one process" \
	    "$(q "$PYTHON" "$here/tools.py" yaml-all "$list")" \
	    -n "/bin/true per file ($n files)" \
	    "$(q xargs -0 -n 1 -a "$list" /bin/true)" || {
		skip yaml2json "hyperfine failed"
		return
	}
	row yaml2json "yaml2json per file ($n files)" "$json" \
	    "PyYAML CSafeLoader, one process" "faster>=3" \
	    "$(peak xargs -0 -n 1 -a "$list" "$BIN/yaml2json")" "$bytes" \
	    "$(q xargs -0 -n 1 -a "$list" "$BIN/yaml2json")"
	row yaml2json "yaml2json, the $n files in one process" "$json" \
	    "PyYAML CSafeLoader, one process" "faster>=3" \
	    "$(peak xargs -0 -a "$list" "$BIN/yaml2json")" "$bytes" \
	    "$(q xargs -0 -a "$list" "$BIN/yaml2json")" \
	    "several file operands, as jq reads several files"
	row yaml2json "PyYAML CSafeLoader, one process" "$json" - - \
	    "$(peak "$PYTHON" "$here/tools.py" yaml-all "$list")" "$bytes" \
	    "$(q "$PYTHON" "$here/tools.py" yaml-all "$list")" \
	    "yaml.load(CSafeLoader) and json.dumps(indent=2) of each file"
	row yaml2json "/bin/true per file ($n files)" "$json" \
	    "PyYAML CSafeLoader, one process" - - - \
	    "$(q xargs -0 -n 1 -a "$list" /bin/true)" \
	    "the same loop with the smallest program: the floor of any converter run once a file"

	# Throughput: the largest corpus file, grown to BENCH_YAML_MB.
	local src
	src=$(xargs -0 -a "$list" ls -S | head -n 1)
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
	note yaml2json "large file: ${src##*/} repeated to $bytes bytes; output identical to PyYAML's"
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
	    "$(q "$BIN/yaml2json" "$big")" "built from ${src##*/}"
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

run_all() {
	local repo json mk feats f bad=0 prep t0 tm rss
	if [ ! -f "$MK" ]; then
		skip handoff-all "handoff.mk is not in the tree"
		return
	fi
	if ! have yaml2json treehash evcat nsgen matrixgen tapnote; then
		skip handoff-all "a filter is not built"
		return
	fi
	if ! corpus_repo; then
		skip handoff-all "corpus: $TARBALL not present"
		return
	fi
	repo=$tmp/all/spec-kitty
	mkdir -p "$tmp/all"
	git clone -q "$tmp/spec-kitty" "$repo" 2>/dev/null || {
		skip handoff-all "git clone of the corpus failed"
		return
	}
	feats=("$repo"/kitty-specs/*/)
	prep=(rm -rf "$tmp/all/build")
	for f in "${feats[@]}"; do
		prep+=("${f}handoff")
	done
	mk=(make -s -f "$MK" -C "$repo" -j2 -k handoff-all "BUILD=$tmp/all/build")
	"${prep[@]}"
	t0=$(now)
	rss=$(peak "${mk[@]}")
	tm=$(since "$t0")
	if [ "$rss" = - ]; then
		"${prep[@]}"
		"${mk[@]}" >"$tmp/all.log" 2>&1
		skip handoff-all "make handoff-all failed: $(grep -m 3 'failed\|rror' "$tmp/all.log" | tr '\n' ' ')"
		return
	fi
	for f in "${feats[@]}"; do
		for file in namespace.json artifact-manifest.json artifact-tree.json \
		    events.jsonl version-matrix.md verification.md generate.sh; do
			[ -s "${f}handoff/$file" ] || { bad=$((bad + 1)); break; }
		done
	done
	if [ "$bad" -ne 0 ]; then
		skip handoff-all "$bad of ${#feats[@]} features lack package files"
		return
	fi
	# Spot checks against the baseline: no event log, another mission.
	for f in 043-doctrine-lite-constitution-generator \
	    014-comprehensive-end-user-documentation; do
		[ -d "$repo/kitty-specs/$f" ] || continue
		"$PYTHON" "$here/baseline.py" -C "$repo" -o "$tmp/all/base-$f" "$f" \
		    >/dev/null 2>&1 || { bad=$((bad + 1)); continue; }
		for file in namespace.json artifact-manifest.json \
		    artifact-tree.json events.jsonl; do
			cmp -s "$repo/kitty-specs/$f/handoff/$file" \
			    "$tmp/all/base-$f/$file" || bad=$((bad + 1))
		done
	done
	if [ "$bad" -ne 0 ]; then
		skip handoff-all "spot checks against the baseline failed ($bad)"
		return
	fi
	note handoff-all "${#feats[@]} features packaged in $tm s (first run); features 043 and 014 byte-identical to the baseline"
	note handoff-all "no-op: $(procs "${mk[@]}")"
	fit handoff-all "$(awk -v a="$tm" 'BEGIN { print a * 1.3 }')" 45
	json=$tmp/all.json
	say "handoff-all"
	bench_hf "$json" \
	    -n "handoff-all -j2, ${#feats[@]} features, cold" -p "$(q "${prep[@]}")" \
	    "$(q "${mk[@]}")" \
	    -n "handoff-all -j2, no-op" -p true "$(q "${mk[@]}")" || {
		skip handoff-all "hyperfine failed"
		return
	}
	row handoff-all "handoff-all -j2, ${#feats[@]} features, cold" "$json" - \
	    "sec<2" "$rss" - "$(q "${mk[@]}")" \
	    "BUILD and every OUT removed before each run"
	row handoff-all "handoff-all -j2, no-op" "$json" \
	    "handoff-all -j2, ${#feats[@]} features, cold" - "$(peak "${mk[@]}")" - \
	    "$(q "${mk[@]}")"
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
commit $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$top" diff --quiet HEAD -- filters handoff.mk 2>/dev/null || echo " (with uncommitted changes)").
hyperfine $(hyperfine --version | cut -d ' ' -f 2), $WARMUP warm-up and at least $RUNS timed runs a
command, a quick one more: as many as fit in 3 s, at most $MAXRUNS (column
"runs"); median and min–max of the wall-clock times of the runs; CPU is the
mean user plus system time of a run (every process), less sensitive to
other load on the machine. Ratios are of medians, against the baseline in
the same hyperfine run. Peak RSS: one more run, $rssby.
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
EOF
}

say "scratch directory $tmp; at least $RUNS runs, at most $MAXRUNS, $WARMUP warm-up"
start=$SECONDS
load0=$(cut -d ' ' -f 1 /proc/loadavg)
case $want in *" yaml "*) run_yaml ;; esac
case $want in *" tree "*) run_tree ;; esac
case $want in *" evcat "*) run_evcat ;; esac
case $want in *" feature "*) run_feature ;; esac
case $want in *" handoff-all "*) run_all ;; esac
header >"$tmp/header.md"
echo "- benchmark wall time: $((SECONDS - start)) s" >>"$tmp/header.md"
BENCH_TMP=$tmp BENCH_TOP=$top \
    "$PYTHON" "$here/report.py" "$plan" "$tmp/header.md" "$results" ||
    say "report failed"
say "results in $results"
exit 0
}
