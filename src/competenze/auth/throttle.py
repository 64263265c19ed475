"""Sign-in throttling: slow guessing down without letting anyone lock the rightful owner out.

Emails and client ids are not secret, so a limit per account alone would let anybody keep
a counsellor or a CPI integration out with a few wrong passwords every window. Failures are
therefore counted three ways, in the database (every app process shares them):

- per account *and* address: `login_max_failures_per_account_address` failures in the
  window refuse that address for that account until the window ends (429);
- per address: `login_max_failures_per_ip` failures in the window, on any accounts, refuse
  the address (password spraying from one place);
- per account, from every address: past `login_account_delay_after` failures in the window,
  each further attempt waits a little longer (1, 2, 4 … seconds, at most
  `login_account_max_delay_seconds`). Nothing locks: an attack from many addresses gets a few
  dozen guesses per window instead of thousands (NIST SP 800-63B §5.2.2 allows up to 100
  consecutive failures before any lock), and an owner signing in meanwhile waits at most
  that maximum. Addresses the account signed in from in the last 30 days skip this delay
  (800-63B's allow-list of addresses the subscriber authenticated from).

So the right credential from an address with no recent failures is never refused because
of failures from elsewhere, except for the bounded delay while an account is under attack
from many addresses at once. Accounts are keyed by a hash: the counters hold no email.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from competenze.common import ratelimit
from competenze.common.time import utcnow
from competenze.config import Settings
from competenze.errors import TooManyRequests

KNOWN_FOR = timedelta(days=30)


@dataclass(frozen=True)
class Attempt:
    """One sign-in attempt: which account (an email or a client id, as typed) from where."""

    account: str
    address: str

    @property
    def _account(self) -> str:
        return hashlib.sha256(self.account.encode()).hexdigest()[:32]

    @property
    def pair_key(self) -> str:
        return f"login:pair:{self._account}:{self.address}"

    @property
    def address_key(self) -> str:
        return f"login:ip:{self.address}"

    @property
    def account_key(self) -> str:
        return f"login:account:{self._account}"

    @property
    def known_key(self) -> str:
        return f"login:known:{self._account}:{self.address}"


def account_wait(failures: int, window_start: datetime, now: datetime, *, free: int, max_delay: int) -> int:
    """Seconds until the account takes another attempt after `failures` in the window that
    started at `window_start` (0: now). The k-th attempt beyond the free ones is allowed
    1 + 2 + ... + 2^(k-1) seconds (each term at most max_delay) after the window began."""
    if failures < free:
        return 0
    allowed_at, step = 0, 1
    for _ in range(failures - free + 1):
        allowed_at += min(step, max_delay)
        step *= 2
    return max(0, int((window_start + timedelta(seconds=allowed_at) - now).total_seconds() + 0.999))


def check(session: Session, settings: Settings, attempt: Attempt) -> None:
    """429 with Retry-After when this attempt may not be judged now. Counts nothing."""
    window = settings.login_window_seconds
    for key, limit in ((attempt.pair_key, settings.login_max_failures_per_account_address),
                       (attempt.address_key, settings.login_max_failures_per_ip)):
        wait = ratelimit.retry_after(session, key, limit=limit, window_seconds=window)
        if wait is not None:
            raise TooManyRequests(f"Too many failed sign-in attempts from your address; try again in {wait} seconds.",
                                  retry_after=wait)
    bucket = ratelimit.live(session, attempt.account_key, window_seconds=window)
    if bucket is None or bucket.count < settings.login_account_delay_after or _known(session, attempt):
        return
    wait = account_wait(bucket.count, bucket.window_start, utcnow(), free=settings.login_account_delay_after,
                        max_delay=settings.login_account_max_delay_seconds)
    if wait:
        raise TooManyRequests(f"This account has had many failed sign-in attempts; try again in {wait} seconds.",
                              retry_after=wait)


def _known(session: Session, attempt: Attempt) -> bool:
    return ratelimit.live(session, attempt.known_key, window_seconds=int(KNOWN_FOR.total_seconds())) is not None


def failed(session: Session, settings: Settings, attempt: Attempt) -> None:
    """Count a failure (the caller raises with keep_changes, so the counts are committed)."""
    connection = session.connection()
    for key in (attempt.pair_key, attempt.address_key, attempt.account_key):
        ratelimit.count(connection, key, window_seconds=settings.login_window_seconds)


def succeeded(session: Session, attempt: Attempt) -> None:
    """The owner got in from this address: its own failures are forgotten and the address is
    known for 30 days. The account's count from elsewhere stays until its window ends."""
    ratelimit.reset(session, attempt.pair_key)
    ratelimit.count(session.connection(), attempt.known_key, window_seconds=int(KNOWN_FOR.total_seconds()))
