"""Errors a user can cause: the CLI prints their message on one line and exits 2."""


class UserError(Exception):
    """A problem with the user's input or environment, explained in one line."""

    exit_code = 2
