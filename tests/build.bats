#!/usr/bin/env bats
# The build itself: install and uninstall lay out and remove exactly the
# documented files, and a missing dependency stops make with the command to
# run.

load helper

@test "install lays out bin, libexec/handoff, man and share/handoff; uninstall removes them" {
	local dest="$BATS_TEST_TMPDIR/root"
	run make -s -C "$TOP" install DESTDIR="$dest" PREFIX=/usr
	assert_success
	(cd "$dest" && find . -type f | sort) >"$BATS_TEST_TMPDIR/got"
	shopt -s nullglob
	{
		for f in "$TOP"/filters/*.c; do
			f=${f##*/}
			echo "./usr/bin/${f%.c}"
		done
		# A filter may be a directory of sources; lib/ is the library.
		for f in "$TOP"/filters/*/; do
			f=${f%/}
			f=${f##*/}
			[ "$f" = lib ] || echo "./usr/bin/$f"
		done
		# handoff.mk's helpers, off PATH.
		for f in "$TOP"/libexec/*.c; do
			f=${f##*/}
			echo "./usr/libexec/handoff/${f%.c}"
		done
		# A helper may be a directory of sources too.
		for f in "$TOP"/libexec/*/; do
			f=${f%/}
			f=${f##*/}
			echo "./usr/libexec/handoff/$f"
		done
		for m in "$TOP"/man/*.1; do echo "./usr/share/man/man1/${m##*/}"; done
		for m in "$TOP"/man/*.5; do echo "./usr/share/man/man5/${m##*/}"; done
		if [ -e "$TOP/handoff.mk" ]; then
			echo ./usr/share/handoff/handoff.mk
		fi
		for t in "$TOP"/filters/*.sh.in; do
			echo "./usr/share/handoff/${t##*/}"
		done
	} | sort >"$BATS_TEST_TMPDIR/want"
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	run make -s -C "$TOP" uninstall DESTDIR="$dest" PREFIX=/usr
	assert_success
	run find "$dest" -type f
	assert_output ""
}

@test "a missing dependency, not as root: make stops with the apt-get line" {
	command -v runuser >/dev/null || skip "runuser not present"
	[ "$(id -u)" -eq 0 ] || skip "needs root to switch to an unprivileged user"
	runuser -u nobody -- test -r "$TOP/Makefile" ||
	    skip "the tree is not readable by nobody"
	run runuser -u nobody -- make -s -C "$TOP" deps-test \
	    BATS_LIB=/nonexistent
	assert_failure 2
	assert_output --partial "missing: bats-support bats-assert"
	assert_output --partial "run: sudo apt-get install -y bats-support bats-assert"
}
