"""PostgreSQL URLs as settings see them: which schemes select PostgreSQL, and how a URL
is shown without its password.

A database URL usually carries a password, and URLs end up in logs, error messages
and health output. Everything that shows one goes through :func:`redact`, so an
operator can still see which host and database are meant, never the secret.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

POSTGRES_SCHEMES = ("postgresql", "postgres")
"""The schemes libpq accepts; both select the PostgreSQL store."""
HIDDEN = "***"


class DatabaseUrlError(ValueError):
    """The URL cannot select a database; ``str()`` is one line and never holds a secret."""


def is_postgres_url(url: str) -> bool:
    scheme, sep, _ = url.partition("://")
    return bool(sep) and scheme.lower() in POSTGRES_SCHEMES


def check_postgres_url(url: str) -> str:
    """``url`` if it is a PostgreSQL URL libpq can parse, else :class:`DatabaseUrlError`.

    The message names the scheme, never the whole URL: the rest may hold a password.
    """
    scheme, sep, _ = url.partition("://")
    if not sep:
        raise DatabaseUrlError("must be a URL like postgresql://user:password@host/database")
    if scheme.lower() not in POSTGRES_SCHEMES:
        shown = scheme if scheme.isascii() and scheme.isalnum() and len(scheme) < 20 else "?"
        raise DatabaseUrlError(
            f"must start with postgresql:// or postgres://, got a {shown}:// URL"
        )
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises on a port that is not a number in range
    except ValueError as exc:
        raise DatabaseUrlError(f"is not a valid URL ({redact_text(str(exc), url)})") from None
    return url


def redact(url: str) -> str:
    """``url`` with its password (in the user part or a ``password=`` parameter)
    replaced by ``***``; what cannot be parsed is hidden whole, to be safe."""
    try:
        parts = urlsplit(url)
        password = parts.password
        netloc = parts.netloc
    except ValueError:
        return f"{url.partition('://')[0]}://{HIDDEN}"
    if password is not None:
        userinfo, _, hostinfo = netloc.rpartition("@")
        user = userinfo.partition(":")[0]
        netloc = f"{user}:{HIDDEN}@{hostinfo}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(k.lower() == "password" for k, _ in pairs):
            query = urlencode(
                [(k, HIDDEN if k.lower() == "password" else v) for k, v in pairs], safe="*"
            )
    # Put together by hand: urlunsplit drops the empty host of postgresql:///db.
    shown = f"{parts.scheme}://{netloc}{parts.path}"
    return shown + (f"?{query}" if query else "") + (f"#{parts.fragment}" if parts.fragment else "")


def secrets_of(url: str) -> list[str]:
    """The password(s) in ``url``, to scrub from error messages a driver composes."""
    found: list[str] = []
    try:
        parts = urlsplit(url)
        if parts.password:
            found += [parts.password, unquote(parts.password)]
        found += [v for k, v in parse_qsl(parts.query) if k.lower() == "password" and v]
    except ValueError:
        pass
    return found


def redact_text(text: str, url: str) -> str:
    """``text`` with any password from ``url`` replaced by ``***``."""
    for secret in sorted(set(secrets_of(url)), key=len, reverse=True):
        text = text.replace(secret, HIDDEN)
    return text
