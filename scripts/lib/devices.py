"""Devices for the interop and bench scripts (imported through lib_python, scripts/lib/common.sh).

`password(length)` is a random password that SIPWarden's default policy accepts (letters, digits
and other characters), never with ';' (SIPp's field separator), a quote, a bracket or a
backslash; `write_injection(path, rows)` writes a SIPp injection file (SEQUENTIAL, then each row
joined by ';'); `write_subscribers(path, users, realm, domain)` writes Kamailio's subscriber rows
for (username, password) pairs in one transaction, with HA1 values only (no passwords).
"""
import hashlib
import secrets
import string

LETTERS, DIGITS = string.ascii_letters, string.digits
SPECIALS = "!#%*+-.=?@_~"
_rng = secrets.SystemRandom()


def password(length=16):
    while True:
        p = "".join(_rng.choice(LETTERS + DIGITS + SPECIALS) for _ in range(length))
        if any(c in LETTERS for c in p) and any(c in DIGITS for c in p) and any(c in SPECIALS for c in p):
            return p


def write_injection(path, rows):
    with open(path, "w") as f:
        f.write("SEQUENTIAL\n")
        f.writelines(";".join(row) + "\n" for row in rows)


def _md5(text):
    return hashlib.md5(text.encode()).hexdigest()


def write_subscribers(path, users, realm, domain):
    with open(path, "w") as f:
        f.write("BEGIN;\n")
        for u, p in users:
            f.write(f"INSERT INTO subscriber (username, domain, password, ha1, ha1b) VALUES "
                    f"('{u}', '{domain}', '', '{_md5(f'{u}:{realm}:{p}')}', '{_md5(f'{u}@{domain}:{realm}:{p}')}');\n")
        f.write("COMMIT;\n")
