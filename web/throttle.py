"""Sign-in throttling: password guessing is slowed per account and per address, and the number of
password hashes computed at once is bounded (each argon2 check takes 64 MiB and a core).

After `free` failures in a row an account (by the name typed, known or not: the answer must not
tell which) or an address must wait before its next try, 1 s, then 2, 4 … up to 15 minutes;
trying during the wait is answered 429 with Retry-After, without checking the password. A success
clears the account's count. When `concurrent` checks are already running, a sign-in waits a few
seconds and is then answered 429 too."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field

from fastapi import HTTPException, Request

from intake.store.accounts import account_name

from .session import client_address

MAX_WAIT = 15 * 60
FORGET_AFTER = 24 * 3600


@dataclass
class _Record:
    failures: int = 0
    until: float = 0.0  # no try before this (monotonic)
    last: float = field(default_factory=time.monotonic)


class LoginThrottle:
    def __init__(self, account_free: int = 5, address_free: int = 20, concurrent: int = 2, queue_seconds: float = 5):
        self.free = {"account": account_free, "address": address_free}
        self.records: dict[tuple[str, str], _Record] = {}
        self.lock = threading.Lock()
        self.hashing = threading.BoundedSemaphore(concurrent)
        self.queue_seconds = queue_seconds

    def _keys(self, name: str, address: str) -> list[tuple[str, str]]:
        return [("account", account_name((name or "")[:256])[:64]), ("address", address)]  # lookalikes count as one

    def wait_seconds(self, name: str, address: str) -> int:
        """Seconds before the next try is allowed (0: now)."""
        now = time.monotonic()
        with self.lock:
            waits = [r.until - now for k in self._keys(name, address) if (r := self.records.get(k))]
        return max([0, *[math.ceil(w) for w in waits]])

    def failed(self, name: str, address: str) -> None:
        now = time.monotonic()
        with self.lock:
            self._forget_old(now)
            for key in self._keys(name, address):
                r = self.records.setdefault(key, _Record())
                r.failures += 1
                r.last = now
                over = r.failures - self.free[key[0]]
                if over > 0:
                    r.until = now + min(MAX_WAIT, 2 ** (over - 1))

    def succeeded(self, name: str, address: str) -> None:
        with self.lock:
            self.records.pop(self._keys(name, address)[0], None)

    def _forget_old(self, now: float) -> None:
        if len(self.records) > 10_000:
            for k, r in list(self.records.items()):
                if now - r.last > FORGET_AFTER and r.until < now:
                    del self.records[k]

    def check(self, request: Request, name: str, verify):
        """`verify()` (the password check) unless this name or address must wait; its result.
        Raises HTTPException 429 (with Retry-After) instead."""
        address = client_address(request)
        wait = self.wait_seconds(name, address)
        if wait:
            raise too_many(wait)
        if not self.hashing.acquire(timeout=self.queue_seconds):
            raise too_many(1, "登录请求过多，请稍后再试")
        try:
            user = verify()
        finally:
            self.hashing.release()
        if user is None:
            self.failed(name, address)
        else:
            self.succeeded(name, address)
        return user

    def hashing_slot(self):
        """For other password hashing (registration): the same bound on concurrent checks."""
        return _Slot(self)


class _Slot:
    def __init__(self, throttle: LoginThrottle):
        self.t = throttle

    def __enter__(self):
        if not self.t.hashing.acquire(timeout=self.t.queue_seconds):
            raise too_many(1, "请求过多，请稍后再试")

    def __exit__(self, *exc):
        self.t.hashing.release()


def too_many(seconds: int, detail: str | None = None) -> HTTPException:
    return HTTPException(
        429, detail or f"登录失败次数过多，请 {seconds} 秒后再试", headers={"Retry-After": str(max(1, seconds))}
    )


def throttle(request: Request) -> LoginThrottle:
    return request.app.state.login_throttle


class RegistrationThrottle:
    """At most `per_hour` new accounts from one address in any hour (a sliding window kept in memory:
    a restart forgets it, which only lets one more hour's worth through); 429 with Retry-After after."""

    def __init__(self, per_hour: int):
        self.per_hour = per_hour
        self.times: dict[str, list[float]] = {}
        self.lock = threading.Lock()

    def check(self, address: str) -> None:
        """Count this try from `address`, or raise 429 when the hour's allowance is used up."""
        now = time.monotonic()
        with self.lock:
            if len(self.times) > 10_000:
                self.times = {a: t for a, t in self.times.items() if t and now - t[-1] < 3600}
            recent = [t for t in self.times.get(address, []) if now - t < 3600]
            if len(recent) >= self.per_hour:
                wait = math.ceil(3600 - (now - recent[0]))
                raise HTTPException(
                    429,
                    f"此地址注册过于频繁，请 {max(1, wait // 60)} 分钟后再试",
                    headers={"Retry-After": str(max(1, wait))},
                )
            self.times[address] = recent + [now]


def registration_throttle(request: Request) -> RegistrationThrottle:
    return request.app.state.registration_throttle
