"""What the API answers, as typed values."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional


@dataclass(frozen=True)
class Match:
    artist_id: int
    artist_name: str
    phrase: str
    kind: str
    policy: str
    start: int
    end: int
    via: List[str]

    @classmethod
    def from_json(cls, value: Dict[str, Any]) -> "Match":
        return cls(value["artist_id"], value.get("artist_name", ""), value["phrase"], value["kind"], value["policy"],
                   value["start"], value["end"], list(value.get("via", [])))


@dataclass(frozen=True)
class CheckResult:
    """`allowed` is what a generator acts on; `matches` say whom the prompt names and how it was read."""
    allowed: bool
    matches: List[Match]
    registry_version: int
    incomplete: bool = False

    @property
    def credits(self) -> List[str]:
        return sorted({match.artist_name for match in self.matches if match.policy == "credit"})


@dataclass(frozen=True)
class Generation:
    id: str
    allowed: bool
    idempotency_key: str
    credits: List[Dict[str, Any]]
    charge: Optional[Dict[str, Any]]
    usage: Optional[Dict[str, Any]]
    raw: Dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class LabelCheck:
    labeled: bool
    generation_id: Optional[str]
    credits_required: List[str]
    c2pa: Optional[Dict[str, Any]]

    @property
    def c2pa_valid(self) -> bool:
        return bool(self.c2pa and self.c2pa.get("valid"))


@dataclass(frozen=True)
class LookupResult:
    """One answer of the registry look-up, in the order asked."""
    item: Dict[str, str]
    opted_out: Optional[bool]
    artist_id: Optional[int]
    matched: Optional[str]
    error: Optional[Dict[str, str]] = None


@dataclass(frozen=True)
class Takedown:
    event_id: int
    report_id: int
    generation_id: str
    action: str
    decided_by: str
    at: str
