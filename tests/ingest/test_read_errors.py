"""Every bad file is one InputError naming the file and what to do (read_table, all formats).

Every fixture is generated in tmp_path: no network, no shared data files.
"""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest

from persona_mining.errors import InputError
from persona_mining.ingest import read_table

from ingest_helpers import write


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def _zip_not_xlsx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hello")
    return buf.getvalue()


def _random_bytes() -> bytes:
    return np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes()


@pytest.mark.parametrize("name, content, match", [
    ("empty.csv", b"", "empty"),
    ("header.csv", b"id,orders,revenue\n", "no data rows"),
    ("header_crlf.csv", b"id;orders\r\n\r\n", "no data rows"),
    ("blank.csv", b"\n\n  \n", "no table"),
    ("random.csv", _random_bytes(), "binary"),
    ("random.dat", _random_bytes()[:64].replace(b"\x00", b"\x01"), "binary"),
    ("image.csv", _png(), "PNG"),
    ("archive.xlsx", _zip_not_xlsx(), "zip archive"),
    ("archive.csv", _zip_not_xlsx(), "zip archive"),
    ("broken.xlsx", b"PK\x03\x04garbage that is not a zip", "Excel"),
    ("notzip.xlsx", b"id,orders\n1,2\n", "Excel"),
    ("broken.parquet", b"PAR1 this is no parquet PAR1", "Parquet"),
    ("csv.parquet", b"id,orders\n1,2\n", "Parquet"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
    ("gz.csv", b"\x1f\x8b\x08\x00" + b"\x00" * 20, "compressed"),
    ("pickle.csv", b"\x80\x04\x95" + b"\x00" * 30, "not a table"),
    ("long.csv", b"a,b,c\n1,2,3\n4,5,6,7\n8,9,10\n", "line 3 has 4 fields but the header has 3"),
    ("short.csv", b"a,b,c\n1,2,3\n4,5\n8,9,10\n", "line 3 has 2 fields but the header has 3"),
    ("short.tsv", b"a\tb\tc\n1\t2\t3\n4\t5\t6\n\n7\t8\n", "line 5 has 2 fields"),
    ("bad.jsonl", b'{"a": 1}\n[1, 2]\n', "line 2 is not a JSON object"),
    ("bad2.jsonl", b'{"a": 1}\n\n{"a": 2\n', "line 3 is not valid JSON"),
    ("scalar.jsonl", b'{"a": 1}\n42\n', "line 2 is not a JSON object"),
])
def test_bad_files_give_input_error_naming_the_file(tmp_path, name, content, match):
    with pytest.raises(InputError, match=match) as info:
        read_table(write(tmp_path, name, content))
    assert str(info.value).startswith(f"{name}: ")
    assert " — " in str(info.value)
    with pytest.raises(InputError, match=match):     # the same from uploaded bytes
        read_table(content, name=name)


def test_errors_are_never_other_exceptions(tmp_path):
    """A batch of odd inputs: each either reads or raises InputError, nothing else."""
    odd = [b"\xff\xfe" + "a,b\n1,2\n".encode("utf-16-le"), b'a,"b\n1,2\n', b"\xef\xbb\xbf",
           b"a\n\x01\x02\x03", b"[1,2,3]", b"{}\n{}\n", b'{"a":1}', b"PAR1", b"PK\x03\x04",
           b";;;\n;;;\n", b"a,b\n" + b"1,2\n" * 3 + b'"unclosed,3\n']
    for i, content in enumerate(odd):
        for name in (f"f{i}.csv", f"f{i}.jsonl", f"f{i}.parquet", f"f{i}.xlsx", f"f{i}"):
            try:
                read_table(content, name=name)
            except InputError as exc:
                assert str(exc).startswith(name)
