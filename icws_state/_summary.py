"""Human-readable text about snapshots: the replay summary and the snapshot diff."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from ._configuration import CONFIGURATION_ROWS
from ._rows import CONNECTION_STATE, STATISTIC_VALUES, STATUS_MESSAGES, USER_STATUSES
from ._snapshot import json_text

__all__ = ["connection_states", "diff_snapshots", "statistic_rows", "summarize", "users_by_status"]

#: Message type -> collection name of each configuration list (schemas.md 6.4), for the summary and the diff.
_CONFIGURATION = {row.type: row.collections[0].name for row in CONFIGURATION_ROWS}
_STATISTICS = STATISTIC_VALUES.collections[0].name
_CONNECTION_STATES = {0: "none", 1: "up", 2: "down"}
#: The summary lists this many statistic values; the rest are counted.
FIRST_VALUES = 10


def statistic_rows(snapshot: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(statistic id, parameter values, value) of each cached statistic value (R17), sorted by statistic id and then
    parameter values (the snapshot's canonical-key order puts the parameters first, which reads badly); a value the
    statistic does not have is ``-``. Text only, for people: the summary and the report show these."""
    entry = snapshot.get("subscriptionData", {}).get(STATISTIC_VALUES.path)
    if not isinstance(entry, dict) or entry.get("type") != STATISTIC_VALUES.type:
        return []
    rows = []
    for item in entry.get(_STATISTICS, []):
        key = item.get("statisticKey", {}) if isinstance(item, dict) else {}
        sid = key.get("statisticIdentifier") if isinstance(key, dict) else None
        params = key.get("parameterValueItems") if isinstance(key, dict) else None
        values = [p.get("value") if isinstance(p, dict) else p for p in params] if isinstance(params, list) else []
        rows.append((
            "-" if sid is None else _text(sid, 60),
            _text(", ".join(v if isinstance(v, str) else json_text(v) for v in values), 60),
            _value_text(item.get("statisticValue") if isinstance(item, dict) else None),
        ))
    rows.sort(key=lambda r: (r[0], r[1]))  # stable: equal texts keep the snapshot's order
    return rows


def _value_text(value: Any) -> str:
    """A statistic's current value: the ``value`` of its value object (absent: the statistic has none)."""
    if value is None:
        return "-"
    return _text(value["value"] if isinstance(value, dict) and "value" in value else value, 60)


def _text(value: Any, limit: int) -> str:
    """A string as it is, anything else as JSON; on one line (control characters escaped), at most ``limit``."""
    text = value if isinstance(value, str) else json_text(value)
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def connection_states(snapshot: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The cached connection-state messages (R18): the generic store keeps the last one, per ``subscriptionId``
    when one is present; (store key, entry), in key order."""
    prefix = CONNECTION_STATE.type
    return [(key, entry) for key, entry in sorted(snapshot.get("other", {}).items())
            if (key == prefix or key.startswith(prefix + "|")) and isinstance(entry, dict)]


def _connection_line(entry: dict[str, Any]) -> str:
    state = entry.get("newConnectionState")
    name = _CONNECTION_STATES.get(state, str(state)) if type(state) is int else "unknown"
    parts = [f"reason: {entry['reason']}"] if isinstance(entry.get("reason"), str) else []
    if isinstance(entry.get("shouldReconnect"), bool):
        parts.append(f"should reconnect: {'yes' if entry['shouldReconnect'] else 'no'}")
    return name + (f" ({'; '.join(parts)})" if parts else "")


def users_by_status(snapshot: dict[str, Any]) -> dict[str, int] | None:
    """How many users are in each status, status ids compared ignoring case (R16) as ``users_by_status()`` does: a
    group is named by the catalogue's spelling, else by its first user's (users are in user-id order). None when no
    user statuses are cached."""
    data = snapshot.get("subscriptionData", {})
    statuses = data.get(USER_STATUSES.path)
    if not isinstance(statuses, dict):
        return None
    catalogue: dict[str, str] = {}
    entry = data.get(STATUS_MESSAGES.path)
    for item in entry.get(STATUS_MESSAGES.collections[0].name, []) if isinstance(entry, dict) else []:
        sid = item.get("statusId") if isinstance(item, dict) else None
        if isinstance(sid, str):
            catalogue.setdefault(sid.casefold(), sid)
    groups: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for user in statuses.get(USER_STATUSES.collections[0].name, []):
        sid = user.get("statusId") if isinstance(user, dict) else None
        if not isinstance(sid, str):
            counts["(none)"] += 1
            continue
        folded = sid.casefold()
        name = groups.setdefault(folded, catalogue.get(folded, sid))
        counts[name] += 1
    return dict(sorted(counts.items()))


def summarize(snapshot: dict[str, Any], *, seconds: float | None = None, first_reasons: int = 5,
              first_values: int = FIRST_VALUES) -> str:
    """What a person wants to see after a replay: subscriptions, sizes, the connection's last state, the first
    ``first_values`` statistic values, rejections, rate."""
    lines = []
    stats = snapshot["stats"]
    rate = ""
    if seconds is not None:
        per_second = stats["messages"] / seconds if seconds > 0 else float("inf")
        rate = f" in {seconds:.2f}s ({per_second:,.0f} messages/s)"
    lines.append(f"messages: {stats['messages']} ({stats['applied']} applied, {stats['rejected']} rejected){rate}")
    lines.append(f"session ended: {'yes' if snapshot['sessionEnded'] else 'no'}")
    for key, entry in connection_states(snapshot):
        where = key[len(CONNECTION_STATE.type) + 1:]
        lines.append(f"connection{f' ({where})' if where else ''}: {_connection_line(entry)}")
    subs = snapshot["subscriptions"]
    lines.append(f"subscriptions: {len(subs)}")
    for path, s in sorted(subs.items()):
        flags = [name for name in ("closed", "resyncNeeded", "stale", "gone") if s[name]]
        error = f" error: {s['error'].get('message')}" if s.get("error") else ""
        lines.append(f"  {path:<40} {s['state']:<9} {' '.join(flags)}{error}".rstrip())
    lines.append(f"history items: {len(snapshot['history'])}")
    lines.append(f"assistance requests: {len(snapshot['assistanceRequests'])}"
                 + (f" ({', '.join(snapshot['assistanceRequests'][:10])})" if snapshot["assistanceRequests"] else ""))
    data = snapshot.get("subscriptionData", {})
    for path, entry in sorted(data.items()):
        if path.startswith("queues/"):
            lines.append(f"queue {path[len('queues/'):]}: {len(entry.get('interactions', []))} interactions")
    by_status = users_by_status(snapshot)
    if by_status is not None:
        text = ", ".join(f"{k}: {v}" for k, v in by_status.items()) or "none"
        lines.append(f"users by status: {text}")
    if data.get(STATISTIC_VALUES.path, {}).get("type") == STATISTIC_VALUES.type:
        lines += _statistics_lines(statistic_rows(snapshot), first_values)
    for path, entry in sorted(data.items()):
        name = _CONFIGURATION.get(entry.get("type", ""))
        if name is not None:
            lines.append(f"configuration list {path}: {len(entry.get(name, []))} objects")
    open_requests = [p.rsplit("/", 1)[1] for p in data if p.startswith("interactions/agent-assistance/")]
    if open_requests:
        lines.append(f"assistance request details: {', '.join(sorted(open_requests))}")
    if snapshot["other"]:
        lines.append(f"generic store entries: {len(snapshot['other'])}")
    rejected = snapshot["rejected"]
    if rejected:
        lines.append(f"rejected inputs: {stats['rejected']}; first {min(first_reasons, len(rejected))}:")
        for r in rejected[:first_reasons]:
            source = f"{r['source']}:" if r.get("source") else ""
            where = "given directly" if r["line"] is None else f"line {r['line']}"
            lines.append(f"  {source}{where}: {r['reason']}")
    return "\n".join(lines) + "\n"


def _statistics_lines(rows: list[tuple[str, str, str]], first: int) -> list[str]:
    """A count, then the first values as an aligned table (statistic, parameter values, value)."""
    lines = [f"statistic values: {len(rows)}" + (f"; first {first}:" if len(rows) > first > 0 else "")]
    shown_rows = [("statistic", "parameters", "value"), *rows[:first]] if first else []
    if len(shown_rows) > 1:
        w0 = max(len(r[0]) for r in shown_rows)
        w1 = max(len(r[1]) for r in shown_rows)
        lines += [f"  {a:<{w0}}  {b:<{w1}}  {c}".rstrip() for a, b, c in shown_rows]
    return lines


def _short(value: Any, limit: int = 100) -> str:
    text = json_text(value)  # what json.dumps writes, at any depth (a snapshot may hold values 500 levels deep)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _diff_by_key(label: str, a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """``+``, ``-`` and ``~`` lines for the keys of two mappings; ``label`` formats a key (``"part.{}"``)."""
    out = []
    for k in sorted(set(a) | set(b)):
        if k not in a:
            out.append(f"+ {label.format(k)}: {_short(b[k])}")
        elif k not in b:
            out.append(f"- {label.format(k)}: {_short(a[k])}")
        elif a[k] != b[k]:
            out.append(f"~ {label.format(k)}: {_short(a[k])} -> {_short(b[k])}")
    return out


def diff_snapshots(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """Lines saying what differs between two snapshots, part by part; empty when they are equal.

    Object parts (``subscriptions``, ``other``, ``stats``, ...) compare by key; ``history`` by interaction id and
    ``rejected`` by line, so a changed item reads as one line rather than as a shifted list.
    """
    out: list[str] = []
    for key in sorted(set(a) | set(b)):
        va, vb = a.get(key), b.get(key)
        if va == vb:
            continue
        if key == "subscriptionData" and isinstance(va, dict) and isinstance(vb, dict):
            out += _diff_subscription_data(va, vb)
        elif isinstance(va, dict) and isinstance(vb, dict):
            out += _diff_by_key(key + ".{}", va, vb)
        elif isinstance(va, list) and isinstance(vb, list) and key in ("history", "rejected"):
            ident = "interactionId" if key == "history" else "line"
            ma = {json.dumps(x.get(ident)): x for x in va if isinstance(x, dict)}
            mb = {json.dumps(x.get(ident)): x for x in vb if isinstance(x, dict)}
            part = _diff_by_key(key + "[{}]", ma, mb)
            if not part:  # same entries, another order (or entries without an id)
                part.append(f"~ {key}: same entries by {ident}, in another order or with duplicates")
            if len(va) != len(vb):
                part.append(f"~ {key}: {len(va)} entries -> {len(vb)} entries")
            out += part
        else:
            out.append(f"~ {key}: {_short(va)} -> {_short(vb)}")
    return out


def _diff_subscription_data(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """``subscriptionData`` by path; where both sides hold the same configuration list, its objects by id
    (``configurationId.id``), so that one changed user reads as one line rather than as the whole list."""
    out = []
    for path in sorted(set(a) | set(b)):
        ea, eb = a.get(path), b.get(path)
        if ea == eb:
            continue
        name = None
        if isinstance(ea, dict) and isinstance(eb, dict) and ea.get("type") == eb.get("type"):
            name = _CONFIGURATION.get(ea.get("type", ""))
        if name is None or not isinstance(ea, dict) or not isinstance(eb, dict):
            out += _diff_by_key("subscriptionData.{}", {path: ea} if path in a else {}, {path: eb} if path in b else {})
            continue
        label = f"subscriptionData.{path}"
        out += _diff_by_key(label + ".{}", {k: v for k, v in ea.items() if k != name},
                            {k: v for k, v in eb.items() if k != name})
        la, lb = ea.get(name, []), eb.get(name, [])
        part = _diff_by_key(f"{label}.{name}[{{}}]", _by_id(la), _by_id(lb))
        if not part and la != lb:
            part.append(f"~ {label}.{name}: same objects by id, in another order or with duplicates")
        out += part
    return out


def _by_id(objects: Any) -> dict[str, Any]:
    """Configuration objects by their ``configurationId.id`` as JSON text (``"alice"``)."""
    out = {}
    for obj in objects if isinstance(objects, list) else []:
        cid = obj.get("configurationId") if isinstance(obj, dict) else None
        out[json.dumps(cid.get("id") if isinstance(cid, dict) else None, ensure_ascii=False)] = obj
    return out
