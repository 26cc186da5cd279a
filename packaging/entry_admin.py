"""Bundle entry point for ``workwell-admin`` (the headless jobs: init, demo data, exports)."""

from workwell_desktop.cli import run

if __name__ == "__main__":
    run()
