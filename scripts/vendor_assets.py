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
    # folium's Popup builds its content with jQuery
    "jquery": ("3.7.1", {"package/dist/jquery.min.js": "jquery.min.js", "package/LICENSE.txt": "LICENSE"}),
}

LICENCES = {"leaflet": "BSD-2-Clause", "jquery": "MIT"}

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
