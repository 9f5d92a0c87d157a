"""Passwords: assignments in config, code and connection strings, URIs, CLI flags and chat.

Forms found: key/value assignments (dotenv, INI, YAML, JSON, code, ODBC/JDBC), XML elements
and .NET / Java key-value elements, URI userinfo, HTTP Basic, command lines, .netrc and
space-separated config ("password X", fetchmailrc, Cisco IOS, redis `requirepass`), .pgpass,
and prose in several languages (scanners.detectors.password_phrases), including sentences
that give a password without the word right before it ("I reset it to X", "use X as the
password", "the 1Password entry says X", "das Passwort habe ich auf X geändert").

Decisions (issue 15):
- Known defaults and placeholders are not reported: `changeme`, `foobared` (redis.conf's
  sample), `password`, `secret`, `<password>`, `${DB_PASSWORD}`, `********`,
  `your_password_here`, `{{ x }}`. A default in a template is public, not a leak, and
  reporting it would raise a finding on every sample config; a default left in production
  is a configuration audit's concern, not DLP's.
- Password hashes are not plaintext passwords: bcrypt `$2b$`, argon2, crypt `$1$`/`$5$`/`$6$`,
  LDAP `{SSHA}`, Django `pbkdf2_sha256$` are dropped, whatever key they sit under.
- Policies, prompts and UI strings ("must be at least 12 characters", "enter your password
  to continue", "Forgot password?", "Password Manager") give no value: stoplisted words,
  the end-of-clause rule for plain words, and the "looks generated" rule below.
- Where the word "password" is not right before the value, or a bare word is as likely
  prose (a spaced config line, "user X password Y", "reset it to X", "use password X",
  "changed the password to X", vault entries), the value must look generated: a digit, a
  symbol or an inner capital, and not digits alone. "I reset it to sunshine" is missed on
  purpose; "I reset it to factory defaults" and "enter 123456 when asked for the password"
  are not findings. "reset it to X" also needs a password word in the 80 characters before.
- Numbers alone under a `pass` key are test counts ("pass=128 fail=0"), and "boarding
  pass: 14B" is a ticket: neither is reported.
- A directory under a PWD key ("PWD=/home/app") and HTML-escaped markup are not passwords.

Measured (benchmarks/scan_accuracy.py; issue 15):
- held-out batch benchmarks/corpus/heldout_passwords.jsonl (46 positive, 42 hard
  negatives), written before the engine ran on it, first score: password F1 0.452 (P 0.875,
  R 0.304), false alarms on hard negatives 2/42 = 4.8 %. After tuning on the misses and on
  a separate tuning batch (benchmarks/corpus/password_cases.jsonl, 50 + 45): F1 1.000, 0/42
  false alarms; these figures were tuned against and no longer estimate unseen text.
- the tuning batch, on its first run (after the held-out misses were fixed): F1 0.900,
  5/45 false alarms. A later spot check of 38 fresh positives and 30 hard negatives, also
  written after tuning began: 21/38 found, 3/30 false alarms; both were then added to the
  batch (now 85 + 88 cases), which scores F1 1.000 with 0/88 false alarms.
- scan_cases.jsonl unchanged: micro F1 1.000, 0/242 hard-negative false alarms.
- password findings over 1,209 documentation and config files of this machine
  (/usr/share/doc, /etc, the team docs): 61 before, 33 after; those left are real shapes
  (URIs with userinfo, `<password>` in Maven's settings.xml, a netrc example).
- still missed, on purpose or for later: the value before the word with nothing between
  ("it's X (the password)", "I updated it to X, the password I mean"), arrows ("pw -> X"),
  plain dictionary words in the indirect forms ("I reset it to sunshine").
"""

from __future__ import annotations

import html
import re

from scanners.detectors.base import Candidate, Detector, Pattern
from scanners.detectors.common import is_placeholder, is_template
from scanners.detectors.password_phrases import (
    AUF,
    CHANGED_IT,
    CHANGED_TO,
    CJK,
    CJK_CHANGED,
    FOR_COLON,
    LAUTET,
    NATURAL,
    NL_WORDS,
    TYPE_WHEN,
    USE,
    USE_AS,
    VAULT_ENTRY,
    WIFI_COLON,
    WORDS,
)
from scanners.masking import mask_all
from scanners.model import Category
from scanners.validators import basic_auth

_KEY = r"(?P<key>[A-Za-z0-9_.\-]*(?i:" + WORDS + r")[A-Za-z0-9_.\-]*)"
# PostgreSQL .pgpass line: hostname:port:database:username:password
_PGPASS = (
    r"(?m)(?:^|[ \t])[A-Za-z0-9_.\-*]{1,253}:(?:\d{1,5}|\*):[A-Za-z0-9_\-*]{1,63}:"
    r"[A-Za-z0-9_.@\-*]{1,63}:(?P<value>[^\s:]{1,128})$"
)
# key, optional closing quote of a JSON / dict key, then =, :, :=, => (same line only).
# A short qualifier may sit between key and colon: "Kennwort neu: X", "password (temp): X".
_ASSIGN = (
    _KEY + r"[\"']?(?i:[ \t]+(?:new|neu|nouveau|nuevo|nueva|temp|\((?:new|neu|temp|temporary|"
    r"initial|provisoire|temporal|nuevo|nueva)\)))?[ \t]*(?::=|=>|=|:|：)[ \t]*"
)

# Key/value assignments (dotenv, INI, YAML, JSON, code, ODBC/JDBC "Password=...;").
_ASSIGN_DQ = _ASSIGN + r"\"(?P<value>[^\"\n]{1,200})\""
_ASSIGN_SQ = _ASSIGN + r"'(?P<value>[^'\n]{1,200})'"
# Unquoted, `,` `;` quotes and backticks end a value (ODBC, lists, Markdown); `<` / `>` may
# not start one (markup: `password=<%= x %>`) but may be inside it (`Hn<2>xY7q`).
_ASSIGN_BARE = _ASSIGN + r"(?P<value>[^\s\"'`,;<>][^\s\"'`,;]{0,199})"
# XML / HTML-ish config: <password>x</password>
_XML = r"(?i)<(?P<key>[a-z_:.\-]*(?:password|passwd|pwd))>(?P<value>[^<\n]{1,200})</"
# .NET appSettings / Spring / log4j: an element whose key or name attribute names a password,
# with the value in a `value` attribute (<add key="SmtpPassword" value="X"/>, <property
# name="hibernate.connection.password" value="X"/>) ...
_XML_TAG = r"<[A-Za-z][\w:.\-]{0,40}[ \t][^<>\n]{0,100}?\b(?i:key|name)[ \t]*=[ \t]*"
_XML_ATTR_DQ = (
    _XML_TAG + r"[\"'](?P<key>[^\"'<>\n]{1,128})[\"'][^<>\n]{0,100}?[ \t](?i:value)[ \t]*=[ \t]*"
    r"\"(?P<value>[^\"\n]{1,200})\""
)
_XML_ATTR_SQ = (
    _XML_TAG + r"[\"'](?P<key>[^\"'<>\n]{1,128})[\"'][^<>\n]{0,100}?[ \t](?i:value)[ \t]*=[ \t]*"
    r"'(?P<value>[^'\n]{1,200})'"
)
# ... or as the element's text (Java properties XML <entry key="db.password">X</entry>,
# .NET settings <setting name="ProxyPassword"><value>X</value></setting>).
_XML_TEXT = (
    _XML_TAG + r"[\"'](?P<key>[^\"'<>\n]{1,128})[\"'][^<>\n/]{0,100}>\s{0,20}(?:<value>\s{0,20})?"
    r"(?P<value>[^<\s](?:[^<\n]{0,198}[^<\s])?)</"
)
# RFC 3986 userinfo: scheme://user:password@host. The password may hold an unescaped `#` or
# `?` (invalid in a URI, common in pasted connection strings): the `@host` after it decides.
_URI = (
    r"\b[A-Za-z][A-Za-z0-9+.\-]{1,20}://(?P<user>[^\s:/@?#\"']{0,64}):"
    r"(?P<value>[^\s@/\"']{1,128})@[A-Za-z0-9.\-\[\]_]{1,255}"
)
# HTTP Basic (RFC 7617) credentials: base64 of user:pass after "Basic".
_BASIC = r"\b(?i:basic)[ \t]+(?P<value>[A-Za-z0-9+/]{8,1000}={0,2})"
# Command lines: curl -u user:pass, mysql -pSECRET, --password secret, sshpass -p secret.
_CURL = (
    r"\bcurl\b[^\n]{0,200}?[ \t](?:-u|--user)[ \t]*[\"']?(?P<user>[^\s:\"']{1,64}):"
    r"(?P<value>[^\s\"']{1,128})"
)
_MYSQL = (
    r"\b(?:mysql|mysqldump|mysqladmin|mariadb)\b[^\n]{0,120}?[ \t]-p"
    r"(?P<value>[^\s\"'\-][^\s\"']{0,127})"
)
_FLAG = (
    r"(?:^|[ \t])(?:--password|--passwd|--pass|-Password|sshpass -p)[ \t]+[\"']?"
    r"(?P<value>[^\s\"'\-][^\s\"']{0,127})"
)
# Registry logins: docker login -u bob -p secret (also podman, helm, oras, buildah, skopeo).
_REGISTRY_LOGIN = (
    r"\b(?:docker|podman|helm(?: registry)?|oras|buildah|skopeo|nerdctl)[ \t]+login\b[^\n]{0,120}?"
    r"[ \t](?:-p|--password)[ \t=]+[\"']?(?P<value>[^\s\"'\-][^\s\"']{0,127})"
)
# .netrc (GNU inetutils / curl manual): "machine HOST" or "default", then login / account /
# port tokens in any layout (one line or one token per line), then "password SECRET".
_NETRC = (
    r"\b(?:machine\s{1,20}\S{1,253}|default)(?:\s{1,20}(?:login|account|port)\s{1,20}\S{1,128}){0,3}"
    r"\s{1,20}password\s{1,20}[\"']?(?P<value>[^\s\"']{1,128})"
)
# Cisco IOS "enable password X", "enable secret 0 X" (type 0 is plaintext, 7 reversible).
_ENABLE = r"\benable[ \t]+(?:password(?:[ \t]+[07])?|secret[ \t]+0)[ \t]+(?P<value>[^\s\"']{1,128})"
# Space-separated config: fetchmailrc "user 'joe' password 'X'", Cisco IOS "username admin
# [privilege 15] password [0|7] X" (0 = plaintext type).
_SPACED_USER = (
    r"(?i:\b(?:user(?:name)?|login)[ \t]+)[\"']?[^\s\"']{1,64}[\"']?"
    r"(?:[ \t]+privilege[ \t]+\d{1,2})?[ \t]+(?i:password|passwd)[ \t]+(?:[07][ \t]+)?"
    r"[\"']?(?P<value>[^\s\"']{1,128})"
)
# A config line that is only "password X" (.htaccess-like and INI-without-= files, redis.conf
# `requirepass` / `masterauth`, keepalived `auth_pass`).
_SPACED_LINE = (
    r"(?m)^[ \t]*(?i:password|passwd|pass|pwd|requirepass|masterauth|auth_pass)[ \t]+"
    r"[\"']?(?P<value>[^\s\"']{1,128})[\"']?[ \t]*$"
)
# "login is admin / X", "creds: admin:X", "user admin pass X"
_LOGIN = (
    # The word ends (\b) and the user name starts with a letter or digit: "/Users/mjr",
    # "user_guide/x", "user-images.example.com/123" are paths, not "user / password".
    r"(?i:\b(?:login|logon|log(?:ging)? in with|sign(?:ing)? in with|credentials|creds|"
    r"zugangsdaten|anmeldedaten|identifiants|credenciales|"
    r"user ?name|user|account)\b"
    r"(?:[ \t]+(?:for|on|to|of)(?:[ \t]+[^\s:]{1,30}){1,4})?[ \t]*(?:is|are|:|=)?[ \t]*)"
    r"(?P<user>[A-Za-z0-9][A-Za-z0-9_.@\-]{0,63})[ \t]*(?:/|:|\|)[ \t]*"
    r"(?P<value>[^\s\"'`/|]{3,128})"
)

_KEY_WORDS = frozenset(
    "password passwort passwd passphrase passcode pass pwd pswd pword pw p/w kennwort contraseña "
    "contrasena "
    "clave senha wachtwoord hasło haslo parola lösenord losenord salasana adgangskode heslo "
    "jelszó şifre sifre mot_de_passe motdepasse пароль パスワード 密码 密碼 비밀번호".split()
)
# Key parts that make a "password" key describe something else than the password itself.
_NOT_A_PASSWORD_KEY = frozenset(
    "hash hashed digest salt policy length len min max minimum maximum expiry expires "
    "expiration expire reset forgot field label hint prompt regex pattern rule rules strength "
    "age url uri file path type mode enabled required changed history encoder validator "
    "manager input placeholder error message msg text title count attempts last updated "
    "auth method algorithm algo complexity store vault id ref name encryption command "
    "supports reload".split()
)
_VALUE_STOPLIST = frozenset(
    """password passwd pass secret changeme null none nil true false undefined empty
    required optional string str text hidden redacted masked n/a na tbd todo xxx
    your_password yourpassword mypassword pwd same different correct incorrect wrong invalid
    expired expiring weak strong too not the a an is was in on at to for of and or but if
    it that this there here what which set reset changed stored saved encrypted hashed
    protected missing mandatory needed secure long short valid case-sensitive sensitive
    required. shown visible below above following attached same. ok okay fine good bad
    also still now already never always just only very really being been be my your our
    their his her its unknown blank default new old temporary temp generated random
    managed rotated updated sent shared same-as different-from known forgotten lost
    compromised leaked safe unsafe complex simple easy hard strong. used needed. mandatory.
    handled configured stored. please thanks thank see below above attached enclosed
    then so because when where who how why ist nicht das die der es el la le les que est
    pas une un é continue proceed confirm verify unlock access login logon foobared
    authentication maintenant obligatoire obligatoria obligatorio off yes no files compat
    stdin stdout stderr siehe voir ver véase vedi zie""".split()
)
_HASH = re.compile(
    r"^(?:\$(?:2[abxy]?|argon2(?:id|i|d)?|1|5|6|pbkdf2[\w-]*|scrypt|y|sha1|apr1)\$|"
    r"\{(?:SSHA|SHA|SSHA256|SSHA512|CRYPT|BCRYPT|MD5|PBKDF2)[\w-]*\}|"
    r"(?:pbkdf2_sha256|pbkdf2_sha1|bcrypt_sha256|argon2|sha1|md5)\$)",
    re.IGNORECASE,
)
_REFERENCE = re.compile(
    r"^\$\{|^\$\(|^\$[A-Za-z_]\w*$|^%[sd(]|^%\w+%$|^[@&*][A-Za-z_]\w*$|^(?:os|env|process|config|settings|self|this|args|opts|options|"
    r"params|request|req|cfg|conf|secrets|vars|props|ctx|context|data|form|input|user|"
    r"credentials|creds|app|module)\.|\.get\b|^ENV\b|^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$|"
    r"^[a-z]+(?:_[a-z0-9]+)+$|^[a-z]+[A-Z]\w*(?:Password|Pass|Pwd|Secret)\w*$",
)
# Code that reads a password rather than a password holding brackets: a dotted name, then
# calls / subscripts whose arguments are empty, quoted, numbers or plain identifiers
# (`getpass()`, `os.environ['PW']`, `sys.argv[1]`, `vault(name).read()`), possibly cut off at
# a quote. `Pa(ss)w0rd9` or `Xk9(mP2v!` are not code: text follows the brackets, or the
# argument is no identifier. (Python re on a value of at most 200 characters.)
_ARGUMENT = r"\s*(?:[\"'][^\"']*[\"']?|[a-z_][a-z0-9_.]*|[A-Z_][A-Z0-9_]*|\d+)\s*"
_CODE_REFERENCE = re.compile(
    r"^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*"
    r"(?:\((?:" + _ARGUMENT + r"(?:," + _ARGUMENT + r")*)?\)?|\[(?:" + _ARGUMENT + r")?\]?)+"
    r"(?:\.[A-Za-z_]\w*(?:\(\))?)*$"
)
_KEY_SPLIT = re.compile(r"[_.\-\s]+|(?<=[a-z])(?=[A-Z])")
# Longer "keys" are runs of text, not names (and Python re only sees bounded input).
_MAX_KEY = 128
_TRAILING = ".,;:)]}>"
_MASK_CHARS = frozenset("*•x#X.-_?·●")


def _key_is_password(key: str) -> bool:
    if len(key) > _MAX_KEY:
        return False
    parts = [part.lower() for part in _KEY_SPLIT.split(key.strip("-_.")) if part]
    if not parts:
        return False
    # "KeyStorePassword", "trust_store_password": the password of a key store.
    parts = [
        part
        for index, part in enumerate(parts)
        if not (part == "store" and index and parts[index - 1] in ("key", "trust"))
    ]
    if any(part in _NOT_A_PASSWORD_KEY for part in parts):
        return False
    if any(part in _KEY_WORDS for part in parts):
        return True
    joined = "".join(parts)
    return joined in _KEY_WORDS or joined.endswith(
        ("password", "passwd", "pwd", "passwort", "passphrase")
    )


def _looks_like_password(value: str, *, natural: bool) -> bool:
    lowered = value.lower()
    if len(value) < 3 or (natural and len(value) < 4):
        return False
    if set(value) <= _MASK_CHARS or lowered in _VALUE_STOPLIST:
        return False
    # A bracketed word is prose ("password: (see the vault)", "[optional]"), not a password.
    word = lowered.strip("()[]{}<>")
    if value[0] in "([{<" and (word in _VALUE_STOPLIST or (word.isalpha() and value[1:].islower())):
        return False
    if is_placeholder(value) or is_template(value) or _HASH.search(value):
        return False
    # HTML-escaped placeholders: "passphrase: &#x3C;string>" is "<string>" (cut at the `;`
    # by the unquoted form: "&#x3C" is only "<").
    if "&" in value:
        unescaped = html.unescape(value)
        if len(unescaped) < 3 or is_placeholder(unescaped):
            return False
    # A directory ("PWD=/home/app", "OLDPWD: /Users/x"), not a password.
    if _PATH.match(value):
        return False
    # "the password is echoed!", "... is expired": a participle, not a value.
    bare = value.rstrip("!?.")
    if natural and bare.isalpha() and bare.islower() and bare.endswith("ed"):
        return False
    if _REFERENCE.search(value) or _CODE_REFERENCE.match(value):
        return False
    if natural and value.isalpha() and value.islower() and len(value) < 5:
        return False
    return True


_QUERY_PARAMETER = re.compile(r"&[A-Za-z_][\w.\-]*=")
# A quote escaped in HTML ends a value: printf(&quot;Password is correct.&quot;).
_ESCAPED_QUOTE = re.compile(r"&(?:quot|apos|#0*3[49]|#x0*2[27]);")
# Absolute POSIX, home or Windows paths.
_PATH = re.compile(r"^(?:~?/|[A-Za-z]:\\)[\w.\-]+[/\\]")


def _narrow(candidate: Candidate) -> None:
    """Drop sentence punctuation, unbalanced closers and URL query parameters after a value."""
    parameter = _QUERY_PARAMETER.search(candidate.value)
    if parameter:
        candidate.end = candidate.start + parameter.start()
    escaped = _ESCAPED_QUOTE.search(candidate.value)
    if escaped:
        candidate.end = candidate.start + escaped.start()
    closing_tag = candidate.value.find("</")
    if closing_tag > 0:
        candidate.end = candidate.start + closing_tag
    while candidate.end - candidate.start > 1 and candidate.text[candidate.end - 1] in _TRAILING:
        value = candidate.value
        closer = value[-1]
        opener = {")": "(", "]": "[", "}": "{", ">": "<"}.get(closer)
        if opener and value.count(opener) >= value.count(closer):
            break
        candidate.end -= 1


# Prose forms: a value must read as a password (length, stoplist, end of clause).
_NATURAL_FORMS = frozenset(
    "natural login cjk cjk-changed for-colon wifi-colon changed-it changed-to auf use use-as "
    "type-when vault-entry lautet".split()
)
# Forms where the password word is not right before the value, or where a bare word is as
# likely prose ("reset it to factory", "with password authentication", "password Manager"):
# the value must look generated (a digit, a symbol or an inner capital).
# Digits alone there are counts, codes and sizes ("enter 123456 when ..."), and a spaced
# "auth_pass 1111" is the sample config's default.
_STRICT_FORMS = frozenset(
    "changed-it changed-to use use-as type-when vault-entry spaced-line user-password "
    "enable".split()
)
# "boarding pass: 14B" is a ticket, not a password.
_TICKET_PASS = re.compile(
    r"(?i)\b(?:boarding|bus|train|rail|day|season|ski|hall|press|visitor|backstage|event|metro|"
    r"transit|museum)[ \t]+pass[\"']?[ \t]*(?::=|=>|=|:|：)[ \t]*[\"']?$"
)
_NARROWED = _NATURAL_FORMS | frozenset(
    "assign-bare flag mysql netrc registry-login spaced-line user-password enable".split()
)
# Python re on at most CONTEXT_BEFORE (80) characters.
_PASSWORD_BEFORE = re.compile(r"(?i)(?:" + NL_WORDS + r")")
_BARE_TO = re.compile(r"(?i)(?:(?:changed|set|reset|updated)[ \t]+)?\bto[ \t]*[\"'`“‘«„]?$")


def _is_generated(value: str) -> bool:
    """Whether `value` holds a digit, a symbol or an inner capital (not a plain word)."""
    return not value.isalpha() or any(ch.isupper() for ch in value[1:])


def _check(candidate: Candidate) -> float | None:
    name = candidate.pattern.name
    natural = name in _NATURAL_FORMS
    if name in _NARROWED:
        _narrow(candidate)
    key = candidate.groups.get("key")
    if key is not None and name.startswith(("assign", "xml")) and not _key_is_password(key):
        return None
    value = candidate.value
    if name == "basic":
        try:
            _user, password = basic_auth.validate(value)
        except ValueError:
            return None
        if not _looks_like_password(password, natural=False):
            return None
        return candidate.pattern.confidence
    if not _looks_like_password(value, natural=natural):
        return None
    if key is not None and key.lower() in ("pass", "passed"):
        if value.isdigit() or _TICKET_PASS.search(candidate.before(40)):
            return None  # test counts ("pass=128 fail=0"), tickets ("boarding pass: 14B")
    strict = name in _STRICT_FORMS
    if name == "natural":
        # A bare "to" ("enter your password to continue") is a purpose, not a value.
        bare_to = _BARE_TO.search(candidate.before(24))
        strict = bare_to is not None and bare_to.group(0).lower().startswith("to")
    if strict and (not _is_generated(value) or value.isdigit() or value.startswith(("/", "~"))):
        return None
    if name == "changed-it" and not _PASSWORD_BEFORE.search(candidate.before()):
        return None
    if natural and value.isalpha() and not any(ch.isupper() for ch in value[1:]):
        # "my password is sunshine" ends the clause; "password is stored in ..." does not.
        # (Inner capitals, as in "KZJynXtaaUfx", already mark a generated password.)
        rest = candidate.text[candidate.end : candidate.end + 3]
        if rest and not (rest[0] in ".,;!?\n)" or (rest.isspace() and "\n" in rest)):
            return None
    if name == "login":
        has_alpha = any(ch.isalpha() for ch in value)
        if value.isalpha() or not (has_alpha or len(value) >= 6):
            return None
    return candidate.pattern.confidence


DETECTOR = Detector(
    id="password",
    category=Category.PASSWORD,
    description="Password in config, code, connection strings, URIs, command lines or chat",
    patterns=(
        Pattern(name="assign-dq", regex=_ASSIGN_DQ, confidence=0.85),
        Pattern(name="assign-sq", regex=_ASSIGN_SQ, confidence=0.85),
        Pattern(name="assign-bare", regex=_ASSIGN_BARE, confidence=0.8),
        Pattern(name="xml", regex=_XML, confidence=0.85),
        Pattern(name="xml-attr-dq", regex=_XML_ATTR_DQ, confidence=0.85),
        Pattern(name="xml-attr-sq", regex=_XML_ATTR_SQ, confidence=0.85),
        Pattern(name="xml-text", regex=_XML_TEXT, confidence=0.85),
        Pattern(name="uri", regex=_URI, confidence=0.9),
        Pattern(name="basic", regex=_BASIC, confidence=0.85),
        Pattern(name="curl", regex=_CURL, confidence=0.85),
        Pattern(name="mysql", regex=_MYSQL, confidence=0.85),
        Pattern(name="flag", regex=_FLAG, confidence=0.8),
        Pattern(name="netrc", regex=_NETRC, confidence=0.85),
        Pattern(name="user-password", regex=_SPACED_USER, confidence=0.8),
        Pattern(name="spaced-line", regex=_SPACED_LINE, confidence=0.75),
        Pattern(name="enable", regex=_ENABLE, confidence=0.8),
        Pattern(name="pgpass", regex=_PGPASS, confidence=0.75),
        Pattern(name="registry-login", regex=_REGISTRY_LOGIN, confidence=0.85),
        Pattern(name="natural", regex=NATURAL, confidence=0.8),
        Pattern(name="lautet", regex=LAUTET, confidence=0.8),
        Pattern(name="cjk", regex=CJK, confidence=0.8),
        Pattern(name="cjk-changed", regex=CJK_CHANGED, confidence=0.8),
        Pattern(name="for-colon", regex=FOR_COLON, confidence=0.8),
        Pattern(name="changed-it", regex=CHANGED_IT, confidence=0.7),
        Pattern(name="changed-to", regex=CHANGED_TO, confidence=0.8),
        Pattern(name="auf", regex=AUF, confidence=0.8),
        Pattern(name="use", regex=USE, confidence=0.75),
        Pattern(name="type-when", regex=TYPE_WHEN, confidence=0.7),
        Pattern(name="use-as", regex=USE_AS, confidence=0.75),
        Pattern(name="wifi-colon", regex=WIFI_COLON, confidence=0.8),
        Pattern(name="vault-entry", regex=VAULT_ENTRY, confidence=0.75),
        Pattern(name="login", regex=_LOGIN, confidence=0.7),
    ),
    context=("password", "login", "credentials", "sign in", "log in", "account", "ssh", "admin"),
    context_boost=0.1,
    check=_check,
    mask=mask_all,
    true_positives=(
        "DB_PASSWORD=Xk9#mP2vQ!",
        'password: "correct horse battery staple"',
        "PGPASSWORD='pg_S3cret' psql -h db -U app",
        "Server=sql01;Database=crm;User Id=sa;Password=Winter2024!;",
        "jdbc:postgresql://db:5432/app?user=app&password=Tr0ub4dor",
        "postgres://admin:s3cr3tP4ss@db.internal.example.com:5432/app",
        "postgres://etl:maple86Saffron#@db.internal:5432/warehouse",
        "mysql -u root -pHunter22 mydb",
        "curl -u deploy:Zq8!rT5x https://api.example.com",
        "machine api.example.com login bob password b0bRul3s",
        "db.example.com:5432:app:appuser:Pg#Pass2024",
        "my password was changed to Autumn#2023 yesterday",
        "mon mot de passe: Chat!Noir9",
        "hey, my password is Summer2024! can you check",
        "my password is sunshine",
        "the wifi password is GuestNet#42",
        "pw is hunter2",
        "login is admin / Adm1n!2024",
        "mi contraseña es Perro123",
        "mein Passwort ist Sonne2023!",
        "Ich habe mein Kennwort vergessen, es lautet Blume!2024",
        "Das WLAN-Passwort für Gäste lautet „Sommer#77“",
        "mon mot de passe est Chat_2024",
        "minha senha é Gato1234",
        "パスワードは abc12345 です",
        "Authorization: Basic YWRtaW46czNjcjN0IQ==",
        "<password>Xy7$Qw3e</password>",
        '{"username": "alice", "password": "Al1ce#pw"}',
        "export MYSQL_PWD=m4ria_db",
        "--password Qw3rty!9 --user admin",
        # issue 15: space-separated config, XML / .NET key-value forms
        "machine pypi.org\nlogin __token__\npassword Pyp1#Upl0ad\n",
        "machine smtp.example.com port 587 login mailer password M4iler#Out",
        'poll pop.example.net with proto POP3 user "mary" there with password "M@ry2025x"',
        "line vty 0 4\n password Vty#Line9\n login",
        "masterauth Mstr!Auth77",
        '<add key="LdapBindPassword" value="Ld@p!Bind1" />',
        "<add key='AdminPwd' value='Adm1n#Pwd' />",
        '<entry key="mail.smtp.password">Ma1l#Smtp</entry>',
        "<KeyStorePassword>K3y!Store9</KeyStorePassword>",
        '<Setting Name="SmtpPassword" Value="Smtp#Setting1" />',
        # issue 15: sentences without the word right before the value
        "forgot the admin password so I set it back to R3set#Now",
        "try password Tr7!alRun on the test box",
        "the Bitwarden item has Bw4rd3n!X in it",
        "use Gu3st!Wifi as the password for the guest network",
        "the wifi key is Wk3y!Home",
        "WLAN-Schlüssel: Wl4n#Key22",
        "Mit dem Passwort Gehe1m!Tür kommst du rein",
        "Ich habe das WLAN-Passwort auf Fritz!Box77 umgestellt",
        "Das Kennwort lautet jetzt Neu#Kennwort1",
        "Le mot de passe est désormais Dés0rmais!",
        "J'ai réinitialisé ton mot de passe à Rein1t#Fr",
        "La contraseña del servidor es Serv1dor#Es",
        "He cambiado la contraseña a Camb10!Es",
        "パスワードを「Hen#Kou77」に変更しました",
        "Wi-Fiのパスワードは Wifi!Jp42 です",
        "비밀번호를 Kor#Pass7로 변경했어요",
        "p/w: Pw#slash9",
        "pswd: Ps!wd8xz",
        "the password we use is Team#Use5",
        "Das Passwort lautet ab sofort Ab!Sofort9",
        "la contraseña sigue siendo Sig#Siendo4",
        "Passwort geändert auf Gea3ndert!",
        "le code du wifi est C0de#Wifi",
        "Kennwort neu: Kw#Neu2025",
        "password (temporary): T3mp!Pass",
        "Zugangsdaten: admin / Zug4ng#Daten",
        "the vault says V4ult#Says",
        'machine example.com login me password "Qu0ted#Netrc"',
        "enable secret 0 En4ble#Sec",
    ),
    false_positives=(
        "password=",
        'password: ""',
        "password: ********",
        "DB_PASSWORD=${DB_PASSWORD}",
        'password: "{{ vault_db_password }}"',
        "password_hash = '$2b$12$KIXQJf0RzF0y6v1bq6pVUOyBqxqGk1m5j3pQ7h1Q8yV5zZ1a2b3c4'",
        "hash: $argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
        "Your password must be at least 12 characters long.",
        "the password is incorrect, please try again",
        "password is required",
        "password_min_length=12",
        "password = os.environ['DB_PASSWORD']",
        "password = getpass()",
        "bypass=true and compass: north",
        "postgres://user:password@localhost/db",
        "postgres://user:${PGPASS}@localhost/db",
        "Basic authentication is deprecated",
        "reset your password at https://example.com/reset",
        "the password is stored in the vault",
        "login is required / optional",
        "mysql -u root -p mydb",
        "Wie lautet das Passwort für den Server?",
        "Passwort vergessen? Die Hotline lautet 0800 123456",
        "das Passwort lautet nicht mehr so",
        # issue 15: UI strings, prompts, policies, templates, defaults, prose near the forms
        "Password\nrequired\n",
        "PASSWORD RESET",
        "user alice password expired yesterday",
        "machine api.example.com login bob password ${NETRC_PW}",
        '<add key="PasswordLength" value="12" />',
        '<add key="PasswordResetUrl" value="https://example.com/reset" />',
        '<setting name="SavePassword" serializeAs="String"><value>False</value></setting>',
        '<add key="SmtpPassword" value="[SMTP_PASSWORD]" />',
        "I reset it to the default settings",
        "set it to 1024 in the config; the password policy is unchanged",
        "use OAuth2 when password login is disabled",
        "enter 123456 when the password prompt appears",
        "Passwort für den Server: siehe Wiki",
        "requirepass foobared",
        "auth_pass 1111",
        "tests: pass=128 fail=0 skip=3",
        "Please enter your password to continue",
        "J'ai changé le mot de passe en urgence",
        "Te cambié la contraseña a petición tuya",
        "Ich habe das Passwort auf 90 Tage Gültigkeit gesetzt",
        "パスワードを変更してください",
        "密码不能为空",
        # found on real documentation and /etc (Node.js, nettle, pip, socat, nsswitch, PostgreSQL)
        "Prints: /Users/mjr",
        "git clone git@github.com:username/node.git",
        "![image](https://user-images.githubusercontent.com/8822573/80928108-afb03300-8)",
        "  PWD: '/Users/maciej',",
        "passwd:         files systemd",
        "#password_encryption = scram-sha-256",
        "#ssl_passphrase_command_supports_reload = off",
        "printf(&quot;Password is incorrect.&quot;);",
        "<code>{pem: &#x3C;string|buffer>[, passphrase: &#x3C;string>]}</code>",
        "The password is echoed!",
        "allow user to pass execution\\_async\\_id",
        "<var>dst</var> using the password <var>key</var> of length",
        "`users create --role viewer` (password on stdin)",
        "boarding pass: 14B",
        "Passwort: siehe KeePass",
        "mot de passe : voir le coffre",
        "enable password encryption on the switch",
        "bob:$apr1$9H3kQ2vL$5qG7zXo3Yt0pS1rN8mW2c/",
        '<input type="password" name="password" placeholder="Password">',
    ),
)
