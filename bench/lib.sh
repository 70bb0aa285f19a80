# bench/lib.sh: what bench/run.sh and bench/profile.sh share; sourced.

# The environment of a measurement: inner makes that inherit nothing of
# an outer one's flags or job server, and commits in scratch repositories
# with fixed names and dates, so that their packages are reproducible.
bench_env() {
	unset MAKEFLAGS MFLAGS MAKELEVEL
	export LC_ALL=C
	export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@localhost
	export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@localhost
	export GIT_AUTHOR_DATE=2026-02-23T12:00:00Z
	export GIT_COMMITTER_DATE=2026-02-23T12:00:00Z
	export GIT_CONFIG_NOSYSTEM=1 HOME=${HOME:-/tmp}
}

# The corpus directory: bench_corpus TOP prints CORPUS when set, else the
# one beside the repository TOP, else, in a linked worktree, the one
# beside the main worktree.
bench_corpus() {
	local c=$1/../shared/corpus common
	if [ -n "${CORPUS:-}" ]; then
		c=$CORPUS
	elif [ ! -d "$c" ] &&
	    common=$(git -C "$1" rev-parse --path-format=absolute \
	    --git-common-dir 2>/dev/null) &&
	    [ -d "${common%/*}/../shared/corpus" ]; then
		c=${common%/*}/../shared/corpus
	fi
	printf '%s\n' "$c"
}

# The programs a command starts, from its successful execve calls under
# strace -f: execs SCRATCH CMD... prints "COUNT PROGRAM" lines, most
# started first.  One trace file a process (-ff), so that no call is
# split across lines by another's.
execs() {
	local d=$1/strace
	shift
	rm -rf "$d"
	mkdir -p "$d"
	strace -f -ff -qq -e trace=execve -e signal=none -o "$d/p" "$@" \
	    >/dev/null 2>&1
	cat "$d"/p.* | grep '^execve(.* = 0$' |
	    sed 's/^execve("\([^"]*\)".*/\1/; s|.*/||' | sort | uniq -c |
	    sort -k1,1rn -k2
}
