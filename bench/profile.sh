#!/usr/bin/env bash
# bench/profile.sh: where the time of each benchmark goes.
#
# Samples with perf (the cpu-clock software event, which works where
# hardware counters do not, as in most virtual machines) and writes the
# largest shares to a Markdown file: make handoff by command and by shared
# object, with the processes it starts; yaml2json, treehash and evcat by
# function.  The filters are profiled from a copy built with -fno-inline
# into build/bench/prof/, so each static function shows under its own
# name; the sources are only read.  Never fails a build: exits 0.
#
# usage: bench/profile.sh [-h] [-o profile.md]
#
# Environment: CORPUS, PYTHON, BENCH_FEATURE as for bench/run.sh.

set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
CORPUS=${CORPUS:-$top/../shared/corpus}
PYTHON=${PYTHON:-/usr/bin/python3}
FEATURE=${BENCH_FEATURE:-021-orchestrator-end-to-end-testing-suite}
TARBALL=$CORPUS/spec-kitty-2x-3bbf9f0.tar.gz
out=$here/profile.md
prof=$top/build/bench/prof

usage() {
	echo "usage: bench/profile.sh [-h] [-o profile.md]"
}

while getopts ho: opt; do
	case $opt in
	h) usage; exit 0 ;;
	o) out=$OPTARG ;;
	*) usage >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || { usage >&2; exit 2; }

unset MAKEFLAGS MFLAGS MAKELEVEL
export LC_ALL=C
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@localhost
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@localhost
export GIT_AUTHOR_DATE=2026-02-23T12:00:00Z GIT_COMMITTER_DATE=2026-02-23T12:00:00Z
export GIT_CONFIG_NOSYSTEM=1

if ! command -v perf >/dev/null ||
    ! perf record -q -e cpu-clock -o /dev/null true >/dev/null 2>&1; then
	echo "profile: perf cannot sample here; try valgrind --tool=callgrind" >&2
	exit 0
fi
if [ ! -r "$TARBALL" ]; then
	echo "profile: corpus $TARBALL not present" >&2
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/handoff-prof.XXXXXX") || exit 0
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/repo" "$prof"
tar xzf "$TARBALL" -C "$tmp/repo" &&
    git -C "$tmp/repo" init -q -b main &&
    git -C "$tmp/repo" add -A &&
    git -C "$tmp/repo" commit -q -m "profile input" || exit 0

# The shares of one perf.data file: top PERF_DATA SORT_KEYS [N].
top() {
	perf report -i "$1" --no-children --stdio -g none --sort "$2" \
	    --percent-limit 0.5 2>/dev/null | grep -v -e '^#' -e '^$' |
	    head -n "${3:-15}"
}
# Milliseconds of CPU sampled in a perf.data file (cpu-clock counts ns).
cpu_ms() {
	perf report -i "$1" --stdio --sort comm 2>/dev/null |
	    awk '/^# Event count/ { printf "%.0f", $NF / 1e6 }'
}
# A Markdown code fence.
fence=$(printf '\140\140\140')
section() {
	printf '\n## %s\n\n%s\n\n%s\n' "$1" "$2" "$fence"
}
sub() {
	printf '%s\n\n%s\n\n%s\n' "$fence" "$1" "$fence"
}

# The filters without inlining, so each function is its own line.
build_prof() {
	local -a srcs
	# A filter is one source, or a directory of them.
	if [ -f "$top/filters/$1.c" ]; then
		srcs=("$top/filters/$1.c")
	else
		srcs=("$top/filters/$1"/*.c)
	fi
	# The flags are words to split.
	# shellcheck disable=SC2046
	cc -std=c11 -D_POSIX_C_SOURCE=200809L -I"$top/filters/lib" -O2 -g \
	    -fno-inline -fno-omit-frame-pointer \
	    $(pkg-config --cflags yaml-0.1 libcjson libmd) \
	    -o "$prof/$1" "${srcs[@]}" "$top"/filters/lib/*.c \
	    $(pkg-config --libs yaml-0.1 libcjson libmd) -lm -pthread
}

{
	printf '# Profiles\n\nMade by bench/profile.sh on %s: perf record -e cpu-clock\n' \
	    "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	printf '(sampled CPU time of every process), %s CPUs, load average %s.\n' \
	    "$(nproc)" "$(cut -d ' ' -f 1 /proc/loadavg)"

	if [ -f "$top/handoff.mk" ]; then
		mk=(make -s -f "$top/handoff.mk" -C "$tmp/repo" handoff
		    "FEATURE=$FEATURE" "BUILD=$tmp/build" "OUT=$tmp/out")
		perf record -q -e cpu-clock -F 10000 -g -o "$tmp/mk.data" \
		    "${mk[@]}" >/dev/null 2>&1
		section "make handoff, cold ($FEATURE)" \
		    "$(cpu_ms "$tmp/mk.data") ms of CPU. By command (each process, fork to exit):"
		top "$tmp/mk.data" comm 20
		sub "By shared object:"
		top "$tmp/mk.data" dso 10
		echo "$fence"
		if command -v strace >/dev/null; then
			rm -rf "$tmp/build" "$tmp/out"
			strace -f -qq -e trace=execve -e signal=none -o "$tmp/st" \
			    "${mk[@]}" >/dev/null 2>&1
			printf '\nProcesses started:\n\n%s\n' "$fence"
			grep -v ENOENT "$tmp/st" |
			    sed -n 's/.*execve("\([^"]*\)".*/\1/p' | sed 's|.*/||' |
			    sort | uniq -c | sort -rn
			echo "$fence"
		fi
	fi

	if { [ -e "$top/filters/yaml2json.c" ] || [ -d "$top/filters/yaml2json" ]; } &&
	    build_prof yaml2json; then
		src=$(find "$tmp/repo" -name '*.yaml' -type f -exec ls -S {} + | head -n 1)
		"$PYTHON" "$here/tools.py" genyaml "$tmp/big.yaml" "$src" 2
		perf record -q -e cpu-clock -F 10000 -g -o "$tmp/y.data" \
		    "$prof/yaml2json" "$tmp/big.yaml" >/dev/null 2>&1
		section "yaml2json, 2 MB YAML (${src##*/} repeated)" \
		    "$(cpu_ms "$tmp/y.data") ms of CPU. By function (self):"
		top "$tmp/y.data" dso,sym 20
		sub "By shared object:"
		top "$tmp/y.data" dso 8
		sub "By function with its callees (libyaml has no frame pointers: its share is under shared objects):"
		perf report -i "$tmp/y.data" --children --stdio -g none \
		    --sort sym 2>/dev/null |
		    grep -E '\] (parsedoc|newnode|document|construct|tojson|hf_json_dump|yaml_parser_parse|flatten|hf_readall|freedoc)$'
		echo "$fence"
	fi

	if [ -f "$top/filters/treehash.c" ] && build_prof treehash; then
		mkdir -p "$tmp/tree"
		"$PYTHON" "$here/tools.py" gentree "$tmp/tree" 11000 100
		(cd "$tmp/tree" && find . -type f -printf '%P\0' | sort -z) >"$tmp/tree.list"
		perf record -q -e cpu-clock -F 10000 -g -o "$tmp/t.data" \
		    "$prof/treehash" -0 -C "$tmp/tree" "$tmp/tree.list" >/dev/null 2>&1
		section "treehash, 11000 files, 100 MB" \
		    "$(cpu_ms "$tmp/t.data") ms of CPU (all threads). By function (self):"
		top "$tmp/t.data" dso,sym 15
		echo "$fence"
		rm -rf "$tmp/tree"
	fi

	if [ -f "$top/filters/evcat.c" ] && build_prof evcat; then
		"$PYTHON" "$here/tools.py" genevents "$tmp/ev.jsonl" \
		    "$CORPUS/045-reference/status.events.at-3bbf9f0.jsonl" 100
		perf record -q -e cpu-clock -F 10000 -g -o "$tmp/e.data" \
		    "$prof/evcat" "$tmp/ev.jsonl" >/dev/null 2>&1
		section "evcat, 100 MB log" \
		    "$(cpu_ms "$tmp/e.data") ms of CPU. By function (self):"
		top "$tmp/e.data" dso,sym 15
		echo "$fence"
	fi
} >"$out"
echo "profile: written to $out" >&2
exit 0
