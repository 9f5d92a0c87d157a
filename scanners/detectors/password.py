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
    r"password|passwort|passwd|passphrase|passcode|pass|pwd|pswd|pword|pw|p/w|kennwort|contraseña|"
    r"contrasena|"
    r"clave|senha|wachtwoord|hasło|haslo|parola|lösenord|losenord|salasana|adgangskode|heslo|"
    r"jelszó|şifre|sifre|mot_de_passe|motdepasse|mot de passe|пароль|パスワード|密码|密碼|비밀번호"
)
# The key to a wireless network is its password: "the wifi code is X", "WLAN-Schlüssel: X".
_WIFI_WORDS = r"wi-?fi[ -]?(?:code|key|pass)|wlan[ -]?(?:code|schlüssel|key)|code wi-?fi|clé wi-?fi"
# In prose "pass" is a boarding / bus pass far more often than a password.
_NL_WORDS = (
    _WORDS.replace("|pass|", "|") + r"|pass ?word|mot de passe|wi-?fi password|" + _WIFI_WORDS
)
_NLW = r"(?:" + _NL_WORDS + r")"
# A value in prose, without the quotes around it (ASCII, typographic, German, French, CJK).
_NL_VALUE = r"[\"'`“‘«„「『]?(?P<value>[^\s\"'`”’»“」』]{1,128})"
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
    r"\s{1,20}password\s{1,20}(?P<value>\S{1,128})"
)
# Space-separated config: fetchmailrc "user 'joe' password 'X'", Cisco IOS "username admin
# [privilege 15] password [0|7] X" (0 = plaintext type).
_SPACED_USER = (
    r"(?i:\b(?:user(?:name)?|login)[ \t]+)[\"']?[^\s\"']{1,64}[\"']?"
    r"(?:[ \t]+privilege[ \t]+\d{1,2})?[ \t]+(?i:password|passwd|pass)[ \t]+(?:[07][ \t]+)?"
    r"[\"']?(?P<value>[^\s\"']{1,128})"
)
# A config line that is only "password X" (.htaccess-like and INI-without-= files, redis.conf
# `requirepass` / `masterauth`, keepalived `auth_pass`).
_SPACED_LINE = (
    r"(?m)^[ \t]*(?i:password|passwd|pass|pwd|requirepass|masterauth|auth_pass)[ \t]+"
    r"[\"']?(?P<value>[^\s\"']{1,128})[\"']?[ \t]*$"
)
# Chat: "my password is X", "pw is X", "mi contraseña es X", "mein Passwort ist X", ...
_NATURAL = (
    r"(?i:\b" + _NLW + r"(?:[ \t]+(?:for|of|to|on|de|del|de la|du|des|für|fürs|zum|zur|pour|para|"
    r"per|voor)(?:[ \t]+\S{1,40}){1,3})?"
    # "la contraseña nueva es X", "the password you need is X", "the password's X".
    r"(?:[ \t]+(?:new|temporary|current|initial|nueva|nuevo|actual|temporal|provisional|"
    r"nouveau|provisoire|temporaire|neue|aktuelle))?"
    r"(?:[ \t]+(?:you|we|i|they|he|she)(?:[ \t]+[a-z]{1,12}){1,3})?"
    # Longest phrases first: RE2 takes the first alternative that lets the whole match succeed.
    r"(?:[ \t]+(?:(?:is|was|has been|have been|will be) (?:changed|set|reset|updated) to|"
    r"(?:changed|set|reset|updated) to|is now|is still|ist jetzt|ist nun|est maintenant|"
    r"est désormais|es ahora|ahora es|lautet jetzt|lautet nun|is|was|will be|should be|"
    r"está|es|ist|lautet|est|é|è|e|är|on|to|je|er|это)|['’]s)(?:[ \t]*[:=])?[ \t]+)" + _NL_VALUE
)
# A prepositional phrase, then a colon: "Passwort für das WLAN: X", "contraseña del wifi: X".
_FOR_COLON = (
    r"(?i:\b" + _NLW + r"[ \t]+(?:for|of|on|für|fürs|zum|zur|pour|du|des|de|para|del|per|voor)"
    r"(?:[ \t]+[^\s:：=]{1,40}){1,3}[ \t]*[:：=][ \t]*)" + _NL_VALUE
)
# "WLAN-Schlüssel: X", "wifi code = X" (the key patterns only take ASCII key names).
_WIFI_COLON = r"(?i:\b(?:" + _WIFI_WORDS + r")[ \t]*[:：=][ \t]*)" + _NL_VALUE
# Sentences that give the password without the word right before it.
# "your password expired, so I reset it to X" (a password word must be in the 80 characters
# before: the check looks).
_CHANGED_IT = (
    r"(?i:\b(?:reset|changed|change|set|updated|switched|rotated)[ \t]+(?:it|that|this|them)"
    r"[ \t]+(?:back[ \t]+)?to[ \t]+)" + _NL_VALUE
)
# "J'ai changé le mot de passe en X", "Te cambié la contraseña a X", "changed the password to X".
_CHANGED_TO = (
    r"(?i:\b(?:changé|modifié|remplacé|réinitialisé|cambié|cambiado|cambiada|restablecido|"
    r"changed|reset|set|updated)[ \t]+"
    r"(?:(?:le|la|el|the|my|your|our|mon|ma|ton|ta|votre|mi|tu|su)[ \t]+)?"
    + _NLW
    + r"(?:[ \t]+(?:de|del|du|for|of)[ \t]+\S{1,30})?[ \t]+(?:en|à|a|to|por)[ \t]+)"
    + _NL_VALUE
)
# German puts the verb last: "das Passwort habe ich auf X geändert".
_AUF = (
    r"(?i:\b"
    + _NLW
    + r"\b[^.!?\n]{0,60}?[ \t]auf[ \t]+)"
    + _NL_VALUE
    + r"[\"'`”’»“]?(?i:[ \t]+(?:geändert|geaendert|gesetzt|zurückgesetzt|zurueckgesetzt|"
    r"umgestellt|aktualisiert)\b)"
)
# "use password 'X' for the zip file", "mit dem Passwort X", "utilise le mot de passe X".
_USE = (
    r"(?i:\b(?:use|using|try|type|enter|with|benutze|benutzen|verwende|nimm|mit|utilise|utilisez|"
    r"avec|usa|usar|con|prueba)[ \t]+(?:(?:the|this|that|our|my|new|das|dem|den|neue|neuen|le|la|"
    r"el|ce|nouveau|nueva|este|esta)[ \t]+){0,2}" + _NLW + r"[ \t]+)" + _NL_VALUE
)
# "type X when it asks for the password": the value before the word. ("use X when / for the
# password" names a tool, "use OAuth2 when password login is off": only "use X as" counts.)
_TYPE_WHEN = (
    r"(?i:\b(?:type|enter|paste|tape|tapez|entrez|escribe|introduce|gib|tippe)[ \t]+)"
    + _NL_VALUE
    + r"[\"'`”’»“]?(?i:[ \t]+(?:when|as|at|if|once|quand|lorsque|cuando|wenn|als)\b"
    r"[^.!?\n]{0,40}?\b" + _NLW + r")"
)
# "use X as the password", "nimm X als Passwort", "utilise X comme mot de passe".
_USE_AS = (
    r"(?i:\b(?:use|utilise|utilisez|usa|nimm|verwende)[ \t]+)"
    + _NL_VALUE
    + r"[\"'`”’»“]?(?i:[ \t]+(?:as|comme|como|als)[ \t]+(?:(?:the|your|my|a|an|new|le|la|el|ton|"
    r"tu|das|dein|neues|nuevo|nueva)[ \t]+){0,2}" + _NLW + r")"
)
# Password managers: "the shared 1Password entry says X", "the Bitwarden item has X".
_VAULT_ENTRY = (
    r"(?i:\b(?:1password|bitwarden|lastpass|keepass(?:xc)?|dashlane|keeper|passbolt|keychain|"
    r"vault|password manager)\b[^.!?\n]{0,40}?\b(?:entry|item|record|note|login)\b[^.!?\n]{0,20}?"
    r"\b(?:says|reads|has|shows|is|contains|lists)[ \t]*:?[ \t]+)" + _NL_VALUE
)
# German names the password and gives it later in the sentence: "mein Kennwort habe ich
# vergessen, es lautet X", "das WLAN-Passwort für Gäste lautet X". "lautet" ("reads") only
# ever introduces the value, so the words between may be anything but a sentence end.
_LAUTET = (
    r"(?i:\b"
    + _NLW
    + r"\b[^.!?\n]{0,60}?[ \t,]lautet(?:[ \t]+(?:jetzt|nun))?(?:[ \t]*:)?[ \t]+)"
    + _NL_VALUE
)
_CJK_VALUE = r"(?P<value>[A-Za-z0-9!@#$%^&*()_+=\-.?/~\[\]{}<>|\\:;,]{3,128})"
_CJK = (
    r"(?:パスワード|密码|密碼|비밀번호)[ \t]*(?:は|是|为|為|改为|改成|设为|:|：|=|는|은)?[ \t]*"
    r"[「『“\"']?" + _CJK_VALUE
)
# "パスワードをXに変更しました", "비밀번호를 X로 변경했어요": changed to X.
_CJK_CHANGED = (
    r"(?:パスワード|密码|密碼|비밀번호)[ \t]*(?:を|は|를|을|는)[ \t]*[「『“\"']?"
    + _CJK_VALUE
    + r"[」』”\"']?[ \t]*(?:に|へ|로|으로)[ \t]*(?:変更|設定|再設定|リセット|更新|변경|바꿨|바꾸)"
)
# "login is admin / X", "creds: admin:X", "user admin pass X"
_LOGIN = (
    r"(?i:\b(?:login|logon|log(?:ging)? in with|sign(?:ing)? in with|credentials|creds|"
    r"user ?name|user|account)"
    r"(?:[ \t]+(?:for|on|to|of)(?:[ \t]+[^\s:]{1,30}){1,4})?[ \t]*(?:is|are|:|=)?[ \t]*)"
    r"(?P<user>[A-Za-z0-9_.@\-]{1,64})[ \t]*(?:/|:|\|)[ \t]*(?P<value>[^\s\"'`/|]{3,128})"
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
    pas une un é continue proceed confirm verify unlock access login logon foobared
    authentication maintenant obligatoire obligatoria obligatorio""".split()
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
    "changed-it changed-to use use-as type-when vault-entry spaced-line user-password".split()
)
_NARROWED = _NATURAL_FORMS | frozenset(
    "assign-bare flag mysql netrc registry-login spaced-line user-password".split()
)
# Python re on at most CONTEXT_BEFORE (80) characters.
_PASSWORD_BEFORE = re.compile(r"(?i)(?:" + _NL_WORDS + r")")
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
    if key is not None and key.lower() in ("pass", "passed") and value.isdigit():
        return None  # test counts: "pass=128 fail=0"
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
        Pattern(name="pgpass", regex=_PGPASS, confidence=0.75),
        Pattern(name="registry-login", regex=_REGISTRY_LOGIN, confidence=0.85),
        Pattern(name="natural", regex=_NATURAL, confidence=0.8),
        Pattern(name="lautet", regex=_LAUTET, confidence=0.8),
        Pattern(name="cjk", regex=_CJK, confidence=0.8),
        Pattern(name="cjk-changed", regex=_CJK_CHANGED, confidence=0.8),
        Pattern(name="for-colon", regex=_FOR_COLON, confidence=0.8),
        Pattern(name="changed-it", regex=_CHANGED_IT, confidence=0.7),
        Pattern(name="changed-to", regex=_CHANGED_TO, confidence=0.8),
        Pattern(name="auf", regex=_AUF, confidence=0.8),
        Pattern(name="use", regex=_USE, confidence=0.75),
        Pattern(name="type-when", regex=_TYPE_WHEN, confidence=0.7),
        Pattern(name="use-as", regex=_USE_AS, confidence=0.75),
        Pattern(name="wifi-colon", regex=_WIFI_COLON, confidence=0.8),
        Pattern(name="vault-entry", regex=_VAULT_ENTRY, confidence=0.75),
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
