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

# --- the vocabulary (ident.c) ----------------------------------------------

# Rows "kind|value|verdict": "ok", or the reason libcheck prints.
identcases() {
	local kind val want n=0
	while IFS='|' read -r kind val want; do
		n=$((n + 1))
		run "$LIBCHECK" ident "$kind" "$val"
		if [ "$output" != "$want" ] ||
		    { [ "$want" = ok ] && [ "$status" -ne 0 ]; } ||
		    { [ "$want" != ok ] && [ "$status" -ne 1 ]; }; then
			printf 'case %d: %s %s: status %s, "%s" (want "%s")\n' \
			    "$n" "$kind" "$val" "$status" "$output" "$want"
			return 1
		fi
	done
}

@test "ident: feature slugs, old numbered and mission forms" {
	identcases <<'CASES'
slug|045-mission-handoff-package-version-matrix|ok
slug|expected-artifacts-manifest-repair-01KZY498|ok
slug|001-greeting-cli|ok
slug|a|ok
slug|A_b.c-1|ok
slug||is empty
slug|..|must not begin with '.'
slug|a..b|must not contain '..'
slug|.hidden|must not begin with '.'
slug|-rf|must not begin with '-'
slug|a/b|'/' is not allowed
slug|045/../x|'/' is not allowed
slug|a b|' ' is not allowed
slug|a;b|';' is not allowed
slug|$(touch x)|'$' is not allowed
slug|a`b`|'`' is not allowed
slug|x$(touch${IFS}pwned)|'$' is not allowed
slug|a'b|''' is not allowed
slug|a"b|'"' is not allowed
slug|a*|'*' is not allowed
slug|a&b|'&' is not allowed
slug|café|byte 0xc3 is not allowed
CASES
	run "$LIBCHECK" ident slug "$(printf 'a%.0s' $(seq 200))"
	assert_success
	run "$LIBCHECK" ident slug "$(printf 'a%.0s' $(seq 201))"
	assert_failure 1
	assert_output "longer than 200 bytes"
	run "$LIBCHECK" ident slug "$(printf 'a\tb')"
	assert_output "byte 0x09 is not allowed"
}

@test "ident: scope, mission and step names" {
	identcases <<'CASES'
scope|spec-kitty|ok
scope|My.Repo_2-x|ok
scope|.git|must not begin with '.'
scope|-x|must not begin with '-'
scope|a/b|'/' is not allowed
scope||is empty
mission|software-dev|ok
mission|Research_2|ok
mission|../x|'/' is not allowed
mission|a b|' ' is not allowed
step|implement|ok
step|implement-review|ok
step|-x|must not begin with '-'
step|a:b|':' is not allowed
CASES
}

@test "ident: commits are 40 or 64 lowercase hex digits" {
	local c40=21ed0738f009ca35a2927528238a48778e41f1d4
	local why="must be 40 or 64 lowercase hexadecimal digits"
	identcases <<CASES
commit|$c40|ok
commit|$c40$(printf '0%.0s' $(seq 24))|ok
commit||$why
commit|21ed073|$why
commit|${c40}0|$why
commit|21ED0738f009ca35a2927528238a48778e41f1d4|$why
commit|g1ed0738f009ca35a2927528238a48778e41f1d4|$why
commit|HEAD|$why
CASES
}

@test "ident: branches follow git check-ref-format, ASCII, no shell metacharacters" {
	identcases <<'CASES'
branch|main|ok
branch|2.x|ok
branch|feature/x.y-z_1|ok
branch|release/2.x/hotfix|ok
branch|a@b|ok
branch|a.b.lockx|ok
branch|a+b=c,d%e|ok
branch||is empty
branch|a..b|must not contain '..'
branch|..|must not end with '.'
branch|.a|no component may begin with '.'
branch|a/.b|no component may begin with '.'
branch|-b|must not begin with '-'
branch|/a|must not begin or end with '/'
branch|a/|must not begin or end with '/'
branch|a//b|must not contain '//'
branch|a.|must not end with '.'
branch|a.lock|no component may end with '.lock'
branch|a.lock/b|no component may end with '.lock'
branch|a@{1}|must not contain '@{'
branch|@|is not a branch name
branch|HEAD|is not a branch name
branch|a b|' ' is not allowed
branch|a~1|'~' is not allowed
branch|a^|'^' is not allowed
branch|a:b|':' is not allowed
branch|a?|'?' is not allowed
branch|a*|'*' is not allowed
branch|a[b|'[' is not allowed
branch|a\b|'\' is not allowed
branch|$(x)|'$' is not allowed
branch|a`b|'`' is not allowed
branch|a;b|';' is not allowed
branch|a&b|'&' is not allowed
branch|a<b|'<' is not allowed
branch|a>b|'>' is not allowed
branch|a(b|'(' is not allowed
branch|a'b|''' is not allowed
branch|a"b|'"' is not allowed
branch|a!b|'!' is not allowed
branch|a#b|'#' is not allowed
branch|feature/ü|byte 0xc3 is not allowed
CASES
	run "$LIBCHECK" ident branch "$(printf 'a\033b')"
	assert_output "control character 0x1b"
	run "$LIBCHECK" ident branch "$(printf 'a%.0s' $(seq 256))"
	assert_output "longer than 255 bytes"
}

@test "ident: timestamps are ISO 8601 UTC with Z" {
	local why="not an ISO 8601 UTC time (YYYY-MM-DDTHH:MM:SS[.fff]Z)"
	identcases <<CASES
time|2026-02-23T19:37:40Z|ok
time|2026-02-23T19:37:40.123Z|ok
time|2000-02-29T23:59:59.999Z|ok
time|1970-01-01T00:00:00Z|ok
time||$why
time|2026-02-23|$why
time|2026-02-23T19:37:40|$why
time|2026-02-23T19:37:40+00:00|$why
time|2026-02-23 19:37:40Z|$why
time|2026-02-30T00:00:00Z|$why
time|1969-12-31T23:59:59Z|$why
CASES
}

# --- messages (err.c) ----------------------------------------------------

@test "messages: control bytes and bytes that are not UTF-8 are escaped, one line" {
	# input (printf %b) | the message as shown
	local in want
	while IFS='|' read -r in want; do
		run --separate-stderr "$LIBCHECK" die < <(printf '%b' "$in")
		[ "$status" -eq 1 ] || { echo "status $status: $in"; return 1; }
		[ "$stderr" = "libcheck: $want" ] || {
			printf 'input %s\nstderr   %s\nexpected libcheck: %s\n' \
			    "$in" "$stderr" "$want"
			return 1
		}
	done <<'CASES'
plain text|plain text
\033[31mRED\033[0m|\e[31mRED\e[0m
line1\nline2|line1\nline2
a\rb|a\rb
bell\a|bell\a
tab\there|tab\there
\b\v\f|\b\v\f
\001\037\177|\x01\x1f\x7f
caf\303\251 \342\202\254 \360\237\230\200|café € 😀
\377\376|\xff\xfe
\302\233 CSI|\xc2\x9b CSI
\300\257|\xc0\xaf
back\\slash|back\slash
CASES
}

@test "messages: input in a filter's message cannot reach the terminal raw" {
	run --separate-stderr matrixgen -x "$(printf 'a\033]0;title\007\nb')"
	[ "$status" -eq 2 ]
	[ "$stderr" = 'matrixgen: a\e]0;title\a\nb: No such file or directory' ]
	run --separate-stderr nsgen "$(printf 'k\033[2J=v')"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -le 1 ]
	[[ "$stderr" != *$'\033'* ]]
}

@test "messages: a very long message is cut, still one line" {
	run --separate-stderr "$LIBCHECK" die < <(head -c 10000 /dev/zero | tr '\0' x)
	[ "$status" -eq 1 ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[[ "$stderr" == *x... ]]
}

# --- located JSON loading (jsonload.c) -------------------------------------

@test "jsonload: syntax errors at line:col, columns in bytes from 1" {
	local in want
	while IFS='|' read -r in want; do
		printf '%b' "$in" >"$BATS_TEST_TMPDIR/j.json"
		run --separate-stderr "$LIBCHECK" jsonload "$BATS_TEST_TMPDIR/j.json"
		[ "$status" -eq 1 ] && [ -z "$output" ] &&
		    [ "$stderr" = "libcheck: $BATS_TEST_TMPDIR/j.json:$want: invalid JSON" ] || {
			printf 'input %s: status %s, stderr %s\n' "$in" \
			    "$status" "$stderr"
			return 1
		}
	done <<'CASES'
{"a": 1,\n "b": }\n|2:7
{}\n{}\n|2:1
{"é": x}|1:8
[1,\n\n   2,,]|3:6
{"a": "b\000"}|1:9
\n\n|3:1
{"a": "\\udc41"}|1:8
{"a": "\\ud800"}|1:8
CASES
}

@test "jsonload: lone surrogate escapes come back as the bytes treehash wrote" {
	printf '{"path": "bad\\udcff.md", "emoji": "\\ud83d\\ude00", "e": "\\u00e9"}\n' \
	    >"$BATS_TEST_TMPDIR/j.json"
	run --separate-stderr "$LIBCHECK" jsonload "$BATS_TEST_TMPDIR/j.json"
	assert_success
	assert_output '{
  "path": "bad\udcff.md",
  "emoji": "\ud83d\ude00",
  "e": "\u00e9"
}'
}

@test "jsonload: a structural error names its JSON pointer" {
	printf '{"required_by_step": {"implement": [{}, {}, {"path_pattern": 1}]}, "a/b": {"c~d": [0]}}' \
	    >"$BATS_TEST_TMPDIR/m.json"
	run --separate-stderr "$LIBCHECK" jsonload "$BATS_TEST_TMPDIR/m.json" \
	    /required_by_step/implement/2/path_pattern
	fails_with 1 "libcheck: $BATS_TEST_TMPDIR/m.json: /required_by_step/implement/2/path_pattern: wrong kind"
	run --separate-stderr "$LIBCHECK" jsonload "$BATS_TEST_TMPDIR/m.json" \
	    /a~1b/c~0d/0
	fails_with 1 "libcheck: $BATS_TEST_TMPDIR/m.json: /a~1b/c~0d/0: wrong kind"
}

# --- -o FILE (outfile.c), through the filters ------------------------------

NSKV=(project_scope_id=p feature_slug=f source_branch=main
    source_commit=0123456789abcdef0123456789abcdef01234567
    mission_key=software-dev manifest_version=1
    generated_at=2026-01-01T00:00:00Z)

# The names in a directory, hidden ones too, one a line.
names() {
	find "$1" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort
}

@test "-o: writes the file, new files get 0666 less the umask" {
	local d="$BATS_TEST_TMPDIR/o"
	mkdir "$d"
	nsgen "${NSKV[@]}" >"$d/want"
	(umask 022 && nsgen -o "$d/ns.json" "${NSKV[@]}")
	cmp "$d/want" "$d/ns.json"
	[ "$(stat -c %a "$d/ns.json")" = 644 ]
	(umask 077 && nsgen -o "$d/ns2.json" "${NSKV[@]}")
	[ "$(stat -c %a "$d/ns2.json")" = 600 ]
	[ "$(names "$d")" = "$(printf 'ns.json\nns2.json\nwant')" ]
}

@test "-o: identical output leaves the file untouched, mtime included" {
	local d="$BATS_TEST_TMPDIR/o"
	mkdir "$d"
	nsgen -o "$d/ns.json" "${NSKV[@]}"
	touch -d 2020-01-01T00:00:00Z "$d/ns.json"
	ino=$(stat -c %i "$d/ns.json")
	nsgen -o "$d/ns.json" "${NSKV[@]}"
	[ "$(stat -c %Y "$d/ns.json")" = "$(date -d 2020-01-01T00:00:00Z +%s)" ]
	[ "$(stat -c %i "$d/ns.json")" = "$ino" ]
	[ "$(names "$d")" = ns.json ]
}

@test "-o: changed output replaces the file whole and keeps its mode" {
	local d="$BATS_TEST_TMPDIR/o"
	mkdir "$d"
	printf 'old\n' >"$d/ns.json"
	chmod 640 "$d/ns.json"
	nsgen -o "$d/ns.json" "${NSKV[@]}"
	nsgen "${NSKV[@]}" | cmp - "$d/ns.json"
	[ "$(stat -c %a "$d/ns.json")" = 640 ]
	[ "$(names "$d")" = ns.json ]
}

@test "-o: a failed run leaves the old file and no temporary file" {
	local d="$BATS_TEST_TMPDIR/o"
	mkdir "$d"
	printf 'old\n' >"$d/ns.json"
	touch -d 2020-01-01T00:00:00Z "$d/ns.json"
	run --separate-stderr nsgen -o "$d/ns.json" "${NSKV[@]}" colour=red
	fails_with 1 'nsgen: "colour": unknown key'
	[ "$(cat "$d/ns.json")" = old ]
	[ "$(stat -c %Y "$d/ns.json")" = "$(date -d 2020-01-01T00:00:00Z +%s)" ]
	[ "$(names "$d")" = ns.json ]
	# Nothing is created when there was no file.
	run --separate-stderr nsgen -o "$d/new.json" "${NSKV[@]}" colour=red
	[ "$status" -eq 1 ]
	[ "$(names "$d")" = ns.json ]
	# An I/O error on the input, after the temporary file was made.
	run --separate-stderr evcat -n -o "$d/ev" -p p -f f -b b -s 0123
	[ "$status" -eq 2 ]
	run --separate-stderr evcat -o "$d/ev" "$d/missing.jsonl"
	[ "$status" -eq 2 ]
	[ "$(names "$d")" = ns.json ]
}

@test "-o: a directory that cannot be written to is an I/O error" {
	local d="$BATS_TEST_TMPDIR/o"
	run --separate-stderr nsgen -o "$d/nodir/ns.json" "${NSKV[@]}"
	fails_with 2 "nsgen: $d/nodir/ns.json: No such file or directory"
	mkdir "$d"
	run --separate-stderr nsgen -o "$d/" "${NSKV[@]}"
	fails_with 2 "nsgen: -o $d/: names a directory"
	mkdir "$d/sub"
	run --separate-stderr nsgen -o "$d/sub" "${NSKV[@]}"
	fails_with 2 "nsgen: -o $d/sub: names a directory"
	[ -d "$d/sub" ]
	[ "$(names "$d")" = sub ]
}

@test "-o: a named pipe is written in place, and stays a pipe" {
	local d="$BATS_TEST_TMPDIR/o" want
	mkdir "$d"
	mkfifo "$d/pipe"
	want=$(nsgen "${NSKV[@]}")
	# Held open for reading and writing, the pipe never blocks the
	# filter's open, and what it wrote waits in it once the filter ends.
	exec 9<>"$d/pipe"
	nsgen -o "$d/pipe" "${NSKV[@]}"
	[ -p "$d/pipe" ]
	[ "$(names "$d")" = pipe ]
	[ "$(head -c $((${#want} + 1)) <&9)" = "$want" ]
	exec 9>&-
}

# evcat -o OUT FIFO: the temporary file exists before the input is opened,
# so once the test's open of the FIFO for writing returns, the filter is
# blocked reading it with its temporary file made; that is the stop point.
killed() {
	local sig=$1 d="$BATS_TEST_TMPDIR/o" pid st=0
	mkdir -p "$d"
	printf 'old\n' >"$d/ev.jsonl"
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	evcat -o "$d/ev.jsonl" "$BATS_TEST_TMPDIR/fifo" 3>&- &
	pid=$!
	exec 8>"$BATS_TEST_TMPDIR/fifo"
	[ "$(names "$d" | grep -c '^\.ev\.jsonl\.')" -eq 1 ]
	printf '{"event_id": "a"}\n' >&8
	kill -"$sig" "$pid"
	wait "$pid" || st=$?
	exec 8>&-
	[ "$st" -eq $((128 + $(kill -l "$sig"))) ]
	[ "$(cat "$d/ev.jsonl")" = old ]
	[ "$(names "$d")" = ev.jsonl ]
}

@test "-o: SIGTERM at a stop point removes the temporary file, FILE stays" {
	killed TERM
}

@test "-o: SIGHUP at a stop point removes the temporary file, FILE stays" {
	killed HUP
}

@test "-o: the stop point, released, gives the whole output" {
	local d="$BATS_TEST_TMPDIR/o"
	mkdir "$d"
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	evcat -o "$d/ev.jsonl" "$BATS_TEST_TMPDIR/fifo" 3>&- &
	pid=$!
	exec 8>"$BATS_TEST_TMPDIR/fifo"
	printf '{"event_id": "a"}\n' >&8
	exec 8>&-
	wait "$pid"
	[ "$(cat "$d/ev.jsonl")" = '{"event_id": "a"}' ]
	[ "$(names "$d")" = ev.jsonl ]
}
