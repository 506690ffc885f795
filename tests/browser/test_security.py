"""The app serves the explorer and nothing else: no code from the page, no files, no other interface.

These talk to the running ``lifteach app`` the way a hostile page could: over HTTP and over the kernel's
websocket, with a positive control each time so that a broken connection cannot pass for a refusal.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from browser.appserver import RunningApp
from tornado.websocket import websocket_connect

import lifteach


def _kernel_message(msg_type: str, content: dict[str, object]) -> str:
    header = {
        "msg_id": uuid.uuid4().hex,
        "msg_type": msg_type,
        "username": "visitor",
        "session": uuid.uuid4().hex,
        "version": "5.3",
        "date": "",
    }
    message = {"header": header, "parent_header": {}, "metadata": {}, "content": content, "channel": "shell"}
    return json.dumps({**message, "buffers": []})


async def _talk_to_kernel(ws_url: str, messages: list[str], listen_seconds: float) -> list[str]:
    """Send ``messages`` on the kernel websocket and return the types of the messages that come back."""
    connection = await websocket_connect(ws_url)
    for message in messages:
        await connection.write_message(message)
    received: list[str] = []
    try:
        while True:
            reply = await asyncio.wait_for(connection.read_message(), listen_seconds)
            if reply is None:
                break
            if isinstance(reply, str):
                received.append(json.loads(reply)["header"]["msg_type"])
    except asyncio.TimeoutError:
        pass
    connection.close()
    return received


def test_the_kernel_refuses_code_sent_from_the_page(app_server: RunningApp, tmp_path: Path) -> None:
    page = app_server.fetch()
    kernel_id = re.search(r'"kernelId":\s*"([0-9a-f-]+)"', page)
    assert kernel_id, "the app page names no kernel; the test cannot reach its websocket"
    ws_url = (
        app_server.url.replace("http://", "ws://")
        + f"api/kernels/{kernel_id.group(1)}/channels?session_id={uuid.uuid4().hex}"
    )
    proof = tmp_path / "code-ran.txt"
    attack = _kernel_message(
        "execute_request",
        {
            "code": f"open({str(proof)!r}, 'w').write('the page ran code')",
            "silent": False,
            "store_history": False,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": True,
        },
    )
    control = _kernel_message("kernel_info_request", {})
    received = asyncio.run(_talk_to_kernel(ws_url, [control, attack], listen_seconds=4.0))
    assert "kernel_info_reply" in received, f"the websocket did not answer a harmless request: {received}"
    assert "execute_reply" not in received and "execute_input" not in received
    assert not proof.exists(), "code sent over the page's websocket ran in the app's kernel"


FORBIDDEN_PATHS = [
    "tree",
    "lab",
    "notebooks/explorer.ipynb",
    "api/contents",
    "api/contents/explorer.ipynb",
    "api/kernels",
    "api/sessions",
    "api/terminals",
    "files/explorer.ipynb",
    "voila/files/explorer.ipynb",
    "voila/files/../app.py",
    "voila/files/%2e%2e/app.py",
    "voila/files/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "voila/static/../../app.py",
    "voila/render/explorer.ipynb",
    "voila/tree",
]


@pytest.mark.parametrize("path", FORBIDDEN_PATHS)
def test_no_file_outside_the_app_is_served(app_server: RunningApp, path: str) -> None:
    source = (Path(lifteach.__file__).parent / "app.py").read_text()
    request = urllib.request.Request(app_server.url + path)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # follows redirects
            status, body = response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as refusal:
        status, body = refusal.code, refusal.read().decode("utf-8", "replace")
    assert status in (403, 404), f"/{path} answered {status}"
    assert "root:x:0:0" not in body
    assert source[:200] not in body
    assert '"cells"' not in body, f"/{path} served notebook content"


def _outward_address() -> str | None:
    """This machine's address on its network (no packet is sent: UDP connect only picks a route)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
        except OSError:
            return None
        address = str(probe.getsockname()[0])
    return None if address.startswith("127.") else address


def test_the_app_listens_on_loopback_only(app_server: RunningApp) -> None:
    port = int(app_server.url.rstrip("/").rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        pass  # the control: the app is there
    outward = _outward_address()
    assert outward is not None, "this machine has no network address to check the binding against"
    with pytest.raises(OSError), socket.create_connection((outward, port), timeout=5):
        pass
