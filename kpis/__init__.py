"""Indicators, yearly values and the entry round: its rules (permissions.py), its writes
(workflow.py, services.py) and pages. Imports projects and plans; see docs/architecture.md."""
