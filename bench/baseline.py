#!/usr/bin/python3
"""Baseline for `make bench`: the handoff package made the ordinary way.

This is what a straightforward bash-plus-python generator does, and what
the C pipeline is measured against. The driver plays the part of the bash
script: it asks git for the parameters, writes generate.sh from a template,
and starts one Python process per remaining package file kind (manifest,
tree, events, namespace, version matrix, verification note). Those read
every input with one `git show COMMIT:PATH` per file, hash with hashlib and
parse YAML with PyYAML's safe_load, as such a script would.

The package follows the same rules as handoff.mk (see DESIGN.md): the
manifest, tree, events and namespace files are byte-identical to the
pipeline's for the same feature, which bench/run.sh checks before it takes
any timing.

usage: baseline.py [-C repo] [-o out_dir] [-m mission] [-s source_commit]
                   [-b source_branch] [-p project_scope_id] feature_slug
"""

import argparse
import datetime
import fnmatch
import hashlib
import json
import os
import subprocess
import sys

PY = sys.executable or "/usr/bin/python3"
SELF = os.path.abspath(__file__)
MANIFEST_PATHS = (
    "src/specify_cli/missions/{}/expected-artifacts.yaml",
    "packs/built-in/missions/{}/expected-artifacts.yaml",
)
KINDS = ("manifest", "tree", "events", "namespace", "matrix", "verification")


def git(*args, check=True):
    """Run git and return its standard output as bytes."""
    res = subprocess.run(("git",) + args, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    if check and res.returncode != 0:
        sys.exit("baseline: git %s failed" % " ".join(args))
    return res.stdout if res.returncode == 0 else None


def gits(*args, check=True):
    out = git(*args, check=check)
    return None if out is None else out.decode().strip()


def iso(epoch):
    """ISO 8601 UTC with Z, as hf_isotime writes it."""
    t = datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def stamp(commit, *paths):
    """The commit time of the last commit touching paths, or of commit."""
    sde = os.environ.get("SOURCE_DATE_EPOCH")
    if sde:
        return int(sde)
    out = gits("log", "-1", "--format=%ct", commit, "--", *paths)
    return int(out) if out else None


def dump(obj):
    return json.dumps(obj, indent=2) + "\n"


def write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def ulid(ms, rnd):
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    v = (ms << 80) | int.from_bytes(rnd, "big")
    return "".join(alphabet[(v >> (5 * (25 - i))) & 31] for i in range(26))


def part_manifest(a):
    import yaml
    text = None
    for p in MANIFEST_PATHS:
        text = git("show", "%s:%s" % (a.source_commit, p.format(a.mission)),
                   check=False)
        if text is not None:
            break
    if text is None:
        sys.exit("baseline: no manifest for mission %s" % a.mission)
    doc = yaml.safe_load(text)
    doc["source_commit"] = a.source_commit
    doc["captured_at"] = iso(stamp(a.source_commit))
    write(os.path.join(a.out, "artifact-manifest.json"), dump(doc))


def patterns(manifest):
    seen = []
    groups = [manifest.get("required_always") or []]
    groups += list((manifest.get("required_by_step") or {}).values())
    groups.append(manifest.get("optional_always") or [])
    for group in groups:
        for item in group or []:
            p = item.get("path_pattern") if isinstance(item, dict) else None
            if isinstance(p, str) and p not in seen:
                seen.append(p)
    return seen


def excluded(rel):
    parts = rel.split("/")
    return (parts[0] == "handoff" or ".git" in parts[:-1] or
            "__pycache__" in parts[:-1] or rel.endswith(".pyc"))


def part_tree(a):
    with open(os.path.join(a.out, "artifact-manifest.json")) as f:
        manifest = json.load(f)
    listing = git("ls-tree", "-r", "-z", "--full-tree", a.tree_commit,
                  "--", a.feature_dir + "/")
    entries = []
    for rec in listing.split(b"\0"):
        if not rec:
            continue
        meta, path = rec.split(b"\t", 1)
        mode = meta.split()[0]
        if mode == b"160000":
            continue
        rel = os.fsdecode(path[len(a.feature_dir) + 1:])
        if excluded(rel):
            continue
        blob = git("show", "%s:%s" % (a.tree_commit, os.fsdecode(path)))
        entries.append({"path": rel,
                        "sha256": hashlib.sha256(blob).hexdigest(),
                        "size_bytes": len(blob), "status": "present"})
    entries.sort(key=lambda e: os.fsencode(e["path"]))
    present = [e["path"] for e in entries]
    absent = [p for p in patterns(manifest)
              if not any(fnmatch.fnmatchcase(x, p) for x in present)]
    for p in absent:
        entries.append({"path": p, "sha256": None, "size_bytes": None,
                        "status": "absent"})
    tree = {
        "schema_version": "1",
        "feature_slug": a.feature,
        "root_path": a.feature_dir,
        "tree_commit": a.tree_commit,
        "source_commit": a.source_commit,
        "captured_at": iso(stamp(a.tree_commit, a.feature_dir)),
        "entries": entries,
        "total_files": len(entries),
        "present_count": len(present),
        "absent_count": len(absent),
    }
    write(os.path.join(a.out, "artifact-tree.json"), dump(tree))


def part_events(a):
    log = a.feature_dir + "/status.events.jsonl"
    data = git("show", "%s:%s" % (a.tree_commit, log), check=False) or b""
    if data:
        seen = set()
        for n, line in enumerate(data.splitlines(), 1):
            ev = json.loads(line)
            if not isinstance(ev, dict) or ev.get("event_id") in seen:
                sys.exit("baseline: %s:%d: bad event" % (log, n))
            seen.add(ev["event_id"])
        with open(os.path.join(a.out, "events.jsonl"), "wb") as f:
            f.write(data)
        return
    # No log: the event is dated like the manifest, by the source commit.
    at = stamp(a.source_commit)
    seed = "\n".join((a.scope, a.feature, a.branch, a.source_commit))
    rnd = hashlib.sha256(seed.encode()).digest()[:10]
    ev = {
        "actor": "handoff",
        "at": iso(at),
        "event_id": ulid(at * 1000, rnd),
        "event_type": "handoff_package_created",
        "feature_slug": a.feature,
        "source_branch": a.branch,
        "source_commit": a.source_commit,
    }
    write(os.path.join(a.out, "events.jsonl"),
          json.dumps(ev, sort_keys=True, separators=(",", ":")) + "\n")


def newest(a):
    stamps = []
    for name, key in (("artifact-manifest.json", "captured_at"),
                      ("artifact-tree.json", "captured_at")):
        with open(os.path.join(a.out, name)) as f:
            stamps.append(json.load(f)[key])
    log = a.feature_dir + "/status.events.jsonl"
    t = stamp(a.tree_commit, log)
    if t is not None:
        stamps.append(iso(t))
    return max(stamps)


def part_namespace(a):
    with open(os.path.join(a.out, "artifact-manifest.json")) as f:
        manifest = json.load(f)
    ns = {
        "schema_version": "1",
        "project_scope_id": a.scope,
        "feature_slug": a.feature,
        "source_branch": a.branch,
        "source_commit": a.source_commit,
        "mission_key": a.mission,
        "manifest_version": str(manifest.get("manifest_version")),
        "step_id": a.step or None,
        "generated_at": newest(a),
    }
    write(os.path.join(a.out, "namespace.json"), dump(ns))


CLASSES = ("input", "workflow", "output", "evidence", "policy", "runtime")


def part_matrix(a):
    with open(os.path.join(a.out, "artifact-manifest.json")) as f:
        manifest = json.load(f)
    pins = []
    text = git("show", "%s:%s/versions" % (a.tree_commit, a.feature_dir),
               check=False)
    for line in (text or b"").decode().splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            pins.append(line.strip())
    pins += ["source-commit=" + a.source_commit, "source-branch=" + a.branch]
    out = a.feature_dir + "/handoff"
    lines = ["# Version matrix: " + a.feature, "",
             "```versions"] + pins + ["```", "",
             "## Source reference", "",
             "| Field | Value |", "|---|---|",
             "| Branch | `%s` |" % a.branch,
             "| Source commit | `%s` |" % a.source_commit, "",
             "## Replay commands", "", "```sh",
             "make handoff FEATURE=%s" % a.feature,
             "bash %s/generate.sh --output-dir /tmp/%s --write" %
             (out, a.feature),
             "diff -r %s /tmp/%s" % (out, a.feature), "```", "",
             "## Artifact classes", ""]
    byclass = {c: [] for c in CLASSES}
    groups = [manifest.get("required_always") or []]
    groups += list((manifest.get("required_by_step") or {}).values())
    groups.append(manifest.get("optional_always") or [])
    for group in groups:
        for item in group or []:
            c = item.get("artifact_class")
            p = item.get("path_pattern")
            if c in byclass and p not in byclass[c]:
                byclass[c].append(p)
    for c in CLASSES:
        pats = ", ".join("`%s`" % p for p in byclass[c]) or "(none)"
        lines.append("- **%s**: %s" % (c, pats))
    write(os.path.join(a.out, "version-matrix.md"), "\n".join(lines) + "\n")


def part_verification(a):
    lines = ["# Verification: " + a.feature, "",
             "**Branch**: " + a.branch,
             "**Source commit**: " + a.source_commit,
             "**Run date**: " + iso(stamp(a.tree_commit)),
             "**Overall result**: FAIL", "",
             "No test was run for this package: no test command was given.",
             ""]
    write(os.path.join(a.out, "verification.md"), "\n".join(lines))


GENERATE = """#!/usr/bin/env bash
# Replay the handoff package of {feature}; dry-run unless --write.
set -euo pipefail
SOURCE_COMMIT={sc}
SOURCE_BRANCH={branch}
FEATURE_SLUG={feature}
MISSION_KEY={mission}
MANIFEST_VERSION={mv}
out=kitty-specs/$FEATURE_SLUG/handoff
write=0
force=
while [ $# -gt 0 ]; do
\tcase $1 in
\t--write) write=1 ;;
\t--force) force=FORCE=1 ;;
\t--output-dir) out=$2; shift ;;
\t--help) echo "usage: generate.sh [--write] [--force] [--output-dir PATH]"; exit 0 ;;
\t*) echo "generate.sh: unknown option $1" >&2; exit 2 ;;
\tesac
\tshift
done
if [ "$write" = 0 ]; then
\techo "would write the package of $FEATURE_SLUG into $out"
\texit 0
fi
exec make -f "${{HANDOFF_MK:-handoff.mk}}" handoff FEATURE="$FEATURE_SLUG" \\
    SOURCE_COMMIT="$SOURCE_COMMIT" SOURCE_BRANCH="$SOURCE_BRANCH" OUT="$out" $force
"""


def main():
    ap = argparse.ArgumentParser(prog="baseline.py")
    ap.add_argument("-C", dest="repo", default=".")
    ap.add_argument("-o", dest="out")
    ap.add_argument("-m", dest="mission")
    ap.add_argument("-s", dest="source_commit")
    ap.add_argument("-b", dest="branch")
    ap.add_argument("-p", dest="scope")
    ap.add_argument("--step", default="")
    ap.add_argument("--part", choices=KINDS)
    ap.add_argument("--tree-commit")
    ap.add_argument("--feature-dir")
    ap.add_argument("feature")
    a = ap.parse_args()
    os.chdir(a.repo)
    if a.part:
        globals()["part_" + a.part](a)
        return

    # The driver: what the bash half of such a generator does.
    top = gits("rev-parse", "--show-toplevel")
    os.chdir(top)
    a.feature_dir = "kitty-specs/" + a.feature
    a.out = os.path.abspath(a.out or a.feature_dir + "/handoff")
    if not a.branch:
        a.branch = gits("symbolic-ref", "--short", "HEAD")
    if not a.scope:
        url = gits("remote", "get-url", "origin", check=False)
        name = os.path.basename((url or top).rstrip("/"))
        a.scope = name[:-4] if name.endswith(".git") else name
    a.tree_commit = gits("log", "-1", "--format=%H", "HEAD", "--",
                         a.feature_dir, ":(exclude)%s/handoff" % a.feature_dir)
    if not a.source_commit:
        a.source_commit = a.tree_commit
    if not a.mission:
        meta = git("show", "%s:%s/meta.json" % (a.source_commit,
                                                a.feature_dir), check=False)
        d = json.loads(meta) if meta else {}
        a.mission = d.get("mission") or d.get("mission_type") or \
            "software-dev"
    os.makedirs(a.out, exist_ok=True)
    common = ["-C", top, "-o", a.out, "-m", a.mission,
              "-s", a.source_commit, "-b", a.branch, "-p", a.scope,
              "--step", a.step, "--tree-commit", a.tree_commit,
              "--feature-dir", a.feature_dir]
    for kind in KINDS:
        subprocess.run([PY, SELF, "--part", kind] + common + [a.feature],
                       check=True)
    with open(os.path.join(a.out, "artifact-manifest.json")) as f:
        mv = json.load(f).get("manifest_version")
    write(os.path.join(a.out, "generate.sh"),
          GENERATE.format(feature=a.feature, sc=a.source_commit,
                          branch=a.branch, mission=a.mission, mv=mv))


if __name__ == "__main__":
    main()
