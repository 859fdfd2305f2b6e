"""Keep the German catalogue in step with the code.

    .venv/bin/python scripts/i18n.py            # add new texts (empty), list what is missing
    .venv/bin/python scripts/i18n.py --check    # exit 1 when a text lacks German (as the test)

Extracts every _(), N_(), ngettext(), pgettext() text with Babel (babel.cfg), writes the
template persona_mining/locale/messages.pot and merges it into
persona_mining/locale/de/LC_MESSAGES/messages.po: new texts are added with an empty
translation (never a fuzzy guess: a wrong German text is worse than English), texts
gone from the code are removed, and the file stays sorted by msgid so that parallel
branches adding texts rarely touch the same lines. Equivalent pybabel commands:

    pybabel extract -F babel.cfg --sort-output --no-location -o persona_mining/locale/messages.pot .
    pybabel update -i persona_mining/locale/messages.pot -d persona_mining/locale -l de \
        --no-fuzzy-matching --ignore-obsolete --no-location
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from persona_mining.i18n_catalog import (extract, missing, read_catalogue,  # noqa: E402
                                         update_catalogue, write_catalogue, write_template)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--check", action="store_true", help="only report; exit 1 if incomplete")
    p.add_argument("--lang", default="de")
    args = p.parse_args()
    template = extract(ROOT)
    if args.check:
        gaps = missing(template, read_catalogue(args.lang))
        for m in gaps:
            print(f"missing: {m}")
        return 1 if gaps else 0
    write_template(template)
    cat = update_catalogue(template, read_catalogue(args.lang))
    write_catalogue(cat, args.lang)
    gaps = missing(template, cat)
    for m in gaps:
        print(f"needs German: {m}")
    print(f"{len(template)} texts, {len(gaps)} without a translation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
