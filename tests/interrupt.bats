#!/usr/bin/env bats
# No partial files: make handoff killed at any point leaves every package
# file in OUT either absent, as it was, or complete (identical to the file
# an uninterrupted run writes), and a rerun converges to exactly the
# package of an uninterrupted run.  The points are stop points, not
# moments: the whole run is killed just before and just after each
# program it starts, and the installer at each of its renames; the same
# points in every run, whatever the machine's load.

load helper

bats_require_minimum_version 1.5.0

FEATURE=001-greeting-cli
HF_FILES="namespace.json artifact-manifest.json artifact-tree.json
events.jsonl version-matrix.md verification.md generate.sh"
PROGRAMS="probe yaml2json treehash evcat nsgen matrixgen tapnote template install"

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
	unset SOURCE_DATE_EPOCH HF_KILL_BEFORE HF_KILL_AFTER HF_KILL_RENAME \
	    HF_WAIT_IN HF_WAIT
	mkdir -p "$R"
	cp -R "$TOP/examples/." "$R/"
	rm -rf "$R"/kitty-specs/*/handoff
	git -C "$R" init -q
	git -C "$R" add -A
	GIT_AUTHOR_DATE="@1767225600 +0000" \
	    GIT_COMMITTER_DATE="@1767225600 +0000" \
	    git -C "$R" commit -q -m example
	OUT=$R/kitty-specs/$FEATURE/handoff
	stops
}

# The stop points: every program of the pipeline behind a wrapper that
# kills the run's whole process group just before it starts the program
# (HF_KILL_BEFORE=name) or just after it ends (HF_KILL_AFTER=name), that
# runs the installer under strace so that it dies at its Nth rename
# (HF_KILL_RENAME=N), or that stops before the program until the test
# lets it go (HF_WAIT_IN=name: it writes a line to the FIFO
# $HF_WAIT.arrived, then waits for one on $HF_WAIT.go).
stops() {
	local p real
	mkdir -p "$D/stops"
	# lock holds the feature's lock for the make that runs it, its
	# parent: it is run as it is.
	ln -s "$HANDOFF_LIBEXEC/lock" "$D/stops/lock"
	for p in $PROGRAMS check; do
		real=$HANDOFF_BIN/$p
		[ -x "$real" ] || real=$HANDOFF_LIBEXEC/$p
		cat >"$D/stops/$p" <<EOF
#!/bin/bash
[ "\${HF_KILL_BEFORE:-}" = $p ] && kill -KILL 0
if [ "\${HF_WAIT_IN:-}" = $p ]; then
	echo "$p" >"\$HF_WAIT.arrived"
	read -r _ <"\$HF_WAIT.go"
fi
if [ $p = install ] && [ -n "\${HF_KILL_RENAME:-}" ]; then
	ASAN_OPTIONS=detect_leaks=0 strace -qq -o /dev/null \\
	    -e trace=rename,renameat,renameat2 \\
	    -e inject=rename,renameat,renameat2:signal=KILL:when=\$HF_KILL_RENAME \\
	    "$real" "\$@"
	exit
fi
"$real" "\$@"
status=\$?
[ "\${HF_KILL_AFTER:-}" = $p ] && kill -KILL 0
exit \$status
EOF
		chmod +x "$D/stops/$p"
	done
}

# The pipeline as a user runs it, with the programs behind their stops.
handoff() {
	make -s -f "$TOP/handoff.mk" -C "$R" handoff FEATURE="$FEATURE" \
	    HANDOFF_BIN="$D/stops" HANDOFF_LIBEXEC="$D/stops" \
	    PROJECT_SCOPE_ID=example "$@"
}

# The same in a process group of its own, which a stop kills whole; it
# returns once the run is over, killed or not.
killed_handoff() {
	local pid
	setsid bash -c 'exec "$@" >/dev/null 2>&1' _ \
	    make -s -f "$TOP/handoff.mk" -C "$R" handoff FEATURE="$FEATURE" \
	    HANDOFF_BIN="$D/stops" HANDOFF_LIBEXEC="$D/stops" \
	    PROJECT_SCOPE_ID=example "$@" &
	pid=$!
	wait "$pid" || true
}

# The package of an uninterrupted run, in $D/ref.
reference() {
	run handoff
	assert_success
	mkdir "$D/ref"
	for f in $HF_FILES; do cp "$OUT/$f" "$D/ref/$f"; done
}

# Every file in OUT is one of the package's, identical to the reference,
# or (right after a kill only) one of the hidden temporaries a write
# leaves (a name starting with '.'), which a rerun removes.
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
		else
			echo "stray file $f after $2" >&2
			return 1
		fi
	done < <(find "$OUT" -mindepth 1 -print0)
}

@test "SIGKILL before and after each program: OUT never holds a partial file, and what is left is rebuilt, not trusted" {
	local p when n=0
	reference
	for p in $PROGRAMS; do
		for when in BEFORE AFTER; do
			rm -rf "$OUT" "$R/.git/handoff"
			export "HF_KILL_$when=$p"
			killed_handoff
			unset "HF_KILL_$when"
			check_out 1 "a kill $when $p"
			# The run stopped there: only the installer writes OUT.
			if [ "$p$when" = installAFTER ]; then
				[ "$(find "$OUT" -type f | wc -l)" -eq 7 ]
			else
				[ ! -e "$OUT" ] || fail "OUT written before a kill $when $p"
			fi
			# What the killed run left in BUILD is rebuilt.
			run handoff
			assert_success
			check_out 0 "the rerun after a kill $when $p"
			for f in $HF_FILES; do cmp "$D/ref/$f" "$OUT/$f"; done
			n=$((n + 1))
		done
	done
	[ "$n" -eq 18 ]
	# The last rerun is idle.
	run handoff
	assert_success
	assert_output ""
}

@test "SIGKILL of the installer at each rename of a FORCE=1 rewrite: each file old or new, never a mix" {
	local k f n
	command -v strace >/dev/null || skip "strace is not installed"
	strace -f -qq -o /dev/null true 2>/dev/null || skip "strace cannot trace here"
	[ "$(head -c 2 "$HANDOFF_LIBEXEC/install")" != "#!" ] || skip "the helpers are wrapped"
	reference
	for k in 1 2 3 4 5 6; do
		# Damage every file, then let FORCE=1 rewrite them under fire;
		# verification.md records a test run and is kept as it is.
		for f in $HF_FILES; do
			[ "$f" = verification.md ] || printf 'stale\n' >>"$OUT/$f"
		done
		HF_KILL_RENAME=$k killed_handoff FORCE=1
		# The installer renames its six files in the package's order,
		# and died at rename k: the files before are new.
		n=0
		for f in $HF_FILES; do
			[ "$f" = verification.md ] || ! cmp -s "$D/ref/$f" "$OUT/$f" ||
			    n=$((n + 1))
		done
		[ "$n" -eq $((k - 1)) ] || fail "$n new files after a kill at rename $k"
		for f in $HF_FILES; do
			[ "$f" != verification.md ] || continue
			if ! cmp -s "$D/ref/$f" "$OUT/$f"; then
				{ cat "$D/ref/$f"; printf 'stale\n'; } |
				    cmp -s - "$OUT/$f" || {
					echo "$f is neither old nor new after rename $k" >&2
					return 1
				}
			fi
		done
		run handoff FORCE=1
		assert_success
		for f in $HF_FILES; do cmp "$D/ref/$f" "$OUT/$f"; done
		# What the killed installer left in OUT is gone.
		run find "$OUT" -name '.*'
		assert_output ""
	done
}

# Whether a process waits for the flock of file $1 (/proc/locks marks a
# waiter "->"), asked until it does: a condition, not a delay.
wait_for_waiter() {
	local ino i
	ino=$(stat -c %i "$1")
	for i in $(seq 1 2000); do
		grep -q -- "-> FLOCK .*:$ino " /proc/locks && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.01
	done
	return 1
}

@test "two runs of one feature at once take turns: both succeed, OUT whole and right, BUILD trusted after, 10 trials" {
	local i a b
	[ -r /proc/locks ] || skip "no /proc/locks to see a run wait"
	reference
	mkfifo "$D/w.arrived" "$D/w.go"
	for i in $(seq 1 10); do
		rm -rf "$OUT" "$R/.git/handoff"
		# Run A stops inside its build, holding the feature's lock...
		HF_WAIT_IN=yaml2json HF_WAIT="$D/w" handoff >"$D/a.out" 2>&1 &
		a=$!
		read -r _ <"$D/w.arrived"
		# ...while run B starts and waits for it.
		handoff >"$D/b.out" 2>&1 &
		b=$!
		wait_for_waiter "$R/.git/handoff/$FEATURE/lock" "$b" ||
		    fail "trial $i: run B did not wait for run A: $(cat "$D/b.out")"
		echo go >"$D/w.go"
		wait "$a" || fail "trial $i: run A failed: $(cat "$D/a.out")"
		wait "$b" || fail "trial $i: run B failed: $(cat "$D/b.out")"
		check_out 0 "trial $i"
		for f in $HF_FILES; do cmp "$D/ref/$f" "$OUT/$f"; done
		# What the two left in BUILD is consistent: nothing to do.
		run handoff
		assert_success
		assert_output ""
	done
}

@test "runs of different features do not wait for each other" {
	local a
	mkfifo "$D/w.arrived" "$D/w.go"
	HF_WAIT_IN=yaml2json HF_WAIT="$D/w" handoff >"$D/a.out" 2>&1 &
	a=$!
	read -r _ <"$D/w.arrived"
	# 001 is stopped inside its build: 002 is made all the same.
	run make -s -f "$TOP/handoff.mk" -C "$R" handoff FEATURE=002-release-notes \
	    HANDOFF_BIN="$D/stops" HANDOFF_LIBEXEC="$D/stops" PROJECT_SCOPE_ID=example
	assert_success
	[ -s "$R/kitty-specs/002-release-notes/handoff/namespace.json" ]
	[ ! -e "$OUT" ]
	echo go >"$D/w.go"
	wait "$a"
	[ -s "$OUT/namespace.json" ]
}
