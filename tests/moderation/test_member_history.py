"""The member page's moderation history: how often the member was reported counts the cases about them and about
what they wrote (comments, chat messages), and nobody else's."""

from __future__ import annotations

from console.actor import Actor
from console.db import session_scope
from console.moderation.service.context import member_moderation
from tests.moderation.factories import chat, comment, member, report, stream


def _cases_about(mod: Actor, member_id: int) -> int:
    with session_scope() as session:
        return int(member_moderation(session, actor=mod, member_id=member_id)["cases_about"])


def test_cases_about_a_member_count_their_profile_comments_and_chat(mod: Actor) -> None:
    author, other = member("author"), member("bystander")
    assert _cases_about(mod, author) == 0

    report("member", author)
    first, second = comment(author=author), comment(author=author)
    report("comment", first)
    report("comment", first, reason="harassment")  # a second report joins the same case
    report("comment", second)
    live = stream()
    report("chat_message", chat(live, author=author))
    chat(live, author=author)  # not reported

    report("member", other)
    report("comment", comment(author=other))
    report("chat_message", chat(live, author=other))

    assert _cases_about(mod, author) == 4  # the member, two comments, one chat message
    assert _cases_about(mod, other) == 3
    assert _cases_about(mod, member("quiet")) == 0
