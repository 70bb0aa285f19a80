#!/usr/bin/env bats
# install: the built package into OUT, whole or not at all; the tally.

load helper

bats_require_minimum_version 1.5.0

HANDOFF_LIBEXEC=${HANDOFF_LIBEXEC:-$TOP/build/libexec}
F=001-greeting-cli
EX=$TOP/examples/kitty-specs/$F/handoff

setup() {
	cd "$BATS_TEST_TMPDIR"
	rm -rf repo b
	mkdir -p repo/kitty-specs/$F b/$F/pkg
	cp "$EX"/* b/$F/pkg/
	OUT=repo/kitty-specs/$F/handoff
}

inst() {
	run --separate-stderr "$HANDOFF_LIBEXEC/install" "$@" -F $F -r repo \
	    -o "$OUT" -s b/$F/outcome.handoff b/$F/pkg
}

@test "a new package is written whole; a second run leaves it alone, mtimes too" {
	inst
	assert_success
	[ -z "$output" ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 7 ]
	[[ "$stderr" == "handoff: $F: wrote $OUT/namespace.json"* ]]
	[ "$(cat b/$F/outcome.handoff)" = written ]
	diff -r "$EX" "$OUT"
	[ -x "$OUT/generate.sh" ]
	touch -d 2001-01-01 "$OUT"/*
	inst
	assert_success
	[ -z "$stderr" ]
	[ "$(cat b/$F/outcome.handoff)" = unchanged ]
	[ "$(stat -c %Y "$OUT/namespace.json")" = "$(date -d 2001-01-01 +%s)" ]
}

@test "an edit with an old mtime is seen by content and refused; nothing is written; -f overwrites" {
	inst
	sed -i 's/"greet"/"edited"/' "$OUT/namespace.json"
	rm "$OUT/verification.md"
	touch -d 2001-01-01 "$OUT/namespace.json"
	inst
	[ "$status" -eq 1 ]
	diff -u - <(printf '%s\n' "$stderr") <<END
handoff: $F: $OUT/namespace.json would change; not overwritten
handoff: $F: run 'make check' to see the differences, FORCE=1 to overwrite
END
	[ "$(cat b/$F/outcome.handoff)" = refused ]
	grep -q edited "$OUT/namespace.json"
	[ ! -e "$OUT/verification.md" ]
	inst -f
	assert_success
	diff -u - <(printf '%s\n' "$stderr") <<END
handoff: $F: wrote $OUT/namespace.json
handoff: $F: wrote $OUT/verification.md
END
	diff -r "$EX" "$OUT"
}

@test "a file that differs only in a timestamp field counts as unchanged" {
	inst
	for f in namespace.json:generated_at artifact-manifest.json:captured_at \
	    artifact-tree.json:captured_at; do
		sed -i "s/\"${f#*:}\": \"[^\"]*\"/\"${f#*:}\": \"2020-01-01T00:00:00Z\"/" \
		    "$OUT/${f%%:*}"
	done
	evcat -n -f $F -p greet -b main -s 39eecff63b767f3e546320ac8ad4a8ca82fd4091 \
	    -t 2020-01-01T00:00:00Z >b/$F/pkg/events.jsonl
	evcat -n -f $F -p greet -b main -s 39eecff63b767f3e546320ac8ad4a8ca82fd4091 \
	    -t 2021-01-01T00:00:00Z >"$OUT/events.jsonl"
	inst
	assert_success
	[ -z "$stderr" ]
	[ "$(cat b/$F/outcome.handoff)" = unchanged ]
}

@test "bad input: links out of the repository, an incomplete package, bad options" {
	mkdir -p elsewhere
	ln -s ../../../elsewhere "$OUT"
	inst
	[ "$status" -eq 1 ]
	[ "$stderr" = "handoff: $F: $OUT is a symbolic link; not writing the package through it" ]
	[ -z "$(ls elsewhere)" ]
	[ "$(cat b/$F/outcome.handoff)" = refused ]
	rm "$OUT"
	ln -s ../../elsewhere repo/kitty-specs/x
	OUT=repo/kitty-specs/x/handoff
	inst -f
	[ "$status" -eq 1 ]
	[ "$stderr" = "handoff: $F: repo/kitty-specs/x is a symbolic link; not writing the package through it" ]
	[ -z "$(ls elsewhere)" ]
	OUT=repo/kitty-specs/$F/handoff
	rm b/$F/pkg/generate.sh
	inst
	[ "$status" -eq 2 ]
	[ "$stderr" = "handoff: $F: b/$F/pkg: the built package has no generate.sh" ]
	[ ! -e b/$F/outcome.handoff ]
	[ ! -e "$OUT" ]
	run --separate-stderr "$HANDOFF_LIBEXEC/install" -F $F -r repo -o x b/$F/pkg
	[ "$status" -eq 2 ]
	[[ "$stderr" == "usage: install [-f] [-n name] -F feature"* ]]
	run --separate-stderr "$HANDOFF_LIBEXEC/install" -F 'a b' -r repo -o x -s s b/$F/pkg
	[ "$status" -eq 2 ]
	[[ "$stderr" == "install: -F a b: "* ]]
}

@test "what a killed run left in OUT is removed" {
	inst
	: >"$OUT/.namespace.json.AbC123"
	: >"$OUT/.keep.me.xyz123"
	inst
	assert_success
	[ ! -e "$OUT/.namespace.json.AbC123" ]
	[ -e "$OUT/.keep.me.xyz123" ]
}

@test "-T: the tally of an -all run, by name" {
	mkdir -p b/a b/c b/d b/e
	echo written >b/a/outcome.handoff
	echo unchanged >b/c/outcome.handoff
	echo refused >b/d/outcome.handoff
	run --separate-stderr "$HANDOFF_LIBEXEC/install" -T handoff -B b a c d e
	[ "$status" -eq 1 ]
	diff -u - <(printf '%s\n' "$output") <<'END'
handoff-all: written: a
handoff-all: unchanged: c
handoff-all: refused: d
handoff-all: failed: e
handoff-all: 1 written, 1 unchanged, 1 refused, 1 failed
END
	run --separate-stderr "$HANDOFF_LIBEXEC/install" -T handoff -B b a c
	assert_success
	assert_output "handoff-all: written: a
handoff-all: unchanged: c
handoff-all: 1 written, 1 unchanged, 0 refused, 0 failed"
	echo matches >b/a/outcome.check
	echo differs >b/c/outcome.check
	run --separate-stderr "$HANDOFF_LIBEXEC/install" -T check -B b a c
	[ "$status" -eq 1 ]
	assert_output "check-all: matches: a
check-all: differs: c
check-all: 1 matches, 1 differs, 0 failed"
	run --separate-stderr "$HANDOFF_LIBEXEC/install" -T bogus a
	[ "$status" -eq 2 ]
	[ "$stderr" = "install: -T bogus: not handoff, check or verify" ]
}
