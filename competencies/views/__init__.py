"""Pages of the competencies app, one module per area; each module lists its own URLs."""
