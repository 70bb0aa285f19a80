#!/usr/bin/env bats
# tapnote: TAP streams in, verification notes out.

load helper

bats_require_minimum_version 1.5.0

SRC=0123456789abcdef0123456789abcdef01234567
HEAD=89abcdef0123456789abcdef0123456789abcdef

setup() {
	export SOURCE_DATE_EPOCH=1772366400
}

# The counts row of a note, as "planned ran passed failed skipped todo
# notrun".
counts() {
	grep -A2 '^| Planned |' | tail -n 1 | tr -d '|' | tr -s ' ' |
	    sed 's/^ //; s/ $//'
}

# Table rows "input@counts@verdict@text": the input is printf %b text,
# the note's counts row and verdict (0 PASS, 1 FAIL) must match, and the
# note must contain the text (when not empty) as a whole line or part of
# one.  A note is written, and tapnote exits 0, either way.
tapcases() {
	local in want st text got n=0
	while IFS='@' read -r in want st text; do
		n=$((n + 1))
		printf '%b' "$in" >"$BATS_TEST_TMPDIR/in.tap"
		run --separate-stderr tapnote "$BATS_TEST_TMPDIR/in.tap"
		got=$(counts <<<"$output")
		if [ "$status" -ne 0 ] || [ "$got" != "$want" ] ||
		    [ -n "$stderr" ] ||
		    { [ -n "$text" ] && ! grep -qF -- "$text" <<<"$output"; }
		then
			printf 'case %d: %s\nstatus %s (want %s), counts "%s" ' \
			    "$n" "$in" "$status" "$st" "$got"
			printf '(want "%s"), text "%s"\n%s\n%s\n' "$want" \
			    "$text" "$stderr" "$output"
			return 1
		fi
		if [ "$st" -eq 0 ]; then
			grep -qx 'Overall result: \*\*PASS\*\*' <<<"$output"
		else
			grep -qx 'Overall result: \*\*FAIL\*\*' <<<"$output"
		fi
	done
}

# Table rows "input@message": exit 1, nothing on stdout, the message on
# stderr.
badcases() {
	local in msg n=0
	while IFS='@' read -r in msg; do
		n=$((n + 1))
		printf '%b' "$in" >"$BATS_TEST_TMPDIR/in.tap"
		run --separate-stderr tapnote "$BATS_TEST_TMPDIR/in.tap"
		if [ "$status" -ne 1 ] || [ -n "$output" ] ||
		    [ "$stderr" != "tapnote: $BATS_TEST_TMPDIR/in.tap:$msg" ]
		then
			printf 'case %d: %s\nstatus %s, stderr "%s"\n%s\n' \
			    "$n" "$in" "$status" "$stderr" "$output"
			return 1
		fi
	done
}

@test "plans, versions and numbering" {
	tapcases <<'CASES'
1..2\nok 1\nok 2\n@2 2 2 0 0 0 0@0@PASS: all 2 planned tests ran and none failed.
ok 1\nok 2\n1..2\n@2 2 2 0 0 0 0@0@PASS
TAP version 13\n1..1\nok 1 - a\n@1 1 1 0 0 0 0@0@PASS: the one planned test ran and passed.
TAP version 14\n1..1\nok 1 - a\n@1 1 1 0 0 0 0@0@
TAP version 12\n1..1\nok\n@1 1 1 0 0 0 0@0@
1..3\nok\nok\nok\n@3 3 3 0 0 0 0@0@
1..3\nok 1 - dash\nok 2 bare\nok 3 -\n@3 3 3 0 0 0 0@0@
1..2 # two tests\nok 1\nok 2\n@2 2 2 0 0 0 0@0@
1..2\r\nok 1\r\nok 2\r\n@2 2 2 0 0 0 0@0@
# comment\n\npragma +strict\nhello\nokay\nnot okay\n1..1\nok 1\n@1 1 1 0 0 0 0@0@
CASES
}

@test "SKIP and TODO directives" {
	tapcases <<'CASES'
1..3\nok 1\nok 2 # skip no network\nok 3 # SKIP\n@3 3 1 0 2 0 0@0@
1..3\nok 1\nok 2 #Skipped: no db\nok 3 #   sKiP\n@3 3 1 0 2 0 0@0@
1..2\nok 1\nnot ok 2 name # SKIP\n@2 2 1 0 1 0 0@0@
1..3\nok 1\nnot ok 2 # TODO later\nok 3 # todo bonus\n@3 3 1 0 0 2 0@0@
1..2\nok 1\nnot ok 2 # TODO: not a directive\n@2 2 1 1 0 0 0@1@- test 2 (`# TODO: not a directive`) failed on line 3
1..2\nok 1 issue #5 is fixed\nok 2 # skipping\n@2 2 1 0 1 0 0@0@
1..2\nok 1 issue #5 # SKIP later\nok 2\n@2 2 1 0 1 0 0@0@
1..0 # SKIP no database\n@0 0 0 0 0 0 0@1@- the plan skips the whole run: `no database`
1..0\n@0 0 0 0 0 0 0@1@- no test passed, so the run shows nothing
1..2\nok 1 # skip\nok 2 # todo\n@2 2 0 0 1 1 0@1@- no test passed, so the run shows nothing
CASES
}

@test "failures, missing, duplicate and stray tests" {
	tapcases <<'CASES'
1..2\nok 1\nnot ok 2 - broken\n@2 2 1 1 0 0 0@1@- test 2 (`broken`) failed on line 3
1..2\nnot ok\nok\n@2 2 1 1 0 0 0@1@- test 1 failed on line 2
1..5\nok 1\nok 2\nok 3\n@5 3 3 0 0 0 2@1@- planned tests that did not run: 4-5
1..7\nok 1\nok 3\nok 5\nok 6\n@7 4 4 0 0 0 3@1@- planned tests that did not run: 2, 4, 7
1..3\nok 1\nok 1\nok 2\n@3 3 3 0 0 0 1@1@- test 1 is reported twice (lines 2 and 3)
1..3\nok 1\nok 3\nok 2\n@3 3 3 0 0 0 0@1@- test 3 on line 3 is out of sequence (expected 2)
1..2\nok 1\nok 2\nok 3\n@2 3 3 0 0 0 0@1@- 1 test is outside the plan 1..2, the first test 3 on line 4
1..2\nok 0\nok 1\nok 2\nok 7\n@2 4 4 0 0 0 0@1@- 2 tests are outside the plan 1..2, the first test 0 on line 2
1..2\nok 1\nok 2\n1..2\n@2 2 2 0 0 0 0@1@- a second plan on line 4 (the first is on line 1)
ok 1\n1..2\nok 2\n@2 2 2 0 0 0 0@1@- test line 3 comes after the plan at the end (line 2)
ok 1\nok 2\n@no plan 2 2 0 0 0 0@1@- there is no plan, so nothing shows that every test ran
CASES
}

@test "bail out, YAML blocks and subtests" {
	tapcases <<'CASES'
1..3\nok 1\nBail out! db down\nok 2\nok 3\n@3 1 1 0 0 0 2@1@- the run bailed out on line 3: `db down`
1..2\nok 1\nbail out!\n@2 1 1 0 0 0 1@1@- the run bailed out on line 3
1..2\nok 1\n    Bail out! inner\nok 2\n@2 1 1 0 0 0 1@1@- the run bailed out on line 3: `inner`
Bail out! no database\n@no plan 0 0 0 0 0 0@1@- the run bailed out on line 1: `no database`
1..2\nok 1\n  ---\n  message: x\n  not ok 9\n  Bail out! no\n  ...\nok 2\n@2 2 2 0 0 0 0@0@
1..2\nnot ok 1 # TODO\n  ---\n  severity: todo\n  ...\nok 2\n@2 2 1 0 0 1 0@0@
1..2\nok 1\n  ---\n  a: 1\nok 2\n@2 2 2 0 0 0 0@1@- the YAML block from line 3 is not closed
1..2\nok 1\nok 2\n  ---\n@2 2 2 0 0 0 0@1@- the YAML block from line 4 is not closed
1..2\nok 1\n  ---\n@2 1 1 0 0 0 1@1@- the YAML block from line 3 is not closed
  ---\n1..1\n# ---\n  ---\nok 1\n@1 1 1 0 0 0 0@0@
1..2\n# Subtest: s\n    1..2\n    ok 1\n    not ok 2\nok 1 - s\nok 2\n@2 2 2 0 0 0 0@0@
1..1\n# Subtest: s\n    ok 1\n    1..1\nnot ok 1 - s\n@1 1 0 1 0 0 0@1@- test 1 (`s`) failed on line 5
CASES
}

@test "descriptions: TAP 14 escapes and Markdown in failures" {
	tapcases <<'CASES'
TAP version 14\n1..1\nnot ok 1 - a \\\\# b \\\\\\\\ c # TODO\n@1 1 0 0 0 1 0@1@
TAP version 13\n1..1\nnot ok 1 - a \\\\# b\n@1 1 0 1 0 0 0@1@- test 1 (`a \\# b`) failed on line 3
1..1\nnot ok 1 - x | `y`\n@1 1 0 1 0 0 0@1@- test 1 (`` x | `y` ``) failed on line 2
1..1\nnot ok 1 - tab\there\n@1 1 0 1 0 0 0@1@- test 1 (`tab here`) failed on line 2
1..1\nnot ok 1 - bell\a\n@1 1 0 1 0 0 0@1@- test 1 (`bell?`) failed on line 2
CASES
}

@test "TAP 14 escapes: a '\\#' is no directive and matches as '#'" {
	printf 'TAP version 14\n1..1\nok 1 - issue \\# 5 \\\\ done\n' \
	    >"$BATS_TEST_TMPDIR/in.tap"
	printf 'a\tescaped hash\tissue # 5 \\ done\n' >"$BATS_TEST_TMPDIR/sc"
	run tapnote -m "$BATS_TEST_TMPDIR/sc" "$BATS_TEST_TMPDIR/in.tap"
	assert_success
	assert_line '| a | escaped hash | `issue # 5 \ done` | 1 | 1 | 0 | PASS |'
}

@test "unusable input: exit 2, nothing on stdout, located message" {
	badcases <<'CASES'
@1: no TAP plan and no test line: not a TAP stream
garbage\nmore garbage\n@2: no TAP plan and no test line: not a TAP stream
# only a comment\n@1: no TAP plan and no test line: not a TAP stream
TAP version 15\n1..1\nok\n@1: unsupported TAP version: 15
TAP version 11\n1..1\nok\n@1: unsupported TAP version: 11
TAP version x\n1..1\nok\n@1: unsupported TAP version: x
1..1\nok\n\0\n@3: NUL byte: not a TAP stream
1..1000001\nok\n@1: plan 1..1000001 is past the limit of 1000000 tests
1..9223372036854775808\nok\n@1: plan 1..9223372036854775808 is past the limit of 1000000 tests
1..99999999999999999999999999999999999999\n@1: plan 1..999999999999999999999999999999 is past the limit of 1000000 tests
1..1\nok 1000001\n@2: test number 1000001 is past the limit of 1000000
CASES
}

@test "limits: a plan and a test number at TAPNOTE_TESTS_MAX are read" {
	tapcases <<'CASES'
1..1000000\nok 1\n@1000000 1 1 0 0 0 999999@1@- planned tests that did not run: 2-1000000
ok 1000000\n@no plan 1 1 0 0 0 0@1@- test 1000000 on line 1 is out of sequence (expected 1)
CASES
}

@test "limits: a million test lines pass, one more is unusable" {
	{ echo 1..1000000; yes ok | head -n 1000000; } >"$BATS_TEST_TMPDIR/big"
	run tapnote "$BATS_TEST_TMPDIR/big"
	assert_success
	assert_line '| 1000000 | 1000000 | 1000000 | 0 | 0 | 0 | 0 |'
	echo ok >>"$BATS_TEST_TMPDIR/big"
	run --separate-stderr tapnote "$BATS_TEST_TMPDIR/big"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "$stderr" = "tapnote: $BATS_TEST_TMPDIR/big:1000002: more than 1000000 tests" ]
}

@test "golden: a passing run with scenarios" {
	run tapnote -b main -s "$SRC" -H "$HEAD" \
	    -m "$FIXTURES/tapnote/scenarios.tsv" -r 'bats --tap tests/' \
	    "$FIXTURES/tapnote/pass.tap"
	assert_success
	diff -u "$FIXTURES/tapnote/pass.md" <(printf '%s\n' "$output")
}

@test "golden: a failing run lists every reason" {
	tapnote -b main -s "$SRC" -H "$HEAD" -d 2026-03-01T13:14:15Z \
	    -m "$FIXTURES/tapnote/scenarios-fail.tsv" \
	    -r "$(printf 'prove -v t/\necho `done`')" \
	    <"$FIXTURES/tapnote/fail.tap" >"$BATS_TEST_TMPDIR/note"
	diff -u "$FIXTURES/tapnote/fail.md" "$BATS_TEST_TMPDIR/note"
}

@test "golden: -n says plainly that no test was run" {
	tapnote -n -b main -s "$SRC" -m "$FIXTURES/tapnote/scenarios.tsv" \
	    >"$BATS_TEST_TMPDIR/note"
	diff -u "$FIXTURES/tapnote/none.md" "$BATS_TEST_TMPDIR/note"
}

@test "-n reads no input and needs no scenarios" {
	run tapnote -n </dev/null
	assert_success
	assert_line 'Overall result: **FAIL**'
	assert_line 'FAIL: no test was run, so this note verifies nothing.'
	assert_line 'No test was run, so there is nothing to count.'
	assert_line 'No scenario is mapped to the tests.'
}

@test "a real bats --tap run, passing and skipped tests" {
	# Written with printf: bats would take "@test" lines here for its own.
	printf '%s\n' '@test "export writes one file per widget" { true; }' \
	    '@test "export to S3" { skip "no network"; }' \
	    '@test "round trip keeps every field" { [ 1 -eq 1 ]; }' \
	    '@test "bare skip" { skip; }' >"$BATS_TEST_TMPDIR/tiny.bats"
	printf 'a\tone file\t*one file per widget\nb\tround trip\tround trip*\n' \
	    >"$BATS_TEST_TMPDIR/sc"
	bats --tap "$BATS_TEST_TMPDIR/tiny.bats" >"$BATS_TEST_TMPDIR/tap"
	run tapnote -m "$BATS_TEST_TMPDIR/sc" -r 'bats --tap tests/' \
	    "$BATS_TEST_TMPDIR/tap"
	assert_success
	assert_line 'Overall result: **PASS**'
	assert_line '| 4 | 4 | 2 | 0 | 2 | 0 | 0 |'
	assert_line '| a | one file | `*one file per widget` | 1 | 1 | 0 | PASS |'
	assert_line '| b | round trip | `round trip*` | 1 | 1 | 0 | PASS |'
}

@test "a real bats run with the TAP 13 formatter, piped" {
	printf '%s\n' '@test "passes" { true; }' \
	    '@test "skipped" { skip "later"; }' >"$BATS_TEST_TMPDIR/tiny.bats"
	run bash -c 'bats --formatter tap13 "$1" | tapnote' _ \
	    "$BATS_TEST_TMPDIR/tiny.bats"
	assert_success
	assert_line '| 2 | 2 | 1 | 0 | 1 | 0 | 0 |'
}

@test "a real bats run with a failing test is a FAIL note, exit 0" {
	printf '%s\n' '@test "passes" { true; }' '@test "fails" { false; }' \
	    >"$BATS_TEST_TMPDIR/tiny.bats"
	run bash -c 'bats --tap "$1" | tapnote' _ "$BATS_TEST_TMPDIR/tiny.bats"
	assert_success
	assert_line 'Overall result: **FAIL**'
	assert_line '- test 2 (`fails`) failed on line 3'
}

@test "scenarios: no match, failure, only skipped" {
	printf '1..3\nok 1 - alpha\nnot ok 2 - beta\nok 3 - gamma # SKIP\n' \
	    >"$BATS_TEST_TMPDIR/in.tap"
	printf 'a\tA\talpha\nb\tB\tbeta\nc\tC\tgamma\nd\tD\tdelta\ne\tE\t[ab]*\n' \
	    >"$BATS_TEST_TMPDIR/sc"
	run tapnote -m "$BATS_TEST_TMPDIR/sc" "$BATS_TEST_TMPDIR/in.tap"
	assert_success
	assert_line 'Overall result: **FAIL**'
	assert_line '| a | A | `alpha` | 1 | 1 | 0 | PASS |'
	assert_line '| b | B | `beta` | 1 | 0 | 1 | FAIL |'
	assert_line '| c | C | `gamma` | 1 | 0 | 0 | FAIL |'
	assert_line '| d | D | `delta` | 0 | 0 | 0 | FAIL |'
	assert_line '| e | E | `[ab]*` | 2 | 1 | 1 | FAIL |'
	assert_line '- scenario b has 1 failing test'
	assert_line '- scenario c: none of its tests passed (all skipped or todo)'
	assert_line '- scenario d has no matching test'
	assert_line '- scenario e has 1 failing test'
}

@test "scenarios: every scenario passing keeps the run a PASS" {
	printf '1..2\nok 1 - alpha\nok 2 - beta\n' >"$BATS_TEST_TMPDIR/in.tap"
	printf '# comment\n\n  \na\tA\t*\n' >"$BATS_TEST_TMPDIR/sc"
	run tapnote -m "$BATS_TEST_TMPDIR/sc" "$BATS_TEST_TMPDIR/in.tap"
	assert_success
	assert_line '| a | A | `*` | 2 | 2 | 0 | PASS |'
}

@test "scenarios: Markdown in labels and descriptions is shown as text" {
	printf '1..1\nok 1 - a\n' >"$BATS_TEST_TMPDIR/in.tap"
	printf '*x*\t<b>|`c`\ta\n' >"$BATS_TEST_TMPDIR/sc"
	run tapnote -m "$BATS_TEST_TMPDIR/sc" "$BATS_TEST_TMPDIR/in.tap"
	assert_success
	assert_line '| \*x\* | \<b\>\|\`c\` | `a` | 1 | 1 | 0 | PASS |'
}

@test "scenarios: bad mapping files are unusable input" {
	local in msg n=0
	printf '1..1\nok 1\n' >"$BATS_TEST_TMPDIR/in.tap"
	while IFS='@' read -r in msg; do
		n=$((n + 1))
		printf '%b' "$in" >"$BATS_TEST_TMPDIR/sc"
		run --separate-stderr tapnote -m "$BATS_TEST_TMPDIR/sc" \
		    "$BATS_TEST_TMPDIR/in.tap"
		if [ "$status" -ne 1 ] || [ -n "$output" ] ||
		    [ "$stderr" != "tapnote: $BATS_TEST_TMPDIR/sc:$msg" ]; then
			printf 'case %d: status %s, stderr "%s"\n' "$n" \
			    "$status" "$stderr"
			return 1
		fi
	done <<'CASES'
a\tb\n@1: expected 3 tab-separated fields (label, description, pattern), found 2
# c\na\tb\tc\td\n@2: expected 3 tab-separated fields (label, description, pattern), found 4
nothing\n@1: expected 3 tab-separated fields (label, description, pattern), found 1
\tb\tc\n@1: empty label
a\t  \tc\n@1: empty description
a\tb\t\n@1: empty pattern
a\tb\tc\na\td\te\n@2: scenario a is already on line 1
a\tb\001\tc\n@1: control character in the description
a\tb\tc\r\n\nb\tc\r\td\n@3: control character in the description
CASES
}

@test "scenarios: TAPNOTE_SCENARIOS_MAX is the limit" {
	printf '1..1\nok 1 - t\n' >"$BATS_TEST_TMPDIR/in.tap"
	seq 1 1000 | awk '{ printf "s%d\tscenario %d\tt\n", $1, $1 }' \
	    >"$BATS_TEST_TMPDIR/sc"
	run tapnote -m "$BATS_TEST_TMPDIR/sc" "$BATS_TEST_TMPDIR/in.tap"
	assert_success
	assert_line '| s1000 | scenario 1000 | `t` | 1 | 1 | 0 | PASS |'
	printf 's1001\tone too many\tt\n' >>"$BATS_TEST_TMPDIR/sc"
	run --separate-stderr tapnote -m "$BATS_TEST_TMPDIR/sc" \
	    "$BATS_TEST_TMPDIR/in.tap"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "$stderr" = "tapnote: $BATS_TEST_TMPDIR/sc:1001: more than 1000 scenarios" ]
}

@test "run date: -d as given, else SOURCE_DATE_EPOCH" {
	run tapnote -d 2026-02-23T20:44:07Z <<<$'1..1\nok 1'
	assert_success
	assert_line '| Run date | 2026-02-23T20:44:07Z |'
	run tapnote <<<$'1..1\nok 1'
	assert_line '| Run date | 2026-03-01T12:00:00Z |'
}

@test "fields not given say so; a multi-line re-run command is fenced" {
	run tapnote -r "$(printf 'cd t &&\n  ```make``` check')" <<<$'1..1\nok 1'
	assert_success
	assert_line '| Branch | not recorded |'
	assert_line '| HEAD commit | not recorded |'
	assert_line '````sh'
	assert_line '  ```make``` check'
	assert_line '````'
}

@test "usage: -h, bad options and operands" {
	run tapnote -h
	assert_success
	assert_line --index 0 --partial 'usage: tapnote [-n] [-b branch]'
	run --separate-stderr tapnote -q
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == *"usage: tapnote"* ]]
	run --separate-stderr tapnote a b
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"usage: tapnote"* ]]
	run --separate-stderr tapnote -n "$FIXTURES/tapnote/pass.tap"
	[ "$status" -eq 2 ]
	[ -z "$output" ]
}

@test "usage: bad option values exit 2 with nothing on stdout" {
	local args msg
	while IFS='@' read -r args msg; do
		# shellcheck disable=SC2086
		run --separate-stderr tapnote $args "$FIXTURES/tapnote/pass.tap"
		if [ "$status" -ne 2 ] || [ -n "$output" ] ||
		    [ "$stderr" != "tapnote: $msg" ]; then
			printf '%s: status %s, stderr "%s"\n' "$args" \
			    "$status" "$stderr"
			return 1
		fi
	done <<'CASES'
-d 2026-02-23@-d: "2026-02-23": not an ISO 8601 UTC time (YYYY-MM-DDTHH:MM:SS[.fff]Z)
-d 2026-02-23T20:44:07+01:00@-d: "2026-02-23T20:44:07+01:00": not an ISO 8601 UTC time (YYYY-MM-DDTHH:MM:SS[.fff]Z)
-s 21ed073@-s: "21ed073": must be 40 or 64 lowercase hexadecimal digits
-s 0123456789ABCDEF0123456789ABCDEF01234567@-s: "0123456789ABCDEF0123456789ABCDEF01234567": must be 40 or 64 lowercase hexadecimal digits
-H HEAD@-H: "HEAD": must be 40 or 64 lowercase hexadecimal digits
-b a..b@-b: "a..b": must not contain '..'
-b a;b@-b: "a;b": ';' is not allowed
CASES
	run --separate-stderr tapnote -b '' "$FIXTURES/tapnote/pass.tap"
	[ "$status" -eq 2 ]
	[ "$stderr" = 'tapnote: -b: "": is empty' ]
	run --separate-stderr tapnote -r '' "$FIXTURES/tapnote/pass.tap"
	[ "$status" -eq 2 ]
	[ "$stderr" = "tapnote: -r: empty, or a control character in the command" ]
	run --separate-stderr tapnote -r "$(printf 'a\033b')" \
	    "$FIXTURES/tapnote/pass.tap"
	[ "$status" -eq 2 ]
	[ -z "$output" ]
}

@test "I/O: a missing input or scenarios file exits 2" {
	run --separate-stderr tapnote "$BATS_TEST_TMPDIR/nope"
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == "tapnote: $BATS_TEST_TMPDIR/nope: "* ]]
	run --separate-stderr tapnote -m "$BATS_TEST_TMPDIR/nope" \
	    "$FIXTURES/tapnote/pass.tap"
	[ "$status" -eq 2 ]
	[ -z "$output" ]
}

@test "the same input gives the same note" {
	a=$(tapnote -m "$FIXTURES/tapnote/scenarios.tsv" "$FIXTURES/tapnote/pass.tap")
	b=$(tapnote -m "$FIXTURES/tapnote/scenarios.tsv" <"$FIXTURES/tapnote/pass.tap")
	[ "$a" = "$b" ]
}

@test "limits: TAPNOTE_INPUT_MAX bytes of TAP are read, one more is unusable" {
	local max=$((64 * 1024 * 1024)) f="$BATS_TEST_TMPDIR/in.tap"
	local msg="more than $max bytes of input"
	# One long comment line is the cheapest TAP to pad a stream with.
	printf '1..1\nok 1 a\n# ' >"$f"
	padto "$f" "$max" x
	run --separate-stderr tapnote "$f"
	assert_success
	assert_line 'Overall result: **PASS**'
	# A file one byte larger is refused from its size, before reading.
	truncate -s $((max + 1)) "$f"
	run --separate-stderr tapnote "$f"
	fails_with 1 "tapnote: $f: $msg"
	# A pipe has no size: reading stops one byte past the bound.
	run --separate-stderr bash -c \
	    "{ printf '1..1\nok 1 a\n# '; head -c $max /dev/zero | tr '\0' x; } | tapnote"
	fails_with 1 "tapnote: <stdin>: $msg"
}

@test "limits: a scenarios file of TAPNOTE_SCENFILE_MAX bytes is read, one more is unusable" {
	local max=$((1024 * 1024)) f="$BATS_TEST_TMPDIR/sc"
	local msg="more than $max bytes of input"
	printf '1..1\nok 1 alpha\n' >"$BATS_TEST_TMPDIR/in.tap"
	printf 'a\tA\talpha\n# ' >"$f"
	padto "$f" "$max" x
	run --separate-stderr tapnote -m "$f" "$BATS_TEST_TMPDIR/in.tap"
	assert_success
	assert_line '| a | A | `alpha` | 1 | 1 | 0 | PASS |'
	truncate -s $((max + 1)) "$f"
	run --separate-stderr tapnote -m "$f" "$BATS_TEST_TMPDIR/in.tap"
	fails_with 1 "tapnote: $f: $msg"
	run --separate-stderr bash -c \
	    "head -c $((max + 1)) /dev/zero | tr '\0' '#' |
	    tapnote -m - \"\$BATS_TEST_TMPDIR/in.tap\""
	fails_with 1 "tapnote: <stdin>: $msg"
}

@test "check: the notes tapnote writes are consistent with themselves" {
	local f
	for f in pass fail none; do
		run --separate-stderr tapnote -c "$FIXTURES/tapnote/$f.md"
		assert_success
		[ -z "$stderr" ]
	done
	assert_output "$FIXTURES/tapnote/none.md: consistent with itself, overall FAIL"
	run tapnote -c "$FIXTURES/tapnote/pass.md"
	assert_output "$FIXTURES/tapnote/pass.md: consistent with itself, overall PASS"
}

@test "check: a note forged with sed s/FAIL/PASS/g fails, naming the first inconsistency" {
	local f="$BATS_TEST_TMPDIR/note.md"
	# note | the first inconsistency
	while IFS='|' read -r src line msg; do
		sed s/FAIL/PASS/g "$FIXTURES/tapnote/$src" >"$f"
		run --separate-stderr tapnote -c "$f"
		fails_with 1 "tapnote: $f:$line: $msg" ||
		    { echo "note: $src" >&2; return 1; }
	done <<'CASES'
fail.md|41|the counts say 3 passed, the table of tests lists 4
none.md|22|scenario (a): PASS with 0 passed and 0 failed
CASES
}

@test "check: hand edits that break a note's arithmetic" {
	local f="$BATS_TEST_TMPDIR/note.md" src="$FIXTURES/tapnote/fail.md"
	# sed expression | line | message
	while IFS='@' read -r expr line msg; do
		sed "$expr" "$src" >"$f"
		run --separate-stderr tapnote -c "$f"
		fails_with 1 "tapnote: $f:$line: $msg" ||
		    { echo "edit: $expr" >&2; return 1; }
	done <<'CASES'
s/| 1 | 0 | 1 | FAIL |/| 1 | 0 | 1 | PASS |/@32@scenario (b): PASS with 0 passed and 1 failed
s/^Overall result: \*\*FAIL\*\*/Overall result: **PASS**/@14@the verdict says FAIL but the overall result is PASS
s/^| 7 | 5 | 3 | 1 |/| 7 | 5 | 3 | 0 |/@41@the counts say 0 failed, the table of tests lists 1
s/| 2 | 2 | 0 | PASS |/| 2 | 3 | 0 | PASS |/@33@scenario (c): 3 passed and 0 failed of 2 tests
/^- /d@14@FAIL without a reason
s/\*\*FAIL\*\*/**MAYBE**/@3@the overall result is neither PASS nor FAIL
CASES
	printf '# Verification note\n' >"$f"
	run --separate-stderr tapnote -c "$f"
	fails_with 1 "tapnote: $f: no overall result: not a verification note"
}

@test "check: a run compared with the note, scenario by scenario" {
	local d="$FIXTURES/tapnote"
	run --separate-stderr tapnote -c "$d/fail.md" -m "$d/scenarios-fail.tsv" \
	    "$d/fail.tap"
	assert_success
	assert_output "$d/fail.md: agrees with the run, overall FAIL"
	run --separate-stderr tapnote -c "$d/pass.md" -m "$d/scenarios.tsv" \
	    <"$d/pass.tap"
	assert_success
	# The passing note against a failing run: each disagreement.
	run --separate-stderr tapnote -c "$d/pass.md" -m "$d/scenarios.tsv" \
	    "$d/fail.tap"
	[ "$status" -eq 1 ] && [ -z "$output" ]
	[[ "$stderr" == *"$d/pass.md:23: scenario (b): the note says PASS (1 tests, 1 passed, 0 failed), the run FAIL (1 tests, 0 passed, 1 failed)"* ]]
	[[ "$stderr" == *"$d/pass.md:31: failed: the note says 0, the run 1"* ]]
	[[ "$stderr" == *"$d/pass.md:3: the note says PASS, the run FAIL" ]]
	# A forged note that adds up is still caught by the run.
	sed 's/| (b) | Unknown formats are refused | `export refuses \*` | 1 | 0 | 1 | FAIL |/| (b) | Unknown formats are refused | `export refuses *` | 1 | 1 | 0 | PASS |/' \
	    "$d/fail.md" >"$BATS_TEST_TMPDIR/note.md"
	run --separate-stderr tapnote -c "$BATS_TEST_TMPDIR/note.md" \
	    -m "$d/scenarios-fail.tsv" "$d/fail.tap"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"scenario (b): the note says PASS (1 tests, 1 passed, 0 failed), the run FAIL (1 tests, 0 passed, 1 failed)"* ]]
}

@test "check: -c takes no note-writing options" {
	run --separate-stderr tapnote -c "$FIXTURES/tapnote/pass.md" -b main
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"usage: tapnote"* ]]
	run --separate-stderr tapnote -c "$FIXTURES/tapnote/pass.md" -n
	[ "$status" -eq 2 ]
}

@test "-o: the note is written whole, PASS or FAIL" {
	local d="$BATS_TEST_TMPDIR"
	tapnote -b main -s "$SRC" -H "$HEAD" -d 2026-03-01T13:14:15Z \
	    -m "$FIXTURES/tapnote/scenarios-fail.tsv" \
	    -r "$(printf 'prove -v t/\necho `done`')" \
	    -o "$d/verification.md" "$FIXTURES/tapnote/fail.tap"
	diff -u "$FIXTURES/tapnote/fail.md" "$d/verification.md"
	run --separate-stderr tapnote -o "$d/verification.md" <<<'not tap'
	[ "$status" -eq 1 ]
	diff -u "$FIXTURES/tapnote/fail.md" "$d/verification.md"
}
