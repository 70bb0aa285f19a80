#!/usr/bin/env bats
# No partial files: make handoff killed with SIGKILL at random moments
# leaves every package file in OUT either absent or complete (identical to
# the file an uninterrupted run writes), and a rerun converges to exactly
# the package of an uninterrupted run.

load helper

bats_require_minimum_version 1.5.0

FEATURE=001-greeting-cli
HF_FILES="namespace.json artifact-manifest.json artifact-tree.json
events.jsonl version-matrix.md verification.md generate.sh"

setup() {
	[ -f "$TOP/handoff.mk" ] || skip "handoff.mk not present"
	D=$BATS_TEST_TMPDIR
	R=$D/repo
	# The bundled example without its committed packages, in a git
	# repository of its own committed at a fixed time, as pipeline.bats
	# makes it.
	export GIT_AUTHOR_NAME=tester GIT_AUTHOR_EMAIL=tester@example.org
	export GIT_COMMITTER_NAME=tester GIT_COMMITTER_EMAIL=tester@example.org
	export GIT_CONFIG_NOSYSTEM=1 HOME="$D"
	unset SOURCE_DATE_EPOCH
	mkdir -p "$R"
	cp -R "$TOP/examples/." "$R/"
	rm -rf "$R"/kitty-specs/*/handoff
	git -C "$R" init -q
	git -C "$R" add -A
	GIT_AUTHOR_DATE="@1767225600 +0000" \
	    GIT_COMMITTER_DATE="@1767225600 +0000" \
	    git -C "$R" commit -q -m example
	OUT=$R/kitty-specs/$FEATURE/handoff
}

# The pipeline as a user runs it, with the filters under test.
handoff() {
	make -s -f "$TOP/handoff.mk" -C "$R" handoff FEATURE="$FEATURE" \
	    HANDOFF_BIN="$HANDOFF_BIN" PROJECT_SCOPE_ID=example "$@"
}

# Every file in OUT is one of the package's, identical to the reference,
# or (right after a kill only) inside or named as one of the installer's
# hidden temporaries (a name starting with '.'), which a rerun removes.
check_out() {
	local after_kill=$1 f rel name
	[ -d "$OUT" ] || return 0
	while IFS= read -r -d '' f; do
		rel=${f#"$OUT"/}
		name=${rel##*/}
		if [[ $rel == .* ]]; then
			[ "$after_kill" = 1 ] && continue
			echo "stray temporary $f after $2" >&2
			return 1
		elif [[ " $(echo $HF_FILES) " == *" $rel "* ]]; then
			cmp -s "$D/ref/$name" "$f" || {
				echo "partial or wrong $name after $2" >&2
				diff -u "$D/ref/$name" "$f" | head -20 >&2
				return 1
			}
			case $name in
			*.json) "$PYTHON" -m json.tool "$f" >/dev/null ;;
			*.jsonl) "$PYTHON" -c 'import json, sys
for l in open(sys.argv[1]): json.loads(l)' "$f" ;;
			*.sh) bash -n "$f" ;;
			esac || { echo "invalid $name after $2" >&2; return 1; }
		else
			echo "stray file $f after $2" >&2
			return 1
		fi
	done < <(find "$OUT" -mindepth 1 -print0)
}

@test "SIGKILL at 20 random moments: OUT never holds a partial file, a rerun converges" {
	local i t0 t1 ms delay pid
	# The reference: one uninterrupted run, timed.
	t0=$(date +%s%N)
	run handoff
	assert_success
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	mkdir "$D/ref"
	for f in $HF_FILES; do cp "$OUT/$f" "$D/ref/$f"; done
	rm -rf "$OUT" "$R/.git/handoff"

	for i in $(seq 1 20); do
		# Anywhere in the run, a little past its usual end included.
		delay=$((RANDOM * (ms + ms / 4) / 32768))
		setsid bash -c 'exec "$@" >/dev/null 2>&1' _ \
		    make -s -f "$TOP/handoff.mk" -C "$R" handoff \
		    FEATURE="$FEATURE" HANDOFF_BIN="$HANDOFF_BIN" \
		    PROJECT_SCOPE_ID=example &
		pid=$!
		sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
		kill -KILL -- "-$pid" 2>/dev/null || true
		wait "$pid" || true
		check_out 1 "kill $i at ${delay}ms"
		# A run that finished before the kill starts the next afresh,
		# so that every kill lands in a run with work to do.
		if [ -f "$OUT/generate.sh" ] && [ -f "$OUT/namespace.json" ] &&
		    check_out 0 "complete run $i" 2>/dev/null &&
		    [ "$(find "$OUT" -type f | wc -l)" -eq 7 ]; then
			rm -rf "$OUT" "$R/.git/handoff"
		fi
	done

	# The rerun completes the package, cleans up, and a third run is idle.
	run handoff
	assert_success
	check_out 0 "the rerun"
	for f in $HF_FILES; do cmp "$D/ref/$f" "$OUT/$f"; done
	run handoff
	assert_success
	refute_output --partial wrote
}

@test "SIGKILL during a FORCE=1 rewrite leaves the old or the new file, never a mix" {
	local i delay pid
	run handoff
	assert_success
	mkdir "$D/ref"
	for f in $HF_FILES; do cp "$OUT/$f" "$D/ref/$f"; done
	for i in $(seq 1 4); do
		# Damage every file, then let FORCE=1 rewrite them under fire;
		# verification.md records a test run and is kept as it is.
		for f in $HF_FILES; do
			[ "$f" = verification.md ] || printf 'stale\n' >>"$OUT/$f"
		done
		delay=$((RANDOM % 3000))
		setsid bash -c 'exec "$@" >/dev/null 2>&1' _ \
		    make -s -f "$TOP/handoff.mk" -C "$R" handoff FORCE=1 \
		    FEATURE="$FEATURE" HANDOFF_BIN="$HANDOFF_BIN" \
		    PROJECT_SCOPE_ID=example &
		pid=$!
		sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
		kill -KILL -- "-$pid" 2>/dev/null || true
		wait "$pid" || true
		for f in $HF_FILES; do
			[ "$f" != verification.md ] || continue
			if ! cmp -s "$D/ref/$f" "$OUT/$f"; then
				{ cat "$D/ref/$f"; printf 'stale\n'; } |
				    cmp -s - "$OUT/$f" || {
					echo "$f is neither old nor new" >&2
					return 1
				}
			fi
		done
		run handoff FORCE=1
		assert_success
		for f in $HF_FILES; do
			[ "$f" = verification.md ] || cmp "$D/ref/$f" "$OUT/$f"
		done
		run find "$OUT" -name '.*'
		assert_output ""
	done
}

# The copy directory is named after the installing shell's process id. A
# shell killed together with its make is a zombie until init reaps it,
# which kill -0 still reaches: the rerun that follows at once must not
# take it for a live install and leave its directory behind.
@test "copy directories of gone or zombie installers are removed, a live one's kept" {
	local dead zombie live state i p

	[ -d /proc/self ] || skip "no /proc to tell a zombie"
	run handoff
	assert_success
	sh -c 'exit 0' &
	dead=$!
	wait "$dead" || true
	# sleep never waits for a child: the one started before the exec
	# stays a zombie while it runs.
	sh -c 'sleep 0 & echo $! >"$1"; exec sleep 30' _ "$D/zombie" &
	live=$!
	for i in $(seq 1 100); do
		zombie=$(cat "$D/zombie" 2>/dev/null) &&
		    state=$(sed 's/.*) \(.\).*/\1/' "/proc/$zombie/stat") &&
		    [ "$state" = Z ] && break
		sleep 0.05
	done
	for p in "$dead" "$zombie" "$live"; do
		mkdir "$OUT/.handoff.$p"
		cp "$OUT/namespace.json" "$OUT/.handoff.$p/"
	done
	run handoff
	kill "$live"
	wait "$live" || true
	assert_equal "$state" Z
	assert_success
	[ ! -e "$OUT/.handoff.$dead" ]
	[ ! -e "$OUT/.handoff.$zombie" ]
	[ -d "$OUT/.handoff.$live" ]
}
