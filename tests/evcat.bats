#!/usr/bin/env bats
# evcat: pass-through, checking, the bootstrap event, compare mode, limits.

load helper

bats_require_minimum_version 1.5.0

NS045=(-p spec-kitty -f 045-mission-handoff-package-version-matrix -b 2.x
    -s 21ed0738f009ca35a2927528238a48778e41f1d4)

@test "-h prints the usage on stdout; bad usage exits 2 with it on stderr" {
	run --separate-stderr evcat -h
	assert_success
	assert_line --index 0 --partial "usage: evcat [-n] [-A actor] [-b source_branch]"
	assert_line --index 2 "       evcat -c committed.jsonl [file]"
	# argv | why it is wrong
	while IFS='|' read -r args why; do
		read -ra argv <<<"$args"
		run --separate-stderr evcat "${argv[@]}"
		[ "$status" -eq 2 ] || { echo "$why: status $status" >&2; false; }
		[ -z "$output" ]
		[[ "$stderr" == *"usage: evcat [-n]"* ]] ||
		    { echo "$why: $stderr" >&2; false; }
	done <<'CASES'
-x|unknown option
a b|two files
-n a|-n with a file
-c a -n|-c with -n
-c a -p x|-c with a bootstrap option
-c|-c without its argument
CASES
}

@test "pass-through: the sample log comes out byte for byte" {
	evcat "$FIXTURES/evcat/sample.jsonl" >"$BATS_TEST_TMPDIR/out"
	cmp "$FIXTURES/evcat/sample.jsonl" "$BATS_TEST_TMPDIR/out"
	evcat <"$FIXTURES/evcat/sample.jsonl" >"$BATS_TEST_TMPDIR/out"
	cmp "$FIXTURES/evcat/sample.jsonl" "$BATS_TEST_TMPDIR/out"
	cat "$FIXTURES/evcat/sample.jsonl" | evcat - >"$BATS_TEST_TMPDIR/out"
	cmp "$FIXTURES/evcat/sample.jsonl" "$BATS_TEST_TMPDIR/out"
}

@test "pass-through: a missing final newline is added, nothing else" {
	evcat "$FIXTURES/evcat/nonl.jsonl" >"$BATS_TEST_TMPDIR/out"
	diff -u "$FIXTURES/evcat/nonl.golden" "$BATS_TEST_TMPDIR/out"
	cat "$FIXTURES/evcat/nonl.jsonl" | evcat >"$BATS_TEST_TMPDIR/out"
	diff -u "$FIXTURES/evcat/nonl.golden" "$BATS_TEST_TMPDIR/out"
}

@test "pass-through: stdin read from a regular file at an offset" {
	f="$BATS_TEST_TMPDIR/log"
	{ echo skipped; cat "$FIXTURES/evcat/sample.jsonl"; } >"$f"
	{ read -r _; evcat; } <"$f" >"$BATS_TEST_TMPDIR/out"
	cmp "$FIXTURES/evcat/sample.jsonl" "$BATS_TEST_TMPDIR/out"
}

@test "bad lines: status, message, nothing on stdout" {
	# printf-format input | message after "evcat: <stdin>:"
	while IFS='|' read -r in want; do
		run --separate-stderr evcat < <(printf "$in")
		fails_with 1 "evcat: <stdin>:$want" || { echo "input: $in" >&2; false; }
	done <<'CASES'
\n|1: blank line
{"event_id":"a"}\n\n{"event_id":"b"}\n|2: blank line
{"event_id":"a"}\n \t\r\n|2: blank line
[1,2]\n|1: not a JSON object
"x"\n|1: not a JSON object
null\n|1: not a JSON object
{"event_id":"a"}\n{"event_id":"b"}\n{"event_id":"a"}\n|3: duplicate event_id a (first on line 1)
{"event_id":"A"}\n{"event_id":"\\u0041"}\n|2: duplicate event_id A (first on line 1)
{"event_id":"a b"}\n{"event_id":"a b"}\n|2: duplicate event_id "a b" (first on line 1)
{"event_id":"\\u00e9"}\n{"event_id":"\\u00e9"}\n|2: duplicate event_id "\u00e9" (first on line 1)
{"x":1}\n|1: no event_id
{"a":{"event_id":"x"}}\n|1: no event_id
{"Event_ID":"x"}\n|1: no event_id
{"event_id":1}\n|1: event_id is not a string
{"event_id":null}\n|1: event_id is not a string
{"event_id":["a"]}\n|1: event_id is not a string
{"event_id":"a","event_id":"b"}\n|1: event_id given twice
{"event_id":"a","event\\u005fid":"b"}\n|1: event_id given twice
{"event_id":""}\n|1: empty event_id
{"event_id":"a"\n|1:16: invalid JSON
{"event_id":"a"} x\n|1:18: invalid JSON
{"event_id":"a",}\n|1:18: invalid JSON
{"event_id":"a" "b":1}\n|1:17: invalid JSON
{"event_id":"\\ud800"}\n|1:14: invalid JSON
{"event_id":"a","n":NaN}\n|1:21: invalid JSON
{"event_id":"a","n":-}\n|1:21: invalid JSON
{"event_id":"a","n":tru}\n|1:21: invalid JSON
{"event_id":"a\\q"}\n|1:15: invalid JSON
{'event_id':'a'}\n|1:3: invalid JSON
CASES
}

@test "bad lines: the message names the file; line counts past good lines" {
	f="$BATS_TEST_TMPDIR/events.jsonl"
	for i in $(seq 1 20000); do
		printf '{"event_id":"id%d","n":%d}\n' "$i" "$i"
	done >"$f"
	printf '{"event_id":"id7"}\n' >>"$f"
	run --separate-stderr evcat "$f"
	fails_with 1 "evcat: $f:20001: duplicate event_id id7 (first on line 7)"
	run --separate-stderr bash -c 'cat "$1" | evcat' _ "$f"
	fails_with 1 "evcat: <stdin>:20001: duplicate event_id id7 (first on line 7)"
}

@test "lines that cJSON accepts pass, though strict JSON would refuse them" {
	printf '{"event_id":"a","n":01,"t":"x\ty"}\n\001{"event_id":"b"}\001\n%s\n' \
	    $'\357\273\277{"event_id":"c","f":-.5}' >"$BATS_TEST_TMPDIR/lax"
	evcat "$BATS_TEST_TMPDIR/lax" >"$BATS_TEST_TMPDIR/out"
	cmp "$BATS_TEST_TMPDIR/lax" "$BATS_TEST_TMPDIR/out"
}

@test "limit: a line of 4194304 bytes passes, one byte more fails" {
	mk() {
		"$PYTHON" -c 'import sys
n = int(sys.argv[1])
head = "{\"event_id\":\"a\",\"p\":\""
sys.stdout.write(head + "x" * (n - len(head) - 2) + "\"}" + sys.argv[2])' "$@"
	}
	mk 4194304 $'\n' >"$BATS_TEST_TMPDIR/at"
	evcat "$BATS_TEST_TMPDIR/at" | cmp - "$BATS_TEST_TMPDIR/at"
	mk 4194305 $'\n' >"$BATS_TEST_TMPDIR/past"
	run --separate-stderr evcat "$BATS_TEST_TMPDIR/past"
	fails_with 1 "evcat: $BATS_TEST_TMPDIR/past:1: line longer than 4194304 bytes"
	# Through a pipe, and with no final newline, the same.
	run --separate-stderr bash -c 'cat "$1" | evcat' _ "$BATS_TEST_TMPDIR/past"
	fails_with 1 "evcat: <stdin>:1: line longer than 4194304 bytes"
	mk 4194305 '' >"$BATS_TEST_TMPDIR/past"
	run --separate-stderr evcat "$BATS_TEST_TMPDIR/past"
	fails_with 1 "evcat: $BATS_TEST_TMPDIR/past:1: line longer than 4194304 bytes"
}

@test "limit: nesting 1000 deep passes, 1001 and 200000 deep fail fast" {
	deep() {
		"$PYTHON" -c 'import sys
n = int(sys.argv[1])
print(sys.argv[2] + "[" * (n - 1) + "]" * (n - 1) + "}")' "$@"
	}
	deep 1000 '{"event_id":"a","x":' >"$BATS_TEST_TMPDIR/at"
	evcat "$BATS_TEST_TMPDIR/at" | cmp - "$BATS_TEST_TMPDIR/at"
	deep 1001 '{"event_id":"a","x":' >"$BATS_TEST_TMPDIR/past"
	run --separate-stderr evcat "$BATS_TEST_TMPDIR/past"
	fails_with 1 "evcat: $BATS_TEST_TMPDIR/past:1:1020: nested deeper than 1000 levels"
	# A tab in a string sends the line to cJSON; the message is the same.
	deep 1001 '{"event_id":"a	","x":' >"$BATS_TEST_TMPDIR/past"
	run --separate-stderr evcat "$BATS_TEST_TMPDIR/past"
	fails_with 1 "evcat: $BATS_TEST_TMPDIR/past:1:1021: nested deeper than 1000 levels"
	deep 200000 '{"event_id":"a","x":' >"$BATS_TEST_TMPDIR/huge"
	run --separate-stderr timeout 10 evcat "$BATS_TEST_TMPDIR/huge"
	fails_with 1 "evcat: $BATS_TEST_TMPDIR/huge:1:1020: nested deeper than 1000 levels"
	deep 200000 '{"event_id":"a	","x":' >"$BATS_TEST_TMPDIR/huge"
	run --separate-stderr timeout 10 evcat "$BATS_TEST_TMPDIR/huge"
	fails_with 1 "evcat: $BATS_TEST_TMPDIR/huge:1:1021: nested deeper than 1000 levels"
}

@test "bootstrap: -n writes the golden event" {
	SOURCE_DATE_EPOCH=1771875460 evcat -n "${NS045[@]}" >"$BATS_TEST_TMPDIR/out"
	diff -u "$FIXTURES/evcat/bootstrap.golden" "$BATS_TEST_TMPDIR/out"
}

@test "bootstrap: an empty log, on stdin or as a file, bootstraps too" {
	SOURCE_DATE_EPOCH=1771875460 evcat "${NS045[@]}" </dev/null \
	    >"$BATS_TEST_TMPDIR/out"
	diff -u "$FIXTURES/evcat/bootstrap.golden" "$BATS_TEST_TMPDIR/out"
	: >"$BATS_TEST_TMPDIR/empty"
	SOURCE_DATE_EPOCH=1771875460 evcat "${NS045[@]}" "$BATS_TEST_TMPDIR/empty" \
	    >"$BATS_TEST_TMPDIR/out"
	diff -u "$FIXTURES/evcat/bootstrap.golden" "$BATS_TEST_TMPDIR/out"
}

@test "bootstrap: the event equals Python's json.dumps and ULID of the namespace" {
	evcat -n -A ci -t 2026-02-23T19:37:40.123Z -p p -f f-1 -b feat/x \
	    -s 0123456789abcdef0123456789abcdef01234567 >"$BATS_TEST_TMPDIR/out"
	"$PYTHON" - >"$BATS_TEST_TMPDIR/py" <<'EOF'
import hashlib, json, calendar, time
at = "2026-02-23T19:37:40.123Z"
ms = calendar.timegm(time.strptime(at[:19], "%Y-%m-%dT%H:%M:%S")) * 1000 + 123
ns = "\n".join(["p", "f-1", "feat/x", "0123456789abcdef0123456789abcdef01234567"])
v = ms << 80 | int.from_bytes(hashlib.sha256(ns.encode()).digest()[:10], "big")
a = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ulid = "".join(a[v >> (5 * (25 - i)) & 31] for i in range(26))
print(json.dumps({"actor": "ci", "at": at, "event_id": ulid,
    "event_type": "handoff_package_created", "feature_slug": "f-1",
    "source_branch": "feat/x",
    "source_commit": "0123456789abcdef0123456789abcdef01234567"},
    sort_keys=True, separators=(",", ":")))
EOF
	diff -u "$BATS_TEST_TMPDIR/py" "$BATS_TEST_TMPDIR/out"
}

@test "bootstrap: options are ignored when the log has events" {
	evcat "${NS045[@]}" -t 2026-01-01T00:00:00Z "$FIXTURES/evcat/sample.jsonl" |
	    cmp - "$FIXTURES/evcat/sample.jsonl"
}

@test "bootstrap: each missing or bad option is named; exit 2" {
	local c=0123456789abcdef0123456789abcdef01234567
	run --separate-stderr evcat -n
	fails_with 2 "evcat: the bootstrap event needs -p project_scope_id
evcat: the bootstrap event needs -f feature_slug
evcat: the bootstrap event needs -b source_branch
evcat: the bootstrap event needs -s source_commit"
	run --separate-stderr evcat -p p -f f -s "$c" </dev/null
	fails_with 2 "evcat: the bootstrap event needs -b source_branch"
	run --separate-stderr evcat -n -p p -f f -b b -s "$c" -A ''
	fails_with 2 "evcat: the bootstrap event needs a non-empty -A actor"
	for t in 2026-02-23 2026-02-23T19:37:40 2026-02-30T00:00:00Z \
	    '2026-02-23T19:37:40+00:00' 1969-12-31T23:59:59Z; do
		run --separate-stderr evcat -n -p p -f f -b b -s "$c" -t "$t"
		fails_with 2 "evcat: -t: \"$t\": not an ISO 8601 UTC time (YYYY-MM-DDTHH:MM:SS[.fff]Z)"
	done
	# option | message after "evcat: "
	while IFS='|' read -r opt val want; do
		set -- -p p -f f -b b -s "$c"
		run --separate-stderr evcat -n "$@" "$opt" "$val"
		fails_with 2 "evcat: $want" || { echo "case: $opt $val" >&2; false; }
	done <<'CASES'
-p|.p|-p: ".p": must not begin with '.'
-f|a/../b|-f: "a/../b": '/' is not allowed
-f|a..b|-f: "a..b": must not contain '..'
-b|a b|-b: "a b": ' ' is not allowed
-b|a$(x)|-b: "a$(x)": '$' is not allowed
-s|s|-s: "s": must be 40 or 64 lowercase hexadecimal digits
CASES
	SOURCE_DATE_EPOCH=x run --separate-stderr evcat -n -p p -f f -b b -s "$c"
	fails_with 2 "evcat: SOURCE_DATE_EPOCH: not a number of seconds: x"
}

@test "I/O errors exit 2" {
	run --separate-stderr evcat "$BATS_TEST_TMPDIR/nonexistent"
	fails_with 2 "evcat: $BATS_TEST_TMPDIR/nonexistent: No such file or directory"
	run --separate-stderr evcat "$BATS_TEST_TMPDIR"
	fails_with 2 "evcat: $BATS_TEST_TMPDIR: Is a directory"
	run --separate-stderr evcat -c "$BATS_TEST_TMPDIR/nonexistent" /dev/null
	fails_with 2 "evcat: $BATS_TEST_TMPDIR/nonexistent: No such file or directory"
	[ -w /dev/full ] || skip "no /dev/full"
	run --separate-stderr bash -c 'evcat "$1" >/dev/full' _ \
	    "$FIXTURES/evcat/sample.jsonl"
	fails_with 2 "evcat: stdout: No space left on device"
}

@test "compare: identical, appended, rewritten, with their statuses" {
	s="$FIXTURES/evcat/sample.jsonl"
	d="$BATS_TEST_TMPDIR"
	cp "$s" "$d/same"
	head -c -1 "$s" >"$d/nonl"
	{ cat "$s"; printf '{"event_id":"x"}\n{"event_id":"y"}'; } >"$d/more"
	{ cat "$s"; printf '{"event_id":"x"}\n'; } >"$d/one"
	sed '2s/WQTMY/WQTMZ/' "$s" >"$d/edited"
	head -n 1 "$s" >"$d/short"
	sed 2d "$s" >"$d/gap"
	{ cat "$d/nonl"; printf ' \n'; } >"$d/space"
	: >"$d/empty"
	# committed | log | status | output
	while IFS='|' read -r old new want_status want; do
		run --separate-stderr evcat -c "$d/$old" "$d/$new"
		[ "$status" -eq "$want_status" ] ||
		    { echo "$old vs $new: status $status" >&2; false; }
		[ "$output" = "$want" ] ||
		    { echo "$old vs $new: $output" >&2; false; }
		[ -z "$stderr" ]
	done <<'CASES'
same|same|0|identical
same|nonl|0|identical
nonl|same|0|identical
empty|empty|0|identical
same|more|3|2 events appended since the handoff
nonl|more|3|2 events appended since the handoff
empty|same|3|3 events appended since the handoff
same|one|3|1 event appended since the handoff
same|edited|4|history rewritten at line 2 (event_id 01KJ605EWQTMY2KYKJ0E94X3F7)
same|short|4|history rewritten at line 2 (event_id 01KJ605EWQTMY2KYKJ0E94X3F7)
same|gap|4|history rewritten at line 2 (event_id 01KJ605EWQTMY2KYKJ0E94X3F7)
same|empty|4|history rewritten at line 1 (event_id 01KJ605ETHDGK6W3DCNWCDDW43)
nonl|space|4|history rewritten at line 3 (event_id 01KJ60CQVHNNYH1JY771GAVG5Y)
more|same|4|history rewritten at line 4 (event_id x)
CASES
}

@test "compare: inputs on pipes, and bad lines in either file" {
	s="$FIXTURES/evcat/sample.jsonl"
	run --separate-stderr bash -c 'evcat -c <(cat "$1") <"$1"' _ "$s"
	assert_equal "$status" 0
	assert_equal "$output" identical
	printf '{"event_id":"a"}\n{"x":1}\n' >"$BATS_TEST_TMPDIR/bad"
	run --separate-stderr evcat -c "$BATS_TEST_TMPDIR/bad" "$s"
	fails_with 1 "evcat: $BATS_TEST_TMPDIR/bad:2: no event_id"
	run --separate-stderr evcat -c "$s" <"$BATS_TEST_TMPDIR/bad"
	fails_with 1 "evcat: <stdin>:2: no event_id"
}

@test "corpus 045: the committed events are 24 behind the later log" {
	corpus_or_skip 045-reference
	ref="$CORPUS/045-reference"
	run --separate-stderr evcat -c "$ref/committed-handoff/events.jsonl" \
	    "$ref/status.events.at-3bbf9f0.jsonl"
	assert_equal "$status" 3
	assert_equal "$output" "24 events appended since the handoff"
	evcat "$ref/status.events.at-3bbf9f0.jsonl" |
	    cmp - "$ref/status.events.at-3bbf9f0.jsonl"
}

@test "corpus 045: a log edited in the middle is history rewritten" {
	corpus_or_skip 045-reference
	ref="$CORPUS/045-reference"
	sed '5s/"actor": "[^"]*"/"actor": "someone-else"/' \
	    "$ref/status.events.at-3bbf9f0.jsonl" >"$BATS_TEST_TMPDIR/edited"
	! cmp -s "$BATS_TEST_TMPDIR/edited" "$ref/status.events.at-3bbf9f0.jsonl"
	run --separate-stderr evcat -c "$ref/committed-handoff/events.jsonl" \
	    "$BATS_TEST_TMPDIR/edited"
	assert_equal "$status" 4
	assert_equal "$output" \
	    "history rewritten at line 5 (event_id 01KJ60CQW5EKA56A4MGK91VH3B)"
}

@test "corpus: every status.events.jsonl of the 2.x tree passes unchanged" {
	corpus_or_skip spec-kitty-2x-3bbf9f0.tar.gz
	tar -xzf "$CORPUS/spec-kitty-2x-3bbf9f0.tar.gz" -C "$BATS_TEST_TMPDIR"
	n=0
	while IFS= read -r -d '' f; do
		evcat "$f" | cmp - "$f"
		cat "$f" | evcat | cmp - "$f"
		n=$((n + 1))
	done < <(find "$BATS_TEST_TMPDIR" -name status.events.jsonl -print0)
	[ "$n" -gt 0 ]
}

@test "ids: increasing, going down, equal; from a file and from a pipe" {
	# printf-format input | message after "<name>:", or - when it passes
	f="$BATS_TEST_TMPDIR/events.jsonl"
	while IFS='|' read -r in want; do
		printf "$in" >"$f"
		for how in file pipe; do
			if [ "$how" = file ]; then
				name=$f
				run --separate-stderr evcat "$f"
			else
				name="<stdin>"
				run --separate-stderr bash -c 'cat "$1" | evcat' _ "$f"
			fi
			if [ "$want" = - ]; then
				[ "$status" -eq 0 ] && [ -z "$stderr" ] &&
				    [ "$output" = "$(cat "$f")" ] ||
				    { echo "$how: $in: $status $stderr" >&2; false; }
			else
				fails_with 1 "evcat: $name:$want" ||
				    { echo "$how: $in" >&2; false; }
			fi
		done
	done <<'CASES'
{"event_id":"a"}\n{"event_id":"b"}\n{"event_id":"c"}\n|-
{"event_id":"a"}\n{"event_id":"ab"}\n{"event_id":"b"}\n|-
{"event_id":"a"}\n{"event_id":"c"}\n{"event_id":"b"}\n{"event_id":"d"}\n|-
{"event_id":"b"}\n{"event_id":"ab"}\n{"event_id":"a"}\n|-
{"event_id":"a"}\n{"event_id":"b"}\n{"event_id":"b"}\n|3: duplicate event_id b (first on line 2)
{"event_id":"a"}\n{"event_id":"a"}\n|2: duplicate event_id a (first on line 1)
{"event_id":"b"}\n{"event_id":"c"}\n{"event_id":"a"}\n{"event_id":"d"}\n{"event_id":"c"}\n|5: duplicate event_id c (first on line 2)
{"event_id":"b"}\n{"event_id":"c"}\n{"event_id":"a"}\n{"event_id":"b"}\n|4: duplicate event_id b (first on line 1)
{"event_id":"c"}\n{"event_id":"a"}\n{"event_id":"c"}\n|3: duplicate event_id c (first on line 1)
{"event_id":"a"}\n{"event_id":"ab"}\n{"event_id":"a"}\n|3: duplicate event_id a (first on line 1)
{"event_id":"b"}\n{"event_id":"\\u0063"}\n{"event_id":"a"}\n{"event_id":"c"}|4: duplicate event_id c (first on line 2)
{"event_id":"b"}\n{"event_id":"c"}\n{"event_id":"a"}\n{"event_id":"\\u0062"}\n|4: duplicate event_id b (first on line 1)
{"event_id":"b"}\n{"event_id":"c"}\n{"event_id":"a"}\n{"event_id":"a"}\n|4: duplicate event_id a (first on line 3)
{"event_id":"b"}\n{"event_id":"c"}\n{"event_id":"a"}\n{"event":1}\n|4: no event_id
CASES
}

@test "ids: a large log that goes down once, after several blocks" {
	f="$BATS_TEST_TMPDIR/events.jsonl"
	awk 'BEGIN { for (i = 1; i <= 100000; i++)
	    printf "{\"event_id\":\"id%07d\",\"pad\":\"%0200d\"}\n", i, 0 }' >"$f"
	printf '{"event_id":"a"}\n' >>"$f"
	# Increasing ids, then one lower but new: all of it passes.
	evcat "$f" | cmp - "$f"
	cat "$f" | evcat | cmp - "$f"
	# A duplicate after the switch names its first line, far back.
	printf '{"event_id":"id0054321"}\n' >>"$f"
	run --separate-stderr evcat "$f"
	fails_with 1 "evcat: $f:100002: duplicate event_id id0054321 (first on line 54321)"
	run --separate-stderr bash -c 'cat "$1" | evcat' _ "$f"
	fails_with 1 "evcat: <stdin>:100002: duplicate event_id id0054321 (first on line 54321)"
	# Standard input at an offset of a regular file is read again from
	# there, not from the start of the file.
	run --separate-stderr bash -c '{ read -r _; evcat; } <"$1"' _ "$f"
	fails_with 1 "evcat: <stdin>:100001: duplicate event_id id0054321 (first on line 54320)"
	# Compare mode checks both inputs the same way.
	run --separate-stderr evcat -c "$f" "$f"
	fails_with 1 "evcat: $f:100002: duplicate event_id id0054321 (first on line 54321)"
}

@test "ids: memory stays flat while the ids increase" {
	local f="$BATS_TEST_TMPDIR/events.jsonl" q="$BATS_TEST_TMPDIR/quarter"
	local rss rssq

	[ -x /usr/bin/time ] || skip "/usr/bin/time is not installed"
	case $HANDOFF_BIN in */san/*) skip "sanitizer build" ;; esac
	# 600,000 events: a set of their ids would take more than 40 MiB.
	awk 'BEGIN { for (i = 1; i <= 600000; i++)
	    printf "{\"event_id\":\"01KJ605ETH%016d\"}\n", i }' >"$f"
	head -n 150000 "$f" >"$q"
	/usr/bin/time -f %M -o "$BATS_TEST_TMPDIR/rss" evcat "$f" | cmp - "$f"
	/usr/bin/time -f %M -o "$BATS_TEST_TMPDIR/rssq" evcat "$q" | cmp - "$q"
	rss=$(cat "$BATS_TEST_TMPDIR/rss") rssq=$(cat "$BATS_TEST_TMPDIR/rssq")
	# Flat: three times as many ids cost less than 1 MiB more. A quarter
	# of the log already fills every buffer, and the difference holds
	# under valgrind too, whose own memory is the same in both runs.
	[ $((rss - rssq)) -lt 1024 ] ||
	    { echo "peak RSS $rss KiB, $rssq KiB on a quarter" >&2; false; }
	# And small, on a plain build: valgrind's own memory is not evcat's.
	[ "$(head -c 2 "$HANDOFF_BIN/evcat")" = "#!" ] || [ "$rss" -lt 20480 ] ||
	    { echo "peak RSS $rss KiB" >&2; false; }
	cat "$f" | evcat | cmp - "$f"
}
