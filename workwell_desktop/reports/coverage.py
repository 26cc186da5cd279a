"""How complete and current the figures are: "data as of", per coach. No Qt.

A summary is worked out on the team lead's laptop from what has reached it through
the server. A coach whose laptop has not synced is not absent from the service, only
from the figures, so every summary says, per coach, the moment up to which their work
is known to be in it, and warns when that is before the period ended.

Where it comes from: the server relays, with the last page of each of the team
lead's syncs, every team account and each of its laptops that is not revoked, with
the laptop's last sync and the changes it said were still waiting
(``store.coverage``, ``server/coverage.py``). A coach's data is as of the *oldest*
last sync among their laptops (work on any of them may be missing after that), never
the newest. A laptop registered but never synced, or an account with no laptop,
gives no date: its coach is "not synced". This laptop's own work is always in.

Coach identity (``coach_key``): a client's ``coach`` is the server account's
username; older records made before a laptop was registered may hold the name typed
at set-up, which is matched to the one account with that display name. A name that
matches no account is kept as it is and flagged: its laptop cannot be checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from ..store.coverage import load_coverage

UNASSIGNED = "unassigned"
_ROLES = ("coach", "team_lead")


def _moment(text) -> datetime | None:
    if not isinstance(text, str) or not text or len(text) > 40:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def period_end_utc(end: date) -> datetime:
    """The instant a period ending on Sunday ``end`` ends: Monday 00:00 Europe/London, in UTC."""
    from .figures import london_offset_at

    local_midnight = datetime.combine(end + timedelta(days=1), time.min)
    return (local_midnight - london_offset_at(local_midnight)).replace(tzinfo=UTC)


def london_text(moment: datetime) -> str:
    """'Fri 20 Nov 2026 16:05' in Europe/London."""
    from .figures import london_offset

    local = moment.astimezone(UTC) + london_offset(moment.astimezone(UTC))
    return f"{local:%a %d %b %Y %H:%M}"


@dataclass(frozen=True)
class Laptop:
    device_id: str
    registered_at: datetime | None
    last_sync_at: datetime | None
    waiting: int | None
    this_laptop: bool = False


@dataclass
class CoachCoverage:
    key: str  # the username (or, for a name with no account, that name)
    name: str  # how it is shown: the account's display name
    on_server: bool  # a server account of this team
    laptops: list[Laptop] = field(default_factory=list)
    role: str = ""  # the account's role ("" for a name with no account)

    @property
    def data_as_of(self) -> datetime | None:
        """Up to when this coach's work is known to be here; None when it cannot be known."""
        if not self.on_server or not self.laptops:
            return None
        moments = [laptop.last_sync_at for laptop in self.laptops]
        known = [m for m in moments if m is not None]
        return min(known) if len(known) == len(moments) else None

    @property
    def waiting(self) -> int:
        """Changes the coach's laptops said were still waiting at their last syncs."""
        return sum(laptop.waiting or 0 for laptop in self.laptops)

    def problem(self, period_end: datetime) -> str:
        """Why this coach's figures may be incomplete for a period ending then; '' if they are not."""
        if not self.on_server:
            return (
                f"{self.name}: clients are recorded under a name that is not a server account, "
                "so whether their laptop has synced cannot be checked."
            )
        if not self.laptops:
            return f"{self.name}: no laptop has ever synced for this account: none of their work is here."
        never = [laptop for laptop in self.laptops if laptop.last_sync_at is None]
        if never:
            return (
                f"{self.name}: a laptop registered {_day(never[0].registered_at)} has never synced: "
                "its work is not here."
            )
        as_of = self.data_as_of
        if as_of is not None and as_of < period_end:
            many = " (the oldest of their laptops)" if len(self.laptops) > 1 else ""
            return (
                f"{self.name}: not synced since the period ended; data as of {london_text(as_of)}"
                f"{many}. Their figures may be incomplete."
            )
        if self.waiting:
            return f"{self.name}: {self.waiting} changes were still waiting to be sent at their last sync."
        return ""


def _day(moment: datetime | None) -> str:
    return f"on {moment:%d %b %Y}" if moment else "on an unknown date"


@dataclass
class Coverage:
    """What this laptop knows of the team's syncs (see the module docstring)."""

    received_at: datetime | None  # when the server last sent it; None: never
    coaches: dict[str, CoachCoverage]
    display: dict[str, str]  # username -> display name, for every account
    usernames_by_name: dict[str, str]  # casefolded display name -> username, when unique

    def coach_key(self, recorded: str | None) -> str:
        """The one identity for a client's recorded coach (see the module docstring)."""
        text = (recorded or "").strip()
        if not text:
            return UNASSIGNED
        if text in self.display:
            return text
        return self.usernames_by_name.get(text.casefold(), text)

    def name(self, key: str) -> str:
        if key == UNASSIGNED:
            return "No coach assigned"
        return self.display.get(key, key)

    def coach(self, key: str) -> CoachCoverage:
        if key not in self.coaches:
            self.coaches[key] = CoachCoverage(key, self.name(key), key in self.display)
        return self.coaches[key]

    def roster(self) -> list[str]:
        """The accounts that coach (team leads appear when they hold clients)."""
        return [key for key, c in self.coaches.items() if c.on_server and c.role == "coach"]

    def warnings(self, keys: list[str], period_end: datetime) -> list[str]:
        """Plain-English warnings for these coaches, for a period ending at ``period_end``."""
        if self.received_at is None:
            return [
                "This laptop has had no sync coverage from the server (it is not connected, "
                "or the server is older): these figures hold only what is on this laptop."
            ]
        out = []
        if self.received_at < period_end:
            out.append(
                f"This laptop last synced {london_text(self.received_at)}, before the period "
                "ended: sync now for complete figures."
            )
        for key in keys:
            if key == UNASSIGNED:
                continue
            problem = self.coach(key).problem(period_end)
            if problem:
                out.append(problem)
        return out


def load(store) -> Coverage:
    """Read and check what the server last sent (hostile until checked: bad entries are
    dropped, so a coach they described shows as not synced, never as complete)."""
    from ..store import replica

    data = load_coverage(store) or {}
    own_device = replica.get_setting(store, "server_device_id")
    received = _moment(data.get("received_at"))
    coaches: dict[str, CoachCoverage] = {}
    display: dict[str, str] = {}
    members = data.get("members")
    if not isinstance(members, list):
        members = []
    for member in members[:10_000]:
        if not isinstance(member, dict):
            continue
        username, name, role = member.get("username"), member.get("display_name"), member.get("role")
        if not (isinstance(username, str) and 0 < len(username) <= 100 and role in _ROLES):
            continue
        name = name.strip() if isinstance(name, str) and name.strip() else username
        laptops = []
        devices = member.get("devices")
        if not isinstance(devices, list):
            devices = []
        for device in devices[:1000]:
            if not isinstance(device, dict) or not isinstance(device.get("device_id"), str):
                continue
            waiting = device.get("waiting")
            counted = isinstance(waiting, int) and not isinstance(waiting, bool) and waiting >= 0
            waiting = waiting if counted else None
            this = device["device_id"] == own_device
            synced = _moment(device.get("last_sync_at"))
            if this and received is not None:
                synced = max(synced or received, received)  # this laptop's own work is all here
            laptops.append(
                Laptop(device["device_id"], _moment(device.get("registered_at")), synced, waiting, this)
            )
        coaches[username] = CoachCoverage(username, name, True, laptops, role)
        display[username] = name
    by_name: dict[str, list[str]] = {}
    for username, name in display.items():
        by_name.setdefault(name.casefold(), []).append(username)
    unique = {name: users[0] for name, users in by_name.items() if len(users) == 1}
    return Coverage(received, coaches, display, unique)
