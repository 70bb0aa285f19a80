#!/usr/bin/env bats
# The pipeline on a real history: spec-kitty's 2.x branch up to 3bbf9f0
# (3,330 commits, merges included, 42 features), cloned from the corpus
# bundle, packaged with handoff.mk's defaults in the checkouts CI uses: a
# full clone, a linked work tree, a clone at a path with a space, a run
# from a subdirectory, and a shallow clone.

load helper
bats_require_minimum_version 1.5.0

MK="$TOP/handoff.mk"
BUNDLE=spec-kitty-2x-history-3bbf9f0.bundle
C45=045-mission-handoff-package-version-matrix
PKG="namespace.json artifact-manifest.json artifact-tree.json events.jsonl
version-matrix.md verification.md generate.sh"

setup_file() {
	[ -e "$CORPUS/$BUNDLE" ] || return 0
	export GIT_CONFIG_NOSYSTEM=1 HOME="$BATS_FILE_TMPDIR"
	git config --global advice.detachedHead false
	# One clone for the file; each test copies it (cp is much faster
	# than cloning again) or makes the checkout it is about.
	git clone -q -b 2.x "$CORPUS/$BUNDLE" "$BATS_FILE_TMPDIR/clone"
	git -C "$BATS_FILE_TMPDIR/clone" remote set-url origin \
	    https://example.org/git/spec-kitty.git
}

setup() {
	corpus_or_skip "$BUNDLE"
	export GIT_CONFIG_NOSYSTEM=1 HOME="$BATS_FILE_TMPDIR"
	export GIT_AUTHOR_NAME=tester GIT_AUTHOR_EMAIL=tester@example.org
	export GIT_COMMITTER_NAME=tester GIT_COMMITTER_EMAIL=tester@example.org
	unset SOURCE_DATE_EPOCH
}

hf() {
	make -s -f "$MK" "$@"
}

# A fresh copy of the clone at $1.
clone_at() {
	cp -a "$BATS_FILE_TMPDIR/clone" "$1"
}

# The seven files of every package under kitty-specs of $1, with their
# digests, one line each.
digests() {
	(cd "$1/kitty-specs" && for d in */handoff; do
		for f in $PKG; do sha256sum "$d/$f"; done
	done)
}

@test "handoff-all packages every feature with defaults, refuses 045's own package, and verify-all passes after a commit" {
	local r="$BATS_TEST_TMPDIR/sk" f n=0
	clone_at "$r"
	cd "$r"
	digests . >"$BATS_TEST_TMPDIR/045.before" 2>/dev/null || true
	run --separate-stderr hf -j2 handoff-all
	assert_failure
	# 045 holds the package spec-kitty made with its own generator: it is
	# refused, named, and left byte for byte as it was.
	[[ "$stderr" == *"handoff: $C45: kitty-specs/$C45/handoff/artifact-tree.json would change; not overwritten"* ]] ||
	    fail "045 not refused by name: $stderr"
	git diff --quiet HEAD -- "kitty-specs/$C45/handoff" || fail "045's package was changed"
	[ -z "$(git status --porcelain -- "kitty-specs/$C45/handoff")" ]
	for f in kitty-specs/*/; do
		f=${f%/}; f=${f#kitty-specs/}
		[ "$f" = "$C45" ] && continue
		for p in $PKG; do
			[ -s "kitty-specs/$f/handoff/$p" ] || fail "$f: $p missing"
		done
		n=$((n + 1))
	done
	[ "$n" -eq 41 ]
	assert_line "handoff-all: 41 written, 0 unchanged, 1 refused, 0 failed"
	assert_line "handoff-all: refused: $C45"
	# A second run writes nothing and refuses 045 again.
	digests . >"$BATS_TEST_TMPDIR/first"
	run --separate-stderr hf -j2 handoff-all
	assert_failure
	assert_line "handoff-all: 0 written, 41 unchanged, 1 refused, 0 failed"
	digests . >"$BATS_TEST_TMPDIR/second"
	diff -u "$BATS_TEST_TMPDIR/first" "$BATS_TEST_TMPDIR/second"
	# Committed, every package made here verifies.
	git add -A kitty-specs
	git commit -q -m "handoff packages"
	for f in kitty-specs/*/; do
		f=${f%/}; f=${f#kitty-specs/}
		[ "$f" = "$C45" ] && continue
		run hf verify FEATURE="$f"
		[ "$status" -eq 0 ] || fail "verify $f: $output"
	done
}

@test "a feature packaged alone, by handoff-all, in a linked work tree, at a path with a space and from a subdirectory: the same bytes" {
	local r="$BATS_TEST_TMPDIR/sk" s="$BATS_TEST_TMPDIR/with space/sk"
	local w="$BATS_TEST_TMPDIR/wt" f=006-per-feature-mission
	local g=044-constitution-interview-compiler-context-bootstrap
	clone_at "$r"
	hf -C "$r" -j2 handoff-all >/dev/null 2>&1 || true
	mkdir -p "$BATS_TEST_TMPDIR/with space"
	git clone -q -b 2.x "$CORPUS/$BUNDLE" "$s"
	git -C "$s" remote set-url origin https://example.org/git/spec-kitty.git
	(cd "$s/kitty-specs" && hf handoff FEATURE=$f && hf handoff FEATURE=$g)
	# A linked work tree of another branch: its packages name the branch
	# they are for.
	git -C "$r" worktree add -q -b review "$w"
	(cd "$w/src" && hf handoff FEATURE=$f SOURCE_BRANCH=2.x &&
	    hf handoff FEATURE=$g SOURCE_BRANCH=2.x)
	for d in "$s" "$w"; do
		for x in $f $g; do
			diff -r "$r/kitty-specs/$x/handoff" "$d/kitty-specs/$x/handoff"
		done
	done
}

@test "a shallow clone: a clear error that says to fetch the history, never another package" {
	local r="$BATS_TEST_TMPDIR/shallow" f=006-per-feature-mission
	git clone -q --depth 1 -b 2.x "file://$BATS_FILE_TMPDIR/clone" "$r"
	cd "$r"
	run --separate-stderr hf handoff FEATURE=$f
	assert_failure
	[[ "$stderr" == *"git fetch --unshallow"* ]] || fail "$stderr"
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ] || fail "more than one line: $stderr"
	[ ! -e "kitty-specs/$f/handoff" ]
}

@test "the 045 reference: check and verify make only true statements" {
	corpus_or_skip 045-reference
	local r="$BATS_TEST_TMPDIR/sk"
	clone_at "$r"
	cd "$r"
	run --separate-stderr hf check FEATURE=$C45
	assert_failure
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/check.out"
	diff -u "$FIXTURES/check/045-check.out" "$BATS_TEST_TMPDIR/check.out"
	run --separate-stderr hf verify FEATURE=$C45
	assert_failure
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/verify.out"
	diff -u "$FIXTURES/check/045-verify.out" "$BATS_TEST_TMPDIR/verify.out"
}

@test "installed: handoff.mk finds its own programs with none on PATH, and names a missing one" {
	local r="$BATS_TEST_TMPDIR/sk" p="$BATS_TEST_TMPDIR/prefix" f=006-per-feature-mission
	make -s -C "$TOP" install PREFIX="$p" >/dev/null
	clone_at "$r"
	cd "$r"
	run --separate-stderr env -u HANDOFF_BIN -u HANDOFF_LIBEXEC PATH=/usr/bin:/bin \
	    make -s -f "$p/share/handoff/handoff.mk" handoff FEATURE=$f
	assert_success
	[ -s "kitty-specs/$f/handoff/artifact-tree.json" ]
	git add -A kitty-specs && git commit -q -m package
	run --separate-stderr env -u HANDOFF_BIN -u HANDOFF_LIBEXEC PATH=/usr/bin:/bin \
	    make -s -f "$p/share/handoff/handoff.mk" verify FEATURE=$f
	assert_success
	rm "$p/bin/treehash"
	run --separate-stderr env -u HANDOFF_BIN -u HANDOFF_LIBEXEC PATH=/usr/bin:/bin \
	    make -s -f "$p/share/handoff/handoff.mk" verify FEATURE=$f
	assert_failure
	[[ "$stderr" == *"missing program: treehash"* ]] || fail "$stderr"
	[[ "$stderr" != *"not well-formed"* ]] || fail "$stderr"
}
