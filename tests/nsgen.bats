#!/usr/bin/env bats
# nsgen: namespace.json from key=value pairs, and every check on them.

load helper

bats_require_minimum_version 1.5.0

C40=21ed0738f009ca35a2927528238a48778e41f1d4
GOOD=(project_scope_id=spec-kitty
    feature_slug=045-mission-handoff-package-version-matrix
    source_branch=2.x source_commit=$C40 mission_key=software-dev
    manifest_version=1 generated_at=2026-02-23T19:37:40Z)

# The good namespace with one key replaced (or, with no '=', removed).
with() {
	local k=${1%%=*} kv
	for kv in "${GOOD[@]}"; do
		[ "${kv%%=*}" = "$k" ] || printf '%s\n' "$kv"
	done
	case $1 in *=*) printf '%s\n' "$1" ;; esac
}

@test "-h prints the usage on stdout; bad usage exits 2 with it on stderr" {
	run --separate-stderr nsgen -h
	assert_success
	assert_output "usage: nsgen [-m manifest.json] [-o file] [key=value ...]"
	run --separate-stderr nsgen -x
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == *"usage: nsgen [-m manifest.json] [-o file] [key=value ...]" ]]
	run --separate-stderr nsgen -m
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"usage: nsgen [-m manifest.json] [-o file] [key=value ...]" ]]
}

@test "golden: lines on stdin, comments, blank lines, -m and step_id" {
	cd "$FIXTURES/nsgen"
	nsgen -m manifest.json <input.kv >"$BATS_TEST_TMPDIR/out"
	diff -u input.golden "$BATS_TEST_TMPDIR/out"
}

@test "golden: arguments, and arguments mixed with '-' for stdin" {
	cd "$FIXTURES/nsgen"
	mapfile -t kv < <(grep -v '^#' input.kv | grep .)
	nsgen -m manifest.json "${kv[@]}" >"$BATS_TEST_TMPDIR/out"
	diff -u input.golden "$BATS_TEST_TMPDIR/out"
	printf '%s\n' "${kv[@]:0:4}" |
	    nsgen -m manifest.json - "${kv[@]:4}" >"$BATS_TEST_TMPDIR/out"
	diff -u input.golden "$BATS_TEST_TMPDIR/out"
}

@test "the output equals Python's json.dumps(indent=2); step_id null when absent or empty" {
	nsgen "${GOOD[@]}" >"$BATS_TEST_TMPDIR/out"
	"$PYTHON" -c 'import json, sys
kv = dict(a.split("=", 1) for a in sys.argv[1:])
keys = ["project_scope_id", "feature_slug", "source_branch", "source_commit",
    "mission_key", "manifest_version", "step_id", "generated_at"]
ns = {"schema_version": "1"}
ns.update((k, kv.get(k) or None) for k in keys)
print(json.dumps(ns, indent=2))' "${GOOD[@]}" >"$BATS_TEST_TMPDIR/py"
	diff -u "$BATS_TEST_TMPDIR/py" "$BATS_TEST_TMPDIR/out"
	nsgen "${GOOD[@]}" step_id= >"$BATS_TEST_TMPDIR/out"
	diff -u "$BATS_TEST_TMPDIR/py" "$BATS_TEST_TMPDIR/out"
	run nsgen "${GOOD[@]}" step_id=plan
	assert_success
	assert_line '  "step_id": "plan",'
}

@test "corpus 045: namespace.json reproduced byte for byte" {
	corpus_or_skip 045-reference/committed-handoff/namespace.json
	nsgen "${GOOD[@]}" >"$BATS_TEST_TMPDIR/out"
	cmp "$CORPUS/045-reference/committed-handoff/namespace.json" \
	    "$BATS_TEST_TMPDIR/out"
	nsgen -m "$CORPUS/045-reference/committed-handoff/artifact-manifest.json" \
	    "${GOOD[@]}" | cmp "$CORPUS/045-reference/committed-handoff/namespace.json"
}

@test "every problem at once, each naming its key (golden stderr)" {
	cd "$FIXTURES/nsgen"
	run --separate-stderr nsgen -m manifest.json <bad.kv
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	diff -u bad.stderr <(printf '%s\n' "$stderr")
	# The manifest of -m gives manifest_version when the input does not;
	# without one it is missing.
	run --separate-stderr nsgen <bad.kv
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"nsgen: manifest_version: missing"* ]]
}

@test "bad values: one key at a time, status 1 and the message" {
	# key=value | message after "nsgen: "
	while IFS='|' read -r kv want; do
		mapfile -t args < <(with "$kv")
		run --separate-stderr nsgen "${args[@]}"
		fails_with 1 "nsgen: $want" || { echo "case: $kv" >&2; false; }
	done <<'CASES'
project_scope_id=|project_scope_id: "": empty value
project_scope_id=.hidden|project_scope_id: ".hidden": must not begin with '.'
project_scope_id=a/b|project_scope_id: "a/b": '/' is not allowed
project_scope_id=a$b|project_scope_id: "a$b": '$' is not allowed
feature_slug=|feature_slug: "": empty value
feature_slug=a/b|feature_slug: "a/b": '/' is not allowed
feature_slug=a..b|feature_slug: "a..b": must not contain '..'
feature_slug=..|feature_slug: "..": must not begin with '.'
feature_slug=.a|feature_slug: ".a": must not begin with '.'
feature_slug=a b|feature_slug: "a b": ' ' is not allowed
feature_slug=a;b|feature_slug: "a;b": ';' is not allowed
feature_slug=$(x)|feature_slug: "$(x)": '$' is not allowed
feature_slug=a`b|feature_slug: "a`b": '`' is not allowed
feature_slug=-a|feature_slug: "-a": must not begin with '-'
feature_slug=café|feature_slug: "caf\u00e9": byte 0xc3 is not allowed
source_branch=|source_branch: "": empty value
source_branch=a..b|source_branch: "a..b": must not contain '..'
source_branch=a~1|source_branch: "a~1": '~' is not allowed
source_branch=a^|source_branch: "a^": '^' is not allowed
source_branch=a:b|source_branch: "a:b": ':' is not allowed
source_branch=a?|source_branch: "a?": '?' is not allowed
source_branch=a*|source_branch: "a*": '*' is not allowed
source_branch=a[b|source_branch: "a[b": '[' is not allowed
source_branch=a\b|source_branch: "a\\b": '\' is not allowed
source_branch=/a|source_branch: "/a": must not begin or end with '/'
source_branch=a/|source_branch: "a/": must not begin or end with '/'
source_branch=a//b|source_branch: "a//b": must not contain '//'
source_branch=a.|source_branch: "a.": must not end with '.'
source_branch=a@{1}|source_branch: "a@{1}": must not contain '@{'
source_branch=@|source_branch: "@": is not a branch name
source_branch=HEAD|source_branch: "HEAD": is not a branch name
source_branch=-b|source_branch: "-b": must not begin with '-'
source_branch=a/.b|source_branch: "a/.b": no component may begin with '.'
source_branch=.a|source_branch: ".a": no component may begin with '.'
source_branch=a.lock|source_branch: "a.lock": no component may end with '.lock'
source_branch=a.lock/b|source_branch: "a.lock/b": no component may end with '.lock'
source_branch=a$b|source_branch: "a$b": '$' is not allowed
source_branch=a;b|source_branch: "a;b": ';' is not allowed
source_branch=a`b|source_branch: "a`b": '`' is not allowed
source_branch=a'b|source_branch: "a'b": ''' is not allowed
source_branch=a&b|source_branch: "a&b": '&' is not allowed
source_branch=a(b)|source_branch: "a(b)": '(' is not allowed
source_branch=feature/ü|source_branch: "feature/\u00fc": byte 0xc3 is not allowed
source_commit=|source_commit: "": empty value
source_commit=21ed073|source_commit: "21ed073": must be 40 or 64 lowercase hexadecimal digits
source_commit=21ED0738f009ca35a2927528238a48778e41f1d4|source_commit: "21ED0738f009ca35a2927528238a48778e41f1d4": must be 40 or 64 lowercase hexadecimal digits
source_commit=g1ed0738f009ca35a2927528238a48778e41f1d4|source_commit: "g1ed0738f009ca35a2927528238a48778e41f1d4": must be 40 or 64 lowercase hexadecimal digits
source_commit=21ed0738f009ca35a2927528238a48778e41f1d4a|source_commit: "21ed0738f009ca35a2927528238a48778e41f1d4a": must be 40 or 64 lowercase hexadecimal digits
mission_key=|mission_key: "": empty value
mission_key=../x|mission_key: "../x": '/' is not allowed
mission_key=-x|mission_key: "-x": must not begin with '-'
manifest_version=|manifest_version: "": empty value
manifest_version=1 0|manifest_version: "1 0": white space or control character
step_id=a/b|step_id: "a/b": '/' is not allowed
generated_at=|generated_at: "": empty value
generated_at=2026-02-23T19:37:40|generated_at: "2026-02-23T19:37:40": not an ISO 8601 UTC time (YYYY-MM-DDTHH:MM:SS[.fff]Z)
generated_at=2026-02-23T19:37:40+00:00|generated_at: "2026-02-23T19:37:40+00:00": not an ISO 8601 UTC time (YYYY-MM-DDTHH:MM:SS[.fff]Z)
generated_at=2026-02-30T19:37:40Z|generated_at: "2026-02-30T19:37:40Z": not an ISO 8601 UTC time (YYYY-MM-DDTHH:MM:SS[.fff]Z)
generated_at=2026-02-23 19:37:40Z|generated_at: "2026-02-23 19:37:40Z": not an ISO 8601 UTC time (YYYY-MM-DDTHH:MM:SS[.fff]Z)
project_scope_id|project_scope_id: missing
feature_slug|feature_slug: missing
source_branch|source_branch: missing
source_commit|source_commit: missing
mission_key|mission_key: missing
manifest_version|manifest_version: missing
generated_at|generated_at: missing
CASES
}

@test "good values at the edges of each syntax" {
	while IFS= read -r kv; do
		mapfile -t args < <(with "$kv")
		run --separate-stderr nsgen "${args[@]}"
		[ "$status" -eq 0 ] || { echo "$kv: $stderr" >&2; false; }
	done <<'CASES'
project_scope_id=My.Repo_2-x
feature_slug=a
feature_slug=0-0
feature_slug=045-mission-handoff-package-version-matrix
feature_slug=expected-artifacts-manifest-repair-01KZY498
feature_slug=Foo_Bar.v2
source_branch=main
source_branch=feature/x.y-z_1
source_branch=release/2.x/hotfix
source_branch=a@b
source_branch=a.b.lockx
source_commit=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
mission_key=software_dev-2
mission_key=Software.Dev
manifest_version=1.0-rc.1
generated_at=2000-02-29T23:59:59.999Z
CASES
}

@test "control characters, controls in stdin, NUL bytes" {
	run --separate-stderr nsgen "${GOOD[@]:0:2}" "source_branch=a"$'\t'"b" \
	    "${GOOD[@]:3}"
	fails_with 1 "nsgen: source_branch: \"a\\tb\": control character 0x09"
	run --separate-stderr bash -c 'printf "feature_slug=a\\0b\\n" | nsgen'
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	assert_equal "${stderr%%$'\n'*}" "nsgen: <stdin>:1: NUL byte in line"
}

@test "unknown, repeated and malformed keys, from arguments and stdin" {
	run --separate-stderr nsgen "${GOOD[@]}" colour=red
	fails_with 1 'nsgen: "colour": unknown key'
	run --separate-stderr nsgen "${GOOD[@]}" feature_slug=045-mission-handoff-package-version-matrix
	fails_with 1 "nsgen: feature_slug: given more than once"
	run --separate-stderr nsgen "${GOOD[@]}" step_id=plan step_id=
	fails_with 1 "nsgen: step_id: given more than once"
	run --separate-stderr nsgen "${GOOD[@]}" oops
	fails_with 1 'nsgen: "oops": not key=value'
	run --separate-stderr nsgen "${GOOD[@]}" =x
	fails_with 1 'nsgen: "=x": not key=value'
	run --separate-stderr nsgen "${GOOD[@]}" Feature_Slug=x
	fails_with 1 'nsgen: "Feature_Slug": unknown key'
	run --separate-stderr bash -c 'printf "%s\n" "$@" schema_version=1 | nsgen' _ "${GOOD[@]}"
	fails_with 1 'nsgen: <stdin>:8: "schema_version": unknown key'
}

@test "-m: step_id must be a step of required_by_step" {
	m="$FIXTURES/nsgen/manifest.json"
	for s in specify plan implement-review; do
		run nsgen -m "$m" "${GOOD[@]}" step_id=$s
		assert_success
	done
	run --separate-stderr nsgen -m "$m" "${GOOD[@]}" step_id=review
	fails_with 1 "nsgen: step_id: \"review\": not a step of $m"
	# Without a step_id, the manifest is still read and checked.
	run nsgen -m "$m" "${GOOD[@]}"
	assert_success
}

@test "-m: a bad manifest is bad input; a missing one an I/O error" {
	printf '{\n  "required_by_step": [1,\n' >"$BATS_TEST_TMPDIR/trunc.json"
	run --separate-stderr nsgen -m "$BATS_TEST_TMPDIR/trunc.json" "${GOOD[@]}"
	fails_with 1 "nsgen: $BATS_TEST_TMPDIR/trunc.json:3:1: invalid JSON"
	printf '{"required_by_step": ["plan"]}\n' >"$BATS_TEST_TMPDIR/list.json"
	run --separate-stderr nsgen -m "$BATS_TEST_TMPDIR/list.json" "${GOOD[@]}"
	fails_with 1 "nsgen: $BATS_TEST_TMPDIR/list.json: no required_by_step object"
	printf '[]\n' >"$BATS_TEST_TMPDIR/arr.json"
	run --separate-stderr nsgen -m "$BATS_TEST_TMPDIR/arr.json" "${GOOD[@]}"
	fails_with 1 "nsgen: $BATS_TEST_TMPDIR/arr.json: no required_by_step object"
	run --separate-stderr nsgen -m "$BATS_TEST_TMPDIR/none.json" "${GOOD[@]}"
	fails_with 2 "nsgen: $BATS_TEST_TMPDIR/none.json: No such file or directory"
}

@test "limit: a value of 255 bytes passes, 256 fails, on stdin as well" {
	v255=$(printf 'a%.0s' $(seq 255))
	mapfile -t args < <(with "manifest_version=$v255")
	run --separate-stderr nsgen "${args[@]}"
	assert_equal "$status" 0
	mapfile -t args < <(with "manifest_version=${v255}b")
	run --separate-stderr nsgen "${args[@]}"
	fails_with 1 "nsgen: manifest_version: \"$(printf 'a%.0s' $(seq 64))\"...: longer than 255 bytes"
	run --separate-stderr bash -c 'printf "%s\n" "$@" | nsgen' _ \
	    "${args[@]:0:6}" "manifest_version=$v255"
	assert_equal "$status" 0
	# A line far longer than any key and value is cut, not kept whole.
	long=$(printf 'a%.0s' $(seq 10000))
	mapfile -t args < <(with "source_branch=$long")
	run --separate-stderr bash -c 'printf "%s\n" "$@" | nsgen' _ \
	    "${args[@]}"
	fails_with 1 "nsgen: <stdin>:7: source_branch: \"$(printf 'a%.0s' $(seq 64))\"...: longer than 255 bytes"
}

@test "limit: 65536 bytes of standard input pass, one more fails at once" {
	pad() {
		"$PYTHON" -c 'import sys
body = "".join(a + "\n" for a in sys.argv[2:])
n = int(sys.argv[1]) - len(body) - 2
sys.stdout.write("#" + "x" * n + "\n" + body)' "$@"
	}
	pad 65536 "${GOOD[@]}" >"$BATS_TEST_TMPDIR/at"
	[ "$(wc -c <"$BATS_TEST_TMPDIR/at")" -eq 65536 ]
	run --separate-stderr nsgen <"$BATS_TEST_TMPDIR/at"
	assert_equal "$status" 0
	pad 65537 "${GOOD[@]}" >"$BATS_TEST_TMPDIR/past"
	run --separate-stderr nsgen <"$BATS_TEST_TMPDIR/past"
	fails_with 1 "nsgen: <stdin>: more than 65536 bytes of input"
	run --separate-stderr timeout 10 bash -c 'yes | tr -d "\n" | nsgen'
	fails_with 1 "nsgen: <stdin>: more than 65536 bytes of input"
}

@test "limit: a manifest of NSGEN_MANIFEST_MAX bytes is read, one more is refused" {
	local max=$((4 * 1024 * 1024)) m="$BATS_TEST_TMPDIR/m.json"
	cp "$FIXTURES/nsgen/manifest.json" "$m"
	padto "$m" "$max"
	[ "$(stat -c %s "$m")" -eq "$max" ]
	run --separate-stderr nsgen -m "$m" "${GOOD[@]}" step_id=plan
	assert_success
	echo >>"$m"
	run --separate-stderr nsgen -m "$m" "${GOOD[@]}" step_id=plan
	fails_with 1 "nsgen: $m: more than $max bytes of input"
	run --separate-stderr bash -c 'head -c $(($1 + 1)) /dev/zero | tr "\0" " " |
	    nsgen -m - "${@:2}"' _ "$max" "${GOOD[@]}"
	fails_with 1 "nsgen: <stdin>: more than $max bytes of input"
}

@test "I/O: a write error on stdout exits 2" {
	[ -w /dev/full ] || skip "no /dev/full"
	run --separate-stderr bash -c 'nsgen "$@" >/dev/full' _ "${GOOD[@]}"
	fails_with 2 "nsgen: stdout: No space left on device"
}
