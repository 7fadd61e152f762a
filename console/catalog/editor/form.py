"""The editor's fields, one method per section: what the video is (title, slug, kind, collection, description),
when and where from (release, duration, language, country, director, genres), its media (URLs, qualities), and
who may watch it for what (access, monetization, prices, performer count, featured/trending).

Every field is built with its stored value: a value set after building reaches the browser after it connects and
would replace what was typed meanwhile (issue 8). Later fills go through `FormState.fill`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui

from console.catalog.editor.collection_field import CollectionField
from console.catalog.editor.values import FIELD_LABELS, MONETIZATION_LABELS, PRICE_LABELS, URL_LABELS
from console.catalog.models import ACCESS_LEVELS, MONETIZATION, QUALITIES, VIDEO_KINDS
from console.catalog.rules import slugify
from console.catalog.service import SLUG_MAX, TEXT_LIMITS
from console.catalog.state_look import VIDEO_KIND_LABELS
from console.members.countries import COUNTRIES
from console.ui.date_field import date_field
from console.ui.form_state import FormState
from console.ui.forms import as_typed, limit_lengths, number_input, select


def country_options(stored: str | None) -> dict[Any, str]:
    options: dict[Any, str] = {None: "—", **{c: f"{c} · {n}" for c, n in sorted(COUNTRIES.items())}}
    if stored and stored not in options:
        options[stored] = stored
    return options


UNMARKED = ("access_level", "is_featured", "is_trending")  # switches and toggles: their messages go to the summary


class VideoForm:
    """The fields of one video, kept in a FormState; `collect()` reads them as the service takes them."""

    def __init__(
        self,
        form: FormState,
        view: dict[str, Any],
        collection: CollectionField,
        *,
        on_preview: Callable[[], None],
        on_count: Callable[[], None],
    ) -> None:
        self.form, self.ev, self.view, self.collection = form, form.base, view, collection
        self.on_preview, self.on_count = on_preview, on_count
        self.slug_manual = True  # a draft follows its title until its slug is edited by hand (`follow_title`)
        self.deriving = False

    def build(self) -> None:
        with ui.column().classes("grow gap-1 min-w-[480px] max-w-[880px]"):
            self.what_it_is()
            self.when_and_where()
            self.media()
            self.audience()
        self.fields: dict[str, Any] = {  # where a service's messages go ("thumbnail": the upload's)
            **{name: e for name, e in self.form.fields.items() if name in FIELD_LABELS and name not in UNMARKED},
            "thumbnail": self.urls["thumbnail_url"],
        }
        limit_lengths(self.fields, TEXT_LIMITS, FIELD_LABELS)  # counters and "is too long" as typed; not cut

    def _input(self, name: str, label: str, classes: str, props: str = "dense", **kw: Any) -> ui.input:
        mark = f"video-{name.replace('_cents', '').replace('_seconds', '').replace('_', '-')}"
        element = ui.input(label, value=self.ev[name], **kw).props(props).classes(classes).mark(mark)
        return self.form.add(name, element)

    def what_it_is(self) -> None:
        self.title = self._input("title", "Title", "w-full", on_change=self.title_changed)
        self.slug = self._input("slug", "Slug (address on the platform)", "w-full", on_change=self.slug_changed)
        kinds = [k for k in VIDEO_KINDS if k != "episode" or self.view["kind"] == "episode"]  # episodes: in a season
        with ui.row().classes("w-full gap-2 no-wrap"):
            self.kind = self.form.add(
                "kind",
                ui.select({k: VIDEO_KIND_LABELS[k] for k in kinds}, label="Kind", value=self.ev["kind"])
                .props("dense")
                .classes("w-32"),
            ).mark("video-kind")
            self.form.add("collection_id", self.collection.build(self.ev["collection_id"], self.on_preview))
        self.description = self.form.add(
            "description",
            ui.textarea("Description", value=self.ev["description"], on_change=self.on_preview)
            .props("dense autogrow")
            .classes("w-full")
            .mark("video-description"),
        )

    def when_and_where(self) -> None:
        with ui.row().classes("w-full gap-2 no-wrap"):
            self.form.add(
                "release_date",
                date_field("Release date", self.ev["release_date"], mark="video-release-date", classes="w-44"),
            )
            self._input("release_year", "Release year", "w-28", "dense maxlength=4")
            self.duration = self._input(
                "duration_seconds", "Duration (h:mm:ss)", "w-36", "dense maxlength=12", on_change=self.on_preview
            )
        with ui.row().classes("w-full gap-2 no-wrap"):
            self._input("language", "Language", "w-36")
            country = select(
                country_options(self.view.get("country")), value=self.ev["country"], label="Country", with_input=True
            )  # styled first, filled once; Enter picks the one country left by what was typed
            self.form.add("country", country.classes("w-56").mark("video-country"))
            self._input("director", "Director", "grow")
        self.form.add(
            "genres",
            ui.input_chips("Genres (type, then Enter)", value=self.ev["genres"], new_value_mode="add-unique")
            .props("dense")
            .classes("w-full")
            .mark("video-genres"),
        )

    def media(self) -> None:
        self.urls: dict[str, ui.input] = {n: self._input(n, label, "w-full") for n, label in URL_LABELS.items()}
        # the preview loads the thumbnail when the address is complete (leaving the field), not at every keystroke:
        # "https://e", "https://ex", … were each fetched by the browser
        self.urls["thumbnail_url"].on("blur", lambda: self.on_preview()).on("keydown.enter", lambda: self.on_preview())
        with ui.row().classes("items-center gap-3"):
            ui.label("Qualities").classes("text-sm opacity-70")
            self.qualities = {
                q: self.form.add(
                    f"quality:{q}",
                    ui.switch(q, value=self.ev[f"quality:{q}"]).props("dense").mark(f"video-quality-{q}"),
                )
                for q in QUALITIES
            }

    def audience(self) -> None:
        with ui.row().classes("items-center gap-3"):
            ui.label("Access level").classes("text-sm opacity-70")
            self.access = self.form.add(
                "access_level",
                ui.toggle(list(ACCESS_LEVELS), value=self.ev["access_level"], on_change=self.on_preview)
                .props("dense no-caps")
                .mark("video-access"),
            )
        with ui.row().classes("w-full gap-2 no-wrap items-start"):
            self.form.add(
                "monetization",
                ui.select(
                    {m: MONETIZATION_LABELS.get(m, m) for m in MONETIZATION},
                    label="Monetization",
                    value=self.ev["monetization"],
                )
                .props("dense")
                .classes("w-48")
                .mark("video-monetization"),
            )
            for name, label in PRICE_LABELS.items():
                self._input(name, label, "w-36", "dense maxlength=12", placeholder="4.99")
        with ui.row().classes("items-center gap-4"):
            self.performer_count = self.form.add(
                "performer_count",
                number_input(
                    "Performer count", value=self.ev["performer_count"], props="dense", on_change=self.on_count
                )
                .classes("w-36")
                .mark("video-performer-count"),
            )
            self.featured = self.form.add("is_featured", ui.switch("Featured", value=self.ev["is_featured"]))
            self.featured.mark("video-featured")
            self.trending = self.form.add("is_trending", ui.switch("Trending", value=self.ev["is_trending"]))
            self.trending.mark("video-trending")

    # --- reading the fields, and the slug that follows the title --------------------------------------------------

    def collect(self, file_size_bytes: Any) -> dict[str, Any]:
        """The fields as the service takes them (text as typed; it parses durations, money and dates)."""
        values = self.form.values()
        count = as_typed(values["performer_count"])
        data: dict[str, Any] = {
            name: (value or "") if isinstance(self.form.fields[name], ui.input | ui.textarea) else value
            for name, value in values.items()
            if not name.startswith("quality:")
        }
        data.update(
            genres=list(values["genres"] or []),
            qualities=[q for q in QUALITIES if values[f"quality:{q}"]],
            performer_count=count,
            is_featured=bool(values["is_featured"]),
            is_trending=bool(values["is_trending"]),
            file_size_bytes=file_size_bytes,  # not edited here; sent back unchanged
        )
        return data

    def follow_title(self, state: str) -> None:
        """A new or still-draft video follows its title until someone edits the slug by hand; a public one keeps
        its address unless changed on purpose."""
        typed_slug = (self.slug.value or "").strip()
        self.slug_manual = state != "draft" or typed_slug != slugify(self.title.value or "", SLUG_MAX)

    def title_changed(self) -> None:
        self.on_preview()
        if self.form.filling or self.slug_manual:
            return
        self.deriving = True
        try:
            self.slug.value = slugify(self.title.value or "", SLUG_MAX)
        finally:
            self.deriving = False

    def slug_changed(self) -> None:
        if self.form.filling or self.deriving:
            return
        typed = (self.slug.value or "").strip()
        self.slug_manual = bool(typed) and typed != slugify(self.title.value or "", SLUG_MAX)
