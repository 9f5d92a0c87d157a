"""The prose forms of the password detector: words for "password" and the sentences that give one.

Kept apart from scanners.detectors.password (the detector, its config forms and its checks)
because the phrasings grow by language. Every pattern is RE2 and bounded; each names the
sensitive span `value`. Which checks a form gets (stoplist, end of clause, "looks
generated") is decided in the detector by the pattern name.
"""

from __future__ import annotations

__all__ = [
    "AUF",
    "CHANGED_IT",
    "CHANGED_TO",
    "CJK",
    "CJK_CHANGED",
    "FOR_COLON",
    "LAUTET",
    "NATURAL",
    "NL_WORDS",
    "TYPE_WHEN",
    "USE",
    "USE_AS",
    "VAULT_ENTRY",
    "WIFI_COLON",
    "WORDS",
]

# Words for "password" in key names and chat, in the languages our users write in.
WORDS = (
    r"password|passwort|passwd|passphrase|passcode|pass|pwd|pswd|pword|pw|p/w|kennwort|contraseña|"
    r"contrasena|"
    r"clave|senha|wachtwoord|hasło|haslo|parola|lösenord|losenord|salasana|adgangskode|heslo|"
    r"jelszó|şifre|sifre|mot_de_passe|motdepasse|mot de passe|пароль|パスワード|密码|密碼|비밀번호"
)
# The key to a wireless network is its password: "the wifi code is X", "WLAN-Schlüssel: X".
_WIFI_WORDS = (
    r"wi-?fi[ -]?(?:code|key|pass)|wlan[ -]?(?:code|schlüssel|key)|code wi-?fi|clé wi-?fi|"
    r"(?:code|key) (?:for|of|to) the wi-?fi|code (?:du|de la) wi-?fi|código (?:del )?wi-?fi"
)
# In prose "pass" is a boarding / bus pass far more often than a password.
NL_WORDS = WORDS.replace("|pass|", "|") + r"|pass ?word|mot de passe|wi-?fi password|" + _WIFI_WORDS
_NLW = r"(?:" + NL_WORDS + r")"
# A value in prose, without the quotes around it (ASCII, typographic, German, French, CJK).
# It may not start with `<`: "using the password <var>key</var>" is markup.
_NL_VALUE = r"[\"'`“‘«„「『]?(?P<value>[^\s\"'`”’»“」』<][^\s\"'`”’»“」』]{0,127})"

# Chat: "my password is X", "pw is X", "mi contraseña es X", "mein Passwort ist X", ...
NATURAL = (
    r"(?i:\b" + _NLW + r"(?:[ \t]+(?:for|of|to|on|de|del|de la|du|des|für|fürs|zum|zur|pour|para|"
    r"per|voor)(?:[ \t]+\S{1,40}){1,3})?"
    # "la contraseña nueva es X", "the password you need is X", "the password's X".
    r"(?:[ \t]+(?:new|temporary|current|initial|nueva|nuevo|actual|temporal|provisional|"
    r"nouveau|provisoire|temporaire|neue|aktuelle))?"
    r"(?:[ \t]+(?:you|we|i|they|he|she)(?:[ \t]+[a-z]{1,12}){1,3})?"
    # Longest phrases first: RE2 takes the first alternative that lets the whole match succeed.
    r"(?:[ \t]+(?:(?:is|was|has been|have been|will be) (?:changed|set|reset|updated) to|"
    r"(?:changed|set|reset|updated) to|is now|is still|ist jetzt|ist nun|est maintenant|"
    r"est désormais|es ahora|ahora es|sigue siendo|lautet jetzt|lautet nun|lautet ab sofort|"
    r"ist ab sofort|used to be|geändert auf|gesetzt auf|zurückgesetzt auf|changé en|changé pour|"
    r"modifié en|cambiada a|cambiado a|cambió a|is|was|will be|should be|"
    r"está|es|ist|lautet|est|é|è|e|är|on|to|je|er|это)|['’]s)(?:[ \t]*[:=])?[ \t]+)" + _NL_VALUE
)
# A prepositional phrase, then a colon: "Passwort für das WLAN: X", "contraseña del wifi: X".
FOR_COLON = (
    r"(?i:\b" + _NLW + r"[ \t]+(?:for|of|on|für|fürs|zum|zur|pour|du|des|de|para|del|per|voor)"
    r"(?:[ \t]+[^\s:：=]{1,40}){1,3}[ \t]*[:：=][ \t]*)" + _NL_VALUE
)
# "WLAN-Schlüssel: X", "wifi code = X" (the key patterns only take ASCII key names).
WIFI_COLON = r"(?i:\b(?:" + _WIFI_WORDS + r")[ \t]*[:：=][ \t]*)" + _NL_VALUE
# Sentences that give the password without the word right before it.
# "your password expired, so I reset it to X" (a password word must be in the 80 characters
# before: the check looks).
CHANGED_IT = (
    r"(?i:\b(?:reset|changed|change|set|updated|switched|rotated)[ \t]+(?:it|that|this|them)"
    r"[ \t]+(?:back[ \t]+)?to[ \t]+)" + _NL_VALUE
)
# "J'ai changé le mot de passe en X", "Te cambié la contraseña a X", "changed the password to X".
CHANGED_TO = (
    r"(?i:\b(?:changé|modifié|remplacé|réinitialisé|cambié|cambiado|cambiada|restablecido|"
    r"changed|reset|set|updated)[ \t]+"
    r"(?:(?:le|la|el|the|my|your|our|mon|ma|ton|ta|votre|mi|tu|su)[ \t]+)?"
    + _NLW
    + r"(?:[ \t]+(?:de|del|du|for|of)[ \t]+\S{1,30})?[ \t]+(?:en|à|a|to|por)[ \t]+)"
    + _NL_VALUE
)
# German puts the verb last: "das Passwort habe ich auf X geändert".
AUF = (
    r"(?i:\b"
    + _NLW
    + r"\b[^.!?\n]{0,60}?[ \t]auf[ \t]+)"
    + _NL_VALUE
    + r"[\"'`”’»“]?(?i:[ \t]+(?:geändert|geaendert|gesetzt|zurückgesetzt|zurueckgesetzt|"
    r"umgestellt|aktualisiert)\b)"
)
# "use password 'X' for the zip file", "mit dem Passwort X", "utilise le mot de passe X".
USE = (
    r"(?i:\b(?:use|using|try|type|enter|with|benutze|benutzen|verwende|nimm|mit|utilise|utilisez|"
    r"avec|usa|usar|con|prueba)[ \t]+(?:(?:the|this|that|our|my|new|das|dem|den|neue|neuen|le|la|"
    r"el|ce|nouveau|nueva|este|esta)[ \t]+){0,2}" + _NLW + r"[ \t]+)" + _NL_VALUE
)
# "type X when it asks for the password": the value before the word. ("use X when / for the
# password" names a tool, "use OAuth2 when password login is off": only "use X as" counts.)
TYPE_WHEN = (
    r"(?i:\b(?:type|enter|paste|tape|tapez|entrez|escribe|introduce|gib|tippe)[ \t]+)"
    + _NL_VALUE
    + r"[\"'`”’»“]?(?i:[ \t]+(?:when|as|at|if|once|quand|lorsque|cuando|wenn|als)\b"
    r"[^.!?\n]{0,40}?\b" + _NLW + r")"
)
# "use X as the password", "nimm X als Passwort", "utilise X comme mot de passe".
USE_AS = (
    r"(?i:\b(?:use|utilise|utilisez|usa|nimm|verwende)[ \t]+)"
    + _NL_VALUE
    + r"[\"'`”’»“]?(?i:[ \t]+(?:as|comme|como|als)[ \t]+(?:(?:the|your|my|a|an|new|le|la|el|ton|"
    r"tu|das|dein|neues|nuevo|nueva)[ \t]+){0,2}" + _NLW + r")"
)
# Password managers: "the shared 1Password entry says X", "the Bitwarden item has X".
VAULT_ENTRY = (
    r"(?i:\b(?:1password|bitwarden|lastpass|keepass(?:xc)?|dashlane|keeper|passbolt|keychain|"
    r"vault|password manager)\b"
    r"(?:[^.!?\n]{0,40}?\b(?:entry|item|record|note|login)\b[^.!?\n]{0,20}?"
    r"\b(?:says|reads|has|shows|is|contains|lists)|[ \t]+(?:says|reads))[ \t]*:?[ \t]+)" + _NL_VALUE
)
# German names the password and gives it later in the sentence: "mein Kennwort habe ich
# vergessen, es lautet X", "das WLAN-Passwort für Gäste lautet X". "lautet" ("reads") only
# ever introduces the value, so the words between may be anything but a sentence end.
LAUTET = (
    r"(?i:\b"
    + _NLW
    + r"\b[^.!?\n]{0,60}?[ \t,]lautet(?:[ \t]+(?:jetzt|nun|ab sofort|neu))?(?:[ \t]*:)?[ \t]+)"
    + _NL_VALUE
)
_CJK_VALUE = r"(?P<value>[A-Za-z0-9!@#$%^&*()_+=\-.?/~\[\]{}<>|\\:;,]{3,128})"
CJK = (
    r"(?:パスワード|密码|密碼|비밀번호)[ \t]*(?:は|是|为|為|改为|改成|设为|:|：|=|는|은)?[ \t]*"
    r"[「『“\"']?" + _CJK_VALUE
)
# "パスワードをXに変更しました", "비밀번호를 X로 변경했어요": changed to X.
CJK_CHANGED = (
    r"(?:パスワード|密码|密碼|비밀번호)[ \t]*(?:を|は|를|을|는)[ \t]*[「『“\"']?"
    + _CJK_VALUE
    + r"[」』”\"']?[ \t]*(?:に|へ|로|으로)[ \t]*(?:変更|設定|再設定|リセット|更新|변경|바꿨|바꾸)"
)
