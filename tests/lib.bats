#!/usr/bin/env bats
# The shared library, piece by piece, against Python as the reference.

load helper

bats_require_minimum_version 1.5.0

setup() {
	LIBCHECK="$HANDOFF_TESTBIN/libcheck"
	[ -x "$LIBCHECK" ] || skip "libcheck not built (make test builds it)"
}

pydump() {
	"$PYTHON" -c 'import sys, json
obj = json.load(sys.stdin)
if sys.argv[1] == "indent":
    print(json.dumps(obj, indent=2))
else:
    print(json.dumps(obj, separators=(",", ":")))' "$1"
}

@test "writer: indented output equals json.dumps(indent=2)" {
	"$LIBCHECK" json <"$FIXTURES/lib/writer.json" >"$BATS_TEST_TMPDIR/c"
	pydump indent <"$FIXTURES/lib/writer.json" >"$BATS_TEST_TMPDIR/py"
	diff -u "$BATS_TEST_TMPDIR/py" "$BATS_TEST_TMPDIR/c"
}

@test "writer: compact output equals separators=(',', ':')" {
	"$LIBCHECK" json -c <"$FIXTURES/lib/writer.json" >"$BATS_TEST_TMPDIR/c"
	pydump compact <"$FIXTURES/lib/writer.json" >"$BATS_TEST_TMPDIR/py"
	diff -u "$BATS_TEST_TMPDIR/py" "$BATS_TEST_TMPDIR/c"
}

@test "writer: table of single values" {
	# input | expected output
	while IFS='|' read -r in want; do
		run "$LIBCHECK" json -c <<<"$in"
		assert_success
		assert_output "$want"
	done <<'CASES'
[]|[]
{}|{}
"\u00e9"|"\u00e9"
"\ud83d\ude00"|"\ud83d\ude00"
"\u007f"|"\u007f"
"\u0001"|"\u0001"
"a/b"|"a/b"
{"a":{"b":[]}}|{"a":{"b":[]}}
-0|0
CASES
}

@test "writer: raw bytes escape as Python's surrogateescape does" {
	# NUL, every control character, DEL, valid UTF-8 of each length,
	# and bytes that are not UTF-8 (stray continuation, overlong form,
	# encoded surrogate, truncated sequence, past U+10FFFF).
	printf 'a\000b\001\037\177 \303\251 \342\202\254 \360\237\230\200 '\
'\200 \300\257 \355\240\200 \342\202 \364\220\200\200 \377 "\\\n' \
	    >"$BATS_TEST_TMPDIR/in"
	"$LIBCHECK" string <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/c"
	"$PYTHON" -c 'import sys, os, json
print(json.dumps(os.fsdecode(sys.stdin.buffer.read())))' \
	    <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/py"
	diff -u "$BATS_TEST_TMPDIR/py" "$BATS_TEST_TMPDIR/c"
}

@test "writer: empty containers and nesting in indented form" {
	run "$LIBCHECK" json <<<'{"a":[],"b":{},"c":[{}]}'
	assert_success
	assert_output "$(printf '{\n  "a": [],\n  "b": {},\n  "c": [\n    {}\n  ]\n}')"
}

@test "float repr: shortest round trip, Python's notation switches" {
	printf '%s\n' 1.0 1e16 1.5e-7 0.0001 0.00001 0.1 -0.0 1e22 100.0 \
	    1234567890123456.0 12345678901234567.0 2.5e-320 \
	    1.7976931348623157e308 inf -inf nan 0.30000000000000004 \
	    >"$BATS_TEST_TMPDIR/in"
	"$LIBCHECK" float <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/c"
	"$PYTHON" -c 'import sys, json
for l in sys.stdin:
    print(json.dumps(float(l)))' <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/py"
	diff -u "$BATS_TEST_TMPDIR/py" "$BATS_TEST_TMPDIR/c"
}

@test "fnmatch: agrees with Python fnmatch.fnmatchcase" {
	# pattern | string; the verdict comes from Python.
	local fails=0 p s want got
	while IFS='|' read -r p s; do
		want=$("$PYTHON" -c 'import sys, fnmatch
print(int(fnmatch.fnmatchcase(sys.argv[2], sys.argv[1])))' "$p" "$s")
		got=1
		"$LIBCHECK" fnmatch "$p" "$s" || got=0
		if [ "$want" != "$got" ]; then
			echo "fnmatch '$p' '$s': python $want, ours $got"
			fails=$((fails + 1))
		fi
	done <<'CASES'
tasks/WP*.md|tasks/WP01-x.md
tasks/WP*.md|tasks/sub/WP01.md
*.md|a/b/c.md
*|
?|
?|é
??|é
[!a]*|abc
[!a]*|bcd
[]]|]
[!]]x|ax
[a-|[a-
[z-a]|m
a[|a[
*.[ch]|x.c
*.[ch]|x.h
*.[ch]|x.o
\*|\x
[\]|\
a*b*c|aXXbYYc
a*b*c|aXXbYY
*a*|bbb
[0-9][0-9][0-9]-*|045-x
handoff/*.json|handoff/a.json
spec.md|spec.mdx
CASES
	[ "$fails" -eq 0 ]
}

@test "ulid: 48-bit time and 80 bits in Crockford base32" {
	run "$LIBCHECK" ulid 1771875460000 00112233445566778899
	assert_success
	assert_output 01KJ603RX0008J4CT4ANK7F24S
	run "$LIBCHECK" ulid 0 00000000000000000000
	assert_output 00000000000000000000000000
	run "$LIBCHECK" ulid 281474976710655 ffffffffffffffffffff
	assert_output 7ZZZZZZZZZZZZZZZZZZZZZZZZZ
}

# Known SHA-256 values through the library's three ways (whole buffer,
# pieces of odd sizes after an abandoned digest, the context reused), so
# that either build-time backend must give them.
@test "sha256: known vectors whole, in odd pieces, and on a reused context" {
	local input want sizes
	while IFS=' ' read -r input want; do
		for sizes in "" 1 "3 5 7" "63 1 64 65" 4096 "131071 2"; do
			# shellcheck disable=SC2086
			run "$LIBCHECK" sha256 $sizes < <(
				case $input in
				empty) : ;;
				million) head -c 1000000 /dev/zero | tr '\0' a ;;
				*) printf %s "$input" ;;
				esac)
			assert_success
			assert_output "$(printf '%s\n%s\n%s' "$want" "$want" "$want")"
		done
	done <<'SUMS'
empty e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
abc ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq 248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1
million cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0
SUMS
}

@test "iso time: strict parse of UTC Z times" {
	local in want want_status
	while IFS='|' read -r in want want_status; do
		run "$LIBCHECK" iso "$in"
		if [ "$status" -ne "$want_status" ]; then
			echo "iso '$in': status $status, want $want_status"
			return 1
		fi
		if [ "$want_status" -eq 0 ]; then
			assert_output "$want"
		else
			assert_output --partial "not an ISO 8601 UTC time"
		fi
	done <<'CASES'
2026-02-23T19:37:40Z|1771875460.000|0
1970-01-01T00:00:00Z|0.000|0
2024-02-29T12:00:00.5Z|1709208000.500|0
2026-02-23T19:37:40.123456Z|1771875460.123|0
2023-02-29T12:00:00Z||1
2026-02-23T19:37:40+00:00||1
2026-02-23 19:37:40Z||1
2026-13-01T00:00:00Z||1
2026-02-23T24:00:00Z||1
2026-02-23T19:37:40.Z||1
CASES
}

@test "SOURCE_DATE_EPOCH: honoured, and a malformed value is refused" {
	SOURCE_DATE_EPOCH=1771875460 run "$LIBCHECK" now
	assert_success
	assert_output 2026-02-23T19:37:40Z
	SOURCE_DATE_EPOCH=12abc run "$LIBCHECK" now
	assert_failure 2
	assert_output --partial "SOURCE_DATE_EPOCH: not a number of seconds"
}

# Rows "size reserve piece madvise": size random bytes appended in pieces
# to a string after reserving room for reserve bytes and a NUL.  From 1 MiB
# on, a reservation moves the string to a big mapping (hf_bigalloc, a whole
# number of 2 MiB), which then doubles by copy; growth alone stays on the
# heap.  madvise counts the huge page advices strace sees, the input's
# (read from a file) included.
@test "strreserve: reserved strings move to a big mapping and grow by copy" {
	local size reserve piece want f="$BATS_TEST_TMPDIR/in" t="$BATS_TEST_TMPDIR/trace"
	local trace=1
	command -v strace >/dev/null && strace -f -qq -o /dev/null true 2>/dev/null &&
	    [ "$(uname -s)" = Linux ] || trace=0
	[ "$(head -c 2 "$LIBCHECK")" != "#!" ] || trace=0
	while read -r size reserve piece want; do
		head -c "$size" /dev/urandom >"$f"
		"$LIBCHECK" strcopy "$reserve" "$piece" <"$f" | cmp - "$f" || {
			echo "$size bytes, reserve $reserve, pieces of $piece: differ" >&2
			return 1
		}
		[ "$trace" = 1 ] || continue
		traced -e trace=madvise -o "$t" "$LIBCHECK" strcopy \
		    "$reserve" "$piece" <"$f" >/dev/null
		[ "$(grep -c 'MADV_HUGEPAGE)' "$t")" -eq "$want" ] || {
			echo "$size bytes, reserve $reserve: madvise:" >&2
			cat "$t" >&2
			return 1
		}
	done <<'EOF'
0 0 1 0
1000 0 7 0
1000 5000 7 0
3000000 0 4096 1
3000000 1048574 4096 1
3000000 1048575 4096 3
3000000 1048576 4096 3
3000000 4194304 65536 2
5000000 2097151 1000 4
5000000 2097152 1000 3
EOF
}

# readmax HOW MAX FILE: libcheck readmax on FILE named (HOW "file") or
# through a pipe (HOW "pipe"), under bats' run.
readmax() {
	if [ "$1" = file ]; then
		run --separate-stderr "$LIBCHECK" readmax "$2" "$3"
	else
		run --separate-stderr bash -c 'cat "$2" | "$0" readmax "$1"' \
		    "$LIBCHECK" "$2" "$3"
	fi
}

# Rows "size max": size bytes read with a bound of max, from a regular file
# and from a pipe; the sizes straddle the first buffer (65536 bytes) and
# its doublings, and 1 MiB, from where the input moves to a mapping of its
# own (hf_bigalloc), rounded up to 2 MiB, which a pipe then grows past.
# Random bytes, so the output is compared as a file.
@test "readmax: at the bound the input is read whole, one byte past it is refused" {
	local size max how name f="$BATS_TEST_TMPDIR/in"
	while read -r size max; do
		head -c "$size" /dev/urandom >"$f"
		for how in file pipe; do
			readmax "$how" "$max" "$f"
			name=$f
			[ "$how" = file ] || name='<stdin>'
			if [ "$size" -le "$max" ]; then
				[ "$status" -eq 0 ] && [ -z "$stderr" ] &&
				    cat "$f" | "$LIBCHECK" readmax "$max" |
				    cmp -s - "$f" &&
				    "$LIBCHECK" readmax "$max" "$f" | cmp -s - "$f"
			else
				[ "$status" -eq 1 ] && [ -z "$output" ] &&
				    [ "${stderr#*: }" = "$name: more than $max bytes of input" ]
			fi || {
				echo "$how, $size bytes, bound $max: status $status, $stderr" >&2
				return 1
			}
		done
	done <<'EOF'
0 0
1 0
1 1
2 1
65535 65535
65536 65536
65537 65536
65538 65537
65537 65537
200000 200000
200001 200000
1048574 1048574
1048575 1048574
1048577 1048577
1048578 1048577
2097152 2097152
5000000 5000000
5000001 5000000
5000000 9000000
EOF
}
