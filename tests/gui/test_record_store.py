"""The one way screens reach the database: RecordStore, provided by the DatabaseHandle."""

import pytest

from workwell_desktop.domain.records import Client
from workwell_desktop.gui.database_handle import DatabaseHandle, Locked
from workwell_desktop.gui.record_store import RecordStore


def test_the_handle_is_the_record_store_and_announces_every_write(handle, store):
    assert isinstance(handle, RecordStore)
    announced = []
    handle.saved.connect(announced.append)
    client = handle.add(
        Client(
            given_name="Jane",
            family_name="Example",
            date_of_birth="1984-06-02",
            nhs_number="9990000018",
            postcode="CA3 8QE",
            phone="07700900123",
        )
    )
    handle.update(Client, client.id, phone="07700900456")
    handle.announce("someone-else")
    assert announced == [client.id, client.id, "someone-else"]
    assert handle.get(Client, client.id).phone == "07700900456" and handle.store is store


def test_a_locked_handle_reads_nothing(qapp):
    locked = DatabaseHandle()
    with pytest.raises(Locked):
        locked.for_client(Client, "any")
