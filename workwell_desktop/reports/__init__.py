"""Team lead caseload summaries: every figure defined once (``definitions``), worked out
(``figures``), how current each coach's data is (``coverage``), the commissioners'
disclosure-controlled publication (``publication``) and the CSV / XLSX / PDF exports
(``export``). No Qt.

Import from the module itself (``from workwell_desktop.reports.figures import build_summary``):
the package loads nothing, so a command that needs only ``definitions`` (the command line's
choices) does not load the figures, the publication and the exporters (#15).
"""
