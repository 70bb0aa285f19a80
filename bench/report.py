#!/usr/bin/python3
"""Turn the plan written by bench/run.sh and hyperfine's JSON exports into
the results table (stdout) and bench/results.md.

usage: report.py PLAN HEADER OUT.md

HEADER is a Markdown file put first (machine, versions).
PLAN holds one tab-separated record a line:
  row  SECTION NAME JSON REF TARGETS RSS_KIB BYTES COMMAND
  skip SECTION MESSAGE
  note SECTION TEXT
REF is the name of another row (the baseline of the ratio, "-" for none).
TARGETS is a comma-separated list of:
  faster>=N   REF's median over this median at least N
  within<=N   this median over REF's at most N
  pct<N       this median under N percent of REF's
  mbps>=N     BYTES over this median at least N MB/s
  sec<N       this median under N seconds
  rss<=M+F    peak RSS at most M MiB plus F times BYTES
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
                }
                order.append(name)
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
        ref = rows.get(r["ref"])
        if ref:
            x = ref["median"] / r["median"]
            if x >= 1:
                ratio = "%.2fx faster than %s" % (x, r["ref"])
            else:
                ratio = "%.2fx the time of %s" % (1 / x, r["ref"])
        else:
            ratio = "-"
        if r["bytes"]:
            rate = r["bytes"] / r["median"] / 1e6
            ratio = ("%.0f MB/s" if rate >= 10 else "%.2f MB/s") % rate + \
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
        table.append("| %s | %s | %s–%s | %d | %s | %s | %s | %s | %s |" % (
            name, fmt_time(r["median"]), fmt_time(r["min"]),
            fmt_time(r["max"]), r["n"], fmt_time(r["cpu"]), ratio, rss,
            "; ".join(texts) or "-", "; ".join(status) or "-"))
        cmds.append("- **%s**: `%s`%s" % (name, r["cmd"],
                                          " — " + r["note"] if r["note"]
                                          else ""))

    with open(header, encoding="utf-8") as f:
        head = f.read().rstrip("\n")
    text = [head, "", "## Results", ""] + table + [
        "", "Targets met: %d, missed: %d." % (met, missed), ""]
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
             "$TMP/bin and $TMP/handoff.mk are copies of bin/ and "
             "handoff.mk taken at the start.",
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
    print("\nTargets met: %d, missed: %d." % (met, missed))
    for s in skips:
        print("skipped: %s: %s" % s)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: report.py PLAN HEADER OUT.md")
    main(sys.argv[1], sys.argv[2], sys.argv[3])
