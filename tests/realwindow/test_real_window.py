"""Every screen and dialog in a real window, at the two small laptop screens and four display
scales coaches use, with nothing cut off, squashed, overlapping or out of reach (issue #18).

Each screen size gets its own X server (Xvfb) with a small window manager (openbox), so
windows are placed, framed and kept on screen as on a desktop, which the offscreen platform
does not do. Each display scale runs probe.py in its own process (QT_SCALE_FACTOR is fixed
when Qt starts). "Text scale" here is Windows' display scaling (Settings > Display > Scale,
125/150/200%): Qt 6 applies it as the device pixel ratio, so text, widgets and spacing all
grow and the screen has fewer logical pixels: 1366x768 at 150% is 911x512, 1280x720 at 200%
is 640x360 (https://doc.qt.io/qt-6/highdpi.html). QT_SCALE_FACTOR does the same here.

The screenshots are saved to screenshots/realwindow/<size>-<scale>x/ (gitignored) for a
person to look at. Needs Xvfb and openbox (packaging/debian-deps.sh test, run by make test).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).parent
SHOTS = HERE.parents[1] / "screenshots" / "realwindow"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Xvfb is Linux only")


def _start_display(width: int, height: int):
    missing = [tool for tool in ("Xvfb", "openbox") if shutil.which(tool) is None]
    if missing:
        pytest.fail(
            f"{' and '.join(missing)} missing: run `bash packaging/debian-deps.sh test` (make test does)"
        )
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as announced:
        number = announced.readline().strip()  # Xvfb writes its display number once it is ready
    assert number, "Xvfb did not start"
    env = {**os.environ, "DISPLAY": f":{number}"}
    env.pop("QT_QPA_PLATFORM", None)
    manager = subprocess.Popen(
        ["openbox", "--sm-disable"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(0.5)  # openbox takes the screen over before the first window maps
    return server, manager, env


@pytest.fixture(scope="module", params=[(1366, 768), (1280, 720)], ids=lambda s: f"{s[0]}x{s[1]}")
def display(request):
    width, height = request.param
    server, manager, env = _start_display(width, height)
    yield width, height, env
    for process in (manager, server):
        process.terminate()
        process.wait(10)


@pytest.mark.parametrize("scale", [1, 1.25, 1.5, 2])
def test_every_screen_readable_and_reachable(display, scale):
    width, height, env = display
    shots = SHOTS / f"{width}x{height}-{scale}x"
    shutil.rmtree(shots, ignore_errors=True)
    done = subprocess.run(
        [sys.executable, str(HERE / "probe.py"), str(scale), "--shots", str(shots)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    logical = report["screen"]  # the screen in logical pixels: the scale really applied
    assert abs(logical[0] - width / scale) <= 1 and abs(logical[1] - height / scale) <= 1, logical
    screens = report["screens"]
    assert len(screens) >= 40, sorted(screens)  # every screen opened, none skipped
    problems = [problem for found in screens.values() for problem in found]
    assert problems == [], "\n".join(problems)
    assert {p.stem.removesuffix("-scrolled") for p in shots.glob("*.png")} == set(screens)
