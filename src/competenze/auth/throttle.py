"""Sign-in throttling: slow guessing down without letting anyone lock the rightful owner out.

Emails and client ids are not secret, so a limit per account alone would let anybody keep
a counsellor or a CPI integration out with a few wrong passwords every window. Failures are
therefore counted three ways, in the database (every app process shares them):

- per account *and* address: `login_max_failures_per_account_address` failures in the
  window refuse that address for that account until the window ends (429);
- per address: `login_max_failures_per_ip` failures in the window, on any accounts, refuse
  the address (password spraying from one place);
- per account, from every address, over a day: past `login_account_delay_after` failures,
  each further attempt waits a little longer (1, 2, 4 … seconds, at most
  `login_account_max_delay_seconds`). Nothing locks: an attack from many addresses gets at
  most about one guess a minute (NIST SP 800-63B §5.2.2 allows up to 100 consecutive failures
  before any lock), and an owner signing in meanwhile waits at most that maximum. Addresses
  the account signed in from in the last 30 days skip this delay (800-63B's allow-list of
  addresses the subscriber authenticated from).

Attempts are counted before the credential is checked, so parallel ones cannot slip past a
limit, and an IPv6 address counts by its /64.

So the right credential from an address with no recent failures is never refused because
of failures from elsewhere, except for the bounded delay while an account is under attack
from many addresses at once. Accounts are keyed by a hash: the counters hold no email.
"""

import hashlib
import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from competenze.common import ratelimit
from competenze.common.time import utcnow
from competenze.config import Settings
from competenze.errors import TooManyRequests

KNOWN_FOR = timedelta(days=30)
# The account-wide count runs over a day, not the address limits' window: past its free
# attempts an account takes at most one a minute, about 1,450 guesses a day at the very most.
ACCOUNT_WINDOW = timedelta(days=1)


def _network(address: str) -> str:
    """The address as the throttle counts it: an IPv6 host by its /64 (one subscriber gets a
    whole /64 to rotate through), an IPv4 address as it is."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False)) if parsed.version == 6 else str(parsed)


@dataclass(frozen=True)
class Attempt:
    """One sign-in attempt: which account (an email or a client id, as typed) from where."""

    account: str
    address: str

    @property
    def _account(self) -> str:
        return hashlib.sha256(self.account.encode()).hexdigest()[:32]

    @property
    def _from(self) -> str:
        return _network(self.address)

    @property
    def pair_key(self) -> str:
        return f"login:pair:{self._account}:{self._from}"

    @property
    def address_key(self) -> str:
        return f"login:ip:{self._from}"

    @property
    def account_key(self) -> str:
        return f"login:account:{self._account}"

    @property
    def known_key(self) -> str:
        return f"login:known:{self._account}:{self._from}"


def account_wait(attempt: int, window_start: datetime, now: datetime, *, free: int, max_delay: int) -> int:
    """Seconds until the account may take its `attempt`-th attempt of the window that started
    at `window_start` (0: now). Past the free ones, the k-th is allowed 1 + 2 + ... + 2^(k-1)
    seconds after the window began, each term at most max_delay: since refused attempts are
    not counted, nobody gets ahead of that schedule, and the next slot is at most max_delay away."""
    if attempt <= free:
        return 0
    allowed_at, step = 0, 1
    for _ in range(attempt - free):
        allowed_at += min(step, max_delay)
        step *= 2
    return max(0, math.ceil((window_start + timedelta(seconds=allowed_at) - now).total_seconds()))


def admit(session: Session, settings: Settings, attempt: Attempt) -> None:
    """Count this attempt before its credential is checked, or refuse it (429, Retry-After).

    The counters are upserted in the request's transaction and their rows stay locked until it
    ends, so parallel attempts on one account or from one address are judged one after
    another, each seeing the others' counts (thirty at once from one address once all got
    judged). A refused attempt is not counted: its error rolls the transaction back. A failed
    one is kept (the caller raises with keep_changes); a successful one is given back."""
    connection, window = session.connection(), settings.login_window_seconds
    for key, limit in (
        (attempt.pair_key, settings.login_max_failures_per_account_address),
        (attempt.address_key, settings.login_max_failures_per_ip),
    ):
        counted, start = ratelimit.counted(connection, key, window_seconds=window)
        if counted > limit:
            wait = ratelimit.wait(start, window)
            raise TooManyRequests(
                f"Too many failed sign-in attempts from your address; try again in {wait} seconds.", retry_after=wait
            )
    counted, start = ratelimit.counted(
        connection, attempt.account_key, window_seconds=int(ACCOUNT_WINDOW.total_seconds())
    )
    if counted <= settings.login_account_delay_after or _known(session, attempt):
        return
    wait = account_wait(
        counted,
        start,
        utcnow(),
        free=settings.login_account_delay_after,
        max_delay=settings.login_account_max_delay_seconds,
    )
    if wait:
        raise TooManyRequests(
            f"This account has had many failed sign-in attempts; try again in {wait} seconds.", retry_after=wait
        )


def _known(session: Session, attempt: Attempt) -> bool:
    return ratelimit.live(session, attempt.known_key, window_seconds=int(KNOWN_FOR.total_seconds())) is not None


def succeeded(session: Session, attempt: Attempt) -> None:
    """The owner got in from this address: the attempt was no failure (given back), this
    address's failures on the account are forgotten, and the address is known for 30 days
    from now. The account's count from elsewhere stays until its window ends."""
    connection = session.connection()
    ratelimit.reset(session, attempt.pair_key)
    ratelimit.uncount(connection, attempt.address_key)
    ratelimit.uncount(connection, attempt.account_key)
    ratelimit.restart(connection, attempt.known_key)
