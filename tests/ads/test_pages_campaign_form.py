"""The campaign and ad dialogs (FormDialog) with NiceGUI's simulated user: after a stale save the fields not typed
in take what is stored now and the conflict panel lists only what was typed; every field's message on one Save."""

from __future__ import annotations

from typing import Any

from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User
from sqlalchemy import select

from console.ads.models import Ad, AdCampaign
from console.db import session_scope
from tests.ads.page_helpers import ad, advertiser, campaign, open_new_ad, png, signed_in
from tests.moderation.page_helpers import click, texts, type_into, wait_shown
from tests.ui.helpers import all_marked, conflict_rows, element, wait_until


async def open_campaign_editor(user: User, cid: int) -> None:
    await user.open(f"/ads/campaigns/{cid}")
    await wait_shown(user, "campaign-edit")
    click(user, "campaign-edit")
    await wait_shown(user, "campaign-form")


async def test_a_stale_campaign_edit_lists_only_the_typed_fields_and_saves_only_them(
    user: User, make_staff: Any
) -> None:
    """B opened the editor, A then saved a new name and budget, B changed only the budget: the panel lists the
    budget alone, the name field shows A's name, and Save again keeps A's name with B's budget."""
    await signed_in(user, make_staff)
    cid = campaign(name="<b>Bold</b> banners", budget_cents=300_000)
    await open_campaign_editor(user, cid)
    with session_scope() as session:  # A saves first
        stored = session.get(AdCampaign, cid)
        assert stored is not None
        stored.name, stored.budget_cents = "Ritual A-edit", 55_555

    type_into(user, "campaign-budget-in", "777.77")
    click(user, "campaign-form-save")
    await wait_shown(user, "campaign-conflict-message")
    assert conflict_rows(user, "campaign-conflict") == {"Budget": ("555.55", "777.77")}
    assert element(user, "campaign-name-in").value == "Ritual A-edit"
    click(user, "campaign-form-save")
    await wait_until(lambda: not all_marked(user, "campaign-form"), what="the dialog closed")
    with session_scope() as session:
        saved = session.get(AdCampaign, cid)
        assert saved is not None
        assert (saved.name, saved.budget_cents) == ("Ritual A-edit", 77_777)


async def test_a_stale_ad_edit_keeps_the_name_someone_else_saved(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    cid = campaign()
    aid = ad(cid, state="draft", name="Old name")
    await user.open(f"/ads/campaigns/{cid}")
    await wait_shown(user, f"ad-edit-{aid}")
    click(user, f"ad-edit-{aid}")
    await wait_shown(user, "ad-form")
    with session_scope() as session:
        stored = session.get(Ad, aid)
        assert stored is not None
        stored.name = "Their name"

    type_into(user, "ad-click-url-in", "https://brand.example/new")
    click(user, "ad-form-save")
    await wait_shown(user, "ad-conflict-message")
    assert list(conflict_rows(user, "ad-conflict")) == ["Click URL"]
    assert element(user, "ad-name-in").value == "Their name"
    click(user, "ad-form-save")
    await wait_until(lambda: not all_marked(user, "ad-form"), what="the dialog closed")
    with session_scope() as session:
        saved = session.get(Ad, aid)
        assert saved is not None
        assert (saved.name, saved.click_url) == ("Their name", "https://brand.example/new")


async def open_new_campaign(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    await user.open(f"/ads/advertisers/{advertiser()}")
    await wait_shown(user, "campaign-new")
    click(user, "campaign-new")
    await wait_shown(user, "campaign-form")


def field_errors(user: User) -> dict[str, str]:
    markers = {"name": "campaign-name-in", "budget": "campaign-budget-in", "bid": "campaign-bid-in"}
    markers |= {"cap": "campaign-cap-in", "regions": "campaign-regions-in"}
    return {key: element(user, marker).error for key, marker in markers.items() if element(user, marker).error}


async def test_the_campaign_form_shows_every_fields_message_on_the_first_save(user: User, make_staff: Any) -> None:
    """The empty form names the missing name beside the missing money; a bad cap is refused while the money is bad
    too (the form's own parsing of money and dates no longer hides the service's messages on the other fields)."""
    await open_new_campaign(user, make_staff)
    click(user, "campaign-form-save")
    await wait_until(lambda: bool(field_errors(user)), what="the messages")
    assert set(field_errors(user)) == {"name", "budget", "bid"}
    assert field_errors(user)["name"] == "Name is required"

    for cap in (-1, 2.5):
        type_into(user, "campaign-budget-in", "-5")
        element(user, "campaign-cap-in").value = cap
        click(user, "campaign-form-save")
        await wait_until(lambda: "cap" in field_errors(user), what=f"the cap {cap} refused")
        assert {"name", "budget", "bid", "cap"} <= set(field_errors(user))
    with session_scope() as session:
        assert session.execute(select(AdCampaign)).first() is None


async def test_the_regions_field_says_what_it_wants_and_drops_a_blank_entry(user: User, make_staff: Any) -> None:
    await open_new_campaign(user, make_staff)
    regions = element(user, "campaign-regions-in")
    assert "DE-BY" in regions.props["hint"]
    regions.value = ["DE-BY", "  "]  # Enter after two spaces
    await wait_until(lambda: regions.value == ["DE-BY"], what="the blank chip removed")


async def test_a_new_upload_clears_the_refusal_of_the_file_before(user: User, make_staff: Any) -> None:
    """QA: after a fake PNG was refused, a good upload said "Ready to save" under the old refusal."""
    await signed_in(user, make_staff)
    cid = campaign()
    await open_new_ad(user, cid)
    type_into(user, "ad-name-in", "Rectangle")
    element(user, "ad-format-in").value = "rectangle"
    type_into(user, "ad-click-url-in", "https://brand.example/")

    def refusals() -> list[str]:
        return [t for m in ("ad-upload-error", "ad-form-summary") for t in texts(user, m) if "fake.png" in t]

    uploader = element(user, "ad-upload")
    assert user.client is not None
    with user.client:
        await uploader.handle_uploads([SmallFileUpload(name="fake.png", content_type="image/png", _data=b"<html>")])
    click(user, "ad-form-save")
    await wait_until(lambda: bool(refusals()), what="the fake file refused")
    with user.client:
        await uploader.handle_uploads([SmallFileUpload(name="a.png", content_type="image/png", _data=png(300, 250))])
    await wait_until(lambda: texts(user, "ad-upload-note")[0].startswith("Ready to save: a.png"), what="the file")
    assert refusals() == []


async def test_the_frequency_cap_label_fits_its_field(user: User, make_staff: Any) -> None:
    """QA: "Frequency cap per membe…" was cut off; the label is short and the unit is the field's suffix."""
    await open_new_campaign(user, make_staff)
    cap = element(user, "campaign-cap-in")
    assert cap.props["label"] == "Frequency cap" and cap.props["suffix"] == "per member a day"
