"""Creating, editing, ordering and archiving categories and boards (admins)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from forum.extensions import db
from forum.i18n import lazy_gettext as _l
from forum.models import Board, BoardMembership, Category, JoinPolicy, User, Visibility
from forum.models.boards import DESCRIPTION_MAX, NAME_MAX, MembershipRole, MembershipStatus
from forum.models.types import utcnow
from forum.policy import Viewer, transitions
from forum.services import ServiceError, acting_user, clean_text, modlog


def _clean_name(name: str, what: str) -> str:
    name = " ".join(name.split())
    if not name:
        missing = (
            _("Please give the board a name.")
            if what == "board"
            else _("Please give the category a name.")
        )
        raise ServiceError(missing, "name")
    if len(name) > NAME_MAX:
        raise ServiceError(_("Names can be at most %(limit)s characters.", limit=NAME_MAX), "name")
    return name


def _clean_description(description: str) -> str:
    return clean_text(
        description,
        limit=DESCRIPTION_MAX,
        field="description",
        too_long=_l("Descriptions can be at most %(limit)s characters."),
    )


def _name_taken(model: type[Category] | type[Board], name: str, exclude_id: int | None) -> bool:
    query = select(model.id).where(func.lower(model.name) == name.lower())
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    return db.session.scalar(query) is not None


def _next_position(model: type[Category] | type[Board], **filters: int) -> int:
    query = select(func.max(model.position))
    for column, value in filters.items():
        query = query.where(getattr(model, column) == value)
    return (db.session.scalar(query) or 0) + 1


def find_category(name: str) -> Category | None:
    return db.session.scalars(
        select(Category).where(func.lower(Category.name) == name.strip().lower())
    ).first()


def find_board(name: str) -> Board | None:
    return db.session.scalars(
        select(Board).where(func.lower(Board.name) == name.strip().lower())
    ).first()


def create_category(name: str, description: str = "") -> Category:
    name = _clean_name(name, "category")
    if _name_taken(Category, name, None):
        raise ServiceError(_("A category called '%(name)s' already exists.", name=name), "name")
    category = Category(
        name=name, description=_clean_description(description), position=_next_position(Category)
    )
    db.session.add(category)
    db.session.commit()
    return category


def update_category(category: Category, name: str, description: str, archived: bool) -> None:
    name = _clean_name(name, "category")
    if _name_taken(Category, name, category.id):
        raise ServiceError(_("A category called '%(name)s' already exists.", name=name), "name")
    category.name = name
    category.description = _clean_description(description)
    category.archived = archived
    db.session.commit()


def parse_visibility(value: str) -> Visibility:
    try:
        return Visibility(value)
    except ValueError:
        choices = ", ".join(v.value for v in Visibility)
        raise ServiceError(
            _("Visibility must be one of: %(choices)s.", choices=choices), "visibility"
        ) from None


CLOSED = (Visibility.PRIVATE, Visibility.HIDDEN)
RETENTION_MAX_DAYS = 36_500
PREMODERATE_MAX = 100


def default_join_policy(visibility: Visibility) -> JoinPolicy:
    return {Visibility.PRIVATE: JoinPolicy.REQUEST, Visibility.HIDDEN: JoinPolicy.INVITE}.get(
        visibility, JoinPolicy.OPEN
    )


def check_settings(
    visibility: Visibility,
    join_policy: JoinPolicy,
    retention_days: int | None,
    premoderate_posts: int,
) -> None:
    if visibility == Visibility.HIDDEN and join_policy != JoinPolicy.INVITE:
        raise ServiceError(
            _("A hidden board can only be joined by invitation: no one else knows it exists."),
            "join_policy",
        )
    if retention_days is not None and not 1 <= retention_days <= RETENTION_MAX_DAYS:
        raise ServiceError(
            _(
                "Retention is a number of days from 1 to %(limit)s (empty keeps posts).",
                limit=RETENTION_MAX_DAYS,
            ),
            "retention_days",
        )
    if not 0 <= premoderate_posts <= PREMODERATE_MAX:
        raise ServiceError(
            _(
                "Approval of first posts takes a number from 0 (off) to %(limit)s.",
                limit=PREMODERATE_MAX,
            ),
            "premoderate_posts",
        )


def create_board(
    name: str,
    category: Category,
    visibility: Visibility = Visibility.PUBLIC,
    description: str = "",
    join_policy: JoinPolicy | None = None,
    guidelines: str = "",
    *,
    anonymous_allowed: bool = False,
    exclude_from_search: bool = False,
    email_without_text: bool | None = None,
    noindex: bool | None = None,
    retention_days: int | None = None,
    premoderate_posts: int = 0,
    professionally_led: bool = False,
) -> Board:
    """Create a board. Closed boards default to e-mails without post text, and every board but a
    public one to being hidden from search engines."""
    name = _clean_name(name, "board")
    if _name_taken(Board, name, None):
        raise ServiceError(_("A board called '%(name)s' already exists.", name=name), "name")
    join_policy = join_policy or default_join_policy(visibility)
    check_settings(visibility, join_policy, retention_days, premoderate_posts)
    board = Board(
        name=name,
        category_id=category.id,
        visibility=visibility,
        join_policy=join_policy,
        description=_clean_description(description),
        guidelines=guidelines.strip(),
        position=_next_position(Board, category_id=category.id),
        anonymous_allowed=anonymous_allowed,
        professionally_led=professionally_led,
        exclude_from_search=exclude_from_search,
        email_without_text=visibility in CLOSED
        if email_without_text is None
        else email_without_text,
        noindex=visibility != Visibility.PUBLIC if noindex is None else noindex,
        retention_days=retention_days,
        premoderate_posts=premoderate_posts,
    )
    db.session.add(board)
    db.session.commit()
    return board


def update_settings(viewer: Viewer, board: Board, **settings: object) -> None:
    """Change a board's confidentiality settings (by an admin or the board's facilitator).

    Facilitators may only narrow who reads the board; widening it takes a site admin who ticks
    ``confirm_widening`` (:func:`forum.policy.transitions.may_change_settings`). A change to the
    guidelines' text makes members accept them again. Each change is logged.
    """
    actor = acting_user(viewer)
    confirmed = bool(settings.pop("confirm_widening", False))
    refusal = transitions.may_change_settings(viewer, board, settings, confirmed)
    if refusal is not None:
        raise ServiceError(refusal.message, refusal.field)
    visibility = settings.get("visibility", board.visibility)
    join_policy = settings.get("join_policy", board.join_policy)
    retention = settings.get("retention_days", board.retention_days)
    premoderate = settings.get("premoderate_posts", board.premoderate_posts)
    check_settings(visibility, join_policy, retention, premoderate)  # type: ignore[arg-type]
    changed = []
    for key, value in settings.items():
        if key == "guidelines":
            value = str(value).strip()
        if getattr(board, key) != value:
            changed.append(key)
            setattr(board, key, value)
    if "guidelines" in changed:
        board.guidelines_version = board.guidelines_version + 1
        own = db.session.scalars(
            select(BoardMembership).where(
                BoardMembership.board_id == board.id, BoardMembership.user_id == actor.id
            )
        ).first()
        if own is not None:  # whoever wrote the new text has accepted it
            own.guidelines_version = board.guidelines_version
            own.guidelines_accepted_at = utcnow()
    if changed:
        modlog.record(actor, "board_settings", board=board, reason="Changed: " + ", ".join(changed))
    db.session.commit()


def update_board(
    viewer: Viewer,
    board: Board,
    name: str,
    description: str,
    category: Category,
    visibility: Visibility,
    archived: bool,
    confirm_widening: bool = False,
) -> None:
    """An admin's edit of a board; widening who can read it needs ``confirm_widening``, as in
    :func:`update_settings`. A board made hidden is joined by invitation only."""
    actor = acting_user(viewer)
    name = _clean_name(name, "board")
    if _name_taken(Board, name, board.id):
        raise ServiceError(_("A board called '%(name)s' already exists.", name=name), "name")
    refusal = transitions.may_change_settings(
        viewer, board, {"visibility": visibility}, confirm_widening
    )
    if refusal is not None:
        raise ServiceError(refusal.message, refusal.field)
    if category.id != board.category_id:
        board.position = _next_position(Board, category_id=category.id)
    board.name = name
    board.description = _clean_description(description)
    board.category_id = category.id
    if visibility != board.visibility:
        modlog.record(actor, "board_settings", board=board, reason="Changed: visibility")
    board.visibility = visibility
    if visibility == Visibility.HIDDEN:
        board.join_policy = JoinPolicy.INVITE
    board.archived = archived
    db.session.commit()


def move(item: Category | Board, direction: int) -> None:
    """Swap ``item`` with its neighbour above (-1) or below (+1) in the admin order."""
    model = type(item)
    siblings = select(model)
    if isinstance(item, Board):
        siblings = siblings.where(Board.category_id == item.category_id)
    ordered = list(db.session.scalars(siblings.order_by(model.position, model.id)))
    for position, sibling in enumerate(ordered, start=1):
        sibling.position = position
    index = ordered.index(item)
    other = index + direction
    if 0 <= other < len(ordered):
        ordered[index].position, ordered[other].position = (
            ordered[other].position,
            ordered[index].position,
        )
    db.session.commit()


def add_member(board: Board, user: User, facilitator: bool = False) -> BoardMembership:
    """Make ``user`` a member (or facilitator: only with the required training current) of
    ``board``, accepting its guidelines now."""
    from forum.services import membership as memberships

    if facilitator:
        memberships.require_training(user, MembershipRole.FACILITATOR)
    row = memberships.find(board, user)
    if row is None:
        row = BoardMembership(board_id=board.id, user_id=user.id)
        db.session.add(row)
    row.status = MembershipStatus.MEMBER
    if facilitator:
        row.role = MembershipRole.FACILITATOR
    memberships.record_acceptance(row, board)
    db.session.commit()
    return row
