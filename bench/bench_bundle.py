"""Bundle size and cold start of the bundled app to its main window. Prints figures; asserts nothing.

    python bench/bench_bundle.py                        # the test bundle (built or reused)
    python bench/bench_bundle.py --bundle dist/WorkWell # a bundle made by `make package`
    python bench/bench_bundle.py --drop-caches          # truly cold first start (root, Linux)

Targets: under 150 MB on disk, main window on screen in under 2 s.

The start is timed from launching the executable to the line it prints once its main
window has painted (``WORKWELL_EXIT_AFTER_SHOWN=1``, handled by the bundle's entry
script), so it includes the bootloader, Python start-up, imports and the first paint.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZE_TARGET_MB = 150
START_TARGET_S = 2.0


def load_build_module():
    spec = importlib.util.spec_from_file_location("workwell_packaging_build", ROOT / "packaging" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sizes(bundle: Path) -> list[tuple[int, str]]:
    return sorted(
        (
            (p.stat().st_size, p.relative_to(bundle).as_posix())
            for p in bundle.rglob("*")
            if p.is_file() and not p.is_symlink()
        ),
        reverse=True,
    )


def drop_caches() -> bool:
    """Empty the page cache so the next start reads everything from disk (root on Linux only)."""
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def one_start(executable: Path, platform: str) -> tuple[float, float]:
    """(seconds from launch to the 'shown' line, seconds the app measured itself)."""
    env = dict(os.environ, WORKWELL_EXIT_AFTER_SHOWN="1", QT_QPA_PLATFORM=platform, WORKWELL_KEY_STORE="file")
    command = [str(executable)]
    if platform == "xcb" and not os.environ.get("DISPLAY") and shutil.which("xvfb-run"):
        command = ["xvfb-run", "-a", *command]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    for line in process.stdout:
        if line.startswith("main window shown after"):
            outside = time.perf_counter() - started
            inside = float(line.split()[-2])
            break
    else:
        process.wait()
        raise SystemExit(f"{executable} never reported its main window (exit {process.returncode})")
    process.wait(timeout=60)
    return outside, inside


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--bundle", type=Path, help="bundle folder (default: build/test-bundle/WorkWell, built or reused)"
    )
    parser.add_argument("--runs", type=int, default=5, help="warm starts to time after the first (default 5)")
    parser.add_argument("--platform", default="offscreen", help="Qt platform: offscreen (default) or xcb")
    parser.add_argument(
        "--drop-caches",
        action="store_true",
        help="drop the page cache before the first start (root on Linux)",
    )
    args = parser.parse_args()

    build = load_build_module()
    bundle = args.bundle or build.build_bundle(
        ROOT / "build" / "test-bundle", ROOT / "build" / "test-bundle-work"
    )
    listing = sizes(bundle)
    total = sum(size for size, _ in listing) / 1e6
    print(f"bundle {bundle}")
    print(
        f"size: {total:.1f} MB in {len(listing)} files (target < {SIZE_TARGET_MB} MB): "
        f"{'ok' if total < SIZE_TARGET_MB else 'OVER'}"
    )
    print("largest files:")
    for size, path in listing[:10]:
        print(f"  {size / 1e6:7.1f} MB  {path}")

    executable = build.gui_executable(bundle)
    cold = "after dropping the page cache" if args.drop_caches and drop_caches() else "page cache as found"
    first_out, first_in = one_start(executable, args.platform)
    print(
        f"first start ({cold}, {args.platform}): main window after {first_out:.2f} s "
        f"(app's own figure from its first line of Python: {first_in:.2f} s)"
    )
    warm = [one_start(executable, args.platform) for _ in range(max(args.runs, 0))]
    if warm:
        outs = [o for o, _ in warm]
        print(
            f"warm starts x{len(warm)}: median {statistics.median(outs):.2f} s, "
            f"min {min(outs):.2f} s, max {max(outs):.2f} s"
        )
    verdict = "ok" if first_out < START_TARGET_S else "OVER"
    print(f"cold start target < {START_TARGET_S:.0f} s: {verdict}")


if __name__ == "__main__":
    sys.exit(main())
