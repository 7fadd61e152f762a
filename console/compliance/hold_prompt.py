"""The question every compliance edit asks before it takes public videos down (holds.py): which, and why."""

from __future__ import annotations

from console.compliance.holds import Held
from console.ui.forms import confirm


async def confirm_holds(held: Held) -> bool:
    """Saving would put public videos on hold: name them and the reasons, and let the officer decide."""
    lines = [f"• {title} (#{vid}): " + "; ".join(reasons) for vid, (title, reasons) in held.items()]
    noun = "a public video" if len(held) == 1 else f"{len(held)} public videos"
    return await confirm(
        f"Saving puts {noun} on hold",
        "With this change the 2257 checks refuse:\n" + "\n".join(lines) + "\n\nThey are unpublished now and stay "
        "on hold until compliance releases them. Save anyway?",
        ok_label="Save and put on hold",
        danger=True,
    )
