"""Browser libraries installed from the npm registry (package.json, pinned in package-lock.json).

They are served from node_modules under /static/vendor/<name>/; nothing third-party is copied
into the repository.
"""

from __future__ import annotations

from pathlib import Path

from litestar.static_files import create_static_files_router

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"

# URL name -> folder inside node_modules with the files the pages load.
VENDOR_PACKAGES = {
    "htmx": "htmx.org/dist",
    "swagger-ui": "swagger-ui-dist",
}


def missing_vendor_packages() -> list[str]:
    return [folder for folder in VENDOR_PACKAGES.values() if not (NODE_MODULES / folder).is_dir()]


def vendor_routers() -> list:
    return [create_static_files_router(path=f"/static/vendor/{name}", directories=[NODE_MODULES / folder],
                                       name=f"vendor_{name}")
            for name, folder in VENDOR_PACKAGES.items()]
