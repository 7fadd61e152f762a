"""Videos: list/search, create, edit (version-checked), performers, publish/schedule/unpublish, bulk actions.

Publishing of any kind goes through `_make_public()`, which asks the gate (gate.py) first; bulk actions
write one audit event per changed row and report per row what was refused and why.

The package, by what each file holds: `fields` (editable fields, limits, `video_view`), `reading` (filter,
list/search, one video), `validation` (the editor's rules, `_clean`), `editing` (create, update, performers),
`counters` (collection/performer video counts), `publishing` (publish, schedule, unpublish, the scheduler),
`bulk_actions` (`bulk`). Everything other modules import is re-exported here; the tunables (`reading.SEARCH_CAP`,
`counters.RECOUNT_BATCH`) are not, so a test that changes one patches the file that reads it.
"""

from __future__ import annotations

from console.catalog.service.bulk_actions import BULK_ACTIONS, NEEDS_SAVEPOINT, BulkResult, bulk
from console.catalog.service.counters import _recount_collections, _recount_performers, deferred_recounts
from console.catalog.service.editing import _locked_video, create_video, set_performers, update_video
from console.catalog.service.fields import (
    BULK_MAX,
    DESCRIPTION_MAX,
    DIRECTOR_MAX,
    EDITABLE,
    LANGUAGE_MAX,
    SLUG_MAX,
    TEXT_LIMITS,
    TITLE_MAX,
    URL_FIELDS,
    URL_MAX,
    video_view,
)
from console.catalog.service.publishing import (
    PublishRefused,
    TakenDown,
    publish,
    publish_due,
    republish_after_appeal,
    schedule,
    take_down,
    unpublish,
    unpublish_episodes,
)
from console.catalog.service.reading import (
    SORTABLE,
    VideoFilter,
    count_videos,
    filtered_videos,
    get_video,
    list_videos,
    performers_of,
    video_history,
)
from console.catalog.service.validation import CleanLookups, DatabaseLookups, check_performer_ids, validate_video_data

__all__ = [
    "BULK_ACTIONS",
    "BULK_MAX",
    "DESCRIPTION_MAX",
    "DIRECTOR_MAX",
    "EDITABLE",
    "LANGUAGE_MAX",
    "NEEDS_SAVEPOINT",
    "SLUG_MAX",
    "SORTABLE",
    "TEXT_LIMITS",
    "TITLE_MAX",
    "URL_FIELDS",
    "URL_MAX",
    "BulkResult",
    "CleanLookups",
    "DatabaseLookups",
    "PublishRefused",
    "TakenDown",
    "VideoFilter",
    "_locked_video",
    "_recount_collections",
    "_recount_performers",
    "bulk",
    "check_performer_ids",
    "count_videos",
    "create_video",
    "deferred_recounts",
    "filtered_videos",
    "get_video",
    "list_videos",
    "performers_of",
    "publish",
    "publish_due",
    "republish_after_appeal",
    "schedule",
    "set_performers",
    "take_down",
    "unpublish",
    "unpublish_episodes",
    "update_video",
    "validate_video_data",
    "video_history",
    "video_view",
]
