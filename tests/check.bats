#!/usr/bin/env bats
# check and check -v (verify): the comparison of a committed package with
# its replay, the verification of the package, and their reports.

load helper

bats_require_minimum_version 1.5.0

HANDOFF_LIBEXEC=${HANDOFF_LIBEXEC:-$TOP/build/libexec}
export HANDOFF_LIBEXEC
F=001-greeting-cli
EX=$TOP/examples/kitty-specs/$F/handoff
SC=39eecff63b767f3e546320ac8ad4a8ca82fd4091
F045=045-mission-handoff-package-version-matrix

setup() {
	# A repository holding a package made by handoff, and its replay.
	R=$BATS_TEST_TMPDIR/repo
	C=$R/kitty-specs/$F/handoff
	P=$BATS_TEST_TMPDIR/replay
	rm -rf "$R" "$P"
	mkdir -p "$C" "$P"
	cp "$EX"/* "$C/"
	cp "$EX"/* "$P/"
	rm "$P/verification.md"
	O=$BATS_TEST_TMPDIR/outcome
}

chk() {
	run --separate-stderr "$HANDOFF_LIBEXEC/check" "$@" -F "$F" -c "$C" \
	    -p "$P" -s "$O" -r "$R"
}

# boot AT: the bootstrap event of the example at time AT.
boot() {
	evcat -n -f "$F" -p greet -b main -s "$SC" -t "$1"
}

# table PREFIX OPTION...: run each case of stdin, "command|lines|summary|status":
# the command runs in $BATS_TEST_TMPDIR, then check with the options must
# print each of the ';'-separated lines exactly once, end with the
# summary, exit with the status, and leave the matching outcome word.
table() {
	local prefix=$1 cmd want sum st l
	shift
	while IFS='|' read -r cmd want sum st; do
		setup
		(cd "$BATS_TEST_TMPDIR" && eval "$cmd")
		chk "$@"
		[ "$status" -eq "$st" ] ||
		    { echo "$cmd: status $status: $output $stderr" >&2; return 1; }
		IFS=';' read -ra lines <<<"$want"
		for l in "${lines[@]}"; do
			[ "$(grep -cxF "$prefix: $F: $l" <<<"$output")" -eq 1 ] ||
			    { echo "$cmd: not once '$l' in: $output" >&2; return 1; }
		done
		[ "${output##*$'\n'}" = "$prefix: $F: $sum" ] ||
		    { echo "$cmd: summary: ${output##*$'\n'}" >&2; return 1; }
		[ -z "$stderr" ] || { echo "$cmd: stderr: $stderr" >&2; return 1; }
		if [ "$st" -eq 0 ]; then l=matches; else l=differs; fi
		[ "$(cat "$O")" = "$l" ] || { echo "$cmd: outcome $(cat "$O")" >&2; return 1; }
	done
}

@test "usage: bad options exit 2 with the usage on stderr" {
	run --separate-stderr "$HANDOFF_LIBEXEC/check" -h
	assert_success
	assert_output --partial "usage: check [-v] -F feature -c committed_dir"
	while IFS='|' read -r args why; do
		read -ra argv <<<"$args"
		run --separate-stderr "$HANDOFF_LIBEXEC/check" "${argv[@]}"
		[ "$status" -eq 2 ] || { echo "$why: status $status" >&2; false; }
		[[ "$stderr" == *"usage: check"* ]] || { echo "$why: $stderr" >&2; false; }
	done <<'CASES'
-x|unknown option
-F f -c c -p p|no outcome file
-F f -c c -s s|no replay
-c c -p p -s s|no feature
-F f -c c -p p -s s extra|an operand
CASES
	run --separate-stderr "$HANDOFF_LIBEXEC/check" -F '../x' -c c -p p -s s
	[ "$status" -eq 2 ]
	[[ "$stderr" == "check: -F ../x: "* ]]
}

@test "a package that matches its replay: every file named, then the summary" {
	chk
	assert_success
	diff -u - <(printf '%s\n' "$output") <<END
check: $F: namespace.json: matches
check: $F: artifact-manifest.json: matches
check: $F: artifact-tree.json: matches
check: $F: events.jsonl: identical
check: $F: version-matrix.md: matches
check: $F: verification.md: present (test evidence, not replayed)
check: $F: generate.sh: matches
check: $F: the package matches its replay (7 files)
END
	[ "$(cat "$O")" = matches ]
	chk -v
	assert_success
	assert_line --index 7 "verify: $F: the package is complete and consistent and matches its replay (7 files)"
	[ "$(cat "$O")" = matches ]
}

@test "check: every difference is named once, then the summary" {
	table check <<CASES
echo x >"\$C/notes.txt"|notes.txt: not a file of the package|1 entry is not part of the package|1
echo x >"\$C/.hidden"|.hidden: not a file of the package|1 entry is not part of the package|1
mkdir "\$C/old"|old/: not a file of the package|1 entry is not part of the package|1
mkdir "\$C/old" && : >"\$C/.x"|old/: not a file of the package;.x: not a file of the package|2 entries are not part of the package|1
rm "\$C/generate.sh"|generate.sh: missing from the package|1 of 7 files differ|1
rm "\$C/version-matrix.md"|version-matrix.md: missing from the package|1 of 7 files differ|1
rm "\$C/verification.md"|verification.md: missing from the package|1 of 7 files differ|1
rm "\$C/generate.sh" "\$C/events.jsonl"; : >"\$C/x"|generate.sh: missing from the package;events.jsonl: missing from the package;x: not a file of the package|2 of 7 files differ; 1 entry is not part of the package|1
sed -i 's/"generated_at": "[^"]*"/"generated_at": "2020-01-01T00:00:00Z"/' "\$C/namespace.json"|namespace.json: matches but for its timestamp (generated_at)|the package matches its replay (7 files)|0
sed -i 's/"captured_at": "[^"]*"/"captured_at": "2020-01-01T00:00:00Z"/' "\$C/artifact-tree.json"|artifact-tree.json: matches but for its timestamp (captured_at)|the package matches its replay (7 files)|0
sed -i 's/"project_scope_id": "greet"/"project_scope_id": "other"/' "\$C/namespace.json"|namespace.json: project_scope_id: committed "other", replayed "greet"|1 of 7 files differ|1
sed -i 's/"generated_at": "[^"]*"/"generated_at": "2020-01-01T00:00:00Z"/; s/"greet"/"x"/' "\$C/namespace.json"|namespace.json: project_scope_id: committed "x", replayed "greet";namespace.json: generated_at: committed "2020-01-01T00:00:00Z", replayed "2026-11-24T09:12:22Z"|1 of 7 files differ|1
sed -i 's/^  "/   "/' "\$C/namespace.json"|namespace.json: differs in its formatting only|1 of 7 files differ|1
echo '{"event_id":"zz1"}' >>"\$P/events.jsonl"|events.jsonl: 1 event appended since the handoff|1 of 7 files differ|1
sed -i 1d "\$P/events.jsonl"|events.jsonl: history rewritten at line 1 (event_id 01KEXQ6QJ8M5T2V9C4D7F1H3K0)|1 of 7 files differ|1
boot 2020-01-01T00:00:00Z >"\$C/events.jsonl"|events.jsonl: the package holds the bootstrap event of a feature that had no event log, and it has one now|1 of 7 files differ|1
boot 2020-01-01T00:00:00Z >"\$C/events.jsonl"; boot 2021-01-01T00:00:00Z >"\$P/events.jsonl"|events.jsonl: matches but for its timestamp (at and event_id)|the package matches its replay (7 files)|0
boot 2020-01-01T00:00:00Z >"\$C/events.jsonl"; boot 2020-01-01T00:00:00Z >"\$P/events.jsonl"; sed -i s/greet/x/ "\$P/events.jsonl"|events.jsonl: history rewritten at line 1 (event_id 01DXF6DT00KZAMCPN03P3R9GC3)|1 of 7 files differ|1
sed -i "s/^PROJECT_SCOPE_ID=.*/PROJECT_SCOPE_ID='other'/" "\$C/generate.sh"|generate.sh: PROJECT_SCOPE_ID: committed other, replayed greet|1 of 7 files differ|1
echo '# local' >>"\$C/generate.sh"|generate.sh: differs from line 163|1 of 7 files differ|1
echo more >>"\$C/version-matrix.md"|version-matrix.md: differs from line 99|1 of 7 files differ|1
CASES
}

@test "a tree that no longer matches names each path changed, missing, new, now present, now absent" {
	jq_edit() {
		"$PYTHON" - "$@" <<'PY'
import json, sys
p, = sys.argv[1:]
t = json.load(open(p))
e = t["entries"]
e[0]["sha256"] = "0" * 64
del e[1]
e.insert(1, {"path": "zz-new.md", "sha256": "1" * 64, "size_bytes": 1, "status": "present"})
e.append({"path": "gone/*", "sha256": None, "size_bytes": None, "status": "absent"})
open(p, "w").write(json.dumps(t, indent=2) + "\n")
PY
	}
	jq_edit "$C/artifact-tree.json"
	chk
	assert_failure 1
	p0=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["entries"][0]["path"])' "$P/artifact-tree.json")
	p1=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["entries"][1]["path"])' "$P/artifact-tree.json")
	diff -u - <(grep 'artifact-tree' <<<"$output") <<END
check: $F: artifact-tree.json: stale: 1 changed, 1 missing, 1 new, 1 now present, 0 now absent
check: $F: artifact-tree.json: changed: $p0
check: $F: artifact-tree.json: new: $p1
check: $F: artifact-tree.json: missing: zz-new.md
check: $F: artifact-tree.json: now present: gone/*
END
}

@test "verify: each problem is named, and the package is refused" {
	mkdir -p "$BATS_TEST_TMPDIR/elsewhere"
	table verify -v <<CASES
sed -i 's/"source_commit": "[^"]*"/"source_commit": "$(printf %040d 0)"/' "\$C/artifact-manifest.json"|artifact-manifest.json: source_commit $(printf %040d 0) is not namespace.json's $SC|1 problem; 1 of 7 files differ|1
sed -i 's/"captured_at": "[^"]*"/"captured_at": "2020-01-01 00:00:00"/' "\$C/artifact-tree.json"|artifact-tree.json: captured_at "2020-01-01 00:00:00" is not ISO 8601 UTC with Z|1 problem|1
sed -i 's/"present_count": [0-9]*/"present_count": 99/' "\$C/artifact-tree.json"|artifact-tree.json: counts do not add up (total_files 10, present_count 99 of 8, absent_count 2 of 2);artifact-tree.json: present_count: committed 99, replayed 8|1 problem; 1 of 7 files differ|1
sed -i 's/^write=0$/write=1/' "\$C/generate.sh"|generate.sh: does not default to a dry run|1 problem; 1 of 7 files differ|1
sed -i "s/^SOURCE_COMMIT=.*/SOURCE_COMMIT='abc'/" "\$C/generate.sh"|generate.sh: SOURCE_COMMIT abc is not namespace.json's $SC|1 problem; 1 of 7 files differ|1
: >"\$C/verification.md"|verification.md: empty|1 problem|1
echo '{"event_id": "01KEXQ6QJ8M5T2V9C4D7F1H3K0"}' >>"\$C/events.jsonl"|events.jsonl: event_id 01KEXQ6QJ8M5T2V9C4D7F1H3K0 is not unique|1 problem; 1 of 7 files differ|1
echo '[1]' >>"\$C/events.jsonl"|events.jsonl: line 4: not a JSON object|1 problem; 1 of 7 files differ|1
mv "\$C/namespace.json" elsewhere/ && ln -s "\$BATS_TEST_TMPDIR/elsewhere/namespace.json" "\$C/namespace.json"|namespace.json: a symbolic link leading out of the repository|1 problem|1
mv "\$C" elsewhere/handoff && ln -s "\$BATS_TEST_TMPDIR/elsewhere/handoff" "\$C"|$R/kitty-specs/$F/handoff: a symbolic link leading out of the repository|1 problem|1
CASES
}

@test "verify: a repeated event_id is found wherever it stands in a long log" {
	local i
	for i in $(seq 1 400); do
		printf '{"event_id": "01KEXQ6QJ8M5T2V9C4D7F%05d"}\n' "$i"
	done >>"$C/events.jsonl"
	printf '{"event_id": "01KEXQ6QJ8M5T2V9C4D7F%05d"}\n' 7 >>"$C/events.jsonl"
	chk -v
	assert_failure 1
	[ "$(grep -cxF "verify: $F: events.jsonl: event_id 01KEXQ6QJ8M5T2V9C4D7F00007 is not unique" <<<"$output")" -eq 1 ] ||
	    { echo "$output" >&2; false; }
	[ "$(grep -c 'is not unique' <<<"$output")" -eq 1 ]
}

@test "verify: a package without an event log whose bootstrap event was made again is not a rewritten history" {
	boot 2020-01-01T00:00:00Z >"$C/events.jsonl"
	boot 2021-06-01T00:00:00Z >"$P/events.jsonl"
	chk -v
	assert_success
	assert_line "verify: $F: events.jsonl: matches but for its timestamp (at and event_id)"
	refute_output --partial "rewritten"
}

@test "bad input: a committed file that is not JSON is named with its place" {
	printf '{\n  "a": \n' >"$C/namespace.json"
	chk
	[ "$status" -eq 1 ]
	[[ "$stderr" == "check: $C/namespace.json:"* ]]
	[ ! -e "$O" ]
}

@test "bad input: a replay that lacks a file is an error naming it" {
	rm "$P/namespace.json"
	chk
	[ "$status" -eq 2 ]
	[ "$stderr" = "check: $P/namespace.json: no such file" ]
	[ ! -e "$O" ]
}

@test "045: check and verify of spec-kitty's own package say only true things, line by line" {
	corpus_or_skip spec-kitty-2x-history-3bbf9f0.bundle
	local k=$BATS_TEST_TMPDIR/sk rp=$BATS_TEST_TMPDIR/rp045
	git clone -q -b 2.x "$CORPUS/spec-kitty-2x-history-3bbf9f0.bundle" "$k"
	"$FIXTURES/check/replay045.sh" "$k" "$rp"
	cd "$k"
	run --separate-stderr "$HANDOFF_LIBEXEC/check" -F "$F045" \
	    -c "kitty-specs/$F045/handoff" -p "$rp" -s "$O"
	[ "$status" -eq 1 ]
	[ -z "$stderr" ]
	diff -u "$FIXTURES/check/045-check.out" <(printf '%s\n' "$output")
	[ "$(cat "$O")" = differs ]
	run --separate-stderr "$HANDOFF_LIBEXEC/check" -v -F "$F045" \
	    -c "kitty-specs/$F045/handoff" -p "$rp" -s "$O" -r .
	[ "$status" -eq 1 ]
	[ -z "$stderr" ]
	diff -u "$FIXTURES/check/045-verify.out" <(printf '%s\n' "$output")
	# The false statements of the shell version are gone.
	refute_output --partial "dry run"
	refute_output --partial "SOURCE_COMMIT"
	[ "$(grep -c 'generate.sh' <<<"$output")" -eq 1 ]
	# The same facts as the filters' own compare modes.
	run evcat -c "kitty-specs/$F045/handoff/events.jsonl" \
	    "kitty-specs/$F045/status.events.jsonl"
	assert_output "24 events appended since the handoff"
}
