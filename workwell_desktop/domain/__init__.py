"""The service's own rules in plain Python: no Qt, no SQL, nothing of ours imported."""
