"""``EMAIL_URL`` → Django's email settings, the way ``DATABASE_URL`` names the database.

    smtp://user:password@mail.example.org:587?tls=1   (STARTTLS; smtps://… for implicit SSL)
    console://                                         (print mails: development)
    locmem:// · dummy:// · file:///var/mail/kuoquan

A small parser rather than the ``dj-email-url`` package: it is these forty lines, and the
settings module should not gain a dependency for them. User and password may be %-encoded.
"""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "submission": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
}
TRUE = {"1", "true", "yes", "on"}


def parse_email_url(url: str) -> dict:
    """The Django settings ``url`` stands for; ValueError for a scheme it does not know."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in BACKENDS:
        raise ValueError(f"EMAIL_URL: unknown scheme {scheme!r} (known: {', '.join(sorted(BACKENDS))})")
    config: dict = {"EMAIL_BACKEND": BACKENDS[scheme]}
    query = {key.lower(): values[-1] for key, values in parse_qs(parts.query).items()}
    if scheme == "file":
        config["EMAIL_FILE_PATH"] = unquote(parts.path)
    elif scheme in {"smtp", "smtps", "submission"}:
        config["EMAIL_HOST"] = parts.hostname or "localhost"
        config["EMAIL_PORT"] = parts.port or {"smtps": 465, "submission": 587}.get(scheme, 25)
        config["EMAIL_HOST_USER"] = unquote(parts.username or "")
        config["EMAIL_HOST_PASSWORD"] = unquote(parts.password or "")
        config["EMAIL_USE_SSL"] = scheme == "smtps" or query.get("ssl", "").lower() in TRUE
        config["EMAIL_USE_TLS"] = not config["EMAIL_USE_SSL"] and (
            scheme == "submission" or query.get("tls", "").lower() in TRUE
        )
        if "timeout" in query:
            config["EMAIL_TIMEOUT"] = int(query["timeout"])
    if "from" in query:
        config["DEFAULT_FROM_EMAIL"] = query["from"]
        config["SERVER_EMAIL"] = query["from"]
    return config
