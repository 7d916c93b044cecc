"""The welcome after confirming an address: optional questions, suggestions that say
why, and the admins' map from answers to boards (issue 19)."""
