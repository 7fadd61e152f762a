"""URL rules for ads (shared by the services' input validation and the pre-checks) and the blocklist match.

An ad URL (click URL, creative URL) must be `https://` with a real domain name: `javascript:`, `data:`, `http:`,
relative addresses, `user:password@` credentials, backslashes (browsers read them as slashes, Python does not),
white space or control characters, IP addresses and one-label hosts (`localhost`) are refused. A non-ASCII host
(`bücher.de`) is compared and blocked in its IDNA (punycode) form, `xn--bcher-kva.de`. Blocklist entries match the
domain itself and every subdomain: blocking `example.com` blocks `ads.example.com`.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import SplitResult, urlsplit

from console.ads.checks_base import CheckContext, CheckResult
from console.validation import text_problem, too_long, trimmed

MAX_URL = 2000
LABEL_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
TLD_RE = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
SCRIPT_SCHEMES = ("javascript", "data", "vbscript", "file", "blob")


def ascii_domain(host: str) -> tuple[str | None, str | None]:
    """(the lower-case IDNA form of `host`, None) or (None, what is wrong with it). `host` has no port."""
    host = host.strip().rstrip(".").lower()
    if not host:
        return None, "has no domain name"
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    else:
        return None, "names an IP address; ads must link to a domain name"
    try:
        encoded = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return None, "has a domain name that is not valid (IDNA)"
    labels = encoded.split(".")
    if len(encoded) > 253 or not all(LABEL_RE.fullmatch(label) for label in labels):
        return None, "has a domain name that is not valid (letters, digits and hyphens between dots)"
    if len(labels) < 2 or not TLD_RE.fullmatch(labels[-1]):
        return None, "must name a public domain (like example.com)"
    return encoded, None


def _parts(url: str) -> tuple[SplitResult | None, str | None]:
    if "\\" in url:
        return None, "contains a backslash; browsers read it as a slash and may go to another host"
    try:
        parts = urlsplit(url)
        _ = parts.port  # an invalid port raises here
    except ValueError:
        return None, "is not a valid address"
    return parts, None


def _scheme_as_browsers_read_it(url: str) -> str:
    """Browsers drop leading control characters and spaces and every tab and line break before reading the scheme
    ("  java\tscript:" is javascript:)."""
    text = "".join(ch for ch in url if ch not in "\t\n\r").lstrip("".join(map(chr, range(0x21))))
    return text.split(":", 1)[0].lower() if ":" in text else ""


def url_problem(value: str | None) -> str | None:
    """What is wrong with an ad URL as a field message ("must be an https:// address ..."), or None."""
    url = value or ""
    if not url:
        return "is required"
    if (problem := too_long(url, MAX_URL)) is not None:
        return problem
    scheme = _scheme_as_browsers_read_it(url)
    if scheme in SCRIPT_SCHEMES:
        return f"is a {scheme}: address; only https:// addresses are allowed"
    if (problem := text_problem(url)) is not None:
        return problem
    if any(ch.isspace() for ch in url):
        return "contains white space; encode it as %20"
    parts, problem = _parts(url)
    if parts is None:
        return problem
    if parts.scheme.lower() == "https" and not parts.netloc:
        return "has no domain name after https:// (like https://example.com/page)"
    if parts.scheme.lower() != "https":
        found = f" (found {parts.scheme.lower()}:)" if parts.scheme else ""
        return f"must be an https:// address{found}"
    if parts.username is not None or parts.password is not None:
        return "must not carry a user name or password (user:password@host)"
    _, problem = ascii_domain(parts.hostname or "")
    return problem


def url_domain(url: str | None) -> str | None:
    """The IDNA domain of a valid ad URL, or None."""
    if not url or url_problem(url) is not None:
        return None
    parts, _ = _parts(url)
    domain, _ = ascii_domain(parts.hostname or "") if parts is not None else (None, None)
    return domain


def parents(domain: str) -> list[str]:
    """'a.b.example.com' -> ['a.b.example.com', 'b.example.com', 'example.com'] (never the bare TLD)."""
    labels = domain.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


def candidate_domains(url: str | None) -> list[str]:
    domain = url_domain(url)
    return parents(domain) if domain else []


def normalise_domain(value: str | None) -> tuple[str | None, str | None]:
    """A domain as typed for the blocklist -> (its IDNA lower-case form, None) or (None, field message). A
    leading `*.` is dropped (entries match subdomains anyway)."""
    text, offset = trimmed(value)  # white space and byte order marks, as all text
    if not text:
        return None, "is required"
    if (problem := text_problem(text, offset=offset)) is not None:
        return None, problem
    if "/" in text or ":" in text or "@" in text or any(ch.isspace() for ch in text):
        return None, "must be a domain like example.com, not an address"
    text = text.removeprefix("*.")
    domain, problem = ascii_domain(text)
    if problem is not None:
        return None, problem
    return domain, None


def _url_check(code: str, what: str, url: str | None) -> CheckResult | None:
    if url is None:
        return None
    problem = url_problem(url)
    if problem is not None:
        return CheckResult(code, "hard", False, f"The {what} {problem}")
    return CheckResult(code, "hard", True, f"The {what} is https with the domain {url_domain(url)}")


def creative_url(ctx: CheckContext) -> CheckResult | None:
    return _url_check("creative_url", "creative URL", ctx.ad.creative_url)


def click_url(ctx: CheckContext) -> CheckResult | None:
    return _url_check("click_url", "click URL", ctx.ad.click_url or "")


def click_domain(ctx: CheckContext) -> CheckResult | None:
    domain = url_domain(ctx.ad.click_url)
    if domain is None:
        return None  # click_url failed and says why
    for candidate in parents(domain):
        if candidate in ctx.blocked:
            on = "is" if candidate == domain else f"is under {candidate}, which is"
            message = f"The click URL's domain {domain} {on} on the blocklist: {ctx.blocked[candidate]}"
            return CheckResult("click_domain", "hard", False, message)
    return CheckResult("click_domain", "hard", True, f"{domain} is not on the blocklist")


CHECKS = [creative_url, click_url, click_domain]
