"""Human-readable text about snapshots: the replay summary and the snapshot diff."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from ._configuration import CONFIGURATION_ROWS
from ._snapshot import json_text

__all__ = ["diff_snapshots", "summarize"]

#: Message type -> collection name of each configuration list (schemas.md 6.4), for the summary and the diff.
_CONFIGURATION = {row.type: row.collections[0].name for row in CONFIGURATION_ROWS}


def summarize(snapshot: dict[str, Any], *, seconds: float | None = None, first_reasons: int = 5) -> str:
    """What a person wants to see after a replay: subscriptions, sizes, rejections, rate."""
    lines = []
    stats = snapshot["stats"]
    rate = ""
    if seconds is not None:
        per_second = stats["messages"] / seconds if seconds > 0 else float("inf")
        rate = f" in {seconds:.2f}s ({per_second:,.0f} messages/s)"
    lines.append(f"messages: {stats['messages']} ({stats['applied']} applied, {stats['rejected']} rejected){rate}")
    lines.append(f"session ended: {'yes' if snapshot['sessionEnded'] else 'no'}")
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
    statuses = data.get("status/user-statuses")
    if statuses is not None:
        by_status = Counter(u.get("statusId", "(none)") for u in statuses.get("userStatusList", []))
        text = ", ".join(f"{k}: {v}" for k, v in sorted(by_status.items())) or "none"
        lines.append(f"users by status: {text}")
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


def _short(value: Any) -> str:
    text = json_text(value)  # what json.dumps writes, at any depth (a snapshot may hold values 500 levels deep)
    return text if len(text) <= 100 else text[:97] + "..."


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
