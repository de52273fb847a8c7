"""Basic auth for a shared office deployment, with failed logins throttled.

Gradio awaits an async auth callable, so a failed attempt can cost time without holding a
thread. After `ui_login_max_failures` failures for one user name within `ui_login_lockout_s`
seconds, that name is locked for the rest of the window: even the right password is refused,
so guessing is capped at a few tries per window whatever the number of connections.
"""

from __future__ import annotations

import asyncio
import hmac
import time
from collections import deque
from collections.abc import Awaitable, Callable

from rag.config import Settings


class LoginThrottle:
    """`await throttle.check(username, password)` → True only for the right pair, and not while locked."""

    def __init__(self, user: str, password: str, max_failures: int = 5, lockout_s: float = 300.0,
                 delay_s: float = 1.0, clock: Callable[[], float] = time.monotonic):
        self.user, self.password = user, password
        self.max_failures, self.lockout_s, self.delay_s = max_failures, lockout_s, delay_s
        self.clock = clock
        self.failures: dict[str, deque[float]] = {}

    def _bucket(self, username: str) -> str:
        # every unknown name shares one bucket: memory stays bounded whatever names are tried
        return username if hmac.compare_digest(username.encode(), self.user.encode()) else "\0other"

    def locked(self, username: str) -> bool:
        recent = self.failures.get(self._bucket(username), deque())
        now = self.clock()
        while recent and now - recent[0] > self.lockout_s:
            recent.popleft()
        return len(recent) >= self.max_failures

    async def check(self, username: str, password: str) -> bool:
        bucket = self._bucket(username)
        if self.locked(username):
            await asyncio.sleep(self.delay_s)
            return False
        ok = bucket == username and hmac.compare_digest(password.encode(), self.password.encode())
        if ok:
            self.failures.pop(bucket, None)
            return True
        self.failures.setdefault(bucket, deque()).append(self.clock())
        await asyncio.sleep(self.delay_s)
        return False


def make_auth(settings: Settings) -> Callable[[str, str], Awaitable[bool]] | None:
    """The throttled login check for `launch(auth=…)` when RAG_UI_AUTH_USER and RAG_UI_AUTH_PASSWORD are
    set, else None.

    It is a bound coroutine *method*: Gradio awaits auth only when inspect.iscoroutinefunction says
    so, which is false for an object with an async __call__ (whose coroutine would count as a yes).
    """
    if not (settings.ui_auth_user and settings.ui_auth_password):
        return None
    throttle = LoginThrottle(settings.ui_auth_user, settings.ui_auth_password.get_secret_value(),
                             settings.ui_login_max_failures, settings.ui_login_lockout_s, settings.ui_login_delay_s)
    return throttle.check
