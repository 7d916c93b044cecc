"""Which requests the forum acts on: the cross-site rule as a table (forum.policy.requests)."""

from __future__ import annotations

import pytest

from forum.extensions import db
from forum.models.boards import MembershipStatus
from forum.policy import Viewer
from forum.policy.requests import is_cross_site, must_set_up_two_factor
from forum.services import boards

OWN = "https://forum.example.org"


@pytest.mark.parametrize(
    ("method", "fetch_site", "origin", "refused"),
    [
        # What the browser says decides, when it says it.
        ("POST", "cross-site", None, True),
        ("POST", "cross-site", OWN, True),
        ("POST", "same-site", None, True),  # a sibling subdomain is another site's page
        ("POST", "same-origin", None, False),
        ("POST", "none", None, False),  # typed or bookmarked by the person
        ("POST", "Same-Origin ", None, False),
        ("DELETE", "cross-site", None, True),
        # Else the Origin, compared scheme, host and port.
        ("POST", None, "https://evil.example", True),
        ("POST", None, "null", True),
        ("POST", None, "http://forum.example.org", True),
        ("POST", None, "https://forum.example.org:8443", True),
        ("POST", None, "https://forum.example.org.evil.example", True),
        ("POST", None, "https://FORUM.example.org", False),
        ("POST", None, "https://forum.example.org:443", False),
        ("POST", None, OWN, False),
        ("PUT", None, "https://evil.example", True),
        # Neither header (old browsers, mail programs): the CSRF token decides.
        ("POST", None, None, False),
        ("POST", "", "", False),
        # Reading changes nothing: never refused here.
        ("GET", "cross-site", "https://evil.example", False),
        ("HEAD", "cross-site", None, False),
        ("OPTIONS", None, "https://evil.example", False),
    ],
)
def test_state_changing_requests_from_another_site_are_refused(
    method: str, fetch_site: str | None, origin: str | None, refused: bool
) -> None:
    assert is_cross_site(method, fetch_site, origin, OWN) is refused


def test_the_sites_own_origin_with_a_port_is_its_own() -> None:
    own = "http://localhost:5000"
    assert not is_cross_site("POST", None, "http://localhost:5000", own)
    assert is_cross_site("POST", None, "http://localhost:5001", own)
    assert is_cross_site("POST", None, "http://localhost", own)


# --- staff must use two-step sign-in, when the site requires it ---------------------------------


@pytest.mark.parametrize("required", [True, False])
@pytest.mark.parametrize("enabled", [True, False])
@pytest.mark.parametrize(
    ("who", "staff"),
    [("admin", True), ("facilitator", True), ("member", False), ("guest", False),
     ("requested facilitator", False)],
)  # fmt: skip
def test_only_staff_without_two_step_sign_in_must_set_it_up_when_required(
    make_user, board, who: str, staff: bool, required: bool, enabled: bool
) -> None:
    if who == "guest":
        viewer = Viewer.guest()
    else:
        user = make_user("someone", admin=who == "admin")
        if who not in ("admin", "member"):
            row = boards.add_member(board, user, facilitator=True)
            if who == "requested facilitator":  # a facilitator row not (yet) in force
                row.status = MembershipStatus.REQUESTED
            db.session.commit()
        viewer = Viewer(user)
    expected = staff and required and not enabled
    asked = must_set_up_two_factor(viewer, required_of_staff=lambda: required, enabled=enabled)
    assert asked is expected
