"""Vendor the browser assets the map needs, from the npm registry, at pinned versions.

Run ``python scripts/vendor_assets.py`` (needs ``npm``); it rewrites ``static/vendor/`` and
``static/vendor/VENDORED.md``. The result is committed, so users and CI need only pip.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

#: package -> (version, {path inside the npm tarball: path under static/vendor/<package>/})
PACKAGES: dict[str, tuple[str, dict[str, str]]] = {
    "leaflet": (
        "1.9.4",
        {
            "package/dist/leaflet.js": "leaflet.js",
            "package/dist/leaflet.css": "leaflet.css",
            "package/dist/images/layers.png": "images/layers.png",
            "package/dist/images/layers-2x.png": "images/layers-2x.png",
            "package/dist/images/marker-icon.png": "images/marker-icon.png",
            "package/dist/images/marker-icon-2x.png": "images/marker-icon-2x.png",
            "package/dist/images/marker-shadow.png": "images/marker-shadow.png",
            "package/LICENSE": "LICENSE",
        },
    ),
    # military unit symbols (APP-6 / MIL-STD-2525) drawn as SVG from each unit's SIDC
    "milsymbol": ("3.0.4", {"package/dist/milsymbol.js": "milsymbol.js", "package/LICENSE": "LICENSE"}),
    # two dates side by side (layers/plugins/compare.js); the package ships CommonJS source
    # only, wrapped for the browser by _wrap_side_by_side below
    "leaflet-side-by-side": (
        "2.2.0",
        {
            "package/index.js": "leaflet-side-by-side.js",
            "package/layout.css": "layout.css",
            "package/range.css": "range.css",
            "package/range-icon.png": "images/range-icon.png",
            "package/LICENSE": "LICENSE",
        },
    ),
}

LICENCES = {"leaflet": "BSD-2-Clause", "milsymbol": "MIT", "leaflet-side-by-side": "MIT"}


def _wrap_side_by_side(text: str) -> str:
    """leaflet-side-by-side's ``index.js`` as a browser script using the global ``L``.

    Its three ``require`` lines and the ``module.exports`` line are removed (the CSS files
    are loaded as stylesheets) and the rest runs in a function given ``window.L``.
    """
    drop = ["var L = require('leaflet')", "require('./layout.css')", "require('./range.css')",
            "module.exports = L.Control.SideBySide"]
    lines = text.splitlines()
    for d in drop:
        if d not in lines:
            raise SystemExit(f"leaflet-side-by-side changed: line {d!r} not found; review the wrapper")
    body = "\n".join(line for line in lines if line not in drop)
    return "/* leaflet-side-by-side 2.2.0 (MIT), wrapped for the browser by scripts/vendor_assets.py */\n" \
        "(function (L) {\n" + body + "\n})(window.L);\n"


#: (package, file under static/vendor/<package>/) -> text transform applied after extraction
TRANSFORMS = {
    ("leaflet-side-by-side", "leaflet-side-by-side.js"): _wrap_side_by_side,
    # layers.assets.inline_assets inlines images referenced as images/<name>.png
    ("leaflet-side-by-side", "range.css"): lambda t: t.replace("url(range-icon.png)", "url(images/range-icon.png)"),
}

ROOT = Path(__file__).resolve().parents[1]
DEST = ROOT / "static" / "vendor"


def fetch(name: str, version: str, workdir: Path) -> Path:
    """Download ``name@version`` with ``npm pack`` and return the tarball path."""
    out = subprocess.run(
        ["npm", "pack", f"{name}@{version}", "--silent"],
        cwd=workdir, check=True, capture_output=True, text=True,
    )
    return workdir / out.stdout.strip().splitlines()[-1]


def main() -> None:
    """Download, extract and record every pinned package."""
    lines = [
        "# Vendored browser assets",
        "",
        "Written by `python scripts/vendor_assets.py` from the npm registry; do not edit by hand.",
        "",
        "| package | version | licence | file | sha256 |",
        "|---|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for name, (version, files) in PACKAGES.items():
            tgz = fetch(name, version, Path(tmp))
            target = DEST / name
            shutil.rmtree(target, ignore_errors=True)
            with tarfile.open(tgz) as tar:
                for member, rel in files.items():
                    data = tar.extractfile(member)
                    assert data is not None, member
                    blob = data.read()
                    if (name, rel) in TRANSFORMS:
                        blob = TRANSFORMS[(name, rel)](blob.decode("utf-8")).encode("utf-8")
                    out = target / rel
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_bytes(blob)
                    lines.append(
                        f"| {name} | {version} | {LICENCES[name]} | {name}/{rel} | "
                        f"{hashlib.sha256(blob).hexdigest()[:16]} |"
                    )
    (DEST / "VENDORED.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
