#!/usr/bin/env python3
"""Prints the gzipped size of the built site (html + js + wasm + css) and enforces the budget."""
import gzip
import pathlib
import sys

BUDGET_BYTES = 250 * 1024  # the whole app, now and later

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
print(f"{total:>9,} B gz  total, budget {BUDGET_BYTES:,} B ({100 * total / BUDGET_BYTES:.0f}% used)")
if total > BUDGET_BYTES:
    sys.exit(f"site is over its size budget by {total - BUDGET_BYTES:,} bytes")
