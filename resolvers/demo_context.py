"""The shared state of one demo load: a seeded random source, the reference day and what was built.

Everything random in the demo goes through :class:`DemoContext`, whose generators also keep the
invented names, phone numbers and identifiers unique. Identifiers are generated with valid check
characters (GB 32100 for organizations, GB 11643 for residents).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from models import Area, Organization, Professional, Resident
from models.enums import CertificationKind, Gender
from resolvers.demo_catalog import FORBIDDEN_NAMES, GIVEN_NAMES, MOBILE_PREFIXES, SURNAMES
from resolvers.identifiers import ID_CHECK, ID_WEIGHTS, USCC_ALPHABET, USCC_WEIGHTS
from resolvers.residents import age_on

TIMEZONE = ZoneInfo("Asia/Shanghai")
GONGSHU = "330105"
KM_PER_DEGREE_LAT = 111.0


def uscc_check_char(body: str) -> str:
    """The GB 32100-2015 check character of the first 17 characters of a credit code."""
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(body, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def id_check_char(body: str) -> str:
    """The GB 11643-1999 (ISO 7064 MOD 11-2) check character of the first 17 digits of an ID number."""
    return ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


@dataclass
class DemoContext:
    """Random source, reference day and registries of the rows built so far."""

    rng: random.Random
    today: date
    areas: dict[str, Area] = field(default_factory=dict)
    organizations: dict[str, Organization] = field(default_factory=dict)
    professionals: list[Professional] = field(default_factory=list)
    residents: list[Resident] = field(default_factory=list)
    guardians_of: dict[int, list[int]] = field(default_factory=dict)
    credentials: dict[int, set[CertificationKind]] = field(default_factory=dict)
    serves: dict[int, set[int]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    _taken: set[str] = field(default_factory=set)

    # -- time -------------------------------------------------------------------------------------
    def at(self, day_offset: int, hhmm: str) -> datetime:
        """A Shanghai wall-clock time ``day_offset`` days from the reference day."""
        day = self.today + timedelta(days=day_offset)
        return datetime.combine(day, time.fromisoformat(hhmm), TIMEZONE)

    def day(self, day_offset: int) -> date:
        """The reference day shifted by ``day_offset`` days."""
        return self.today + timedelta(days=day_offset)

    def birth_date(self, min_age: int, max_age: int) -> date:
        """A birth date giving an age between ``min_age`` and ``max_age`` (inclusive) on the reference day."""
        while True:
            birth = self.today - timedelta(days=self.rng.randint(min_age * 365, max_age * 365 + 364))
            if min_age <= age_on(birth, self.today) <= max_age:
                return birth

    # -- unique invented values ------------------------------------------------------------------------
    def unique(self, make) -> str:
        """Call ``make`` until it returns a value not used before (nor a forbidden name)."""
        while True:
            value = make()
            if value not in self._taken and value not in FORBIDDEN_NAMES:
                self._taken.add(value)
                return value

    def person_name(self, gender: Gender, generation: str) -> str:
        """An invented name (never one from the report) of the ``generation`` pool: senior, adult, child."""
        pool = GIVEN_NAMES[generation][gender]
        return self.unique(lambda: self.rng.choice(SURNAMES) + self.rng.choice(pool))

    def phone(self) -> str:
        """A mainland mobile number that passes ``normalize_phone``."""
        return self.unique(lambda: self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}")

    def id_number(self, birth: date, gender: Gender) -> str:
        """A Gongshu resident ID number for this birth date and gender, with its check digit."""
        def make() -> str:
            sex = self.rng.choice("13579" if gender is Gender.MALE else "02468")
            body = f"{GONGSHU}{birth:%Y%m%d}{self.rng.randrange(100):02d}{sex}"
            return body + id_check_char(body)
        return self.unique(make)

    def uscc(self, prefix: str) -> str:
        """A credit code ``prefix`` + Gongshu region + invented organization code + check character."""
        def make() -> str:
            body = prefix + GONGSHU + "MJ" + "".join(self.rng.choice(USCC_ALPHABET) for _ in range(7))
            return body + uscc_check_char(body)
        return self.unique(make)

    # -- places -------------------------------------------------------------------------------------
    def near(self, lat: float, lng: float, km: float) -> tuple[float, float]:
        """A point within ``km`` of (lat, lng), rounded to about a metre."""
        distance, bearing = km * math.sqrt(self.rng.random()), self.rng.uniform(0, 2 * math.pi)
        dlat = distance * math.cos(bearing) / KM_PER_DEGREE_LAT
        dlng = distance * math.sin(bearing) / (KM_PER_DEGREE_LAT * math.cos(math.radians(lat)))
        return round(lat + dlat, 6), round(lng + dlng, 6)

    def communities(self) -> list[Area]:
        """The communities, in catalog order."""
        return [area for area in self.areas.values() if area.parent_id is not None]
