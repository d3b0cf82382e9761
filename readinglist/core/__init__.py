"""The library core: transactions that say what they changed, the index kept in step, the
change feed for open windows, and the one resolver of which papers a scope means.

Every service is built on this; none of it reads settings or talks to the user.
"""

from readinglist.core.changes import NO_CHANGES, Changes, Kind
from readinglist.core.feed import ChangeFeed, News
from readinglist.core.handle import LibraryHandle
from readinglist.core.indexing import Progress
from readinglist.core.scopes import RECENT_DAYS, SORT_KEYS, Resolved, Resolver, Scope, Sort, View
from readinglist.core.transactions import Database, Transaction, retry_conflicts

__all__ = [
    "NO_CHANGES",
    "RECENT_DAYS",
    "SORT_KEYS",
    "ChangeFeed",
    "Changes",
    "Database",
    "Kind",
    "LibraryHandle",
    "News",
    "Progress",
    "Resolved",
    "Resolver",
    "Scope",
    "Sort",
    "Transaction",
    "View",
    "retry_conflicts",
]
