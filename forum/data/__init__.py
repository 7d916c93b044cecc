"""Data the site ships with: the common-passwords list, and the safety net a fresh install
starts with (at-risk phrases and crisis resources, installed by a migration, admin-editable)."""
