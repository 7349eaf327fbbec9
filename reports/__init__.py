"""The features that read across the plan: dashboards, the annual report and the data
export. The top app layer; see docs/architecture.md."""
