"""Training records: the admin's modules and records, and a facilitator's own page."""
