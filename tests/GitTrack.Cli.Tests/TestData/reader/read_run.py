#!/usr/bin/env python3
"""An independent reader of one run on a GitTrack runs branch, written from docs/format.md alone.

Usage: read_run.py REPO RUN_ID [BRANCH]

Reads the branch with `git ls-tree` and `git cat-file` only (no GitTrack code), folds the run's edits by the
documented rule, decodes its metric history segments, and prints one JSON object:
  name, note, hidden, removed_at, params, metrics, tags  (the run users see: manifest + edits)
  history  {metric: {count, min, max, last}}  (as `gittrack show --json` summarises it)
  points   {metric: [[step|null, ms|null, value], ...]}  (every point, per metric in logging order)
Non-finite floats are written as the strings "nan", "inf", "-inf" (JSON has none).
Needs Python 3.11+ (tomllib); uses only the standard library.
"""
import json
import math
import re
import struct
import subprocess
import sys
import tomllib


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True).stdout


def tree(repo, revision, path):
    """Entries under path (recursive): {relative path: (type, object id)}."""
    out = git(repo, "ls-tree", "-r", "-z", "--full-tree", revision, "--", path)
    entries = {}
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, name = record.split(b"\t", 1)
        _mode, kind, oid = meta.decode().split(" ")
        entries[name.decode("utf-8")[len(path):]] = (kind, oid)
    return entries


def blob(repo, oid):
    return git(repo, "cat-file", "blob", oid)


# ----- history segments ("Metric history segments") -----

def varint(data, pos):
    result = shift = 0
    for i in range(10):
        if pos >= len(data):
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result & 0xFFFFFFFFFFFFFFFF, pos
        shift += 7
    raise ValueError("varint longer than 10 bytes")


def unzigzag(n):
    return (n >> 1) ^ -(n & 1)


def wrap(v):
    """64-bit two's complement wrap-around."""
    v &= 0xFFFFFFFFFFFFFFFF
    return v - (1 << 64) if v >= 1 << 63 else v


def segment(data):
    if data[:4] != b"GTMH" or len(data) < 5 or data[4] != 1:
        raise ValueError("not a version 1 history segment")
    pos = 5
    count, pos = varint(data, pos)
    metrics = []
    for _ in range(count):
        length, pos = varint(data, pos)
        if length > len(data) - pos:
            raise ValueError("name longer than the segment")
        name = data[pos:pos + length].decode("utf-8")
        pos += length
        n, pos = varint(data, pos)
        if n > len(data) - pos:
            raise ValueError("point count larger than the bytes left")
        flags = data[pos:pos + n]
        pos += n
        steps, previous = [], 0
        for f in flags:
            if f & 1:
                delta, pos = varint(data, pos)
                previous = wrap(previous + unzigzag(delta))
                steps.append(previous)
            else:
                steps.append(None)
        times, previous = [], 0
        for f in flags:
            if f & 2:
                delta, pos = varint(data, pos)
                previous = wrap(previous + unzigzag(delta))
                times.append(previous)
            else:
                times.append(None)
        if 8 * n > len(data) - pos:
            raise ValueError("values past the end")
        values = struct.unpack_from("<%dd" % n, data, pos)
        pos += 8 * n
        metrics.append((name, list(zip(steps, times, values))))
    if pos != len(data):
        raise ValueError("bytes after the last metric")
    return metrics


SEGMENT = re.compile(r"^([0-9]+)\.bin$")


def history(repo, entries):
    numbered = {}
    for path, (kind, oid) in entries.items():
        if not path.startswith("history/"):
            continue
        name = path[len("history/"):]
        match = SEGMENT.match(name)
        if kind != "blob" or not match:
            raise ValueError(f"not a history segment: {name}")
        number = int(match.group(1))
        if number in numbered:
            raise ValueError(f"segment {number} twice")
        numbered[number] = oid
    if sorted(numbered) != list(range(len(numbered))):
        raise ValueError("a gap in the history segments")
    points = {}
    for number in range(len(numbered)):
        for name, metric_points in segment(blob(repo, numbered[number])):
            points.setdefault(name, []).extend(metric_points)
    return points


# ----- edits and the fold ("Edits") -----

EDIT = re.compile(r"^[0-9a-f]{16}\.toml$")


def fold(manifest, repo, entries):
    run = {
        "name": manifest["name"],
        "note": manifest.get("note"),
        "hidden": False,
        "hidden_at": None,
        "tags": dict(manifest.get("tags", {})),
    }
    edits = []
    for path, (_kind, oid) in entries.items():
        if not path.startswith("edits/"):
            continue
        name = path[len("edits/"):]
        if not EDIT.match(name):
            raise ValueError(f"not an edit file: {name}")
        edit = tomllib.loads(blob(repo, oid).decode("utf-8"))
        edits.append((edit["clock"], edit["at"], name[:16], edit))
    for _clock, _at, _id, edit in sorted(edits, key=lambda e: (e[0], e[1], e[2])):
        if "name" in edit:
            run["name"] = edit["name"]
        if "note" in edit:
            run["note"] = edit["note"] or None
        if "hidden" in edit:
            run["hidden"] = edit["hidden"]
            run["hidden_at"] = edit["at"] if edit["hidden"] else None
        for key in edit.get("untag", []):
            run["tags"].pop(key, None)
        for key, value in edit.get("tags", {}).items():
            run["tags"][key] = value
    return run


# ----- output -----

def number(v):
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    return v


def summary(points):
    finite = [v for _s, _t, v in points if not math.isnan(v)]
    return {
        "count": len(points),
        "min": number(min(finite)) if finite else "nan",
        "max": number(max(finite)) if finite else "nan",
        "last": number(points[-1][2]),
    }


def main():
    repo, run_id = sys.argv[1], sys.argv[2]
    branch = sys.argv[3] if len(sys.argv) > 3 else "gittrack/runs"
    folder = f"runs/{run_id[:2]}/{run_id}/"
    entries = tree(repo, branch, folder)
    manifest = tomllib.loads(blob(repo, entries["manifest.toml"][1]).decode("utf-8"))
    if manifest["schema"] != 2 or manifest["id"] != run_id:
        raise SystemExit(f"not a schema 2 manifest of {run_id}")
    run = fold(manifest, repo, entries)
    points = history(repo, entries)
    print(json.dumps({
        "name": run["name"],
        "note": run["note"],
        "hidden": run["hidden"],
        "removed_at": run["hidden_at"].isoformat() if run["hidden_at"] else None,
        "params": {k: number(v) for k, v in manifest["params"].items()},
        "metrics": {k: number(float(v)) for k, v in manifest["metrics"].items()},
        "tags": run["tags"],
        "history": {name: summary(p) for name, p in points.items()},
        "points": {name: [[s, t, number(v)] for s, t, v in p] for name, p in points.items()},
    }, sort_keys=True))


if __name__ == "__main__":
    main()
