#!/usr/bin/env python3
"""Trunk's post-build step (Trunk.toml): drops code the page cannot use, optimises the wasm
for size, shortens its import names, minifies the JS glue (esbuild, from npm like wasm-opt),
then copies index.html to 404.html. (Trunk's own
wasm-opt run is off, `data-wasm-opt="0"` in index.html: it would run before the exports below
are gone.)

Leptos always turns on its server functions' browser support, which links `wasm-streams`:
three JS classes (IntoUnderlyingSource, …) exported from the wasm for JS to call. The page
has no server functions and never calls them, but exports are roots the optimiser must
keep. Their exports are removed here and wasm-opt drops the code only they reached; the
classes leave the glue. About 2 KB of the page's transfer.

wasm-bindgen names every import after its JS function plus a 16-digit hash
(`__wbg_get_a16b...`), in the wasm and again in the JS glue: 200-odd random hex strings
that gzip cannot shrink, about 6 KB of the page's transfer. Emscripten minifies these names
for the same reason. Here each import gets a short name in both files, and the integrity
hashes Trunk wrote into index.html are computed again for the two changed files.

Usage: finish-site.py [DIR]   (Trunk passes its staging directory as TRUNK_STAGING_DIR)
       finish-site.py --optimise FILE.wasm   (the benchmarks: the page's wasm-opt run alone)
"""
import base64
import hashlib
import os
import pathlib
import re
import string
import subprocess
import sys

IMPORT_SECTION = 2
EXPORT_SECTION = 7
FUNCTION_IMPORT = 0
# wasm-opt reads the features from the module's target_features section, which the
# `web-release` profile keeps (strip = false); they are named too, so a stripped build works.
WASM_OPT = [
    "-Oz",
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-reference-types",
    "--enable-multivalue",
    "--enable-mutable-globals",
]
UNUSED_CLASSES = ["IntoUnderlyingByteSource", "IntoUnderlyingSink", "IntoUnderlyingSource"]


def leb128(data, at):
    value, shift = 0, 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def encode_leb128(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def encode_name(name):
    raw = name.encode()
    return encode_leb128(len(raw)) + raw


def short_names():
    """a, b, …, Z, then aa, ab, …: valid JS identifiers, none of them reserved as keys."""
    letters = string.ascii_letters
    yield from letters
    for first in letters:
        for second in letters + string.digits:
            yield first + second


def sections(wasm):
    """(id, body start, end) of each section."""
    if wasm[:8] != b"\0asm\x01\0\0\0":
        sys.exit("finish-site: not a wasm module")
    at = 8
    while at < len(wasm):
        size, body = leb128(wasm, at + 1)
        yield wasm[at], at, body, body + size
        at = body + size


def drop_exports(wasm, unused):
    """The wasm without the exports `unused(name)` picks; how many there were."""
    out, dropped = bytearray(wasm[:8]), 0
    for section, start, body, end in sections(wasm):
        if section != EXPORT_SECTION:
            out += wasm[start:end]
            continue
        count, cursor = leb128(wasm, body)
        kept = []
        for _ in range(count):
            length, after = leb128(wasm, cursor)
            name = wasm[after : after + length].decode()
            _index, entry_end = leb128(wasm, after + length + 1)
            if unused(name):
                dropped += 1
            else:
                kept.append(wasm[cursor:entry_end])
            cursor = entry_end
        new_body = encode_leb128(len(kept)) + b"".join(kept)
        out += bytes([EXPORT_SECTION]) + encode_leb128(len(new_body)) + new_body
    return bytes(out), dropped


def drop_unused_classes(wasm_path, js):
    """Removes the classes' exports and the classes in the glue (`optimise` then drops the
    code only they reached)."""
    prefixes = tuple(c.lower() + "_" for c in UNUSED_CLASSES)
    frees = {f"__wbg_{c.lower()}_free" for c in UNUSED_CLASSES}
    wasm, dropped = drop_exports(
        wasm_path.read_bytes(), lambda name: name.startswith(prefixes) or name in frees
    )
    if not dropped:
        return js  # a Leptos without them: nothing to do
    wasm_path.write_bytes(wasm)
    for name in UNUSED_CLASSES:
        js = remove_once(js, rf"^export class {name} \{{\n.*?^\}}\n", name)
        js = remove_once(js, rf"^if \(Symbol\.dispose\) {name}\.prototype[^\n]*\n", name)
        js = remove_once(js, rf"^const {name}Finalization = .*?;\n", name)
    return js


def minify(js_path):
    run = ["esbuild", str(js_path), "--minify", "--format=esm", "--log-level=warning",
           "--allow-overwrite", f"--outfile={js_path}"]
    if subprocess.run(run).returncode != 0:
        sys.exit("finish-site: esbuild failed (scripts/setup puts it on PATH: node_modules/.bin)")


def optimise(wasm_path):
    run = ["wasm-opt", *WASM_OPT, str(wasm_path), "-o", str(wasm_path)]
    if subprocess.run(run).returncode != 0:
        sys.exit("finish-site: wasm-opt failed (scripts/setup puts it on PATH: node_modules/.bin)")


def remove_once(js, pattern, what):
    js, found = re.subn(pattern, "", js, count=1, flags=re.M | re.S)
    if found != 1:
        sys.exit(f"finish-site: the glue's {what} is not as expected")
    return js


def rename_imports(wasm):
    """The wasm with its imports (all functions of the JS glue) renamed; the glue's module
    name and the renaming."""
    out, renames, modules = bytearray(wasm[:8]), {}, set()
    names = short_names()
    for section, start, body, end in sections(wasm):
        if section != IMPORT_SECTION:
            out += wasm[start:end]
            continue
        count, cursor = leb128(wasm, body)
        new_body = bytearray(encode_leb128(count))
        for _ in range(count):
            length, cursor = leb128(wasm, cursor)
            module = wasm[cursor : cursor + length].decode()
            cursor += length
            length, cursor = leb128(wasm, cursor)
            field = wasm[cursor : cursor + length].decode()
            cursor += length
            kind = wasm[cursor]
            if kind != FUNCTION_IMPORT:
                sys.exit(f"finish-site: import {module}.{field} is not a function")
            type_index, after = leb128(wasm, cursor + 1)
            modules.add(module)
            renames[field] = next(names)
            module, field = "a", renames[field]
            new_body += encode_name(module) + encode_name(field)
            new_body += bytes([kind]) + encode_leb128(type_index)
            cursor = after
        out += bytes([IMPORT_SECTION]) + encode_leb128(len(new_body)) + new_body
    if len(modules) != 1:
        sys.exit(f"finish-site: imports from {sorted(modules)}, expected the JS glue alone")
    return bytes(out), modules.pop(), renames


def rename_in_glue(js, module_name, renames):
    """The JS glue with the import object's keys renamed to match."""
    start = js.index("const import0 = {")
    end = js.index("\n    };\n", start)
    block = js[start:end]
    for old, new in renames.items():
        block, found = re.subn(rf"^(        ){re.escape(old)}:", rf"\g<1>{new}:", block, flags=re.M)
        if found != 1:
            sys.exit(f"finish-site: the glue defines {old} {found} times")
    js = js[:start] + block + js[end:]
    key = f'"{module_name}": import0,'
    if js.count(key) != 1:
        sys.exit("finish-site: the glue's import object is not where it was expected")
    return js.replace(key, "a: import0,")


def external_loader(html, staging):
    """Moves Trunk's inline start-up module into a file, so the page's Content-Security-Policy
    can forbid inline scripts altogether. The file gets a content hash, like Trunk's own."""
    match = re.search(r"<script type=\"?module\"?>(.*?)</script>", html, flags=re.S)
    if not match:
        sys.exit("finish-site: Trunk's start-up script is not in index.html")
    code = match.group(1)
    prefix = re.search(r"from '([^']*/)?[^'/]+\.js'", code)
    if not prefix:
        sys.exit("finish-site: the start-up script does not import the glue")
    data = code.encode()
    name = f"start-{hashlib.sha256(data).hexdigest()[:16]}.js"
    (staging / name).write_bytes(data)
    tag = f'<script type=module src="{prefix.group(1) or ""}{name}" integrity="{integrity(data)}"></script>'
    return html[: match.start()] + tag + html[match.end() :]


def preloads_first(html):
    """Moves Trunk's preload links for the glue and the wasm to the top of <head>, before the
    Content-Security-Policy meta, the stylesheet and theme.js: Chromium starts nothing placed
    after that meta before the parser reaches it, and the wasm download is most of what a
    visitor waits for (bench/load.mjs: the wasm was requested 0.48 s into a mobile first
    visit). They are the page's own files, with integrity, which the policy allows anyway."""
    links = re.findall(r"<link[^>]*\brel=\"?(?:modulepreload|preload)\"?[^>]*>", html)
    if len(links) != 2:
        sys.exit(f"finish-site: expected Trunk's two preload links, found {len(links)}")
    for link in links:
        html = html.replace(link, "", 1)
    charset = re.search(r"<meta charset=\"?utf-8\"?\s*/?>", html, flags=re.I)
    if not charset:
        sys.exit("finish-site: no <meta charset> to put the preloads after")
    return html[: charset.end()] + "".join(links) + html[charset.end() :]


def integrity(data):
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def main():
    if sys.argv[1:2] == ["--optimise"]:
        optimise(pathlib.Path(sys.argv[2]))
        return
    staging = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else os.environ["TRUNK_STAGING_DIR"])
    (wasm_path,) = staging.glob("*_bg.wasm")
    js_path = wasm_path.with_name(wasm_path.name.removesuffix("_bg.wasm") + ".js")
    html_path = staging / "index.html"
    release = os.environ.get("TRUNK_PROFILE", "release") == "release"
    js = drop_unused_classes(wasm_path, js_path.read_text())
    if release:
        optimise(wasm_path)  # `trunk serve` (debug) skips the minute it would take
    wasm, module_name, renames = rename_imports(wasm_path.read_bytes())
    js = rename_in_glue(js, module_name, renames)
    wasm_path.write_bytes(wasm)
    js_path.write_text(js)
    if release:
        minify(js_path)
        js = js_path.read_text()
    html = preloads_first(external_loader(html_path.read_text(), staging))
    for path, data in ((wasm_path, wasm), (js_path, js.encode())):
        # Quoted or not: `--minify` drops the quotes.
        pattern = rf'(href="?[^"\s>]*{re.escape(path.name)}"?[^>]*integrity="?)sha384-[A-Za-z0-9+/=]+'
        html, found = re.subn(pattern, rf"\g<1>{integrity(data)}", html)
        if found != 1:
            sys.exit(f"finish-site: no integrity attribute for {path.name} in index.html")
    html_path.write_text(html)
    # Client-side routes live in the fragment, but a 404.html copy makes any deep link on
    # GitHub Pages land on the app too.
    (staging / "404.html").write_text(html)
    print(f"finish-site: {len(renames)} imports renamed")


if __name__ == "__main__":
    main()
