"""Forms of the competencies app, one module per area."""
