"""Structural rules of DESIGN §3: every read of content goes through forum/policy/."""

from __future__ import annotations

import re
from pathlib import Path

FORUM = Path(__file__).resolve().parents[1] / "forum"
#: Where content may be loaded without a policy filter: the models, the services that change
#: state, the policy itself and the one package of policy-filtered reads. search.py only names the
#: posts that contain some words; queries.search filters them through policy.
ALLOWED = {"models", "services", "policy", "queries", "search.py", "demo"}
CONTENT_READ = re.compile(
    r"select\(\s*(Post|Thread|Board|PostRevision)\b"
    r"|(get_or_404|session\.get|\.get)\(\s*(Post|Thread|Board|PostRevision)\b"
    r"|\b(Post|Thread|Board)\.query\b"
)


def test_no_content_query_outside_policy_filtered_modules():
    offenders = []
    for path in FORUM.rglob("*.py"):
        relative = path.relative_to(FORUM)
        if relative.parts[0] in ALLOWED:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if CONTENT_READ.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert not offenders, "Load content through forum/queries/:\n" + "\n".join(offenders)


def test_the_rule_catches_a_stray_query(tmp_path):
    assert CONTENT_READ.search("rows = db.session.scalars(select(Post).where(x))")
    assert CONTENT_READ.search("thread = db.get_or_404(Thread, thread_id)")
    assert not CONTENT_READ.search("select(Category)")


def test_views_do_not_build_visibility_rules():
    """Views ask policy; they never compare a board's visibility themselves."""
    offenders = []
    for path in (FORUM / "web").rglob("*.py"):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if re.search(r"visibility\s*(==|!=|in\b)", line):
                offenders.append(f"{path.relative_to(FORUM)}:{number}: {line.strip()}")
    assert not offenders, offenders
