"""Steps for addresses: e-mail addresses and URLs, said the way people say them."""

from __future__ import annotations

import re

from audioguide.speech.normalize.tables import SPOKEN_TLDS, TLDS

__all__ = ["expand_emails", "expand_urls"]


def _speak_domain(domain: str) -> str:
    """``www.Example.co.uk`` -> ``example dot co dot U.K``."""
    labels = [label for label in domain.lower().split(".") if label]
    if labels and labels[0] == "www":
        labels = labels[1:]
    spoken = []
    for i, label in enumerate(labels):
        if i == len(labels) - 1 and i > 0:
            if label in SPOKEN_TLDS:
                label = SPOKEN_TLDS[label]
            elif len(label) == 2:
                label = ".".join(label.upper())
        spoken.append(label.replace("-", " dash "))
    return " dot ".join(spoken)


_EMAIL = re.compile(r"(?<![\w.+-])(?:mailto:)?([\w.+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)\b")


def expand_emails(text: str) -> str:
    """E-mail addresses as said aloud.

    >>> expand_emails("Write to jane.doe@example.org.")
    'Write to jane dot doe at example dot org.'
    """
    def say(m: re.Match[str]) -> str:
        local = m.group(1).strip(".")
        for mark, word in ((".", " dot "), ("_", " underscore "), ("-", " dash "), ("+", " plus ")):
            local = local.replace(mark, word)
        return f"{local} at {_speak_domain(m.group(2))}"

    return _EMAIL.sub(say, text)


_URL = re.compile(
    r"\b(?:(?:https?|ftp)://|www\.)[^\s<>\"'“”]+"
    rf"|(?<![\w@.-])(?:[a-z0-9][a-z0-9-]*\.)+(?:{TLDS})\b(?:/[^\s<>\"'“”]*)?"
)


def expand_urls(text: str) -> str:
    """URLs reduced to their site, as said aloud; the path and query are dropped.

    >>> expand_urls("See https://www.example.com/a/b?x=1. Or docs.python.org!")
    'See example dot com. Or docs dot python dot org!'
    """
    def say(m: re.Match[str]) -> str:
        url = m.group()
        trail = re.search(r"[.,;:!?)\]}]+$", url)
        tail = ""
        if trail:
            # A closing bracket belongs to the URL only when it also opened one.
            tail = trail.group()
            url = url[: trail.start()]
        host = re.sub(r"^[a-z]+://", "", url, flags=re.IGNORECASE)
        host = re.split(r"[/?#]", host, maxsplit=1)[0]
        host = host.rsplit("@", 1)[-1].split(":", 1)[0]
        return _speak_domain(host) + tail

    return _URL.sub(say, text)
