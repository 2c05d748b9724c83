"""Backups of the database."""


class BackupError(Exception):
    """The backup or restore could not be done; the text is one line saying why."""
