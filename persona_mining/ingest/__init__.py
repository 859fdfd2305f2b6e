"""From a customer file to a typed table: read it, infer column roles, check quality.

Three steps sit between the user's file and the feature pipeline:

1. :func:`read_table` reads CSV/TSV/TXT, Parquet, Excel ``.xlsx`` or JSON Lines from a
   path or from uploaded bytes. Text files are sniffed for encoding, delimiter, decimal
   comma and thousands separators; what was found is kept in an :class:`IngestReport`.
2. :func:`infer_roles` decides what every column is for (see :mod:`persona_mining.roles`)
   and says why in plain words, so the user can check and override it;
   :func:`coerce_types` then turns the columns into the dtypes the feature pipeline expects.
3. :func:`quality_report` summarises missing values, skew and duplicates (data quality;
   cluster validity is :mod:`persona_mining.validity`); :func:`check_usable` stops early,
   with a fix, when no personas can come out.

Every problem with the input is an :class:`~persona_mining.errors.InputError` with one
sentence that names the file (and the column or line) and says what to do.

The modules, one job each:

==================  =====================================================================
``reading``         :func:`read_table`: the steps below in order
``loading``         bytes from a path or an upload; the format, checked against the content
``encoding``        text encoding; binary data refused
``delimited``       CSV/TSV/TXT: delimiter, decimal sign, leading-zero codes, field counts
``structured``      Parquet, Excel ``.xlsx``, JSON Lines readers
``cleanup``         the same clean-up for every format (names, dtypes, empty rows)
``numbers``         numbers stored as text (decimal comma, thousands, currency, ``#N/A``)
``report``          :class:`IngestReport`: what was read and how
``column_roles``    the :class:`ColumnRoles` model
``inference``       :func:`infer_roles` (``pii``: personal data; ``dates``: date formats)
``coercion``        :func:`coerce_types`
``data_quality``    :func:`quality_report`, :class:`QualityReport`
``usability``       :func:`check_usable`
``limits``          :data:`MAX_COLUMNS`, :data:`MAX_BYTES`
``values``          a column's kind and an evenly spread sample of its values
``messages``        the one-sentence error and the formatting helpers of messages
==================  =====================================================================

Design decisions:

* Nothing is ever unpickled or evaluated: Parquet is read by pyarrow, Excel by openpyxl,
  JSON by :mod:`json`.
* Thousands separators are never handed to the CSV parser: pandas would read the date
  ``05.01.2021`` as the number 5012021. Text columns that look numeric are converted
  afterwards with strict patterns that check the digit grouping.
* Pure digit strings with a leading zero (``00042``) stay text: they are codes or ids,
  and the user must get the same ids back in the assignments.
* Role inference looks at an evenly spread sample of at most :data:`SAMPLE_SIZE` values
  per column; only cheap linear checks (uniqueness, constancy) see the whole column.
"""

from __future__ import annotations

from .coercion import coerce_types
from .column_roles import ColumnRole, ColumnRoles
from .data_quality import ColumnQuality, QualityReport, quality_report
from .inference import infer_roles
from .limits import MAX_BYTES, MAX_COLUMNS
from .loading import EXTENSIONS
from .numbers import MISSING_MARKERS
from .reading import read_table
from .report import IngestReport
from .usability import check_usable
from .values import SAMPLE_SIZE

__all__ = ["EXTENSIONS", "MAX_BYTES", "MAX_COLUMNS", "MISSING_MARKERS", "SAMPLE_SIZE",
           "ColumnQuality", "ColumnRole", "ColumnRoles", "IngestReport", "QualityReport",
           "check_usable", "coerce_types", "infer_roles", "quality_report", "read_table"]
