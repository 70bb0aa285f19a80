#!/usr/bin/env bats
# template: generate.sh from filters/generate.sh.in.

load helper

bats_require_minimum_version 1.5.0

HANDOFF_LIBEXEC=${HANDOFF_LIBEXEC:-$TOP/build/libexec}

# constants GENERATE.SH: the NAME=value operands its pinned constants were
# filled from.
constants() {
	sed -n "s/^\([A-Z_]*\)='\(.*\)'\$/\1=\2/p" "$1" |
	    sed -e 's/^PINNED_DATE_EPOCH=/SOURCE_DATE_EPOCH=/' -e '/^MANIFEST_VERSION=/d'
}

@test "the examples' generate.sh come out byte for byte, mode 0755" {
	for d in "$TOP"/examples/kitty-specs/*/handoff; do
		mapfile -t args < <(constants "$d/generate.sh")
		"$HANDOFF_LIBEXEC/template" -m "$d/artifact-manifest.json" \
		    -o "$BATS_TEST_TMPDIR/g.sh" "$TOP/filters/generate.sh.in" "${args[@]}"
		cmp "$d/generate.sh" "$BATS_TEST_TMPDIR/g.sh"
		[ "$(stat -c %a "$BATS_TEST_TMPDIR/g.sh")" = 755 ]
	done
}

@test "values are single-quote-escaped, read once from left to right" {
	printf "A='@TEST_CMD@' B='@PINS@' @unknown@ @ @@\n" >"$BATS_TEST_TMPDIR/t"
	run --separate-stderr "$HANDOFF_LIBEXEC/template" "$BATS_TEST_TMPDIR/t" \
	    "TEST_CMD=it's @PINS@" PINS=p
	assert_success
	assert_output "A='it'\\''s @PINS@' B='p' @unknown@ @ @@"
	printf 'x @STEP_ID@' >"$BATS_TEST_TMPDIR/t"
	run --separate-stderr "$HANDOFF_LIBEXEC/template" "$BATS_TEST_TMPDIR/t"
	assert_output "x "
}

@test "bad input: status and message" {
	printf '@X@\n' >"$BATS_TEST_TMPDIR/t"
	while IFS='|' read -r args st msg; do
		read -ra argv <<<"$args"
		run --separate-stderr "$HANDOFF_LIBEXEC/template" "${argv[@]}"
		[ "$status" -eq "$st" ] || { echo "$args: status $status" >&2; false; }
		[[ "$stderr" == "$msg"* ]] || { echo "$args: $stderr" >&2; false; }
	done <<CASES
|2|usage: template
$BATS_TEST_TMPDIR/t BOGUS=1|2|template: BOGUS: not a name of the template
$BATS_TEST_TMPDIR/t PINS|2|template: PINS: not name=value
$BATS_TEST_TMPDIR/none|2|template: $BATS_TEST_TMPDIR/none:
-m $BATS_TEST_TMPDIR/t $BATS_TEST_TMPDIR/t|1|template: $BATS_TEST_TMPDIR/t:
CASES
}
