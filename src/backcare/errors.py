"""Typed errors a user can act on. Each front end turns them into its own clear message."""


class BackcareError(Exception):
    """Base class for errors with a message meant for the person using backcare."""


class InputError(BackcareError):
    """The input was invalid: an unknown finding, a value out of range, malformed data."""


class NotFoundError(BackcareError):
    """A thing the input refers to (an episode, a person) does not exist."""
