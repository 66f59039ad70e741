#!/usr/bin/env python3
"""Trunk's post-build step (Trunk.toml): shortens the wasm's import names, then copies
index.html to 404.html.

wasm-bindgen names every import after its JS function plus a 16-digit hash
(`__wbg_get_a16b...`), in the wasm and again in the JS glue: 200-odd random hex strings
that gzip cannot shrink, about 6 KB of the page's transfer. Emscripten minifies these names
for the same reason. Here each import gets a short name in both files, and the integrity
hashes Trunk wrote into index.html are computed again for the two changed files.

Usage: finish-site.py DIR (Trunk passes its staging directory as TRUNK_STAGING_DIR).
"""
import base64
import hashlib
import os
import pathlib
import re
import string
import sys

IMPORT_SECTION = 2
FUNCTION_IMPORT = 0


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


def rename_imports(wasm):
    """The wasm with its imports (all functions of the JS glue) renamed; the glue's module
    name and the renaming."""
    if wasm[:8] != b"\0asm\x01\0\0\0":
        sys.exit("finish-site: not a wasm module")
    at, out, renames, modules = 8, bytearray(wasm[:8]), {}, set()
    names = short_names()
    while at < len(wasm):
        section = wasm[at]
        size, body = leb128(wasm, at + 1)
        end = body + size
        if section != IMPORT_SECTION:
            out += wasm[at:end]
            at = end
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
        at = end
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


def integrity(data):
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def main():
    staging = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else os.environ["TRUNK_STAGING_DIR"])
    (wasm_path,) = staging.glob("*_bg.wasm")
    js_path = wasm_path.with_name(wasm_path.name.removesuffix("_bg.wasm") + ".js")
    html_path = staging / "index.html"
    wasm, module_name, renames = rename_imports(wasm_path.read_bytes())
    js = rename_in_glue(js_path.read_text(), module_name, renames)
    wasm_path.write_bytes(wasm)
    js_path.write_text(js)
    html = html_path.read_text()
    for path, data in ((wasm_path, wasm), (js_path, js.encode())):
        pattern = rf'(href="[^"]*{re.escape(path.name)}"[^>]*integrity=")[^"]*(")'
        html, found = re.subn(pattern, rf"\g<1>{integrity(data)}\g<2>", html)
        if found != 1:
            sys.exit(f"finish-site: no integrity attribute for {path.name} in index.html")
    html_path.write_text(html)
    # Client-side routes live in the fragment, but a 404.html copy makes any deep link on
    # GitHub Pages land on the app too.
    (staging / "404.html").write_text(html)
    print(f"finish-site: {len(renames)} imports renamed")


if __name__ == "__main__":
    main()
