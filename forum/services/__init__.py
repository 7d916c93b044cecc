"""Domain operations that change state, one transaction per call. They never read the request."""


class ServiceError(Exception):
    """A refusal the person should read: the message says what to do instead."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def clean_text(
    text: str | None, *, what: str, limit: int, field: str, required: str | None = None
) -> str:
    """Trim free text a person typed and check its length.

    ``what`` names it in the message ("Notes can be at most 1,000 characters."); ``required`` is
    the message when it may not be empty.
    """
    text = (text or "").strip()
    if required and not text:
        raise ServiceError(required, field)
    if len(text) > limit:
        raise ServiceError(f"{what} can be at most {limit:,} characters.", field)
    return text
