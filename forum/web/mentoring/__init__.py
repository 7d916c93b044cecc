"""Peer mentoring for members and mentors: asking for a mentor, answering a proposal,
ending a match, pausing (issue 19)."""
