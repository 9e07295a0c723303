"""The error type every layer raises for problems a user can fix.

The CLI prints its message on one line and exits non-zero; the app shows it in a
dialog. Anything else escaping is a bug.
"""


class TrainerError(Exception):
    """A problem with the user's input, files, devices or models, with the fix in the message."""
