"""The Zadarma client's call statistics (``/v1/statistics/``) against the simulator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import aiohttp
import pytest

from custom_components.telco.api import (
    CallCost,
    TelcoApiError,
    TelcoRateLimitedError,
    TelcoValidationError,
    ZadarmaClient,
)
from tests.simulator import SimulatorServer
from tests.simulator.zadarma import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    DEMO_NUMBER_AUTORENEW,
    DEMO_NUMBER_EXPIRING,
    ZADARMA_KEY,
    ZadarmaSimulator,
)

from .zadarma_helpers import FakeClock

STATISTICS = "/v1/statistics/"


@pytest.fixture
def zadarma(simulator: SimulatorServer) -> ZadarmaSimulator:
    return simulator.app[ZADARMA_KEY]


@pytest.fixture
def clock(zadarma: ZadarmaSimulator) -> FakeClock:
    """One clock for the client's limiter and the simulator's rate windows."""
    clock = FakeClock()
    zadarma.clock = clock
    return clock


def make_client(
    simulator: SimulatorServer, session: aiohttp.ClientSession, clock: FakeClock, **kwargs: int
) -> ZadarmaClient:
    return ZadarmaClient(
        session,
        DEMO_API_KEY,
        DEMO_API_SECRET,
        base_url=simulator.zadarma_url,
        clock=clock,
        sleep=clock.sleep,
        **kwargs,
    )


@pytest.fixture
def client(
    simulator: SimulatorServer, session: aiohttp.ClientSession, clock: FakeClock
) -> ZadarmaClient:
    return make_client(simulator, session, clock)


def last_month() -> tuple[datetime, datetime]:
    now = datetime.now(UTC)
    return now - timedelta(days=30), now


def statistics_requests(zadarma: ZadarmaSimulator) -> list[dict[str, str]]:
    return [params for _, path, params in zadarma.received if path == STATISTICS]


async def test_seeded_calls_of_the_last_month(
    client: ZadarmaClient, zadarma: ZadarmaSimulator
) -> None:
    start, end = last_month()
    history = await client.get_statistics(start, end)
    assert history.start == start.replace(microsecond=0)
    assert history.end == end.replace(microsecond=0)
    calls = history.calls
    assert len(calls) == 3  # the call 40 days ago is outside the period
    starts = [call.call_start for call in calls]
    assert all(moment is not None and start <= moment <= end for moment in starts)
    assert starts == sorted(starts)  # type: ignore[type-var]
    # Incoming calls are listed apart, without costs.
    incoming = (await client.get_incoming_statistics(start, end)).calls
    assert {call.to for call in incoming} <= {DEMO_NUMBER_AUTORENEW, DEMO_NUMBER_EXPIRING}
    assert {call.disposition for call in incoming} == {"answered", "no answer", "busy"}
    assert all(call.bill_cost is None for call in incoming)
    assert not {call.id for call in incoming} & {call.id for call in calls}
    (mobile,) = [call for call in calls if call.description == "Poland, Mobile"]
    assert (mobile.from_, mobile.answered, mobile.bill_seconds) == (
        DEMO_NUMBER_AUTORENEW,
        True,
        240,
    )
    assert (mobile.cost_per_minute, mobile.bill_cost, mobile.currency) == (0.05, 0.2, "USD")
    assert len(mobile.id) == 24
    assert mobile.hangup_cause == "16"
    (sent,) = statistics_requests(zadarma)
    assert sent == {
        "start": start.strftime("%Y-%m-%d %H:%M:%S"),
        "end": end.strftime("%Y-%m-%d %H:%M:%S"),
        "skip": "0",
        "limit": "1000",
    }


async def test_times_are_sent_in_utc(client: ZadarmaClient, zadarma: ZadarmaSimulator) -> None:
    prague = timezone(timedelta(hours=1))
    start = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    await client.get_statistics(start.astimezone(prague), start + timedelta(days=1))
    assert statistics_requests(zadarma)[0]["start"] == "2026-03-01 12:00:00"
    assert statistics_requests(zadarma)[0]["end"] == "2026-03-02 12:00:00"


async def test_spec_typing_parses_the_same(
    client: ZadarmaClient, zadarma: ZadarmaSimulator
) -> None:
    start, end = last_month()
    live = await client.get_statistics(start, end)
    zadarma.settings.spec_typing = True
    spec = await client.get_statistics(start, end)
    assert [call.from_ for call in spec.calls] == [call.from_ for call in live.calls]
    assert [call.hangup_cause for call in spec.calls] == [None] * 3
    assert [call.disposition for call in spec.calls] == [call.disposition for call in live.calls]


async def test_filters_and_paging(client: ZadarmaClient, zadarma: ZadarmaSimulator) -> None:
    start, end = last_month()
    everything = (await client.get_statistics(start, end)).calls
    second_sip = (await client.get_statistics(start, end, sip="100002")).calls
    assert second_sip == tuple(call for call in everything if call.sip == "100002")
    assert len(second_sip) == 1
    page = (await client.get_statistics(start, end, skip=2, limit=3)).calls
    assert page == everything[2:5]
    assert (await client.get_statistics(start, end, toll_free=True)).calls == ()
    assert statistics_requests(zadarma)[-1]["type"] == "toll-free"
    assert "type" not in statistics_requests(zadarma)[0]


async def test_added_calls_appear(
    client: ZadarmaClient,
    zadarma: ZadarmaSimulator,
    simulator: SimulatorServer,
    session: aiohttp.ClientSession,
) -> None:
    missed = zadarma.demo.add_call(
        from_="48609000000", to=DEMO_NUMBER_AUTORENEW, disposition="no answer"
    )
    async with session.post(
        f"{simulator.url}/_control/zadarma/calls",
        json={"from": "48609000001", "to": DEMO_NUMBER_EXPIRING, "billseconds": 30, "count": 2},
    ) as response:
        added = await response.json()
    assert [item["from"] for item in added] == [48609000001, 48609000001]
    calls = (await client.get_incoming_statistics(*last_month())).calls
    assert [call.id for call in calls[-3:]] == [missed.id, added[0]["id"], added[1]["id"]]
    assert (calls[-3].disposition, calls[-3].answered) == ("no answer", False)
    assert calls[-1].bill_seconds == 30


async def test_call_costs(client: ZadarmaClient, zadarma: ZadarmaSimulator) -> None:
    start, end = last_month()
    calls = (await client.get_statistics(start, end)).calls
    (total,) = await client.get_call_costs(start, end)
    assert total == CallCost(
        cost=pytest.approx(sum(call.bill_cost or 0 for call in calls)),  # type: ignore[arg-type]
        currency="USD",
        seconds=sum(call.bill_seconds for call in calls),
    )
    assert total.cost > 0
    assert statistics_requests(zadarma)[-1]["cost_only"] == "1"
    assert await client.get_call_costs(start, end, sip="999999") == []


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"start": datetime(2026, 3, 1)}, "naive_datetime"),  # noqa: DTZ001
        ({"end": datetime(2026, 3, 2)}, "naive_datetime"),  # noqa: DTZ001
        ({"end": datetime(2026, 2, 1, tzinfo=UTC)}, "invalid_period"),
        ({"limit": 0}, "invalid_limit"),
        ({"limit": 1001}, "invalid_limit"),
        ({"skip": -1}, "invalid_skip"),
    ],
)
async def test_refused_before_sending(
    client: ZadarmaClient,
    zadarma: ZadarmaSimulator,
    kwargs: dict[str, object],
    reason: str,
) -> None:
    arguments: dict[str, object] = {
        "start": datetime(2026, 3, 1, tzinfo=UTC),
        "end": datetime(2026, 3, 2, tzinfo=UTC),
        **kwargs,
    }
    with pytest.raises(TelcoValidationError) as err:
        await client.get_statistics(**arguments)  # type: ignore[arg-type]
    assert err.value.reason == reason
    assert zadarma.received == []


async def test_period_longer_than_a_month_is_refused(client: ZadarmaClient) -> None:
    """Zadarma allows at most a month; how it refuses more is not documented."""
    end = datetime.now(UTC)
    with pytest.raises(TelcoApiError):
        await client.get_statistics(end - timedelta(days=70), end)


async def test_simulator_refuses_a_malformed_date(
    client: ZadarmaClient, zadarma: ZadarmaSimulator
) -> None:
    with pytest.raises(TelcoApiError):
        await client._call(dict, "GET", "statistics", {"start": "yesterday"})
    with pytest.raises(TelcoApiError):
        await client._call(dict, "GET", "statistics", {"skip": "-1"})
    with pytest.raises(TelcoApiError):
        await client._call(dict, "GET", "statistics", {"type": "incoming"})
    defaults = await client._call(dict, "GET", "statistics")
    assert defaults["start"].endswith("-01 00:00:00")


# --- The statistics limit: 3 requests a minute -----------------------------------------------


async def test_client_waits_for_the_statistics_limit(
    client: ZadarmaClient, zadarma: ZadarmaSimulator, clock: FakeClock
) -> None:
    start, end = last_month()
    for _ in range(3):
        await client.get_statistics(start, end)
        clock.now += 5
    # Other methods are not held back by the statistics limit.
    await client.get_balance()
    assert clock.sleeps == []
    await client.get_call_costs(start, end)
    # The first statistics request leaves the window 60 s after it was sent: 45 s later.
    assert clock.sleeps == [pytest.approx(45)]
    assert len(statistics_requests(zadarma)) == 4
    assert zadarma.demo.rate_limited == 0


async def test_simulator_answers_429_over_the_statistics_limit(
    simulator: SimulatorServer,
    session: aiohttp.ClientSession,
    zadarma: ZadarmaSimulator,
    clock: FakeClock,
) -> None:
    # A client that allows itself more than Zadarma does.
    client = make_client(simulator, session, clock, statistics_requests_per_minute=10)
    start, end = last_month()
    for _ in range(3):
        await client.get_statistics(start, end)
    with pytest.raises(TelcoRateLimitedError) as err:
        await client.get_statistics(start, end)
    assert err.value.retry_after == 60
    assert zadarma.demo.rate_limited == 1
    # Until the delay has passed no statistics request is sent, but others are.
    with pytest.raises(TelcoRateLimitedError):
        await client.get_call_costs(start, end)
    assert len(statistics_requests(zadarma)) == 4
    assert (await client.get_balance()).currency == "USD"
    clock.now += 60
    assert len((await client.get_statistics(start, end)).calls) == 3


async def test_times_are_sent_and_read_in_the_account_zone(
    client: ZadarmaClient, zadarma: ZadarmaSimulator
) -> None:
    """Zadarma writes every date in the account's zone; statistics are no exception."""
    zadarma.demo.utc_offset_minutes = 120
    await client.get_timezone()
    start = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    call = zadarma.demo.add_call(from_="48221234567", to="420601234567", callstart=start)
    history = await client.get_statistics(start - timedelta(minutes=1), start + timedelta(days=1))
    assert statistics_requests(zadarma)[0]["start"] == "2026-03-01 13:59:00"
    assert [record.call_start for record in history.calls if record.id == call.id] == [start]
    assert history.start == start - timedelta(minutes=1)


async def test_statistics_limit_is_a_setting(
    simulator: SimulatorServer, session: aiohttp.ClientSession, clock: FakeClock
) -> None:
    async with session.post(
        f"{simulator.url}/_control/zadarma/settings",
        json={"statistics_rate_limit_per_minute": 1},
    ) as response:
        assert (await response.json())["statistics_rate_limit_per_minute"] == 1
    client = make_client(simulator, session, clock, statistics_requests_per_minute=5)
    await client.get_statistics(*last_month())
    with pytest.raises(TelcoRateLimitedError):
        await client.get_statistics(*last_month())


def test_statistics_limiter_needs_a_positive_limit(session: aiohttp.ClientSession) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        ZadarmaClient(session, DEMO_API_KEY, DEMO_API_SECRET, statistics_requests_per_minute=0)
