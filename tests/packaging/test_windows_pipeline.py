""".github/workflows/windows.yml and the scripts it runs, checked on Linux.

The workflow parses; every step runs a stage of packaging/windows/ci_pipeline.py (or a
script in packaging/) that exists; every stage's commands name scripts that exist and
parse; the whole pipeline prints in order with --dry-run; and the checks of
msi_lifecycle.py (what a good install, upgrade and uninstall leave behind) pass and fail
on a fake Windows exactly as they should. Running it on Windows is the workflow's job.
"""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from fake_windows import FakeWinreg
from packaging_helpers import PACKAGING, ROOT, load_packaging_module

WORKFLOW = ROOT / ".github" / "workflows" / "windows.yml"
pipeline = load_packaging_module("windows/ci_pipeline")
lifecycle = load_packaging_module("windows/msi_lifecycle")


def workflow():
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def run_lines():
    for job in workflow()["jobs"].values():
        for step in job["steps"]:
            if "run" in step:
                yield step["run"].strip()


def test_the_workflow_parses_and_runs_on_windows_with_python_311():
    flow = workflow()
    assert set(flow["jobs"]) == {"msi", "tests"}
    for job in flow["jobs"].values():
        assert job["runs-on"].startswith("windows-")
        setup = [s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python")]
        assert setup and setup[0]["with"]["python-version"] == "3.11"


def test_every_step_runs_a_script_in_packaging_that_exists():
    stages = set(pipeline.stages(pipeline.context()))
    for line in run_lines():
        scripts = re.findall(r"packaging[\\/][\w\\/.-]+\.py", line)
        assert scripts, f"step runs no script from packaging/: {line}"
        for script in scripts:
            assert (ROOT / script.replace("\\", "/")).is_file(), script
        if "ci_pipeline.py" in line:
            named = line.split("ci_pipeline.py", 1)[1].split()
            assert named and set(named) <= stages, line


def test_the_workflow_runs_every_stage_once_in_order():
    stages = list(pipeline.stages(pipeline.context()))
    ran = [line.split("ci_pipeline.py", 1)[1].split()[0] for line in run_lines() if "ci_pipeline.py" in line]
    msi_job = [s for s in ran if s != "setup"]
    assert msi_job == [s for s in stages if s != "setup"]
    assert ran.count("setup") == 2  # once per job


@pytest.mark.parametrize(
    "what",
    [
        "install",
        "HKLM",
        "self-test",
        "upgrade",
        "repair",
        "uninstall",
        "sign",
        "Test-suite",
        "downgrade",
        "rebuild",
    ],
)
def test_the_workflow_does_what_the_issue_lists(what):
    names = " ".join(step.get("name", "") for job in workflow()["jobs"].values() for step in job["steps"])
    assert what.lower() in names.lower()


def test_the_whole_pipeline_prints_in_order_with_dry_run():
    result = subprocess.run(
        [sys.executable, str(PACKAGING / "windows" / "ci_pipeline.py"), "--dry-run", "all"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    headings = [line[3:] for line in result.stdout.splitlines() if line.startswith("== ")]
    assert headings == list(pipeline.stages(pipeline.context()))
    text = result.stdout
    # Executables signed before the manifest and the MSIs; MSIs signed last.
    assert text.index("sign --pfx") < text.index("manifest.py sign") < text.index("build_msi.py")
    assert text.index("build_msi.py") < text.rindex("signing.py sign")


def test_every_command_names_scripts_that_exist():
    for stage, commands in pipeline.stages(pipeline.context()).items():
        for command in commands:
            for part in command:
                if part.endswith(".py") or part.endswith("packaging/verify"):
                    assert (ROOT / part).is_file() or Path(part).is_file(), f"{stage}: {part}"


def test_a_previous_version_not_lower_is_refused(monkeypatch):
    monkeypatch.setenv("PREVIOUS_VERSION", pipeline.versioning.project_version())
    with pytest.raises(SystemExit, match="must be lower"):
        pipeline.context()


@pytest.mark.parametrize(
    "script", sorted(p.relative_to(ROOT).as_posix() for p in (PACKAGING.rglob("*.py"))) + ["packaging/verify"]
)
def test_every_packaging_script_parses(script):
    ast.parse((ROOT / script).read_text(encoding="utf-8"), filename=script)


@pytest.mark.skipif(sys.platform == "win32", reason="the shell scripts are the Linux builds")
@pytest.mark.parametrize("script", sorted(p.relative_to(ROOT).as_posix() for p in PACKAGING.rglob("*.sh")))
def test_every_shell_script_parses(script):
    result = subprocess.run(["bash", "-n", str(ROOT / script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_build_msi_py_checks_the_version_and_prints_its_wix_commands(tmp_path):
    script = [
        sys.executable,
        str(PACKAGING / "windows" / "build_msi.py"),
        str(tmp_path),
        str(tmp_path / "x.msi"),
    ]
    bad = subprocess.run([*script, "--version", "1.0.0.1", "--dry-run"], capture_output=True, text=True)
    assert bad.returncode == 2 and "invalid version" in bad.stderr
    good = subprocess.run([*script, "--version", "1.2.3", "--dry-run"], capture_output=True, text=True)
    assert good.returncode == 0, good.stderr
    heat, candle, light = good.stdout.splitlines()
    assert "heat.exe dir" in heat and "-cg CG.Bundle" in heat
    assert "-dVersion=1.2.3" in candle and "-dIconFile=" in candle and "workwell.ico" in candle
    assert "-dHelpLink=" in candle and "-dContact=" in candle and "workwell.wxs" in candle
    assert "light.exe" in light and "x.msi" in light


# ----- msi_lifecycle.py's checks on a fake Windows ---------------------------------------
class FakeSystem(lifecycle.WindowsSystem):
    """A Windows that has (or has not) WorkWell installed, as the registry and files show it."""

    def __init__(self, tmp_path):
        super().__init__(FakeWinreg())
        self.root = tmp_path
        self.commands = []
        self.versions = {}

    @property
    def install_dir(self):
        return self.root / "Program Files" / "WorkWell"

    @property
    def coach_data_dir(self):
        return self.root / "LocalAppData" / "NHS" / "WorkWell"

    def run(self, command, env=None):
        self.commands.append(command)
        return 0

    def file_version(self, path):
        return self.versions[path.name], {
            "CompanyName": "NHS WorkWell",
            "FileDescription": "WorkWell Desktop",
            "ProductName": "WorkWell Desktop",
        }

    def icon_count(self, path):
        return 1

    def installed(
        self,
        version="0.1.0",
        code="{11111111-2222-3333-4444-555555555555}",
        server="https://a.example",
        idle="7",
    ):
        entry = f"{lifecycle.UNINSTALL_KEY}\\{code}"
        for name, value in (
            ("DisplayName", "WorkWell Desktop"),
            ("DisplayVersion", version),
            ("HelpLink", "https://help.example"),
            ("Contact", "IT"),
            ("DisplayIcon", r"C:\Windows\Installer\x\WorkWell.ico"),
        ):
            self.winreg.put(entry, name, value)
        for name, value in (("ServerUrl", server), ("IdleLockMinutes", idle), ("InstallerVersion", version)):
            self.winreg.put(lifecycle.INSTALLER_KEY, name, value)
        self.install_dir.mkdir(parents=True, exist_ok=True)
        for exe in lifecycle.EXECUTABLES:
            (self.install_dir / exe).write_bytes(b"MZ")
            self.versions[exe] = (*map(int, version.split(".")), 42)
        return self


def test_a_good_install_passes_every_check(tmp_path):
    system = FakeSystem(tmp_path).installed()
    lines = lifecycle.expect_installed(system, "0.1.0", "https://a.example", "7", "0.1.0.42")
    assert any("one Add/Remove Programs entry" in line for line in lines)
    assert any("workwell.exe: file version 0.1.0.42" in line for line in lines)


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (lambda s: s.installed(code="{99999999-2222-3333-4444-555555555555}"), "found 2"),  # a second copy
        (lambda s: s.winreg.put(lifecycle.INSTALLER_KEY, "ServerUrl", ""), "ServerUrl is ''"),  # forgotten
        (lambda s: s.winreg.put(lifecycle.POLICIES_KEY, "ServerUrl", "https://a.example"), "leave that key"),
        (lambda s: s.versions.update({"workwell.exe": (0, 1, 0, 0)}), "file version 0.1.0.0"),
        (lambda s: (s.install_dir / "workwell-admin.exe").unlink(), "workwell-admin.exe is missing"),
        (
            lambda s: s.winreg.put(
                f"{lifecycle.UNINSTALL_KEY}\\{{11111111-2222-3333-4444-555555555555}}", "HelpLink", ""
            ),
            "no HelpLink",
        ),
    ],
)
def test_each_fault_fails_the_check_naming_it(tmp_path, spoil, message):
    system = FakeSystem(tmp_path).installed()
    spoil(system)
    with pytest.raises(lifecycle.CheckFailed, match=re.escape(message)):
        lifecycle.expect_installed(system, "0.1.0", "https://a.example", "7", "0.1.0.42")


def test_after_uninstall_group_policy_and_coach_data_must_be_left(tmp_path):
    system = FakeSystem(tmp_path)
    assert lifecycle.main(["seed-group-policy", "--idle-lock", "15"], system=system) == 0
    assert lifecycle.main(["seed-coach-data"], system=system) == 0
    assert system.winreg.key_values(lifecycle.POLICIES_KEY) == {"IdleLockMinutes": "15"}
    lines = lifecycle.expect_removed(system, {"IdleLockMinutes": "15"})
    assert any("coach's data kept" in line for line in lines)
    # An uninstall that took Group Policy's value with it fails.
    system.winreg.put(lifecycle.POLICIES_KEY, "IdleLockMinutes", "")
    with pytest.raises(lifecycle.CheckFailed, match="Group Policy"):
        lifecycle.expect_removed(system, {"IdleLockMinutes": "15"})


def test_an_uninstall_that_leaves_the_program_or_its_settings_fails(tmp_path):
    system = FakeSystem(tmp_path).installed()
    with pytest.raises(lifecycle.CheckFailed, match="still in Add/Remove Programs"):
        lifecycle.expect_removed(system, {})


def test_msiexec_is_silent_logged_and_passes_properties(tmp_path):
    system = FakeSystem(tmp_path)
    msi = tmp_path / "WorkWell-0.1.0.msi"
    assert (
        lifecycle.main(
            ["install", str(msi), "SERVER_URL=https://a.example", "IDLE_LOCK_MINUTES=7"], system=system
        )
        == 0
    )
    assert lifecycle.main(["repair", str(msi)], system=system) == 0
    assert lifecycle.main(["uninstall", str(msi)], system=system) == 0
    install, repair, uninstall = system.commands
    assert install[:3] == ["msiexec", "/i", str(msi)] and "/qn" in install and "/l*v" in install
    assert install[-2:] == ["SERVER_URL=https://a.example", "IDLE_LOCK_MINUTES=7"]
    assert repair[1] == "/famus" and uninstall[1] == "/x"
    assert lifecycle.main(["install", str(msi), "server_url=x"], system=system) == 1  # not a public property


def test_a_refused_downgrade_must_say_why(tmp_path):
    system = FakeSystem(tmp_path)
    system.run = lambda command, env=None: 1603
    msi = tmp_path / "WorkWell-0.0.1.msi"
    log = msi.with_name("WorkWell-0.0.1-install.log")
    log.write_bytes(
        "\ufeffAction ended: A newer version of WorkWell Desktop is already installed.".encode("utf-16-le")
    )
    assert lifecycle.main(["install", str(msi), "--expect-refused"], system=system) == 0
    log.write_bytes(b"some other failure")
    assert lifecycle.main(["install", str(msi), "--expect-refused"], system=system) == 1
    system.run = lambda command, env=None: 0
    assert lifecycle.main(["install", str(msi), "--expect-refused"], system=system) == 1


def test_repair_damage_step_deletes_one_installed_file(tmp_path):
    system = FakeSystem(tmp_path).installed()
    target = system.install_dir / "_internal" / "resources" / "instruments" / "phq9.json"
    target.parent.mkdir(parents=True)
    target.write_text("{}")
    assert lifecycle.main(["damage", "_internal/resources/instruments/phq9.json"], system=system) == 0
    assert not target.exists()
    assert lifecycle.main(["damage", "_internal/resources/instruments/phq9.json"], system=system) == 1
