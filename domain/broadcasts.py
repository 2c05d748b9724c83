"""Who an admin's broadcast goes to."""

from enum import StrEnum


class Audience(StrEnum):
    """A broadcast's audience, as the admin picks it."""

    ALL = "all"
    LANG_RU = "lang-ru"
    LANG_KK = "lang-kk"
    LANG_EN = "lang-en"
    SCOPE_ALLIANCE = "scope-alliance"
    SCOPE_ALL = "scope-all"
    GROUPS = "groups"
    PRIVATE = "private"
