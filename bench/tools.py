#!/usr/bin/python3
"""Helpers of bench/run.sh: input generators, correctness checks, the
Python baselines for yaml2json and treehash, and a peak-RSS wrapper.

usage: tools.py yaml-all LIST0
       tools.py yaml-check YAML2JSON LIST0 [GOOD_LIST0]
       tools.py walk ROOT
       tools.py tree-check TREE_JSON SHA256SUM_OUTPUT LIST0
       tools.py gentree DIR NFILES MBYTES
       tools.py genyaml OUT SRC MBYTES
       tools.py genevents OUT SRC MBYTES
       tools.py histyaml REPO DIR
       tools.py rss [-i IN] [-o OUT] [-d DIR] CMD [ARG ...]

Each subcommand imports only what it needs, so the Python baselines pay
no start-up cost beyond what the job itself requires.
"""

import os
import sys


def readlist(path):
    with open(path, "rb") as f:
        return [os.fsdecode(p) for p in f.read().split(b"\0") if p]


def yaml_all(listfile):
    """The baseline: one CSafeLoader process converting every file."""
    import json
    import yaml
    out = sys.stdout
    for path in readlist(listfile):
        with open(path, "rb") as f:
            doc = yaml.load(f, Loader=yaml.CSafeLoader)
        out.write(json.dumps(doc, indent=2))
        out.write("\n")


def yaml_check(prog, listfile, goodfile=None):
    """Byte-compare yaml2json with the oracle of DESIGN.md on each file.
    The oracle's safe_load is used through CSafeLoader, which builds the
    same objects (SafeConstructor, same resolver) many times faster."""
    import json
    import subprocess
    import yaml
    good = bad = rejected = 0
    keep = []
    for path in readlist(listfile):
        try:
            with open(path, "rb") as f:
                doc = yaml.load(f, Loader=yaml.CSafeLoader)
            want = json.dumps(doc, indent=2) + "\n"
        except Exception:
            want = None
        res = subprocess.run([prog, path], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL)
        if want is None:
            if res.returncode == 0:
                print("accepted, oracle fails: " + path)
                bad += 1
            else:
                rejected += 1
        elif res.returncode != 0 or res.stdout != want.encode():
            print("differs from PyYAML: " + path)
            bad += 1
        else:
            good += 1
            keep.append(os.fsencode(path) + b"\0")
    if goodfile:
        with open(goodfile, "wb") as f:
            f.write(b"".join(keep))
    print("yaml2json: %d identical, %d rejected by both, %d wrong"
          % (good, rejected, bad))
    return 1 if bad else 0


EXCLUDED_DIRS = ("handoff", ".git", "__pycache__")


def walk(root):
    """The baseline: a Python hashlib walk printing treehash-like JSON."""
    import hashlib
    import json
    entries = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        dirnames[:] = [d for d in dirnames if d not in EXCLUDED_DIRS or
                       (d == "handoff" and rel != ".")]
        for name in filenames:
            if name.endswith(".pyc"):
                continue
            full = os.path.join(dirpath, name)
            if os.path.islink(full):
                data = os.fsencode(os.readlink(full))
                h = hashlib.sha256(data)
                size = len(data)
            else:
                h = hashlib.sha256()
                size = 0
                with open(full, "rb") as f:
                    while True:
                        b = f.read(1 << 20)
                        if not b:
                            break
                        h.update(b)
                        size += len(b)
            path = os.path.normpath(os.path.join(rel, name))
            entries.append({"path": path, "sha256": h.hexdigest(),
                            "size_bytes": size, "status": "present"})
    entries.sort(key=lambda e: os.fsencode(e["path"]))
    sys.stdout.write(json.dumps({"entries": entries,
                                 "total_files": len(entries)}, indent=2))
    sys.stdout.write("\n")


def tree_check(treefile, sumsfile, listfile):
    """treehash's digests must be sha256sum's, path for path."""
    import json
    with open(treefile, "rb") as f:
        tree = json.load(f)
    sums = {}
    with open(sumsfile, "rb") as f:
        for line in f.read().splitlines():
            digest, _, path = line.partition(b"  ")
            sums[os.fsdecode(path)] = digest.decode()
    listed = readlist(listfile)
    present = [e for e in tree["entries"] if e["status"] == "present"]
    bad = [e["path"] for e in present if sums.get(e["path"]) != e["sha256"]]
    for p in bad[:10]:
        print("digest differs from sha256sum: " + p)
    print("treehash: %d of %d listed files hashed, %d differ from sha256sum"
          % (len(present), len(listed), len(bad)))
    return 1 if bad or not present else 0


def gentree(top, nfiles, mbytes):
    """About nfiles files totalling mbytes MB, sizes spread like a source
    tree (many small files, a few large), random contents, fixed seed."""
    import random
    rnd = random.Random(8)
    nfiles = int(nfiles)
    total = int(float(mbytes) * 1e6)
    sizes = [rnd.lognormvariate(8.3, 1.2) for _ in range(nfiles)]
    scale = total / sum(sizes)
    sizes = [max(0, int(s * scale)) for s in sizes]
    sizes[-1] += total - sum(sizes)
    per = 100
    for i, size in enumerate(sizes):
        d = os.path.join(top, "d%03d" % (i // per))
        if i % per == 0:
            os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "f%05d.dat" % i), "wb") as f:
            f.write(rnd.randbytes(size))


def genyaml(out, src, mbytes):
    """Repeat a YAML mapping under distinct top-level keys up to mbytes MB:
    the same shape as the source, only larger."""
    with open(src, encoding="utf-8") as f:
        body = [ln for ln in f.read().splitlines()
                if ln.strip() and not ln.startswith(("---", "..."))]
    block = "".join("  " + ln + "\n" for ln in body)
    total = int(float(mbytes) * 1e6)
    n = 0
    with open(out, "w", encoding="utf-8") as f:
        while n * len(block) < total:
            f.write("copy%06d:\n" % n)
            f.write(block)
            n += 1


def genevents(out, src, mbytes):
    """A log of real event shapes with fresh, unique event ids."""
    import json
    with open(src, encoding="utf-8") as f:
        events = [json.loads(ln) for ln in f if ln.strip()]
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    total = int(float(mbytes) * 1e6)
    written = 0
    i = 0
    with open(out, "w", encoding="utf-8") as f:
        while written < total:
            ev = dict(events[i % len(events)])
            v = i
            tail = "".join(alphabet[(v >> (5 * k)) & 31]
                           for k in range(15, -1, -1))
            ev["event_id"] = "01KJ605ETH" + tail
            line = json.dumps(ev) + "\n"
            f.write(line)
            written += len(line)
            i += 1


def histyaml(repo, outdir):
    """Write every distinct blob that a *.yaml or *.yml path held in the
    history of REPO to DIR as 0001.yaml, 0002.yaml, ... in the order git
    lists them: many real files of many shapes, one git process each way."""
    import subprocess
    objs = subprocess.run(["git", "-C", repo, "rev-list", "--objects",
                           "--all"], stdout=subprocess.PIPE, check=True)
    seen = set()
    ids = []
    for line in objs.stdout.decode("utf-8", "replace").splitlines():
        oid, _, path = line.partition(" ")
        if path.endswith((".yaml", ".yml")) and oid not in seen:
            seen.add(oid)
            ids.append(oid)
    res = subprocess.run(["git", "-C", repo, "cat-file", "--batch"],
                         input="".join(i + "\n" for i in ids).encode(),
                         stdout=subprocess.PIPE, check=True)
    data = res.stdout
    pos = n = 0
    for _ in ids:
        nl = data.index(b"\n", pos)
        head = data[pos:nl].split()
        pos = nl + 1
        if len(head) != 3 or head[1] != b"blob":
            continue
        size = int(head[2])
        n += 1
        with open(os.path.join(outdir, "%04d.yaml" % n), "wb") as f:
            f.write(data[pos:pos + size])
        pos += size + 1
    return 0


def rss(args):
    """Run a command once; print its peak RSS in KiB (the largest of the
    process tree it waited for), or nothing when the command failed."""
    import resource
    import subprocess
    stdin = stdout = None
    cwd = None
    while args and args[0] in ("-i", "-o", "-d"):
        opt, val, args = args[0], args[1], args[2:]
        if opt == "-i":
            stdin = open(val, "rb")
        elif opt == "-o":
            stdout = open(val, "wb")
        else:
            cwd = val
    res = subprocess.run(args, stdin=stdin, stdout=stdout or
                         subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         cwd=cwd)
    if res.returncode == 0:
        print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return res.returncode


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__.split("\n\n")[1])
    cmd, args = argv[1], argv[2:]
    table = {
        "yaml-all": yaml_all, "yaml-check": yaml_check, "walk": walk,
        "tree-check": tree_check, "gentree": gentree, "genyaml": genyaml,
        "genevents": genevents, "histyaml": histyaml,
    }
    if cmd == "rss":
        return rss(args)
    if cmd not in table:
        sys.exit("tools.py: unknown subcommand " + cmd)
    return table[cmd](*args) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
