#!/bin/bash
# Build the fuzzing seed corpora, tests/fuzz/seeds/TARGET/, from the test
# fixtures (small files only) and a few inputs written here, each file
# named by the SHA-1 of its content as libFuzzer names its own.
#
#	tests/fuzz/seeds.sh [TARGET...]
#
# Run it from the top directory after the fixtures change; the seeds are
# committed so that make fuzz starts from them.

set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
fixtures=$top/tests/fixtures
seeds=$top/tests/fuzz/seeds
maxsize=8192

# Store stdin as a seed of the target.
seed() {
	local tmp sum
	tmp=$(mktemp)
	cat >"$tmp"
	if [ "$(stat -c %s "$tmp")" -le "$maxsize" ]; then
		sum=$(sha1sum "$tmp")
		mkdir -p "$seeds/$1"
		mv "$tmp" "$seeds/$1/${sum%% *}"
	else
		rm -f "$tmp"
	fi
}

# Every fixture of a filter whose name matches one of the patterns.
fixtures() {
	local dir=$fixtures/$1
	shift
	[ -d "$dir" ] || return 0
	for pat in "$@"; do
		find "$dir" -type f -name "$pat" -size -"$((maxsize + 1))"c
	done | sort -u
}

from_fixtures() {
	local target=$1 f
	shift
	while IFS= read -r f; do
		seed "$target" <"$f"
	done < <(fixtures "$@")
}

# The canonical object stream of treehash -g, from a small repository.
git_stream() {
	local repo
	repo=$(mktemp -d)
	(
		cd "$repo"
		git init -q .
		mkdir -p f/tasks
		printf '# Spec\n' >f/spec.md
		printf 'work\n' >f/tasks/WP01.md
		printf 'x\n' >f/'odd "name'
		printf 'y\n' >f/$'caf\xc3\xa9'
		ln -s spec.md f/link
		git add -A
		git -c user.name=t -c user.email=t@t commit -qm t
		git ls-tree -r --format='%(objectname) %(objectmode) %(path)' \
		    HEAD:f |
		    git cat-file \
		    --batch='%(objectname) %(objecttype) %(objectsize) %(rest)'
	)
	rm -rf "$repo"
}

make_seeds() {
	case $1 in
	yaml2json)
		from_fixtures "$1" yaml2json '*.yaml' '*.yml'
		printf 'a: &x [1, 2]\nb: *x\n<<: {c: 0x1f}\nd: 2001-12-14\n' |
		    seed "$1"
		printf '%s\n' 'i: [0b101, 017, 0o17, 1_000, 1:30, +12, -0x1F]' \
		    'f: [1.5, 1.5e3, 1.0e+3, .inf, -.Inf, .nan, 6.8523015e+5]' \
		    'b: [yes, No, on, OFF, ~, null, true]' \
		    't: [2001-12-14t21:59:43.10-05:00, 2001-12-14 21:59:43.10]' \
		    's: !!set {a, b}' 'o: !!omap [a: 1, b: 2]' \
		    'bin: !!binary R0lGODlhDAAMAIQAAP//9/X17unp5WZmZgAAAOfn515eXvPz7Y6OjuDg4J+fn5' \
		    'q: "\u00e9\x41\U0001F600"' "k: 'it''s'" 'big: 123456789012345678901234567890' \
		    '? [complex, key]' ': value' 'm: &m {x: 1}' 'n: {<<: [*m, {y: 2}], x: 3}' \
		    'lit: |' '  line' 'fold: >-' '  folded' '  text' | seed "$1"
		;;
	yaml2json_multi)
		from_fixtures "$1" yaml2json '*.yaml' '*.yml'
		printf -- '--- {a: 1}\n--- [b]\n...\n--- !!binary aGk=\n' |
		    seed "$1"
		;;
	evcat)
		from_fixtures "$1" evcat '*.jsonl'
		printf '{"event_id":"01A","at":"2026-01-01T00:00:00Z"}\n' |
		    seed "$1"
		;;
	evcat_compare)
		local f
		while IFS= read -r f; do
			{ cat "$f"; printf '%%%%\n'; cat "$f"
			  printf '{"event_id":"zz"}\n'; } | seed "$1"
		done < <(fixtures evcat '*.jsonl')
		printf '{"event_id":"a"}\n%%%%\n{"event_id":"a"}\n{"event_id":"b"}\n' |
		    seed "$1"
		;;
	treehash_list)
		printf 'spec.md\nplan.md\ntasks/WP01.md\nlink\n-dash\nskip.tmp\n' |
		    seed "$1"
		printf '"odd\\nname"\nspec.md\n' | seed "$1"
		;;
	treehash_check)
		from_fixtures "$1" treehash '*.json'
		;;
	treehash_git)
		from_fixtures "$1" treehash '*.stream' '*.batch'
		git_stream | seed "$1"
		;;
	tapnote)
		from_fixtures "$1" tapnote '*.tap'
		printf '1..3\nok 1 parses input\nnot ok 2 rejects bad input\n# x\nok 3 # skip\n' |
		    seed "$1"
		;;
	matrixgen_x)
		from_fixtures "$1" matrixgen '*.md'
		# shellcheck disable=SC2016
		printf '# Versions\n\n```versions\npython=3.11\nspec-kitty=2.0\n```\n' |
		    seed "$1"
		;;
	nsgen)
		from_fixtures "$1" nsgen '*.kv' '*.env' '*.in'
		printf '%s\n' project_scope_id=scope feature_slug=001-feat \
		    source_branch=main \
		    source_commit=0123456789abcdef0123456789abcdef01234567 \
		    mission_key=software-dev manifest_version=1 \
		    step_id=specify generated_at=2026-01-02T03:04:05Z |
		    seed "$1"
		;;
	*)
		echo "seeds.sh: no target $1" >&2
		exit 2
		;;
	esac
}

if [ $# -eq 0 ]; then
	set -- yaml2json yaml2json_multi evcat evcat_compare treehash_list \
	    treehash_check treehash_git tapnote matrixgen_x nsgen
fi
for t in "$@"; do
	make_seeds "$t"
done
