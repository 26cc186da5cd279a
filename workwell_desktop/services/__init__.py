"""Check-then-save: every write a coach makes, checked against the rules and saved.

``domain`` holds the rules, ``instruments`` the questionnaires and their scoring,
``store`` the encrypted database; a module here puts them together for one kind of
change (an assessment, a plan, a consent decision, a letter, a turning point of the
journey, a risk event, a team export) so the GUI and the CLI make it the same way.
No Qt: ``gui`` and ``cli`` import this package, never the other way round.
"""
