"""The safety prompt and the result page are readable and their buttons reachable at
1366x768 and 1280x720, at 1x, 1.5x and 2x text scale (issue #13: at its old default
size the risk guidance was cut off, and at 1.5x its buttons were off the screen).

Each size runs in its own process (safety_layout_probe.py) because the text scale
(QT_SCALE_FACTOR) is fixed when Qt starts. The same probe, run with --real under Xvfb
and a window manager, takes the screenshots the hazard log cites (HAZ-005).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = Path(__file__).with_name("safety_layout_probe.py")


@pytest.mark.parametrize("width,height", [(1366, 768), (1280, 720)])
@pytest.mark.parametrize("scale", [1, 1.5, 2])
def test_every_label_fully_visible_and_every_button_on_screen(width, height, scale):
    done = subprocess.run(
        [sys.executable, str(PROBE), str(width), str(height), str(scale)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["problems"] == []
    # It sized itself to the screen, not to a fixed default.
    logical_height = height / scale
    for dialog, (_w, h) in report["sizes"].items():
        assert h <= logical_height, dialog
