"""Errors raised by the dataset loaders."""

__all__ = ["DataSourceMissing", "DataFormatError"]


class DataSourceMissing(FileNotFoundError):
    """A dataset's source (an installed package, a Debian package, user files) is not there.

    The message names the exact command that installs it."""


class DataFormatError(ValueError):
    """A dataset file exists but is corrupt, truncated or not in the expected format."""
