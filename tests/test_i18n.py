"""German and English: every text marked in the code has a German translation with the same
placeholders, nothing user-visible in the pages bypasses _(), and the mechanism itself
(language per context, plurals, fallbacks, Babel number and date formats) works."""

from __future__ import annotations

import ast
import contextvars
import re
import threading
from pathlib import Path

import pytest

from persona_mining import i18n
from persona_mining.i18n import N_, _, fmt_date, fmt_datetime, fmt_money, fmt_number, fmt_percent
from persona_mining.i18n import language, ngettext, pgettext, set_language
from persona_mining.i18n_catalog import (extract, fields, missing, obsolete, placeholder_problems,
                                         read_catalogue)

ROOT = Path(__file__).resolve().parents[1]
TRANSLATORS = {"_", "gettext", "ngettext", "pgettext"}
LETTERS = re.compile(r"[^\W\d_]")          # any letter, in any script


@pytest.fixture(scope="module")
def template():
    return extract(ROOT)


@pytest.fixture(scope="module")
def german():
    return read_catalogue("de")


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    set_language("en")


# -- the catalogue -------------------------------------------------------------------------
def test_code_has_texts_to_translate(template):
    assert len(template) > 0 and ("n/a" in {t.msgid for t in template.values()})


def test_every_text_has_a_german_translation(template, german):
    gaps = missing(template, german)
    assert not gaps, ("texts without German (add them to persona_mining/locale/de/LC_MESSAGES/"
                      "messages.po; `.venv/bin/python scripts/i18n.py` adds empty entries):\n"
                      + "\n".join(map(str, gaps)))


def test_translations_keep_the_placeholders(template, german):
    problems = placeholder_problems(template, german)
    assert not problems, "\n".join(problems)


def test_catalogue_has_no_fuzzy_or_obsolete_entries(template, german):
    fuzzy = [m.id for m in german if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy (unchecked) translations: {fuzzy}"
    gone = obsolete(template, german)
    assert not gone, f"entries no code uses (run scripts/i18n.py to drop them): {gone}"
    assert german.plural_expr == "(n != 1)" and german.num_plurals == 2


def test_translations_do_not_just_repeat_the_english(template, german):
    """A German entry equal to its English text is a forgotten translation, unless the
    text is a name or a word German uses as is (listed here)."""
    same = [t.msgid for t in template.values()
            if (m := german.get(t.msgid, context=t.context)) is not None
            and isinstance(m.string, str) and m.string == t.msgid
            and re.search(r"[^\W\d_]{2,}", re.sub(r"\{[^}]*\}", "", t.msgid))   # words, not just fields
            and t.msgid not in SAME_IN_GERMAN]
    assert not same, f"German equals English (translate, or add to SAME_IN_GERMAN): {same}"


# Words and names a German CX team uses as they are.
SAME_IN_GERMAN = {"Persona", "Personas", "Export", "Markdown", "JSON", "PDF", "CSV", "Tags",
                  "Seed", "UMAP", "PCA", "HDBSCAN", "Drift", "Name", "Touchpoint", "Start",
                  "Feedback", "Status", "Tracking", "Details", "Customer Journey", "English",
                  "Deutsch", "Label", "Labels", "Silhouette", "Ward", "Gaussian Mixture", "Tags: {tags}",
                  "IBANs", "BIC",
                  "--out {path}: {problem}"}      # a flag name and two fields


# -- the code: texts reach _() as literals ---------------------------------------------------
def _python_files(*parts: str) -> list[Path]:
    out = []
    for part in parts:
        p = ROOT / part
        out += sorted(p.rglob("*.py")) if p.is_dir() else [p]
    return out


def _call_name(node: ast.Call) -> str | None:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _translator_calls():
    for path in _python_files("persona_mining", "pages", "app.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id in TRANSLATORS | {"N_"}:
                yield path.relative_to(ROOT), node


def test_translated_texts_are_literals_with_matching_fields():
    """_("…{n}…", n=…): the English text is a plain literal (Babel cannot extract an f-string
    or a concatenation), and the keywords are exactly its placeholders (a missing one
    would show '{n}' to the user, an extra one is a typo)."""
    problems = []
    for path, call in _translator_calls():
        name = call.func.id
        n_texts = {"ngettext": 2, "pgettext": 2}.get(name, 1)
        texts = call.args[:n_texts]
        where = f"{path}:{call.lineno}"
        if name == "pgettext":
            texts = texts[1:]
        if not texts or not all(isinstance(t, ast.Constant) and isinstance(t.value, str)
                                for t in texts):
            if name in ("_", "gettext") and texts and not isinstance(texts[0], (ast.JoinedStr,
                                                                                ast.BinOp)):
                continue        # _(CONSTANT): a text marked with N_() elsewhere
            problems.append(f"{where}: {name}() needs a literal text, got {ast.unparse(texts[0]) if texts else 'nothing'}")
            continue
        if name == "N_" or any(k.arg is None for k in call.keywords):
            continue
        wanted = {f for t in texts for f, _spec in fields(t.value)}
        given = {k.arg for k in call.keywords}
        if name == "ngettext":
            wanted.discard("n"), given.discard("n")
        if wanted != given:
            problems.append(f"{where}: {texts[0].value!r} has fields {sorted(wanted)}, "
                            f"the call gives {sorted(given)}")
    assert not problems, "\n".join(problems)


def test_babel_sees_every_translated_text(template):
    """Every literal text of a _() / ngettext() call in the code is in Babel's extraction:
    on Python 3.11 Babel cannot look inside f-strings, so f"**{_('Id')}**" would never
    reach the catalogue (and stay English)."""
    extracted = {t.msgid for t in template.values()}
    unseen = []
    for path, call in _translator_calls():
        texts = call.args[1:2] if call.func.id == "pgettext" else call.args[:1]
        for t in texts:
            if isinstance(t, ast.Constant) and isinstance(t.value, str) and t.value not in extracted:
                unseen.append(f"{path}:{call.lineno}: {t.value!r}")
    assert not unseen, ("texts Babel does not extract (move the _() call out of the "
                        "f-string):\n" + "\n".join(unseen))


def test_no_translation_inside_a_translation_call():
    """Babel's extractor loses both texts of ``ngettext("…", "…", n, x=_("…"))`` (the plural
    and the inner literal): translate the inner text first, then pass it in."""
    nested = []
    for path, call in _translator_calls():
        for arg in list(call.args) + [k.value for k in call.keywords]:
            for inner in ast.walk(arg):
                if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) \
                        and inner.func.id in TRANSLATORS | {"N_"} and inner.args \
                        and any(isinstance(a, ast.Constant) for a in inner.args):
                    nested.append(f"{path}:{inner.lineno}")    # _(variable) inside is fine
    assert not nested, "translator call inside a translator call:\n" + "\n".join(nested)


SCOPES = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ListComp,
          ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _own_nodes(scope: ast.AST):
    """The nodes of a scope, not those of the scopes nested in it."""
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, SCOPES):
            stack.extend(ast.iter_child_nodes(node))


def _shadowing(tree: ast.AST) -> list[int]:
    """Lines where a scope binds ``_`` (``a, _ = …``, ``for _, x in …``) and calls ``_()``
    within it: there _() is no longer the translation (a comprehension that binds ``_`` and
    translates nothing is harmless)."""
    lines = []
    for scope in ast.walk(tree):
        if not isinstance(scope, SCOPES):
            continue
        binds = [n.lineno for n in _own_nodes(scope) if isinstance(n, ast.Name) and n.id == "_"
                 and isinstance(n.ctx, ast.Store)]
        if binds and any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                         and n.func.id == "_" for n in ast.walk(scope)):
            lines += binds
    return lines


def test_nothing_hides_the_translation_function():
    """``b1, b2, _ = st.columns(3)`` would replace _() for the rest of the page (or a
    function), and the next text would fail."""
    problems = []
    for path in _python_files("persona_mining", "pages", "app.py"):
        problems += [f"{path.relative_to(ROOT)}:{line}"
                     for line in _shadowing(ast.parse(path.read_text("utf-8")))]
    assert not problems, "rename the throwaway variable `_` (e.g. to `_unused`):\n" + \
        "\n".join(problems)


def test_the_shadowing_check_itself():
    src = """
a, _ = f()
_("x")
def g():
    return [i for i, _ in pairs]
def h():
    for _, v in items:
        print(_("y"))
"""
    assert _shadowing(ast.parse(src)) == [2, 7]


# Streamlit calls and which of their arguments a user reads.
TEXT_POSITIONAL = {
    "title": 1, "header": 1, "subheader": 1, "caption": 1, "markdown": 1, "write": 1, "text": 1,
    "info": 1, "success": 1, "warning": 1, "error": 1, "toast": 1, "badge": 1, "button": 1,
    "download_button": 1, "form_submit_button": 1, "link_button": 1, "checkbox": 1, "toggle": 1,
    "radio": 2, "selectbox": 2, "multiselect": 2, "segmented_control": 2, "pills": 2,
    "select_slider": 2, "slider": 1, "number_input": 1, "text_input": 1, "text_area": 1,
    "file_uploader": 1, "date_input": 1, "expander": 1, "tabs": 1, "status": 1, "spinner": 1,
    "popover": 1, "metric": 2, "navigation": 1, "Page": 0, "set_page_config": 0, "update": 0,
    "progress": 0, "page_link": 0, "dialog": 1, "form": 0,
    "Column": 1, "TextColumn": 1, "NumberColumn": 1, "ProgressColumn": 1, "SelectboxColumn": 1,
    "CheckboxColumn": 1, "DateColumn": 1, "DatetimeColumn": 1, "ListColumn": 1, "LinkColumn": 1,
}
TEXT_KEYWORDS = {"label", "help", "placeholder", "text", "body", "title", "page_title", "caption",
                 "delta", "options", "value_label"}
PROPER_NAMES = {"Persona Mining", "BIC"}      # names, the same in every language
FILE_NAME = re.compile(r"[\w.-]+\.(csv|json|zip|pdf|md|parquet)")    # the same in every language
NOT_STREAMLIT = {"log", "logger", "logging", "warnings", "parser", "p", "sys"}


def _literal_texts(node: ast.AST) -> list[str]:
    """Letters a user would read that reach ``node`` as literals, not through _()."""
    if isinstance(node, ast.Constant):
        return [node.value] if isinstance(node.value, str) and LETTERS.search(node.value) \
            and not FILE_NAME.fullmatch(node.value) and node.value not in PROPER_NAMES else []
    if isinstance(node, ast.JoinedStr):
        out = []
        for v in node.values:
            out += _literal_texts(v.value if isinstance(v, ast.FormattedValue) else v)
        return out
    if isinstance(node, ast.BinOp):
        return _literal_texts(node.left) + _literal_texts(node.right)
    if isinstance(node, ast.IfExp):
        return _literal_texts(node.body) + _literal_texts(node.orelse)
    if isinstance(node, ast.BoolOp):
        return [t for v in node.values for t in _literal_texts(v)]
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [t for v in node.elts for t in _literal_texts(v)]
    if isinstance(node, ast.Dict):          # st.navigation({"Section": [...]})
        return [t for k in node.keys if k is not None for t in _literal_texts(k)]
    if isinstance(node, ast.Call):
        name = _call_name(node)
        if name in TRANSLATORS:
            return []
        if name in ("join", "format") and isinstance(node.func, ast.Attribute):
            return _literal_texts(node.func.value) + [t for a in node.args for t in _literal_texts(a)]
        if name in ("md", "str", "lower", "capitalize", "strip"):
            inner = [node.func.value] if isinstance(node.func, ast.Attribute) else []
            return [t for a in list(node.args) + inner for t in _literal_texts(a)]
    return []                               # names, subscripts, other calls: not literals here


def _receiver(node: ast.Call) -> str | None:
    f = node.func
    while isinstance(f, ast.Attribute):
        f = f.value
    return f.id if isinstance(f, ast.Name) else None


def _literal_ui_texts(path: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name = node.func.attr
        if name not in TEXT_POSITIONAL or _receiver(node) in NOT_STREAMLIT:
            continue
        keywords = {k.arg for k in node.keywords}
        args = list(node.args[:TEXT_POSITIONAL[name]])
        if name in ("radio", "selectbox", "multiselect", "segmented_control", "pills",
                    "select_slider") and "format_func" in keywords:
            args = args[:1]                 # options are keys, shown through format_func
        args += [k.value for k in node.keywords if k.arg in TEXT_KEYWORDS
                 and not (k.arg == "options" and "format_func" in keywords)]
        for arg in args:
            for text in _literal_texts(arg):
                out.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}({text!r})")
    return out


# Files whose texts are being moved to _() on the i18n branch (issue 11); emptied there.
PENDING: set[str] = set()


@pytest.mark.parametrize("path", _python_files("pages", "app.py"), ids=lambda p: p.name)
def test_pages_show_no_untranslated_literal(path):
    if path.name in PENDING:
        pytest.xfail("texts of this page are being translated (issue 11)")
    found = _literal_ui_texts(path)
    assert not found, "wrap these texts in _():\n" + "\n".join(found)


def test_chart_titles_and_labels_are_translated():
    """Axis, legend and tooltip titles in the charts go through _() too."""
    path = ROOT / "persona_mining" / "charts.py"
    if path.name in PENDING:
        pytest.xfail("chart texts are being translated (issue 11)")
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Call):
            for k in node.keywords:
                if k.arg == "title":
                    found += [f"charts.py:{node.lineno}: title={t!r}" for t in _literal_texts(k.value)]
    assert not found, "\n".join(found)


def test_the_scanner_finds_what_it_must():
    """The AST scan itself: literal labels, f-strings and options are caught; _() results,
    variables and keys shown through format_func are not."""
    src = '''
st.button("Save")
c1.caption(f"{n} customers")
st.tabs(["Merge", _("Split")])
st.radio(_("Map"), ["umap", "pca"], format_func=NAMES.get)
st.metric(_("Unassigned"), "n/a" if x is None else fmt_percent(x))
st.title(_("Personas"))
st.markdown(f"**{title}**")
st.caption("  \\n".join(md(n) for n in notes))
log.warning("autosave of %r failed", name)
st.selectbox(_("Period"), list(FREQS), help="Cut by a date")
'''
    path = ROOT / "tests" / "_scanner_probe.py"
    path.write_text(src, "utf-8")
    try:
        found = [f.split(": ", 1)[1] for f in _literal_ui_texts(path)]
    finally:
        path.unlink()
    assert found == ["button('Save')", "caption(' customers')", "tabs('Merge')",
                     "metric('n/a')", "selectbox('Cut by a date')"]


# -- the mechanism ------------------------------------------------------------------------------
def test_german_and_english_with_fallback():
    assert _("n/a") == "n/a"
    with language("de"):
        assert _("n/a") == "k. A."
        assert _("a text nobody translated {x}", x=1) == "a text nobody translated 1"
    assert i18n.current_language() == "en"
    assert set_language("de-AT") == "de" and _("n/a") == "k. A."
    assert set_language("fr") == "en"


def test_plural_forms_and_context(monkeypatch):
    cat = i18n.catalogue("de")
    monkeypatch.setitem(cat.messages, "{n} persona", ("{n} Persona", "{n} Personas"))
    monkeypatch.setitem(cat.messages, ("verb", "Share"), "Teilen")
    monkeypatch.setitem(cat.messages, "Share", "Anteil")
    with language("de"):
        assert ngettext("{n} persona", "{n} personas", 1) == "1 Persona"
        assert ngettext("{n} persona", "{n} personas", 0) == "0 Personas"
        assert ngettext("{n} persona", "{n} personas", 1234, n=fmt_number(1234)) == "1.234 Personas"
        assert pgettext("verb", "Share") == "Teilen" and _("Share") == "Anteil"
    assert ngettext("{n} persona", "{n} personas", 2) == "2 personas"
    assert pgettext("verb", "Share") == "Share"


def test_broken_translation_falls_back_to_english(monkeypatch, caplog):
    cat = i18n.catalogue("de")
    monkeypatch.setitem(cat.messages, "{n} rows", "{m} Zeilen")
    with language("de"):
        assert _("{n} rows", n=3) == "3 rows"
    assert "placeholders" in caplog.text
    with pytest.raises(KeyError):                    # the English text itself is the code's bug
        _("{n} rows", m=3)


def test_language_is_per_context_not_per_process():
    """Two sessions on one server (threads) never see each other's language."""
    seen = {}
    barrier = threading.Barrier(2)

    def session(lang):
        set_language(lang)
        barrier.wait()                               # both have set theirs before reading
        seen[lang] = _("n/a")

    threads = [threading.Thread(target=contextvars.copy_context().run, args=(session, lang))
               for lang in ("de", "en")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"de": "k. A.", "en": "n/a"}
    assert i18n.current_language() == "en"


def test_browser_language_preference():
    assert i18n.preferred_language("de-CH,de;q=0.9,en;q=0.8") == "de"
    assert i18n.preferred_language("fr-FR,fr;q=0.9,en-GB;q=0.8,de;q=0.7") == "en"
    assert i18n.preferred_language("en;q=0.5,de;q=0.9") == "de"
    assert i18n.preferred_language("fr, es") is None and i18n.preferred_language(None) is None
    assert i18n.preferred_language("de-DE") == "de"


def test_number_and_date_formats():
    assert fmt_number(1234.5, 1) == "1,234.5" and fmt_number(1234567) == "1,234,567"
    assert fmt_percent(0.423) == "42 %" and fmt_money(1234.5) == "€1,234.50"
    assert fmt_date("2026-12-02") == "2 Dec 2026"
    assert fmt_datetime("2026-12-02T15:42:07+00:00") == "2 Dec 2026, 15:42"
    assert fmt_number(float("nan")) == "n/a" and fmt_date(None) == "n/a"
    with language("de"):
        assert fmt_number(1234.5, 1) == "1.234,5" and fmt_number(1234567) == "1.234.567"
        assert fmt_percent(0.4234, 1) == "42,3 %"
        assert fmt_money(1234.5) == "1.234,50\xa0€"
        assert fmt_date("2026-12-02") == "02.12.2026"
        assert fmt_datetime("2026-12-02T15:42:07Z") == "02.12.2026, 15:42"
        assert fmt_number(None) == "k. A."
        assert fmt_number(-0.3) == "0" and fmt_number(0.012, 1, signed=True) == "+0,0"
        assert fmt_percent(-0.051, 1, signed=True) == "-5,1 %"
        import numpy as np
        import pandas as pd

        assert fmt_number(np.int64(2500)) == "2.500" and fmt_number(np.float32(np.nan)) == "k. A."
        assert fmt_date(pd.Timestamp("2027-01-31")) == "31.01.2027" and fmt_date(pd.NaT) == "k. A."


def test_saved_english_texts_are_reworded_in_german():
    """Reasons and warnings saved with a project in English read German after a switch:
    matched against the catalogue's English texts, the values carried over."""
    from persona_mining.i18n import reword

    with language("de"):
        assert reword("numbers (52 distinct values)") == "Zahlen (52 verschiedene Werte)"
        assert reword("numbers (1 distinct value)") == "Zahlen (1 verschiedener Wert)"
        assert reword("kunden.csv: file not found — check the path and the file name") == \
            "kunden.csv: Datei nicht gefunden – prüfen Sie Pfad und Dateinamen"
        assert reword("column name suggests personal data (a person's name)") == \
            "Spaltenname deutet auf personenbezogene Daten hin (ein Personenname)"
        assert reword("no customer id") == "keine Kunden-ID"
        assert reword("a text no catalogue knows") == "a text no catalogue knows"
        assert reword("kunden.csv") == "kunden.csv" and reword("") == ""
    assert reword("numbers (52 distinct values)") == "numbers (52 distinct values)"


def test_marker_returns_the_english_text():
    assert N_("stable") == "stable"
