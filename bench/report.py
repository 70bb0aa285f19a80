#!/usr/bin/python3
"""Turn the plan written by bench/run.sh and hyperfine's JSON exports into
the results table (stdout) and bench/results.md.

usage: report.py PLAN HEADER OUT.md

HEADER is a Markdown file put first (machine, versions).
PLAN holds one tab-separated record a line:
  row   SECTION NAME JSON REF TARGETS RSS_KIB BYTES COMMAND [NOTE [ITEMS]]
  na    SECTION NAME WHY          a row this build cannot run
  fail  NAME WHY                  the row NAME did not do the whole job
  count SECTION NAME N TARGET PROGRAMS COMMAND
  skip  SECTION MESSAGE
  note  SECTION TEXT
REF is the name of another row (the baseline of the ratio, "-" for none).
ITEMS is the number of features a run handles; the time per feature is
shown beside the ratio.
TARGETS is a comma-separated list of:
  faster>=N   REF's median over this median at least N
  within<=N   this median over REF's at most N
  pct<N       this median under N percent of REF's
  mbps>=N     BYTES over this median at least N MB/s
  sec<N       this median under N seconds
  rss<=M+F    peak RSS at most M MiB plus F times BYTES
  linear<=F   this median per item at most F times REF's per item
A count's TARGET is le=N (at most N processes), eq=N or "-".
"""

import json
import os
import statistics
import sys


def fmt_time(s):
    if s is None:
        return "-"
    if s >= 1:
        return "%.3f s" % s
    return "%.1f ms" % (s * 1e3)


def inwords(x, than=""):
    """A ratio of a baseline's time to a row's, in words."""
    if x >= 1:
        return "%.2fx faster%s" % (x, " " + than if than else "")
    return "%.2fx the time%s" % (1 / x, " of" if than else "")


def load(path, name, cache={}):
    if path not in cache:
        try:
            with open(path) as f:
                cache[path] = json.load(f)["results"]
        except (OSError, ValueError, KeyError):
            cache[path] = []
    for r in cache[path]:
        if r.get("command") == name:
            return r
    return None


def check(spec, row, rows):
    """Return (text, met) for one target."""
    med = row["median"]
    ref = rows.get(row["ref"])
    refmed = ref["median"] if ref else None
    if spec.startswith("faster>="):
        n = float(spec[8:])
        if not refmed:
            return ("%sx faster" % spec[8:], None)
        return ("≥%gx faster" % n, refmed / med >= n)
    if spec.startswith("within<="):
        n = float(spec[8:])
        if not refmed:
            return ("≤%gx of ref" % n, None)
        return ("≤%gx of %s" % (n, row["ref"]), med / refmed <= n)
    if spec.startswith("pct<"):
        n = float(spec[4:])
        if not refmed:
            return ("<%g%% of ref" % n, None)
        pct = 100 * med / refmed
        return ("<%g%% of %s (%.1f%%)" % (n, row["ref"], pct), pct < n)
    if spec.startswith("mbps>="):
        n = float(spec[6:])
        rate = row["bytes"] / med / 1e6
        return ("≥%g MB/s (%.0f MB/s)" % (n, rate), rate >= n)
    if spec.startswith("linear<="):
        n = float(spec[8:])
        if not refmed or not row["items"] or not ref["items"]:
            return ("≤%gx per feature of ref" % n, None)
        x = (med / row["items"]) / (refmed / ref["items"])
        return ("≤%gx per feature of %s (%.2fx)" % (n, row["ref"], x),
                x <= n)
    if spec.startswith("sec<"):
        n = float(spec[4:])
        return ("<%g s" % n, med < n)
    if spec.startswith("rss<="):
        m, f = spec[5:].split("+")
        limit = float(m) * 1048576 + float(f) * row["bytes"]
        if row["rss"] is None:
            return ("RSS ≤ %.1f MiB" % (limit / 1048576), None)
        return ("RSS ≤ %.1f MiB" % (limit / 1048576),
                row["rss"] * 1024 <= limit)
    return (spec, None)


def main(plan, header, out):
    rows = {}
    order = []
    skips = []
    notes = []
    counts = []
    fails = {}
    with open(plan, encoding="utf-8") as f:
        for line in f:
            rec = line.rstrip("\n").split("\t")
            if rec[0] == "row" and len(rec) >= 9:
                _, sec, name, js, ref, targets, rss, nbytes, cmd = rec[:9]
                r = load(js, name)
                if r is None:
                    skips.append((sec, "%s: no timing recorded" % name))
                    continue
                times = r.get("times") or [r["mean"]]
                rows[name] = {
                    "section": sec, "name": name, "ref": ref,
                    "targets": [] if targets == "-" else targets.split(","),
                    "rss": None if rss == "-" else int(rss),
                    "bytes": 0 if nbytes == "-" else int(nbytes),
                    "cmd": cmd, "median": statistics.median(times),
                    "min": min(times), "max": max(times), "n": len(times),
                    "cpu": r.get("user", 0) + r.get("system", 0),
                    "note": rec[9] if len(rec) > 9 else "",
                    "items": int(rec[10]) if len(rec) > 10 and
                    rec[10].isdigit() else 0,
                }
                order.append(name)
            elif rec[0] == "na" and len(rec) >= 4:
                rows[rec[2]] = {"na": rec[3], "section": rec[1]}
                order.append(rec[2])
            elif rec[0] == "fail" and len(rec) >= 3:
                fails[rec[1]] = rec[2]
            elif rec[0] == "count" and len(rec) >= 7:
                counts.append(rec[1:7])
            elif rec[0] == "skip":
                skips.append((rec[1], rec[2]))
            elif rec[0] == "note":
                notes.append((rec[1], rec[2]))

    table = ["| benchmark | median | min–max | runs | CPU | ratio "
             "| peak RSS | target | status |",
             "|---|---:|---:|---:|---:|---|---:|---|---|"]
    cmds = []
    met = missed = 0
    for name in order:
        r = rows[name]
        if "na" in r:
            table.append("| %s | - | - | - | - | - | - | - | %s |"
                         % (name, r["na"]))
            continue
        ref = rows.get(r["ref"])
        if ref and "na" in ref:
            ref = None
        if ref:
            x = ref["median"] / r["median"]
            ratio = "%s %s" % (inwords(x, "than"), r["ref"])
            # CPU time moves less than wall time when other work shares
            # the machine: the second opinion on the same runs.
            if r["cpu"] and ref["cpu"]:
                ratio += " (CPU: %s)" % inwords(ref["cpu"] / r["cpu"])
        else:
            ratio = "-"
        if r["bytes"]:
            rate = r["bytes"] / r["median"] / 1e6
            ratio = ("%.0f MB/s" if rate >= 10 else "%.2f MB/s") % rate + \
                ("" if ratio == "-" else "; " + ratio)
        if r["items"]:
            ratio = "%s per feature (CPU %s)" % (
                fmt_time(r["median"] / r["items"]),
                fmt_time(r["cpu"] / r["items"])) + \
                ("" if ratio == "-" else "; " + ratio)
        rss = "-" if r["rss"] is None else "%.1f MiB" % (r["rss"] / 1024)
        texts = []
        status = []
        for spec in r["targets"]:
            text, ok = check(spec, r, rows)
            texts.append(text)
            if ok is None:
                status.append("n/a")
            elif ok:
                status.append("met")
                met += 1
            else:
                status.append("**MISSED**")
                missed += 1
        if name in fails:
            # A run that left work undone meets no target, however fast.
            met -= status.count("met")
            missed += status.count("met")
            status = ["**FAILED**: " + fails[name]]
        table.append("| %s | %s | %s–%s | %d | %s | %s | %s | %s | %s |" % (
            name, fmt_time(r["median"]), fmt_time(r["min"]),
            fmt_time(r["max"]), r["n"], fmt_time(r["cpu"]), ratio, rss,
            "; ".join(texts) or "-", "; ".join(status) or "-"))
        cmds.append("- **%s**: `%s`%s" % (name, r["cmd"],
                                          " — " + r["note"] if r["note"]
                                          else ""))

    ptable = []
    for sec, name, n, target, progs, cmd in counts:
        n = int(n)
        if target.startswith("le="):
            text, ok = "≤ %s" % target[3:], n <= int(target[3:])
        elif target.startswith("eq="):
            text, ok = "= %s" % target[3:], n == int(target[3:])
        else:
            text, ok = "-", None
        status = "-" if ok is None else "met" if ok else "**MISSED**"
        if name in fails:
            status, ok = "**FAILED**: " + fails[name], False
        if ok is not None:
            met, missed = (met + 1, missed) if ok else (met, missed + 1)
        ptable.append("| %s | %d | %s | %s | %s |" % (name, n, text, status,
                                                      progs))
        cmds.append("- **%s** (processes): `strace -f -ff -qq -e trace=execve "
                    "-o DIR/p %s`" % (name, cmd))
    if ptable:
        ptable = ["| run | processes | target | status | programs |",
                  "|---|---:|---|---|---|"] + ptable

    with open(header, encoding="utf-8") as f:
        head = f.read().rstrip("\n")
    text = [head, "", "## Results", ""] + table + [""]
    if ptable:
        text += ["## Processes", ""] + ptable + [""]
    text += ["Targets met: %d, missed: %d." % (met, missed), ""]
    if skips:
        text += ["## Skipped", ""]
        text += ["- %s: %s" % s for s in skips]
        text.append("")
    if notes:
        text += ["## Checks and notes", ""]
        text += ["- %s: %s" % n for n in notes]
        text.append("")
    text += ["## Commands", "",
             "$TMP is the scratch directory of the run (removed after it); "
             "$TMP/prefix is the toolkit as copied at the start, laid out "
             "as installed (bin/, libexec/handoff/, share/handoff/ with "
             "handoff.mk); $TMP/sk is the clone of the corpus's bundle.",
             ""] + cmds + [""]
    body = "\n".join(text)
    # Scratch paths mean nothing once the run is over: name them instead.
    if os.environ.get("BENCH_TMP"):
        body = body.replace(os.environ["BENCH_TMP"], "$TMP")
    if os.environ.get("BENCH_TOP"):
        body = body.replace(os.environ["BENCH_TOP"] + "/", "")
    with open(out, "w", encoding="utf-8") as f:
        f.write(body)
    print("\n".join(table))
    if ptable:
        print("\n" + "\n".join(ptable))
    print("\nTargets met: %d, missed: %d." % (met, missed))
    for s in skips:
        print("skipped: %s: %s" % s)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: report.py PLAN HEADER OUT.md")
    main(sys.argv[1], sys.argv[2], sys.argv[3])
