#!/bin/sh
# generate.sh - replay the handoff package of feature 001-greeting-cli.
#
# Written by handoff.mk from its template; do not edit it, regenerate it.
# The constants below pin what the package was made from.  The script runs
# the handoff toolkit (handoff.mk and its filters) with them, so the replay
# gives the same bytes on any machine.  Without --write it only reports
# what it would write.

SOURCE_COMMIT='39eecff63b767f3e546320ac8ad4a8ca82fd4091'
SOURCE_BRANCH='main'
FEATURE_SLUG='001-greeting-cli'
MISSION_KEY='software-dev'
MANIFEST_VERSION='1'
PROJECT_SCOPE_ID='greet'
STEP_ID=''
# The feature directory, relative to the repository root.
ROOT_PATH='kitty-specs/001-greeting-cli'
# Set only when the manifest was read from a file instead of from git at
# SOURCE_COMMIT (relative to the repository root).
MANIFEST=''
PINS=''
NOTES=''
TEST_CMD=''
SCENARIOS=''
# Set only when the package was made with SOURCE_DATE_EPOCH.
PINNED_DATE_EPOCH=''

usage() {
	echo "usage: generate.sh [--write] [--force] [--output-dir PATH] [--help]"
}

help() {
	usage
	cat <<EOF

Replays the handoff package of $FEATURE_SLUG (project $PROJECT_SCOPE_ID,
mission $MISSION_KEY, manifest version $MANIFEST_VERSION) at source commit
$SOURCE_COMMIT, branch $SOURCE_BRANCH.

  --write            write the package (the default is a dry run that
                     only lists what would be written)
  --output-dir PATH  write into PATH instead of $ROOT_PATH/handoff
  --force            overwrite files that differ
  --help             print this help

Run it from the repository root, or from anywhere when it sits in
$ROOT_PATH/handoff.  It needs handoff.mk: HANDOFF_MK names it, otherwise
it is looked for above the repository and beside the filters on PATH.
EOF
}

write=0
force=0
outdir=
while [ $# -gt 0 ]; do
	case $1 in
	--write) write=1 ;;
	--force) force=1 ;;
	--output-dir)
		[ $# -ge 2 ] || { usage >&2; exit 2; }
		outdir=$2
		shift ;;
	--output-dir=*) outdir=${1#--output-dir=} ;;
	-h|--help) help; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done

die() {
	echo "generate.sh: $*" >&2
	exit 2
}

here=$(cd "$(dirname "$0")" && pwd) || die "cannot find the script's directory"
case $here in
*/"$ROOT_PATH"/handoff) repo=${here%/"$ROOT_PATH"/handoff} ;;
*)
	[ -d "$ROOT_PATH" ] || die "run it from the repository root (no $ROOT_PATH here)"
	repo=$(pwd) ;;
esac
if [ -n "$outdir" ]; then
	case $outdir in
	/*) ;;
	*) outdir=$(pwd)/$outdir ;;
	esac
else
	outdir=$repo/$ROOT_PATH/handoff
fi

mk=${HANDOFF_MK:-}
if [ -z "$mk" ]; then
	d=$repo
	while [ -n "$d" ]; do
		if [ -f "$d/handoff.mk" ]; then
			mk=$d/handoff.mk
			break
		fi
		d=${d%/*}
	done
fi
if [ -z "$mk" ]; then
	tool=$(command -v nsgen) && mk=$(dirname "$(dirname "$tool")")/share/handoff/handoff.mk
	[ -f "$mk" ] || mk=
fi
[ -n "$mk" ] || die "handoff.mk not found; set HANDOFF_MK to its path"

if [ -n "$PINNED_DATE_EPOCH" ]; then
	SOURCE_DATE_EPOCH=$PINNED_DATE_EPOCH
	export SOURCE_DATE_EPOCH
else
	unset SOURCE_DATE_EPOCH
fi

# Paths are relative to the repository root, where make runs.
run() {
	cd "$repo" && ${MAKE:-make} -s -f "$mk" handoff REPO=. \
	    FEATURE="$FEATURE_SLUG" FEATURE_DIR="$ROOT_PATH" \
	    SOURCE_COMMIT="$SOURCE_COMMIT" SOURCE_BRANCH="$SOURCE_BRANCH" \
	    PROJECT_SCOPE_ID="$PROJECT_SCOPE_ID" MISSION="$MISSION_KEY" \
	    STEP_ID="$STEP_ID" MANIFEST="$MANIFEST" PINS="$PINS" NOTES="$NOTES" \
	    TEST_CMD="$TEST_CMD" SCENARIOS="$SCENARIOS" \
	    VERIFICATION_FROM="$verification" "$@"
}

# The test evidence of the package is carried over, not rerun.
verification=
[ -f "$here/verification.md" ] && verification=$here/verification.md

if [ "$write" = 1 ]; then
	if [ "$force" = 1 ]; then
		run OUT="$outdir" FORCE=1
	else
		run OUT="$outdir"
	fi
	exit
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/generate.XXXXXX") || die "cannot make a temporary directory"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM
(run OUT="$tmp/out" BUILD="$tmp/build" 2>"$tmp/err") || {
	cat "$tmp/err" >&2
	exit 2
}
status=0
for f in namespace.json artifact-manifest.json artifact-tree.json events.jsonl \
    version-matrix.md verification.md generate.sh; do
	if [ ! -f "$outdir/$f" ]; then
		echo "would write $outdir/$f (new)"
	elif cmp -s "$tmp/out/$f" "$outdir/$f"; then
		echo "unchanged $outdir/$f"
	elif [ "$force" = 1 ]; then
		echo "would overwrite $outdir/$f"
	else
		echo "would refuse $outdir/$f (differs; --force overwrites)"
		status=1
	fi
done
echo "dry run: nothing written; --write writes"
exit "$status"
