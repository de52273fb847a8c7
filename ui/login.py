"""The login page in Vietnamese.

Gradio serves its login page before any app configuration, so neither the app's translations
nor its <head> reach it. This ASGI middleware adds the Vietnamese dictionary to that one page:
an HTML answer to GET / whose embedded configuration says `auth_required`. Every other
response passes through untouched.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]


class LoginPageInVietnamese:
    def __init__(self, app: ASGIApp, script: str):
        self.app = app
        self.script = script.encode("utf-8")

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] not in ("", "/") or not self.script:
            await self.app(scope, receive, send)
            return
        start: Message = {}
        body: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            page = b"".join(body)
            headers = dict(start.get("headers", []))
            if (b"text/html" in headers.get(b"content-type", b"") and b'"auth_required": true' in page.replace(
                    b'"auth_required":true', b'"auth_required": true') and b"</head>" in page):
                page = page.replace(b"</head>", self.script + b"</head>", 1)
                start["headers"] = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
                start["headers"].append((b"content-length", str(len(page)).encode()))
            await send(start)
            await send({"type": "http.response.body", "body": page, "more_body": False})

        await self.app(scope, receive, capture)
