"""/ads/campaigns/{id}, /ads/advertisers and /ads/blocklist with NiceGUI's simulated user: pacing and the plotly
charts with their traces and anomaly flags, the date range's limits, and ad-ops creating an advertiser, a campaign
(money typed as people type it) and a banner ad from an uploaded PNG, then submitting it for review."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from nicegui import ui
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User
from sqlalchemy import select

from console.ads.models import Ad, AdCampaign, AdDomainBlock
from console.ads.pages.common import PACING_LABELS
from console.audit.models import AuditEvent
from console.db import session_scope, utcnow
from tests.ads.page_helpers import ad, campaign, open_new_ad, png, signed_in, stats_day, stored_ad
from tests.moderation.page_helpers import click, press, texts, type_into, wait_shown
from tests.ui.helpers import all_marked, current_path, element, wait_until


def figure(user: User, marker: str) -> dict[str, Any]:
    found = element(user, marker)
    assert isinstance(found, ui.plotly)
    assert isinstance(found.figure, dict)
    return found.figure


def trace_names(user: User, marker: str) -> list[str]:
    return [t["name"] for t in figure(user, marker)["data"]]


async def _conflict_then_saved(user: User, cid: int) -> AdCampaign:
    """The save was refused as stale (the panel shows, the stored budget is still $3,000); saving again, on what is
    stored now, closes the dialog. Returns the campaign as stored then."""
    await wait_shown(user, "campaign-conflict-message")
    assert all_marked(user, "campaign-form")
    with session_scope() as session:
        assert session.get(AdCampaign, cid).budget_cents == 300_000  # type: ignore[union-attr]
    click(user, "campaign-form-save")
    await wait_until(lambda: not all_marked(user, "campaign-form"), what="the dialog closed")
    with session_scope() as session:
        saved = session.get(AdCampaign, cid)
        assert saved is not None
        return saved


async def test_the_campaign_shows_pacing_charts_and_anomalies(user: User, make_staff: Any, monkeypatch: Any) -> None:
    from console.ads.pages import campaign as campaign_page
    from console.ads.service import stats

    await signed_in(user, make_staff)
    now = utcnow()
    # the page's "today" is this one, also if midnight UTC passes meanwhile
    monkeypatch.setattr(campaign_page, "utc_today", lambda: now.date())
    monkeypatch.setattr(stats, "utcnow", lambda: now)
    today = now.date()
    cid = campaign(budget_cents=300_000, starts_on=today - timedelta(days=9), ends_on=today + timedelta(days=20))
    shown_ad = ad(cid, state="running", name="Summer banner")
    stats_day(shown_ad, today - timedelta(days=3), 10_000, 40, spend_cents=12_500)
    stats_day(shown_ad, today - timedelta(days=2), 50, 80, spend_cents=100)  # clicks above impressions
    stats_day(shown_ad, today - timedelta(days=1), 1_000, 90, spend_cents=1_250)  # CTR 9% > 5%
    await user.open(f"/ads/campaigns/{cid}")
    await wait_shown(user, "campaign-chart-counts")
    assert texts(user, "campaign-pacing-text")[0].startswith("Spent $138.50 of $3,000.00; planned by today $1,000.00")
    bar = element(user, "campaign-pacing-bar")
    assert abs(float(bar.value) - 13_850 / 300_000) < 0.001
    assert trace_names(user, "campaign-chart-counts") == ["Impressions", "Clicks"]
    assert trace_names(user, "campaign-chart-rates") == ["CTR", "Completion rate", "Skip rate"]
    counts = figure(user, "campaign-chart-counts")["data"][0]
    assert len(counts["x"]) == 30 and counts["y"][-4] == 10_000  # the last 30 days, zero days included
    assert all_marked(user, "campaign-anomaly-clicks_above_impressions")
    assert all_marked(user, "campaign-anomaly-ctr_above_threshold")
    assert texts(user, "campaign-anomaly-day") == [
        (today - timedelta(days=2)).isoformat(),
        (today - timedelta(days=1)).isoformat(),
    ]
    assert texts(user, "campaign-ad-name") == ["Summer banner"]
    click(user, f"ad-edit-{shown_ad}")  # a running ad: the editor warns that a reviewed change re-queues it
    await wait_shown(user, "ad-requeue-note")
    click(user, "ad-form-cancel")

    type_into(user, "campaign-range-start", (today - timedelta(days=120)).isoformat())
    click(user, "campaign-range-apply")
    await wait_until(lambda: bool(element(user, "campaign-range-end").error), what="the 90-day limit")
    assert "90 days" in element(user, "campaign-range-end").error
    type_into(user, "campaign-range-start", (today - timedelta(days=6)).isoformat())
    click(user, "campaign-range-apply")
    await wait_until(lambda: len(figure(user, "campaign-chart-counts")["data"][0]["x"]) == 7, what="a week")


async def test_ad_ops_create_an_advertiser_a_campaign_and_an_ad_then_submit_it(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    await user.open("/ads/advertisers")
    click(user, "advertiser-new")
    await wait_shown(user, "advertiser-form")
    type_into(user, "advertiser-name-in", "Brand & Co <b>")
    type_into(user, "advertiser-website-in", "https://brand.example")
    click(user, "advertiser-form-save")
    await wait_until(lambda: current_path(user).startswith("/ads/advertisers/"), what="the advertiser page")
    await wait_shown(user, "campaign-new")
    assert texts(user, "advertiser-name") == ["Brand & Co <b>"]

    click(user, "campaign-new")
    await wait_shown(user, "campaign-form")
    today = utcnow().date()
    type_into(user, "campaign-name-in", "Autumn launch")
    type_into(user, "campaign-budget-in", "5,000")
    type_into(user, "campaign-bid-in", "12.5")
    type_into(user, "campaign-start-in", today.isoformat())
    type_into(user, "campaign-end-in", (today + timedelta(days=30)).isoformat())
    element(user, "campaign-plans-in").value = ["premium"]
    click(user, "campaign-form-save")
    await wait_until(lambda: current_path(user).startswith("/ads/campaigns/"), what="the campaign page")
    with session_scope() as session:
        stored = session.execute(select(AdCampaign)).scalar_one()
        assert (stored.budget_cents, stored.cpm_bid_cents, stored.target_plans) == (500_000, 1_250, ["premium"])

    advertiser_path = f"/ads/advertisers/{stored.advertiser_id}"
    await user.open(advertiser_path)  # its campaigns and the advertiser list say pacing and status in words
    await wait_until(lambda: bool(element(user, "campaign-list").rows), what="the campaign row")
    assert element(user, "campaign-list").rows[0]["pacing"] in PACING_LABELS.values()
    await user.open("/ads/advertisers")
    await wait_until(lambda: bool(element(user, "advertiser-list").rows), what="the advertiser row")
    assert [r["status"] for r in element(user, "advertiser-list").rows] == ["Active"]
    await user.open(f"/ads/campaigns/{stored.id}")

    await wait_shown(user, "campaign-new-ad")
    click(user, "campaign-new-ad")
    await wait_shown(user, "ad-form")
    type_into(user, "ad-name-in", "Rectangle A")
    element(user, "ad-format-in").value = "rectangle"
    type_into(user, "ad-click-url-in", "https://brand.example/autumn")
    uploader = element(user, "ad-upload")
    assert user.client is not None
    with user.client:
        await uploader.handle_uploads([SmallFileUpload(name="a.png", content_type="image/png", _data=png(300, 250))])
    await wait_until(lambda: texts(user, "ad-upload-note")[0].startswith("Ready to save: a.png"), what="the file")
    click(user, "ad-form-save")
    await wait_until(lambda: bool(texts(user, "campaign-ad-name")), what="the new ad listed")
    with session_scope() as session:
        new = session.execute(select(Ad)).scalar_one()
    assert (new.state, new.width, new.height) == ("draft", 300, 250)
    click(user, f"ad-submit-{new.id}")
    await wait_until(lambda: stored_ad(new.id).state == "pending_review", what="the submission")
    assert stored_ad(new.id).check_state in ("pass", "warn")


async def test_the_ad_form_names_the_field_in_every_message(user: User, make_staff: Any) -> None:
    """An IP address, `https://` alone and no format: each refused on its field, in words (not a raw code)."""
    await signed_in(user, make_staff)
    cid = campaign()
    await open_new_ad(user, cid)
    type_into(user, "ad-name-in", "Rectangle B")
    element(user, "ad-format-in").value = None
    for typed, message in (
        ("https://127.0.0.1/", "Click URL names an IP address; ads must link to a domain name"),
        ("https://", "Click URL has no domain name after https:// (like https://example.com/page)"),
    ):
        type_into(user, "ad-click-url-in", typed)
        click(user, "ad-form-save")
        await wait_until(lambda message=message: element(user, "ad-click-url-in").error == message, what=message)
        assert element(user, "ad-format-in").error == "Format is required"
    with session_scope() as session:
        assert session.execute(select(Ad)).first() is None


async def test_the_campaign_editor_keeps_refusals_inside_and_retries_a_stale_edit(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    cid = campaign(budget_cents=300_000)
    await user.open(f"/ads/campaigns/{cid}")
    await wait_shown(user, "campaign-edit")
    click(user, "campaign-edit")
    await wait_shown(user, "campaign-form")
    type_into(user, "campaign-budget-in", "lots")  # not money: the message lands on the field, nothing is saved
    click(user, "campaign-form-save")
    await wait_until(lambda: bool(element(user, "campaign-budget-in").error), what="the budget's message")
    assert all_marked(user, "campaign-form")
    with session_scope() as session:
        stored = session.get(AdCampaign, cid)
        assert stored is not None and stored.budget_cents == 300_000
        stored.name = "Renamed elsewhere"  # someone else saves first: the version moves on

    type_into(user, "campaign-budget-in", "4,000")
    click(user, "campaign-form-save")
    await wait_shown(user, "campaign-conflict-message")
    assert element(user, "campaign-budget-in").error is None
    assert (await _conflict_then_saved(user, cid)).budget_cents == 400_000


async def test_the_blocklist_adds_and_removes_a_domain_with_a_reason(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    await user.open("/ads/blocklist")
    await wait_shown(user, "blocklist-add-go")
    type_into(user, "blocklist-domain", "phish.example")
    type_into(user, "blocklist-reason", "credential phishing seen in a report")
    click(user, "blocklist-add-go")
    await wait_until(lambda: [r["domain"] for r in element(user, "blocklist").rows] == ["phish.example"], what="row")
    row = element(user, "blocklist").rows[0]
    user.find(marker="blocklist").trigger("remove", row)  # what the Remove… button in the row's slot sends
    await wait_shown(user, "blocklist-remove-dialog")
    click(user, "blocklist-remove-ok")
    await wait_until(lambda: element(user, "blocklist-remove-input").error == "Reason is required", what="reason")
    type_into(user, "blocklist-remove-input", "false positive")
    click(user, "blocklist-remove-ok")
    await wait_until(lambda: element(user, "blocklist").rows == [], what="the domain removed")
    with session_scope() as session:
        assert session.execute(select(AdDomainBlock)).first() is None


async def test_ad_ops_pause_resume_and_end_an_ad_from_the_campaign(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    today = utcnow().date()
    cid = campaign(starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=20))
    live = ad(cid, state="running", name="Live banner")
    await user.open(f"/ads/campaigns/{cid}")
    await wait_shown(user, f"ad-pause-{live}")
    click(user, f"ad-pause-{live}")
    await wait_until(lambda: stored_ad(live).state == "paused")
    await wait_shown(user, f"ad-resume-{live}")
    click(user, f"ad-resume-{live}")
    await wait_until(lambda: stored_ad(live).state == "approved")
    # the paused row has an End button too, carrying the paused version: wait for the row the reload drew
    await wait_until(lambda: not all_marked(user, f"ad-resume-{live}"), what="the reloaded row")
    await wait_shown(user, f"ad-end-{live}")
    click(user, f"ad-end-{live}")
    await wait_shown(user, "ad-end-dialog")
    click(user, "ad-end-cancel")  # cancelling changes nothing
    await wait_until(lambda: not all_marked(user, "ad-end-dialog"))
    assert stored_ad(live).state == "approved"
    click(user, f"ad-end-{live}")
    await wait_shown(user, "ad-end-confirm")
    click(user, "ad-end-confirm")
    await wait_until(lambda: stored_ad(live).state == "ended")
    await wait_until(lambda: not all_marked(user, f"ad-edit-{live}"))  # an ended ad has no actions
    with session_scope() as session:
        actions = session.execute(
            select(AuditEvent.action)
            .where(AuditEvent.entity == "ad", AuditEvent.entity_id == str(live))
            .order_by(AuditEvent.id)  # in the order they happened (a SELECT without ORDER BY promises none)
        ).scalars()
        assert [a for a in actions if a in ("ad.pause", "ad.resume", "ad.end")] == ["ad.pause", "ad.resume", "ad.end"]


async def test_a_campaign_edit_typed_before_the_page_went_is_back_and_saved_on_the_version_it_was_typed_on(
    user: User, make_staff: Any
) -> None:
    """A lost page took the campaign dialog with it. Opened again, it brings back what was typed (the budget, the
    countries), says so, and — someone having saved the campaign meanwhile — saves on the version it was typed on,
    so the conflict shows instead of overwriting their change; saved again, the draft is gone. Cancel drops it."""
    from nicegui import app

    from console.ui.dialog_draft import STORAGE_KEY

    await signed_in(user, make_staff)
    cid = campaign(budget_cents=300_000)

    async def open_editor() -> None:
        await user.open(f"/ads/campaigns/{cid}")  # a new page, as after a reload
        await wait_shown(user, "campaign-edit")
        click(user, "campaign-edit")
        await wait_shown(user, "campaign-form")

    await open_editor()
    type_into(user, "campaign-budget-in", "4,000")
    element(user, "campaign-countries-in").value = ["DE", "FR"]
    with session_scope() as session:  # someone else saves before the dialog is opened again
        stored = session.get(AdCampaign, cid)
        assert stored is not None
        stored.name = "Renamed elsewhere"

    await open_editor()
    assert element(user, "campaign-budget-in").value == "4,000"
    assert element(user, "campaign-countries-in").value == ["DE", "FR"]
    assert element(user, "campaign-name-in").value == "Renamed elsewhere"  # untouched fields show what is stored
    assert "It was changed since" in texts(user, "text-draft-when")[0]
    click(user, "campaign-form-save")
    saved = await _conflict_then_saved(user, cid)
    assert saved.budget_cents == 400_000 and saved.name == "Renamed elsewhere"
    assert list(saved.target_countries or []) == ["DE", "FR"]
    assert not [k for k in app.storage.user[STORAGE_KEY] if ":campaign:" in k]

    await open_editor()
    type_into(user, "campaign-budget-in", "5,000")
    click(user, "campaign-form-cancel")
    await wait_until(lambda: not all_marked(user, "campaign-form"), what="the dialog closed")
    await open_editor()
    assert element(user, "campaign-budget-in").value == "4000.00"  # what is stored: the cancelled 5,000 is gone
    assert not texts(user, "text-draft-when")


async def test_a_new_video_ad_typed_before_the_page_went_is_back_with_its_type_before_its_format(
    user: User, make_staff: Any
) -> None:
    """The new-ad dialog's draft: the type is restored before the format it offers (a video format is not a
    banner's option), the uploaded file is not kept (it says so: no file), and saving it drops the draft."""
    await signed_in(user, make_staff)
    cid = campaign()

    await open_new_ad(user, cid)
    type_into(user, "ad-name-in", "Pre-roll A")
    element(user, "ad-type-in").value = "video_preroll"
    element(user, "ad-format-in").value = "video_15s"
    type_into(user, "ad-creative-url-in", "https://cdn.brand.example/a.mp4")
    type_into(user, "ad-click-url-in", "https://brand.example/a")

    await open_new_ad(user, cid)
    values = {m: element(user, m).value for m in ("ad-name-in", "ad-type-in", "ad-format-in", "ad-click-url-in")}
    assert values == {
        "ad-name-in": "Pre-roll A",
        "ad-type-in": "video_preroll",
        "ad-format-in": "video_15s",
        "ad-click-url-in": "https://brand.example/a",
    }
    assert texts(user, "ad-upload-note") == ["No file uploaded"]
    click(user, "ad-form-save")
    await wait_until(lambda: texts(user, "campaign-ad-name") == ["Pre-roll A"], what="the new ad listed")
    with session_scope() as session:
        assert session.execute(select(Ad.format)).scalar_one() == "video_15s"
    await open_new_ad(user, cid)
    assert element(user, "ad-name-in").value == "" and not texts(user, "text-draft-when")


async def test_a_campaign_tab_left_open_past_midnight_moves_its_default_days_on_at_reload(
    user: User, make_staff: Any, monkeypatch: Any
) -> None:
    """Opened on the 1st, reloaded (r) on the 2nd: the last 30 days now end on the 2nd. Days the user chose stay."""
    from console.ads.pages import campaign as campaign_page

    await signed_in(user, make_staff)
    today = utcnow().date()
    monkeypatch.setattr(campaign_page, "utc_today", lambda: today - timedelta(days=1))
    cid = campaign()
    await user.open(f"/ads/campaigns/{cid}")
    await wait_shown(user, "campaign-chart-counts")
    assert element(user, "campaign-range-end").value == (today - timedelta(days=1)).isoformat()

    monkeypatch.setattr(campaign_page, "utc_today", lambda: today)  # midnight UTC has passed
    press(user, "r")
    await wait_until(lambda: element(user, "campaign-range-end").value == today.isoformat(), what="the day moved on")
    assert element(user, "campaign-range-start").value == (today - timedelta(days=29)).isoformat()
    await wait_until(
        lambda: figure(user, "campaign-chart-counts")["data"][0]["x"][-1].startswith(today.isoformat()),
        what="the charts to end today",
    )

    chosen = (today - timedelta(days=3)).isoformat()
    type_into(user, "campaign-range-end", chosen)
    click(user, "campaign-range-apply")
    monkeypatch.setattr(campaign_page, "utc_today", lambda: today + timedelta(days=1))
    press(user, "r")
    await wait_until(lambda: len(figure(user, "campaign-chart-counts")["data"][0]["x"]) == 27, what="the chosen days")
    assert element(user, "campaign-range-end").value == chosen


async def test_the_campaign_charts_follow_the_theme_as_insights_does(user: User, make_staff: Any) -> None:
    """QA: both charts stayed white in dark mode; they flip in place, like the Insights charts, grid lines included
    (a screenshot showed plotly's near-white default grid on the dark card: the template name alone does nothing
    in plotly.js)."""
    from console.ui.charts import CLEAR, DARK_FONT, DARK_GRID, LIGHT_FONT, LIGHT_GRID

    await signed_in(user, make_staff)
    cid = campaign()
    await user.open(f"/ads/campaigns/{cid}")
    await wait_shown(user, "campaign-chart-counts")

    def colours() -> set[tuple[str, ...]]:
        """What plotly.js draws with: the font and every axis' grid (it takes no template by name)."""
        out = set()
        for marker in ("campaign-chart-counts", "campaign-chart-rates"):
            lay = figure(user, marker)["layout"]
            axes = sorted(k for k in lay if k.startswith(("xaxis", "yaxis")))
            out.add((lay["font"]["color"], lay["paper_bgcolor"], *(lay[a].get("gridcolor", "default") for a in axes)))
        return out

    light = {(LIGHT_FONT, CLEAR, LIGHT_GRID, LIGHT_GRID), (LIGHT_FONT, CLEAR, LIGHT_GRID, LIGHT_GRID, LIGHT_GRID)}
    dark = {(DARK_FONT, CLEAR, DARK_GRID, DARK_GRID), (DARK_FONT, CLEAR, DARK_GRID, DARK_GRID, DARK_GRID)}
    assert colours() == light  # the counts chart has a second y axis (clicks): its grid too
    click(user, "theme-toggle")
    await wait_until(lambda: colours() == dark, what="both charts dark")
    await user.open(f"/ads/campaigns/{cid}")  # drawn dark from the start on the next page
    await wait_shown(user, "campaign-chart-counts")
    assert colours() == dark
