"""Errors services raise; the UI shows their messages as they are."""

from __future__ import annotations


class ServiceError(Exception):
    """A request the service refuses, with a message fit to show the member."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationFailed(ServiceError):
    """Input that breaks a rule: one message per form field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


class NotAllowed(ServiceError):
    """The actor may not do this."""

    def __init__(self, message: str = "You are not allowed to do that.") -> None:
        super().__init__(message)


class NotFound(ServiceError):
    """The thing asked for does not exist (or is not visible to the actor)."""

    def __init__(self, message: str = "That could not be found.") -> None:
        super().__init__(message)
