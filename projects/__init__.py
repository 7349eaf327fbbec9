"""Projects and their phase per fiscal year. Imports only plans; see docs/architecture.md."""
