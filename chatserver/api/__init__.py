"""REST handlers by resource, JSON under /api/."""
