#!/usr/bin/env bats
# Hostile inputs for every filter: bombs, deep nesting, huge lines, NUL
# bytes, bad UTF-8, CRLF, byte order marks, odd names. Each case must end
# promptly with exit 1 or 2, a message and nothing on standard output, in
# 256 MiB of address space, and never by a signal; where a filter accepts
# the input, its output is checked instead. The inputs that once crashed a
# fuzz target are replayed from fixtures/hostile/.

load helper

bats_require_minimum_version 1.5.0

SRC=0123456789abcdef0123456789abcdef01234567
T0=2026-01-02T03:04:05Z
HOSTILE=$FIXTURES/hostile
export SRC T0

setup() {
	D=$BATS_TEST_TMPDIR
	export D
	# Sanitizer builds reserve terabytes of shadow memory and valgrind
	# needs its own, so the address-space limit applies to plain builds
	# only. AddressSanitizer bounds each allocation to the same 256 MiB
	# instead (malloc then returns NULL, as under the limit); valgrind
	# runs skip the 1 GB cases. Both get a longer safety net.
	local probe=$HANDOFF_BIN/yaml2json
	if [ "$(head -c 2 "$probe")" = "#!" ]; then
		LIMIT= TMO=300 SLOW=valgrind
	elif grep -qa __asan_init "$probe"; then
		LIMIT='export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}max_allocation_size_mb=256:allocator_may_return_null=1";'
		TMO=120 SLOW=
	else
		LIMIT='ulimit -v 262144 || exit 99;' TMO=10 SLOW=
	fi
}

# hostile SCRIPT: run a shell command line under the limits; the status,
# standard output and standard error land in $status, $output, $stderr.
hostile() {
	run --separate-stderr timeout "$TMO" bash -c "$LIMIT $1"
	# What AddressSanitizer says when it refuses an allocation.
	if [[ $stderr == *"WARNING: AddressSanitizer failed to allocate"* ]]; then
		stderr=$(grep -v '^==[0-9]*==WARNING: AddressSanitizer failed to allocate' <<<"$stderr")
	fi
}

# Fail unless the last run ended on its own (no signal, no timeout).
ended() {
	if [ "$status" -gt 128 ] || [ "$status" -eq 124 ]; then
		echo "ended by a signal or the timeout: status $status" >&2
		echo "stderr: ${stderr:0:500}" >&2
		return 1
	fi
}

# refused PROG [REGEX]: the last run exited 1 or 2 with "PROG: ..." (and
# REGEX) on standard error and nothing on standard output.
refused() {
	ended || return 1
	if [ "$status" -ne 1 ] && [ "$status" -ne 2 ]; then
		echo "status $status, expected 1 or 2; stderr: ${stderr:0:500}" >&2
		return 1
	fi
	if [ -n "$output" ]; then
		echo "standard output not empty: ${output:0:300}" >&2
		return 1
	fi
	if [[ "$stderr" != "$1: "* ]]; then
		echo "no message from $1: ${stderr:0:500}" >&2
		return 1
	fi
	if [ -n "${2-}" ] && ! [[ "$stderr" =~ $2 ]]; then
		printf 'stderr: %s\nwanted: %s\n' "${stderr:0:500}" "$2" >&2
		return 1
	fi
}

# accepted: the last run exited 0 without a message.
accepted() {
	ended || return 1
	if [ "$status" -ne 0 ]; then
		echo "status $status; stderr: ${stderr:0:500}" >&2
		return 1
	fi
}

# A single line of 1 GB (10^9 bytes) that is valid JSON once complete,
# written to a pipe and never to disk, in blocks of 1 MiB.
GIGALINE='"$PYTHON" -c "
import sys
w = sys.stdout.buffer.write
head, tail = b\"{\\\"event_id\\\":\\\"x\\\",\\\"pad\\\":\\\"\", b\"\\\"}\\n\"
n = 10 ** 9 - len(head) - len(tail)
block = b\"a\" * (1 << 20)
try:
    w(head)
    while n > 0:
        w(block[:n])
        n -= len(block)
    w(tail)
except BrokenPipeError:
    pass
" 2>/dev/null'

no_gigabyte_under_valgrind() {
	[ "$SLOW" != valgrind ] || skip "1 GB through valgrind takes too long"
}

# yaml2json

@test "yaml2json: a billion laughs stops at the alias expansion limit" {
	"$PYTHON" - "$D/laughs.yaml" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n')
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        f.write("%s: &%s [%s]\n" % (cur, cur, ",".join(["*" + prev] * 9)))
EOF
	hostile 'yaml2json "$D/laughs.yaml"'
	refused yaml2json 'laughs.yaml:[0-9]+:[0-9]+: .*expand to more than 10000000'
	hostile 'yaml2json -m "$D/laughs.yaml"'
	refused yaml2json 'expand to more than'
}

@test "yaml2json: merge keys cannot multiply past the expansion limit" {
	"$PYTHON" - "$D/merge.yaml" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write("a0: &a0 {%s}\n" % ", ".join("k%d: %d" % (i, i) for i in range(100)))
    for i in range(1, 8):
        f.write("a%d: &a%d [%s]\n" % (i, i, ", ".join(["*a%d" % (i - 1)] * 20)))
    f.write("m:\n  <<: *a0\n  x: *a7\n")
EOF
	hostile 'yaml2json "$D/merge.yaml"'
	refused yaml2json 'expand to more than'
}

@test "yaml2json: 200,000 nested [ stop at the depth limit" {
	head -c 200000 /dev/zero | tr '\0' '[' >"$D/deep.yaml"
	hostile 'yaml2json "$D/deep.yaml"'
	refused yaml2json 'deep.yaml:1:1001: nesting deeper than 1000 levels'
	hostile 'yaml2json -m <"$D/deep.yaml"'
	refused yaml2json 'nesting deeper than 1000 levels'
}

@test "yaml2json: 20,000 nested mappings (2,000 in block style) stop at the depth limit" {
	"$PYTHON" -c 'print("{a: " * 20000 + "1" + "}" * 20000)' \
	    >"$D/maps.yaml"
	hostile 'yaml2json "$D/maps.yaml"'
	refused yaml2json 'nesting deeper than 1000 levels'
	# Block style, one more space of indentation per level.
	"$PYTHON" -c '
for i in range(2000):
    print(" " * i + "k:")' >"$D/block.yaml"
	hostile 'yaml2json "$D/block.yaml"'
	refused yaml2json 'nesting deeper than 1000 levels'
}

@test "yaml2json: 200,000 tagged or anchored entries on one flow line end in time" {
	# Each entry's text is looked up for PyYAML's flow checks; from the
	# start of the input each time, that took minutes.
	"$PYTHON" -c 'print("a: [" + ", ".join("!!str x%d" % i for i in range(200000)) + "]")' \
	    >"$D/tags.yaml"
	hostile 'yaml2json -c "$D/tags.yaml"'
	ended
	assert_success
	[[ $output == '{"a":["x0","x1",'*'"x199999"]}' ]]
	# Not ASCII: a character index is no longer a byte offset.
	"$PYTHON" -c 'print("a: [\u00e9, " + ", ".join("&a%d x%d" % (i, i) for i in range(200000)) + "]")' \
	    >"$D/anchors.yaml"
	hostile 'yaml2json -c "$D/anchors.yaml"'
	ended
	assert_success
	[[ $output == '{"a":["\u00e9","x0",'*'"x199999"]}' ]]
	"$PYTHON" -c 'print("a: [" + ", ".join("x%d" % i for i in range(200000)) + ", !!str,]")' \
	    >"$D/late.yaml"
	hostile 'yaml2json -c "$D/late.yaml"'
	refused yaml2json "late.yaml:1:[0-9]*: found ',' right after a tag"
}

@test "yaml2json: a self-referencing anchor and an unknown alias are refused" {
	printf 'a: &x [1, *x]\n' >"$D/self.yaml"
	hostile 'yaml2json "$D/self.yaml"'
	refused yaml2json 'self.yaml:1:'
	printf 'a: *nowhere\n' >"$D/unknown.yaml"
	hostile 'yaml2json "$D/unknown.yaml"'
	refused yaml2json 'unknown.yaml:1:'
}

@test "yaml2json: a 1 GB single-line JSON document stops at the input limit" {
	no_gigabyte_under_valgrind
	hostile "$GIGALINE | yaml2json"
	refused yaml2json '^yaml2json: <stdin>: more than 67108864 bytes of input$'
	[ "$status" -eq 1 ]
}

@test "yaml2json: NUL bytes and invalid UTF-8 are refused with the place" {
	printf 'a: 1\nb: x\0y\n' >"$D/nul.yaml"
	hostile 'yaml2json "$D/nul.yaml"'
	refused yaml2json 'nul.yaml:2:5: control characters are not allowed'
	printf 'a: 1\nb: caf\351\n' >"$D/latin1.yaml"
	hostile 'yaml2json "$D/latin1.yaml"'
	refused yaml2json 'latin1.yaml:2:.*UTF-8'
	printf 'a: "\355\240\200"\n' >"$D/surrogate.yaml"
	hostile 'yaml2json "$D/surrogate.yaml"'
	refused yaml2json 'surrogate.yaml:1:'
}

@test "yaml2json: CRLF line ends and a byte order mark read like plain LF" {
	printf 'a: 1\nb:\n  - "x y"\n  - |\n    text\n' >"$D/lf.yaml"
	sed 's/$/\r/' "$D/lf.yaml" >"$D/crlf.yaml"
	{ printf '\357\273\277'; cat "$D/lf.yaml"; } >"$D/bom.yaml"
	yaml2json "$D/lf.yaml" >"$D/want"
	for f in crlf bom; do
		hostile "yaml2json \"\$D/$f.yaml\""
		accepted
		diff -u "$D/want" <(printf '%s\n' "$output")
	done
	assert_equal "$(cat "$D/want")" '{
  "a": 1,
  "b": [
    "x y",
    "text\n"
  ]
}'
}

@test "yaml2json: tabs in indentation and unterminated quotes are refused" {
	printf 'a:\n\tb: 1\n' >"$D/tab.yaml"
	hostile 'yaml2json "$D/tab.yaml"'
	refused yaml2json 'tab.yaml:2:1: '
	printf 'a: "never closed\nb: 2\n' >"$D/dq.yaml"
	hostile 'yaml2json "$D/dq.yaml"'
	refused yaml2json 'dq.yaml:[0-9]+:[0-9]+: .*quoted scalar'
	printf "a: 'never closed\n" >"$D/sq.yaml"
	hostile 'yaml2json "$D/sq.yaml"'
	refused yaml2json 'sq.yaml:[0-9]+:[0-9]+: .*quoted scalar'
	printf 'a: [1, 2\n' >"$D/flow.yaml"
	hostile 'yaml2json "$D/flow.yaml"'
	refused yaml2json 'flow.yaml:'
}

# evcat

@test "evcat: a 1 GB single line is refused at the line limit" {
	no_gigabyte_under_valgrind
	hostile "$GIGALINE | evcat"
	refused evcat '<stdin>:1: line longer than 4194304 bytes'
	hostile "$GIGALINE | evcat -c /dev/null"
	ended
	# A note that says FAIL, or no note at all.
	if [ "$status" -eq 0 ]; then
		assert_line 'Overall result: **FAIL**'
	else
		[ "$status" -eq 1 ]
	fi || [ "$status" -eq 3 ]
}

@test "evcat: a JSONL line nested 200,000 deep is refused, in both modes" {
	{
		printf '{"event_id":"a"}\n{"event_id":"b","x":'
		head -c 200000 /dev/zero | tr '\0' '['
		head -c 200000 /dev/zero | tr '\0' ']'
		printf '}\n'
	} >"$D/deep.jsonl"
	hostile 'evcat "$D/deep.jsonl"'
	refused evcat 'deep.jsonl:2:[0-9]+: nested deeper than 1000 levels'
	printf '{"event_id":"a"}\n' >"$D/one.jsonl"
	hostile 'evcat -c "$D/one.jsonl" "$D/deep.jsonl"'
	refused evcat 'deep.jsonl:2:'
	hostile 'evcat -c "$D/deep.jsonl" "$D/one.jsonl"'
	refused evcat 'deep.jsonl:2:'
}

@test "evcat: an unterminated string is refused" {
	printf '{"event_id":"a"}\n{"event_id":"b}\n' >"$D/q.jsonl"
	hostile 'evcat "$D/q.jsonl"'
	refused evcat 'q.jsonl:2:[0-9]+: invalid JSON'
}

@test "evcat: NUL, control bytes, bad UTF-8, CRLF and a BOM pass byte for byte" {
	# cJSON's leniency, which evcat(1) documents: these lines parse.
	printf '{"event_id":"a\0"}\n{"event_id":"b"}\0\n{"event_id":"c\001\377"}\r\n\357\273\277{"event_id":"d"}\n' \
	    >"$D/odd.jsonl"
	hostile 'evcat "$D/odd.jsonl" >"$D/out"'
	accepted
	cmp "$D/odd.jsonl" "$D/out"
	hostile 'evcat -c "$D/odd.jsonl" "$D/odd.jsonl"'
	accepted
	assert_output identical
}

@test "evcat: NUL bytes where JSON needs a token are refused" {
	printf '{"event_id":"a"}\n{"event_id"\0:}\n' >"$D/nul.jsonl"
	hostile 'evcat "$D/nul.jsonl"'
	refused evcat 'nul.jsonl:2:'
	printf '\0\n' >"$D/nul2.jsonl"
	hostile 'evcat "$D/nul2.jsonl"'
	refused evcat 'nul2.jsonl:1:'
}

# treehash

treeargs='-f 001-feat -r kitty-specs/001-feat -s $SRC -T $T0'

mktree() {
	mkdir -p "$D/t/sub"
	printf 'spec\n' >"$D/t/spec.md"
	printf 'newline\n' >"$D/t/$(printf 'new\nline')"
	printf 'dash\n' >"$D/t/-dash"
	printf 'dash dir\n' >"$D/t/sub/-x"
	printf 'bad byte\n' >"$D/t/$(printf 'caf\351')"
}

# The paths of a tree document, one a line, as Python sees them.
paths() {
	"$PYTHON" -c '
import json, os, sys
for e in json.load(sys.stdin)["entries"]:
    print(repr(e["path"]))'
}

@test "treehash: names with newlines, a leading dash or bad UTF-8 survive" {
	mktree
	printf 'spec.md\0new\nline\0-dash\0sub/-x\0caf\351\0' >"$D/list0"
	hostile "treehash -0 -C \"\$D/t\" $treeargs \"\$D/list0\""
	accepted
	printf '%s\n' "$output" | paths >"$D/got"
	diff -u - "$D/got" <<'EOF'
'-dash'
'caf\udce9'
'new\nline'
'spec.md'
'sub/-x'
EOF
	# A list file whose own name starts with a dash, after --.
	cp "$D/list0" "$D/-list"
	cd "$D"
	hostile "treehash -0 -C t $treeargs -- -list"
	accepted
	printf '%s\n' "$output" | paths | cmp - "$D/got"
	# Check mode against the document just made: nothing differs.
	printf '%s\n' "$output" >"$D/tree.json"
	hostile "treehash -c tree.json -0 -C t -- -list"
	accepted
}

@test "treehash: names from git's object stream, quoted by git, survive" {
	mktree
	git -C "$D/t" init -q
	git -C "$D/t" add -A
	git -C "$D/t" -c user.name=t -c user.email=t@example.org commit -qm t
	git -C "$D/t" ls-tree -r \
	    --format='%(objecttype) %(objectname) %(objectmode) %(path)' HEAD |
	    sed -n 's/^blob //p' |
	    git -C "$D/t" cat-file \
	    --batch='%(objectname) %(objecttype) %(objectsize) %(rest)' \
	    >"$D/stream"
	hostile "treehash -g $treeargs -t \$SRC \"\$D/stream\""
	accepted
	printf '%s\n' "$output" | paths >"$D/got"
	diff -u - "$D/got" <<'EOF'
'-dash'
'caf\udce9'
'new\nline'
'spec.md'
'sub/-x'
EOF
}

@test "treehash: NUL bytes, CRLF and a BOM in a newline list are refused" {
	mktree
	printf 'spec.md\nsp\0ec.md\n' >"$D/nul"
	hostile "treehash -C \"\$D/t\" $treeargs \"\$D/nul\""
	refused treehash 'nul:2: NUL byte in path'
	printf 'spec.md\r\n' >"$D/crlf"
	hostile "treehash -C \"\$D/t\" $treeargs \"\$D/crlf\""
	refused treehash 'crlf:1: "spec.md\\r": No such file'
	printf '\357\273\277spec.md\n' >"$D/bom"
	hostile "treehash -C \"\$D/t\" $treeargs \"\$D/bom\""
	refused treehash 'bom:1: '
}

@test "treehash: paths that leave the root or are not files are refused" {
	mktree
	mkfifo "$D/t/fifo"
	ln -s / "$D/t/up"
	for p in /etc/passwd ../../../../dev/zero sub/../../x fifo sub; do
		printf '%s\n' "$p" >"$D/list"
		hostile "treehash -C \"\$D/t\" $treeargs \"\$D/list\""
		refused treehash 'list:1: '
	done
}

@test "treehash: a path through a symbolic link to a directory is refused" {
	mktree
	ln -s / "$D/t/up"
	printf 'up/etc/passwd\n' >"$D/list"
	hostile "treehash -C \"\$D/t\" $treeargs \"\$D/list\""
	refused treehash 'list:1: '
}

@test "treehash: a 1 GB single-line path list or tree document ends cleanly" {
	no_gigabyte_under_valgrind
	mktree
	hostile "$GIGALINE | treehash -C \"\$D/t\" $treeargs"
	refused treehash '<stdin>:1: path longer than 4095 bytes'
	hostile "$GIGALINE | treehash -0 -C \"\$D/t\" $treeargs"
	refused treehash '<stdin>:1: path longer than 4095 bytes'
	printf 'spec.md\n' >"$D/list"
	hostile "treehash -c <($GIGALINE) -C \"\$D/t\" \"\$D/list\""
	refused treehash '^treehash: /dev/fd/[0-9]+: more than 67108864 bytes of input$'
	[ "$status" -eq 1 ]
}

@test "treehash: hostile check-mode tree documents are refused" {
	mktree
	printf 'spec.md\n' >"$D/list"
	{
		head -c 200000 /dev/zero | tr '\0' '['
	} >"$D/deep.json"
	printf '{"entries": [{"path": "spec.md\0x"}]}\n' >"$D/nul.json"
	printf '\357\273\277{}\n' >"$D/bom.json"
	printf '{"entries": "x"}\n' >"$D/type.json"
	printf '{"entries": [{"path": "a", "sha256": "\n' >"$D/quote.json"
	for f in deep nul bom type quote; do
		hostile "treehash -c \"\$D/$f.json\" -C \"\$D/t\" \"\$D/list\""
		refused treehash "$f.json"
	done
}

@test "treehash: a hostile object stream is refused before any allocation" {
	printf '%s blob 9007199254740992 100644 a\n' "$SRC" >"$D/big"
	hostile "treehash -g $treeargs -t \$SRC \"\$D/big\""
	refused treehash 'big:1: object larger than 9007199254740991 bytes'
	printf '%s blob 1000000000 100644 a\nabc' "$SRC" >"$D/short"
	hostile "treehash -g $treeargs -t \$SRC \"\$D/short\""
	refused treehash 'short:1: truncated object stream'
	printf '%s blob 2 100644 "unterminated\nx\n\n' "$SRC" >"$D/quote"
	hostile "treehash -g $treeargs -t \$SRC \"\$D/quote\""
	refused treehash 'quote:1: '
	printf '%s blob 2 100644 a\0b\nx\n\n' "$SRC" >"$D/nul"
	hostile "treehash -g $treeargs -t \$SRC \"\$D/nul\""
	refused treehash 'nul:1: '
}

# tapnote

tapargs='-b main -d $T0 -H $SRC -s $SRC -r "make test"'

@test "tapnote: a plan of 2^63 is unusable, not allocated" {
	printf '1..9223372036854775808\nok 1 a\n' >"$D/plan.tap"
	hostile "tapnote $tapargs \"\$D/plan.tap\""
	refused tapnote 'plan.tap:1: plan 1..9223372036854775808 is past the limit'
	[ "$status" -eq 1 ]
	printf '1..1\nok 9223372036854775808 a\n' >"$D/num.tap"
	hostile "tapnote $tapargs \"\$D/num.tap\""
	refused tapnote 'num.tap:2: test number 9223372036854775808'
}

@test "tapnote: NUL bytes and a 1 GB line are unusable input" {
	printf '1..1\nok 1 a\0b\n' >"$D/nul.tap"
	hostile "tapnote $tapargs \"\$D/nul.tap\""
	refused tapnote 'nul.tap:2: NUL byte'
	no_gigabyte_under_valgrind
	hostile "{ printf '1..1\n'; $GIGALINE; } | tapnote $tapargs"
	refused tapnote '^tapnote: <stdin>: more than 67108864 bytes of input$'
	[ "$status" -eq 1 ]
}

@test "tapnote: CRLF reads as LF; bad UTF-8 in a test name still gives a note" {
	printf '1..2\nok 1 first\nok 2 second\n' >"$D/lf.tap"
	sed 's/$/\r/' "$D/lf.tap" >"$D/crlf.tap"
	tapnote -b main -d "$T0" -H "$SRC" -s "$SRC" -r "make test" \
	    "$D/lf.tap" >"$D/want"
	hostile "tapnote $tapargs \"\$D/crlf.tap\""
	accepted
	diff -u "$D/want" <(printf '%s\n' "$output")
	printf '1..1\nok 1 caf\351\n' >"$D/bad.tap"
	hostile "tapnote $tapargs \"\$D/bad.tap\""
	accepted
	assert_output --partial 'PASS'
}

@test "tapnote: a BOM before the plan never makes a PASS" {
	printf '\357\273\2771..1\nnot ok 1 a\n' >"$D/bom.tap"
	hostile "tapnote $tapargs \"\$D/bom.tap\""
	ended
	# A note that says FAIL, or no note at all.
	if [ "$status" -eq 0 ]; then
		assert_line 'Overall result: **FAIL**'
	else
		[ "$status" -eq 1 ]
	fi
}

# matrixgen -x

@test "matrixgen -x: NUL bytes, CRLF, a BOM, a 1 GB line end cleanly" {
	printf '```versions\na=1\0\n```\n' >"$D/nul.md"
	hostile 'matrixgen -x "$D/nul.md"'
	refused matrixgen 'nul.md:2:'
	printf '```versions\na=1\n' >"$D/open.md"
	hostile 'matrixgen -x "$D/open.md"'
	refused matrixgen 'open.md:1: unterminated versions block'
	printf '```versions\r\na=1\r\n```\r\n' >"$D/crlf.md"
	hostile 'matrixgen -x "$D/crlf.md"'
	refused matrixgen 'crlf.md:'
	no_gigabyte_under_valgrind
	hostile "$GIGALINE | matrixgen -x"
	refused matrixgen '^matrixgen: <stdin>: more than 4194304 bytes of input$'
	[ "$status" -eq 1 ]
}

@test "matrixgen -x: bad UTF-8 in a value is passed through as bytes" {
	printf '```versions\na=caf\351\n```\n' >"$D/latin1.md"
	hostile 'matrixgen -x "$D/latin1.md" >"$D/out"'
	accepted
	printf 'a=caf\351\n' | cmp - "$D/out"
}

# nsgen

nsinput() {
	printf '%s\n' project_scope_id=scope feature_slug=001-feat \
	    source_branch=main source_commit=$SRC mission_key=software-dev \
	    manifest_version=1 generated_at=$T0
}

@test "nsgen: NUL bytes, CRLF, a BOM and a 1 GB line are refused" {
	nsinput | sed 's/main/ma\x00in/' >"$D/nul"
	hostile 'nsgen <"$D/nul"'
	refused nsgen '<stdin>:3: NUL byte'
	nsinput | sed 's/$/\r/' >"$D/crlf"
	hostile 'nsgen <"$D/crlf"'
	refused nsgen '<stdin>:1: project_scope_id: '
	{ printf '\357\273\277'; nsinput; } >"$D/bom"
	hostile 'nsgen <"$D/bom"'
	refused nsgen '<stdin>:1: .*unknown key'
	no_gigabyte_under_valgrind
	hostile "$GIGALINE | nsgen"
	refused nsgen
}

@test "nsgen: a key starting with - is not an option after --" {
	hostile 'nsgen -- -x=1'
	refused nsgen '"-x": unknown key'
}

# Inputs that once crashed a fuzz target (tests/fuzz), replayed with the
# target's command line: they must now end with a documented status.

replay() {
	local target=$1 in=$2
	mkdir -p "$D/r" && cp "$FIXTURES/hostile/manifest.json" "$D/r/manifest"
	case $target in
	yaml2json) hostile "yaml2json -a source_commit=\$SRC \"$in\"" ;;
	yaml2json_multi) hostile "yaml2json -m \"$in\"" ;;
	evcat) hostile "evcat -p scope -f 001-feat -b main -s \$SRC -t \$T0 \"$in\"" ;;
	evcat_compare) hostile "evcat -c \"$in\" \"$in\"" ;;
	treehash_list) hostile "treehash -C \"\$D/r\" $treeargs -x '*.tmp' -m \"\$D/r/manifest\" \"$in\"" ;;
	treehash_check) hostile "printf 'manifest\n' | treehash -c \"$in\" -C \"\$D/r\" -x '*.tmp'" ;;
	treehash_git) hostile "treehash -g $treeargs -t \$SRC -m \"\$D/r/manifest\" \"$in\"" ;;
	tapnote) hostile "tapnote $tapargs \"$in\"" ;;
	matrixgen_x) hostile "matrixgen -x \"$in\"" ;;
	nsgen) hostile "nsgen -m \"\$D/r/manifest\" <\"$in\"" ;;
	*) echo "unknown fuzz target $target" >&2; return 1 ;;
	esac
	ended || return 1
	case $status in
	0|1|2) ;;
	3|4) [ "$target" = evcat_compare ] ;;
	*) echo "$in: status $status" >&2; return 1 ;;
	esac
}

@test "fuzz regressions: every saved crashing input ends with a documented status" {
	shopt -s nullglob
	local f n=0
	for f in "$HOSTILE"/crash-*; do
		# crash-TARGET-NAME
		local t=${f##*/crash-}
		t=${t%-*}
		replay "$t" "$f" || { echo "replaying $f" >&2; return 1; }
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || skip "no saved fuzz crashes"
}

@test "yaml2json: limit: 1000 unknown directives are skipped, 1001 are refused" {
	"$PYTHON" -c 'print("%FOO bar\n" * 1000 + "--- {a: 1}")' >"$D/d1000.yaml"
	hostile 'yaml2json -c "$D/d1000.yaml"'
	accepted
	assert_output '{"a":1}'
	"$PYTHON" -c 'print("%FOO bar\n" * 1001 + "--- {a: 1}")' >"$D/d1001.yaml"
	hostile 'yaml2json -c "$D/d1001.yaml"'
	refused yaml2json 'd1001.yaml:1001:'
	head -c 2000000 /dev/zero | tr '\0' x | sed 's/x\{10\}/%FOO bar\n/g' \
	    >"$D/dmany.yaml"
	hostile 'yaml2json -c "$D/dmany.yaml"'
	refused yaml2json 'dmany.yaml:1001:'
}

@test "fuzz regressions: saved inputs replay twice in one process through the fuzz targets" {
	# The fuzz targets run a filter's main() many times in one process,
	# which is how state left over between runs shows; they exist once
	# make fuzz-build has run.
	shopt -s nullglob
	local f t n=0
	for f in "$HOSTILE"/crash-*; do
		t=${f##*/crash-}
		t=${t%-*}
		[ -x "$TOP/build/fuzz/$t" ] || continue
		ASAN_OPTIONS=detect_leaks=0 run "$TOP/build/fuzz/$t" \
		    -runs=3 "$f"
		[ "$status" -eq 0 ] || {
			echo "$t $f: status $status" >&2
			printf '%s\n' "$output" | grep -A5 ERROR >&2
			return 1
		}
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || skip "no fuzz target built (make fuzz-build)"
}

@test "yaml2json: empty collections before any other (once undefined behaviour)" {
	printf '[]\n' >"$D/seq.yaml"
	hostile 'yaml2json -c "$D/seq.yaml"'
	accepted
	assert_output '[]'
	printf '{}\n--- [[], {a: []}]\n' >"$D/multi.yaml"
	hostile 'yaml2json -m "$D/multi.yaml"'
	accepted
	assert_output $'{}\n[[],{"a":[]}]'
}
