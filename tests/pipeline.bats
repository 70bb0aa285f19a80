#!/usr/bin/env bats
# The pipeline, handoff.mk: make handoff, check, verify, verification,
# handoff-all and the package's generate.sh, on git repositories made in
# the test's directory from the bundled example and from the corpus.

load helper
bats_require_minimum_version 1.5.0

MK="$TOP/handoff.mk"
F1=001-greeting-cli
F2=002-release-notes
C45=045-mission-handoff-package-version-matrix

setup() {
	export GIT_AUTHOR_NAME=tester GIT_AUTHOR_EMAIL=tester@example.org
	export GIT_COMMITTER_NAME=tester GIT_COMMITTER_EMAIL=tester@example.org
	export GIT_CONFIG_NOSYSTEM=1 HOME="$BATS_TEST_TMPDIR"
	export HANDOFF_MK="$MK"
	unset SOURCE_DATE_EPOCH
	git config --global init.defaultBranch main
	git config --global advice.detachedHead false
}

# Commit everything in repository $1 at a fixed time $2 (epoch seconds), so
# that commit ids and package timestamps are the same on every run.
commit_all() {
	git -C "$1" add -A
	GIT_AUTHOR_DATE="@$2 +0000" GIT_COMMITTER_DATE="@$2 +0000" \
	    git -C "$1" commit -q -m "at $2"
}

# A repository at $1 holding the bundled example without its packages.
example_repo() {
	mkdir -p "$1"
	cp -R "$TOP/examples/." "$1/"
	rm -rf "$1"/kitty-specs/*/handoff
	git -C "$1" init -q
	commit_all "$1" 1767225600
}

# A repository at $1 holding the corpus; 045 keeps its committed package
# unless $2 is "nopackage".
corpus_repo() {
	mkdir -p "$1"
	tar -xzf "$CORPUS/spec-kitty-2x-3bbf9f0.tar.gz" -C "$1"
	[ "$2" = nopackage ] && rm -rf "$1/kitty-specs/$C45/handoff"
	git -C "$1" init -q
	git -C "$1" remote add origin https://example.org/git/spec-kitty.git
	commit_all "$1" 1771700000
}

hf() {
	make -s -f "$MK" "$@"
}

# Content and mtime of every file under $1, one line each.
snapshot() {
	(cd "$1" && find . -type f -printf '%p %T@ ' -exec sha256sum {} \; | sort)
}

append_event() {
	printf '%s\n' '{"actor": "grace", "at": "2026-01-15T09:00:00+00:00", "event_id": "01KF4C6E8G0J2K4M6N8P0Q2R4S", "feature_slug": "001-greeting-cli", "from_lane": "doing", "to_lane": "done", "wp_id": "WP02"}' \
	    >>"$1/kitty-specs/$F1/status.events.jsonl"
}

@test "handoff writes the seven files, and a second run changes nothing, not even mtimes" {
	local r="$BATS_TEST_TMPDIR/greet"
	example_repo "$r"
	cd "$r"
	run hf handoff FEATURE=$F1
	assert_success
	for f in namespace.json artifact-manifest.json artifact-tree.json \
	    events.jsonl version-matrix.md verification.md generate.sh; do
		[ -s "kitty-specs/$F1/handoff/$f" ]
	done
	snapshot "kitty-specs/$F1/handoff" >"$BATS_TEST_TMPDIR/before"
	snapshot .git/handoff >"$BATS_TEST_TMPDIR/build.before"
	sleep 1
	run hf handoff FEATURE=$F1
	assert_success
	refute_output --partial wrote
	snapshot "kitty-specs/$F1/handoff" >"$BATS_TEST_TMPDIR/after"
	diff -u "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	# Nothing was rebuilt either: no stamp, no intermediate file moved.
	snapshot .git/handoff >"$BATS_TEST_TMPDIR/build.after"
	diff -u "$BATS_TEST_TMPDIR/build.before" "$BATS_TEST_TMPDIR/build.after"
	[ -z "$(git status --porcelain --untracked-files=no)" ]
}

# The programs a run of make starts, by the name each one ran last, with
# their counts; what make said, and a failure, when it fails:
# trace_make DIR ARGS...  LeakSanitizer refuses to run under a tracer, and
# leaks are not what this counts.
trace_make() {
	local d=$1 f n
	shift
	mkdir -p "$d"
	traced -ff -e trace=execve -o "$d/p" make -s -f "$MK" "$@" \
	    >"$d/log" 2>&1 || { cat "$d/log"; return 1; }
	for f in "$d"/p.*; do
		n=$(sed -n 's/^execve("\([^"]*\)".* = 0$/\1/p' "$f" | tail -n 1)
		[ -z "$n" ] || echo "$n"
	done | sed 's|.*/||' | sort | uniq -c | awk '{ print $2, $1 }'
}

# A package costs mostly the processes it starts, so their number is part
# of the design: bounds that change only on purpose.
@test "a no-op run starts make alone, and a cold build at most one process per program" {
	strace_or_skip nsgen
	local r="$BATS_TEST_TMPDIR/greet" p n
	example_repo "$r"
	cd "$r"
	run trace_make "$BATS_TEST_TMPDIR/cold" handoff FEATURE=$F1
	assert_success
	# The six filters, the probe, the template, the installer, the lock,
	# make, and git: one rev-parse, one config, one log, one cat-file.
	for p in yaml2json treehash evcat nsgen matrixgen tapnote probe template install lock make; do
		assert_line "$p 1"
	done
	n=$(awk '$1 == "git" { print $2 }' <<<"$output")
	[ "${n:-0}" -le 4 ] || fail "$n git processes"
	n=$(awk '{ s += $2 } END { print s }' <<<"$output")
	[ "$n" -le 16 ] || fail "$n processes: $output"
	run trace_make "$BATS_TEST_TMPDIR/noop" handoff FEATURE=$F1
	assert_success
	assert_output "make 1"
}

@test "the mission: meta.json's mission, else its mission_type, else software-dev" {
	local r="$BATS_TEST_TMPDIR/greet" m
	example_repo "$r"
	cd "$r"
	m=kitty-specs/$F1/meta.json
	sed -i 's/"mission": "software-dev"/"mission_type": "documentation"/' "$m"
	commit_all . 1767312000
	hf handoff FEATURE=$F1 OUT="$BATS_TEST_TMPDIR/type"
	grep -q '"mission_key": "documentation"' "$BATS_TEST_TMPDIR/type/namespace.json"
	sed -i 's/^{$/{\n  "mission": "software-dev",/' "$m"
	commit_all . 1767313000
	hf handoff FEATURE=$F1 OUT="$BATS_TEST_TMPDIR/both"
	grep -q '"mission_key": "software-dev"' "$BATS_TEST_TMPDIR/both/namespace.json"
	git rm -q "$m"
	commit_all . 1767314000
	hf handoff FEATURE=$F1 OUT="$BATS_TEST_TMPDIR/none"
	grep -q '"mission_key": "software-dev"' "$BATS_TEST_TMPDIR/none/namespace.json"
}

@test "the package is made by the filters from the committed inputs" {
	local r="$BATS_TEST_TMPDIR/greet"
	example_repo "$r"
	cd "$r"
	hf handoff FEATURE=$F1
	local p="kitty-specs/$F1/handoff" c
	c=$(git rev-parse HEAD)
	run cat "$p/namespace.json"
	assert_output - <<EOF
{
  "schema_version": "1",
  "project_scope_id": "greet",
  "feature_slug": "$F1",
  "source_branch": "main",
  "source_commit": "$c",
  "mission_key": "software-dev",
  "manifest_version": "1",
  "step_id": null,
  "generated_at": "2026-01-01T00:00:00Z"
}
EOF
	cmp "$p/events.jsonl" "kitty-specs/$F1/status.events.jsonl"
	grep -qx '  "tree_commit": "'"$c"'",' "$p/artifact-tree.json"
	grep -qx '  "root_path": "kitty-specs/'"$F1"'",' "$p/artifact-tree.json"
	grep -qx '  "captured_at": "2026-01-01T00:00:00Z"' "$p/artifact-manifest.json"
	run matrixgen -x "$p/version-matrix.md"
	assert_output - <<EOF
greet=0.3.1
bats-core=1.10.0
cc=gcc-12
source-commit=$c
source-branch=main
EOF
	# No TEST_CMD: the note says no test ran, and FAIL.
	grep -q FAIL "$p/verification.md"
	run grep -c PASS "$p/verification.md"
	assert_output 0
}

@test "a committed new event regenerates events, tree and namespace only; a change is refused without FORCE, a new timestamp is no change" {
	local r="$BATS_TEST_TMPDIR/greet" p
	example_repo "$r"
	cd "$r"
	p="kitty-specs/$F1/handoff"
	hf handoff FEATURE=$F1
	commit_all . 1767312000
	# The first run after the install carries verification.md over.
	hf handoff FEATURE=$F1
	local b
	b="$(git rev-parse --git-dir)/handoff/$F1/pkg"
	snapshot "$b" >"$BATS_TEST_TMPDIR/build.before"
	snapshot "$p" >"$BATS_TEST_TMPDIR/before"
	grep '"generated_at"' "$p/namespace.json" >"$BATS_TEST_TMPDIR/at.before"
	append_event .
	commit_all . 1767398400
	run hf handoff FEATURE=$F1
	assert_failure
	# namespace.json differs in generated_at alone: check would call it
	# a match, so handoff does not call it a change.
	refute_output --partial "namespace.json would change"
	assert_output --partial "$p/artifact-tree.json would change; not overwritten"
	assert_output --partial "$p/events.jsonl would change; not overwritten"
	assert_output --partial "make check"
	assert_output --partial "FORCE=1"
	refute_output --partial "artifact-manifest.json would change"
	refute_output --partial "generate.sh would change"
	refute_output --partial "version-matrix.md would change"
	refute_output --partial "verification.md would change"
	snapshot "$p" >"$BATS_TEST_TMPDIR/after"
	diff -u "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	# Only the outputs whose inputs changed were rebuilt in BUILD (the
	# matrix shows the namespace, so it is rerun, with the same result).
	snapshot "$b" >"$BATS_TEST_TMPDIR/build.after"
	diff "$BATS_TEST_TMPDIR/build.before" "$BATS_TEST_TMPDIR/build.after" |
	    sed -n 's/^> \.\/\([^ ]*\) .*/\1/p' | sort >"$BATS_TEST_TMPDIR/rebuilt"
	printf '%s\n' artifact-tree.json events.jsonl namespace.json version-matrix.md |
	    diff -u - "$BATS_TEST_TMPDIR/rebuilt"
	run hf handoff FEATURE=$F1 FORCE=1
	assert_success
	cmp "$p/events.jsonl" "kitty-specs/$F1/status.events.jsonl"
	grep '"generated_at"' "$p/namespace.json" >"$BATS_TEST_TMPDIR/at.after"
	diff -u "$BATS_TEST_TMPDIR/at.before" "$BATS_TEST_TMPDIR/at.after"
	grep -qx '  "captured_at": "2026-01-03T00:00:00Z",' "$p/artifact-tree.json"
	run hf check FEATURE=$F1
	assert_success
	grep -qx '  "captured_at": "2026-01-01T00:00:00Z"' "$p/artifact-manifest.json"
}

@test "a file that was removed from OUT is written again, the others left alone" {
	local r="$BATS_TEST_TMPDIR/greet" p
	example_repo "$r"
	cd "$r"
	p="kitty-specs/$F1/handoff"
	hf handoff FEATURE=$F1
	cp "$p/events.jsonl" "$BATS_TEST_TMPDIR/events"
	rm "$p/events.jsonl"
	snapshot "$p" >"$BATS_TEST_TMPDIR/before"
	run hf handoff FEATURE=$F1
	assert_success
	assert_output "handoff: $F1: wrote $p/events.jsonl"
	cmp "$p/events.jsonl" "$BATS_TEST_TMPDIR/events"
	snapshot "$p" | grep -v events.jsonl >"$BATS_TEST_TMPDIR/after"
	diff -u "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

@test "two clones in differently named directories give byte-identical packages" {
	local src="$BATS_TEST_TMPDIR/greet"
	example_repo "$src"
	git clone -q "$src" "$BATS_TEST_TMPDIR/one"
	git clone -q "$src" "$BATS_TEST_TMPDIR/other-name"
	(cd "$BATS_TEST_TMPDIR/one" && hf handoff FEATURE=$F1 && hf handoff FEATURE=$F2)
	(cd "$BATS_TEST_TMPDIR/other-name" && hf handoff FEATURE=$F1 && hf handoff FEATURE=$F2)
	diff -r "$BATS_TEST_TMPDIR/one/kitty-specs" "$BATS_TEST_TMPDIR/other-name/kitty-specs"
	grep -q '"project_scope_id": "greet"' "$BATS_TEST_TMPDIR/one/kitty-specs/$F1/handoff/namespace.json"
}

@test "without an origin remote the scope is the top-level directory's name" {
	example_repo "$BATS_TEST_TMPDIR/plain"
	cd "$BATS_TEST_TMPDIR/plain"
	hf handoff FEATURE=$F2
	grep -q '"project_scope_id": "plain"' "kitty-specs/$F2/handoff/namespace.json"
	run hf handoff FEATURE=$F2 PROJECT_SCOPE_ID=other OUT="$BATS_TEST_TMPDIR/o"
	assert_success
	grep -q '"project_scope_id": "other"' "$BATS_TEST_TMPDIR/o/namespace.json"
}

@test "the scope is the origin remote's repository, not another remote's or the push url's" {
	example_repo "$BATS_TEST_TMPDIR/checkout"
	cd "$BATS_TEST_TMPDIR/checkout"
	git remote add upstream https://example.org/other.git
	git remote add origin git@example.org:team/greet-cli.git
	git config remote.origin.pushurl git@example.org:team/wrong.git
	hf handoff FEATURE=$F2
	grep -q '"project_scope_id": "greet-cli"' "kitty-specs/$F2/handoff/namespace.json"
}

@test "a linked work tree: BUILD in its git directory, the scope from origin" {
	example_repo "$BATS_TEST_TMPDIR/main"
	cd "$BATS_TEST_TMPDIR/main"
	git remote add origin https://example.org/git/greet.git
	git worktree add -q "$BATS_TEST_TMPDIR/wt"
	cd "$BATS_TEST_TMPDIR/wt"
	hf handoff FEATURE=$F2
	grep -q '"project_scope_id": "greet"' "kitty-specs/$F2/handoff/namespace.json"
	grep -q '"source_branch": "wt"' "kitty-specs/$F2/handoff/namespace.json"
	[ -d "$BATS_TEST_TMPDIR/main/.git/worktrees/wt/handoff/$F2" ]
	[ -z "$(git status --porcelain --untracked-files=all -- . ':!kitty-specs/'"$F2"'/handoff')" ]
}

@test "an uncommitted edit does not leak into the package" {
	local r="$BATS_TEST_TMPDIR/greet"
	example_repo "$r"
	cd "$r"
	hf handoff FEATURE=$F1 OUT="$BATS_TEST_TMPDIR/clean"
	echo "an edit nobody committed" >>"kitty-specs/$F1/spec.md"
	echo '{"event_id": "uncommitted"}' >>"kitty-specs/$F1/status.events.jsonl"
	echo "new" >"kitty-specs/$F1/untracked.md"
	# The probe guesses the mission from the work tree's meta.json, and
	# must not take the guess for what is committed.
	sed -i 's/"software-dev"/"documentation"/' "kitty-specs/$F1/meta.json"
	hf handoff FEATURE=$F1 OUT="$BATS_TEST_TMPDIR/dirty"
	diff -r "$BATS_TEST_TMPDIR/clean" "$BATS_TEST_TMPDIR/dirty"
	run hf check FEATURE=$F1 OUT="$BATS_TEST_TMPDIR/dirty"
	assert_success
}

@test "generate.sh: dry run by default, --help, and --write replays the package exactly" {
	local r="$BATS_TEST_TMPDIR/greet" p
	example_repo "$r"
	cd "$r"
	p="kitty-specs/$F1/handoff"
	hf handoff FEATURE=$F1
	commit_all . 1767312000
	shellcheck "$p/generate.sh"
	run bash "$p/generate.sh" --help
	assert_success
	assert_line --index 0 "usage: generate.sh [--write] [--force] [--output-dir PATH] [--help]"
	run bash "$p/generate.sh" --bogus
	assert_failure 2
	run bash "$p/generate.sh" --output-dir "$BATS_TEST_TMPDIR/v"
	assert_success
	assert_output --partial "would write $BATS_TEST_TMPDIR/v/namespace.json (new)"
	assert_output --partial "dry run: nothing written"
	[ ! -e "$BATS_TEST_TMPDIR/v" ]
	run bash "$p/generate.sh" --output-dir "$BATS_TEST_TMPDIR/v" --write
	assert_success
	diff -r "$p" "$BATS_TEST_TMPDIR/v"
	# From another directory, with the filters found through HANDOFF_MK.
	rm -rf "$BATS_TEST_TMPDIR/v"
	(cd / && bash "$r/$p/generate.sh" --output-dir "$BATS_TEST_TMPDIR/v" --write)
	diff -r "$p" "$BATS_TEST_TMPDIR/v"
	# Replaying in place finds every file unchanged.
	run bash "$p/generate.sh"
	assert_success
	refute_output --partial would
}

# The values land between single quotes in generate.sh, and a value may
# hold what looks like another one's placeholder.
@test "generate.sh records each value as it was given, quotes and placeholders included" {
	local r="$BATS_TEST_TMPDIR/greet" p v got
	example_repo "$r"
	cd "$r"
	p="kitty-specs/$F1/handoff"
	v='echo 1..0 # @NOTES@ it'\''s a&b|c\d @STEP_ID@ @ @@ends@'
	run hf handoff FEATURE=$F1 TEST_CMD="$v" NOTES=README.md
	assert_success
	got=$(sh -c 'eval "$(grep -e "^TEST_CMD=" -e "^NOTES=" "$1")" &&
	    printf "%s|%s" "$NOTES" "$TEST_CMD"' sh "$p/generate.sh")
	[ "$got" = "README.md|$v" ] || { echo "got: $got"; return 1; }
	shellcheck "$p/generate.sh"
	diff -u <(sed -n '/^PINNED_DATE_EPOCH=/,$!d; /^PINNED_DATE_EPOCH=/d; p' \
	    "$TOP/filters/generate.sh.in") \
	    <(sed -n '/^PINNED_DATE_EPOCH=/,$!d; /^PINNED_DATE_EPOCH=/d; p' "$p/generate.sh")
	run hf check FEATURE=$F1 TEST_CMD="$v" NOTES=README.md
	assert_success
	assert_line "check: $F1: generate.sh: matches"
}

@test "generate.sh pins the source: later commits do not move the replay" {
	local r="$BATS_TEST_TMPDIR/greet" p
	example_repo "$r"
	cd "$r"
	p="kitty-specs/$F1/handoff"
	hf handoff FEATURE=$F1
	commit_all . 1767312000
	echo "unrelated" >README.md
	commit_all . 1767398400
	bash "$p/generate.sh" --output-dir "$BATS_TEST_TMPDIR/v" --write
	diff -r "$p" "$BATS_TEST_TMPDIR/v"
	run hf check FEATURE=$F1
	assert_success
}

@test "check passes on a fresh package, then names an appended event and a changed file" {
	local r="$BATS_TEST_TMPDIR/greet"
	example_repo "$r"
	cd "$r"
	hf handoff FEATURE=$F1
	commit_all . 1767312000
	run hf check FEATURE=$F1
	assert_success
	assert_line "check: $F1: namespace.json: matches"
	assert_line "check: $F1: artifact-manifest.json: matches"
	assert_line "check: $F1: artifact-tree.json: matches"
	assert_line "check: $F1: events.jsonl: identical"
	assert_line "check: $F1: version-matrix.md: matches"
	assert_line "check: $F1: generate.sh: matches"
	assert_line "check: $F1: the package matches its replay (7 files)"
	append_event .
	echo "FR-4: greet -V prints the version." >>"kitty-specs/$F1/spec.md"
	commit_all . 1767398400
	run hf check FEATURE=$F1
	assert_failure
	assert_line "check: $F1: artifact-tree.json: stale: 2 changed, 0 missing, 0 new, 0 now present, 0 now absent"
	assert_line "check: $F1: artifact-tree.json: changed: spec.md"
	assert_line "check: $F1: artifact-tree.json: changed: status.events.jsonl"
	assert_line "check: $F1: events.jsonl: 1 event appended since the handoff"
	assert_line "check: $F1: namespace.json: matches"
	assert_line "check: $F1: artifact-manifest.json: matches"
	assert_line "check: $F1: 2 of 7 files differ"
}

@test "check names a rewritten history and a namespace field" {
	local r="$BATS_TEST_TMPDIR/greet"
	example_repo "$r"
	cd "$r"
	hf handoff FEATURE=$F1
	commit_all . 1767312000
	sed -i '1s/"actor": "ada"/"actor": "eve"/' "kitty-specs/$F1/status.events.jsonl"
	sed -i 's/"mission": "software-dev"/"mission": "documentation"/' "kitty-specs/$F1/meta.json"
	commit_all . 1767398400
	run hf check FEATURE=$F1
	assert_failure
	assert_line "check: $F1: events.jsonl: history rewritten at line 1 (event_id 01KEXQ6QJ8M5T2V9C4D7F1H3K0)"
	assert_line "check: $F1: namespace.json: mission_key: committed \"software-dev\", replayed \"documentation\""
}

@test "verify passes on a fresh package and fails on a tampered tracked file" {
	local r="$BATS_TEST_TMPDIR/greet"
	example_repo "$r"
	cd "$r"
	hf handoff FEATURE=$F1
	commit_all . 1767312000
	run hf verify FEATURE=$F1
	assert_success
	assert_line --index 0 --partial "verify: $F1: "
	assert_line "verify: $F1: the package is complete and consistent and matches its replay (7 files)"
	assert_line "kitty-specs/$F1/handoff/verification.md: consistent with itself, overall FAIL"
	echo "tampered" >>"kitty-specs/$F1/plan.md"
	run hf verify FEATURE=$F1
	assert_failure
	assert_line "verify: $F1: artifact-tree.json: plan.md: changed in the work tree"
	assert_line "verify: $F1: 1 problem"
	rm "kitty-specs/$F1/spec.md"
	run hf verify FEATURE=$F1
	assert_failure
	assert_line "verify: $F1: artifact-tree.json: spec.md: missing from the work tree"
}

@test "verify names a broken invariant and a missing file of the package" {
	local r="$BATS_TEST_TMPDIR/greet" p
	example_repo "$r"
	cd "$r"
	p="kitty-specs/$F1/handoff"
	hf handoff FEATURE=$F1
	sed -i 's/"captured_at": "\(.*\)Z"/"captured_at": "\1+00:00"/' "$p/artifact-manifest.json"
	sed -i "s/^SOURCE_COMMIT='/SOURCE_COMMIT='0/" "$p/generate.sh"
	rm "$p/verification.md"
	run hf verify FEATURE=$F1
	assert_failure
	assert_line "verify: $F1: verification.md: missing from the package"
	assert_line "verify: $F1: artifact-manifest.json: captured_at \"2026-01-01T00:00:00+00:00\" is not ISO 8601 UTC with Z"
	assert_line --partial "verify: $F1: generate.sh: SOURCE_COMMIT 0"
}

@test "make verification runs TEST_CMD through tapnote; without it the note is a plain FAIL" {
	local r="$BATS_TEST_TMPDIR/greet" p
	example_repo "$r"
	cd "$r"
	p="kitty-specs/$F1/handoff"
	hf handoff FEATURE=$F1
	grep -q FAIL "$p/verification.md"
	run hf verification FEATURE=$F1 TEST_CMD='printf "1..2\nok 1 - greets Ada\nok 2 - greets the world\n"'
	assert_success
	grep -q PASS "$p/verification.md"
	grep -q "greets the world" "$p/verification.md"
	run hf verification FEATURE=$F1 TEST_CMD='printf "1..1\nnot ok 1 - greets Ada\n"'
	assert_success
	grep -q FAIL "$p/verification.md"
}

@test "make -n handoff is a dry run: OUT is not written" {
	local r="$BATS_TEST_TMPDIR/greet"
	example_repo "$r"
	cd "$r"
	run hf -n handoff FEATURE=$F1
	assert_success
	[ ! -e "kitty-specs/$F1/handoff" ]
}

@test "handoff-all: every feature named in every message, a tally by name, a bad name skipped and never run" {
	local r="$BATS_TEST_TMPDIR/greet" bad='x$(touch${IFS}pwned)'
	example_repo "$r"
	cd "$r"
	sed -i 's/"mission": "documentation"/"mission": "no-such-mission"/' "kitty-specs/$F2/meta.json"
	mkdir kitty-specs/003-bad-events kitty-specs/"$bad"
	cp "kitty-specs/$F1/spec.md" kitty-specs/003-bad-events/
	printf '%s\n' '{"event_id": "a"}' 'not json' >kitty-specs/003-bad-events/status.events.jsonl
	cp "kitty-specs/$F1/spec.md" kitty-specs/"$bad"/
	commit_all . 1767312000
	run --separate-stderr hf -j2 handoff-all
	assert_failure
	[ ! -e pwned ] && [ ! -e kitty-specs/pwned ] || fail "a directory name ran as code"
	assert_line "handoff-all: $F2: unknown mission no-such-mission: no src/specify_cli/missions/no-such-mission/expected-artifacts.yaml in any directory of MANIFEST_PATH; set MISSION (or MANIFEST)"
	assert_line --partial "handoff-all: skipped: kitty-specs/x\$(touch\${IFS}pwned): "
	assert_line "handoff-all: written: $F1"
	assert_line "handoff-all: failed: 003-bad-events $F2"
	assert_line "handoff-all: 1 written, 0 unchanged, 0 refused, 2 failed, 1 skipped"
	# The filter's own message names the feature's input.
	[[ "$stderr" == *"evcat: "*"/003-bad-events/"*":2:"* ]] || fail "$stderr"
	[ -s "kitty-specs/$F1/handoff/namespace.json" ]
	[ ! -e "kitty-specs/$F2/handoff" ] && [ ! -e kitty-specs/003-bad-events/handoff ]
	# A second run does again only what failed.
	run --separate-stderr hf -j2 handoff-all
	assert_failure
	assert_line "handoff-all: unchanged: $F1"
	assert_line "handoff-all: 0 written, 1 unchanged, 0 refused, 2 failed, 1 skipped"
}

# Bad input: one line that names the variable to set, and nothing written.
bad_input() {
	run hf handoff "$@"
	assert_failure
	[ "${#lines[@]}" -eq 1 ]
}

@test "bad input: no FEATURE, a missing feature dir, a slug with / or .." {
	example_repo "$BATS_TEST_TMPDIR/greet"
	cd "$BATS_TEST_TMPDIR/greet"
	bad_input
	assert_output --partial 'FEATURE is not set; set FEATURE'
	bad_input FEATURE=999-nothing
	assert_output --partial 'FEATURE_DIR=kitty-specs/999-nothing is not a directory; set FEATURE'
	bad_input FEATURE=../kitty-specs
	assert_output --partial "FEATURE=../kitty-specs is not a feature slug ('/' is not allowed); set FEATURE"
	bad_input FEATURE=a/b
	assert_output --partial "FEATURE=a/b is not a feature slug ('/' is not allowed); set FEATURE"
	bad_input FEATURE=..
	assert_output --partial "FEATURE=.. is not a feature slug (must not begin with '.'); set FEATURE"
	bad_input FEATURE='a b'
	assert_output --partial "FEATURE='a b' is not a slug; set FEATURE"
	[ -z "$(find kitty-specs -name handoff)" ]
	[ ! -e .git/handoff/a ] && [ ! -e .git/kitty-specs ]
}

@test "bad input: an unknown mission, a manifest missing at the source commit" {
	local r="$BATS_TEST_TMPDIR/greet" first
	example_repo "$r"
	cd "$r"
	bad_input FEATURE=$F1 MISSION=no-such-mission
	assert_output --partial "unknown mission no-such-mission"
	assert_output --partial "set MISSION"
	# A source commit from before the manifest existed.
	git rm -q -r src
	commit_all . 1767312000
	first=$(git rev-parse HEAD)
	git revert --no-edit HEAD >/dev/null
	bad_input FEATURE=$F1 SOURCE_COMMIT="$first"
	assert_output --partial "at SOURCE_COMMIT=$first; set SOURCE_COMMIT, or MANIFEST"
	bad_input FEATURE=$F1 SOURCE_COMMIT=0123456789abcdef0123456789abcdef01234567
	assert_output --partial "is not in this repository"
	assert_output --partial "MANIFEST"
	[ ! -e "kitty-specs/$F1/handoff" ]
}

@test "bad input: a detached HEAD needs SOURCE_BRANCH" {
	local r="$BATS_TEST_TMPDIR/greet"
	example_repo "$r"
	cd "$r"
	git checkout -q --detach HEAD
	bad_input FEATURE=$F1
	assert_output --partial "HEAD is detached; set SOURCE_BRANCH"
	[ ! -e "kitty-specs/$F1/handoff" ]
	run hf handoff FEATURE=$F1 SOURCE_BRANCH=main
	assert_success
	grep -q '"source_branch": "main"' "kitty-specs/$F1/handoff/namespace.json"
}

@test "bad input: a feature that is not committed yet, and check without a package" {
	local r="$BATS_TEST_TMPDIR/greet"
	example_repo "$r"
	cd "$r"
	mkdir kitty-specs/003-draft
	echo draft >kitty-specs/003-draft/spec.md
	bad_input FEATURE=003-draft
	assert_output --partial "is not committed at HEAD"
	run hf check FEATURE=$F1
	assert_failure
	[ "${#lines[@]}" -eq 1 ]
	assert_output --partial "no namespace.json to check; run make handoff, or set OUT"
}

@test "SOURCE_DATE_EPOCH sets every timestamp" {
	local r="$BATS_TEST_TMPDIR/greet" p
	example_repo "$r"
	cd "$r"
	p="kitty-specs/$F2/handoff"
	SOURCE_DATE_EPOCH=1700000000 hf handoff FEATURE=$F2
	grep -qx '  "generated_at": "2023-11-14T22:13:20Z"' "$p/namespace.json"
	grep -qx '  "captured_at": "2023-11-14T22:13:20Z"' "$p/artifact-manifest.json"
	grep -q '"at":"2023-11-14T22:13:20Z"' "$p/events.jsonl"
	grep -qx "PINNED_DATE_EPOCH='1700000000'" "$p/generate.sh"
	bash "$p/generate.sh" --write --output-dir "$BATS_TEST_TMPDIR/v"
	diff -r "$p" "$BATS_TEST_TMPDIR/v"
}

@test "the bundled example's committed package passes check and verify" {
	local b="$BATS_TEST_TMPDIR/build"
	cd "$TOP"
	git rev-parse --git-dir >/dev/null 2>&1 || skip "not a git checkout"
	for f in $F1 $F2; do
		run hf verify REPO=examples FEATURE=$f BUILD="$b/$f"
		assert_success
		assert_line "verify: $f: the package is complete and consistent and matches its replay (7 files)"
	done
}

@test "corpus 045: check reports a stale tree and 24 appended events, and that manifest and namespace match" {
	corpus_or_skip spec-kitty-2x-3bbf9f0.tar.gz
	local r="$BATS_TEST_TMPDIR/spec-kitty"
	corpus_repo "$r"
	cd "$r"
	# The source commit is not in this history: the pinned manifest is
	# named as a work-tree file.
	run hf check FEATURE=$C45
	assert_failure
	[ "${#lines[@]}" -eq 1 ]
	assert_output --partial "SOURCE_COMMIT=21ed0738f009ca35a2927528238a48778e41f1d4 is not in this repository"
	run hf check FEATURE=$C45 MANIFEST=src/specify_cli/missions/software-dev/expected-artifacts.yaml
	assert_failure
	assert_line "check: $C45: namespace.json: matches"
	assert_line "check: $C45: artifact-manifest.json: matches"
	assert_line "check: $C45: artifact-tree.json: stale: 7 changed, 0 missing, 2 new, 0 now present, 0 now absent"
	assert_line "check: $C45: events.jsonl: 24 events appended since the handoff"
	assert_line "check: $C45: generate.sh: missing from the package"
	assert_line "check: $C45: 3 of 7 files differ; 1 entry is not part of the package"
	run grep -c "^check: $C45: artifact-tree.json: \\(changed\\|new\\|missing\\|now present\\): " <<<"$output"
	assert_output 9
}

@test "corpus 045: the manifest fallback is recorded in generate.sh" {
	corpus_or_skip spec-kitty-2x-3bbf9f0.tar.gz
	local r="$BATS_TEST_TMPDIR/spec-kitty" m
	corpus_repo "$r"
	cd "$r"
	m=src/specify_cli/missions/software-dev/expected-artifacts.yaml
	hf handoff FEATURE=$C45 MANIFEST=$m OUT="$BATS_TEST_TMPDIR/o"
	grep -qx "MANIFEST='$m'" "$BATS_TEST_TMPDIR/o/generate.sh"
	grep -qx "SOURCE_COMMIT='21ed0738f009ca35a2927528238a48778e41f1d4'" "$BATS_TEST_TMPDIR/o/generate.sh"
	grep -q '"project_scope_id": "spec-kitty"' "$BATS_TEST_TMPDIR/o/namespace.json"
	cp "$BATS_TEST_TMPDIR/o/generate.sh" "$BATS_TEST_TMPDIR/gen.sh"
	mkdir -p "$BATS_TEST_TMPDIR/v"
	(cd "$r" && bash "$BATS_TEST_TMPDIR/gen.sh" --write --output-dir "$BATS_TEST_TMPDIR/v")
	diff -r "$BATS_TEST_TMPDIR/o" "$BATS_TEST_TMPDIR/v"
}

@test "corpus: handoff-all packages all 42 features in parallel" {
	corpus_or_skip spec-kitty-2x-3bbf9f0.tar.gz
	local r="$BATS_TEST_TMPDIR/spec-kitty" d n=0
	corpus_repo "$r" nopackage
	cd "$r"
	run hf -j4 handoff-all SOURCE_BRANCH=2.x
	assert_success
	for d in kitty-specs/*/; do
		for f in namespace.json artifact-manifest.json artifact-tree.json \
		    events.jsonl version-matrix.md verification.md generate.sh; do
			[ -s "$d/handoff/$f" ] || fail "$d/handoff/$f missing"
		done
		n=$((n + 1))
	done
	[ "$n" -eq 42 ]
	# A second run changes nothing, not even a stamp in BUILD: 42 slugs
	# of many lengths make stamps of many sizes.
	snapshot kitty-specs >"$BATS_TEST_TMPDIR/before"
	snapshot .git/handoff | grep -v '^\./run\.' >"$BATS_TEST_TMPDIR/build.before"
	run hf -j4 handoff-all SOURCE_BRANCH=2.x
	assert_success
	snapshot kitty-specs >"$BATS_TEST_TMPDIR/after"
	diff -u "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	snapshot .git/handoff | grep -v '^\./run\.' >"$BATS_TEST_TMPDIR/build.after"
	diff -u "$BATS_TEST_TMPDIR/build.before" "$BATS_TEST_TMPDIR/build.after"
	commit_all . 1771800000
	run hf verify FEATURE=$C45
	assert_success
	run hf verify FEATURE=006-per-feature-mission
	assert_success
}

@test "corpus: handoff-all names the feature whose committed package cannot be replayed" {
	corpus_or_skip spec-kitty-2x-3bbf9f0.tar.gz
	local r="$BATS_TEST_TMPDIR/spec-kitty"
	corpus_repo "$r"
	cd "$r"
	run hf -j4 handoff-all SOURCE_BRANCH=2.x
	assert_failure
	assert_line "handoff-all: $C45: SOURCE_COMMIT=21ed0738f009ca35a2927528238a48778e41f1d4 is not in this repository; fetch it, set SOURCE_COMMIT to re-pin, or set MANIFEST to the manifest file"
	assert_line "handoff-all: failed: $C45"
	assert_line "handoff-all: 41 written, 0 unchanged, 0 refused, 1 failed"
	[ -s kitty-specs/001-mission-system-architecture/handoff/namespace.json ]
	[ ! -e "kitty-specs/$C45/handoff/generate.sh" ]
}

@test "a filter that fails leaves nothing half-written" {
	local r="$BATS_TEST_TMPDIR/greet"
	example_repo "$r"
	cd "$r"
	echo 'not json' >>"kitty-specs/$F1/status.events.jsonl"
	commit_all . 1767312000
	run hf -k handoff FEATURE=$F1
	assert_failure
	assert_output --partial "evcat: ./.git/handoff/$F1/in/events.jsonl:4:1: invalid JSON"
	[ ! -e "kitty-specs/$F1/handoff" ]
	[ ! -e ".git/handoff/$F1/pkg/events.jsonl" ]
	[ -z "$(find .git/handoff -name '.*.??????')" ]
	# Without the template of generate.sh, nothing at all.
	git reset -q --hard HEAD~1
	snapshot .git/handoff >"$BATS_TEST_TMPDIR/before"
	run hf handoff FEATURE=$F1 HANDOFF_TEMPLATE=
	assert_failure 2
	[ "${#lines[@]}" -eq 1 ]
	assert_output --partial "no generate.sh template beside it; set HANDOFF_TEMPLATE"
	[ ! -e "kitty-specs/$F1/handoff" ]
	snapshot .git/handoff >"$BATS_TEST_TMPDIR/after"
	diff -u "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

@test "outside git, the files and their modification times stand in" {
	local r="$BATS_TEST_TMPDIR/export" p c=0123456789abcdef0123456789abcdef01234567
	mkdir -p "$r"
	cp -R "$TOP/examples/." "$r/"
	rm -rf "$r"/kitty-specs/*/handoff
	find "$r" -type f -exec touch -d '2026-01-05 00:00:00Z' {} +
	touch -d '2026-01-07 00:00:00Z' "$r/kitty-specs/$F1/status.events.jsonl"
	cd "$r"
	p="kitty-specs/$F1/handoff"
	bad_input FEATURE=$F1
	assert_output --partial "not in a git work tree; set SOURCE_COMMIT"
	bad_input FEATURE=$F1 SOURCE_COMMIT=$c
	assert_output --partial "not in a git work tree; set SOURCE_BRANCH"
	run hf handoff FEATURE=$F1 SOURCE_BRANCH=main SOURCE_COMMIT=$c BUILD="$BATS_TEST_TMPDIR/b"
	assert_success
	grep -qx '  "generated_at": "2026-01-07T00:00:00Z"' "$p/namespace.json"
	grep -qx '  "captured_at": "2026-01-05T00:00:00Z"' "$p/artifact-manifest.json"
	grep -qx '  "captured_at": "2026-01-07T00:00:00Z",' "$p/artifact-tree.json"
	run grep -c '"status": "present"' "$p/artifact-tree.json"
	assert_output 8
	cmp "$p/events.jsonl" "kitty-specs/$F1/status.events.jsonl"
	run hf verify FEATURE=$F1 BUILD="$BATS_TEST_TMPDIR/b"
	assert_success
	bash "$p/generate.sh" --write --output-dir "$BATS_TEST_TMPDIR/v"
	diff -r "$p" "$BATS_TEST_TMPDIR/v"
	echo "edited" >>"kitty-specs/$F1/plan.md"
	run hf check FEATURE=$F1 BUILD="$BATS_TEST_TMPDIR/b"
	assert_failure
	assert_line "check: $F1: artifact-tree.json: changed: plan.md"
}

# --- Hostile repositories and careless hands ------------------------------

@test "a stray file, directory or hidden file in the package directory fails check and verify, each named" {
	local r="$BATS_TEST_TMPDIR/greet" p
	example_repo "$r"
	cd "$r"
	p="kitty-specs/$F1/handoff"
	hf handoff FEATURE=$F1
	echo stray >"$p/notes.txt"
	mkdir "$p/extra"
	echo hidden >"$p/.hidden"
	commit_all . 1767312000
	for t in check verify; do
		run hf $t FEATURE=$F1
		assert_failure
		assert_line "$t: $F1: notes.txt: not a file of the package"
		assert_line "$t: $F1: extra/: not a file of the package"
		assert_line "$t: $F1: .hidden: not a file of the package"
		refute_line --partial "matches its replay"
	done
}

@test "a deleted generate.sh, version-matrix.md or verification.md fails check" {
	local r="$BATS_TEST_TMPDIR/greet" p f
	example_repo "$r"
	cd "$r"
	p="kitty-specs/$F1/handoff"
	hf handoff FEATURE=$F1
	commit_all . 1767312000
	for f in generate.sh version-matrix.md verification.md; do
		mv "$p/$f" "$BATS_TEST_TMPDIR/$f"
		run hf check FEATURE=$F1
		assert_failure
		assert_line "check: $F1: $f: missing from the package"
		assert_line "check: $F1: 1 of 7 files differ"
		mv "$BATS_TEST_TMPDIR/$f" "$p/$f"
	done
}

@test "an edited package file with an old mtime is seen by content, and FORCE=1 restores it" {
	local r="$BATS_TEST_TMPDIR/greet" p
	example_repo "$r"
	cd "$r"
	p="kitty-specs/$F1/handoff"
	hf handoff FEATURE=$F1
	cp "$p/namespace.json" "$BATS_TEST_TMPDIR/ns"
	sed -i 's/"greet"/"other"/' "$p/namespace.json"
	touch -d 2020-01-01 "$p/namespace.json"
	run hf handoff FEATURE=$F1
	assert_failure
	assert_output --partial "$p/namespace.json would change; not overwritten"
	run hf handoff FEATURE=$F1 FORCE=1
	assert_success
	cmp "$BATS_TEST_TMPDIR/ns" "$p/namespace.json"
	# The same after a restore that keeps old mtimes, as cp -a does.
	sed -i 's/"greet"/"other"/' "$p/namespace.json"
	cp -a "$p/namespace.json" "$BATS_TEST_TMPDIR/edited"
	cp -a "$BATS_TEST_TMPDIR/edited" "$p/namespace.json"
	run hf handoff FEATURE=$F1
	assert_failure
	assert_output --partial "$p/namespace.json would change; not overwritten"
}

@test "a feature file whose name is not UTF-8 verifies" {
	local r="$BATS_TEST_TMPDIR/greet"
	example_repo "$r"
	cd "$r"
	printf 'x\n' >"kitty-specs/$F1/bad"$'\xff'".md"
	commit_all . 1767312000
	hf handoff FEATURE=$F1
	grep -q '"path": "bad\\udcff.md"' "kitty-specs/$F1/handoff/artifact-tree.json"
	commit_all . 1767398400
	run hf verify FEATURE=$F1
	assert_success
}

@test "no event log: a bootstrap event made again after FORCE=1 is not a rewritten history" {
	local r="$BATS_TEST_TMPDIR/greet"
	example_repo "$r"
	cd "$r"
	hf handoff FEATURE=$F2
	commit_all . 1767312000
	echo "more" >>"kitty-specs/$F2/spec.md"
	commit_all . 1767398400
	hf handoff FEATURE=$F2 FORCE=1
	commit_all . 1767484800
	run hf check FEATURE=$F2
	assert_success
	run hf verify FEATURE=$F2
	assert_success
	refute_output --partial "rewritten"
}

@test "symbolic links out of the repository: handoff refuses to write through one, verify refuses a linked package" {
	local r="$BATS_TEST_TMPDIR/greet" p
	example_repo "$r"
	cd "$r"
	p="kitty-specs/$F1/handoff"
	mkdir "$BATS_TEST_TMPDIR/elsewhere"
	ln -s "$BATS_TEST_TMPDIR/elsewhere" "$p"
	commit_all . 1767312000
	run hf handoff FEATURE=$F1
	assert_failure
	assert_output --partial "$p is a symbolic link; not writing the package through it"
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/elsewhere")" ]
	# A package whose namespace.json, or whole directory, links to a copy
	# outside the repository does not verify.
	rm "$p"
	hf handoff FEATURE=$F1
	cp -R "$p" "$BATS_TEST_TMPDIR/copy"
	rm "$p/namespace.json"
	ln -s "$BATS_TEST_TMPDIR/copy/namespace.json" "$p/namespace.json"
	commit_all . 1767398400
	run hf verify FEATURE=$F1
	assert_failure
	assert_line --partial "namespace.json: a symbolic link leading out of the repository"
	rm -r "$p"
	ln -s "$BATS_TEST_TMPDIR/copy" "$p"
	commit_all . 1767484800
	run hf verify FEATURE=$F1
	assert_failure
	assert_line --partial "a symbolic link leading out of the repository"
}

@test "a forged verification note fails verify; with TEST_CMD, verify reruns the tests" {
	local r="$BATS_TEST_TMPDIR/greet" p t tap="$BATS_TEST_TMPDIR/run.tap"
	example_repo "$r"
	cd "$r"
	p="kitty-specs/$F1/handoff"
	# The tests print what run.tap holds, so that a later run of the
	# same TEST_CMD can tell another story.
	t="cat '$tap'"
	printf '1..2\nok 1 - greets Ada\nok 2 - greets the world\n' >"$tap"
	hf handoff FEATURE=$F1 TEST_CMD="$t"
	commit_all . 1767312000
	run hf verify FEATURE=$F1 TEST_CMD="$t"
	assert_success
	assert_line "$p/verification.md: agrees with the run, overall PASS"
	printf '1..2\nok 1 - greets Ada\nnot ok 2 - greets the world\n' >"$tap"
	hf verification FEATURE=$F1 TEST_CMD="$t"
	grep -q 'Overall result: \*\*FAIL\*\*' "$p/verification.md"
	commit_all . 1767398400
	# Forged, the note no longer agrees with itself...
	sed -i s/FAIL/PASS/g "$p/verification.md"
	commit_all . 1767484800
	run --separate-stderr hf verify FEATURE=$F1
	assert_failure
	[[ "$stderr" == "tapnote: $p/verification.md:"*"the counts say 1 passed"* ]] || fail "$stderr"
	# ...and an honest note that a new run of the tests contradicts fails.
	git revert --no-edit HEAD >/dev/null
	printf '1..2\nok 1 - greets Ada\nok 2 - greets the world\n' >"$tap"
	run --separate-stderr hf verify FEATURE=$F1 TEST_CMD="$t"
	assert_failure
	[[ "$stderr" == *"tapnote: $p/verification.md"* ]] || fail "$stderr"
}

@test "a mission slug (an upper-case ULID suffix) packages, verifies and replays through generate.sh" {
	local r="$BATS_TEST_TMPDIR/greet" m=expected-artifacts-manifest-repair-01KZY498 p
	example_repo "$r"
	cd "$r"
	cp -R "kitty-specs/$F1" "kitty-specs/$m"
	sed -i "s/$F1/$m/g" "kitty-specs/$m/meta.json"
	commit_all . 1767312000
	p="kitty-specs/$m/handoff"
	run hf handoff FEATURE=$m
	assert_success
	grep -qx "  \"feature_slug\": \"$m\"," "$p/namespace.json"
	commit_all . 1767398400
	run hf verify FEATURE=$m
	assert_success
	bash "$p/generate.sh" --write --output-dir "$BATS_TEST_TMPDIR/v"
	diff -r "$p" "$BATS_TEST_TMPDIR/v"
}

@test "the replay commands of version-matrix.md work as written, in a repository with a Makefile of its own" {
	local r="$BATS_TEST_TMPDIR/greet" p
	example_repo "$r"
	cd "$r"
	printf 'all:\n\t@echo the project builds\n' >Makefile
	commit_all . 1767312000
	p="kitty-specs/$F1/handoff"
	hf handoff FEATURE=$F1
	commit_all . 1767398400
	awk '/^```sh$/ { on = 1; next } /^```$/ { if (on) exit } on' \
	    "$p/version-matrix.md" >"$BATS_TEST_TMPDIR/replay.sh"
	grep -q '^make -f "${HANDOFF_MK:-' "$BATS_TEST_TMPDIR/replay.sh"
	run sh -e "$BATS_TEST_TMPDIR/replay.sh"
	assert_success
	assert_line "check: $F1: the package matches its replay (7 files)"
}
