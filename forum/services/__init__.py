"""Domain operations that change state, one transaction per call. They never read the request."""


class ServiceError(Exception):
    """A refusal the person should read: the message says what to do instead."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
