#!/usr/bin/env python3
"""Prints the gzipped size of each file of a built page (html + js + wasm + css) and fails
above 1 MB gzipped per page.

The limit is an alarm against accidents (a debug build, a duplicated dependency), not a design
target: the page's budget is the time a visitor waits, measured by the load benchmark.
"""
import gzip
import pathlib
import sys

ALARM_BYTES = 1024 * 1024

dist = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "dist")
files = sorted(
    p for p in dist.iterdir()
    if p.suffix in {".html", ".js", ".wasm", ".css"} and p.name != "404.html"  # 404.html is a copy
)
total = 0
for path in files:
    size = len(gzip.compress(path.read_bytes(), compresslevel=9))
    total += size
    print(f"{size:>9,} B gz  {path.stat().st_size:>9,} B raw  {path.name}")
print(f"{total:>9,} B gz  total (alarm above {ALARM_BYTES:,} B)")
if total > ALARM_BYTES:
    sys.exit(f"{dist}: {total:,} B gzipped, over the {ALARM_BYTES:,} B alarm: what came in by accident?")
