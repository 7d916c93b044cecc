"""Response times on the web: the admins' page per board and week, the facilitator's own boards
on the moderation dashboard, and the public monthly transparency page. The figures come from
:mod:`forum.services.response_times`."""
