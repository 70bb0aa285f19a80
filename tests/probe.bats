#!/usr/bin/env bats
# The repository probe (libexec/probe): the facts it writes for handoff.mk,
# checked against answers computed independently with plain git commands,
# on spec-kitty's real history and on small repositories made here.

load helper
bats_require_minimum_version 1.5.0

PROBE="${HANDOFF_LIBEXEC:-$TOP/build/libexec}/probe"
MPATH="src/specify_cli/missions packs/built-in/missions src/doctrine/missions"
SLUG=expected-artifacts-manifest-repair-01KZY498
T0=1767225600

setup_file() {
	local c=$CORPUS
	if [ -e "$c/spec-kitty-2x-history-3bbf9f0.bundle" ]; then
		git clone -q -b 2.x "$c/spec-kitty-2x-history-3bbf9f0.bundle" \
		    "$BATS_FILE_TMPDIR/sk"
	fi
}

setup() {
	export GIT_AUTHOR_NAME=tester GIT_AUTHOR_EMAIL=tester@example.org
	export GIT_COMMITTER_NAME=tester GIT_COMMITTER_EMAIL=tester@example.org
	export GIT_CONFIG_NOSYSTEM=1 HOME="$BATS_TEST_TMPDIR"
	export GIT_CEILING_DIRECTORIES="$BATS_TEST_TMPDIR"
	unset SOURCE_DATE_EPOCH
	git config --global init.defaultBranch main
	git config --global advice.detachedHead false
	git config --global protocol.file.allow always
}

bundle_or_skip() {
	[ -d "$BATS_FILE_TMPDIR/sk" ] ||
	    skip "corpus spec-kitty-2x-history-3bbf9f0.bundle not present"
	SK="$BATS_FILE_TMPDIR/sk"
}

iso() {
	date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ
}

# The value of variable $2 in facts file $1.
fact() {
	sed -n "s/^$2 := //p" "$1"
}

# The facts of feature $2 in $1, the build directory $3 written as BUILD,
# the output path left out (it is as the caller gave it).
featfacts() {
	grep "^hf_$2_" "$1" | grep -v "^hf_$2_out :=" | sed "s|$3/|BUILD/|g"
}

# The mission a feature's committed meta.json names, as spec-kitty reads it.
mission_at_head() {
	git -C "$1" show "HEAD:$2/meta.json" 2>/dev/null | "$PYTHON" -c '
import json, sys
try:
    d = json.load(sys.stdin)
except Exception:
    d = {}
print(d.get("mission") or d.get("mission_type") or d.get("mission_key") or "software-dev")'
}

# What the facts of feature $3 in repository $1 must be (facts file $2),
# computed with one plain git command per question.
expect_feature() {
	local repo=$1 facts=$2 f=$3 d="kitty-specs/$3" m tc sc ev p specs=()
	local ns="$repo/$d/handoff/namespace.json" tt tm te tn
	m=$(mission_at_head "$repo" "$d")
	for p in $MPATH; do specs+=("$p/$m/expected-artifacts.yaml"); done
	tc=$(git -C "$repo" log -1 --format=%H HEAD -- "$d" ":(exclude)$d/handoff")
	if [ -e "$ns" ]; then
		sc=$("$PYTHON" -c 'import json, sys
print(json.load(open(sys.argv[1]))["source_commit"])' "$ns")
	else
		sc=$(git -C "$repo" log -1 --format=%H HEAD -- "$d" \
		    ":(exclude)$d/handoff" "${specs[@]}")
	fi
	tt=$(git -C "$repo" log -1 --format=%ct "$tc")
	tm=$(git -C "$repo" log -1 --format=%ct "$sc")
	te=$tm
	if git -C "$repo" cat-file -e "HEAD:$d/status.events.jsonl" 2>/dev/null; then
		ev=$(git -C "$repo" log -1 --format=%H HEAD -- "$d/status.events.jsonl")
		te=$(git -C "$repo" log -1 --format=%ct "$ev")
	fi
	tn=$tm
	[ "$tt" -gt "$tn" ] && tn=$tt
	[ "$te" -gt "$tn" ] && tn=$te
	[ "$(fact "$facts" "hf_${f}_error")" = "" ] || {
		echo "$f: $(fact "$facts" "hf_${f}_error")"
		return 1
	}
	printf '%s\n' "$tc $sc $m $(iso "$tm") $(iso "$tt") $(iso "$te") $(iso "$tn")" \
	    >"$BATS_TEST_TMPDIR/want"
	printf '%s\n' "$(fact "$facts" "hf_${f}_tree_commit") $(fact "$facts" "hf_${f}_sc")\
 $(fact "$facts" "hf_${f}_mission") $(fact "$facts" "hf_${f}_t_man")\
 $(fact "$facts" "hf_${f}_t_tree") $(fact "$facts" "hf_${f}_t_ev")\
 $(fact "$facts" "hf_${f}_t_ns")" >"$BATS_TEST_TMPDIR/got"
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got" || {
		echo "feature $f"
		return 1
	}
}

# The object stream of feature dir $2 at HEAD of $1, handoff/ left out,
# as git ls-tree and git cat-file --batch give it (treehash(1)).
gitstream() {
	git -C "$1" ls-tree -r \
	    --format='%(objecttype) %(objectname) %(objectmode) %(path)' "HEAD:$2" |
	    sed -n 's/^blob //p' | grep -v '^[0-9a-f]* [0-7]* handoff/' |
	    git -C "$1" cat-file \
	    --batch='%(objectname) %(objecttype) %(objectsize) %(rest)'
}

# Commit everything in $1 at the fixed time $2.
commit_all() {
	git -C "$1" add -A
	GIT_AUTHOR_DATE="@$2 +0000" GIT_COMMITTER_DATE="@$2 +0000" \
	    git -C "$1" commit -q -m "at $2"
}

# A small spec-kitty-style repository at $1: a mission-slug feature with an
# event log, a numbered feature without one, a feature of a mission that
# has no manifest, and a directory whose name is not a slug.
fixture() {
	local r=$1
	mkdir -p "$r/src/specify_cli/missions/software-dev" \
	    "$r/kitty-specs/$SLUG" "$r/kitty-specs/001-no-events" \
	    "$r/kitty-specs/002-research" "$r/kitty-specs/x\$(touch pwned)"
	printf 'schema_version: "1.0"\nrequired_always: []\n' \
	    >"$r/src/specify_cli/missions/software-dev/expected-artifacts.yaml"
	printf '{"mission_slug": "%s", "mission": "software-dev"}\n' "$SLUG" \
	    >"$r/kitty-specs/$SLUG/meta.json"
	printf '# spec\n' >"$r/kitty-specs/$SLUG/spec.md"
	printf '{"event_id": "01", "at": "x"}\n' \
	    >"$r/kitty-specs/$SLUG/status.events.jsonl"
	printf '# spec\n' >"$r/kitty-specs/001-no-events/spec.md"
	printf '{"mission": "research"}\n' >"$r/kitty-specs/002-research/meta.json"
	printf 'x\n' >"$r/kitty-specs/x\$(touch pwned)/spec.md"
	git -C "$r" init -q
	commit_all "$r" "$T0"
	printf '# spec, edited\n' >"$r/kitty-specs/001-no-events/spec.md"
	commit_all "$r" $((T0 + 60))
}

@test "bundle: every feature's source commit, tree commit and times match plain git" {
	bundle_or_skip
	local f n=0
	(cd "$SK" && "$PROBE" -o "$BATS_TEST_TMPDIR/all.mk" -B "$BATS_TEST_TMPDIR/b" -a)
	for f in $(fact "$BATS_TEST_TMPDIR/all.mk" HF_FEATURES); do
		expect_feature "$SK" "$BATS_TEST_TMPDIR/all.mk" "$f"
		n=$((n + 1))
	done
	[ "$n" -eq 42 ]
	assert_equal "$(fact "$BATS_TEST_TMPDIR/all.mk" HF_SKIPPED)" ""
}

@test "bundle: 045 keeps the source commit pinned in its committed namespace.json" {
	bundle_or_skip
	local f=045-mission-handoff-package-version-matrix
	"$PROBE" -o "$BATS_TEST_TMPDIR/f.mk" -B "$BATS_TEST_TMPDIR/b" \
	    REPO="$SK" FEATURE=$f
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" "hf_${f}_sc")" \
	    21ed0738f009ca35a2927528238a48778e41f1d4
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" "hf_${f}_p_sc")" \
	    21ed0738f009ca35a2927528238a48778e41f1d4
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" "hf_${f}_p_scope")" spec-kitty
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" "hf_${f}_p_t_ns")" 2026-02-23T19:37:40Z
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" "hf_${f}_p_t_tree")" 2026-02-23T19:45:18Z
	git -C "$SK" show "21ed0738f009ca35a2927528238a48778e41f1d4:src/specify_cli/missions/software-dev/expected-artifacts.yaml" |
	    cmp - "$(fact "$BATS_TEST_TMPDIR/f.mk" "hf_${f}_manifest")"
}

@test "bundle: -a gives each feature the facts and inputs of a run for it alone" {
	bundle_or_skip
	local f a="$BATS_TEST_TMPDIR/a" o="$BATS_TEST_TMPDIR/o"
	(cd "$SK" && "$PROBE" -o "$a.mk" -B "$a" -a)
	for f in $(fact "$a.mk" HF_FEATURES); do
		(cd "$SK" && "$PROBE" -o "$o.mk" -B "$o" FEATURE="$f")
		diff -u <(featfacts "$a.mk" "$f" "$a") <(featfacts "$o.mk" "$f" "$o")
		diff -r "$a/$f/in" "$o/$f/in"
	done
}

@test "bundle: the tree input is the object stream of ls-tree and cat-file, byte for byte" {
	bundle_or_skip
	local f
	(cd "$SK" && "$PROBE" -o "$BATS_TEST_TMPDIR/f.mk" -B "$BATS_TEST_TMPDIR/b" -a)
	for f in $(fact "$BATS_TEST_TMPDIR/f.mk" HF_FEATURES); do
		gitstream "$SK" "kitty-specs/$f" | cmp - "$BATS_TEST_TMPDIR/b/$f/in/tree"
		if git -C "$SK" cat-file -e "HEAD:kitty-specs/$f/status.events.jsonl"; then
			git -C "$SK" show "HEAD:kitty-specs/$f/status.events.jsonl" |
			    cmp - "$BATS_TEST_TMPDIR/b/$f/in/events.jsonl"
		else
			assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" "hf_${f}_events")" ""
		fi
	done
}

@test "bundle: a linked worktree, a path with a space and a subdirectory give the same facts" {
	bundle_or_skip
	local w="$BATS_TEST_TMPDIR/wt" s="$BATS_TEST_TMPDIR/with space/sk" f
	git -C "$SK" worktree add -q --detach "$w" HEAD
	git clone -q -b 2.x "$CORPUS/spec-kitty-2x-history-3bbf9f0.bundle" "$s"
	(cd "$SK" && "$PROBE" -o "$BATS_TEST_TMPDIR/ref.mk" -B "$BATS_TEST_TMPDIR/ref" -a)
	(cd "$w" && "$PROBE" -o "$BATS_TEST_TMPDIR/wt.mk" -B "$BATS_TEST_TMPDIR/wtb" -a \
	    SOURCE_BRANCH=2.x)
	(cd "$s/kitty-specs" && "$PROBE" -o "$BATS_TEST_TMPDIR/sp.mk" \
	    -B "$BATS_TEST_TMPDIR/sp b" -a REPO=..)
	git -C "$SK" worktree remove --force "$w"
	for f in $(fact "$BATS_TEST_TMPDIR/ref.mk" HF_FEATURES); do
		diff -u <(featfacts "$BATS_TEST_TMPDIR/ref.mk" "$f" "$BATS_TEST_TMPDIR/ref") \
		    <(featfacts "$BATS_TEST_TMPDIR/wt.mk" "$f" "$BATS_TEST_TMPDIR/wtb")
		diff -u <(featfacts "$BATS_TEST_TMPDIR/ref.mk" "$f" "$BATS_TEST_TMPDIR/ref") \
		    <(featfacts "$BATS_TEST_TMPDIR/sp.mk" "$f" "$BATS_TEST_TMPDIR/sp b")
		diff -r "$BATS_TEST_TMPDIR/ref/$f/in" "$BATS_TEST_TMPDIR/sp b/$f/in"
	done
	assert_equal "$(fact "$BATS_TEST_TMPDIR/sp.mk" \
	    hf_001-mission-system-architecture_out)" \
	    ../kitty-specs/001-mission-system-architecture/handoff
}

@test "bundle: a shallow clone says to fetch the history, never pins its boundary" {
	bundle_or_skip
	local d="$BATS_TEST_TMPDIR/shallow" f=001-mission-system-architecture head
	local p=045-mission-handoff-package-version-matrix
	git clone -q --depth 1 -b 2.x "file://$SK" "$d"
	head=$(git -C "$d" rev-parse HEAD)
	run "$PROBE" -o "$BATS_TEST_TMPDIR/f.mk" -B "$BATS_TEST_TMPDIR/b" -a REPO="$d"
	assert_success
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" "hf_${f}_error")" \
	    "kitty-specs/$f: the history it needs is cut off at the shallow boundary $head; fetch it (git fetch --unshallow, or fetch-depth: 0 in CI), or set SOURCE_COMMIT"
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" "hf_${f}_sc")" ""
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" "hf_${p}_error")" \
	    "SOURCE_COMMIT=21ed0738f009ca35a2927528238a48778e41f1d4 is not in this shallow clone; fetch the history (git fetch --unshallow, or fetch-depth: 0 in CI)"
	run grep -c '_error := ' "$BATS_TEST_TMPDIR/f.mk"
	assert_output 42
}

@test "bundle: a pinned source commit that a shallow clone holds works" {
	bundle_or_skip
	local d="$BATS_TEST_TMPDIR/shallow" f=045-mission-handoff-package-version-matrix
	git clone -q --shallow-since=2026-02-20 -b 2.x "file://$SK" "$d"
	cp -R "$SK/kitty-specs/$f/handoff/." "$d/kitty-specs/$f/handoff/"
	"$PROBE" -o "$BATS_TEST_TMPDIR/s.mk" -B "$BATS_TEST_TMPDIR/s" REPO="$d" FEATURE=$f \
	    PROJECT_SCOPE_ID=spec-kitty
	"$PROBE" -o "$BATS_TEST_TMPDIR/r.mk" -B "$BATS_TEST_TMPDIR/r" REPO="$SK" FEATURE=$f \
	    PROJECT_SCOPE_ID=spec-kitty
	assert_equal "$(fact "$BATS_TEST_TMPDIR/s.mk" "hf_${f}_error")" ""
	diff -u <(featfacts "$BATS_TEST_TMPDIR/r.mk" $f "$BATS_TEST_TMPDIR/r") \
	    <(featfacts "$BATS_TEST_TMPDIR/s.mk" $f "$BATS_TEST_TMPDIR/s")
}

@test "bundle: a second run rewrites nothing" {
	bundle_or_skip
	(cd "$SK" && "$PROBE" -o "$BATS_TEST_TMPDIR/f.mk" -B "$BATS_TEST_TMPDIR/b" -a)
	touch -d @1 "$BATS_TEST_TMPDIR/f.mk" "$BATS_TEST_TMPDIR"/b/*/in/*
	(cd "$SK" && "$PROBE" -o "$BATS_TEST_TMPDIR/f.mk" -B "$BATS_TEST_TMPDIR/b" -a)
	run find "$BATS_TEST_TMPDIR/f.mk" "$BATS_TEST_TMPDIR/b" -type f -newermt @2 \
	    ! -name lock
	assert_output ""
}

@test "at most 4 git processes for every feature of the bundle" {
	bundle_or_skip
	strace_or_skip
	(cd "$SK" && traced -f -e trace=execve -o "$BATS_TEST_TMPDIR/trace" \
	    "$PROBE" -o "$BATS_TEST_TMPDIR/f.mk" -B "$BATS_TEST_TMPDIR/b" -a)
	run grep -c 'execve("[^"]*/git", .* = 0$' "$BATS_TEST_TMPDIR/trace"
	[ "$output" -le 4 ]
	run grep -c 'execve("[^"]*/git", \["git", "-C", "[^"]*", "log", .* = 0$' "$BATS_TEST_TMPDIR/trace"
	assert_output 1
	run grep -c 'execve("[^"]*/git", \["git", "-C", "[^"]*", "cat-file", .* = 0$' "$BATS_TEST_TMPDIR/trace"
	assert_output 1
	run grep -c 'execve("[^"]*/sh"' "$BATS_TEST_TMPDIR/trace"
	assert_output 0
}

@test "fixture: a mission slug is a feature; a name that is no slug is skipped, never run" {
	local r="$BATS_TEST_TMPDIR/r" sc
	fixture "$r"
	(cd "$BATS_TEST_TMPDIR" && "$PROBE" -o f.mk -B b -a REPO=r)
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" HF_FEATURES)" \
	    "001-no-events 002-research $SLUG"
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" HF_SKIPPED)" x__touch_pwned_
	run fact "$BATS_TEST_TMPDIR/f.mk" hf_skip_x__touch_pwned_
	assert_output "kitty-specs/x\$\$(touch pwned): not a feature slug ('\$\$' is not allowed); rename the directory"
	run find "$BATS_TEST_TMPDIR" -name pwned
	assert_output ""
	sc=$(git -C "$r" log -1 --format=%H -- "kitty-specs/$SLUG")
	run featfacts "$BATS_TEST_TMPDIR/f.mk" "$SLUG" b
	assert_output - <<EOF
hf_${SLUG}_dir := kitty-specs/$SLUG
hf_${SLUG}_sc := $sc
hf_${SLUG}_branch := main
hf_${SLUG}_scope := r
hf_${SLUG}_mission := software-dev
hf_${SLUG}_tree_commit := $sc
hf_${SLUG}_t_man := 2026-01-01T00:00:00Z
hf_${SLUG}_t_tree := 2026-01-01T00:00:00Z
hf_${SLUG}_t_ev := 2026-01-01T00:00:00Z
hf_${SLUG}_t_ns := 2026-01-01T00:00:00Z
hf_${SLUG}_manifest := BUILD/$SLUG/in/manifest.yaml
hf_${SLUG}_manifest_rel := 
hf_${SLUG}_tree := BUILD/$SLUG/in/tree
hf_${SLUG}_files := 
hf_${SLUG}_events := BUILD/$SLUG/in/events.jsonl
hf_${SLUG}_pins := 
EOF
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" hf_${SLUG}_out)" \
	    "r/kitty-specs/$SLUG/handoff"
}

@test "fixture: no event log, and the times of the newest inputs" {
	local r="$BATS_TEST_TMPDIR/r" f=001-no-events sc
	fixture "$r"
	"$PROBE" -o "$BATS_TEST_TMPDIR/f.mk" -B "$BATS_TEST_TMPDIR/b" REPO="$r" FEATURE=$f
	sc=$(git -C "$r" rev-parse HEAD)
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" hf_${f}_events)" ""
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" hf_${f}_sc)" "$sc"
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" hf_${f}_t_ev)" 2026-01-01T00:01:00Z
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" hf_${f}_t_ns)" 2026-01-01T00:01:00Z
	SOURCE_DATE_EPOCH= "$PROBE" -o "$BATS_TEST_TMPDIR/g.mk" -B "$BATS_TEST_TMPDIR/b" \
	    REPO="$r" FEATURE=$f SOURCE_DATE_EPOCH=86400
	run grep "^hf_${f}_t_" "$BATS_TEST_TMPDIR/g.mk"
	assert_output - <<EOF
hf_${f}_t_man := 1970-01-02T00:00:00Z
hf_${f}_t_tree := 1970-01-02T00:00:00Z
hf_${f}_t_ev := 1970-01-02T00:00:00Z
hf_${f}_t_ns := 1970-01-02T00:00:00Z
EOF
}

@test "fixture: a mission without a manifest is an error of that feature only" {
	local r="$BATS_TEST_TMPDIR/r"
	fixture "$r"
	run "$PROBE" -o "$BATS_TEST_TMPDIR/f.mk" -B "$BATS_TEST_TMPDIR/b" -a REPO="$r"
	assert_success
	run grep '^hf_002-research_' "$BATS_TEST_TMPDIR/f.mk"
	assert_output "hf_002-research_error := unknown mission research: no src/specify_cli/missions/research/expected-artifacts.yaml in any directory of MANIFEST_PATH; set MISSION (or MANIFEST)"
	mkdir -p "$r/packs/built-in/missions/research"
	printf 'required_always: []\n' >"$r/packs/built-in/missions/research/expected-artifacts.yaml"
	commit_all "$r" $((T0 + 120))
	"$PROBE" -o "$BATS_TEST_TMPDIR/f.mk" -B "$BATS_TEST_TMPDIR/b" FEATURE=002-research REPO="$r"
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" hf_002-research_sc)" \
	    "$(git -C "$r" rev-parse HEAD)"
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" hf_002-research_t_tree)" 2026-01-01T00:00:00Z
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" hf_002-research_t_man)" 2026-01-01T00:02:00Z
	"$PROBE" -o "$BATS_TEST_TMPDIR/f.mk" -B "$BATS_TEST_TMPDIR/b" FEATURE=002-research \
	    REPO="$r" SOURCE_COMMIT="$(git -C "$r" rev-parse HEAD~1)"
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" hf_002-research_error)" \
	    "no src/specify_cli/missions/research/expected-artifacts.yaml at SOURCE_COMMIT=$(git -C "$r" rev-parse HEAD~1); set SOURCE_COMMIT, or MANIFEST to the manifest file"
}

@test "fixture: MANIFEST given as a file" {
	local r="$BATS_TEST_TMPDIR/r"
	fixture "$r"
	printf 'required_always: []\n' >"$BATS_TEST_TMPDIR/m.yaml"
	"$PROBE" -o "$BATS_TEST_TMPDIR/f.mk" -B "$BATS_TEST_TMPDIR/b" REPO="$r" \
	    FEATURE=002-research MANIFEST="$BATS_TEST_TMPDIR/m.yaml"
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" hf_002-research_error)" ""
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" hf_002-research_manifest)" \
	    "$BATS_TEST_TMPDIR/m.yaml"
	cp "$BATS_TEST_TMPDIR/m.yaml" "$r/m.yaml"
	"$PROBE" -o "$BATS_TEST_TMPDIR/f.mk" -B "$BATS_TEST_TMPDIR/b" REPO="$r" \
	    FEATURE=002-research MANIFEST="$r/m.yaml"
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" hf_002-research_manifest_rel)" m.yaml
}

@test "fixture: a detached HEAD needs SOURCE_BRANCH" {
	local r="$BATS_TEST_TMPDIR/r" f=001-no-events
	fixture "$r"
	git -C "$r" checkout -q --detach
	"$PROBE" -o "$BATS_TEST_TMPDIR/f.mk" -B "$BATS_TEST_TMPDIR/b" REPO="$r" FEATURE=$f
	run grep "^hf_${f}_" "$BATS_TEST_TMPDIR/f.mk"
	assert_output "hf_${f}_error := HEAD is detached; set SOURCE_BRANCH to the branch this package is for"
	"$PROBE" -o "$BATS_TEST_TMPDIR/f.mk" -B "$BATS_TEST_TMPDIR/b" REPO="$r" FEATURE=$f \
	    SOURCE_BRANCH=release/1.0
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" hf_${f}_branch)" release/1.0
}

@test "fixture: outside git, files and their times stand in" {
	local r="$BATS_TEST_TMPDIR/plain" f=$SLUG sc=0123456789abcdef0123456789abcdef01234567
	fixture "$BATS_TEST_TMPDIR/r"
	mkdir "$r"
	cp -R "$BATS_TEST_TMPDIR/r/src" "$BATS_TEST_TMPDIR/r/kitty-specs" "$r/"
	mkdir "$r/kitty-specs/$f/handoff" "$r/kitty-specs/$f/sub dir"
	printf 'h\n' >"$r/kitty-specs/$f/handoff/x"
	printf 'y\n' >"$r/kitty-specs/$f/sub dir/y"
	find "$r" -exec touch -h -d @$T0 {} +
	touch -d @$((T0 + 5)) "$r/kitty-specs/$f/sub dir/y"
	touch -d @$((T0 + 9)) "$r/kitty-specs/$f/handoff/x"
	run --separate-stderr "$PROBE" -o "$BATS_TEST_TMPDIR/f.mk" -B "$BATS_TEST_TMPDIR/b" \
	    REPO="$r" FEATURE=$f
	assert_success
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" hf_${f}_error)" \
	    "REPO=$r is not in a git work tree; set SOURCE_COMMIT to the full id of the commit it was exported from"
	"$PROBE" -o "$BATS_TEST_TMPDIR/f.mk" -B "$BATS_TEST_TMPDIR/b" \
	    REPO="$r" FEATURE=$f SOURCE_COMMIT=$sc SOURCE_BRANCH=main
	run featfacts "$BATS_TEST_TMPDIR/f.mk" "$f" "$BATS_TEST_TMPDIR/b"
	assert_output - <<EOF
hf_${f}_dir := kitty-specs/$f
hf_${f}_sc := $sc
hf_${f}_branch := main
hf_${f}_scope := plain
hf_${f}_mission := software-dev
hf_${f}_tree_commit := 
hf_${f}_t_man := 2026-01-01T00:00:00Z
hf_${f}_t_tree := 2026-01-01T00:00:05Z
hf_${f}_t_ev := 2026-01-01T00:00:00Z
hf_${f}_t_ns := 2026-01-01T00:00:05Z
hf_${f}_manifest := BUILD/$f/in/manifest.yaml
hf_${f}_manifest_rel := 
hf_${f}_tree := 
hf_${f}_files := BUILD/$f/in/files
hf_${f}_events := BUILD/$f/in/events.jsonl
hf_${f}_pins := 
EOF
	run sh -c 'tr "\0" "\n" <"$1" | sort' sh "$BATS_TEST_TMPDIR/b/$f/in/files"
	assert_output - <<EOF
meta.json
spec.md
status.events.jsonl
sub dir/y
EOF
}

# Bad input found before any feature: the probe succeeds, and its facts
# hold the line handoff.mk stops with.
bad_facts() {
	[ "$status" -eq 0 ] || { echo "status $status: $stderr" >&2; return 1; }
	[ -z "$stderr" ] || { echo "stderr: $stderr" >&2; return 1; }
	grep -Fqx "HF_ERROR := $1" f.mk || { cat f.mk >&2; return 1; }
}

@test "bad parameters: the facts say which, in one line" {
	local r="$BATS_TEST_TMPDIR/r"
	fixture "$r"
	cd "$BATS_TEST_TMPDIR"
	run --separate-stderr "$PROBE" -o f.mk -B b REPO=r
	bad_facts "FEATURE is not set; set FEATURE to a directory name under r/kitty-specs"
	run --separate-stderr "$PROBE" -o f.mk -B b REPO=r 'FEATURE=a..b'
	bad_facts "FEATURE=a..b is not a feature slug (must not contain '..'); set FEATURE"
	run --separate-stderr "$PROBE" -o f.mk -B b REPO=r FEATURE=009-none
	bad_facts "FEATURE_DIR=r/kitty-specs/009-none is not a directory; set FEATURE (or FEATURE_DIR)"
	run --separate-stderr "$PROBE" -o f.mk -B b REPO=r FEATURE_DIR=/tmp
	bad_facts "FEATURE_DIR=/tmp is not inside REPO=r; set REPO"
	run --separate-stderr "$PROBE" -o f.mk -B b REPO=none FEATURE=001-no-events
	bad_facts "REPO=none: no such directory (set REPO)"
	run --separate-stderr "$PROBE" -o f.mk -B b REPO=r FEATURE=001-no-events SOURCE_COMMIT=HEAD
	bad_facts "SOURCE_COMMIT=HEAD is not a full commit id (must be 40 or 64 lowercase hexadecimal digits); set SOURCE_COMMIT"
	run --separate-stderr "$PROBE" -o f.mk -B b REPO=r FEATURE=001-no-events MISSION='a b'
	bad_facts "MISSION=a b is not a mission name (' ' is not allowed); set MISSION"
	run --separate-stderr "$PROBE" -o f.mk -B b REPO=r FEATURE=001-no-events SOURCE_BRANCH='a;b'
	bad_facts "SOURCE_BRANCH=a;b is not a branch name (';' is not allowed); set SOURCE_BRANCH"
	run --separate-stderr "$PROBE" -o f.mk -B b REPO=r FEATURE=001-no-events PROJECT_SCOPE_ID=-x
	bad_facts "PROJECT_SCOPE_ID=-x is not a scope id (must not begin with '-'); set PROJECT_SCOPE_ID"
	run --separate-stderr "$PROBE" -o f.mk -B b REPO=r FEATURE=001-no-events MANIFEST=nope.yaml
	bad_facts "MANIFEST=nope.yaml: no such file (set MANIFEST)"
	run --separate-stderr "$PROBE" -o f.mk -B b REPO=r FEATURE=001-no-events SOURCE_DATE_EPOCH=1e9
	bad_facts "SOURCE_DATE_EPOCH=1e9 is not a number of seconds"
	# A usage error writes no facts.
	rm f.mk
	run --separate-stderr "$PROBE" -o f.mk -B b REPO=r FEATURE=001-no-events COLOUR=red
	fails_with 2 "probe: COLOUR: unknown parameter"
	run --separate-stderr "$PROBE" -o f.mk REPO=r
	fails_with 2 "usage: probe -o FACTS.mk -B BUILD [-a] [NAME=value ...]"
	run --separate-stderr "$PROBE" -o f.mk -B b -x REPO=r
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == *"invalid option -- 'x'"*"usage: probe -o FACTS.mk"* ]]
	[ ! -e f.mk ]
	# Asked for, the usage goes to standard output and is no error.
	run --separate-stderr "$PROBE" -h
	assert_success
	assert_output "usage: probe -o FACTS.mk -B BUILD [-a] [NAME=value ...]"
	[ -z "$stderr" ]
}

@test "fixture: a feature not committed, and a repository with no commit" {
	local r="$BATS_TEST_TMPDIR/r"
	fixture "$r"
	mkdir "$r/kitty-specs/003-new"
	"$PROBE" -o "$BATS_TEST_TMPDIR/f.mk" -B "$BATS_TEST_TMPDIR/b" REPO="$r" FEATURE=003-new
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" hf_003-new_error)" \
	    "FEATURE_DIR=kitty-specs/003-new is not committed at HEAD; commit it (or set FEATURE)"
	mkdir -p "$BATS_TEST_TMPDIR/e/kitty-specs/001-a"
	git -C "$BATS_TEST_TMPDIR/e" init -q
	cd "$BATS_TEST_TMPDIR"
	run --separate-stderr "$PROBE" -o "$BATS_TEST_TMPDIR/f.mk" -B "$BATS_TEST_TMPDIR/b" \
	    REPO="$BATS_TEST_TMPDIR/e" FEATURE=001-a
	bad_facts "REPO=$BATS_TEST_TMPDIR/e: no commit at HEAD; commit the feature first (or set REPO)"
}

@test "fixture: odd names, links and modes: the tree input is git's object stream" {
	local r="$BATS_TEST_TMPDIR/r" d
	fixture "$r"
	d="$r/kitty-specs/$SLUG"
	mkdir -p "$d/a b" "$d/handoff" "$d/sub/handoff"
	printf 'q\n' >"$d/quote\"d"
	printf 'n\n' >"$d/new
line"
	printf 'u\n' >"$d/$(printf '\303\251t\351')"
	printf 's\n' >"$d/a b/ c "
	printf 'x\n' >"$d/run.sh"
	chmod +x "$d/run.sh"
	ln -s ../spec.md "$d/a b/link"
	printf 'h\n' >"$d/handoff/notes.txt"
	printf 'k\n' >"$d/sub/handoff/kept"
	commit_all "$r" $((T0 + 300))
	"$PROBE" -o "$BATS_TEST_TMPDIR/f.mk" -B "$BATS_TEST_TMPDIR/b" REPO="$r" FEATURE=$SLUG
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" hf_${SLUG}_error)" ""
	gitstream "$r" "kitty-specs/$SLUG" >"$BATS_TEST_TMPDIR/want"
	cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/b/$SLUG/in/tree"
	grep -q '^[0-9a-f]* blob 2 100644 sub/handoff/kept$' "$BATS_TEST_TMPDIR/want"
	run grep -c ' handoff/' "$BATS_TEST_TMPDIR/want"
	assert_output 0
	treehash -g -T 2026-01-01T00:00:00Z "$BATS_TEST_TMPDIR/b/$SLUG/in/tree" >/dev/null
}

@test "fixture: features changed on a merged branch, and on both sides: the commits plain git names" {
	local r="$BATS_TEST_TMPDIR/r" f=001-no-events
	fixture "$r"
	git -C "$r" checkout -q -b side
	printf 'side\n' >"$r/kitty-specs/$f/side.md"
	printf 'side\n' >"$r/kitty-specs/$SLUG/side.md"
	commit_all "$r" $((T0 + 600))
	git -C "$r" checkout -q main
	printf 'main\n' >"$r/kitty-specs/$SLUG/main.md"
	mkdir -p "$r/kitty-specs/$f/handoff"
	printf '{}\n' >"$r/kitty-specs/$f/handoff/x.json"
	commit_all "$r" $((T0 + 900))
	GIT_COMMITTER_DATE="@$((T0 + 1200)) +0000" git -C "$r" merge -q --no-edit side
	"$PROBE" -o "$BATS_TEST_TMPDIR/a.mk" -B "$BATS_TEST_TMPDIR/b" -a REPO="$r"
	expect_feature "$r" "$BATS_TEST_TMPDIR/a.mk" "$f"
	expect_feature "$r" "$BATS_TEST_TMPDIR/a.mk" "$SLUG"
	assert_equal "$(fact "$BATS_TEST_TMPDIR/a.mk" hf_${f}_tree_commit)" \
	    "$(git -C "$r" rev-parse side)"
	assert_equal "$(fact "$BATS_TEST_TMPDIR/a.mk" hf_${SLUG}_tree_commit)" \
	    "$(git -C "$r" rev-parse HEAD)"
	"$PROBE" -o "$BATS_TEST_TMPDIR/1.mk" -B "$BATS_TEST_TMPDIR/b1" REPO="$r" FEATURE=$SLUG
	expect_feature "$r" "$BATS_TEST_TMPDIR/1.mk" "$SLUG"
}

@test "fixture: REPO below the top of the work tree, with a space; the source commit follows the manifest" {
	local o="$BATS_TEST_TMPDIR/outer" f=001-no-events m
	mkdir "$o"
	git -C "$o" init -q
	fixture "$o/pro j"
	rm -rf "$o/pro j/.git"
	commit_all "$o" "$T0"
	m="$o/pro j/src/specify_cli/missions/software-dev/expected-artifacts.yaml"
	printf 'required_always: [spec.md]\n' >"$m"
	commit_all "$o" $((T0 + 60))
	(cd "$o/pro j/kitty-specs" && "$PROBE" -o ../../f.mk -B ../../b -a REPO=..)
	assert_equal "$(fact "$o/f.mk" hf_${f}_dir)" "kitty-specs/$f"
	assert_equal "$(fact "$o/f.mk" hf_${f}_sc)" "$(git -C "$o" rev-parse HEAD)"
	assert_equal "$(fact "$o/f.mk" hf_${f}_tree_commit)" "$(git -C "$o" rev-parse HEAD~1)"
	assert_equal "$(fact "$o/f.mk" hf_${f}_t_man)" 2026-01-01T00:01:00Z
	assert_equal "$(fact "$o/f.mk" hf_${f}_t_tree)" 2026-01-01T00:00:00Z
	assert_equal "$(fact "$o/f.mk" hf_${f}_scope)" outer
	cmp "$m" "$o/b/$f/in/manifest.yaml"
}

@test "fixture: a later run rewrites the inputs of the feature that changed, and only those" {
	local r="$BATS_TEST_TMPDIR/r" f
	fixture "$r"
	"$PROBE" -o "$BATS_TEST_TMPDIR/f.mk" -B "$BATS_TEST_TMPDIR/b" -a REPO="$r"
	touch -d @1 "$BATS_TEST_TMPDIR"/b/*/in/*
	printf 'more\n' >>"$r/kitty-specs/$SLUG/status.events.jsonl"
	commit_all "$r" $((T0 + 900))
	rm "$BATS_TEST_TMPDIR/b/001-no-events/in/tree"
	"$PROBE" -o "$BATS_TEST_TMPDIR/f.mk" -B "$BATS_TEST_TMPDIR/b" -a REPO="$r"
	for f in 001-no-events "$SLUG"; do
		gitstream "$r" "kitty-specs/$f" | cmp - "$BATS_TEST_TMPDIR/b/$f/in/tree"
	done
	git -C "$r" show "HEAD:kitty-specs/$SLUG/status.events.jsonl" |
	    cmp - "$BATS_TEST_TMPDIR/b/$SLUG/in/events.jsonl"
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" hf_${SLUG}_t_ev)" 2026-01-01T00:15:00Z
	run sh -c 'cd "$1" && find . -type f -newermt @2 ! -name lock | sort' sh "$BATS_TEST_TMPDIR/b"
	assert_output - <<EOF
./001-no-events/in/tree
./$SLUG/in/events.jsonl
./$SLUG/in/tree
./$SLUG/in/tree.id
EOF
}

@test "fixture: a committed package's pinned facts, and its errors" {
	local r="$BATS_TEST_TMPDIR/r" f=001-no-events o sc
	fixture "$r"
	o="$r/kitty-specs/$f/handoff"
	mkdir "$o"
	sc=$(git -C "$r" rev-parse HEAD~1)
	printf '{\n  "schema_version": "1",\n  "project_scope_id": "proj",\n  "feature_slug": "%s",\n  "source_branch": "rel",\n  "source_commit": "%s",\n  "mission_key": "software-dev",\n  "manifest_version": "1",\n  "step_id": "plan",\n  "generated_at": "2026-01-02T00:00:00Z"\n}\n' \
	    "$f" "$sc" >"$o/namespace.json"
	printf '{"captured_at": "2026-01-01T00:00:01Z"}\n' >"$o/artifact-manifest.json"
	printf '{"tree_commit": "x", "captured_at": "2026-01-01T00:00:02Z"}\n' >"$o/artifact-tree.json"
	printf '{"actor":"a","at":"2026-01-01T00:00:03Z","event_type":"handoff_package_created"}\n' >"$o/events.jsonl"
	"$PROBE" -o "$BATS_TEST_TMPDIR/f.mk" -B "$BATS_TEST_TMPDIR/b" REPO="$r" FEATURE=$f
	run grep "^hf_${f}_\(sc\|p_[a-z_]*\) :=" "$BATS_TEST_TMPDIR/f.mk"
	assert_output - <<EOF
hf_${f}_sc := $sc
hf_${f}_p_sc := $sc
hf_${f}_p_branch := rel
hf_${f}_p_scope := proj
hf_${f}_p_step := plan
hf_${f}_p_mission := software-dev
hf_${f}_p_t_man := 2026-01-01T00:00:01Z
hf_${f}_p_t_tree := 2026-01-01T00:00:02Z
hf_${f}_p_t_ns := 2026-01-02T00:00:00Z
hf_${f}_p_t_ev := 2026-01-01T00:00:03Z
hf_${f}_p_tree_commit := $(git -C "$r" rev-parse HEAD)
hf_${f}_p_test_cmd := 
hf_${f}_p_pinsfile := 
hf_${f}_p_notes := 
hf_${f}_p_scenarios := 
hf_${f}_p_manifest_rel := 
hf_${f}_p_sde := 
hf_${f}_p_manifest := $BATS_TEST_TMPDIR/b/$f/in/manifest.yaml
EOF
	sed -i "s/$sc/0123456789abcdef0123456789abcdef01234567/" "$o/namespace.json"
	"$PROBE" -o "$BATS_TEST_TMPDIR/f.mk" -B "$BATS_TEST_TMPDIR/b" REPO="$r" FEATURE=$f
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" hf_${f}_error)" \
	    "SOURCE_COMMIT=0123456789abcdef0123456789abcdef01234567 is not in this repository; fetch it, set SOURCE_COMMIT to re-pin, or set MANIFEST to the manifest file"
	printf 'not json' >"$o/namespace.json"
	"$PROBE" -o "$BATS_TEST_TMPDIR/f.mk" -B "$BATS_TEST_TMPDIR/b" REPO="$r" FEATURE=$f
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" hf_${f}_error)" \
	    "OUT=$o: namespace.json is not a JSON object; remove it, or set OUT"
	printf '{"source_commit": "HEAD"}' >"$o/namespace.json"
	"$PROBE" -o "$BATS_TEST_TMPDIR/f.mk" -B "$BATS_TEST_TMPDIR/b" REPO="$r" FEATURE=$f
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" hf_${f}_error)" \
	    "OUT=$o: namespace.json's source_commit is not a full commit id; set SOURCE_COMMIT"
	"$PROBE" -o "$BATS_TEST_TMPDIR/f.mk" -B "$BATS_TEST_TMPDIR/b" REPO="$r" FEATURE=$f \
	    SOURCE_COMMIT="$sc"
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" hf_${f}_error)" ""
	assert_equal "$(fact "$BATS_TEST_TMPDIR/f.mk" hf_${f}_sc)" "$sc"
}
