"""Client side of sync: push the change log, pull others' changes, merge, report status."""
