"""WorkWell sync server: a relay and store of change-log entries with team-scoped access.

It never merges: desktop clients merge by hybrid logical clock. See ``sync_service``
for the storage and ordering rules and ``workwell_desktop.sync.wire`` for the protocol.
"""
