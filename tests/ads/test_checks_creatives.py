"""Creative storage: by content (never by name), by content hash, within the upload limit; the safe path check; the
`/media/ads/...` route that serves stored files to signed-in ad staff only."""

from __future__ import annotations

import hashlib

import pytest
from nicegui.testing import User

from console.ads import creatives
from console.config import get_settings
from console.errors import ValidationFailed
from tests.ads import factories as f
from tests.ui.helpers import sign_in_and_wait


def test_an_image_is_stored_by_hash_with_the_sniffed_extension() -> None:
    data = f.image(300, 250, "WEBP")
    stored = creatives.store_creative(data, "holiday.jpg")  # the name says JPEG; the bytes say WebP
    assert stored.name == hashlib.sha256(data).hexdigest() + ".webp"
    assert (stored.sniffed.width, stored.sniffed.height, stored.sniffed.content_type) == (300, 250, "image/webp")
    path = creatives.creative_file(stored.name)
    assert path is not None and path.read_bytes() == data and path.parent == get_settings().data_dir / "ads"
    assert creatives.store_creative(data, "again.webp").name == stored.name  # the same bytes are one file
    assert creatives.media_url(stored.name) == f"/media/ads/{stored.name}"


def test_an_mp4_is_stored_with_its_duration() -> None:
    stored = creatives.store_creative(f.mp4(30.25), "spot.mov")
    assert stored.name.endswith(".mp4") and stored.sniffed.kind == "video"
    assert stored.sniffed.duration == pytest.approx(30.25)


@pytest.mark.parametrize(
    "data",
    [
        b"GIF89a but really text",
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"%PDF-1.4 not an ad",
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",  # an HEIF image shares the MP4 box format
    ],
)
def test_other_content_is_refused_whatever_its_name(data: bytes) -> None:
    folder = get_settings().data_dir / "ads"
    before = sorted(folder.iterdir()) if folder.exists() else []
    with pytest.raises(ValidationFailed) as refused:
        creatives.store_creative(data, "banner.png")
    assert "checked by content, not by name" in refused.value.errors["creative"]
    assert "banner.png" in refused.value.errors["creative"]
    assert (sorted(folder.iterdir()) if folder.exists() else []) == before  # nothing written


def test_empty_and_too_large_uploads_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationFailed, match="is empty"):
        creatives.store_creative(b"", "a.png")
    monkeypatch.setenv("CONSOLE_ADS_CREATIVE_MAX_MB", "1")
    get_settings.cache_clear()
    with pytest.raises(ValidationFailed, match="1 MB at most"):
        creatives.store_creative(f.mp4(15, padding=1_100_000), "big.mp4")


def test_a_hostile_file_name_is_not_repeated() -> None:
    with pytest.raises(ValidationFailed) as refused:
        creatives.store_creative(b"text", "evil\u202egnp.exe")
    assert refused.value.errors["creative"].startswith("The file is not")


@pytest.mark.parametrize(
    "name",
    [
        None,
        "",
        "../console.db",
        "../../etc/passwd",
        "0" * 64 + ".exe",
        "0" * 63 + ".png",
        "0" * 64 + ".png/../../x",
        "/etc/passwd",
        "A" * 64 + ".png",
    ],
)
def test_only_stored_names_resolve_to_files(name: str | None) -> None:
    (get_settings().data_dir / "ads").mkdir(parents=True, exist_ok=True)
    assert creatives.creative_file(name) is None
    assert creatives.read_creative(name) is None
    assert creatives.media_url(name) is None


async def test_the_route_serves_stored_files_to_ads_staff_only(user: User, make_staff) -> None:
    stored = creatives.store_creative(f.png(300, 250), "b.png")
    make_staff("ads", email="ada.ads@test.example", name="Ada Ads")
    make_staff("finance", email="fin@test.example", name="Fin")
    await sign_in_and_wait(user, "ada.ads@test.example")
    response = await user.http_client.get(f"/media/ads/{stored.name}")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.content == creatives.read_creative(stored.name)
    for bad in ("0" * 64 + ".png", "..%2F..%2Fconsole.db", "x.png"):
        assert (await user.http_client.get(f"/media/ads/{bad}")).status_code == 404


async def test_the_route_refuses_staff_without_ads_read(user: User, make_staff) -> None:
    stored = creatives.store_creative(f.png(300, 250), "b.png")
    make_staff("finance", email="fin@test.example", name="Fin")
    await sign_in_and_wait(user, "fin@test.example")
    assert (await user.http_client.get(f"/media/ads/{stored.name}")).status_code == 403
