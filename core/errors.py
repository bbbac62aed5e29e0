"""Domain errors. Services raise these; the API maps them to 400/409 with a stable code,
views show the message to the user. Messages are written for the user, in Chinese."""


class ApplicationError(Exception):
    """A rule of the domain refused the request. ``code`` is stable; ``message`` is for people."""

    status_code = 400
    default_code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.extra = extra or {}


class ConflictError(ApplicationError):
    """The request is valid but conflicts with the current state (e.g. a wrong life-cycle step)."""

    status_code = 409
    default_code = "conflict"
