#!/usr/bin/env bats
# matrixgen: the version matrix, and its pins read back with -x.

load helper

bats_require_minimum_version 1.5.0

setup() {
	F="$FIXTURES/matrixgen"
	NS="$F/namespace.json"
	MAN="$F/artifact-manifest.json"
	T="$BATS_TEST_TMPDIR"
}

# Expect status $1, nothing on stdout and the message $2 on stderr from
# the command that follows.
fails() {
	local want=$1 msg=$2
	shift 2
	run --separate-stderr "$@"
	if [ "$status" -ne "$want" ] || [ -n "$output" ] ||
	    [ "$stderr" != "$msg" ]; then
		printf 'command: %s\nstatus %s (want %s)\nstderr "%s"\n' \
		    "$*" "$status" "$want" "$stderr"
		printf 'want   "%s"\nstdout "%s"\n' "$msg" "$output"
		return 1
	fi
}

# A namespace or manifest with one top-level member changed by a jq-less
# edit: $1 the JSON file, $2 the Python expression applied to d.
jsonedit() {
	"$PYTHON" -c 'import sys, json
d = json.load(open(sys.argv[1]))
exec(sys.argv[2])
print(json.dumps(d, indent=2))' "$1" "$2"
}

@test "golden: pins, namespace, manifest and notes" {
	run matrixgen -n "$NS" -m "$MAN" -N "$F/notes.md" "$F/pins.txt"
	assert_success
	diff -u "$F/expected.md" <(printf '%s\n' "$output")
}

@test "golden: other directories are quoted in the commands" {
	matrixgen -n "$NS" -m "$MAN" -r features/007/ -p "pkg/it's here" \
	    <"$F/pins.txt" >"$T/out"
	diff -u "$F/expected-paths.md" "$T/out"
}

@test "pins from stdin and from a file give the same bytes" {
	matrixgen -n "$NS" -m "$MAN" "$F/pins.txt" >"$T/a"
	matrixgen -n "$NS" -m "$MAN" - <"$F/pins.txt" >"$T/b"
	matrixgen -n "$NS" -m "$MAN" <"$F/pins.txt" >"$T/c"
	cmp "$T/a" "$T/b"
	cmp "$T/a" "$T/c"
}

@test "-x reads back the pins of a generated matrix, source last" {
	matrixgen -n "$NS" -m "$MAN" -N "$F/notes.md" "$F/pins.txt" >"$T/vm"
	run matrixgen -x "$T/vm"
	assert_success
	assert_output "spec-kitty=2.0.0
spec-kitty-events=2.3.1
python=3.12
source-commit=0123456789abcdef0123456789abcdef01234567
source-branch=main"
	run matrixgen -x <"$T/vm"
	assert_success
	assert_line --index 4 'source-branch=main'
}

@test "-x on the committed 045 version matrix prints its five pins" {
	corpus_or_skip 045-reference/committed-handoff/version-matrix.md
	run matrixgen -x "$CORPUS/045-reference/committed-handoff/version-matrix.md"
	assert_success
	assert_output "spec-kitty=2.0.0
spec-kitty-events=2.3.1
spec-kitty-runtime=v0.2.0a0
source-commit=21ed0738f009ca35a2927528238a48778e41f1d4
source-branch=2.x"
}

@test "the 045 package: namespace and manifest from the corpus" {
	corpus_or_skip 045-reference/committed-handoff/namespace.json
	c="$CORPUS/045-reference/committed-handoff"
	matrixgen -x "$c/version-matrix.md" | head -n 3 >"$T/pins"
	matrixgen -n "$c/namespace.json" -m "$c/artifact-manifest.json" \
	    "$T/pins" >"$T/vm"
	diff -u <(matrixgen -x "$c/version-matrix.md") <(matrixgen -x "$T/vm")
	grep -qxF 'make -f "${HANDOFF_MK:-/usr/local/share/handoff/handoff.mk}" check FEATURE=045-mission-handoff-package-version-matrix' "$T/vm"
	grep -qx '| `input.spec.main` | `spec.md` | `specify` | yes |' "$T/vm"
	grep -qx '| `evidence.data-model` | `data-model.md` | optional | no |' "$T/vm"
	grep -qx 'The manifest declares no workflow artifacts.' "$T/vm"
}

@test "every class of the taxonomy has its heading, used or not" {
	printf '{"required_always": []}\n' >"$T/m.json"
	run matrixgen -n "$NS" -m "$T/m.json" </dev/null
	assert_success
	for c in input workflow output evidence policy runtime; do
		assert_line "### $c"
		assert_line "The manifest declares no $c artifacts."
	done
	refute_line '### Other classes'
	refute_line '## Notes'
	# Without pins the block still holds the source.
	run matrixgen -x <(printf '%s\n' "$output")
	assert_output "source-commit=0123456789abcdef0123456789abcdef01234567
source-branch=main"
}

@test "the replay commands work as written, word for word" {
	matrixgen -n "$NS" -m "$MAN" -r 'my feature' -p "it's/out" \
	    </dev/null >"$T/vm"
	# The first sh block, run with make, bash and diff that print their
	# arguments one a line.
	awk '/^```sh$/ { on = 1; next } /^```$/ { if (on) exit } on' \
	    "$T/vm" >"$T/replay.sh"
	run bash -c 'unset HANDOFF_MK
make() { printf "make<%s>\n" "$@"; }
bash() { printf "bash<%s>\n" "$@"; }
diff() { printf "diff<%s>\n" "$@"; }
. "$1"' _ "$T/replay.sh"
	assert_success
	assert_output "make<-f>
make</usr/local/share/handoff/handoff.mk>
make<handoff>
make<FEATURE=007-export-widgets>
make<FEATURE_DIR=my feature>
make<OUT=it's/out>
make<-f>
make</usr/local/share/handoff/handoff.mk>
make<check>
make<FEATURE=007-export-widgets>
make<FEATURE_DIR=my feature>
make<OUT=it's/out>
bash<it's/out/generate.sh>
bash<--write>
bash<--output-dir>
bash</tmp/007-export-widgets-handoff>
diff<-r>
diff<it's/out>
diff</tmp/007-export-widgets-handoff>"
}

@test "a package directory starting with '-' is not taken for an option" {
	run matrixgen -n "$NS" -m "$MAN" -p -pkg </dev/null
	assert_success
	assert_line 'diff -r ./-pkg /tmp/007-export-widgets-handoff'
	assert_line 'make -f "${HANDOFF_MK:-/usr/local/share/handoff/handoff.mk}" check FEATURE=007-export-widgets OUT=-pkg'
}

@test "table cells: '|' and backticks are escaped, output unchanged" {
	run matrixgen -n "$NS" -m "$MAN" </dev/null
	assert_line '| `output.odd\|name` | ``out/`tick`\|pipe.md`` | `review` | no |'
	assert_line '| `telemetry` | `telemetry.trace` | `traces/*.json` | optional | no |'
}

@test "table cells render to the exact strings (cmark-gfm)" {
	command -v cmark-gfm >/dev/null || skip "cmark-gfm not installed"
	"$PYTHON" - "$NS" "$T" <<'EOF'
import json, sys
pats = ["a|b", "a\\|b", "x\\\\|y", "`lead", "trail`", " sp ", "   ",
        "<b>&amp;", "*a*_b_[c](d)", "``dbl``|", "\\", "~~s~~", "|"]
items = [{"artifact_key": "k%d" % i, "artifact_class": "input",
          "path_pattern": p, "blocking": False} for i, p in enumerate(pats)]
json.dump({"required_always": items}, open(sys.argv[2] + "/m.json", "w"))
json.dump(pats, open(sys.argv[2] + "/want.json", "w"))
EOF
	matrixgen -n "$NS" -m "$T/m.json" </dev/null | cmark-gfm -e table \
	    >"$T/html"
	"$PYTHON" - "$T" <<'EOF'
import html, json, re, sys
want = json.load(open(sys.argv[1] + "/want.json"))
page = open(sys.argv[1] + "/html").read()
got = {}
for key, pat in re.findall(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", page, re.S):
    strip = lambda s: html.unescape(re.sub(r"</?code>", "", s))
    got[strip(key)] = strip(pat)
bad = [(p, got.get("k%d" % i)) for i, p in enumerate(want)
       if got.get("k%d" % i) != p]
if bad:
    sys.exit("cells differ: %r" % bad)
EOF
}

@test "the same inputs give the same bytes" {
	matrixgen -n "$NS" -m "$MAN" -N "$F/notes.md" "$F/pins.txt" >"$T/a"
	matrixgen -n "$NS" -m "$MAN" -N "$F/notes.md" "$F/pins.txt" >"$T/b"
	cmp "$T/a" "$T/b"
}

@test "notes are verbatim, a missing final newline added" {
	printf 'line one\n\n  *kept* as is' >"$T/notes"
	run matrixgen -n "$NS" -m "$MAN" -N "$T/notes" </dev/null
	assert_success
	tail -n 4 <<<"$output" >"$T/tail"
	printf '## Notes\n\nline one\n\n  *kept* as is\n' | tail -n 4 |
	    diff -u - "$T/tail"
}

@test "bad pins: exit 1, nothing on stdout, located message" {
	local in msg n=0
	while IFS='@' read -r in msg; do
		n=$((n + 1))
		printf '%b' "$in" >"$T/pins"
		fails 1 "matrixgen: $T/pins:$msg" \
		    matrixgen -n "$NS" -m "$MAN" "$T/pins" ||
		    { echo "case $n"; return 1; }
	done <<'CASES'
spec-kitty 2.0.0\n@1: expected key=value
a=1\n=2\n@2: empty key
spec kitty=2.0.0\n@1:5: character ' ' not allowed in a key
a`b=1\n@1:2: character '`' not allowed in a key
a\tb=1\n@1:2: byte 0x09 not allowed in a key
#a=1\n b=2\n@2:1: character ' ' not allowed in a key
a=\n@1: empty value for key a
a=1\001\n@1:4: control character in the value of a
a=1\r\n@1:4: control character in the value of a
a= 1\n@1: white space around the value of a
a=1 \n@1: white space around the value of a
a=1\nb=2\na=3\n@3: duplicate key a (first on line 1)
source-commit=abc\n@1: source-commit comes from the namespace and cannot be pinned
x=1\nsource-branch=main\n@2: source-branch comes from the namespace and cannot be pinned
CASES
}

@test "bad namespace: exit 1 with the file named" {
	printf '{"a": 1,\n "b": }\n' >"$T/bad.json"
	fails 1 "matrixgen: $T/bad.json:2:7: invalid JSON" \
	    matrixgen -n "$T/bad.json" -m "$MAN" </dev/null
	printf '{}\n{}\n' >"$T/two.json"
	fails 1 "matrixgen: $T/two.json:2:1: invalid JSON" \
	    matrixgen -n "$T/two.json" -m "$MAN" </dev/null
	printf '[]\n' >"$T/arr.json"
	fails 1 "matrixgen: $T/arr.json: not a JSON object" \
	    matrixgen -n "$T/arr.json" -m "$MAN" </dev/null
	local edit msg
	while IFS='@' read -r edit msg; do
		jsonedit "$NS" "$edit" >"$T/ns.json"
		fails 1 "matrixgen: $T/ns.json: $msg" \
		    matrixgen -n "$T/ns.json" -m "$MAN" </dev/null ||
		    { echo "edit: $edit"; return 1; }
	done <<'CASES'
del d["feature_slug"]@/feature_slug: missing
d["source_commit"] = 7@/source_commit: not a string
d["step_id"] = 1@/step_id: not a string or null
d["mission_key"] = "a\nb"@/mission_key: "a\nb": byte 0x0a is not allowed
d["feature_slug"] = "a/b"@/feature_slug: "a/b": '/' is not allowed
d["feature_slug"] = ".."@/feature_slug: "..": must not begin with '.'
d["feature_slug"] = ""@/feature_slug: "": is empty
d["source_branch"] = ""@/source_branch: "": is empty
d["source_branch"] = "a b"@/source_branch: "a b": ' ' is not allowed
d["source_commit"] = "abc"@/source_commit: "abc": must be 40 or 64 lowercase hexadecimal digits
d["generated_at"] = "yesterday"@/generated_at: "yesterday": not an ISO 8601 UTC time (YYYY-MM-DDTHH:MM:SS[.fff]Z)
CASES
}

@test "bad manifest: exit 1 with the place in the manifest" {
	local edit msg
	while IFS='@' read -r edit msg; do
		jsonedit "$MAN" "$edit" >"$T/m.json"
		fails 1 "matrixgen: $T/m.json: $msg" \
		    matrixgen -n "$NS" -m "$T/m.json" </dev/null ||
		    { echo "edit: $edit"; return 1; }
	done <<'CASES'
d["required_always"] = {}@/required_always: not an array
d["required_by_step"] = []@/required_by_step: not an object
d["required_by_step"]["plan"] = "x"@/required_by_step/plan: not an array
d["optional_always"][1] = 3@/optional_always/1: not a string or an object
d["optional_always"][1] = "x.md"@/optional_always/1: not an object
del d["required_by_step"]["plan"][1]["artifact_key"]@/required_by_step/plan/1/artifact_key: missing
del d["required_by_step"]["plan"][1]["path_pattern"]@/required_by_step/plan/1/path_pattern: missing
d["required_always"][0]["path_pattern"] = None@/required_always/0/path_pattern: not a non-empty string
d["required_always"][0]["path_pattern"] = ""@/required_always/0/path_pattern: not a non-empty string
d["required_always"][0]["blocking"] = "yes"@/required_always/0/blocking: not true or false
d["required_always"][0]["artifact_class"] = "a\tb"@/required_always/0/artifact_class: a control character
d["required_by_step"]["a\nb"] = []@/required_by_step/a\nb: a step name with a control character
d["required_by_step"]["a/b~"] = [{}]@/required_by_step/a~1b~0/0/path_pattern: missing
d["source_commit"] = "f" * 40@/source_commit: "ffffffffffffffffffffffffffffffffffffffff" but the namespace's "source_commit" is "0123456789abcdef0123456789abcdef01234567"
d["mission_type"] = "research"@/mission_type: "research" but the namespace's "mission_key" is "software-dev"
d["manifest_version"] = "2"@/manifest_version: "2" but the namespace's "manifest_version" is "1"
CASES
}

@test "a manifest without sections is an empty one" {
	printf '{"mission_type": "software-dev", "required_by_step": null}\n' \
	    >"$T/m.json"
	run matrixgen -n "$NS" -m "$T/m.json" </dev/null
	assert_success
	assert_line 'The manifest declares no input artifacts.'
}

@test "notes may not open a versions block" {
	printf 'text\n\n```versions\na=1\n```\n' >"$T/notes"
	fails 1 "matrixgen: $T/notes:3: the notes may not contain a versions block" \
	    matrixgen -n "$NS" -m "$MAN" -N "$T/notes" </dev/null
	# Inside another fence it is only text, and allowed.
	printf '````md\n```versions\na=1\n```\n````\n' >"$T/notes"
	run matrixgen -n "$NS" -m "$MAN" -N "$T/notes" </dev/null
	assert_success
	run matrixgen -x <(printf '%s\n' "$output")
	assert_success
	assert_line --index 0 'source-commit=0123456789abcdef0123456789abcdef01234567'
}

@test "-x: the fence rules of CommonMark" {
	local in want n=0
	while IFS='@' read -r in want; do
		n=$((n + 1))
		printf '%b' "$in" >"$T/md"
		run --separate-stderr matrixgen -x "$T/md"
		if [ "$status" -ne 0 ] || [ "$output" != "$(printf '%b' "$want")" ]
		then
			printf 'case %d: status %s, stdout "%s", stderr "%s"\n' \
			    "$n" "$status" "$output" "$stderr"
			return 1
		fi
	done <<'CASES'
# t\n```versions\na=1\nb=2\n```\n@a=1\nb=2
```versions  \na=1\n```   \n@a=1
   ```versions\n   a=1\n  b=2\n   ```\n@a=1\nb=2
````versions\na=1\n`````  \n@a=1
```bash\n```versions\n```\n```versions\nc=3\n```\n@c=3
~~~\n```versions\n~~~\n```versions\nd=4\n```\n@d=4
```versions\ne=5\n```\n```versions x\nf=6\n```\n@e=5
```versions\ng=7\n```@g=7
CASES
}

@test "-x: bad documents exit 1 with FILE:LINE" {
	local in msg n=0
	while IFS='@' read -r in msg; do
		n=$((n + 1))
		printf '%b' "$in" >"$T/md"
		fails 1 "matrixgen: $T/md:$msg" matrixgen -x "$T/md" ||
		    { echo "case $n"; return 1; }
	done <<'CASES'
# title\n\ntext\n@3: no versions block
@1: no versions block
~~~versions\na=1\n~~~\n@3: no versions block
    ```versions\n    a=1\n    ```\n@3: no versions block
```bash\n```versions\na=1\n```\n@4: no versions block
```versions\na=1\n@1: unterminated versions block
```versions\n```\n@1: empty versions block
```versions\na=1\n\n```\n@3: expected key=value
```versions\na=1\n# c\n```\n@3: expected key=value
````versions\na=1\n```\n````\n@3: expected key=value
```versions\na:1\n```\n@2: expected key=value
```versions\na=1\nb=2\na=3\n```\n@4: duplicate key a (first on line 2)
```versions\na=1\n```\ntext\n```versions\nb=2\n```\n@5: second versions block (the first opens on line 1)
```versions\na=1\r\n```\n@2:4: control character in the value of a
```versions\na =1\n```\n@2:2: character ' ' not allowed in a key
CASES
}

@test "usage: -h, bad options, operands and missing inputs" {
	run matrixgen -h
	assert_success
	assert_line --index 0 'usage: matrixgen -m manifest.json -n namespace.json [-N notes] [-o file] [-p out_dir]'
	assert_line --index 1 '                 [-r feature_dir] [pins]'
	assert_line --index 2 '       matrixgen -x | -X [-o file] [file]'
	run --separate-stderr matrixgen -q
	[ "$status" -eq 2 ] && [ -z "$output" ]
	[[ "$stderr" == *"usage: matrixgen"* ]]
	run --separate-stderr matrixgen -m "$MAN" </dev/null
	[ "$status" -eq 2 ] && [ -z "$output" ]
	[[ "$stderr" == "matrixgen: -m and -n are required"* ]]
	run --separate-stderr matrixgen -n "$NS" </dev/null
	[ "$status" -eq 2 ] && [ -z "$output" ]
	run --separate-stderr matrixgen -x -m "$MAN" "$F/expected.md"
	[ "$status" -eq 2 ] && [ -z "$output" ]
	run --separate-stderr matrixgen -x "$F/expected.md" "$F/expected.md"
	[ "$status" -eq 2 ] && [ -z "$output" ]
	run --separate-stderr matrixgen -n "$NS" -m "$MAN" a b
	[ "$status" -eq 2 ] && [ -z "$output" ]
	fails 2 "matrixgen: -r: not a usable directory name" \
	    matrixgen -n "$NS" -m "$MAN" -r '' </dev/null
	fails 2 "matrixgen: -p: not a usable directory name" \
	    matrixgen -n "$NS" -m "$MAN" -p "$(printf 'a\tb')" </dev/null
	run --separate-stderr matrixgen -x "$T/nope"
	[ "$status" -eq 2 ] && [ -z "$output" ]
	[[ "$stderr" == "matrixgen: $T/nope: "* ]]
	for opt in -n -m -N; do
		args=(-n "$NS" -m "$MAN")
		args+=("$opt" "$T/nope")
		run --separate-stderr matrixgen "${args[@]}" </dev/null
		[ "$status" -eq 2 ] && [ -z "$output" ]
	done
	run --separate-stderr matrixgen -n "$NS" -m "$MAN" "$T/nope"
	[ "$status" -eq 2 ] && [ -z "$output" ]
}

@test "limits: every input of MATRIXGEN_INPUT_MAX bytes is read, one more is refused" {
	local max=$((4 * 1024 * 1024)) msg kind pad
	msg="more than $max bytes of input"
	matrixgen -n "$NS" -m "$MAN" "$F/pins.txt" >"$T/matrix.md"
	cp "$F/pins.txt" "$T/pins"
	cp "$NS" "$T/ns"
	cp "$MAN" "$T/man"
	cp "$F/notes.md" "$T/notes"
	cp "$T/matrix.md" "$T/x"
	# Rows "input|padding": blank lines after pins, blanks after JSON,
	# Markdown text after the notes and after the versions block.
	while IFS='|' read -r kind pad; do
		padto "$T/$kind" "$max" "$pad"
		case $kind in
		x)	run --separate-stderr matrixgen -x "$T/x"
			assert_success
			assert_output "$(matrixgen -x "$T/matrix.md")" ;;
		notes)	run --separate-stderr matrixgen -n "$T/ns" -m "$T/man" \
			    -N "$T/notes" "$T/pins"
			assert_success
			assert_output --partial "$(head -n 3 "$F/notes.md")" ;;
		*)	run --separate-stderr matrixgen -n "$T/ns" -m "$T/man" \
			    "$T/pins"
			assert_success
			diff -u "$T/matrix.md" <(printf '%s\n' "$output") ;;
		esac
		truncate -s $((max + 1)) "$T/$kind"
		case $kind in
		x)	fails 1 "matrixgen: $T/x: $msg" matrixgen -x "$T/x" ;;
		*)	fails 1 "matrixgen: $T/$kind: $msg" matrixgen -n "$T/ns" \
			    -m "$T/man" -N "$T/notes" "$T/pins" ;;
		esac
		cp "$T/matrix.md" "$T/x"
		cp "$F/pins.txt" "$T/pins"
		cp "$NS" "$T/ns"
		cp "$MAN" "$T/man"
		cp "$F/notes.md" "$T/notes"
	done <<'ROWS'
pins|\n
ns| 
man| 
notes|x
x|x
ROWS
}

@test "limits: pins and -x on a pipe stop one byte past MATRIXGEN_INPUT_MAX" {
	local max=$((4 * 1024 * 1024))
	export NS MAN
	run --separate-stderr bash -c "head -c $((max + 1)) /dev/zero |
	    tr '\0' '\n' | matrixgen -n \"\$NS\" -m \"\$MAN\""
	fails_with 1 "matrixgen: <stdin>: more than $max bytes of input"
	run --separate-stderr bash -c "head -c $((max + 1)) /dev/zero |
	    tr '\0' x | matrixgen -x"
	fails_with 1 "matrixgen: <stdin>: more than $max bytes of input"
}

@test "limits: JSON nested CJSON_NESTING_LIMIT deep is read, one level more is invalid" {
	local d
	for d in 1000 1001; do
		# The manifest object, then arrays up to d levels in all.
		"$PYTHON" -c 'import sys, json
d = json.load(open(sys.argv[1]))
n = int(sys.argv[2]) - 1
print(json.dumps(d)[:-1] + ", \"x\": " + "[" * n + "]" * n + "}")' \
		    "$MAN" "$d" >"$T/deep$d.json"
	done
	run --separate-stderr matrixgen -n "$NS" -m "$T/deep1000.json" \
	    "$F/pins.txt"
	assert_success
	run --separate-stderr matrixgen -n "$NS" -m "$T/deep1001.json" \
	    "$F/pins.txt"
	assert_equal "$status" 1
	assert_equal "$output" ""
	assert_regex "$stderr" "^matrixgen: $T/deep1001.json:1:[0-9]+: invalid JSON\$"
}
