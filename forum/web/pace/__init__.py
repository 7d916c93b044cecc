"""Slow mode on a thread and timeouts on a board (issue 18)."""
