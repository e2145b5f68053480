#!/usr/bin/env python3
"""Reference QR Code symbols for Tests/SIPWardenTests/Console/QRCodeTests.swift.

Made by two encoders independent of SIPWarden's, which must agree module for module:
segno and python-qrcode (pip install segno==1.6.6 qrcode==8.2). Byte mode, no ECI,
no Micro QR, no raising of the error correction level.

segno 1.6.6 adds 8 zero bits after the terminator when the bit stream already ends on
a codeword boundary (heuer/segno#123, #148), contrary to ISO/IEC 18004:2015 §7.4.10; in
byte mode that is every symbol whose terminator is whole. The fix proposed in #148 is
applied here before segno is used.

segno and SIPWarden score data masks the same way (§7.8.3.1, with format and version
information still light and the symbol's edge counting as light for N3), so segno's own
choice is recorded as the mask; python-qrcode scores N3 inside the symbol only and may
choose differently, so it is given the mask.

Writes:
  cases/<name>.txt  level, version, mask, the text as UTF-8 hex, then one row of "1"
                    (dark) and "0" (light) per line, top to bottom, no quiet zone.
  versions.txt      for every version 1-40 and level L, M, Q, H: a text filling the
                    version exactly (see sweep_text), a forced mask, the SHA-256 of the
                    rows joined with "\\n" with that mask, and the mask segno chooses
                    itself for that text.
"""
import hashlib
import os
import segno
import segno.encoder
import qrcode
import qrcode.util

segno.encoder.write_padding_bits = lambda buff, version, length: buff.extend([0] * (-length % 8))

HERE = os.path.dirname(os.path.abspath(__file__))
QRCODE_LEVELS = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}

CASES = [
    ("short", "L", "SIPWarden"),
    ("otpauth", "M",
     "otpauth://totp/SIPWarden:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
     "&issuer=SIPWarden&algorithm=SHA1&digits=6&period=30"),
    ("long", "M",
     "otpauth://totp/SIPWarden%20Office%20PBX:alice.martin%40example.com?secret="
     "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY"
     "&issuer=SIPWarden%20Office%20PBX&algorithm=SHA512&digits=8&period=30"),
    ("utf8", "Q", "otpauth://totp/Téléphonie:zoë?secret=JBSWY3DPEHPK3PXP&issuer=東京 ☎"),
]


def rows_of(matrix):
    return ["".join("1" if module else "0" for module in row) for row in matrix]


def segno_symbol(data, level, mask=None):
    symbol = segno.make(data, error=level.lower(), mode="byte", mask=mask, boost_error=False, micro=False)
    return symbol.version, symbol.mask, rows_of(symbol.matrix)


def qrcode_symbol(data, level, mask):
    code = qrcode.QRCode(version=None, error_correction=QRCODE_LEVELS[level], border=0, mask_pattern=mask)
    code.add_data(qrcode.util.QRData(data, mode=qrcode.util.MODE_8BIT_BYTE), optimize=0)
    code.make(fit=True)
    return code.version, rows_of(code.get_matrix())


def reference(data, level, mask=None):
    """Version, mask and rows on which both encoders agree."""
    version, chosen, rows = segno_symbol(data, level, mask)
    other_version, other_rows = qrcode_symbol(data, level, chosen)
    assert (version, rows) == (other_version, other_rows), f"encoders disagree on {data[:20]!r} {level}"
    return version, chosen, rows


def sweep_text(version, level):
    """The longest text of one byte per character that fits `version` at `level`; the
    Swift test builds the same: character i is ALPHABET[(i * 7 + version) % 62]."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    data_bits = segno.consts.SYMBOL_CAPACITY[version][segno.consts.ERROR_MAPPING[level]]
    length = (data_bits - 4 - (8 if version <= 9 else 16)) // 8
    return "".join(alphabet[(i * 7 + version) % 62] for i in range(length))


def main():
    os.makedirs(os.path.join(HERE, "cases"), exist_ok=True)
    for name, level, text in CASES:
        version, mask, rows = reference(text.encode("utf-8"), level)
        with open(os.path.join(HERE, "cases", name + ".txt"), "w") as out:
            out.write(f"level {level}\nversion {version}\nmask {mask}\ntext {text.encode('utf-8').hex()}\n")
            out.write("\n".join(rows) + "\n")
        print(name, level, "version", version, "mask", mask, len(text.encode("utf-8")), "bytes")

    with open(os.path.join(HERE, "versions.txt"), "w") as out:
        out.write("# version level mask length sha256(rows joined with \\n) segno's-own-mask\n")
        for version in range(1, 41):
            for index, level in enumerate("LMQH"):
                text = sweep_text(version, level)
                mask = (version + index) % 8
                got_version, _, rows = reference(text.encode("ascii"), level, mask)
                assert got_version == version, (version, level, got_version)
                digest = hashlib.sha256("\n".join(rows).encode("ascii")).hexdigest()
                _, own_mask, _ = segno_symbol(text.encode("ascii"), level)
                out.write(f"{version} {level} {mask} {len(text)} {digest} {own_mask}\n")


if __name__ == "__main__":
    main()
