"""Text encoding of delimited files: UTF-8 (with or without BOM), UTF-16, cp1252,
latin-1; binary data is refused instead of being read as garbage.
"""

from __future__ import annotations

import codecs

from ..errors import InputError
from ..i18n import _
from .messages import _fail
from .report import _ReadState


_CHECK_BYTES = 4 << 20      # field counts of every line in the first 4 MB are checked


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13)) + b"\x7f"


def _decode_check(raw: bytes, st: _ReadState) -> tuple[str, bytes]:
    """Find the encoding (reported in ``st``); return the codec to parse with and the bytes.

    UTF-16 (Excel's "Unicode text") is re-encoded as UTF-8. NUL bytes or many control
    characters mean binary data, which is refused instead of being read as garbage.
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise _binary(st.fname) from None
        st.encoding = "utf-16"
        return "utf-8", text.encode("utf-8")
    head = raw[:65536]
    if b"\x00" in raw or len(head) - len(head.translate(None, _CONTROL_BYTES)) > 0.01 * len(head):
        raise _binary(st.fname)
    if raw.isascii():
        st.encoding = "utf-8"
    elif raw.startswith(codecs.BOM_UTF8) and _decodes(raw, "utf-8-sig"):
        st.encoding = "utf-8-sig"
    elif _decodes(raw, "utf-8"):
        st.encoding = "utf-8"
    elif _decodes(raw, "cp1252"):
        st.encoding = "cp1252"
    else:
        st.encoding = "latin-1"     # decodes every byte; binary was refused above
    if st.encoding not in ("utf-8", "utf-8-sig"):
        st.notes.append(_("not UTF-8: read with the {encoding} encoding", encoding=st.encoding))
    return st.encoding, raw


def _binary(fname: str) -> InputError:
    return _fail(fname, _("is not a text table (it contains binary data)"),
                 _("load a CSV, Parquet, Excel .xlsx or JSON Lines file"))


def _decodes(raw: bytes, encoding: str, chunk: int = 8 << 20) -> bool:
    """True if ``raw`` decodes without error; chunked so no full copy of a big file is made."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for i in range(0, len(raw), chunk):
            decoder.decode(raw[i:i + chunk], final=False)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _head_text(data: bytes, encoding: str) -> tuple[str, bool]:
    """The first :data:`_CHECK_BYTES` as text, cut at a line end; and whether it is all."""
    if len(data) <= _CHECK_BYTES:
        return data.decode(encoding), True
    text = data[:_CHECK_BYTES].decode(encoding, errors="ignore")
    cut = text.rfind("\n")
    return (text[:cut + 1] if cut > 0 else text), False
