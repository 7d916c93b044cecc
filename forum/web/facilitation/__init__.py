"""The facilitation programme's admin pages (issue 18): escalation and care settings."""
