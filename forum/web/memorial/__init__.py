"""Memorial accounts: asking, the admins' decisions, and the legacy contact's choice
(issue 19)."""
