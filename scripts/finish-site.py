#!/usr/bin/env python3
"""Trunk's post-build step (Trunk.toml): what Trunk cannot do to index.html. wasm-bindgen's
output (the wasm and its JS glue) is left as Trunk and wasm-opt wrote it.

- Trunk inlines its start-up module; the page's Content-Security-Policy allows no inline
  script, so the module moves into a file of its own.
- Trunk puts the preload links of the glue and the wasm at the end of <head>; they move to
  the top, so the download starts with the HTML.
- index.html is copied to 404.html, so that a deep link on GitHub Pages lands on the app.

Usage: finish-site.py [DIR]   (Trunk passes its staging directory as TRUNK_STAGING_DIR)
"""
import base64
import hashlib
import os
import pathlib
import re
import sys


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
    staging = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else os.environ["TRUNK_STAGING_DIR"])
    html_path = staging / "index.html"
    html = preloads_first(external_loader(html_path.read_text(), staging))
    html_path.write_text(html)
    # Client-side routes live in the fragment, but a 404.html copy makes any deep link on
    # GitHub Pages land on the app too.
    (staging / "404.html").write_text(html)


if __name__ == "__main__":
    main()
