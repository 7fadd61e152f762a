"""Page-open cost: the NiceGUI speed-ups give NiceGUI's own answers (the cached signature check, the escape of the
first answer's elements), and the frame stays small (the navigation is one element)."""

from __future__ import annotations

import asyncio
import functools
import json
from pathlib import Path
from typing import Any

import pytest
from nicegui import binding, helpers, ui
from nicegui.binding import BindableProperty
from nicegui.client import HTML_ESCAPE_TABLE
from nicegui.helpers import functions
from nicegui.testing import User

from console.actor import Actor
from console.ui import nicegui_speedups
from console.ui.areas import Area, allowed_areas
from console.ui.frame import navigation_html, who_html
from console.ui.home.view import area_cards_html
from tests.ui.helpers import all_marked, navigation_links, sign_in_and_wait


class _Handlers:
    def no_args(self) -> None: ...
    def one_arg(self, e: Any) -> None: ...
    def optional(self, e: Any = None) -> None: ...
    def star(self, *args: Any, **kwargs: Any) -> None: ...

    @classmethod
    def cls_arg(cls, e: Any) -> None: ...

    @functools.wraps(one_arg)
    def wrapped(self, *args: Any) -> None: ...


def test_cached_answers_equal_nicegui_answers_for_every_kind_of_callable() -> None:
    first, second = _Handlers(), _Handlers()
    callables: list[Any] = [
        first.no_args,
        first.one_arg,
        first.optional,
        first.star,
        first.cls_arg,
        first.wrapped,
        second.no_args,
        second.one_arg,
        second.optional,
        second.star,
        second.wrapped,  # cached by then
        lambda: None,
        lambda e: None,
        functools.partial(lambda a, b: None, 1),
        print,
        len,
    ]
    for func in callables:
        assert nicegui_speedups.expects_arguments(func) is functions.expects_arguments(func), func
    assert nicegui_speedups.expects_arguments(first.one_arg) is True
    assert nicegui_speedups.expects_arguments(second.no_args) is False


CORPUS = Path(__file__).parent.parent / "data" / "blns" / "blns.txt"


def test_fast_escape_gives_nicegui_escape_for_the_hostile_corpus() -> None:
    lines = [line for line in CORPUS.read_text(encoding="utf-8").split("\n") if line and not line.startswith("#")]
    texts = [*lines, json.dumps(lines), "&lt; already an entity &amp;", "`${x}` <script>&", ""]
    for text in texts:
        assert nicegui_speedups.html_escape(text) == text.translate(HTML_ESCAPE_TABLE), text
    doc = nicegui_speedups.EscapableJson(json.dumps({"1": {"text": "<b>$`&"}}))
    assert doc.translate(HTML_ESCAPE_TABLE) == str(doc).translate(HTML_ESCAPE_TABLE)
    assert "<" not in doc.translate(HTML_ESCAPE_TABLE)
    assert nicegui_speedups.EscapableJson("abc").translate(str.maketrans({"a": "xy"})) == "xybc"  # other tables


async def test_a_page_answer_escapes_its_elements_the_fast_way(
    user: User, make_staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    escaped: list[int] = []
    original = nicegui_speedups.html_escape

    def counted(text: str) -> str:
        escaped.append(len(text))
        return original(text)

    monkeypatch.setattr(nicegui_speedups, "html_escape", counted)
    _, email = make_staff("admin", name="Ada <b>Bold</b> & `${x}`")
    await sign_in_and_wait(user, email)
    response = await user.http_client.get("/account")
    assert response.status_code == 200
    assert escaped  # the elements went through the replaces
    assert "Ada &lt;b&gt;Bold&lt;/b&gt; &amp; &#96;&#36;{x}&#96;" in response.text
    assert "<b>Bold</b>" not in response.text


async def test_the_app_uses_the_cached_helper_and_elements_still_react(user: User, make_staff) -> None:
    assert nicegui_speedups.installed() and helpers.expects_arguments is nicegui_speedups.expects_arguments
    _, email = make_staff("admin", name="Ada Admin")
    await sign_in_and_wait(user, email)
    await user.open("/account")
    with user:
        label = ui.label("before").mark("speedup-probe")
        label.classes("text-negative")  # a classes change goes through the observable's change handler
        label.text = "after"
    await user.should_see("after")
    assert "text-negative" in all_marked(user, "speedup-probe")[0].classes


async def test_the_navigation_is_one_element_with_a_link_per_allowed_area(user: User, make_staff) -> None:
    _, email = make_staff("admin", name="Ada Admin")
    await sign_in_and_wait(user, email)
    await user.open("/catalog/import")  # a page below an area marks that area
    assert user.client is not None
    drawer = next(e for e in user.client.layout.descendants() if isinstance(e, ui.left_drawer))
    assert [type(e) for e in drawer.descendants()] == [ui.html]
    assert next(drawer.descendants()).props["aria-label"] == "Areas"  # a landmark for screen readers
    links = navigation_links(user)
    areas = allowed_areas(Actor(kind="staff", label=email, roles=frozenset({"admin"})))
    assert [(link["href"], link["text"], link["data-key"]) for link in links] == [
        (area.path, area.label, f"g {area.key}") for area in areas
    ]
    current = [link for link in links if "aria-current" in link]
    assert [(link["href"], link["class"], link["aria-current"]) for link in current] == [
        ("/catalog", "nav-item nav-active", "page")
    ]
    assert all(link["class"] == "nav-item" for link in links if link["href"] != "/catalog")


def test_the_navigation_escapes_what_it_is_given() -> None:
    hostile = Area("x", '<img src=x onerror="alert(1)">', '/x"><script>', "home", None, '<b onclick="x">')
    who = who_html('<img src=x onerror="alert(1)"> <script>', frozenset({'<b onclick="x">', "admin"}))
    assert ">Administrator</span>" in who and who.count("q-badge ") == 2  # a badge per role, in words
    for html in (navigation_html((hostile,), "/"), area_cards_html((hostile,)), who):
        assert "<img" not in html and "<script>" not in html and 'onerror="' not in html and "<b " not in html
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


async def test_home_area_cards_are_one_element_with_a_card_per_allowed_area(user: User, make_staff) -> None:
    _, email = make_staff("admin", name="Ada Admin")
    await sign_in_and_wait(user, email)
    await user.open("/")
    cards = navigation_links(user, "home-areas")
    areas = [a for a in allowed_areas(Actor(kind="staff", label=email, roles=frozenset({"admin"}))) if a.path != "/"]
    assert len(areas) > 5
    assert [(c["href"], c["class"], c["text"]) for c in cards] == [
        ("/" + a.path.strip("/"), "area-card q-card", f"{a.icon}{a.label}g {a.key}{a.description}") for a in areas
    ]


async def test_select_helper_fills_the_options_once_after_styling(user: User, make_staff, monkeypatch) -> None:
    from nicegui.elements.choice_element import ChoiceElement

    from console.members.pages import COUNTRY_OPTIONS
    from console.ui.forms import select

    _, email = make_staff("admin", name="Ada Admin")
    await sign_in_and_wait(user, email)
    await user.open("/account")
    built: list[int] = []
    original = ChoiceElement._update_options

    def counting(self: Any) -> None:
        built.append(len(self._labels))
        original(self)

    monkeypatch.setattr(ChoiceElement, "_update_options", counting)
    with user:
        country = select(COUNTRY_OPTIONS, value="DE", label="Country", classes="w-56", with_input=True)
    assert country.options == COUNTRY_OPTIONS and country.value == "DE"
    assert country.options is not COUNTRY_OPTIONS  # the shared constant is never handed to NiceGUI to change
    assert "w-56" in country.classes and country.props["dense"] is True and country.props["label"] == "Country"
    assert built.count(len(COUNTRY_OPTIONS)) == 1  # the full list is built once, not once per style change


async def test_page_threads_are_as_many_as_database_connections(user: User, make_staff) -> None:
    """Every session check, list and detail read runs in NiceGUI's io_bound pool: six threads on two cores would
    let six slow reads hold every other staff member's pages."""
    from nicegui import run

    from console.db import MAX_OVERFLOW, POOL_SIZE

    _, email = make_staff("admin", name="Ada Admin")
    await sign_in_and_wait(user, email)  # the app has started
    assert run.thread_pool._max_workers == POOL_SIZE + MAX_OVERFLOW == 20


def _select_state(element: ui.select) -> tuple[Any, ...]:
    return (json.dumps(element.props.get("options")), json.dumps(element.props.get("model-value")), element.value)


async def test_fast_options_give_nicegui_props_and_values(user: User, make_staff, monkeypatch) -> None:
    """Every kind of select built with the fast options and with NiceGUI's own method: the same props JSON and value,
    options changed afterwards included; the list stays observable (an in-place change still reaches the client)."""
    from nicegui.elements.choice_element import ChoiceElement

    _, email = make_staff("admin", name="Ada Admin")
    await sign_in_and_wait(user, email)
    await user.open("/account")
    cases: list[tuple[Any, dict[str, Any]]] = [
        (["a", "b", "c"], {"value": "b"}),
        ({"DE": "Germany", "IL": "Israel <b>"}, {"value": "IL"}),
        ({1: "one", 2: "two"}, {"value": None}),
        (["x", "y", "z"], {"value": ["x", "z"], "multiple": True}),
        ([], {"value": None}),
    ]
    states: dict[str, list[tuple[Any, ...]]] = {}
    for name, method in (
        ("fast", nicegui_speedups.update_options),
        ("nicegui", nicegui_speedups.NICEGUI_UPDATE_OPTIONS),
    ):
        monkeypatch.setattr(ChoiceElement, "_update_options", method)
        with user:
            for options, kwargs in cases:
                element = ui.select(options, **kwargs)
                first = _select_state(element)
                element.set_options({"n": "New"}, value="n")
                states.setdefault(name, []).extend([first, _select_state(element)])
    assert states["fast"] == states["nicegui"]
    assert len(states["fast"]) == 10 and '"label": "Israel <b>"' in states["fast"][2][0]
    monkeypatch.setattr(ChoiceElement, "_update_options", nicegui_speedups.update_options)
    with user:
        element = ui.select(["a"], value="a")
    updates = user.client.outbox.updates
    updates.clear()
    element.props["options"].append({"value": 1, "label": "b"})
    assert element.id in updates  # the list is still observed


async def test_direct_change_handlers_still_update_and_report_errors(user: User, make_staff, monkeypatch) -> None:
    """NiceGUI's own handlers run directly: props, classes and style changes, nested ones too, still mark the
    element for sending; any other handler still goes through `handle_event`; an error is still reported."""
    from nicegui import app, events
    from nicegui.observables import ObservableDict

    _, email = make_staff("admin", name="Ada Admin")
    await sign_in_and_wait(user, email)
    await user.open("/account")
    with user:
        label = ui.label("x")
    updates = user.client.outbox.updates
    for change in (
        lambda: label.props("flat"),
        lambda: label.classes("text-negative"),
        lambda: label.style("color: red"),
        lambda: label.props.__setitem__("nested", {"a": 1}),
        lambda: label.props["nested"].__setitem__("a", 2),  # a child collection reaches its element
    ):
        updates.clear()
        change()
        assert label.id in updates
    through_events: list[Any] = []
    original = events.handle_event
    monkeypatch.setattr(events, "handle_event", lambda *a, **k: (through_events.append(a[0]), original(*a, **k)))
    seen: list[Any] = []
    data = ObservableDict({}, on_change=lambda e: seen.append(e.sender))
    data["k"] = 1
    assert seen == [data] and len(through_events) == 1  # a user's handler: through handle_event, with its argument
    errors: list[Exception] = []
    monkeypatch.setattr(app, "handle_exception", errors.append)
    monkeypatch.setattr(label, "update", lambda: 1 / 0)  # what Props._update calls, on the direct path
    label.props("dense")
    assert len(through_events) == 1 and len(errors) == 1 and isinstance(errors[0], ZeroDivisionError)


async def test_an_outbox_waiting_for_its_connection_looks_again_when_a_client_connects(user: User) -> None:
    """NiceGUI's outbox checks every 0.1 s whether its page has connected; what a page draws once connected (rows,
    parts drawn later) waited for that check. A connection now ends the wait at once; other sleeps are asyncio's."""
    from nicegui import app
    from nicegui import outbox as nicegui_outbox

    assert nicegui_speedups.installed() and nicegui_speedups.wake_outboxes in app._connect_handlers
    shim = nicegui_outbox.asyncio
    assert shim.Event is asyncio.Event and shim.wait_for is asyncio.wait_for  # everything else is asyncio's own
    loop = asyncio.get_running_loop()
    started = loop.time()
    waiting = asyncio.create_task(shim.sleep(nicegui_speedups.UNCONNECTED_POLL))
    await asyncio.sleep(0.01)
    assert not waiting.done()
    nicegui_speedups.wake_outboxes()
    await asyncio.wait_for(waiting, timeout=1)
    assert loop.time() - started < 0.06 and not nicegui_speedups._sleepers
    started = loop.time()
    await asyncio.wait_for(shim.sleep(nicegui_speedups.UNCONNECTED_POLL), timeout=1)  # nobody connects: the 0.1 s
    assert loop.time() - started >= 0.09
    other = asyncio.create_task(shim.sleep(0.05, "kept"))
    nicegui_speedups.wake_outboxes()  # a connection does not cut other sleeps short
    await asyncio.sleep(0.01)
    assert not other.done() and await other == "kept"


def _page_elements(user: User) -> list[Any]:
    """The client's elements as the answer sends them, without the listeners' random ids."""
    assert user.client is not None

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items() if k != "listener_id"}
        return [plain(v) for v in value] if isinstance(value, list) else value

    return [plain(element._to_dict()) for element in user.client.elements.values()]


async def test_updates_before_the_first_answer_are_not_recorded_and_the_answer_is_the_same(
    user: User, make_staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before `build_response` the outbox keeps no updates (NiceGUI empties them there); after it, every change is
    recorded as before. A page built either way answers with the same elements."""
    from nicegui import Client
    from nicegui.outbox import Outbox
    from nicegui.page import page

    from console.db import utcnow
    from console.ui import time_zone_setting

    fixed = utcnow()
    monkeypatch.setattr(time_zone_setting, "utcnow", lambda: fixed)  # "It is now …" must not pass a minute between
    assert Outbox.enqueue_update is nicegui_speedups.enqueue_update
    _, email = make_staff("admin", name="Ada Admin")
    await sign_in_and_wait(user, email)
    answers = []
    for method in (nicegui_speedups.enqueue_update, nicegui_speedups.NICEGUI_ENQUEUE_UPDATE):
        monkeypatch.setattr(Outbox, "enqueue_update", method)
        await user.open("/account")
        answers.append(_page_elements(user))
    assert answers[0] == answers[1] and len(answers[0]) > 20
    monkeypatch.setattr(Outbox, "enqueue_update", nicegui_speedups.enqueue_update)
    client = Client(page(""))
    try:
        with client:
            label = ui.label("a")
            label.text = "b"
        assert not client.outbox.updates  # nothing to send: the answer will carry the label as it is
        client._response_built = True  # what build_response sets
        label.text = "c"
        assert label.id in client.outbox.updates
    finally:
        client.delete()


class _Bound:
    """An object with NiceGUI bindable properties, one with a change handler that records its calls."""

    calls: list[Any]
    value = BindableProperty(on_change=lambda owner, v: owner.calls.append(v))
    other = BindableProperty()

    def __init__(self) -> None:
        self.calls = []


class _Odd:
    """A value whose `==` and `!=` disagree (as an array's do): NiceGUI's test is `!=`."""

    def __eq__(self, other: object) -> bool:
        return True

    def __ne__(self, other: object) -> bool:
        return True

    __hash__ = object.__hash__


def _bindable_trace() -> list[Any]:
    first, second, third = _Bound(), _Bound(), _Bound()
    first.value = 1  # the first set: no handler
    first.value = 1  # unchanged: no handler
    first.value = 2
    first.value = _Odd()  # `!=` says changed
    binding.bind(second, "value", third, "other", self_strict=False, other_strict=False)  # before either is set
    second.value = 6  # a first set that propagates to third.other (NiceGUI calls no handler on a first set)
    between = third.other
    third.other = 7  # and back
    key = (id(first), ("value",))
    return [
        between,
        len(first.calls),
        isinstance(first.calls[-1], _Odd),
        second.calls,
        third.other,
        second.value,
        binding.bindable_properties.get(key) is first,
    ]


def test_bindable_properties_behave_as_nicegui_sets_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first set skips propagation only when nothing is bound: handlers, propagation (both ways) and the
    registry of bindable properties are NiceGUI's own."""
    assert BindableProperty.__set__ is nicegui_speedups.bindable_set
    fast = _bindable_trace()
    monkeypatch.setattr(BindableProperty, "__set__", nicegui_speedups.NICEGUI_BINDABLE_SET)
    assert fast == _bindable_trace() == [6, 2, True, [7], 7, 7, True]  # 6 was a first set: no handler
