"""Bringing a plan in: the Excel import (upload, preview, confirm) and the demo loader.

A feature above kpis, projects and plans, which it writes; nothing below imports it.
See docs/architecture.md."""
