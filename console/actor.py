"""Who is acting: a signed-in staff member, the system (seeds, schedulers) or an anonymous caller."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class ClientInfo:
    ip: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True)
class Actor:
    kind: Literal["staff", "system", "anonymous"]
    label: str
    staff_id: int | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    session_id: str | None = None
    client: ClientInfo = field(default_factory=ClientInfo)

    @property
    def is_system(self) -> bool:
        return self.kind == "system"


SYSTEM = Actor(kind="system", label="system")


def anonymous(label: str = "anonymous", client: ClientInfo | None = None) -> Actor:
    return Actor(kind="anonymous", label=label[:254], client=client or ClientInfo())


def cli_actor() -> Actor:
    """The system actor of a `run.py` command, named after the Unix user who ran it (audit events say who)."""
    import getpass
    import os

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid()) if hasattr(os, "getuid") else "unknown"
    return Actor(kind="system", label=f"cli:{user}"[:255])
