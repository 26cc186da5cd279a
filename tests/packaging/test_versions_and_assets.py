"""One version rule for every package, the version resource both executables carry, and the
assets (icons) every build refers to."""

import subprocess
import sys
import xml.etree.ElementTree as ElementTree

import pytest
from packaging_helpers import PACKAGING, ROOT, load_packaging_module

versioning = load_packaging_module("versioning")
assets = load_packaging_module("assets")


@pytest.mark.parametrize("good", ["0.1.0", "1.0.0", "255.255.65535", "10.20.30"])
def test_three_whole_numbers_are_a_version(good):
    assert versioning.check_version(good) == tuple(int(p) for p in good.split("."))


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ("0.1.0-rc1", "suffix"),
        ("0.1.0.4", "fourth part"),
        ("0.1", "three whole numbers"),
        ("v0.1.0", "three whole numbers"),
        ("00.1.0", "leading zeros"),
        ("256.0.0", "major number must be at most 255"),
        ("0.256.0", "minor number"),
        ("0.0.65536", "patch number must be at most 65535"),
        (" ", "three"),
    ],
)
def test_anything_else_is_refused_saying_why(bad, why):
    with pytest.raises(versioning.VersionError, match=why):
        versioning.check_version(bad)


def test_the_project_version_is_valid():
    versioning.check_version(versioning.project_version())


def test_the_cli_exits_2_for_a_bad_version():
    result = subprocess.run(
        [sys.executable, str(PACKAGING / "versioning.py"), "check", "1.2.3.4"], capture_output=True, text=True
    )
    assert result.returncode == 2 and "fourth part" in result.stderr


def test_the_build_number_is_the_fourth_field_of_the_file_version(monkeypatch):
    monkeypatch.setenv("WORKWELL_BUILD_NUMBER", "42")
    assert versioning.file_version("1.2.3") == (1, 2, 3, 42)
    monkeypatch.setenv("WORKWELL_BUILD_NUMBER", "70000")
    with pytest.raises(versioning.VersionError, match="0 to 65535"):
        versioning.file_version("1.2.3")


class Recorded:
    """Stands in for each class of PyInstaller.utils.win32.versioninfo (importable on Windows only)."""

    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs


def evaluate(text: str):
    # PyInstaller's load_version_info_from_text_file eval()s the file in versioninfo's namespace.
    names = (
        "VSVersionInfo",
        "FixedFileInfo",
        "StringFileInfo",
        "StringTable",
        "StringStruct",
        "VarFileInfo",
        "VarStruct",
    )
    return eval(text, {name: type(name, (Recorded,), {}) for name in names})  # noqa: S307 - our own text


@pytest.mark.parametrize(("exe", "description"), list(versioning.EXECUTABLES.items()))
def test_each_executable_gets_file_and_product_version_company_and_description(tmp_path, exe, description):
    files = versioning.write_version_files(tmp_path, "1.2.3")
    info = evaluate(files[exe].read_text(encoding="utf-8"))
    ffi = info.kwargs["ffi"].kwargs
    assert ffi["filevers"][:3] == (1, 2, 3) and ffi["prodvers"] == (1, 2, 3, 0)
    (string_file_info, var_file_info) = info.kwargs["kids"]
    table = string_file_info.args[0][0]
    assert table.args[0] == "080904B0"  # English (UK), Unicode
    strings = dict(s.args for s in table.args[1])
    assert strings["CompanyName"] == "NHS WorkWell"
    assert strings["FileDescription"] == description
    assert strings["ProductName"] == "WorkWell Desktop"
    assert strings["ProductVersion"] == "1.2.3"
    assert strings["FileVersion"].startswith("1.2.3.")
    assert strings["OriginalFilename"] == exe
    assert var_file_info.args[0][0].args == ("Translation", [0x0809, 1200])


def test_the_spec_gives_both_executables_their_icon_and_version_resource():
    spec = (PACKAGING / "workwell.spec").read_text(encoding="utf-8")
    for exe in versioning.EXECUTABLES:
        assert f'version=str(VERSION_FILES["{exe}"]) if WINDOWS else None' in spec
    assert spec.count("icon=str(ICON) if WINDOWS else None") == 2
    assert "assets.require(ROOT)" in spec.split("def _gui_analysis")[0]  # before any analysis


def test_every_asset_the_builds_name_is_present():
    assert assets.missing(ROOT) == []


def test_a_missing_asset_stops_the_build_naming_it(tmp_path):
    assert "workwell_desktop/resources/icons/workwell.ico" in assets.missing(tmp_path)
    with pytest.raises(SystemExit, match="workwell.ico"):
        assets.require(tmp_path)


def test_every_resource_the_code_names_is_a_required_asset():
    """Each ``resource_path("a", "b.json")`` call in the package names a file the build
    checks for (a folder: one of its files is), so a missing one stops the build by name."""
    import ast

    named = set()
    for path in (ROOT / "workwell_desktop").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", "") == "resource_path"
                and node.args
                and all(isinstance(a, ast.Constant) for a in node.args)
            ):
                named.add("/".join(["workwell_desktop/resources", *(a.value for a in node.args)]))
    assert len(named) >= 8
    for name in named:
        assert any(req == name or req.startswith(name + "/") for req in assets.REQUIRED), name


def test_the_wheel_ships_the_resources():
    """Package data: the resources are inside workwell_desktop, listed in pyproject."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["tool"]["setuptools"]["package-data"]["workwell_desktop"] == ["resources/**/*"]
    assert not (ROOT / "resources").exists()


def test_the_icons_have_the_sizes_windows_and_linux_use():
    from PIL import Image

    icons = ROOT / "workwell_desktop" / "resources" / "icons"
    with Image.open(icons / "workwell.ico") as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    with Image.open(icons / "workwell.png") as png:
        assert png.size == (256, 256) and png.mode == "RGBA"
    svg = ElementTree.parse(icons / "workwell.svg").getroot()
    assert svg.tag.endswith("svg") and svg.get("viewBox") == "0 0 256 256"
    assert "CC0" in (icons / "LICENSE.txt").read_text(encoding="utf-8")


def test_the_window_has_the_application_icon(qapp):
    from workwell_desktop.gui.app import prepare_application

    prepare_application(qapp)
    icon = qapp.windowIcon()
    assert not icon.isNull()
    assert icon.pixmap(32, 32).width() == 32


def test_the_icon_drawing_script_reproduces_the_shipped_icons(tmp_path, monkeypatch):
    make_icons = load_packaging_module("make_icons")
    monkeypatch.setattr(make_icons, "ICONS", tmp_path)
    assert make_icons.main() == 0
    assert (tmp_path / "workwell.svg").read_bytes() == (
        ROOT / "workwell_desktop" / "resources" / "icons" / "workwell.svg"
    ).read_bytes()
    from PIL import Image, ImageChops

    with (
        Image.open(tmp_path / "workwell.png") as new,
        Image.open(ROOT / "workwell_desktop/resources/icons/workwell.png") as old,
    ):
        assert ImageChops.difference(new.convert("RGBA"), old.convert("RGBA")).getbbox() is None


def test_build_refuses_a_bad_project_version_before_building(tmp_path, monkeypatch):
    build = load_packaging_module("build")
    monkeypatch.setattr(build, "project_version", lambda: "0.1.0-rc1")
    monkeypatch.setattr(build, "build_bundle", lambda *a, **k: pytest.fail("must not build"))
    assert build.main(["--dist", str(tmp_path)]) == 2
