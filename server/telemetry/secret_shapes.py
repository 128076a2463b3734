"""What secrets look like in free text: the rules the redactor (redact.py) scans with.

Each rule finds secrets that carry their own shape or sit behind a telling label:

* private keys: PEM blocks (RSA, EC, DSA, PKCS#8, encrypted, OpenSSH), PGP private key blocks,
  PuTTY key files, age secret keys;
* cloud credentials: AWS access key ids and secret keys (with `=`, `:`, "is" or nothing between
  label and value), Azure storage account keys, Service Bus / Event Hub shared access keys, SAS
  and other signed-URL signatures, Azure AD client secrets, Alibaba access keys, Google API keys,
  OAuth client secrets (GOCSPX-), access tokens (ya29.) and refresh tokens, Firebase Cloud
  Messaging server keys, DigitalOcean and Heroku tokens;
* developer platforms: GitHub, GitLab, Atlassian/Bitbucket, Linear, Notion, Figma, Airtable,
  Postman, Contentful, npm, PyPI, RubyGems, Docker Hub, Hugging Face, Terraform Cloud, Pulumi,
  Doppler, HashiCorp Vault, Databricks, Grafana, Sentry (tokens and DSNs), Supabase, Mapbox,
  Dropbox tokens;
* messaging and payments: Slack tokens and webhooks, Discord bot tokens and webhooks, Telegram
  bot tokens, Twilio keys, SIDs and auth tokens, SendGrid, Mailgun, Mailchimp, Stripe, Square,
  PayPal and Braintree tokens, Shopify tokens, Facebook access tokens, Datadog and New Relic keys,
  OpenAI/Anthropic-style `sk-` keys;
* generic shapes: JWTs, bearer/basic/token authorization headers, cookies in Cookie headers,
  credentials in any URL (`scheme://user:password@host`, database URLs named as such),
  `key=value` / `key: value` / "key is value" pairs and JSON-ish `"key": "value"` pairs whose key
  names a secret (`password=`, `DB_PASSWORD=`, `export SECRET_KEY="..."`, `{"Password": ...}`),
  and labelled opaque values ("api key 9f8e...", "aws secret key wJal...");
* personal data: card numbers that pass the Luhn check, US social security numbers (dashes or
  spaces), IBANs that pass the mod-97 check, UK National Insurance numbers, and (optionally)
  email addresses. Phone numbers, UUIDs, dates, versions and prices are left alone.

A requirement that says "our Stripe key is sk_live_..." is stored as "our Stripe key is
[REDACTED:stripe_key]". Every pattern is written without nested unbounded quantifiers, so a scan
stays linear on hostile input; rules whose secrets carry a literal marker are skipped when the
text does not contain it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

# The redactor marks each secret it has found with a run of private-use characters that starts
# with this one; rules must not read a marked span as part of a new secret.
PLACEHOLDER_START = "\ue000"

def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _is_card(match: re.Match[str]) -> bool:
    digits = re.sub(r"\D", "", match.group())
    return 13 <= len(digits) <= 19 and _luhn_ok(digits)


_IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24,
    "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21,
    "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28,
    "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27,
    "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24,
    "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TN": 24, "TR": 26, "UA": 29,
    "VA": 22, "VG": 24, "XK": 20,
}


def _iban_ok(compact: str) -> bool:
    if _IBAN_LENGTHS.get(compact[:2]) != len(compact):
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


def _is_iban(match: re.Match[str]) -> bool:
    return _iban_ok(match.group().replace(" ", ""))


def _opaque(match: re.Match[str]) -> bool:
    """A labelled value that looks generated rather than written: letters and digits mixed."""
    value = match.group(match.lastindex or 0)
    digits = sum(c.isdigit() for c in value)
    letters = sum(c.isalpha() for c in value)
    mixed_case = any(c.isupper() for c in value) and any(c.islower() for c in value)
    return letters >= 2 and (digits >= 3 or (digits >= 1 and mixed_case))


_LABEL_QUALIFIER = re.compile(r"(?i)(?<![a-z])(?:api|access|secret|auth|private|client|bot|app|master|"
                              r"signing|encryption|refresh|session|license)[ _-]?$")


def _labelled(match: re.Match[str]) -> bool:
    """`api key 9f8e...`, `password Xk29...`: a bare `key` or `token` needs a qualifier in front."""
    start = match.start()
    before = match.string[max(0, start - 16): start]
    if match.group()[:1] in "Pp":
        return not before[-1:].isalpha() and _opaque(match)
    return _LABEL_QUALIFIER.search(before) is not None and _opaque(match)


_PLACEHOLDERS = frozenset({"password", "passwd", "pass", "pwd", "secret", "xxx", "xxxx", "xxxxxx", "xxxxxxxx",
                           "***", "****", "******", "********", "yourpassword", "your_password",
                           "your-password"})


def _not_a_placeholder(match: re.Match[str]) -> bool:
    """`mysql://USER:PASSWORD@HOST/DB` is a template, not a leak."""
    return match.group(1).lower() not in _PLACEHOLDERS


def _aws_secret_shape(match: re.Match[str]) -> bool:
    value = match.group(1)
    return sum((any(c.isdigit() for c in value), any(c.isupper() for c in value),
                any(c.islower() for c in value), any(c in "/+" for c in value))) >= 3


_PLAIN_WORDS = re.compile(r"[A-Za-z][a-z]*(?:-[a-z]+)*")


def _not_a_word(match: re.Match[str]) -> bool:
    """`Bearer authentication-flow` is prose; `Bearer mF_9.B5f-4.1JqM` is a credential."""
    return not _PLAIN_WORDS.fullmatch(match.group().split(None, 1)[1])


@dataclass(frozen=True)
class Rule:
    kind: str
    regex: re.Pattern[str]
    accept: Callable[[re.Match[str]], bool] | None = None
    group: int = 0  # 0: the whole match; n: that group; -1: every group that took part
    # Lower-case markers; when given, the rule only runs on text containing one of them.
    hints: tuple[str, ...] = ()
    finder: Callable[[str], Iterable[tuple[int, int]]] | None = None

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        if self.finder is not None:
            yield from self.finder(text)
            return
        for match in self.regex.finditer(text):
            if self.accept is not None and not self.accept(match):
                continue
            if self.group == -1:
                for index in range(1, (self.regex.groups or 0) + 1):
                    if match.start(index) >= 0 and match.end(index) > match.start(index):
                        yield match.span(index)
            elif self.group:
                if match.start(self.group) >= 0:
                    yield match.span(self.group)
            else:
                yield match.span()


def _rule(kind: str, pattern: str, *hints: str, group: int = 0,
          accept: Callable[[re.Match[str]], bool] | None = None) -> Rule:
    return Rule(kind, re.compile(pattern), accept, group, tuple(h.lower() for h in hints))


# --- key/value pairs whose key names a secret ------------------------------------------------------

# A key is one to four words ("DB_PASSWORD", "x-api-key", "aws secret access key"), optionally
# quoted as in JSON or a Python dict, followed by `=`, `:`, `:=`, `=>` or "is"/"was". _KV_KEY reads
# one forwards (to spot "label: password=..."), _key_before backwards from a separator.
_KV_KEY = re.compile(
    r"(?<![A-Za-z0-9_.\-])(\\?[\"']?)"
    r"((?:(?!(?:is|was|are|were)\b)[A-Za-z0-9_.\-]{1,40}[ \t]{1,3}){0,3}"
    r"(?!(?:is|was|are|were)\b)[A-Za-z0-9_.\-]{1,60})\1"
    r"[ \t]{0,8}(?::=|=>|[:=]|(?<=[ \t])(?:is|was)\b(?:[ \t]{0,8}:)?)",
    re.IGNORECASE,
)
_KV_VALUE = re.compile(
    r"[ \t]{0,8}(?:(?:bearer|basic|token|digest)[ \t]{1,3})?"
    r"(?:\\\"((?:[^\"\\\n]|\\[^\"\n]){1,500})\\\""
    r"|\"((?:[^\"\\\n]|\\[^\n]){1,500})\""
    r"|\\'((?:[^'\\\n]|\\[^'\n]){1,500})\\'"
    r"|'((?:[^'\\\n]|\\[^\n]){1,500})'"
    r"|(?!\[REDACTED|\ue000)([^\s'\",;}\]]{3,}))",
    re.IGNORECASE,
)
_BLANKS = re.compile(r"[ \t]{0,8}")
# The scan is driven by separators (few in prose); the key is then read backwards from each.
_KV_SEPARATOR = re.compile(r"[:=][=>]?|[iIwW](?<=[ \t][iIwW])(?i:(?<=i)s|(?<=w)as)\b(?:[ \t]{0,8}:)?")
_KEY_BACKWARDS = re.compile(r"[A-Za-z0-9_.\-]{1,60}(?:[ \t]{1,3}[A-Za-z0-9_.\-]{1,60}){0,3}")
_LINKING = frozenset({"is", "was", "are", "were"})
_WEAK_SECRET_WORDS = frozenset({"pass", "pw", "auth", "pat", "psk"})
_WORD_VALUE = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_PROSE_GOES_ON = re.compile(r"[ \t]{1,3}[A-Za-z]")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_SECRET_WORD = re.compile(
    r"(?:password|passwd|passphrase|pwd|secret|token|credentials?|api_?key|access_?key|private_?key|"
    r"secret_?key|auth_?key|signing_?key|encryption_?key|master_?key|session_?key|account_?key|"
    r"license_?key|authorization|(?<![a-z0-9])(?:pass|pw|auth|ssn|pat|psk))(?![a-z0-9])"
)
# A key ending in one of these names something about a secret, not the secret: TOKEN_TTL=900.
_ABOUT_A_SECRET = frozenset("""
    ttl expiry expires expire expiresin in expiration lifetime age duration interval length len size
    count limit limits timeout min max minutes seconds hours days url uri endpoint host path file dir
    name id ids type types header policy policies rotation rotate algorithm alg format enabled required
    version strategy store storage provider manager management service location issuer audience scope
    scopes field hint prompt reset refresh hashing validation generation tokens passwords secrets keys
    credentials usage strength complexity mode method flow grant check rule rules requirements support
    handling encoding encryption cache prefix suffix regex pattern schema label description helper vault
""".split())
# Values that are prose, not secrets: "the token is valid", "Password: required".
_NOT_A_VALUE = frozenset("""
    a an the and or but not no yes none null nil true false empty unset set missing unknown required
    optional mandatory valid invalid expired revoked stored hashed salted encrypted rotated issued
    signed sent used kept managed generated provided passed checked verified masked redacted hidden
    shown never always only also still then must should will shall may might can could would need needs
    same different unique long short strong weak too very being been per from with without into onto
    over under for to of in on at by via as is are was were be this that these those it its their our
    your my his her we they you him them here there when where which what who how why changed reset lost
    leaked compromised secret private public internal external random configurable configured enforced
    handled rotating expiring refreshed cached logged displayed printed transmitted exchanged validated
    scoped bound tied limited attached included defined described documented specified above below
    following see tbd todo n/a na unchanged bcrypt argon2 scrypt pbkdf2 sha256 jwt oauth oauth2 saml sso
    opaque
""".split())


@lru_cache(maxsize=1024)
def _secret_key(key: str) -> int:
    """0: the key does not name a secret; 1: only weakly (`auth`, `pass`); 2: it does (`DB_PASSWORD`).

    A one-word key may carry the secret word anywhere (SECRET_KEY_BASE) unless it ends in a word
    about the secret (TOKEN_TTL); a phrase must end with it ("admin password", not "token budget")."""
    stripped = key.strip("\\\"' \t")
    last = stripped.split()[-1] if stripped.split() else ""
    if last != stripped and ("_" in last or any(char.isupper() for char in last[1:])):
        return _secret_key(last)  # "no_such_tool SECRET_KEY_BASE": an identifier is a key of its own
    snake = _NON_ALNUM.sub("_", _CAMEL.sub("_", stripped).lower()).strip("_")
    found = [match.group() for match in _SECRET_WORD.finditer(snake)
             if " " not in stripped or match.end() == len(snake)]
    if not found or snake.rsplit("_", 1)[-1] in _ABOUT_A_SECRET:
        return 0
    return 1 if all(word in _WEAK_SECRET_WORDS for word in found) else 2


def _key_before(text: str, end: int) -> str | None:
    """The key that ends where a separator begins: up to four words, quoted or not, read backwards."""
    start = end
    while start > 0 and end - start < 8 and text[start - 1] in " \t":
        start -= 1
    quote = ""
    if start > 0 and text[start - 1] in "\"'":
        quote = text[start - 1] if start < 2 or text[start - 2] != "\\" else text[start - 2: start]
        start -= len(quote)
    words = _KEY_BACKWARDS.match(text[max(0, start - 250): start][::-1])
    if words is None:
        return None
    key = words.group()[::-1]  # a longer key is cut to its last 60 characters
    key_start = start - len(key)
    if quote and text[max(0, key_start - len(quote)): key_start] != quote:
        return None
    parts = key.split()
    for index in range(len(parts) - 1, -1, -1):  # "Alice is admin: ..." - the key is "admin"
        if parts[index].lower() in _LINKING:
            return " ".join(parts[index + 1:]) or None
    return key


def _assignments(text: str) -> Iterator[tuple[int, int]]:
    done = 0
    for separator in _KV_SEPARATOR.finditer(text):
        if separator.start() < done:
            continue
        key = _key_before(text, separator.start())
        strength = _secret_key(key) if key is not None else 0
        if not strength:
            continue
        # "db password: password=..." - the inner pair is the one to redact.
        inner = _KV_KEY.match(text, _BLANKS.match(text, separator.end()).end())
        if inner is not None and " " not in inner.group(2) and _secret_key(inner.group(2)):
            continue
        value = _KV_VALUE.match(text, separator.end())
        if value is None:
            continue
        index = value.lastindex or 0
        secret = value.group(index)
        if index == 5 and secret.lower().rstrip(".:!?)") in _NOT_A_VALUE:
            continue
        worded = _WORD_VALUE.fullmatch(secret) is not None
        if worded and strength == 1:
            continue  # "Auth: Cognito" names a product; "BASIC_AUTH=admin:hunter2" is a credential
        if worded and index == 5 and separator.group()[0] != "=" and _PROSE_GOES_ON.match(text, value.end()):
            continue  # "Session token: httpOnly cookie" describes; "password: Xk29!" gives
        done = value.end()
        yield value.span(index)


# --- Cookie headers: every value, names kept ------------------------------------------------------

_COOKIE_HEADER = re.compile(r"(?i)(?<![\w-])(?:set-)?cookie[ \t]{0,3}:[ \t]{0,8}")
_COOKIE_PAIR = re.compile(r"[ \t]{0,8}[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,100}=([^\s;,]{1,4096})[ \t]{0,8}(;)?")


def _cookies(text: str) -> Iterator[tuple[int, int]]:
    for header in _COOKIE_HEADER.finditer(text):
        position = header.end()
        while (pair := _COOKIE_PAIR.match(text, position)) is not None:
            if not pair.group(1).startswith(("[REDACTED", PLACEHOLDER_START)):
                yield pair.span(1)
            position = pair.end()
            if pair.group(2) is None:
                break


# --- the rules, most specific first ---------------------------------------------------------------

_B64 = r"A-Za-z0-9+/"
_MAILGUN_TAIL = re.compile(r"-(?<=\b[0-9a-f]{32}-)[0-9a-f]{8}-[0-9a-f]{8}\b")
_DB_SCHEMES = (r"postgres(?:ql)?|pgsql|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|"
               r"cockroachdb|clickhouse|oracle|neo4j(?:\+s)?|bolt|cassandra|couchbases?|memcached|nats|"
               r"jdbc:[a-z0-9]{2,20}")

RULES: tuple[Rule, ...] = (
    # Private keys, whole blocks (an unterminated block runs to the end of the text).
    _rule("private_key", r"-----BEGIN (?:[A-Z0-9]{1,20} ){0,4}PRIVATE KEY-----[\s\S]*?"
          r"(?:-----END (?:[A-Z0-9]{1,20} ){0,4}PRIVATE KEY-----|$)", "private key-----"),
    _rule("pgp_private_key", r"-----BEGIN PGP PRIVATE KEY BLOCK-----[\s\S]*?"
          r"(?:-----END PGP PRIVATE KEY BLOCK-----|$)", "pgp private key block"),
    _rule("putty_private_key", r"PuTTY-User-Key-File-\d: [\s\S]*?(?:Private-MAC: [0-9a-f]{1,128}|$)",
          "putty-user-key-file"),
    _rule("age_secret_key", r"\bAGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58}\b", "age-secret-key-"),
    # Tokens with a vendor marker.
    _rule("jwt", r"eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}", "eyj"),
    _rule("aws_access_key", r"(?:AKIA|ASIA|AIDA|AGPA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}(?![0-9A-Z])",
          "akia", "asia", "aida", "agpa", "aroa", "anpa", "anva", "aipa"),
    _rule("github_token", r"g(?:h[pousr]_[A-Za-z0-9]{30,255}|ithub_pat_[A-Za-z0-9_]{22,255})",
          "gh", "github_pat_"),
    _rule("gitlab_token", r"(?:gl(?:pat|dt|ptt|rt|cbt|soat|ft|imt|oas|ffct|agent)-[A-Za-z0-9_-]{20,}"
          r"|GR1348941[A-Za-z0-9_-]{20,})", "gl", "gr1348941"),
    _rule("slack_token", r"(?:xox[abposre](?:\.xox[abposr])?-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9-]{10,})",
          "xox", "xapp-"),
    _rule("slack_webhook", r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_-]+",
          "hooks.slack.com"),
    _rule("discord_webhook", r"https://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api/webhooks/\d{5,30}/"
          r"[A-Za-z0-9_-]{20,}", "discord"),
    _rule("discord_bot_token", r"[MNO](?<=\b[MNO])[A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\."
          r"[A-Za-z0-9_-]{27,40}(?![\w-])"),
    _rule("telegram_bot_token", r"\b\d{6,12}:AA[A-Za-z0-9_-]{31,35}(?![\w-])", ":aa"),
    _rule("stripe_key", r"(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9]{10,}",
          "_live_", "_test_", "whsec_"),
    _rule("square_token", r"\b(?:EAAA[A-Za-z0-9_-]{56,64}|sq0(?:atp|csp|idp)-[A-Za-z0-9_-]{22,43})(?![\w-])",
          "eaaa", "sq0"),
    _rule("facebook_token", r"\bEAA[A-Za-z0-9]{60,}", "eaa"),
    _rule("braintree_token", r"\baccess_token\$(?:production|sandbox)\$[0-9a-z]{16}\$[0-9a-f]{32}",
          "access_token$"),
    _rule("paypal_token", r"\bA21AA[A-Za-z0-9_-]{50,}", "a21aa"),
    _rule("shopify_token", r"\bshp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}\b", "shp"),
    _rule("google_api_key", r"AIza[0-9A-Za-z_-]{35}", "aiza"),
    _rule("google_oauth_secret", r"GOCSPX-[A-Za-z0-9_-]{28}(?![\w-])", "gocspx-"),
    _rule("google_oauth_token", r"ya29\.[A-Za-z0-9_-]{20,}", "ya29."),
    _rule("google_refresh_token", r"(?<![\w/])1//0[A-Za-z0-9_-]{30,}", "1//0"),
    _rule("firebase_fcm_key", r"\bAAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{50,}", "apa91b"),
    _rule("sendgrid_key", r"\bSG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}", "sg."),
    _rule("mailgun_key", r"\bkey-[0-9a-f]{32}\b", "key-"),
    Rule("mailgun_key", _MAILGUN_TAIL, hints=("-",), finder=lambda text: (
        (match.start() - 32, match.end()) for match in _MAILGUN_TAIL.finditer(text))),
    _rule("mailchimp_key", r"\b[0-9a-f]{32}-us\d{1,2}\b", "-us"),
    _rule("twilio_auth_token", r"(?i)\btwilio[A-Za-z0-9_ :=.-]{0,40}?\b([0-9a-f]{32})\b", "twilio", group=1),
    _rule("twilio_key", r"[SA](?<=\b[SA])(?:(?<=S)K|(?<=A)C)[0-9a-f]{32}\b", "sk", "ac"),
    _rule("npm_token", r"npm_[A-Za-z0-9]{30,}", "npm_"),
    _rule("pypi_token", r"\bpypi-AgE[A-Za-z0-9_-]{50,}", "pypi-"),
    _rule("rubygems_key", r"\brubygems_[a-f0-9]{48}\b", "rubygems_"),
    _rule("docker_hub_token", r"dckr_(?:pat|oat)_[A-Za-z0-9_-]{20,}", "dckr_"),
    _rule("huggingface_token", r"hf_[A-Za-z0-9]{30,}", "hf_"),
    _rule("digitalocean_token", r"\bdo[opr]_v1_[a-f0-9]{64}\b", "_v1_"),
    _rule("heroku_key", r"\bHRKU-[A-Za-z0-9_-]{20,}", "hrku-"),
    _rule("heroku_key", r"(?i)heroku[A-Za-z0-9_ :=.-]{0,40}?\b([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-"
          r"[0-9a-f]{4}-"
          r"[0-9a-f]{12})\b", "heroku", group=1),
    _rule("datadog_key", r"(?i)\b(?:datadog|dd)[A-Za-z0-9_ :=.-]{0,40}?\b([0-9a-f]{40}|[0-9a-f]{32})\b",
          "datadog", "dd", group=1),
    _rule("newrelic_key", r"\bNR(?:AK|II|JS|AA|IQ|RA|SP)-[A-Za-z0-9]{20,}|\b[a-f0-9]{36}NRAL\b", "nr"),
    _rule("sentry_dsn", r"https?://([0-9a-f]{32})(?::([0-9a-f]{32}))?@[A-Za-z0-9.-]{0,100}sentry\.io",
          "sentry.io", group=-1),
    _rule("sentry_token", r"\bsntry[su]_[A-Za-z0-9+/=_-]{40,}", "sntry"),
    _rule("atlassian_token", r"\b(?:ATATT3|ATCTT3|ATBB)[A-Za-z0-9_=.-]{30,}", "atatt3", "atctt3", "atbb"),
    _rule("linear_key", r"\blin_(?:api|oauth)_[A-Za-z0-9]{32,}", "lin_"),
    _rule("notion_token", r"\b(?:secret_[A-Za-z0-9]{43}|ntn_[A-Za-z0-9]{40,})\b", "secret_", "ntn_"),
    _rule("figma_token", r"\bfig[dou]_[A-Za-z0-9_-]{30,}", "fig"),
    _rule("airtable_token", r"\bpat[A-Za-z0-9]{14}\.[a-f0-9]{64}\b", "pat"),
    _rule("postman_key", r"\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b", "pmak-"),
    _rule("contentful_token", r"\bCFPAT-[A-Za-z0-9_-]{40,}", "cfpat-"),
    _rule("doppler_token", r"\bdp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9_.-]{20,}", "dp."),
    _rule("vault_token", r"\bhv[sbr]\.[A-Za-z0-9_-]{24,}", "hvs.", "hvb.", "hvr."),
    _rule("terraform_token", r"\b[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,}", "atlasv1"),
    _rule("pulumi_token", r"\bpul-[a-f0-9]{40}\b", "pul-"),
    _rule("databricks_token", r"\bdapi[a-f0-9]{32}(?:-\d)?\b", "dapi"),
    _rule("grafana_token", r"\b(?:glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|glc_[A-Za-z0-9+/]{32,}={0,2})",
          "glsa_", "glc_"),
    _rule("supabase_key", r"\b(?:sbp_[a-f0-9]{40}|sb_secret_[A-Za-z0-9_-]{20,})", "sbp_", "sb_secret_"),
    _rule("mapbox_secret_token", r"\bsk\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}", "sk.eyj"),
    _rule("dropbox_token", r"\bsl\.(?:u\.)?[A-Za-z0-9_-]{100,}", "sl."),
    _rule("alibaba_access_key", r"\bLTAI[A-Za-z0-9]{12,20}\b", "ltai"),
    _rule("azure_client_secret", r"(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}"
          r"(?![A-Za-z0-9_~.-])", "q~"),
    # Azure connection strings and signed URLs.
    _rule("azure_storage_key", r"(?i)\bAccountKey[ \t]{0,3}=[ \t]{0,3}([A-Za-z0-9+/]{20,}={0,2})",
          "accountkey", group=1),
    _rule("azure_shared_access_key", r"(?i)\bSharedAccessKey[ \t]{0,3}=[ \t]{0,3}([A-Za-z0-9+/]{20,}={0,2})",
          "sharedaccesskey", group=1),
    _rule("signed_url_signature", r"(?i)[?&;](?:sig|signature|x-amz-signature|x-goog-signature)="
          r"([A-Za-z0-9%+/=_.-]{16,})", "sig", "signature", group=1),
    _rule("api_key", r"sk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}", "sk-"),
    # Credentials inside URLs; database URLs get their own kind.
    _rule("database_password", rf"(?i)(?:{_DB_SCHEMES})://[^\s:/?#@\"'<>\[\]]{{0,256}}:"
          r"(?!\[REDACTED|\ue000)([^\s/?#\"'<>\]]{1,256})@(?=[A-Za-z0-9\[])", "://", group=1,
          accept=_not_a_placeholder),
    _rule("url_credentials", r"(?i)\b[a-z][a-z0-9+.-]{1,30}://[^\s:/?#@\"'<>\[\]]{0,256}:"
          r"(?!\[REDACTED|\ue000)([^\s/?#\"'<>\]]{1,256})@(?=[A-Za-z0-9\[])", "://", group=1,
          accept=_not_a_placeholder),
    # Authorization headers and labelled values.
    _rule("authorization", r"[BbTt](?<=\b[BbTt])(?i:(?<=b)earer|(?<=b)asic|(?<=t)oken)\s+"
          r"[A-Za-z0-9._~+/=-]{12,}", "bearer", "basic", "token", accept=_not_a_word),
    _rule("aws_secret_key", r"(?i)(?:aws.{0,20})?secret.{0,20}?[:=]\s*['\"]?([A-Za-z0-9/+=]{40})\b", "secret",
          group=1),
    _rule("aws_secret_key", rf"(?i)(?<![a-z])secret(?:[ _-][a-z0-9]{{1,15}}){{0,3}}[ \t]{{1,3}}"
          rf"(?:(?:is|was)[ \t]{{1,3}}:?[ \t]{{0,3}})?['\"]?([{_B64}=]{{40}})(?![{_B64}=])", "secret",
          group=1, accept=_aws_secret_shape),
    _rule("labelled_secret", r"[KkTtSsPp](?i:(?<=k)ey|(?<=t)oken|(?<=s)ecret|(?<=p)ass(?:word|phrase))"
          r"[ \t]{1,3}['\"]?([A-Za-z0-9_./+=~-]{16,200})", "key", "token", "secret", "pass", group=1,
          accept=_labelled),
    Rule("cookie", _COOKIE_HEADER, hints=("cookie",), finder=_cookies),
    # Personal data.
    _rule("card_number", r"[2-6](?<![\d+][2-6])(?:\d{12,18}(?!\d|[.,]\d)|(?<!\d[ .-][2-6])"
          r"(?:\d{3}([ -])\d{4}\1\d{4}\1\d{1,7}|\d{3}([ -])\d{6}\2\d{4,5})(?!\d))", accept=_is_card),
    _rule("us_ssn", r"\d(?<![\w+]\d)(?<!\d[ -]\d)\d\d(?<!000|666)(?<!9\d\d)([- ])(?!00)\d{2}\1(?!0000)\d{4}\b"
          r"(?![ -]\d)"),
    _rule("iban", r"[A-Z](?<=\b[A-Z])[A-Z]\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b",
          accept=_is_iban),
    _rule("uk_national_insurance", r"[A-CEGHJ-PR-TW-Z](?<=\b[A-Z])[A-CEGHJ-NPR-TW-Z](?<!BG|GB|KN|NK|NT|TN|ZZ)"
          r"(?: ?\d{2}){3} ?[A-D]\b"),
    Rule("secret_assignment", _KV_SEPARATOR, finder=_assignments, hints=(
        "pass", "pwd", "pw", "secret", "token", "key", "cred", "auth", "ssn", "pat", "psk")),
)
EMAIL = Rule("email", re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}\b"),
    hints=("@",))
