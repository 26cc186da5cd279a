"""How easy a passphrase or password is to guess, explained so a coach can act on it.

One check for the laptop's passphrase (set-up and change) and the server's account
passwords. Three tests, all of which must pass:

1. length (10 characters on the laptop, 12 on the server);
2. not on the list of the 30,000 commonest passwords (shipped with zxcvbn), even with
   capitals, spaces or a number or symbol added at the end;
3. zxcvbn's estimate of the guesses an attacker needs, at least 10^10 ("score" 4
   starts there; 3 is 10^8). zxcvbn knows keyboard patterns (qwertyuiop), repeats
   (aaaa), dates, sequences, common words and names, and l33t substitutions.

A stolen laptop's key file can be attacked offline at the attacker's pace: Argon2id
(store/keys.py) makes each guess cost about 0.16 s of one core and 64 MiB, so 10^10
guesses is about 50 years of one core (nearly three weeks of a thousand) — enough for words a
person remembers, not enough for "Password1!".
zxcvbn: https://github.com/dwolfhub/zxcvbn-python (Dropbox's estimator, ported).
"""

from __future__ import annotations

import re
from functools import lru_cache

# Words an attacker would try first against this service.
SERVICE_WORDS = ("workwell", "nhs", "cumbria", "coach", "health", "wellbeing", "password", "passphrase")
MIN_GUESSES_LOG10 = 10.0
# zxcvbn refuses longer input (its cost grows with length); past it the guesses are astronomic.
_ESTIMATE_CHARS = 72

EXPLAIN = "Use three or four unrelated words that you will remember, with spaces between them."


# zxcvbn is imported in the functions that use it: its word lists are a large import, needed
# only when a passphrase or password is checked (not to unlock, not to sync).
@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def _stem(text: str) -> str:
    """'Password1!' -> 'password', 'Qwerty 123' -> 'qwerty': the common decorations removed."""
    squeezed = re.sub(r"\s+", "", text.lower())
    return re.sub(r"[\d\W_]+$", "", squeezed) or squeezed


def is_common(text: str) -> bool:
    """On the commonest-passwords list, as it is or once capitals, spaces and a trailing
    number or symbol are taken away."""
    squeezed = re.sub(r"\s+", "", text.lower())
    return squeezed in _common() or _stem(text) in _common()


def problem(
    secret: str, min_length: int, personal: tuple[str, ...] = (), what: str = "passphrase"
) -> str | None:
    """Why ``secret`` is too easy to guess, in plain English; None when it is strong enough."""
    if len(secret) < min_length:
        return f"Use at least {min_length} characters. {EXPLAIN}"
    if is_common(secret):
        return f"This {what} is one of the most common passwords, so it would be guessed at once. {EXPLAIN}"
    words = [w for item in personal for w in re.split(r"\W+", item.lower()) if len(w) > 2]
    rest = secret.lower()
    for word in sorted({*SERVICE_WORDS, *words}, key=len, reverse=True):
        rest = rest.replace(word, "")
    if len(re.sub(r"[\d\W_]+", "", rest)) < 6:  # little left once names, numbers and symbols go
        return (
            f"This {what} is mostly your name, words about the service or numbers, which are "
            f"tried first. {EXPLAIN}"
        )
    from zxcvbn import zxcvbn

    estimate = zxcvbn(secret[:_ESTIMATE_CHARS], user_inputs=[*SERVICE_WORDS, *words])
    if float(estimate["guesses_log10"]) >= MIN_GUESSES_LOG10:
        return None
    warning = estimate["feedback"].get("warning") or ""
    reasons = {
        "Repeats like": "It repeats the same characters or words.",
        "Sequences like": "It uses an easy sequence such as abc or 123.",
        "keyboard": "It is a pattern of keys next to each other on the keyboard.",
        "common password": "It is very like one of the most common passwords.",
        "similar to a commonly used password": "It is very like one of the most common passwords.",
        "Dates": "Dates and years are easy to guess.",
        "years": "Dates and years are easy to guess.",
        "Names and surnames": "Names are easy to guess.",
        "common names": "Names are easy to guess.",
        "A word by itself": "A single word is easy to guess.",
    }
    why = next((text for marker, text in reasons.items() if marker in warning), "")
    if not why and any(w and w in secret.lower() for w in [*SERVICE_WORDS, *words]):
        why = "It uses your name or words about the service, which are tried first."
    return f"This {what} would be too easy to guess. {why + ' ' if why else ''}{EXPLAIN}"


def passphrase_problem(passphrase: str, personal: tuple[str, ...] = ()) -> str | None:
    """The laptop's passphrase (at set-up and on change)."""
    return problem(passphrase, 10, personal)
