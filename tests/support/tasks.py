"""Background work runs synchronously in tests (workwell_desktop.gui.tasks): results arrive
before the call that started the work returns. tests/gui/test_tasks.py covers the threads."""

import pytest


@pytest.fixture(autouse=True)
def synchronous_tasks():
    from workwell_desktop.gui import tasks

    tasks.set_synchronous(True)
    yield
    tasks.set_synchronous(False)
    tasks.wait_for_background_work()


@pytest.fixture
def threaded_tasks(synchronous_tasks):
    """For a test of the real threads: work runs on the app-wide pool."""
    from workwell_desktop.gui import tasks

    tasks.set_synchronous(False)
    yield
    tasks.wait_for_background_work()
