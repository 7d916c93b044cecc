"""The coordinators' pages of supervised peer matching, and the admins' list of mentors
and coordinators (issue 19)."""
