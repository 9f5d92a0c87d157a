"""Passwords: assignments in config, code and connection strings, URIs, CLI flags and chat."""

from __future__ import annotations

import re

from scanners.detectors.base import Candidate, Detector, Pattern
from scanners.detectors.common import is_placeholder, is_template
from scanners.masking import mask_all
from scanners.model import Category
from scanners.validators import basic_auth

# Words for "password" in key names and chat, in the languages our users write in.
_WORDS = (
    r"password|passwort|passwd|passphrase|passcode|pass|pwd|pw|kennwort|contraseña|contrasena|"
    r"clave|senha|wachtwoord|hasło|haslo|parola|lösenord|losenord|salasana|adgangskode|heslo|"
    r"jelszó|şifre|sifre|mot_de_passe|motdepasse|mot de passe|пароль|パスワード|密码|密碼|비밀번호"
)
# In prose "pass" is a boarding / bus pass far more often than a password.
_NL_WORDS = _WORDS.replace("|pass|", "|") + r"|pass ?word|mot de passe|wi-?fi password"
_KEY = r"(?P<key>[A-Za-z0-9_.\-]*(?i:" + _WORDS + r")[A-Za-z0-9_.\-]*)"
# PostgreSQL .pgpass line: hostname:port:database:username:password
_PGPASS = (
    r"(?m)(?:^|[ \t])[A-Za-z0-9_.\-*]{1,253}:(?:\d{1,5}|\*):[A-Za-z0-9_\-*]{1,63}:"
    r"[A-Za-z0-9_.@\-*]{1,63}:(?P<value>[^\s:]{1,128})$"
)
# key, optional closing quote of a JSON / dict key, then =, :, :=, => (same line only).
_ASSIGN = _KEY + r"[\"']?[ \t]*(?::=|=>|=|:|：)[ \t]*"

# Key/value assignments (dotenv, INI, YAML, JSON, code, ODBC/JDBC "Password=...;").
_ASSIGN_DQ = _ASSIGN + r"\"(?P<value>[^\"\n]{1,200})\""
_ASSIGN_SQ = _ASSIGN + r"'(?P<value>[^'\n]{1,200})'"
# Unquoted, `,` `;` quotes and backticks end a value (ODBC, lists, Markdown); `<` / `>` may
# not start one (markup: `password=<%= x %>`) but may be inside it (`Hn<2>xY7q`).
_ASSIGN_BARE = _ASSIGN + r"(?P<value>[^\s\"'`,;<>][^\s\"'`,;]{0,199})"
# XML / HTML-ish config: <password>x</password>
_XML = r"(?i)<(?P<key>[a-z_:]*(?:password|passwd|pwd))>(?P<value>[^<\n]{1,200})</"
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
# .netrc: machine host login user password secret
_NETRC = r"\bmachine[ \t]+\S+[ \t]+login[ \t]+\S+[ \t]+password[ \t]+(?P<value>\S{1,128})"
# Chat: "my password is X", "pw is X", "mi contraseña es X", "mein Passwort ist X", ...
_NATURAL = (
    r"(?i:\b(?:" + _NL_WORDS + r")"
    r"(?:[ \t]+(?:for|of|to|on|de|für|pour|para|per|voor)(?:[ \t]+\S{1,40}){1,3})?[ \t]+"
    # Longest phrases first: RE2 takes the first alternative that lets the whole match succeed.
    r"(?:(?:(?:is|was|has been|have been|will be) (?:changed|set|reset|updated) to|"
    r"(?:changed|set|reset|updated) to|is now|is still|is|was|will be|should be|"
    r"está|es|ist|lautet|est|é|è|e|är|on|to|je|er|это)(?:[ \t]*[:=])?[ \t]+))"
    r"[\"'`“‘«„]?(?P<value>[^\s\"'`”’»“]{1,128})"
)
# German names the password and gives it later in the sentence: "mein Kennwort habe ich
# vergessen, es lautet X", "das WLAN-Passwort für Gäste lautet X". "lautet" ("reads") only
# ever introduces the value, so the words between may be anything but a sentence end.
_LAUTET = (
    r"(?i:\b(?:" + _NL_WORDS + r")\b[^.!?\n]{0,60}?[ \t,]lautet(?:[ \t]*:)?[ \t]+)"
    r"[\"'`“‘«„]?(?P<value>[^\s\"'`”’»“]{1,128})"
)
_CJK = (
    r"(?:パスワード|密码|密碼|비밀번호)[ \t]*(?:は|是|为|為|:|：|=|는|은)?[ \t]*"
    r"(?P<value>[A-Za-z0-9!@#$%^&*()_+=\-.?/~\[\]{}<>|\\:;,]{3,128})"
)
# "login is admin / X", "creds: admin:X", "user admin pass X"
_LOGIN = (
    r"(?i:\b(?:login|logon|log(?:ging)? in with|sign(?:ing)? in with|credentials|creds|"
    r"user ?name|user|account)"
    r"(?:[ \t]+(?:for|on|to|of)(?:[ \t]+[^\s:]{1,30}){1,4})?[ \t]*(?:is|are|:|=)?[ \t]*)"
    r"(?P<user>[A-Za-z0-9_.@\-]{1,64})[ \t]*(?:/|:|\|)[ \t]*(?P<value>[^\s\"'`/|]{3,128})"
)

_KEY_WORDS = frozenset(
    "password passwort passwd passphrase passcode pass pwd pw kennwort contraseña contrasena "
    "clave senha wachtwoord hasło haslo parola lösenord losenord salasana adgangskode heslo "
    "jelszó şifre sifre mot_de_passe motdepasse пароль パスワード 密码 密碼 비밀번호".split()
)
# Key parts that make a "password" key describe something else than the password itself.
_NOT_A_PASSWORD_KEY = frozenset(
    "hash hashed digest salt policy length len min max minimum maximum expiry expires "
    "expiration expire reset forgot field label hint prompt regex pattern rule rules strength "
    "age url uri file path type mode enabled required changed history encoder validator "
    "manager input placeholder error message msg text title count attempts last updated "
    "auth method algorithm algo complexity store vault id ref name".split()
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
    pas une un é""".split()
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
    if _REFERENCE.search(value) or _CODE_REFERENCE.match(value):
        return False
    if natural and value.isalpha() and value.islower() and len(value) < 5:
        return False
    return True


_QUERY_PARAMETER = re.compile(r"&[A-Za-z_][\w.\-]*=")


def _narrow(candidate: Candidate) -> None:
    """Drop sentence punctuation, unbalanced closers and URL query parameters after a value."""
    parameter = _QUERY_PARAMETER.search(candidate.value)
    if parameter:
        candidate.end = candidate.start + parameter.start()
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


def _check(candidate: Candidate) -> float | None:
    name = candidate.pattern.name
    natural = name in ("natural", "login", "cjk")
    if name in (
        "natural",
        "login",
        "cjk",
        "assign-bare",
        "flag",
        "mysql",
        "netrc",
        "registry-login",
    ):
        _narrow(candidate)
    key = candidate.groups.get("key")
    if key is not None and name.startswith("assign") and not _key_is_password(key):
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
        Pattern(name="uri", regex=_URI, confidence=0.9),
        Pattern(name="basic", regex=_BASIC, confidence=0.85),
        Pattern(name="curl", regex=_CURL, confidence=0.85),
        Pattern(name="mysql", regex=_MYSQL, confidence=0.85),
        Pattern(name="flag", regex=_FLAG, confidence=0.8),
        Pattern(name="netrc", regex=_NETRC, confidence=0.85),
        Pattern(name="pgpass", regex=_PGPASS, confidence=0.75),
        Pattern(name="registry-login", regex=_REGISTRY_LOGIN, confidence=0.85),
        Pattern(name="natural", regex=_NATURAL, confidence=0.8),
        Pattern(name="lautet", regex=_LAUTET, confidence=0.8),
        Pattern(name="cjk", regex=_CJK, confidence=0.8),
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
    ),
)
