"""A token bucket per connection: bursts are fine, floods are not."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class TokenBucket:
    capacity: float
    refill_per_second: float
    tokens: float = -1.0
    updated_at: float = 0.0

    def _refill(self, now: float) -> None:
        if self.tokens < 0:
            self.tokens, self.updated_at = self.capacity, now
        elapsed = max(0.0, now - self.updated_at)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.refill_per_second)
        self.updated_at = now

    def has_token(self, now: float) -> bool:
        """Whether `take` would succeed, without taking (for limits that count failures)."""
        self._refill(now)
        return self.tokens >= 1

    def take(self, now: float) -> bool:
        self._refill(now)
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False

    def give_back(self) -> None:
        """Return a token taken for an attempt that turned out not to count."""
        self.tokens = min(self.capacity, self.tokens + 1)


# The limits themselves, in one place (docs/protocol.md quotes them).
def shopper_messages() -> TokenBucket:
    """8 messages at once, then one every 0.5 s: fast typists pass, floods do not."""
    return TokenBucket(capacity=8, refill_per_second=2)


def shopper_context_reports() -> TokenBucket:
    """The widget's page and product reports: a burst as a page sets things up, then one a
    second, never taking from the shopper's message allowance."""
    return TokenBucket(capacity=20, refill_per_second=1)


def agent_messages() -> TokenBucket:
    """An agent on several chats types in bursts: 30 at once, then 10 a second."""
    return TokenBucket(capacity=30, refill_per_second=10)


def draft_checks() -> TokenBucket:
    """The panel checks a draft at most every 250 ms while the agent types: 20 at once, then 5
    a second, is far above that and keeps a script from hogging the server."""
    return TokenBucket(capacity=20, refill_per_second=5)


def failed_logins() -> TokenBucket:
    """Password guessing: 10 failures at once per address or username, then one every 6 s.
    Only failures count, so a team logging in from one office address is never held up."""
    return TokenBucket(capacity=10, refill_per_second=1 / 6)


def photo_uploads() -> TokenBucket:
    """Photos per shopper or agent: 10 at once (a damaged parcel from every side), then one
    every 3 s. Each costs a decode and disk space, so a script cannot fill the disk."""
    return TokenBucket(capacity=10, refill_per_second=1 / 3)


def blocked_shopper_messages() -> TokenBucket:
    """A blocked shopper (domain/blocks.py): 3 at once, then one every 10 s, so a shopper who
    was blocked for abuse cannot fill the database with what nobody will read."""
    return TokenBucket(capacity=3, refill_per_second=1 / 10)


def chat_switches() -> TokenBucket:
    """An agent flicking through chats with the keyboard: 20 at once, then 5 a second. Each
    switch finds the open chat's suggestions afresh, so a script must not loop on it."""
    return TokenBucket(capacity=20, refill_per_second=5)
