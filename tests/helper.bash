# Shared set-up for every bats suite: the assertion libraries, the filters
# under test first on PATH, and where fixtures and the corpus live.
#
# HANDOFF_BIN selects the build (bin/ or the sanitizer build); make test
# sets it. PYTHON is the interpreter used as an oracle; Debian's, which has
# python3-yaml, unless overridden.

BATS_LIB=${BATS_LIB:-/usr/lib/bats}
load "$BATS_LIB/bats-support/load.bash"
load "$BATS_LIB/bats-assert/load.bash"

TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
HANDOFF_BIN=${HANDOFF_BIN:-$TOP/bin}
HANDOFF_TESTBIN=${HANDOFF_TESTBIN:-$TOP/build/obj/test}
PATH="$HANDOFF_BIN:$PATH"
FIXTURES="$BATS_TEST_DIRNAME/fixtures"
CORPUS=${CORPUS:-$TOP/../shared/corpus}
PYTHON=${PYTHON:-/usr/bin/python3}
export TOP HANDOFF_BIN HANDOFF_TESTBIN PATH FIXTURES CORPUS PYTHON

# Skip the calling test unless the named corpus file or directory exists.
corpus_or_skip() {
	[ -e "$CORPUS/$1" ] || skip "corpus $1 not present"
}

# Skip unless the oracle interpreter can import yaml.
pyyaml_or_skip() {
	"$PYTHON" -c 'import yaml' 2>/dev/null || skip "python3-yaml not present"
}

# Skip the calling test unless strace can trace here and, when a filter
# is named, it runs as built: under valgrind's wrappers strace would see
# valgrind's calls.
strace_or_skip() {
	command -v strace >/dev/null || skip "strace is not installed"
	strace -f -qq -o /dev/null true 2>/dev/null || skip "strace cannot trace here"
	[ -z "${1:-}" ] || [ "$(head -c 2 "$HANDOFF_BIN/$1")" != "#!" ] ||
	    skip "the filters are wrapped"
}

# traced STRACE-ARGUMENTS...: strace -qq with them, LeakSanitizer off in
# the sanitizer build, as it cannot run under ptrace.
traced() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	    strace -qq "$@"
}

# fails_with STATUS MESSAGE: the last `run --separate-stderr` exited with
# STATUS, printed exactly MESSAGE on stderr and nothing at all on stdout.
# bats' run sets status, output and stderr.
# shellcheck disable=SC2154
fails_with() {
	[ "$status" -eq "$1" ] || {
		echo "status $status, expected $1; stderr: $stderr" >&2
		return 1
	}
	[ -z "$output" ] || { echo "stdout not empty: $output" >&2; return 1; }
	[ "$stderr" = "$2" ] || {
		printf 'stderr:   %s\nexpected: %s\n' "$stderr" "$2" >&2
		return 1
	}
}

# padto FILE SIZE [CHAR]: append CHAR (a space by default, which JSON and
# YAML allow after a document) to FILE until it is exactly SIZE bytes
# long; the limit tests make inputs at and past a bound with it.
padto() {
	local have
	have=$(stat -c %s "$1")
	head -c $(($2 - have)) /dev/zero | tr '\0' "${3:- }" >>"$1"
}
