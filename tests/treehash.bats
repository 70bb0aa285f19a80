#!/usr/bin/env bats
# treehash: fingerprints of a tree from a path list or from git's object
# stream, absent manifest patterns, check mode, and every bad input.
# Python (hashlib, fnmatch, json) is the reference model.

load helper

bats_require_minimum_version 1.5.0

T0=2026-02-23T19:45:18Z
SRC=21ed0738f009ca35a2927528238a48778e41f1d4
PIPE_LS='%(objecttype) %(objectname) %(objectmode) %(path)'
PIPE_CAT='%(objectname) %(objecttype) %(objectsize) %(rest)'

# The golden tree: odd names, a symbolic link to /etc/passwd, an empty
# file, and paths that the fixed exclusions and -x 'drafts/*' remove.
mkgolden() {
	local d=$1
	mkdir -p "$d" && cd "$d" || return 1
	mkdir -p tasks src a/handoff handoff lib/__pycache__ drafts
	printf 'spec\n' >spec.md
	printf 'plan\n' >plan.md
	printf '{}\n' >meta.json
	printf 'work package 1\n' >tasks/WP01-x.md
	printf 'dash\n' >-dash.md
	printf 'lead\n' >' lead space'
	printf 'quote\n' >'q"uote'
	printf 'backslash\n' >'back\slash'
	printf 'newline\n' >"$(printf 'new\nline')"
	printf 'bad byte\n' >"$(printf 'bad\377byte')"
	printf 'utf-8\n' >"$(printf 'caf\303\251.md')"
	printf 'tab\n' >"$(printf 'tab\tname')"
	: >empty
	ln -s /etc/passwd link
	printf 'kept\n' >a/handoff/keep.md
	printf '{}\n' >handoff/artifact-tree.json
	printf 'x\n' >lib/__pycache__/m.cpython-311.pyc
	printf 'x\n' >lib/x.pyc
	printf 'print(1)\n' >lib/m.py
	printf 'draft\n' >drafts/n.md
	cd - >/dev/null || return 1
}

# Every file and link under a directory, NUL-terminated, as find lists them.
listall() {
	(cd "$1" && find . \( -type f -o -type l \) -printf '%P\0')
}

# The canonical committed-state pipeline of treehash(1).
gitstream() {
	git -C "$1" ls-tree -r --format="$PIPE_LS" "$2" |
	    sed -n 's/^blob //p' |
	    git -C "$1" cat-file --batch="$PIPE_CAT"
}

gitinit() {
	git -C "$1" init -q &&
	    git -C "$1" add -A &&
	    git -C "$1" -c user.name=t -c user.email=t@example.org \
	    commit -q -m tree
}

# The Python model: walk the directory with lstat, apply the exclusions,
# hash with hashlib, find absent patterns with fnmatch, print json.dumps.
# Arguments: dir manifest-or-empty [-x patterns...]; header from SLUG,
# ROOT, SOURCE and T.
model() {
	"$PYTHON" - "$@" <<'EOF'
import fnmatch, hashlib, json, os, sys

root = os.fsencode(sys.argv[1])
manifest = sys.argv[2]
excludes = sys.argv[3:]

def excluded(rel):
    parts = rel.split(b"/")
    if parts[0] == b"handoff" and len(parts) > 1:
        return True
    if b".git" in parts or b"__pycache__" in parts[:-1]:
        return True
    if rel.endswith(b".pyc"):
        return True
    return any(fnmatch.fnmatchcase(os.fsdecode(rel), x) for x in excludes)

found = {}

def walk(d, prefix):
    for de in os.scandir(d):
        rel = prefix + de.name
        if de.is_symlink():
            data = os.readlink(de.path)
        elif de.is_dir():
            walk(de.path, rel + b"/")
            continue
        else:
            with open(de.path, "rb") as f:
                data = f.read()
        if not excluded(rel):
            found[rel] = data

walk(root, b"")
paths = sorted(found)
entries = [{"path": os.fsdecode(p),
            "sha256": hashlib.sha256(found[p]).hexdigest(),
            "size_bytes": len(found[p]), "status": "present"} for p in paths]
patterns = []
if manifest:
    m = json.load(open(manifest))
    items = list(m.get("required_always") or [])
    for step in (m.get("required_by_step") or {}).values():
        items += step
    items += m.get("optional_always") or []
    for it in items:
        if it["path_pattern"] not in patterns:
            patterns.append(it["path_pattern"])
absent = [p for p in patterns
          if not any(fnmatch.fnmatchcase(e["path"], p) for e in entries)]
entries += [{"path": p, "sha256": None, "size_bytes": None,
             "status": "absent"} for p in absent]
env = os.environ
out = {"schema_version": "1", "feature_slug": env.get("SLUG"),
       "root_path": env.get("ROOT"), "source_commit": env.get("SOURCE"),
       "captured_at": env["T"], "entries": entries,
       "total_files": len(entries), "present_count": len(paths),
       "absent_count": len(absent)}
print(json.dumps(out, indent=2))
EOF
}

# expect STATUS MESSAGE command...: the exit status, stderr exactly, and
# nothing at all on stdout.
expect() {
	local want_status=$1 want_err=$2
	shift 2
	run --separate-stderr "$@"
	assert_equal "$status" "$want_status"
	assert_equal "$stderr" "$want_err"
	assert_equal "$output" ""
}

setup() {
	G="$BATS_TEST_TMPDIR/tree"
	M="$FIXTURES/treehash/manifest.json"
}

# Usage and options.

@test "-h prints the usage to stdout, and it matches the man page SYNOPSIS" {
	run --separate-stderr treehash -h
	assert_success
	assert_equal "$stderr" ""
	local usage synopsis
	usage=$(printf '%s\n' "$output" | sed 's/^usage: *//; s/^ *//' |
	    tr -s ' \t\n' '   ')
	synopsis=$(mandoc -Tascii "$TOP/man/treehash.1" | sed "s/.\x08//g" |
	    sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' |
	    sed 's/^ *//' | tr -s ' \t\n' '   ')
	assert_equal "$usage" "$synopsis"
}

@test "usage errors exit 2 with the usage on stderr" {
	local args
	while IFS= read -r args; do
		# shellcheck disable=SC2086
		run --separate-stderr treehash $args </dev/null
		assert_equal "$status" 2
		assert_equal "$output" ""
		[[ $stderr == *"usage: treehash [-0g]"* ]] ||
		    fail "no usage for: $args"
	done <<'EOF'
-q
a b
-t 0123456789012345678901234567890123456789
-g -0
-g -C .
-c x.json -f slug
-c x.json -T 2026-02-23T19:45:18Z
-s HEAD
-s 0123456789ABCDEF0123456789ABCDEF01234567
-T 2026-02-23
-T 2026-02-23T19:45:18+01:00
EOF
}

@test "usage errors name the problem" {
	run --separate-stderr treehash -t 0123456789012345678901234567890123456789
	assert_equal "$status" 2
	assert_equal "${stderr%%$'\n'*}" "treehash: -t needs -g"
	run --separate-stderr treehash -s abc
	assert_equal "${stderr%%$'\n'*}" \
	    "treehash: -s: \"abc\": must be 40 or 64 lowercase hexadecimal digits"
	run --separate-stderr treehash -f ../x </dev/null
	assert_equal "$status" 2
	assert_equal "${stderr%%$'\n'*}" \
	    "treehash: -f: \"../x\": '/' is not allowed"
	run --separate-stderr treehash -g -0
	assert_equal "${stderr%%$'\n'*}" \
	    "treehash: -0 and -C apply to path lists, not to -g"
}

@test "an unreadable root directory or input file is an I/O error, exit 2" {
	expect 2 "treehash: $BATS_TEST_TMPDIR/none: No such file or directory" \
	    treehash -C "$BATS_TEST_TMPDIR/none" </dev/null
	expect 2 "treehash: $BATS_TEST_TMPDIR/none: No such file or directory" \
	    treehash "$BATS_TEST_TMPDIR/none"
	expect 2 "treehash: $BATS_TEST_TMPDIR/none: No such file or directory" \
	    treehash -g "$BATS_TEST_TMPDIR/none"
	expect 2 "treehash: $BATS_TEST_TMPDIR/none: No such file or directory" \
	    treehash -m "$BATS_TEST_TMPDIR/none" </dev/null
}

# Path-list mode.

@test "golden tree: odd names, a symlink, exclusions and absent patterns" {
	mkgolden "$G"
	listall "$G" | treehash -0 -C "$G" -m "$M" -x 'drafts/*' \
	    -f 045-golden -r kitty-specs/045-golden -s "$SRC" -T "$T0" \
	    >"$BATS_TEST_TMPDIR/out"
	diff -u "$FIXTURES/treehash/golden.json" "$BATS_TEST_TMPDIR/out"
}

@test "golden tree equals the Python hashlib and fnmatch model" {
	mkgolden "$G"
	listall "$G" | treehash -0 -C "$G" -m "$M" -x 'drafts/*' -T "$T0" \
	    >"$BATS_TEST_TMPDIR/out"
	T=$T0 model "$G" "$M" 'drafts/*' >"$BATS_TEST_TMPDIR/py"
	diff -u "$BATS_TEST_TMPDIR/py" "$BATS_TEST_TMPDIR/out"
}

@test "a symlink to /etc/passwd hashes the text /etc/passwd, not the file" {
	mkgolden "$G"
	printf 'link\n' | treehash -C "$G" >"$BATS_TEST_TMPDIR/out"
	local want
	want=$(printf /etc/passwd | sha256sum | cut -d' ' -f1)
	run "$PYTHON" -c 'import json, sys
e = json.load(open(sys.argv[1]))["entries"][0]
print(e["path"], e["sha256"], e["size_bytes"])' "$BATS_TEST_TMPDIR/out"
	assert_output "link $want 11"
}

@test "odd names round-trip: json.loads and os.fsencode give the bytes back" {
	mkgolden "$G"
	listall "$G" | treehash -0 -C "$G" >"$BATS_TEST_TMPDIR/out"
	run "$PYTHON" -c 'import json, os, sys
d = json.load(open(sys.argv[1]))
names = [os.fsencode(e["path"]) for e in d["entries"]]
for n in names:
    assert os.path.lexists(os.path.join(os.fsencode(sys.argv[2]), n)), n
want = [b"new\nline", b"q\"uote", b"back\\slash", b"bad\xffbyte",
        b"caf\xc3\xa9.md", b"-dash.md", b" lead space", b"tab\tname"]
missing = [w for w in want if w not in names]
assert not missing, missing
print(len(names))' "$BATS_TEST_TMPDIR/out" "$G"
	assert_success
	assert_output 17
	grep -F '"path": "bad\udcffbyte"' "$BATS_TEST_TMPDIR/out"
	grep -F '"path": "caf\u00e9.md"' "$BATS_TEST_TMPDIR/out"
}

@test "newline-separated list: ./ prefixes, empty and . components, duplicates" {
	mkgolden "$G"
	printf './spec.md\ntasks//WP01-x.md\n./tasks/./WP01-x.md\nspec.md\n' |
	    treehash -C "$G" -T "$T0" >"$BATS_TEST_TMPDIR/a"
	printf 'spec.md\0tasks/WP01-x.md\0' |
	    treehash -0 -C "$G" -T "$T0" >"$BATS_TEST_TMPDIR/b"
	diff -u "$BATS_TEST_TMPDIR/b" "$BATS_TEST_TMPDIR/a"
	run "$PYTHON" -c 'import json, sys
print(" ".join(e["path"] for e in json.load(open(sys.argv[1]))["entries"]))' \
	    "$BATS_TEST_TMPDIR/a"
	assert_output "spec.md tasks/WP01-x.md"
}

@test "the list may come from a file operand, and - is stdin" {
	mkgolden "$G"
	printf 'spec.md\n' >"$BATS_TEST_TMPDIR/list"
	treehash -C "$G" -T "$T0" "$BATS_TEST_TMPDIR/list" >"$BATS_TEST_TMPDIR/a"
	treehash -C "$G" -T "$T0" - <"$BATS_TEST_TMPDIR/list" >"$BATS_TEST_TMPDIR/b"
	diff -u "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
}

@test "empty input is an empty tree" {
	run --separate-stderr treehash -T "$T0" </dev/null
	assert_success
	diff -u - <(printf '%s\n' "$output") <<EOF
{
  "schema_version": "1",
  "feature_slug": null,
  "root_path": null,
  "source_commit": null,
  "captured_at": "$T0",
  "entries": [],
  "total_files": 0,
  "present_count": 0,
  "absent_count": 0
}
EOF
}

@test "captured_at defaults to SOURCE_DATE_EPOCH" {
	SOURCE_DATE_EPOCH=1771875918 run treehash </dev/null
	assert_success
	assert_line '  "captured_at": "2026-02-23T19:45:18Z",'
}

@test "exclusions: top-level handoff/, any .git and __pycache__, *.pyc, -x" {
	local d="$BATS_TEST_TMPDIR/x"
	mkdir -p "$d/handoff" "$d/a/handoff" "$d/.git" "$d/sub/.git" \
	    "$d/deep/__pycache__" "$d/drafts/deep" "$d/notes"
	for f in handoff/a.json a/handoff/b.md .git/config sub/.git/HEAD \
	    deep/__pycache__/x.py deep/__pycache__ x.pyc deep/y.pyc x.pycx \
	    drafts/deep/c.md notes/keep.md notes/skip.tmp; do
		printf '%s\n' "$f" >"$d/$f" 2>/dev/null || :
	done
	printf 'gitfile\n' >"$d/sub2.git"
	mkdir -p "$d/sub3" && printf 'gitdir: x\n' >"$d/sub3/.git"
	listall "$d" | treehash -0 -C "$d" -x 'drafts/*' -x '*.tmp' \
	    >"$BATS_TEST_TMPDIR/out"
	run "$PYTHON" -c 'import json, sys
print(" ".join(e["path"] for e in json.load(open(sys.argv[1]))["entries"]))' \
	    "$BATS_TEST_TMPDIR/out"
	assert_output "a/handoff/b.md notes/keep.md sub2.git x.pycx"
}

@test "-x patterns: * crosses /, ? is one character, sets, no escapes" {
	mkgolden "$G"
	run sh -c 'listall() { (cd "$1" && find . \( -type f -o -type l \) -printf "%P\0"); }
	    listall "$1" | treehash -0 -C "$1" -x "*.md" -x "?ink" -x "[bq]*" \
	    -x "*\\*" -x "tab?name" -x "new?line" -x lib/m.py -x empty -x "*spac?"' \
	    sh "$G"
	assert_success
	run "$PYTHON" -c 'import json, sys
print(" ".join(e["path"] for e in json.loads(sys.stdin.read())["entries"]))' \
	    <<<"$output"
	assert_output "meta.json"
}

# Absent patterns.

@test "absent: tasks.md missing, tasks/WP*.md matched, a pattern of two steps once" {
	mkgolden "$G"
	listall "$G" | treehash -0 -C "$G" -m "$M" -T "$T0" >"$BATS_TEST_TMPDIR/out"
	run "$PYTHON" -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(e["path"] for e in d["entries"] if e["status"] == "absent"))
print(d["total_files"], d["present_count"], d["absent_count"])' \
	    "$BATS_TEST_TMPDIR/out"
	assert_line -n 0 "tasks.md src/*.py research.md gap-analysis.md"
	assert_line -n 1 "21 17 4"
}

@test "absent: order is required_always, each step in order, optional_always" {
	local d="$BATS_TEST_TMPDIR/o"
	mkdir -p "$d"
	cat >"$BATS_TEST_TMPDIR/m.json" <<'EOF'
{"optional_always": [{"path_pattern": "o1"}, {"path_pattern": "r1"}],
 "required_by_step": {"zeta": [{"path_pattern": "z1"}],
                      "alpha": [{"path_pattern": "a1"}, {"path_pattern": "z1"}]},
 "required_always": [{"path_pattern": "r1"}]}
EOF
	treehash -T "$T0" -m "$BATS_TEST_TMPDIR/m.json" </dev/null \
	    >"$BATS_TEST_TMPDIR/out"
	run "$PYTHON" -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(e["path"] for e in d["entries"]))' "$BATS_TEST_TMPDIR/out"
	assert_output "r1 z1 a1 o1"
}

@test "absent patterns use Python fnmatch semantics (model comparison)" {
	local d="$BATS_TEST_TMPDIR/f"
	mkdir -p "$d/a/b" "$d/tasks"
	for f in a/b/c.md '[x].md' x.md 'a]b' 'back\slash' "$(printf 'caf\303\251')" \
	    tasks/WP01-x.md '!bang' "$(printf 'by\377te')" '-x' 'Q.md'; do
		printf '%s\n' "$f" >"$d/$f"
	done
	"$PYTHON" - "$BATS_TEST_TMPDIR/m.json" <<'EOF'
import json, sys
pats = ["*.md", "a/*", "?.md", "[[]x].md", "[!a]*", "[]]", "a[]]b",
        "[a-c]*", "*/c.md", "back\\slash", "back\\\\slash", "[", "[!]x]*",
        "caf\u00e9", "caf?", "ca?\u00e9", "by?te", "by\udcffte", "[b]y?te",
        "tasks/WP*.md", "tasks/WP0[2-9]*", "a/b/*.txt", "*", "**", "a*/c*",
        "[!!]bang", "!*", "[z-a]*", "-[x]", "[--0]x", "[Q-Q].md", "q.md",
        "a/b", "a/?/c.md", "[*]", "*[.]md", "x.m[", "x.m[d"]
items = [{"path_pattern": p} for p in pats]
json.dump({"required_always": items}, open(sys.argv[1], "w"))
EOF
	listall "$d" | treehash -0 -C "$d" -m "$BATS_TEST_TMPDIR/m.json" -T "$T0" \
	    >"$BATS_TEST_TMPDIR/out"
	T=$T0 model "$d" "$BATS_TEST_TMPDIR/m.json" >"$BATS_TEST_TMPDIR/py"
	diff -u "$BATS_TEST_TMPDIR/py" "$BATS_TEST_TMPDIR/out"
	# Not vacuous: some patterns are absent and some are present.
	grep -q '"absent_count": 0' "$BATS_TEST_TMPDIR/out" && false
	grep -q '"absent_count": 38' "$BATS_TEST_TMPDIR/out" && false
	true
}

@test "bad manifests: located JSON syntax errors and wrong shapes, exit 1" {
	local m="$BATS_TEST_TMPDIR/m.json"
	printf '{\n  "required_always": [,]\n}\n' >"$m"
	expect 1 "treehash: $m:2:23: invalid JSON" treehash -m "$m" </dev/null
	printf '[]\n' >"$m"
	expect 1 "treehash: $m: not a JSON object" treehash -m "$m" </dev/null
	printf '{"required_always": {}}\n' >"$m"
	expect 1 "treehash: $m: /required_always: not an array" \
	    treehash -m "$m" </dev/null
	printf '{"required_by_step": []}\n' >"$m"
	expect 1 "treehash: $m: /required_by_step: not an object" \
	    treehash -m "$m" </dev/null
	printf '{"required_by_step": {"plan": [{"path_pattern": 3}]}}\n' >"$m"
	expect 1 "treehash: $m: /required_by_step/plan/0/path_pattern: not a non-empty string" \
	    treehash -m "$m" </dev/null
	printf '{"optional_always": [{"path_pattern": "a"}, {}]}\n' >"$m"
	expect 1 "treehash: $m: /optional_always/1/path_pattern: missing" \
	    treehash -m "$m" </dev/null
	printf '{"optional_always": ["a", 3]}\n' >"$m"
	expect 1 "treehash: $m: /optional_always/1: not a string or an object" \
	    treehash -m "$m" </dev/null
}

# Bad input in path-list mode.

@test "bad path lists: located errors, exit 1, nothing on stdout" {
	mkgolden "$G"
	mkfifo "$G/fifo"
	expect 1 "treehash: <stdin>:2: nope: No such file or directory" \
	    treehash -C "$G" < <(printf 'spec.md\nnope\n')
	expect 1 "treehash: <stdin>:2: tasks: not a regular file or symbolic link" \
	    treehash -C "$G" < <(printf 'spec.md\ntasks\n')
	expect 1 "treehash: <stdin>:1: fifo: not a regular file or symbolic link" \
	    treehash -C "$G" < <(printf 'fifo\n')
	expect 1 "treehash: <stdin>:3: \"no\\nsuch\": No such file or directory" \
	    treehash -0 -C "$G" < <(printf 'spec.md\0plan.md\0no\nsuch\0')
	expect 1 "treehash: <stdin>:1: spec.md/x: Not a directory" \
	    treehash -C "$G" < <(printf 'spec.md/x\n')
	expect 1 "treehash: <stdin>:2: absolute path: /etc/passwd" \
	    treehash -C "$G" < <(printf 'spec.md\n/etc/passwd\n')
	expect 1 "treehash: <stdin>:1: path leaves the root directory: a/../../x" \
	    treehash -C "$G" < <(printf 'a/../../x\n')
	expect 1 "treehash: <stdin>:2: empty path" \
	    treehash -C "$G" < <(printf 'spec.md\n\nplan.md\n')
	expect 1 "treehash: <stdin>:1: empty path: ./" \
	    treehash -C "$G" < <(printf './\n')
	expect 1 "treehash: <stdin>:1: NUL byte in path (use -0 for NUL-separated input)" \
	    treehash -C "$G" < <(printf 'spec.md\0plan.md\n')
	printf 'spec.md\nnope\n' >"$BATS_TEST_TMPDIR/list"
	expect 1 "treehash: $BATS_TEST_TMPDIR/list:2: nope: No such file or directory" \
	    treehash -C "$G" "$BATS_TEST_TMPDIR/list"
}

# Each directory is checked for a symbolic link once, so a path must be
# trusted only as far as the directories it shares with a path found good:
# not through a shared prefix of a name, and never through a failed path.
# Rows: status, the list (printf format), what stderr says, or for a
# success the paths of the output.
@test "a symbolic link on the way is found after paths that share part of it" {
	local row want_status list want
	mkdir -p "$G/d/e" "$G/d/real" "$G/d/b" "$G/a/b/c/d" "$G/a/b/c/real"
	for f in d/e/f d/real/h d/real/i d/b/f a/b/c/d/f a/b/c/real/f; do
		printf '%s\n' "$f" >"$G/$f"
	done
	ln -s ../real "$G/d/e/g"
	ln -s b "$G/d/bl"
	ln -s d "$G/x"
	ln -s real "$G/a/b/c/l"
	while IFS='|' read -r want_status list want; do
		row="$want_status|$list"
		# shellcheck disable=SC2059
		run --separate-stderr treehash -C "$G" < <(printf "$list\n")
		if [ "$want_status" -eq 0 ]; then
			assert_equal "$row: $status $stderr" "$row: 0 "
			assert_equal "$row: $(printf '%s' "$output" | "$PYTHON" -c '
import json, sys
print(" ".join(f["path"] for f in json.load(sys.stdin)["entries"]))')" \
			    "$row: $want"
		else
			assert_equal "$row: $status $stderr" "$row: $want_status treehash: <stdin>:$want: a directory on the way is a symbolic link"
			assert_equal "$row: $output" "$row: "
		fi
	done <<'EOF'
0|d/e/f\nd/real/h\nd/b/f\na/b/c/d/f\na/b/c/real/f|a/b/c/d/f a/b/c/real/f d/b/f d/e/f d/real/h
1|d/e/f\nd/e/g/h|2: d/e/g/h
1|d/b/f\nd/bl/f|2: d/bl/f
1|d/bl/f\nd/b/f|1: d/bl/f
1|d/real/h\nd/e/f\nx/e/f|3: x/e/f
1|a/b/c/d/f\na/b/c/l/f|2: a/b/c/l/f
1|a/b/c/real/f\na/b/c/l/f\na/b/c/d/f|2: a/b/c/l/f
1|d/e/g/i\nd/e/g/h|1: d/e/g/i
1|d/e/g/i\nd/e/f\nd/e/g/h|1: d/e/g/i
EOF
}

# What the shared part saves: the directories of a path list are looked
# at once each (an fstatat without following links), however many paths
# pass through them, not once for every new directory on the way.
@test "each directory on the way is looked at once" {
	strace_or_skip treehash
	local f t=$BATS_TEST_TMPDIR/stats
	for f in a/b/c/d/f a/b/c/d/g a/b/c/e/f a/b/x/f a/y/f a/y/z/f b/f top; do
		mkdir -p "$G/$(dirname "$f")"
		printf '%s\n' "$f" >"$G/$f"
	done
	(cd "$G" && find . -type f -printf '%P\n') >"$BATS_TEST_TMPDIR/list"
	traced -f -e trace=%%stat -o "$t" "$HANDOFF_BIN/treehash" \
	    -C "$G" "$BATS_TEST_TMPDIR/list" >/dev/null
	run sh -c "grep AT_SYMLINK_NOFOLLOW '$t' | sed 's/^[^\"]*\"\\([^\"]*\\)\".*/\\1/' | sort"
	assert_output "a
a/b
a/b/c
a/b/c/d
a/b/c/e
a/b/x
a/y
a/y/z
b"
}

@test "the first failing path in input order is the one reported" {
	mkgolden "$G"
	expect 1 "treehash: <stdin>:2: zz: No such file or directory" \
	    treehash -C "$G" < <(printf 'spec.md\nzz\naa\n')
}

@test "an unreadable file is a located error (not as root)" {
	[ "$(id -u)" -ne 0 ] || skip "root reads any file"
	mkgolden "$G"
	chmod 000 "$G/spec.md"
	expect 1 "treehash: <stdin>:1: spec.md: Permission denied" \
	    treehash -C "$G" < <(printf 'spec.md\n')
}

@test "limit: a path of 4095 bytes is hashed, 4096 is refused" {
	local d="$BATS_TEST_TMPDIR/long" comp p="" i
	comp=$(printf '%0255d' 0)
	for i in $(seq 15); do p="$p$comp/"; done
	mkdir -p "$d"
	# Relative to $d: the absolute name would pass PATH_MAX.
	(cd "$d" && mkdir -p "$p" && printf 'deep\n' >"$p$comp")
	[ "${#p}" -eq $((4095 - 255)) ]
	run --separate-stderr treehash -C "$d" < <(printf '%s\n' "$p$comp")
	assert_success
	[[ $output == *'"size_bytes": 5'* ]]
	expect 1 "treehash: <stdin>:1: path longer than 4095 bytes" \
	    treehash -C "$d" < <(printf '%s\n' "${p}x$comp")
}

@test "memory does not grow with file size" {
	local d="$BATS_TEST_TMPDIR/big"
	mkdir -p "$d"
	head -c 1048576 /dev/zero >"$d/small"
	head -c 67108864 /dev/zero >"$d/large"
	command -v /usr/bin/time >/dev/null || skip "/usr/bin/time not present"
	/usr/bin/time -f %M -o "$BATS_TEST_TMPDIR/s" treehash -C "$d" \
	    < <(echo small) >/dev/null
	/usr/bin/time -f %M -o "$BATS_TEST_TMPDIR/l" treehash -C "$d" \
	    < <(echo large) >/dev/null
	# Peak resident sizes in KiB: within 2 MiB of each other.
	[ $(($(cat "$BATS_TEST_TMPDIR/l") - $(cat "$BATS_TEST_TMPDIR/s"))) -lt 2048 ]
}

# Committed-state mode.

# Known SHA-256 values (FIPS 180-2's three, plus a file one byte longer
# than a read block) through both modes, so that a wrong build-time
# backend (make SHA256=openssl) cannot pass for a right one.
@test "known SHA-256 vectors, in both modes, whatever the backend" {
	mkdir -p "$G"
	: >"$G/empty"
	printf abc >"$G/abc"
	printf abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq >"$G/two"
	head -c 1000000 /dev/zero | tr '\0' a >"$G/million"
	head -c 131073 /dev/zero | tr '\0' b >"$G/block"
	cat >"$BATS_TEST_TMPDIR/want" <<'SUMS'
abc ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad 3
block 35bb537fce25896379735abf3069d79e8c2e9e3ccd53bd23451f187193babd71 131073
empty e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 0
million cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0 1000000
two 248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1 56
SUMS
	sums() {
		"$PYTHON" -c 'import json, sys
for e in json.load(sys.stdin)["entries"]:
    print(e["path"], e["sha256"], e["size_bytes"])'
	}
	listall "$G" | treehash -0 -C "$G" -T "$T0" | sums >"$BATS_TEST_TMPDIR/list"
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/list"
	gitinit "$G"
	gitstream "$G" HEAD: | treehash -g -T "$T0" | sums >"$BATS_TEST_TMPDIR/git"
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/git"
}

@test "-g: the committed golden tree gives the same JSON as the path list" {
	mkgolden "$G"
	rm -rf "$G/drafts"
	gitinit "$G"
	git -C "$G" ls-files -z | treehash -0 -C "$G" -m "$M" -T "$T0" \
	    >"$BATS_TEST_TMPDIR/list"
	gitstream "$G" HEAD: | treehash -g -m "$M" -T "$T0" >"$BATS_TEST_TMPDIR/git"
	diff -u "$BATS_TEST_TMPDIR/list" "$BATS_TEST_TMPDIR/git"
	T=$T0 model "$G" "$M" >"$BATS_TEST_TMPDIR/py"
	diff -u "$BATS_TEST_TMPDIR/py" "$BATS_TEST_TMPDIR/git"
}

@test "-g: the golden object stream, with a submodule entry, gives golden.json" {
	treehash -g -m "$M" -x 'drafts/*' -f 045-golden \
	    -r kitty-specs/045-golden -s "$SRC" -T "$T0" \
	    "$FIXTURES/treehash/golden.stream" >"$BATS_TEST_TMPDIR/out"
	diff -u "$FIXTURES/treehash/golden.json" "$BATS_TEST_TMPDIR/out"
}

@test "-g: a dirty work tree does not leak into the result" {
	mkgolden "$G"
	gitinit "$G"
	gitstream "$G" HEAD: | treehash -g -T "$T0" >"$BATS_TEST_TMPDIR/before"
	printf 'dirty\n' >>"$G/spec.md"
	printf 'new\n' >"$G/untracked.md"
	rm "$G/plan.md"
	gitstream "$G" HEAD: | treehash -g -T "$T0" >"$BATS_TEST_TMPDIR/after"
	diff -u "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

@test "-g: tree_commit follows root_path, only with -t" {
	mkgolden "$G"
	gitinit "$G"
	local head
	head=$(git -C "$G" rev-parse HEAD)
	gitstream "$G" HEAD:tasks | treehash -g -f golden -r tasks -t "$head" \
	    -s "$SRC" -T "$T0" >"$BATS_TEST_TMPDIR/out"
	diff -u - "$BATS_TEST_TMPDIR/out" <<EOF
{
  "schema_version": "1",
  "feature_slug": "golden",
  "root_path": "tasks",
  "tree_commit": "$head",
  "source_commit": "$SRC",
  "captured_at": "$T0",
  "entries": [
    {
      "path": "WP01-x.md",
      "sha256": "$(printf 'work package 1\n' | sha256sum | cut -d' ' -f1)",
      "size_bytes": 15,
      "status": "present"
    }
  ],
  "total_files": 1,
  "present_count": 1,
  "absent_count": 0
}
EOF
}

@test "-g: quoted paths with every escape git uses are unquoted" {
	local oid=0123456789abcdef0123456789abcdef01234567
	{
		printf '%s blob 1 100644 "a\\a\\b\\t\\n\\v\\f\\r\\"\\\\\\001\\377z"\nx\n' "$oid"
		printf '%s blob 1 100755 "\\303\\251"\ny\n' "$oid"
		printf '%s blob 1 100644  two  spaces \nz\n' "$oid"
		printf '%s blob 1 120000 -dash\nw\n' "$oid"
	} | treehash -g -T "$T0" >"$BATS_TEST_TMPDIR/out"
	run "$PYTHON" -c 'import json, os, sys
for e in json.load(open(sys.argv[1]))["entries"]:
    print(repr(os.fsencode(e["path"])), e["size_bytes"])' "$BATS_TEST_TMPDIR/out"
	assert_output - <<'EOF'
b' two  spaces ' 1
b'-dash' 1
b'a\x07\x08\t\n\x0b\x0c\r"\\\x01\xffz' 1
b'\xc3\xa9' 1
EOF
}

@test "-g: a submodule commit is skipped, excluded paths are read past" {
	local oid=0123456789abcdef0123456789abcdef01234567
	{
		printf '%s commit 5 160000 sub\nabcd\n\n' "$oid"
		printf '%s blob 3 100644 handoff/x.json\n{}\n\n' "$oid"
		printf '%s blob 2 100644 __pycache__/m.pyc\nb\n\n' "$oid"
		printf '%s blob 6 100644 keep.md\nkeep\n\n\n' "$oid"
	} | treehash -g -T "$T0" >"$BATS_TEST_TMPDIR/out"
	run "$PYTHON" -c 'import json, sys
for e in json.load(open(sys.argv[1]))["entries"]:
    print(e["path"], e["sha256"], e["size_bytes"])' "$BATS_TEST_TMPDIR/out"
	assert_output "keep.md $(printf 'keep\n\n' | sha256sum | cut -d' ' -f1) 6"
}

@test "-g: bad object streams are located errors, exit 1, nothing on stdout" {
	local oid=0123456789abcdef0123456789abcdef01234567 s
	s="$oid blob 2 100644 a"
	expect 1 "treehash: <stdin>:1: truncated object stream: header line without a newline" \
	    treehash -g < <(printf '%s' "$s")
	expect 1 "treehash: <stdin>:1: truncated object stream: object of 2 bytes ends after 1" \
	    treehash -g < <(printf '%s\nx' "$s")
	expect 1 "treehash: <stdin>:1: truncated object stream: object of 2 bytes ends after 2" \
	    treehash -g < <(printf '%s\nxy' "$s")
	expect 1 "treehash: <stdin>:4: truncated object stream: object of 2 bytes ends after 0" \
	    treehash -g < <(printf '%s\nx\n\n%sb\n' "$s" "$s")
	expect 1 "treehash: <stdin>:2: object of 2 bytes not followed by a newline" \
	    treehash -g < <(printf '%s\nx\nZ' "$s")
	expect 1 "treehash: <stdin>:1: object $oid missing from the repository (a submodule? drop gitlinks as treehash(1) shows)" \
	    treehash -g < <(printf '%s missing\n' "$oid")
	expect 1 "treehash: <stdin>:1: object name $oid ambiguous" \
	    treehash -g < <(printf '%s ambiguous\n' "$oid")
	expect 1 "treehash: <stdin>:1: bad object name" \
	    treehash -g < <(printf 'HEAD blob 1 100644 a\nx\n')
	expect 1 "treehash: <stdin>:1: expected \"object type size mode path\" (see treehash(1) for the pipeline)" \
	    treehash -g < <(printf '%s blob 1\nx\n' "$oid")
	expect 1 "treehash: <stdin>:1: expected a six-digit mode before the path" \
	    treehash -g < <(printf '%s blob 1 a b\nx\n' "$oid")
	expect 1 "treehash: <stdin>:1: bad object size" \
	    treehash -g < <(printf '%s blob 01 100644 a\nx\n' "$oid")
	expect 1 "treehash: <stdin>:1: bad object size" \
	    treehash -g < <(printf '%s blob -1 100644 a\nx\n' "$oid")
	expect 1 "treehash: <stdin>:1: tree object with mode 040000: not a file (use git ls-tree -r)" \
	    treehash -g < <(printf '%s tree 0 040000 a\n\n' "$oid")
	expect 1 "treehash: <stdin>:1: blob object with mode 160000: not a file (use git ls-tree -r)" \
	    treehash -g < <(printf '%s blob 1 160000 a\nx\n' "$oid")
	expect 1 "treehash: <stdin>:1: unterminated quoted path" \
	    treehash -g < <(printf '%s blob 1 100644 "a\nx\n' "$oid")
	expect 1 "treehash: <stdin>:1: bad escape in quoted path" \
	    treehash -g < <(printf '%s blob 1 100644 "a\\q"\nx\n' "$oid")
	expect 1 "treehash: <stdin>:1: bad octal escape in quoted path" \
	    treehash -g < <(printf '%s blob 1 100644 "a\\38"\nx\n' "$oid")
	expect 1 "treehash: <stdin>:1: NUL byte in quoted path" \
	    treehash -g < <(printf '%s blob 1 100644 "a\\000"\nx\n' "$oid")
	expect 1 "treehash: <stdin>:1: text after the quoted path" \
	    treehash -g < <(printf '%s blob 1 100644 "a"b\nx\n' "$oid")
	expect 1 "treehash: <stdin>:1: empty path" \
	    treehash -g < <(printf '%s blob 1 100644 ""\nx\n' "$oid")
	expect 1 "treehash: <stdin>:1: NUL byte in header line" \
	    treehash -g < <(printf '%s blob 1 100644 a\0b\nx\n' "$oid")
	expect 1 "treehash: <stdin>:3: a: path listed twice" \
	    treehash -g < <(printf '%s blob 1 100644 a\nx\n%s blob 1 100644 a\nx\n' "$oid" "$oid")
}

@test "-g: line numbers count the content's lines" {
	local oid=0123456789abcdef0123456789abcdef01234567
	expect 1 "treehash: <stdin>:5: bad object name" \
	    treehash -g < <(printf '%s blob 4 100644 a\n1\n2\n\nbad\n' "$oid")
}

@test "-g limit: a path of 4095 bytes is accepted, 4096 is refused" {
	local oid=0123456789abcdef0123456789abcdef01234567 p
	p=$(printf '%04095d' 0)
	run --separate-stderr treehash -g < <(printf '%s blob 1 100644 %s\nx\n' "$oid" "$p")
	assert_success
	expect 1 "treehash: <stdin>:1: path longer than 4095 bytes" \
	    treehash -g < <(printf '%s blob 1 100644 %sx\nx\n' "$oid" "$p")
}

@test "-g limit: a header line of 16636 bytes is read, 16637 is refused" {
	local oid=0123456789abcdef0123456789abcdef01234567 head p
	head="$oid blob 1 100644 "
	p=$(printf "%0$((16636 - ${#head}))d" 0)
	expect 1 "treehash: <stdin>:1: path longer than 4095 bytes" \
	    treehash -g < <(printf '%s%s\nx\n' "$head" "$p")
	expect 1 "treehash: <stdin>:1: header line longer than 16636 bytes" \
	    treehash -g < <(printf '%s%sx\nx\n' "$head" "$p")
}

@test "-g limit: an object of 2^53-1 bytes is read, 2^53 is refused" {
	local oid=0123456789abcdef0123456789abcdef01234567
	expect 1 "treehash: <stdin>:1: truncated object stream: object of 9007199254740991 bytes ends after 1" \
	    treehash -g < <(printf '%s blob 9007199254740991 100644 a\nx' "$oid")
	expect 1 "treehash: <stdin>:1: object larger than 9007199254740991 bytes" \
	    treehash -g < <(printf '%s blob 9007199254740992 100644 a\nx' "$oid")
}

# Check mode.

committed() {
	mkgolden "$G"
	listall "$G" | treehash -0 -C "$G" -m "$M" -T "$T0" \
	    >"$BATS_TEST_TMPDIR/committed.json"
}

@test "check: an unchanged tree has no differences, exit 0" {
	committed
	run --separate-stderr treehash -0 -C "$G" -m "$M" \
	    -c "$BATS_TEST_TMPDIR/committed.json" < <(listall "$G")
	assert_success
	assert_equal "$stderr" ""
	assert_output "21 entries, no differences"
}

@test "check: a one-byte change, a deleted file and an added file" {
	committed
	printf 'spec\r' >"$G/spec.md"
	rm "$G/meta.json"
	printf 'added\n' >"$G/notes.md"
	run --separate-stderr treehash -0 -C "$G" \
	    -c "$BATS_TEST_TMPDIR/committed.json" < <(listall "$G")
	assert_failure 1
	assert_output - <<'EOF'
missing: meta.json
new: notes.md
changed: spec.md
3 differences in 21 entries: 1 changed, 1 missing, 1 new, 0 now present, 0 now absent
EOF
}

@test "check: now present and now absent patterns, odd names quoted" {
	committed
	printf 'found\n' >"$G/tasks.md"
	printf 'gap\n' >"$G/gap-analysis.md"
	rm "$G/plan.md"
	printf 'changed\n' >"$G/$(printf 'new\nline')"
	run --separate-stderr treehash -0 -C "$G" -m "$M" \
	    -c "$BATS_TEST_TMPDIR/committed.json" < <(listall "$G")
	assert_failure 1
	assert_equal "$stderr" ""
	diff -u "$FIXTURES/treehash/check.txt" <(printf '%s\n' "$output")
}

@test "check: without -m, absent patterns still report now present" {
	committed
	printf 'found\n' >"$G/tasks.md"
	rm "$G/plan.md"
	run --separate-stderr treehash -0 -C "$G" \
	    -c "$BATS_TEST_TMPDIR/committed.json" < <(listall "$G")
	assert_failure 1
	assert_output - <<'EOF'
missing: plan.md
new: tasks.md
now present: tasks.md
3 differences in 21 entries: 0 changed, 1 missing, 1 new, 1 now present, 0 now absent
EOF
}

@test "check: -g against the committed state" {
	committed
	gitinit "$G"
	run --separate-stderr treehash -g -m "$M" \
	    -c "$BATS_TEST_TMPDIR/committed.json" < <(gitstream "$G" HEAD:)
	assert_success
	assert_output "21 entries, no differences"
}

@test "check: malformed committed files are located errors, exit 1" {
	local c="$BATS_TEST_TMPDIR/c.json" sha
	sha=$(printf '' | sha256sum | cut -d' ' -f1)
	mkdir -p "$G"
	while IFS='|' read -r json message; do
		printf '%b' "$json" >"$c"
		expect 1 "treehash: $c$message" treehash -C "$G" -c "$c" </dev/null
	done <<EOF
{\n  "entries": [\n    {"path": "a",}\n  ]\n}\n|:3:19: invalid JSON
{"entries": []} x|:1:17: invalid JSON
|:1:1: invalid JSON
[]|: not a JSON object
{"entries": {}}|: /entries: not a list
{"entries": [1]}|: /entries/0: not an object
{"entries": [{"path": "", "status": "present"}]}|: /entries/0/path: not a non-empty string
{"entries": [{"path": "a", "status": "gone"}]}|: /entries/0/status: neither "present" nor "absent"
{"entries": [{"path": "a", "status": "present", "sha256": "AB", "size_bytes": 1}]}|: /entries/0/sha256: not a SHA-256 in lowercase hex
{"entries": [{"path": "a", "status": "present", "sha256": "$sha", "size_bytes": -1}]}|: /entries/0/size_bytes: not a size
{"entries": [{"path": "a", "status": "present", "sha256": "$sha", "size_bytes": 1.5}]}|: /entries/0/size_bytes: not a size
{"entries": [{"path": "a", "status": "absent", "sha256": "$sha", "size_bytes": null}]}|: /entries/0: an absent entry with a sha256 or size_bytes
{"entries": [{"path": "a", "status": "absent", "sha256": null, "size_bytes": null}, {"path": "a", "status": "absent", "sha256": null, "size_bytes": null}]}|: /entries/1/path: absent twice
{"entries": [{"path": "a", "status": "present", "sha256": "$sha", "size_bytes": 0}, {"path": "a", "status": "present", "sha256": "$sha", "size_bytes": 0}]}|: /entries: path "a" present twice
{"entries": []}|: /total_files: not a count
{"entries": [], "total_files": 1, "present_count": 0, "absent_count": 0}|: /total_files: 1, but the entries give 0
{"entries": [], "total_files": 0, "present_count": 0, "absent_count": 2}|: /absent_count: 2, but the entries give 0
{"entries": [{"path": "\\\\udc80\\\\udc", "status": "absent"}]}|:1:30: invalid JSON
EOF
}

@test "check: a committed file with surrogate-escaped names reads back" {
	committed
	run --separate-stderr treehash -0 -C "$G" -m "$M" \
	    -c "$BATS_TEST_TMPDIR/committed.json" < <(listall "$G")
	assert_success
	grep -qF 'bad\udcffbyte' "$BATS_TEST_TMPDIR/committed.json"
	# A genuine pair whose low half falls in the escape range stays a
	# character (U+1F480), not a byte.
	printf '{"entries": [{"path": "\\ud83d\\udc80", "status": "absent", "sha256": null, "size_bytes": null}], "total_files": 1, "present_count": 0, "absent_count": 1}\n' \
	    >"$BATS_TEST_TMPDIR/pair.json"
	printf '\360\237\222\200\n' >"$G/$(printf '\360\237\222\200')"
	run --separate-stderr treehash -C "$G" -c "$BATS_TEST_TMPDIR/pair.json" \
	    < <(printf '\360\237\222\200\n')
	assert_failure 1
	assert_line -n 1 'now present: "\360\237\222\200"'
}

# The corpus: a real spec-kitty tree.

corpus_repo() {
	corpus_or_skip spec-kitty-2x-3bbf9f0.tar.gz
	R="$BATS_TEST_TMPDIR/repo"
	mkdir -p "$R"
	tar -xzf "$CORPUS/spec-kitty-2x-3bbf9f0.tar.gz" -C "$R"
	gitinit "$R"
}

@test "corpus: both modes agree with each other and with the Python model" {
	corpus_repo
	local man="$CORPUS/045-reference/committed-handoff/artifact-manifest.json"
	[ -e "$man" ] || man=""
	# The whole of kitty-specs at once, all 42 features. Process
	# start-up is what costs here, so each tool runs once.
	git -C "$R/kitty-specs" ls-files -z |
	    treehash -0 -C "$R/kitty-specs" ${man:+-m "$man"} -T "$T0" \
	    >"$BATS_TEST_TMPDIR/list"
	gitstream "$R" HEAD:kitty-specs |
	    treehash -g ${man:+-m "$man"} -T "$T0" >"$BATS_TEST_TMPDIR/git"
	diff -u "$BATS_TEST_TMPDIR/list" "$BATS_TEST_TMPDIR/git"
	T=$T0 model "$R/kitty-specs" "$man" >"$BATS_TEST_TMPDIR/py"
	diff -u "$BATS_TEST_TMPDIR/py" "$BATS_TEST_TMPDIR/git"
	# Not vacuous: every tracked file is an entry.
	grep -qx "  \"present_count\": $(git -C "$R" ls-files kitty-specs | wc -l)," \
	    "$BATS_TEST_TMPDIR/git"
}

@test "corpus: feature 045 against its committed artifact-tree.json" {
	corpus_repo
	corpus_or_skip 045-reference/committed-handoff/artifact-tree.json
	local ref="$CORPUS/045-reference/committed-handoff"
	local f=kitty-specs/045-mission-handoff-package-version-matrix
	gitstream "$R" "HEAD:$f" | treehash -g -m "$ref/artifact-manifest.json" \
	    -f "${f#kitty-specs/}" -r "$f" -s "$SRC" -T "$T0" \
	    >"$BATS_TEST_TMPDIR/out"
	# A sanity check only: the feature changed after the package was made,
	# and the reference lists "tasks/..." before "tasks.md" (not bytewise).
	run "$PYTHON" - "$ref/artifact-tree.json" "$BATS_TEST_TMPDIR/out" <<'EOF'
import json, sys
ref, got = (json.load(open(p)) for p in sys.argv[1:3])
keys = ["schema_version", "feature_slug", "root_path", "source_commit",
        "captured_at", "entries", "total_files", "present_count",
        "absent_count"]
assert list(ref) == keys, list(ref)
assert list(got) == keys, list(got)
for k in ["schema_version", "feature_slug", "root_path", "source_commit"]:
    assert ref[k] == got[k], k
r = {e["path"]: e for e in ref["entries"]}
g = {e["path"]: e for e in got["entries"]}
for e in ref["entries"] + got["entries"]:
    assert list(e) == ["path", "sha256", "size_bytes", "status"], e
assert [p for p in r if r[p]["status"] == "absent"] == \
    [p for p in g if g[p]["status"] == "absent"] == ["gap-analysis.md"]
print("new", " ".join(sorted(set(g) - set(r))))
print("gone", " ".join(sorted(set(r) - set(g))))
same = [p for p in r if p in g and r[p] == g[p]]
print("same", len(same))
EOF
	assert_success
	assert_line -n 0 "new status.events.jsonl status.json"
	assert_line -n 1 "gone "
	assert_line -n 2 "same 10"
	run --separate-stderr treehash -g -m "$ref/artifact-manifest.json" \
	    -c "$ref/artifact-tree.json" < <(gitstream "$R" "HEAD:$f")
	assert_failure 1
	assert_line "new: status.events.jsonl"
	assert_line "changed: tasks.md"
	assert_line "9 differences in 17 entries: 7 changed, 0 missing, 2 new, 0 now present, 0 now absent"
}

# Limits of the files read whole.

# A pipe has no size: reading stops one byte past the bound. pastbound MAX
# OPT [ARG ...] gives OPT a pipe of MAX + 1 bytes, the other arguments as
# they are, and expects the refusal.
pastbound() {
	local max=$1 opt=$2

	shift 2
	run --separate-stderr treehash -0 -C "$G" "$@" \
	    "$opt" <(head -c $((max + 1)) /dev/zero | tr '\0' ' ') \
	    < <(listall "$G")
	assert_equal "$status" 1
	assert_equal "$output" ""
	assert_regex "$stderr" \
	    "^treehash: /dev/fd/[0-9]+: more than $max bytes of input\$"
}

@test "limits: a committed tree of TREEHASH_TREE_MAX bytes is read, one more is refused" {
	local max=$((64 * 1024 * 1024)) c="$BATS_TEST_TMPDIR/committed.json"
	local msg="more than $max bytes of input"
	committed
	padto "$c" "$max"
	run --separate-stderr treehash -0 -C "$G" -m "$M" -c "$c" \
	    < <(listall "$G")
	assert_success
	assert_output "21 entries, no differences"
	truncate -s $((max + 1)) "$c"
	expect 1 "treehash: $c: $msg" treehash -0 -C "$G" -m "$M" -c "$c" \
	    < <(listall "$G")
	pastbound "$max" -c -m "$M"
}

@test "limits: a manifest of TREEHASH_MANIFEST_MAX bytes is read, one more is refused" {
	local max=$((4 * 1024 * 1024)) m="$BATS_TEST_TMPDIR/manifest.json"
	local msg="more than $max bytes of input"
	committed
	cp "$M" "$m"
	padto "$m" "$max"
	run --separate-stderr treehash -0 -C "$G" -m "$m" -T "$T0" \
	    < <(listall "$G")
	assert_success
	diff -u "$BATS_TEST_TMPDIR/committed.json" <(printf '%s\n' "$output")
	truncate -s $((max + 1)) "$m"
	expect 1 "treehash: $m: $msg" treehash -0 -C "$G" -m "$m" -T "$T0" \
	    < <(listall "$G")
	pastbound "$max" -m -T "$T0"
}

# Endless or huge path lists and object streams: each stops at its bound
# or at its first bad record, in bounded memory. The inputs are cut at a
# size far past what a whole read could hold in RSS_MAX, so that reading
# them whole shows as a failure rather than a hang.

# Peak resident memory allowed, in kilobytes: generous for the sanitizer
# build, and far below what holding any of these inputs would take.
RSS_MAX=262144

# bounded SHELL-PIPELINE: run the pipeline, whose last command is treehash
# (spelt $TH in it), with its peak memory measured; then status, output
# and stderr as bats' run gives them, and the peak is checked.
bounded() {
	[ -x /usr/bin/time ] || skip "GNU time is not installed"
	local rss="$BATS_TEST_TMPDIR/rss"
	TH="/usr/bin/time -q -f %M -o $rss treehash" \
	    run --separate-stderr bash -c "set -o pipefail; $1"
	[ "$(tail -n 1 "$rss")" -le "$RSS_MAX" ] ||
	    fail "peak memory $(tail -n 1 "$rss") kB, more than $RSS_MAX kB"
}

@test "bounds: an endless list of one path stops after TREEHASH_FILES_MAX paths" {
	bounded 'yes f | head -c 4G | $TH'
	assert_equal "$status" 1
	assert_equal "$output" ""
	assert_equal "$stderr" "treehash: <stdin>:1000001: more than 1000000 paths"
}

@test "bounds: an endless NUL-separated list stops at its first, empty, path" {
	bounded 'head -c 4G /dev/zero | $TH -0'
	assert_equal "$status" 1
	assert_equal "$output" ""
	assert_equal "$stderr" "treehash: <stdin>:1: empty path"
}

@test "bounds: an endless list whose first path is bad stops at line 1" {
	bounded "yes 'f/../x' | head -c 4G | \$TH"
	assert_equal "$status" 1
	assert_equal "$output" ""
	assert_equal "$stderr" "treehash: <stdin>:1: path leaves the root directory: f/../x"
	bounded "{ echo ok; yes /etc/passwd; } | head -c 4G | \$TH -C /"
	assert_equal "$stderr" "treehash: <stdin>:2: absolute path: /etc/passwd"
}

@test "bounds: an endless list of new paths stops where the tree outgrows TREEHASH_TREE_MAX" {
	bounded 'seq -f "f%.0f" 1 1000000000 | head -c 4G | $TH'
	assert_equal "$status" 1
	assert_equal "$output" ""
	assert_regex "$stderr" \
	    '^treehash: <stdin>:[0-9]+: artifact-tree.json would be larger than 67108864 bytes$'
}

@test "bounds: endless object streams stop, of new paths and of excluded ones" {
	local oid=0123456789abcdef0123456789abcdef01234567
	bounded "awk 'BEGIN { for (i = 1; ; i++)
	    printf \"$oid blob 0 100644 f%d\\n\\n\", i }' | head -c 4G | \$TH -g"
	assert_equal "$status" 1
	assert_equal "$output" ""
	assert_regex "$stderr" \
	    '^treehash: <stdin>:[0-9]+: artifact-tree.json would be larger than 67108864 bytes$'
	bounded "yes '$oid blob 0 100644 handoff/x
' | head -c 4G | \$TH -g"
	assert_equal "$status" 1
	assert_equal "$stderr" "treehash: <stdin>:2000001: more than 1000000 objects"
	bounded "yes '$oid blob 0 100644 same
' | head -c 4G | \$TH -g"
	assert_equal "$status" 1
	assert_equal "$stderr" "treehash: <stdin>:3: same: path listed twice"
}

@test "limits: a tree of TREEHASH_TREE_MAX bytes that -g writes, -c reads back; one byte more is refused" {
	local max=$((64 * 1024 * 1024)) d="$BATS_TEST_TMPDIR" pad
	# Paths of 4000 bytes that are not UTF-8 each take 24 kB of JSON; the
	# model prints the largest such tree within the bound, and the
	# root_path that makes it exactly max bytes long.
	"$PYTHON" - "$max" "$d/stream" "$d/model.json" "$T0" >"$d/pad" <<'EOF'
import json, sys
mx, stream, model, t0 = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
oid = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
def tree(k, root):
    es = [{"path": ("d%05d/" % i) + "\udcff" * 4000, "sha256": empty,
           "size_bytes": 0, "status": "present"} for i in range(k)]
    return json.dumps({"schema_version": "1", "feature_slug": None,
                       "root_path": root, "source_commit": None,
                       "captured_at": t0, "entries": es, "total_files": k,
                       "present_count": k, "absent_count": 0},
                      indent=2) + "\n"
one = len(tree(2, "")) - len(tree(1, ""))
k = (mx - len(tree(0, ""))) // one
while len(tree(k, "")) > mx:
    k -= 1
pad = mx - len(tree(k, ""))
with open(stream, "wb") as f:
    for i in range(k):
        f.write(b"%s blob 0 100644 d%05d/%s\n\n" % (oid.encode(), i,
                                                    b"\xff" * 4000))
with open(model, "w") as f:
    f.write(tree(k, "s" * pad))
print(pad)
EOF
	pad=$(cat "$d/pad")
	treehash -g -r "$(printf "%${pad}s" | tr ' ' s)" -T "$T0" "$d/stream" \
	    >"$d/tree.json"
	assert_equal "$(stat -c %s "$d/tree.json")" "$max"
	cmp "$d/model.json" "$d/tree.json"
	run --separate-stderr treehash -g -c "$d/tree.json" "$d/stream"
	assert_success
	assert_output --regexp '^[0-9]+ entries, no differences$'
	expect 1 "treehash: $d/stream: artifact-tree.json would be larger than $max bytes" \
	    treehash -g -r "$(printf "%$((pad + 1))s" | tr ' ' s)" -T "$T0" \
	    "$d/stream"
}

# Patterns and paths in number.

# absentof TREE: the absent entries of an artifact-tree.json, one JSON
# string a line.
absentof() {
	"$PYTHON" -c 'import json, sys
for e in json.load(open(sys.argv[1]))["entries"]:
    if e["status"] == "absent":
        print(json.dumps(e["path"]))' "$1"
}

@test "absent patterns: 20,000 generated patterns, as Python fnmatch finds them" {
	local d="$BATS_TEST_TMPDIR"
	"$PYTHON" - "$d/stream" "$d/m.json" "$d/want" <<'EOF'
import fnmatch, json, os, random, sys
random.seed(23)
oid = "0123456789abcdef0123456789abcdef01234567"
words = ["spec", "plan", "tasks", "WP01", "WP1", "research", "a", "b",
         "caf\u00e9", "by\udcffte", "x]y", "[z]", "d.md", "-dash", "e\udced"]
paths = set()
while len(paths) < 150:
    n = random.randint(1, 4)
    paths.add("/".join(random.choice(words) for _ in range(n)) +
              random.choice(["", ".md", ".json", ".yaml"]))
paths = sorted(paths, key=os.fsencode)
with open(sys.argv[1], "wb") as f:
    for p in paths:
        f.write(b"%s blob 1 100644 %s\nx\n" % (oid.encode(), os.fsencode(p)))
def piece():
    return random.choice(words + ["*", "?", "[a-c]", "[!s]", "[", "]",
                                  "/", ".md", "\udcb2\udc80", "[\udced]"])
pats = []
for i in range(20000):
    k = i % 4
    if k == 0:      # literal: a present path or a near miss
        p = random.choice(paths) + random.choice(["", "", "x"])
    elif k == 1:    # a literal part, then wildcards
        p = random.choice(paths)[:random.randint(0, 12)] + "*" + piece()
    else:
        p = "".join(piece() for _ in range(random.randint(1, 5)))
    pats.append(p)
third = len(pats) // 3
m = {"required_always": [{"path_pattern": p} for p in pats[:third]],
     "required_by_step": {"plan": [{"path_pattern": p}
                                   for p in pats[third:2 * third]]},
     "optional_always": [{"path_pattern": p} for p in pats[2 * third:]]}
json.dump(m, open(sys.argv[2], "w"))
absent, seen = [], set()
for p in pats:
    if p not in seen:
        seen.add(p)
        if not fnmatch.filter(paths, p):
            absent.append(p)
with open(sys.argv[3], "w") as f:
    for p in absent:
        f.write(json.dumps(p) + "\n")
EOF
	treehash -g -m "$d/m.json" -T "$T0" "$d/stream" >"$d/out"
	absentof "$d/out" >"$d/got"
	diff -u "$d/want" "$d/got"
	# Not vacuous: many patterns are absent, and many are not.
	[ "$(wc -l <"$d/got")" -gt 1000 ]
	[ "$(wc -l <"$d/got")" -lt 15000 ]
}

# Names that are not UTF-8.

@test "a file named bad\\xff.md is written as \\udcff and read back by -c" {
	mkdir -p "$G"
	printf 'x\n' >"$G/$(printf 'bad\377.md')"
	printf 'spec\n' >"$G/spec.md"
	listall "$G" | treehash -0 -C "$G" -m "$M" -T "$T0" \
	    >"$BATS_TEST_TMPDIR/tree.json"
	grep -qF '"path": "bad\udcff.md"' "$BATS_TEST_TMPDIR/tree.json"
	run --separate-stderr treehash -0 -C "$G" -m "$M" \
	    -c "$BATS_TEST_TMPDIR/tree.json" < <(listall "$G")
	assert_success
	assert_equal "$stderr" ""
	assert_output --regexp '^[0-9]+ entries, no differences$'
	gitinit "$G"
	gitstream "$G" HEAD: | treehash -g -m "$M" -T "$T0" \
	    >"$BATS_TEST_TMPDIR/git.json"
	cmp "$BATS_TEST_TMPDIR/tree.json" "$BATS_TEST_TMPDIR/git.json"
	run --separate-stderr treehash -g -m "$M" \
	    -c "$BATS_TEST_TMPDIR/tree.json" < <(gitstream "$G" HEAD:)
	assert_success
	assert_output --regexp '^[0-9]+ entries, no differences$'
}

@test "absent patterns: surrogates, overlong forms and bytes past U+10FFFF are bytes, as in Python" {
	local d="$BATS_TEST_TMPDIR"
	"$PYTHON" - "$d/stream" "$d/m.json" "$d/want" <<'EOF'
import fnmatch, json, os, sys
oid = "0123456789abcdef0123456789abcdef01234567"
names = [b"s\xed\xb2\x80", b"o\xe0\x80\x80", b"p\xf4\x90\x80\x80",
         b"c\xc3\xa9", b"e\xf0\x9f\x98\x80", b"t\xe2\x82"]
pats = []
for n in names:
    pats += [n[:1] + b"?", n[:1] + b"??", n[:1] + b"???", n[:1] + b"????",
             n[:1] + b"[\x80-\xff]*", n[:1] + b"*\x80"]
pats = [os.fsdecode(p) for p in pats] + ["s\udc80", "o\udc80", "\udc80"]
with open(sys.argv[1], "wb") as f:
    for n in names:
        f.write(b"%s blob 1 100644 %s\nx\n" % (oid.encode(), n))
json.dump({"required_always": [{"path_pattern": p} for p in pats]},
          open(sys.argv[2], "w"))
paths = [os.fsdecode(n) for n in names]
with open(sys.argv[3], "w") as f:
    for p in pats:
        if not fnmatch.filter(paths, p):
            f.write(json.dumps(p) + "\n")
EOF
	treehash -g -m "$d/m.json" -T "$T0" "$d/stream" >"$d/out"
	absentof "$d/out" >"$d/got"
	diff -u "$d/want" "$d/got"
}

# Output to a file.

@test "-o FILE: written whole; left alone when the same; as it was after an error" {
	mkgolden "$G"
	local d="$BATS_TEST_TMPDIR/out dir" o
	o="$d/artifact-tree.json"
	mkdir -p "$d"
	run --separate-stderr treehash -0 -C "$G" -m "$M" -T "$T0" -o "$o" \
	    < <(listall "$G")
	assert_success
	assert_equal "$output" ""
	assert_equal "$stderr" ""
	listall "$G" | treehash -0 -C "$G" -m "$M" -T "$T0" | cmp - "$o"
	cp "$o" "$BATS_TEST_TMPDIR/first"
	touch -d 2020-01-01T00:00:00Z "$o"
	run --separate-stderr treehash -0 -C "$G" -m "$M" -T "$T0" -o "$o" \
	    < <(listall "$G")
	assert_success
	assert_equal "$(stat -c %Y "$o")" "$(date -d 2020-01-01T00:00:00Z +%s)"
	expect 1 "treehash: <stdin>:1: empty path" \
	    treehash -0 -C "$G" -T "$T0" -o "$o" < <(printf '\0')
	expect 1 "treehash: <stdin>: artifact-tree.json would be larger than 67108864 bytes" \
	    treehash -g -r "$(head -c 70000 /dev/zero | tr '\0' r)" -T "$T0" \
	    -o "$o" < <(awk 'BEGIN { for (i = 0; i < 2800; i++) {
		printf "0123456789abcdef0123456789abcdef01234567 blob 0 100644 "
		printf "%04d/", i
		for (j = 0; j < 4000; j++) printf "\377"
		printf "\n\n" } }')
	cmp "$BATS_TEST_TMPDIR/first" "$o"
	assert_equal "$(stat -c %Y "$o")" "$(date -d 2020-01-01T00:00:00Z +%s)"
	assert_equal "$(ls -A "$d")" "artifact-tree.json"
	printf 'more\n' >"$G/more.md"
	treehash -0 -C "$G" -m "$M" -T "$T0" -o "$o" < <(listall "$G")
	grep -qF '"path": "more.md"' "$o"
	assert_equal "$(ls -A "$d")" "artifact-tree.json"
}

@test "-o FILE: not with -c, whose report is no tree" {
	run --separate-stderr treehash -c x.json -o y.json </dev/null
	assert_equal "$status" 2
	assert_equal "$output" ""
	assert_equal "${stderr%%$'\n'*}" \
	    "treehash: -c takes none of -f, -o, -r, -s, -T, -t"
}
