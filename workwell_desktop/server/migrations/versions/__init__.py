"""Numbered schema revisions; never edit one that has been released — add the next."""
