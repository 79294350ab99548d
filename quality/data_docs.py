"""Great Expectations Data Docs that work offline.

GX writes pages that load Bootstrap, jQuery, Font Awesome, bootstrap-table and Vega from CDNs: with no
network the index is empty (its table is drawn by bootstrap-table) and the pages have no layout and
no pass/fail marks. These packages are on npm, so:

    python -m quality.data_docs fetch     # npm pack the pinned packages once (make data-docs-assets)
    python -m quality.data_docs serve     # the site on http://127.0.0.1:8060 (make data-docs)

keeps the files the pages need in state/data-docs-assets/, and after every GX run `localise()` copies
them into the site's static/vendor/ and points the pages written by that run at them. GX's own logos
(on a web bucket) become the copies GX ships in the site's static/images/.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.parse
from pathlib import Path

import settings

ASSETS_DIR_ENV = "NEV_DATA_DOCS_ASSETS"
PORT_ENV = "NEV_DATA_DOCS_PORT"
DEFAULT_PORT = 8060

# (npm package, exact version) -> the files the pages use, as {CDN URL: path inside the package};
# folders listed in FOLDERS come along whole (Font Awesome's CSS loads ../webfonts/).
PACKAGES: dict[tuple[str, str], dict[str, str]] = {
    ("bootstrap", "4.3.1"): {
        "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "dist/css/bootstrap.min.css",
        "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "dist/js/bootstrap.min.js",
    },
    ("jquery", "3.7.1"): {"https://code.jquery.com/jquery-3.7.1.min.js": "dist/jquery.min.js"},
    ("popper.js", "1.12.9"): {
        "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "dist/umd/popper.min.js"
    },
    ("@fortawesome/fontawesome-free", "6.6.0"): {
        "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "css/all.min.css"
    },
    ("bootstrap-table", "1.19.1"): {
        "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "dist/bootstrap-table.min.css",
        "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "dist/bootstrap-table.min.js",
        "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js": (
            "dist/extensions/filter-control/bootstrap-table-filter-control.min.js"
        ),
        # GX asks for 1.19.0's copies of this stylesheet; 1.19.1 ships the same rules.
        "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css": (
            "dist/extensions/filter-control/bootstrap-table-filter-control.min.css"
        ),
        "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css": (
            "dist/extensions/filter-control/bootstrap-table-filter-control.css"
        ),
    },
    ("bootstrap-datepicker", "1.9.0"): {
        "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css": (
            "dist/css/bootstrap-datepicker.min.css"
        ),
        "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js": (
            "dist/js/bootstrap-datepicker.min.js"
        ),
    },
    ("@forevolve/bootstrap-dark", "1.1.0"): {
        "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css": (
            "dist/css/bootstrap-prefers-dark.css"
        )
    },
    ("vega", "5.33.1"): {"https://cdn.jsdelivr.net/npm/vega@5": "build/vega.min.js"},
    ("vega-lite", "5.23.0"): {"https://cdn.jsdelivr.net/npm/vega-lite@5": "build/vega-lite.min.js"},
    ("vega-embed", "6.29.0"): {"https://cdn.jsdelivr.net/npm/vega-embed@6": "build/vega-embed.min.js"},
}
FOLDERS = {("@fortawesome/fontawesome-free", "6.6.0"): ["webfonts"]}
# GX's logos, from its web bucket, replaced by the copies in the site's static/images/.
# A CDN tag's subresource-integrity and CORS attributes: a browser refuses a file:// script with them.
INTEGRITY = re.compile(r'\s+(integrity|crossorigin)="[^"]*"')
LOGOS = re.compile(r"https://great-expectations-web-assets\.s3\.[a-z0-9-]+\.amazonaws\.com/[a-z_-]+\.png(\?[^\"')]*)?")


def assets_dir() -> Path:
    return Path(os.environ.get(ASSETS_DIR_ENV) or settings.state_dir() / "data-docs-assets")


def folder_of(package: str, version: str) -> str:
    return f"{package.replace('/', '__')}@{version}"


def fetched(root: Path | None = None) -> bool:
    root = root or assets_dir()
    return all((root / folder_of(*p) / ".complete").exists() for p in PACKAGES)


def fetch(root: Path | None = None, log=print) -> Path:
    """npm pack each pinned package not yet kept, and keep the files the pages use."""
    root = root or assets_dir()
    npm = shutil.which("npm")
    for (package, version), files in PACKAGES.items():
        into = root / folder_of(package, version)
        if (into / ".complete").exists():
            continue
        if npm is None:
            raise RuntimeError("npm is missing: install Debian's npm (apt-get install npm), then run again")
        log(f"data docs assets: npm pack {package}@{version}")
        with tempfile.TemporaryDirectory() as tmp:
            packed = subprocess.run(
                [npm, "pack", f"{package}@{version}", "--pack-destination", tmp, "--silent"],
                capture_output=True,
                text=True,
            )
            if packed.returncode != 0:
                raise RuntimeError(f"npm pack {package}@{version} failed: {packed.stderr.strip()[-300:]}")
            tarball = Path(tmp) / packed.stdout.strip().splitlines()[-1]
            wanted = set(files.values())
            folders = tuple(f"package/{d}/" for d in FOLDERS.get((package, version), []))
            with tarfile.open(tarball) as tar:
                members = [
                    m
                    for m in tar.getmembers()
                    if m.isfile() and (m.name.removeprefix("package/") in wanted or m.name.startswith(folders))
                ]
                missing = wanted - {m.name.removeprefix("package/") for m in members}
                if missing:
                    raise RuntimeError(f"{package}@{version} has no {', '.join(sorted(missing))}")
                into.mkdir(parents=True, exist_ok=True)
                tar.extractall(into, members=members, filter="data")
        (into / ".complete").write_text(f"{package}@{version}\n")
    return root


def localise(site: Path, since: float = 0.0, root: Path | None = None) -> int:
    """Copy the kept assets into the site and point its pages written at or after `since` (a file
    modification time) at them. The number of pages rewritten; 0 when the assets were never fetched."""
    root = root or assets_dir()
    if not fetched(root):
        return 0
    vendor = site / "static" / "vendor"
    local: dict[str, str] = {}
    for (package, version), files in PACKAGES.items():
        src = root / folder_of(package, version) / "package"
        dst = vendor / folder_of(package, version)
        if not (dst / ".complete").exists():
            shutil.copytree(src, dst, dirs_exist_ok=True)
            (dst / ".complete").write_text("")
        for url, path in files.items():
            local[url] = f"static/vendor/{folder_of(package, version)}/{path}"
    # Longest first: no URL is rewritten through a shorter one that begins it.
    urls = sorted(local, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(u) for u in urls))
    rewritten = 0
    for page in site.rglob("*.html"):
        if page.stat().st_mtime < since:
            continue
        text = page.read_text(encoding="utf-8")
        up = "../" * (len(page.relative_to(site).parts) - 1)
        new = pattern.sub(lambda m, up=up: up + local[m.group(0)], text)
        new = LOGOS.sub(f"{up}static/images/logo-long.png", new)
        new = INTEGRITY.sub("", new)
        if new != text:
            page.write_text(new, encoding="utf-8")
            rewritten += 1
    return rewritten


def _file(url: str | None) -> Path | None:
    return Path(urllib.parse.unquote(urllib.parse.urlparse(url).path)) if url and url.startswith("file://") else None


def sites(context) -> list[Path]:
    """The folders of the context's local Data Docs sites."""
    found = [_file(s.get("site_url")) for s in context.get_docs_sites_urls(only_if_exists=False)]
    return [f.parent for f in found if f is not None]


def page_of(context, result_identifier) -> Path | None:
    """The file of a validation result's Data Docs page, if GX wrote one."""
    for site in context.get_docs_sites_urls(resource_identifier=result_identifier):
        page = _file(site.get("site_url"))
        if page is not None:
            return page
    return None


def served_url(page: Path, site: Path) -> str:
    """The page's address under `python -m quality.data_docs serve` (make data-docs)."""
    return f"http://127.0.0.1:{os.environ.get(PORT_ENV, DEFAULT_PORT)}/{page.relative_to(site).as_posix()}"


def serve(site: Path) -> None:
    """Serve the site on loopback until interrupted."""
    port = int(os.environ.get(PORT_ENV, DEFAULT_PORT))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(f"Data Docs on http://127.0.0.1:{port}/ ({site}); Ctrl-C stops", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m quality.data_docs", description=__doc__.split("\n\n")[0])
    p.add_argument("command", choices=["fetch", "serve"])
    a = p.parse_args(argv)
    if a.command == "serve":
        from .batch_readers import DATA_DOCS

        serve(DATA_DOCS["duckdb"])
        return 0
    try:
        root = fetch()
    except RuntimeError as error:
        print(f"data docs assets: {error}", file=sys.stderr)
        return 1
    print(f"data docs assets: {len(PACKAGES)} packages in {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
