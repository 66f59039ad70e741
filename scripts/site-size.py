#!/usr/bin/env python3
"""Prints the gzipped size of the built site (html + js + wasm + css) and enforces the budget.

With `--linked FILE.wasm` (the page's wasm as Cargo linked it, names and all), it also fails
when code the page is built without came back: the standard float formatting (`flt2dec`,
about 8 KB gzipped, brought by one `{}` of an `f64`) or float parsing (`dec2flt`). Use
`text::decimal` instead, and read JSON numbers from a `Value` (ARCHITECTURE.md, Invariants).
"""
import gzip
import pathlib
import sys

BUDGET_BYTES = 250 * 1024  # the whole app, now and later
LEFT_OUT = {
    b"flt2dec": "the standard float formatting (an f64 formatted with {} or {:.N}: use text::decimal)",
    b"dec2flt": "the standard float parsing (str::parse::<f64> or a typed serde_json reader)",
}

args = sys.argv[1:]
linked = None
if "--linked" in args:
    at = args.index("--linked")
    linked = pathlib.Path(args[at + 1])
    del args[at : at + 2]
dist = pathlib.Path(args[0] if args else "dist")
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
problems = []
if total > BUDGET_BYTES:
    problems.append(f"site is over its size budget by {total - BUDGET_BYTES:,} bytes")
if linked is not None:
    code = linked.read_bytes()
    problems += [f"the page links {what} again" for name, what in LEFT_OUT.items() if name in code]
if problems:
    sys.exit("\n".join(problems))
