"""Failed logins are throttled: a user name locks after a few failures, for a window."""

import asyncio
import inspect
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from rag.config import Settings
from ui.auth import LoginThrottle, make_auth

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _run(coroutine):
    # in its own thread: a browser test in the same session may hold this thread's event loop
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _login(throttle: LoginThrottle, user: str, password: str) -> bool:
    return _run(throttle.check(user, password))


def test_lockout_after_failures_even_with_the_right_password_then_released():
    clock = Clock()
    throttle = LoginThrottle("canbo", "mat-khau", max_failures=3, lockout_s=60, delay_s=0, clock=clock)
    assert _login(throttle, "canbo", "mat-khau")
    for _ in range(3):
        assert not _login(throttle, "canbo", "sai")
    assert not _login(throttle, "canbo", "mat-khau")  # locked
    clock.now += 61
    assert _login(throttle, "canbo", "mat-khau")


def test_unknown_names_share_one_bucket_and_do_not_lock_the_real_user():
    clock = Clock()
    throttle = LoginThrottle("canbo", "mat-khau", max_failures=3, lockout_s=60, delay_s=0, clock=clock)
    for n in range(50):
        assert not _login(throttle, f"khach{n}", "x")
    assert len(throttle.failures) == 1
    assert _login(throttle, "canbo", "mat-khau")


def test_failures_cost_time():
    throttle = LoginThrottle("canbo", "mat-khau", max_failures=3, lockout_s=60, delay_s=0.2)
    started = time.monotonic()
    assert not _login(throttle, "canbo", "sai")
    assert time.monotonic() - started >= 0.19


def test_gradio_sees_a_coroutine_function():
    # Gradio awaits auth only if inspect.iscoroutinefunction(auth); otherwise a coroutine object would
    # be truthy and every password would pass
    auth = make_auth(Settings(ui_auth_user="canbo", ui_auth_password="x", _env_file=None))  # type: ignore[call-arg]
    assert auth is not None and inspect.iscoroutinefunction(auth)
    assert make_auth(Settings(_env_file=None)) is None  # type: ignore[call-arg]
