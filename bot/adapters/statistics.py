"""Counts for the municipality's follow-up: per day, never a text, an id or a time finer
than the day.

One Redis hash per day (UTC) holds every count of that day under names like
`started:channel:web`, `role:young`, `handoff:support`, `outcome:support:advice` and
`wait:support:5` (a claim after at most 5 minutes). The report reads them back.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import cast

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.adapters import redis_keys
from bot.core.casework import LONGER_WAIT, WAIT_BUCKETS
from bot.errors import StoreError

KEEP_DAYS = 400  # a year of follow-up, and the same month a year before
MAX_REPORT_DAYS = KEEP_DAYS  # older days are gone anyway

# Measure (as the report and the CSV call it) and the count-name prefix it reads.
STARTED_BY_CHANNEL = "started-by-channel"
STARTED_BY_LANGUAGE = "started-by-language"
ROLE = "role"
TOPIC = "topic"
HANDOFFS_BY_TEAM = "handoffs-by-team"
OUTCOME = "outcome"  # value "<team>:<outcome>"
WAIT = "wait-minutes"  # value "<team>:<bucket upper bound>"
WAIT_MEDIAN = "wait-median-minutes"
WAIT_P90 = "wait-p90-minutes"
MEASURES = {
    STARTED_BY_CHANNEL: "started:channel:",
    STARTED_BY_LANGUAGE: "started:language:",
    ROLE: "role:",
    TOPIC: "topic:",
    HANDOFFS_BY_TEAM: "handoff:",
    OUTCOME: "outcome:",
    WAIT: "wait:",
}
CSV_COLUMNS = ("day", "measure", "value", "count")


@dataclass(frozen=True, slots=True)
class DayCounts:
    day: date
    counts: Mapping[str, int]  # count name -> count, only those counted that day

    def measure(self, measure: str) -> dict[str, int]:
        prefix = MEASURES[measure]
        return {name.removeprefix(prefix): n for name, n in self.counts.items() if name.startswith(prefix)}

    def waits(self) -> dict[str, dict[str, int]]:
        """Per team, the claims per waiting-time bucket (upper bound in minutes)."""
        teams: dict[str, dict[str, int]] = {}
        for value, n in self.measure(WAIT).items():
            team, _, bucket = value.rpartition(":")
            teams.setdefault(team, {})[bucket] = n
        return teams

    @property
    def started(self) -> int:
        return sum(self.measure(STARTED_BY_CHANNEL).values())


@dataclass(frozen=True, slots=True)
class Report:
    """Every day from `first` to `last` (inclusive), days without counts too."""

    first: date
    last: date
    days: tuple[DayCounts, ...]

    def total(self, measure: str) -> dict[str, int]:
        """A measure's counts over the whole report, largest first."""
        totals: dict[str, int] = {}
        for day in self.days:
            for value, n in day.measure(measure).items():
                totals[value] = totals.get(value, 0) + n
        return dict(sorted(totals.items(), key=lambda item: (-item[1], item[0])))

    @property
    def started_by_channel(self) -> dict[str, int]:
        return self.total(STARTED_BY_CHANNEL)

    @property
    def started_by_language(self) -> dict[str, int]:
        return self.total(STARTED_BY_LANGUAGE)

    @property
    def roles(self) -> dict[str, int]:
        return self.total(ROLE)

    @property
    def topics(self) -> dict[str, int]:
        return self.total(TOPIC)

    @property
    def handoffs_by_team(self) -> dict[str, int]:
        return self.total(HANDOFFS_BY_TEAM)

    @property
    def outcomes(self) -> dict[str, int]:
        """Keyed "<team>:<outcome>"."""
        return self.total(OUTCOME)

    @property
    def started_per_day(self) -> list[tuple[str, int]]:
        return [(day.day.isoformat(), day.started) for day in self.days]

    def waits(self) -> dict[str, dict[str, int]]:
        """Per team, the claims per waiting-time bucket over the whole report."""
        teams: dict[str, dict[str, int]] = {}
        for day in self.days:
            for team, buckets in day.waits().items():
                summed = teams.setdefault(team, {})
                for bucket, n in buckets.items():
                    summed[bucket] = summed.get(bucket, 0) + n
        return dict(sorted(teams.items()))

    def wait_quantiles(self) -> dict[str, tuple[str, str]]:
        """Per team, the median and 90th percentile wait in minutes, as bucket labels."""
        return {team: (quantile(b, 0.5), quantile(b, 0.9)) for team, b in self.waits().items()}


def quantile(buckets: Mapping[str, int], q: float) -> str:
    """The upper bound of the bucket where the cumulative count reaches `q` of the
    total ("5": at most 5 minutes; ">240" for the open last bucket); "" when empty."""
    total = sum(buckets.values())
    seen = 0
    for bucket in sorted(buckets, key=_bound):
        seen += buckets[bucket]
        if total and seen >= q * total:
            return _label(bucket)
    return ""


def _bound(bucket: str) -> float:
    try:
        return float(bucket)  # "inf" too
    except ValueError:
        return math.inf  # not a bucket this code writes: last, rather than fail the report


def _label(bucket: str) -> str:
    return f">{WAIT_BUCKETS[-1]}" if bucket == LONGER_WAIT else bucket


def to_csv(report: Report) -> str:
    """One row per count per day (`day,measure,value,count`), then each team's median
    and 90th percentile wait of the day, in minutes (">240" past the last bucket)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for day in report.days:
        when = day.day.isoformat()
        for measure in MEASURES:
            for value, n in sorted(day.measure(measure).items()):
                if n:
                    writer.writerow((when, measure, value, n))
        for team, buckets in sorted(day.waits().items()):
            if sum(buckets.values()):
                writer.writerow((when, WAIT_MEDIAN, team, quantile(buckets, 0.5)))
                writer.writerow((when, WAIT_P90, team, quantile(buckets, 0.9)))
    return out.getvalue()


class Statistics:
    def __init__(self, redis: Redis, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._redis = redis
        self._clock = clock

    async def count(self, *names: str) -> None:
        """Add one to each name in today's counts, in one round trip."""
        if not names:
            return
        key = redis_keys.statistics(self._clock().astimezone(UTC).strftime("%Y-%m-%d"))
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for name in names:
                    pipe.hincrby(key, name, 1)
                pipe.expire(key, KEEP_DAYS * 24 * 3600)
                await pipe.execute()
        except RedisError as err:
            raise StoreError("cannot count") from err

    async def count_outcome(self, team: str, outcome: str) -> None:
        await self.count(f"outcome:{team}:{outcome}")

    async def counts(self, day: str) -> dict[str, int]:
        try:
            raw = cast(dict[bytes, bytes], await self._redis.hgetall(redis_keys.statistics(day)))
        except RedisError as err:
            raise StoreError("cannot read statistics") from err
        return {name.decode(): int(value) for name, value in raw.items()}

    async def report(self, first: date, last: date) -> Report:
        """The counts of every day from `first` to `last`, inclusive; ValueError for
        more than MAX_REPORT_DAYS days or `last` before `first`."""
        length = (last - first).days + 1
        if length < 1:
            raise ValueError("the last day is before the first")
        if length > MAX_REPORT_DAYS:
            raise ValueError(f"a report covers at most {MAX_REPORT_DAYS} days")
        days = [first + timedelta(days=n) for n in range(length)]
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for day in days:
                    pipe.hgetall(redis_keys.statistics(day.isoformat()))
                raw = cast(list[dict[bytes, bytes]], await pipe.execute())
        except RedisError as err:
            raise StoreError("cannot read statistics") from err
        return Report(
            first,
            last,
            tuple(
                DayCounts(day, {name.decode(): int(n) for name, n in counts.items()})
                for day, counts in zip(days, raw, strict=True)
            ),
        )
