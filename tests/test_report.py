"""The HTML report: its data (parsed as HTML), its size on a long log, the page in headless Chromium."""

from __future__ import annotations

import json
import os
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from helpers import CONFORMANCE, CONNECTION, STATISTICS

from icws_state import replay
from icws_state._cli import main
from icws_state._summary import statistic_rows
from icws_state._tools.report_data import MAX_BUCKETS, collect
from icws_state._tools.report_html import _edges, render, render_report

ROOT = Path(__file__).resolve().parent.parent
LIFECYCLE = CONFORMANCE / "03-lifecycle.jsonl"
AGENT_DAY = ROOT / "examples" / "agent-day.jsonl"
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
ASSIST = "urn:inin.com:interactions.assistance:assistanceRequestListMessage"
ASSIST_STATE = "urn:inin.com:interactions.assistance:assistanceRequestSubscriptionStateMessage"

WORKGROUP = "ININ.People.WorkgroupStats:Workgroup"


class _Elements(HTMLParser):
    """Every start tag as (tag, attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def find(self, **want: str) -> list[dict[str, str | None]]:
        return [
            a
            for _, a in self.tags
            if all(a.get(k.rstrip("_").replace("_", "-")) == v for k, v in want.items())
        ]


def _parse(page: str) -> _Elements:
    p = _Elements()
    p.feed(page)
    return p


@pytest.fixture
def lifecycle(tmp_path: Path) -> Path:
    if not LIFECYCLE.exists():
        pytest.skip("the shared spec's conformance logs are not on this machine")
    dest = tmp_path / LIFECYCLE.name
    shutil.copy(LIFECYCLE, dest)
    return dest


def _expected(log: Path) -> dict[str, Any]:
    return replay(log).snapshot()


def _statistic(statistic: str, workgroup: str, value: int | None) -> dict[str, Any]:
    key = {"statisticIdentifier": statistic,
           "parameterValueItems": [{"parameterTypeId": WORKGROUP, "value": workgroup}]}
    return {"statisticKey": key, "statisticValue": None if value is None else
            {"__type": "urn:inin.com:statistics:statisticIntValue", "value": value, "statisticValueType": 0}}


def _supervisor_log(dest: Path) -> Path:
    """A supervisor's morning: statistics and user statuses subscribed (200), values and deltas, then the server
    drops the connection twice (the second Down changes nothing more), and a 401 comes after both."""
    subs, messages = "/icws/s1/messaging/subscriptions/", "/icws/s1/messaging/messages"

    def get(at: str, *batch: dict[str, Any]) -> dict[str, Any]:
        return {"method": "GET", "path": messages, "status": 200, "response": list(batch), "at": at}

    def down(reason: str, again: bool) -> dict[str, Any]:
        return {"__type": CONNECTION, "isDelta": False, "previousConnectionState": 1, "newConnectionState": 2,
                "reason": reason, "shouldReconnect": again}

    lines: list[dict[str, Any]] = [
        {"method": "PUT", "path": subs + "statistics/statistic-values", "status": 200, "at": "2026-03-10T08:00:00Z",
         "body": {"statisticKeys": [_statistic(s, w, None)["statisticKey"]
                                    for s in ("inin.workgroup:AgentsAvailable", "inin.workgroup:InteractionsWaiting")
                                    for w in ("Sales", "Support")]}},
        {"method": "PUT", "path": subs + "status/user-statuses", "status": 200, "at": "2026-03-10T08:00:01Z",
         "body": {"userIds": ["ana", "bo"]}},
        get("2026-03-10T08:00:02Z",
            {"__type": STATISTICS, "isDelta": False, "statisticValueChanges": [
                _statistic("inin.workgroup:AgentsAvailable", "Sales", 3),
                _statistic("inin.workgroup:AgentsAvailable", "Support", 2),
                _statistic("inin.workgroup:InteractionsWaiting", "Sales", 5),
                _statistic("inin.workgroup:InteractionsWaiting", "Support", 0)]},
            {"__type": "urn:inin.com:status:userStatusMessage", "isDelta": False, "userStatusList": [
                {"userId": "ana", "statusId": "Available"}, {"userId": "bo", "statusId": "available"}]}),
        get("2026-03-10T08:05:00Z",
            {"__type": STATISTICS, "isDelta": True, "statisticValueChanges": [
                _statistic("inin.workgroup:InteractionsWaiting", "Sales", 9),
                _statistic("inin.workgroup:AgentsAvailable", "Support", None)]}),
        get("2026-03-10T08:10:00Z", down("Switchover", True)),
        {"__type": STATISTICS, "isDelta": True, "statisticValueChanges": [
            _statistic("inin.workgroup:InteractionsWaiting", "Sales", 1)]},  # closed now: rejected
        get("2026-03-10T08:11:00Z", down("Server shutting down", False)),
        {"method": "GET", "path": messages, "status": 401, "at": "2026-03-10T08:12:00Z",
         "response": {"message": "The session has ended."}},
    ]
    dest.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return dest


def _rows(doc: _Elements, table_id: str) -> list[dict[str, str | None]]:
    """The attributes of the body rows of one table (rows carry the data- attributes)."""
    out, inside = [], False
    for tag, attrs in doc.tags:
        if tag == "table":
            inside = attrs.get("id") == table_id
        elif tag == "tr" and inside and any(k.startswith("data-") for k in attrs):
            out.append(attrs)
    return out


def test_report_shows_every_subscription_and_count(lifecycle: Path) -> None:
    page = render_report(lifecycle)
    doc = _parse(page)
    snap = _expected(lifecycle)
    for path, sub in snap["subscriptions"].items():
        [band] = doc.find(class_="band", data_path=path)
        assert band["data-final-state"] == sub["state"]
        assert band["data-closed"] == str(sub["closed"]).lower()
    assert len(doc.find(class_="band")) == len(snap["subscriptions"]) == 4
    counts = {a["id"]: a["data-count"] for a in doc.find() if (a.get("id") or "").startswith("count-")}
    assert counts["count-messages"] == "13" and counts["count-rejected"] == "4"
    assert (
        counts["count-applied"] == "9"
        and counts["count-anomalies"] == "1"
        and counts["count-unauthorized"] == "1"
    )
    [table] = doc.find(id="rejected-inputs")
    assert table["data-count"] == "4"
    assert [a["data-line"] for t, a in doc.tags if t == "tr" and "data-line" in a][:4] == [
        "12",
        "16",
        "17",
        "18",
    ]
    # The assistance subscription went faulted at line 7: its band has a faulted stretch.
    states = [a["data-state"] for t, a in doc.tags if t == "rect" and a.get("data-state")]
    assert "faulted" in states and "suspended" in states
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in page
    assert "<script" not in page


def test_report_shows_statistics_and_connection_down(tmp_path: Path) -> None:
    log = _supervisor_log(tmp_path / "supervisor.jsonl")
    data = collect(log)
    assert data.counts["connection-down"] == 2
    assert data.counts["unauthorized"] == 0                   # the session had already ended when the 401 came
    assert [(d.line, d.at, d.reason, d.should_reconnect, d.ended_session) for d in data.connection_down] == [
        (5, "2026-03-10T08:10:00Z", "Switchover", True, True),
        (7, "2026-03-10T08:11:00Z", "Server shutting down", False, False)]
    page = render_report(log)
    doc = _parse(page)
    [count] = doc.find(id="count-connection-down")
    assert count["data-count"] == "2"
    [markers] = doc.find(id="markers-connection_down")
    assert markers["data-count"] == "2"
    assert [r["data-line"] for r in _rows(doc, "connection-down")] == ["5", "7"]
    assert "Switchover" in page and "Server shutting down" in page
    # The final values, by statistic id then parameters; the delta kept what it did not mention (R17).
    [count] = doc.find(id="count-statistic-values")
    assert count["data-count"] == "4"
    assert [(r["data-statistic"], r["data-value"]) for r in _rows(doc, "statistic-values")] == [
        ("inin.workgroup:AgentsAvailable", "3"), ("inin.workgroup:AgentsAvailable", "-"),
        ("inin.workgroup:InteractionsWaiting", "9"), ("inin.workgroup:InteractionsWaiting", "0")]
    [series] = doc.find(class_="size", data_series="statistic values")
    assert series["data-final"] == "4"
    # The summary under the tables names the connection's last state and groups statuses ignoring case (R16).
    assert "connection: down (reason: Server shutting down; should reconnect: no)" in page
    assert "users by status: Available: 2" in page
    assert "<script" not in page


def test_connection_down_inside_a_bare_batch_and_a_message(tmp_path: Path) -> None:
    """Connection-state messages reach the report from any kind of input; an invalid one (R8) is no event."""
    down = {"__type": CONNECTION, "isDelta": False, "previousConnectionState": 1, "newConnectionState": 2,
            "reason": "lost"}
    log = tmp_path / "downs.jsonl"
    log.write_text("\n".join(json.dumps(x) for x in (
        [{"__type": ASSIST, "isDelta": False, "requestsAdded": ["r1"]}, down],
        {**down, "reason": "again", "subscriptionId": "x"},
        {**down, "newConnectionState": "2"},                        # not an integer: rejected
        {**down, "newConnectionState": 1, "reason": "back"},        # Up: not a connection-down event
    )) + "\n", encoding="utf-8")
    data = collect(log)
    assert [(d.line, d.reason, d.ended_session, d.at) for d in data.connection_down] == [
        (1, "lost", True, None), (2, "again", False, None)]
    assert data.counts["rejected"] == 1 and data.counts["statistic-values"] == 0
    assert 'id="statistic-values" data-count="0"' in render(data)


def test_the_same_down_after_a_new_login_is_counted_again(tmp_path: Path) -> None:
    """The second Down repeats the cached message word for word, but it ends the session the PUT made live."""
    down = {"__type": CONNECTION, "isDelta": False, "previousConnectionState": 1, "newConnectionState": 2,
            "reason": "Switchover", "shouldReconnect": True}
    put = {"method": "PUT", "path": "/icws/s2/messaging/subscriptions/statistics/statistic-values", "status": 200,
           "at": "2026-03-10T09:00:00Z"}
    log = tmp_path / "again.jsonl"
    log.write_text("\n".join(json.dumps(x) for x in (down, put, down)) + "\n", encoding="utf-8")
    data = collect(log)
    assert [(d.line, d.at, d.reason, d.should_reconnect, d.ended_session) for d in data.connection_down] == [
        (1, None, "Switchover", True, True), (3, "2026-03-10T09:00:00Z", "Switchover", True, True)]
    assert data.counts["connection-down"] == 2


def test_long_log_is_bucketed(tmp_path: Path) -> None:
    """A log far longer than MAX_BUCKETS gives at most MAX_BUCKETS columns, and one faulted input shows."""
    log = tmp_path / "long.jsonl"
    n = 20_000
    with log.open("w") as f:
        f.write(
            json.dumps(
                {
                    "method": "PUT",
                    "path": "/icws/s/messaging/subscriptions/interactions/agent-assistance",
                    "status": 204,
                }
            )
            + "\n"
        )
        for i in range(n):
            if i == 12_345:
                f.write(json.dumps({"__type": ASSIST_STATE, "isDelta": True, "state": 3}) + "\n")
                f.write(json.dumps({"__type": ASSIST_STATE, "isDelta": True, "state": 1}) + "\n")
            f.write(json.dumps({"__type": ASSIST, "isDelta": True, "requestsAdded": [f"r{i % 50}"]}) + "\n")
    data = collect(log)
    assert MAX_BUCKETS // 2 <= len(data.buckets) <= MAX_BUCKETS
    assert data.buckets[0].first == 1 and data.buckets[-1].last == data.inputs == n + 3
    assert all(a.last + 1 == b.first for a, b in zip(data.buckets, data.buckets[1:], strict=False))
    assert sum(b.messages for b in data.buckets) == data.counts["messages"] == n + 2
    faulted = [i for i, b in enumerate(data.buckets) if b.subs["interactions/agent-assistance"].worst == 3]
    assert len(faulted) == 1 and data.buckets[faulted[0]].first <= 12_347 <= data.buckets[faulted[0]].last
    assert data.counts["anomalies"] == 1  # faulted -> normal without a PUT
    page = render_report(log)
    assert len(page) < 200_000


def test_report_cli(lifecycle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.html"
    assert main(["report", str(lifecycle), "--html", str(out)]) == 0
    assert out.read_text().startswith("<!DOCTYPE html>")
    assert main(["report", str(tmp_path / "missing.jsonl"), "--html", str(out)]) == 2
    assert "cannot read" in capsys.readouterr().err


def _browser() -> Any:
    if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
        if os.environ.get("ICWS_STATE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"ICWS_STATE_REQUIRE_BROWSER=1 but {CHROMIUM} or {CHROMEDRIVER} is missing")
        pytest.skip("headless Chromium is not installed (apt-get install chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    return webdriver, Service


def _open(webdriver: Any, service: Any, profile: Path) -> Any:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--window-size=1100,900",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=service(CHROMEDRIVER))


def _check_in_browser(driver: Any, page: Path, log: Path) -> None:
    from selenium.webdriver.common.by import By

    driver.get(page.as_uri())
    snap = _expected(log)
    for path, sub in snap["subscriptions"].items():
        [band] = driver.find_elements(By.CSS_SELECTOR, f'g.band[data-path="{path}"]')
        assert band.get_attribute("data-final-state") == sub["state"]
        assert band.find_elements(By.CSS_SELECTOR, "rect.state"), path  # drawn, not just declared
        assert band.rect["width"] > 0
    assert len(driver.find_elements(By.CSS_SELECTOR, "g.band")) == len(snap["subscriptions"])
    stats = snap["stats"]
    for key in ("messages", "applied", "rejected"):
        cell = driver.find_element(By.ID, f"count-{key}")
        assert cell.get_attribute("data-count") == str(stats[key])
        assert cell.text.replace(",", "") == str(stats[key])
    rows = driver.find_elements(By.CSS_SELECTOR, "#rejected-inputs tbody tr")
    assert [r.find_element(By.CSS_SELECTOR, "td").text for r in rows] == [
        str(r["line"]) for r in snap["rejected"]
    ]
    assert driver.find_element(By.ID, "rejected-inputs").get_attribute("data-count") == str(
        len(snap["rejected"])
    )
    # Statistic values as the snapshot holds them, and each connection-down message with its reason.
    data = collect(log)
    values = driver.find_elements(By.CSS_SELECTOR, "#statistic-values tbody tr")
    assert len(values) == data.counts["statistic-values"]
    assert [[td.text for td in row.find_elements(By.CSS_SELECTOR, "td")] for row in values] == [
        list(r) for r in statistic_rows(snap)]
    downs = driver.find_elements(By.CSS_SELECTOR, "#connection-down tbody tr")
    assert [[td.text for td in row.find_elements(By.CSS_SELECTOR, "td")][:3] for row in downs] == [
        [str(d.line), d.at or "", d.reason or ""] for d in data.connection_down]
    assert driver.find_element(By.ID, "count-connection-down").text == str(len(data.connection_down))
    severe = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    assert severe == []


@pytest.mark.browser
def test_report_in_headless_chromium(lifecycle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    webdriver, service = _browser()
    logs = [lifecycle, _supervisor_log(tmp_path / "supervisor.jsonl")]
    if AGENT_DAY.exists():
        # Read in place by its repo-relative path, which the page shows: the docs' screenshot stays the same.
        monkeypatch.chdir(ROOT)
        logs.append(AGENT_DAY.relative_to(ROOT))
    driver = _open(webdriver, service, tmp_path / "profile")
    try:
        for log in logs:
            page = tmp_path / f"{log.stem}.html"
            page.write_text(render_report(log), encoding="utf-8")
            _check_in_browser(driver, page, log)
        # The screenshot of the richest log: a test artifact, and the docs' picture.
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1100, min(int(height) + 40, 2400))
        (ROOT / "artifacts").mkdir(exist_ok=True)
        shot = ROOT / "artifacts" / "report.png"
        assert driver.save_screenshot(str(shot))
    finally:
        driver.quit()
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    (ROOT / "docs" / "img").mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, ROOT / "docs" / "img" / "report.png")


def test_columns_follow_recorded_time_and_fall_back_to_position(tmp_path: Path) -> None:
    """Section 4: a log with times is drawn over its time (a quiet hour is wide), one without over its inputs."""
    put = {"method": "PUT", "path": "/icws/s/messaging/subscriptions/interactions/agent-assistance", "status": 204}
    lines = [
        {**put, "at": "2026-11-22T10:00:00Z"},
        {**put, "at": "2026-11-22T10:00:01Z"},
        {**put, "at": "2026-11-22T11:00:00Z"},
    ]
    timed = tmp_path / "timed.jsonl"
    timed.write_text("".join(json.dumps(x) + "\n" for x in lines))
    edges, by_time = _edges(collect(timed))
    assert by_time
    # Three columns; the hour between the second (10:00:01) and third (11:00:00) inputs takes most of the width,
    # and the last column keeps an average share so that the final state shows.
    assert edges[2] - edges[1] > 0.6 * (edges[-1] - edges[0])
    assert edges[3] - edges[2] > 0.2 * (edges[-1] - edges[0])
    plain = tmp_path / "plain.jsonl"
    plain.write_text("".join(json.dumps({k: v for k, v in x.items() if k != "at"}) + "\n" for x in lines))
    edges, by_time = _edges(collect(plain))
    assert not by_time
    assert edges[1] - edges[0] == pytest.approx(edges[2] - edges[1])


# Hardening: surrogates, depth, odd names, written files -----------------------------------------------------------
def test_a_lone_surrogate_gives_a_whole_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "lone.jsonl"
    log.write_text(
        '{"method": "PUT", "path": "/icws/s/messaging/subscriptions/interactions/agent-assistance", "status": 204}\n'
        '{"__type": "' + ASSIST + '", "isDelta": false, "requestsAdded": ["\\ud800"]}\n',
        encoding="utf-8",
    )
    out = tmp_path / "r.html"
    out.write_text("an earlier page")
    assert main(["report", str(log), "--html", str(out)]) == 0
    page = out.read_bytes().decode("utf-8")  # strict UTF-8, the whole page
    assert page.endswith("</html>\n") and "\\ud800" in page
    assert "report written to" in capsys.readouterr().out


def test_values_500_levels_deep_report_from_any_stack(tmp_path: Path) -> None:
    value: Any = "leaf"
    for _ in range(499):
        value = [value]
    log = tmp_path / "deep.jsonl"
    log.write_text(
        json.dumps({"__type": "urn:test:deep", "isDelta": False, "v": value}) + "\n"
        + "[" * 1000 + "]" * 1000 + "\n",
        encoding="utf-8",
    )

    def deep(levels: int) -> str:
        return render_report(log) if levels == 0 else deep(levels - 1)

    page = deep(sys.getrecursionlimit() - 150)
    assert page == render_report(log)
    assert 'id="count-messages" data-count="2"' in page


def test_a_log_name_that_is_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    odd = os.fsdecode(os.fsencode(str(tmp_path)) + b"/log\xff.jsonl")
    with open(odd, "w", encoding="utf-8") as f:
        f.write(json.dumps({"__type": ASSIST, "isDelta": False, "requestsAdded": ["r1"]}) + "\n")
    out = tmp_path / "r.html"
    assert main(["report", odd, "--html", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "<title>icws-state report: log\\xff.jsonl</title>" in page
    assert "Traceback" not in capsys.readouterr().err


def test_a_page_that_cannot_be_written_leaves_the_earlier_one(lifecycle: Path, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.html"
    out.write_text("an earlier page")
    assert main(["report", str(tmp_path / "missing.jsonl"), "--html", str(out)]) == 2
    assert out.read_text() == "an earlier page"
    assert main(["report", str(lifecycle), "--html", str(tmp_path / "no-dir" / "r.html")]) == 2
    err = capsys.readouterr().err
    assert f"icws-state report: cannot write {tmp_path / 'no-dir' / 'r.html'}: " in err
    assert f"directory {tmp_path / 'no-dir'}" in err
