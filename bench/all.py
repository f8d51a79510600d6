"""Run every benchmark module under bench/ in its own process and print their result lines."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

SKIP = {"all", "common"}


def main() -> int:
    folder = Path(__file__).parent
    failed = 0
    for module in sorted(m.name for m in pkgutil.iter_modules([str(folder)]) if m.name not in SKIP):
        print(f"# bench.{module}", flush=True)
        failed += subprocess.run([sys.executable, "-m", f"bench.{module}"], cwd=folder.parent).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
