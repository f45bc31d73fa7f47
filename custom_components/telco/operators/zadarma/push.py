"""Zadarma pushes its call events and SMS to a Home Assistant webhook (option ``push_events``).

Turning push on creates a webhook with a random id and registers its URL at Zadarma,
for call notifications and for the SMS hook: a Home Assistant Cloud cloudhook where the
user has one, otherwise the external URL. Zadarma checks the URL first with a GET
carrying ``zd_echo``, answered here. Every POST must be signed with the account's API
secret; anything else is dropped. The webhook answers at once and tells the event
after answering. Turning push off, or removing the entry, removes our URL at Zadarma
(only while it is still ours) and the webhook.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.network import NoURLAvailableError, get_url
from homeassistant.util import dt as dt_util

from ...api import TelcoError
from ...api.zadarma import ZadarmaClient
from ...api.zadarma_webhooks import (
    CALL_NOTIFICATIONS,
    SMS_EVENT,
    CallNotification,
    SmsNotification,
    is_signed,
)
from ...const import CONF_API_SECRET, CONF_PUSH_EVENTS, CONF_PUSH_URL, DOMAIN, LOGGER
from ...model.declaration import PushError, PushPlan, PushSupport, TelcoConfigEntry
from ...model.issues import async_delete_entry_issues, entry_issue_id
from .calls import (
    PUSHED_STATISTICS_INTERVAL,
    STATISTICS_INTERVAL,
    PushedEvent,
    ToldCall,
    ZadarmaCall,
    parties,
)
from .client import connect
from .coordinators import ZadarmaRuntimeData

# The SMS hook, among the webhooks Zadarma offers.
SMS_HOOK = "sms"
# The repair issue of push that stopped: our URL gone at Zadarma, or calls only polled.
PUSH_BROKEN = "push_broken"
# How long calls may be seen by polling alone before push counts as silently broken.
SILENCE_BEFORE_REPAIR = timedelta(days=1)


def push_enabled(entry: TelcoConfigEntry) -> bool:
    """Tell whether push is on for an entry (the option, and a webhook to push to)."""
    return bool(entry.options.get(CONF_PUSH_EVENTS) and entry.data.get(CONF_WEBHOOK_ID))


def _client(hass: HomeAssistant, entry: TelcoConfigEntry) -> ZadarmaClient:
    """Return the running client, or one of its own while the entry is not loaded."""
    runtime = getattr(entry, "runtime_data", None)
    if isinstance(runtime, ZadarmaRuntimeData):
        return runtime.client
    return connect(async_get_clientsession(hass), entry.data)


def _cloud_logged_in(hass: HomeAssistant) -> bool:
    """Tell whether the user has Home Assistant Cloud with a subscription."""
    if "cloud" not in hass.config.components:
        return False
    from homeassistant.components import cloud  # noqa: PLC0415 (an after-dependency)

    return cloud.async_active_subscription(hass)


async def _async_url(hass: HomeAssistant, webhook_id: str) -> str:
    """Return the URL Zadarma can reach the webhook at, or refuse when there is none."""
    if _cloud_logged_in(hass):
        from homeassistant.components import cloud  # noqa: PLC0415 (an after-dependency)

        return await cloud.async_get_or_create_cloudhook(hass, webhook_id)
    try:
        base = get_url(hass, allow_internal=False, prefer_external=True)
    except NoURLAvailableError as err:
        raise PushError("no_external_url") from err
    return f"{base}{webhook.async_generate_path(webhook_id)}"


async def async_prepare(hass: HomeAssistant, entry: TelcoConfigEntry) -> PushPlan:
    """Find our URL and the URLs set at Zadarma that ours would replace; change nothing."""
    webhook_id = entry.data.get(CONF_WEBHOOK_ID) or webhook.async_generate_id()
    url = await _async_url(hass, webhook_id)
    client = _client(hass, entry)
    try:
        calls, hooks = await client.get_call_notifications(), await client.get_webhooks()
    except TelcoError as err:
        raise PushError("cannot_connect", str(err)) from err
    ours = {url, entry.data.get(CONF_PUSH_URL)}
    replaces = tuple(dict.fromkeys(u for u in (calls.url, hooks.url) if u and u not in ours))
    return PushPlan(webhook_id=webhook_id, url=url, replaces=replaces)


async def async_enable(hass: HomeAssistant, entry: TelcoConfigEntry, plan: PushPlan) -> None:
    """Register our URL at Zadarma for call notifications and SMS, and keep it with the entry."""
    client = _client(hass, entry)
    try:
        # Zadarma checks each URL with zd_echo: the webhook answers it while registered.
        _register(hass, entry, plan.webhook_id)
        await client.set_call_notification_url(plan.url)
        await client.set_call_notifications(**dict.fromkeys(CALL_NOTIFICATIONS, True))
        await client.set_webhooks_url(plan.url)
        await client.set_webhook_hooks(**{SMS_HOOK: True})
    except TelcoError as err:
        webhook.async_unregister(hass, plan.webhook_id)
        raise PushError("url_check_failed", str(err)) from err
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_WEBHOOK_ID: plan.webhook_id, CONF_PUSH_URL: plan.url}
    )
    # A loaded entry takes the events at once; otherwise its next setup does.
    runtime = getattr(entry, "runtime_data", None)
    if isinstance(runtime, ZadarmaRuntimeData) and not entry.options.get(CONF_PUSH_EVENTS):
        _follow(hass, entry, runtime, plan.webhook_id)


async def async_disable(hass: HomeAssistant, entry: TelcoConfigEntry) -> None:
    """Remove our URL at Zadarma where it is still ours, then the webhook and cloudhook."""
    url = entry.data.get(CONF_PUSH_URL)
    webhook_id = entry.data.get(CONF_WEBHOOK_ID)
    if url:
        client = _client(hass, entry)
        try:
            if (await client.get_call_notifications()).url == url:
                await client.delete_call_notification_url()
            if (await client.get_webhooks()).url == url:
                await client.delete_webhooks_url()
        except TelcoError as err:
            raise PushError("cannot_connect", str(err)) from err
    if webhook_id:
        if _cloud_logged_in(hass):
            from homeassistant.components import cloud  # noqa: PLC0415 (an after-dependency)

            await cloud.async_delete_cloudhook(hass, webhook_id)
        webhook.async_unregister(hass, webhook_id)
    runtime = getattr(entry, "runtime_data", None)
    if isinstance(runtime, ZadarmaRuntimeData):
        runtime.calls.update_interval = STATISTICS_INTERVAL
    data = {
        key: value
        for key, value in entry.data.items()
        if key not in (CONF_WEBHOOK_ID, CONF_PUSH_URL)
    }
    hass.config_entries.async_update_entry(entry, data=data)
    async_push_works(hass, entry)


@callback
def _register(hass: HomeAssistant, entry: TelcoConfigEntry, webhook_id: str) -> None:
    """Register the entry's webhook (once)."""
    webhook.async_unregister(hass, webhook_id)
    webhook.async_register(
        hass,
        DOMAIN,
        entry.title,
        webhook_id,
        _async_handle_webhook,
        allowed_methods=("GET", "POST"),
    )


@callback
def async_start(hass: HomeAssistant, entry: TelcoConfigEntry, data: ZadarmaRuntimeData) -> None:
    """Follow the entry's webhook while it is loaded."""
    if push_enabled(entry):
        _follow(hass, entry, data, entry.data[CONF_WEBHOOK_ID])


@callback
def _follow(
    hass: HomeAssistant, entry: TelcoConfigEntry, data: ZadarmaRuntimeData, webhook_id: str
) -> None:
    """Take the webhook's events, polling the statistics only as the safety net, until unload.

    Push that stops (our URL no longer set at Zadarma, or a day of calls that only
    polling saw) raises a repair issue whose fix registers the URL again.
    """
    _register(hass, entry, webhook_id)
    data.calls.update_interval = PUSHED_STATISTICS_INTERVAL
    data.calls.last_push = data.calls.last_push or dt_util.utcnow()
    entry.async_on_unload(lambda: webhook.async_unregister(hass, webhook_id))

    @callback
    def polled() -> None:
        batch = data.calls.data
        polled_calls = [record for record in batch.records if isinstance(record, ZadarmaCall)]
        last_push = data.calls.last_push or batch.read_at
        if polled_calls and batch.read_at - last_push > SILENCE_BEFORE_REPAIR:
            _raise_broken(hass, entry, "silent")

    entry.async_on_unload(data.calls.async_add_listener(polled))
    entry.async_create_background_task(
        hass, _async_check_registered(hass, entry, data), "telco push check"
    )


async def _async_check_registered(
    hass: HomeAssistant, entry: TelcoConfigEntry, data: ZadarmaRuntimeData
) -> None:
    """Raise the repair issue if our URL is no longer where Zadarma pushes call events."""
    try:
        current = await data.client.get_call_notifications()
    except TelcoError as err:
        LOGGER.debug("Could not check where Zadarma pushes call events: %s", err)
        return
    if current.url != entry.data.get(CONF_PUSH_URL):
        _raise_broken(hass, entry, "not_registered")


@callback
def _raise_broken(hass: HomeAssistant, entry: TelcoConfigEntry, why: str) -> None:
    ir.async_create_issue(
        hass,
        DOMAIN,
        entry_issue_id(PUSH_BROKEN, entry, ""),
        is_fixable=True,
        is_persistent=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key=f"{PUSH_BROKEN}_{why}",
        translation_placeholders={"account": entry.title},
        data={"entry_id": entry.entry_id, "kind": PUSH_BROKEN},
    )


@callback
def async_push_works(hass: HomeAssistant, entry: TelcoConfigEntry) -> None:
    """Drop the repair issue: a signed push arrived, or the URL was registered again."""
    async_delete_entry_issues(hass, entry, PUSH_BROKEN)


async def async_repair(hass: HomeAssistant, entry: TelcoConfigEntry) -> None:
    """Register our URL at Zadarma again (the fix of the repair issue)."""
    plan = await async_prepare(hass, entry)
    await async_enable(hass, entry, plan)
    async_push_works(hass, entry)


def _entry_of(hass: HomeAssistant, webhook_id: str) -> TelcoConfigEntry | None:
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.data.get(CONF_WEBHOOK_ID) == webhook_id:
            return entry
    return None


async def _async_handle_webhook(
    hass: HomeAssistant, webhook_id: str, request: web.Request
) -> web.Response:
    """Answer Zadarma's URL check, and take a signed event, telling it after answering."""
    if request.method == "GET":
        echo = request.query.get("zd_echo")
        return web.Response(text=echo) if echo is not None else web.Response(status=400)
    entry = _entry_of(hass, webhook_id)
    if entry is None:
        return web.Response(status=404)
    fields = {key: str(value) for key, value in (await request.post()).items()}
    if not is_signed(fields, request.headers.get("Signature"), entry.data[CONF_API_SECRET]):
        LOGGER.debug("Dropped a %s push without a valid signature", fields.get("event", "?"))
        return web.Response(status=401)
    async_push_works(hass, entry)
    data = getattr(entry, "runtime_data", None)
    if isinstance(data, ZadarmaRuntimeData):
        data.calls.last_push = dt_util.utcnow()
        event = pushed_event(fields, data)
        if event is not None:
            entry.async_create_task(hass, data.calls.async_tell_pushed(event))
    return web.Response(status=200)


def pushed_event(fields: dict[str, str], data: ZadarmaRuntimeData) -> PushedEvent | None:
    """Return the call event a push tells, or None for one that tells nothing."""
    if fields.get("event") == SMS_EVENT:
        sms = SmsNotification.from_fields(fields)
        return PushedEvent(
            key=f"sms:{sms.caller_id}:{sms.caller_did}:{sms.text}",
            event_type="sms_received",
            attributes={
                "source_number": sms.caller_id,
                "destination_number": sms.caller_did,
                "message": sms.text,
            },
        )
    call = CallNotification.from_fields(fields, data.client.timezone)
    if call.call_start is None:
        return None
    own = data.account.data.own_numbers
    base: dict[str, Any] = {"time": call.call_start.isoformat(), "call_id": call.pbx_call_id}
    if call.event == "NOTIFY_START":
        return PushedEvent(
            key=f"ringing:{call.pbx_call_id}",
            event_type="ringing",
            attributes={
                **base,
                "source_number": call.caller_id,
                "destination_number": call.called_did,
            },
        )
    if call.event == "NOTIFY_ANSWER":
        return PushedEvent(
            key=f"answered:{call.pbx_call_id}",
            event_type="answered",
            attributes={
                **base,
                "source_number": call.caller_id,
                "destination_number": call.destination,
                "extension": call.internal,
            },
        )
    if call.event == "NOTIFY_END":
        kind = "incoming_answered" if call.disposition == "answered" else "incoming_missed"
        return _ended(call, call.call_start, kind, base, call.caller_id, call.called_did, own)
    if call.event == "NOTIFY_OUT_END":
        return _ended(call, call.call_start, "outgoing", base, call.internal, call.destination, own)
    return None  # NOTIFY_INTERNAL, NOTIFY_OUT_START …: the end tells the call


def _ended(
    call: CallNotification,
    start: datetime,
    kind: str,
    base: dict[str, Any],
    source: str,
    destination: str,
    own: frozenset[str],
) -> PushedEvent:
    """Return the event of a call's end, to be matched against the statistics."""
    return PushedEvent(
        key=f"push:{call.pbx_call_id}",
        event_type=kind,
        attributes={
            **base,
            "source_number": source,
            "destination_number": destination,
            "extension": call.internal,
            "length": call.duration,
            "disposition": call.disposition,
        },
        told=ToldCall(start=start, parties=parties(source, destination, own=own)),
    )


PUSH = PushSupport(
    prepare=async_prepare,
    enable=async_enable,
    disable=async_disable,
    start=async_start,
    repair=async_repair,
)
