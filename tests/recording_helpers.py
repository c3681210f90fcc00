"""What the recording, playback and plugin tests share: the transport examples run through a chosen transport,
and a login to the fake ICWS server.

The examples build their own ``httpx.Client``; `through` hands them a stand-in for their ``httpx`` module whose
clients use the transport under test, so the examples run unchanged.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
from fake_icws import CONNECTION_TYPE, PASSWORD, USER_ID

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "transports"


def load_example(name: str) -> ModuleType:
    """A fresh copy of an example script (examples/ is not a package; the examples import each other as scripts)."""
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))
    spec = importlib.util.spec_from_file_location(f"recording_example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class HttpxThrough:
    """Stands in for an example's ``httpx`` module: its clients send through ``transport``."""

    def __init__(self, transport: httpx.BaseTransport | httpx.AsyncBaseTransport) -> None:
        self._transport = transport

    def Client(self, **kwargs: Any) -> httpx.Client:  # noqa: N802 - the name the examples call
        assert isinstance(self._transport, httpx.BaseTransport)
        return httpx.Client(transport=self._transport, **kwargs)

    def AsyncClient(self, **kwargs: Any) -> httpx.AsyncClient:  # noqa: N802 - the name the examples call
        assert isinstance(self._transport, httpx.AsyncBaseTransport)
        return httpx.AsyncClient(transport=self._transport, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(httpx, name)


def through(example: ModuleType, transport: httpx.BaseTransport | httpx.AsyncBaseTransport) -> ModuleType:
    """``example`` with its HTTP sent through ``transport``."""
    example.httpx = HttpxThrough(transport)  # type: ignore[attr-defined]
    return example


def login(client: httpx.Client, password: str = PASSWORD) -> tuple[str, dict[str, str]]:
    """Log in as the fake's user: (session id, the headers every later request needs: CSRF token, cookie)."""
    r = client.post("/icws/connection", json={"__type": CONNECTION_TYPE, "applicationName": "icws_state tests",
                                              "userID": USER_ID, "password": password})
    assert r.status_code == 201, r.text
    session = r.json()["sessionId"]
    headers = {"ININ-ICWS-CSRF-Token": r.json()["csrfToken"]}
    cookie = client.cookies.get(f"icws_{session}")
    if cookie is not None:
        headers["Cookie"] = f"icws_{session}={cookie}"
    return session, headers
