"""The ground layer: organisation (municipality, departments, users, roles), the plan tree
(strategy → basic policy → measure → step), fiscal years and achievement math.

Imports nothing of the other apps; see docs/architecture.md."""
