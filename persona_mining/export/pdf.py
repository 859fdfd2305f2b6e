"""A4 persona-card PDF: an overview page, then one card per persona.

Text is real, selectable text in DejaVu Sans, embedded (subset) from ``fonts/`` so German
text — „Schnäppchen-Jäger“ über 50 € → App — prints everywhere. Charts (the persona map,
the persona-vs-everyone trait bars) are built with Altair and rendered offline by
vl-convert to PNG; they carry no text of their own: labels, numbers and sentences next
to them are PDF text, aligned to the chart geometry, so they stay searchable and sharp.

Layout rules: long names shrink, then wrap, then (past 400 characters) are shortened
with "…" — the JSON keeps the full name; empty sections are left out; a card that runs
over a page continues under a "(continued)" header.
"""

from __future__ import annotations

import datetime as _dt
import io
from pathlib import Path
from typing import Any, Sequence

import numpy as np
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from ..charts import GREY, PALETTE
from ..i18n import N_, _, current_language, fmt_date, fmt_number, fmt_percent, language, ngettext
from ..labels import stability_word

FONTS = Path(__file__).with_name("fonts")
FONT = "DejaVu"
W, H = 210.0, 297.0
MARGIN, BOTTOM = 16.0, 17.0
TEXT_W = W - 2 * MARGIN
INK, MUTED, FAINT, LIGHT = (33, 37, 41), (108, 117, 125), (173, 181, 189), (236, 239, 243)
POPULATION = (178, 186, 194)
BADGES = {"stable": (25, 135, 84), "shaky": (205, 120, 0), "unstable": (200, 50, 50),
          "not measured": (130, 130, 130)}
STABILITY_WORDS = {"stable": N_("found again reliably"), "shaky": N_("found in most re-checks"),
                   "unstable": N_("often not found again"), "not measured": N_("not re-checked")}
MAX_NAME = 400          # characters of a name shown on a card (the JSON keeps it all)
MAP_POINTS = 5000       # customers drawn on the map (a fixed-seed sample beyond that)
LOCATOR_POINTS = 1500   # ... and on each card's small locator map
PX_PER_MM = 4           # chart pixels per mm before vl-convert's 2x scale (~200 dpi)
SECTIONS = (("goals", N_("Goals")), ("pain_points", N_("Pain points")), ("quotes", N_("Quotes")),
            ("hypotheses", N_("Business hypotheses")))


def to_pdf(ws: Any, document: dict | None = None) -> bytes:
    """The PDF as bytes: overview page (map, shares), then one page per persona; in the
    document's language (the current one when the document does not say)."""
    from . import to_json

    doc = document or to_json(ws)
    with language(doc.get("language") or current_language()):
        return _to_pdf(ws, doc)


def _to_pdf(ws: Any, doc: dict) -> bytes:
    colors = [_rgb(PALETTE[i % len(PALETTE)]) for i in range(len(doc["personas"]))]
    pdf = _Doc(doc)
    pdf.map = _MapData(ws, doc)
    _overview(pdf, doc, colors)
    for i, card in enumerate(doc["personas"]):
        _card(pdf, card, i, colors)
    return bytes(pdf.output())


# -- document ---------------------------------------------------------------------------------
class _Doc(FPDF):
    def __init__(self, doc: dict) -> None:
        super().__init__(format="A4", unit="mm")
        self.doc = doc
        self.card: dict | None = None       # the card being drawn (for continuation headers)
        self.card_color = INK
        self.card_page = 0
        self.map: Any = None         # _MapData, set by to_pdf
        self.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.c_margin = 0           # text starts exactly where boxes and bars start
        self.set_auto_page_break(True, margin=BOTTOM)
        self.set_title(_("Persona cards"))
        file = doc['provenance']['dataset'].get('file') or _("a dataset")
        self.set_subject(_("Personas of {file}", file=file))
        self.set_creator("Persona Mining")
        self.set_lang(current_language())
        stamp = doc["provenance"].get("exported_at")
        if stamp:
            self.set_creation_date(_dt.datetime.fromisoformat(stamp))

    # page furniture
    def header(self) -> None:
        if self.card is None or self.page_no() == self.card_page:
            return
        self.set_fill_color(*self.card_color)
        self.rect(0, 0, W, 3, style="F")
        self.set_xy(MARGIN, 8)
        self.font(8, color=MUTED)
        self.cell(TEXT_W, 4, _fit(self, _("{name} (continued)", name=_clip(self.card['name'], MAX_NAME)),
                                  TEXT_W))
        self.set_y(15)

    def footer(self) -> None:
        prov = self.doc["provenance"]
        self.set_y(-11)
        self.font(7, color=FAINT)
        left = f"Persona Mining · {prov['dataset'].get('file') or _('dataset')} · " \
               f"{_day(prov.get('exported_at'))}"
        self.set_x(MARGIN)
        self.cell(TEXT_W - 30, 4, _fit(self, left, TEXT_W - 32))
        # {nb} is fpdf's placeholder for the page count, filled in at the end
        self.cell(30, 4, _("page {page} of {pages}", page=self.page_no(), pages="{nb}"), align="R")

    # text helpers
    def font(self, size: float, bold: bool = False, color: Sequence[int] = INK) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*color)

    def room(self) -> float:
        return self.page_break_trigger - self.get_y()

    def keep(self, height: float) -> None:
        """Start a new page unless ``height`` mm still fit on this one."""
        if self.room() < height:
            self.add_page()

    def lines(self, text: str, width: float, size: float, bold: bool = False) -> int:
        self.font(size, bold)
        return len(self.multi_cell(width, size * 0.45, text, dry_run=True,
                                   output=MethodReturnValue.LINES))

    def para(self, text: str, size: float = 9.5, color: Sequence[int] = INK, bold: bool = False,
             x: float = MARGIN, width: float = TEXT_W, lh: float | None = None) -> None:
        self.font(size, bold, color)
        self.set_x(x)
        self.multi_cell(width, lh or size * 0.47, text, align="L", new_x=XPos.LMARGIN,
                        new_y=YPos.NEXT)

    def heading(self, text: str, first_line: float = 8.0) -> None:
        """Section heading, kept together with (at least) the first line after it."""
        self.ln(3.2)
        self.keep(6.5 + first_line)
        self.font(10.5, bold=True)
        self.set_x(MARGIN)
        self.cell(TEXT_W, 5.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)


# -- overview page ------------------------------------------------------------------------------
def _overview(pdf: _Doc, doc: dict, colors: list) -> None:
    prov, ds, cards = doc["provenance"], doc["provenance"]["dataset"], doc["personas"]
    pdf.add_page()
    pdf.font(24, bold=True)
    pdf.set_x(MARGIN)
    pdf.cell(TEXT_W, 11, _("Personas"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    n = len(cards)
    pdf.font(10.5, color=MUTED)
    rows = ds.get('rows') or 0
    file = ds.get('file') or _('your data')
    sub = ngettext("{k} persona in {n} customers of “{file}”", "{k} personas in {n} customers of “{file}”",
                   n, k=fmt_number(n), n=fmt_number(rows), file=file)
    sub += f" · {_day(prov.get('exported_at'))}"
    pdf.set_x(MARGIN)
    pdf.cell(TEXT_W, 6, _fit(pdf, sub, TEXT_W), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    un = doc["unassigned"]
    text = (ngettext("{share} of customers ({n}) fits no persona well and is left unassigned.",
                     "{share} of customers ({n}) fit no persona well and are left unassigned.",
                     un["size"], share=fmt_percent(un['share'], 1), n=fmt_number(un['size']))
            if un["size"] else _("Every customer belongs to a persona."))
    if n:
        text += " " + _("Each persona has its own page after this one.")
    pdf.para(text, 9, MUTED)
    pdf.ln(3)

    # Rows of the share list, then the map takes what is left (within limits).
    rows = n + 1
    row_h = 6.0 if rows <= 12 else max(4.4, 6.0 - 0.08 * (rows - 12))
    summary = doc.get("outcomes")
    about_h = 20.0 + (9.0 if summary else 0.0)
    outcome_h = (rows + 2) * row_h + 12 if summary else 0.0
    free = pdf.page_break_trigger - pdf.get_y() - 12 - rows * row_h - about_h - 6 - outcome_h
    map_h = float(np.clip(free, 55, 135))
    top = pdf.get_y()
    _map(pdf, doc, colors, top, map_h)
    pdf.set_y(top + map_h + 1.5)
    pdf.font(7.5, color=MUTED)
    pdf.set_x(MARGIN)
    pdf.cell(TEXT_W, 4, _fit(pdf, _("Each dot is a customer; similar customers lie close together. "
                                    "Colours are personas, grey dots are unassigned."), TEXT_W),
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.heading(_("Share of customers"), first_line=row_h)
    for i, c in enumerate(cards):
        _share_row(pdf, str(i + 1), c["name"], c["share"], c["size"], colors[i], row_h)
    _share_row(pdf, "", _("Unassigned"), un["share"], un["size"], _rgb(GREY), row_h)
    if summary:
        _outcome_table(pdf, doc, colors, row_h)
    _about(pdf, doc, about_h)


class _MapData:
    """The 2-D map once per document: finite points, a fixed-seed sample, persona per point."""

    def __init__(self, ws: Any, doc: dict) -> None:
        self.labels = np.asarray(ws.state().labels).astype(str)
        self.pts = np.asarray(ws.map2d, dtype=float)
        self.ok = np.isfinite(self.pts).all(axis=1)
        idx = np.flatnonzero(self.ok)
        if len(idx) > MAP_POINTS:
            idx = np.sort(np.random.default_rng(0).choice(idx, MAP_POINTS, replace=False))
        self.idx = idx
        self._base: dict = {}
        index = {c["id"]: i for i, c in enumerate(doc["personas"])}
        self.persona = np.array([index.get(lab, -1) for lab in self.labels[idx]], dtype=int)
        if idx.size:
            (x0, y0), (x1, y1) = self.pts[self.ok].min(axis=0), self.pts[self.ok].max(axis=0)
            px, py = 0.04 * max(x1 - x0, 1e-9), 0.05 * max(y1 - y0, 1e-9)
            self.dom_x, self.dom_y = [x0 - px, x1 + px], [y0 - py, y1 + py]

    def png(self, colors: list, width: float, height: float, only: int | None = None,
            limit: int | None = None, color: str | None = None) -> bytes:
        """Dots coloured by persona (unassigned grey); with ``only``, just that persona's
        dots; with ``color``, every dot in that colour. At most ``limit`` dots."""
        import altair as alt
        import pandas as pd

        sel = np.arange(len(self.idx)) if only is None else np.flatnonzero(self.persona == only)
        if limit and len(sel) > limit:
            sel = np.sort(np.random.default_rng(1).choice(sel, limit, replace=False))
        p = self.persona[sel]
        domain, palette = list(range(-1, len(colors))), [GREY] + [_hex(c) for c in colors]
        if color is not None:
            domain, palette, p = [0], [color], np.zeros_like(p)
        rows = self.idx[sel]
        frame = pd.DataFrame({"x": self.pts[rows, 0], "y": self.pts[rows, 1], "p": p,
                              "z": (p >= 0).astype(int)}).sort_values("z", kind="stable")
        dot = 14 if width > 100 and len(self.idx) > 3000 else 22 if width > 100 else 7
        chart = alt.Chart(alt.Data(name="rows")).mark_circle(size=dot, opacity=0.75).encode(
            x=alt.X("x:Q", axis=None, scale=alt.Scale(domain=self.dom_x, nice=False, zero=False)),
            y=alt.Y("y:Q", axis=None, scale=alt.Scale(domain=self.dom_y, nice=False, zero=False)),
            color=alt.Color("p:N", legend=None, scale=alt.Scale(domain=domain, range=palette)),
            order=alt.Order("z:Q"),
        ).properties(width=width * PX_PER_MM, height=height * PX_PER_MM)
        return _png(chart, frame)

    def locator(self, colors: list, i: int, width: float, height: float) -> tuple[bytes, bytes]:
        """Everyone in light grey (rendered once per document), and persona ``i`` on top."""
        key = (width, height)
        if key not in self._base:
            self._base[key] = self.png(colors, width, height, limit=LOCATOR_POINTS,
                                       color="#d3d8de")
        return self._base[key], self.png(colors, width, height, only=i, limit=LOCATOR_POINTS)

    def centre(self, persona_id: str) -> tuple[float, float] | None:
        m = self.ok & (self.labels == persona_id)
        return tuple(np.median(self.pts[m], axis=0)) if m.any() else None

    def to_mm(self, x: float, y: float, left: float, top: float, width: float,
              height: float) -> tuple[float, float]:
        return (left + (x - self.dom_x[0]) / (self.dom_x[1] - self.dom_x[0]) * width,
                top + (self.dom_y[1] - y) / (self.dom_y[1] - self.dom_y[0]) * height)


def _map(pdf: _Doc, doc: dict, colors: list, top: float, height: float) -> None:
    """Persona map (Altair scatter, rendered offline) with numbered persona badges as text."""
    md = pdf.map
    pdf.set_fill_color(248, 249, 251)
    pdf.rect(MARGIN, top, TEXT_W, height, style="F", round_corners=True, corner_radius=2)
    if not md.idx.size:
        return
    pdf.image(io.BytesIO(md.png(colors, TEXT_W, height)), x=MARGIN, y=top, w=TEXT_W, h=height)
    for i, c in enumerate(doc["personas"]):
        centre = md.centre(c["id"])
        if centre is not None:
            bx, by = md.to_mm(*centre, MARGIN, top, TEXT_W, height)
            _number_badge(pdf, bx, by, str(i + 1), colors[i], radius=2.6)


def _locator(pdf: _Doc, i: int, colors: list, x: float, y: float, w: float, h: float) -> None:
    """Small map with this persona's customers in colour, everyone else in light grey."""
    md = pdf.map
    pdf.set_fill_color(248, 249, 251)
    pdf.rect(x, y, w, h, style="F", round_corners=True, corner_radius=1.5)
    if md.idx.size:
        base, persona = md.locator(colors, i, w, h)
        pdf.image(io.BytesIO(base), x=x, y=y, w=w, h=h)
        pdf.image(io.BytesIO(persona), x=x, y=y, w=w, h=h)
    pdf.font(6.5, color=MUTED)
    pdf.set_xy(x, y + h + 0.6)
    pdf.cell(w, 3, _fit(pdf, _("where they are on the persona map"), w), align="C")


def _number_badge(pdf: _Doc, cx: float, cy: float, text: str, color: Sequence[int],
                  radius: float = 2.2) -> None:
    pdf.set_fill_color(255, 255, 255)
    pdf.circle(cx, cy, radius + 0.45, style="F")
    pdf.set_fill_color(*color)
    pdf.circle(cx, cy, radius, style="F")
    pdf.font(radius * 2.6 if len(text) < 2 else radius * 2.2, bold=True, color=(255, 255, 255))
    pdf.set_xy(cx - radius, cy - radius)
    pdf.cell(2 * radius, 2 * radius, text, align="C")


def _row_start(pdf: _Doc, number: str, name: str, color: Sequence[int] | None, h: float,
               width: float, bold: bool = False) -> float:
    """A list row: the persona's number badge (none without a number) and its name; the
    row's top. A new page first when the row does not fit."""
    if pdf.room() < h:
        pdf.add_page()
    y = pdf.get_y()
    r = min(2.1, h * 0.36)
    if number:
        _number_badge(pdf, MARGIN + r, y + h / 2, number, color, r)
    pdf.font(8.5 if h >= 5 else 7.5, bold=bold)
    pdf.set_xy(MARGIN + 2 * r + 2, y)
    pdf.cell(width - 2 * r - 2, h, _fit(pdf, " ".join(name.split()), width - 2 * r - 4))
    return y


def _share_row(pdf: _Doc, number: str, name: str, share: float, size: int,
               color: Sequence[int], h: float) -> None:
    y = _row_start(pdf, number, name, color, h, 84 + 2 * min(2.1, h * 0.36) + 2)
    bar_x, bar_w, bar_h = MARGIN + 94, 56.0, min(3.0, h * 0.55)
    pdf.set_fill_color(*LIGHT)
    pdf.rect(bar_x, y + (h - bar_h) / 2, bar_w, bar_h, style="F")
    pdf.set_fill_color(*color)
    pdf.rect(bar_x, y + (h - bar_h) / 2, max(0.5, bar_w * share), bar_h, style="F")
    pdf.set_xy(bar_x + bar_w + 1, y)
    pdf.cell(13, h, fmt_percent(share, 1), align="R")
    pdf.font(7.5 if h >= 5 else 6.5, color=MUTED)
    pdf.cell(TEXT_W - (bar_x - MARGIN) - bar_w - 14, h, fmt_number(size), align="R")
    pdf.set_y(y + h)


def _about(pdf: _Doc, doc: dict, height: float) -> None:
    """Small print at the foot of the overview: how to read stability, what made the personas."""
    if pdf.room() < height:
        pdf.add_page()
    pdf.set_y(max(pdf.get_y() + 4, pdf.page_break_trigger - height))
    pdf.set_draw_color(*LIGHT)
    pdf.line(MARGIN, pdf.get_y(), W - MARGIN, pdf.get_y())
    pdf.ln(1.5)
    pdf.para(_("Stability: how reliably a persona is found again when the discovery is re-run on "
               "resampled customers (stable ≥ 0.75, shaky ≥ 0.5, else unstable). Traits compare a "
               "persona with all customers; rules are plain-language tests that recognise its "
               "members."), 7, MUTED)
    if doc.get("outcomes"):
        pdf.para(doc["outcomes"]["method"], 7, MUTED)
    pdf.para(made_with(doc), 7, MUTED)


def made_with(doc: dict) -> str:
    """What made the personas, in one line (the PDF's small print, the Markdown's footer)."""
    prov, ds = doc["provenance"], doc["provenance"]["dataset"]
    cfg = prov.get("config", {})
    boot, sha = cfg.get("bootstrap"), (ds.get("sha256") or "")[:12]
    method = (_("method {method} on a {embedding} map", method=prov["method"],
                embedding=cfg["embedding"].upper()) if cfg.get("embedding")
              else _("method {method}", method=prov["method"]))
    parts = [_("Made with Persona Mining {version}", version=prov["packages"].get("persona-mining", "")),
             method + ", " + _("seed {seed}", seed=prov["seed"])
             + (", " + ngettext("{n} stability re-run", "{n} stability re-runs", boot) if boot else ""),
             _("data {file} ({rows} rows × {columns} columns)", file=ds.get("file") or "?",
               rows=fmt_number(ds.get("rows") or 0), columns=fmt_number(ds.get("columns") or 0))
             + (f", SHA-256 {sha}…" if sha else ""),
             _("discovered {date}", date=_day(prov.get("created_at"))),
             ngettext("{n} edit by the team", "{n} edits by the team", prov["edit_count"])]
    return " · ".join(parts)


def _day(stamp: str | None) -> str:
    """An ISO time stamp's day in the current language ('02.12.2026'), '' when unknown."""
    if not stamp:
        return ""
    try:
        return fmt_date(str(stamp)[:10])
    except ValueError:
        return str(stamp)[:10]


# -- persona card ------------------------------------------------------------------------------
LOCATOR_W, LOCATOR_H = 46.0, 31.0


def _card(pdf: _Doc, card: dict, i: int, colors: list) -> None:
    color = colors[i]
    pdf.card, pdf.card_color = None, color
    pdf.add_page()
    pdf.card, pdf.card_page = card, pdf.page_no()
    n = len(pdf.doc["personas"])
    pdf.set_fill_color(*color)
    pdf.rect(0, 0, W, 11, style="F")
    pdf.font(7.5, bold=True, color=(255, 255, 255))
    pdf.set_xy(MARGIN, 3.5)
    pdf.cell(TEXT_W / 2, 4, _("PERSONA {i} OF {n}", i=i + 1, n=n))
    pdf.set_xy(MARGIN + TEXT_W / 2, 3.5)
    pdf.cell(TEXT_W / 2, 4, card["id"], align="R")

    top = 17.0
    _locator(pdf, i, colors, W - MARGIN - LOCATOR_W, top, LOCATOR_W, LOCATOR_H)
    head_w = TEXT_W - LOCATOR_W - 6
    name = _clip(card["name"], MAX_NAME)
    size = next((s for s in (20, 17, 15) if pdf.lines(name, head_w, s, True) == 1), None) or \
        next((s for s in (17, 14, 12) if pdf.lines(name, head_w, s, True) <= 2), 11)
    pdf.set_y(top - 1)
    pdf.para(name, size, bold=True, width=head_w, lh=size * 0.46)
    pdf.ln(1.2)
    desc = card["description"].strip()
    below = top + LOCATOR_H + 6                      # first line clear of the locator map
    if desc and pdf.get_y() + pdf.lines(desc, head_w, 9.5) * 4.6 > below + 10:
        pdf.set_y(max(pdf.get_y(), below))           # a long description: full width below
        pdf.para(desc, 9.5, MUTED, lh=4.6)
    elif desc:
        pdf.para(desc, 9.5, MUTED, width=head_w, lh=4.6)
    pdf.set_y(max(pdf.get_y() + 3, below) if pdf.page_no() == pdf.card_page
              else pdf.get_y() + 3)
    _facts(pdf, card)
    if card.get("outcomes"):
        _outcomes(pdf, card["outcomes"], color)
    if card["traits"]:
        _traits(pdf, card["traits"], color)
    if card["rules"]:
        _bullets(pdf, _("How to recognise them"),
                 [_("If {rule}", rule=r['text']) for r in card["rules"]])
    from . import journey_lines, label_lines

    if journey_lines(card.get("journeys")):
        _bullets(pdf, _("Typical journeys"), journey_lines(card["journeys"]))
    if card.get("labels"):
        _bullets(pdf, _("Known labels of these customers"), label_lines(card["labels"]))
    if card["goals"] and card["pain_points"]:
        _two_lists(pdf, (_("Goals"), card["goals"]), (_("Pain points"), card["pain_points"]))
    else:
        for f, title in SECTIONS[:2]:
            if card[f]:
                _bullets(pdf, _(title), card[f])
    if card["quotes"]:
        _quotes(pdf, card["quotes"], color)
    if card["hypotheses"]:
        _bullets(pdf, _("Business hypotheses"), card["hypotheses"])
    if card["notes"].strip():
        pdf.heading(_("Notes"))
        pdf.para("\n".join(line.strip() for line in card["notes"].strip().splitlines()), 9.5)
    if card["tags"]:
        _tags(pdf, card["tags"], color)
    pdf.card = None


def _facts(pdf: _Doc, card: dict) -> None:
    """Share, size and the stability badge in three boxes."""
    y = pdf.get_y()
    gap, h = 3.0, 16.0
    widths = [46.0, 46.0, TEXT_W - 92 - 2 * gap]
    boxes = [(_("Share of customers"), fmt_percent(card['share'], 1)),
             (_("Customers"), fmt_number(card['size'])), (_("Stability"), None)]
    x = MARGIN
    for w, (label, value) in zip(widths, boxes):
        pdf.set_fill_color(*LIGHT)
        pdf.rect(x, y, w, h, style="F", round_corners=True, corner_radius=1.5)
        pdf.set_xy(x + 3, y + 2)
        pdf.font(7.5, color=MUTED)
        pdf.cell(w - 6, 4, _fit(pdf, label, w - 6))
        if value is not None:
            pdf.set_xy(x + 3, y + 7.5)
            pdf.font(13, bold=True)
            pdf.cell(w - 6, 6, value)
        else:
            _stability(pdf, card, x + 3, y + 7.6, w - 6)
        x += w + gap
    pdf.set_y(y + h + 1)


def _stability(pdf: _Doc, card: dict, x: float, y: float, width: float) -> None:
    label = card["stability_label"]
    word = stability_word(label)
    pdf.font(9, bold=True, color=(255, 255, 255))
    pill = pdf.get_string_width(word) + 5
    pdf.set_fill_color(*BADGES[label])
    pdf.rect(x, y, pill, 5.6, style="F", round_corners=True, corner_radius=2.8)
    pdf.set_xy(x, y)
    pdf.cell(pill, 5.6, word, align="C")
    detail = _(STABILITY_WORDS[label]) if card["stability"] is None else \
        f"{fmt_number(card['stability'], 2)} · {_(STABILITY_WORDS[label])}"
    pdf.font(8, color=MUTED)
    pdf.set_xy(x + pill + 1.5, y)
    pdf.cell(width - pill - 1.5, 5.6, _fit(pdf, detail, width - pill - 1.5))


OUTCOME_ROW = 11.0     # mm per outcome: name and figure, interval chart, sentence
OUTCOME_CHART_X, OUTCOME_CHART_W = 40.0, 46.0   # from the left margin


def _outcome_table(pdf: _Doc, doc: dict, colors: list, h: float) -> None:
    """Overview: each persona's outcome figures side by side, with all customers last."""
    from . import outcome_title, outcome_value

    summary = doc["outcomes"]
    heads = [outcome_title(o) for o in summary["all"]][:4]
    pdf.heading(_("Outcomes by persona"), first_line=2 * h)
    name_w = 84.0
    col_w = (TEXT_W - name_w) / max(1, len(heads))
    y = pdf.get_y()
    pdf.font(7.5, color=MUTED)
    for k, head in enumerate(heads):
        pdf.set_xy(MARGIN + name_w + k * col_w, y)
        pdf.cell(col_w, h, _fit(pdf, head, col_w - 1), align="R")
    pdf.set_y(y + h)
    rows = [(str(i + 1), c["name"], c.get("outcomes", []), colors[i])
            for i, c in enumerate(doc["personas"])]
    rows.append(("", _("All customers"), summary["all"], None))
    for number, name, records, color in rows:
        y = _row_start(pdf, number, name, color, h, name_w - 2, bold=not number)
        by = {outcome_title(o): o for o in records}
        for k, head in enumerate(heads):
            pdf.set_xy(MARGIN + name_w + k * col_w, y)
            text = outcome_value(by[head]) if head in by else ""
            pdf.font(8.5 if h >= 5 else 7.5, bold=not number,
                     color=MUTED if text == "—" else INK)
            pdf.cell(col_w, h, text, align="R")
        pdf.set_y(y + h)


def _outcomes(pdf: _Doc, records: list[dict], color: Sequence[int]) -> None:
    """The persona's outcomes: figure, its 95 % interval against all customers (a band
    with the figure as a dot, all customers as a tick), and the plain sentence."""
    from . import outcome_title, outcome_value

    pdf.heading(_("Outcomes"), first_line=OUTCOME_ROW)
    soft = tuple(int(255 - (255 - c) * 0.35) for c in color)
    for rec in records:
        pdf.keep(OUTCOME_ROW)
        y = pdf.get_y()
        pdf.font(7.5, color=MUTED)
        pdf.set_xy(MARGIN, y + 0.3)
        pdf.cell(OUTCOME_CHART_X - 2, 3.6, _fit(pdf, outcome_title(rec), OUTCOME_CHART_X - 3))
        pdf.font(12, bold=True)
        pdf.set_xy(MARGIN, y + 4.2)
        pdf.cell(OUTCOME_CHART_X - 2, 5.5, _fit(pdf, outcome_value(rec), OUTCOME_CHART_X - 3))
        if not rec.get("suppressed") and rec.get("value") is not None:
            _interval_chart(pdf, rec, MARGIN + OUTCOME_CHART_X, y, color, soft)
        tx = MARGIN + OUTCOME_CHART_X + OUTCOME_CHART_W + 4
        tw = W - MARGIN - tx
        text = rec["sentence"]
        size = next((sz for sz in (8.5, 8.0, 7.5) if pdf.lines(text, tw, sz) <= 2), 7.5)
        if pdf.lines(text, tw, size) > 2:
            text = _fit_lines(pdf, text, tw, size, 2)
        lines = min(2, pdf.lines(text, tw, size))
        lh = size * 0.45
        pdf.font(size, color=MUTED if rec.get("suppressed") else INK)
        pdf.set_xy(tx, y + (OUTCOME_ROW - lines * lh) / 2 - 0.5)
        pdf.multi_cell(tw, lh, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_y(y + OUTCOME_ROW)


def _interval_chart(pdf: _Doc, rec: dict, x: float, y: float, color: Sequence[int],
                    soft: Sequence[int]) -> None:
    """A track with the 95 % interval as a band, the figure as a dot and all customers
    as a dark tick labelled below; rates on 0 … a bit above the largest figure."""
    from ..i18n import fmt_percent

    values = [v for v in (rec["value"], rec.get("low"), rec.get("high"), rec.get("overall"))
              if v is not None]
    lo = min(0.0, *values)
    hi = max(values) * 1.2 if max(values) > 0 else 1.0
    if rec["kind"] == "rate":
        lo, hi = 0.0, min(1.0, max(hi, 0.05))
    span = hi - lo or 1.0
    pos = lambda v: x + (v - lo) / span * OUTCOME_CHART_W  # noqa: E731
    mid = y + 4.0
    pdf.set_fill_color(*LIGHT)
    pdf.rect(x, mid - 0.5, OUTCOME_CHART_W, 1.0, style="F")
    if rec.get("low") is not None and rec.get("high") is not None:
        pdf.set_fill_color(*soft)
        pdf.rect(pos(rec["low"]), mid - 1.6, max(0.6, pos(rec["high"]) - pos(rec["low"])), 3.2,
                 style="F", round_corners=True, corner_radius=1.0)
    if rec.get("overall") is not None:
        ox = pos(rec["overall"])
        pdf.set_fill_color(*INK)
        pdf.rect(ox - 0.25, mid - 2.6, 0.5, 5.2, style="F")
        shown = fmt_percent(rec["overall"]) if rec["kind"] == "rate" else \
            f"{rec['overall']:,.0f}" if abs(rec["overall"]) >= 100 else f"{rec['overall']:.2f}"
        pdf.font(6.5, color=MUTED)
        text = _("all customers {value}", value=shown)
        w = pdf.get_string_width(text) + 1
        pdf.set_xy(min(max(x, ox - w / 2), x + OUTCOME_CHART_W - w), mid + 2.9)
        pdf.cell(w, 3, text, align="C")
    pdf.set_fill_color(*color)
    pdf.circle(pos(rec["value"]), mid, 1.25, style="F")


TRAIT_ROW = 9.0        # mm per trait: two bars on the left, the sentence on the right
CHART_W = 40.0


def _traits(pdf: _Doc, traits: list[dict], color: Sequence[int]) -> None:
    """Persona vs all customers, one pair of bars per trait (each pair on its own scale:
    traits have different units), the plain sentence beside it."""
    pdf.heading(_("What sets them apart"), first_line=5 + TRAIT_ROW)
    y = pdf.get_y()
    # legend
    x = MARGIN
    for label, c in ((_("this persona"), color), (_("all customers"), POPULATION)):
        pdf.set_fill_color(*c)
        pdf.rect(x, y + 1.2, 3, 2.2, style="F")
        pdf.font(7, color=MUTED)
        pdf.set_xy(x + 4, y)
        width = pdf.get_string_width(label) + 1
        pdf.cell(width, 4.6, label)
        x += 4 + width + 4
    pdf.set_y(y + 5.5)
    start = 0
    while start < len(traits):                  # as many rows as fit, the rest overleaf
        if pdf.room() < TRAIT_ROW:
            pdf.add_page()
        chunk = traits[start:start + max(1, int(pdf.room() // TRAIT_ROW))]
        _trait_rows(pdf, chunk, color)
        start += len(chunk)


def _trait_rows(pdf: _Doc, traits: list[dict], color: Sequence[int]) -> None:
    import altair as alt
    import pandas as pd

    top = pdf.get_y()
    bar, gap = 2.3, 0.7
    rects = []
    for k, t in enumerate(traits):
        pv, pop = t.get("persona_value"), t.get("population_value")
        vals = [abs(v) if v is not None and np.isfinite(v) else 0.0 for v in (pv, pop)]
        scale = max(vals) or 1.0
        y = k * TRAIT_ROW + (TRAIT_ROW - 2 * bar - gap) / 2 - 1.0
        for j, v in enumerate(vals):
            y0 = y + j * (bar + gap)
            rects.append({"x": 0.0, "x2": CHART_W, "y": y0, "y2": y0 + bar, "c": "track"})
            rects.append({"x": 0.0, "x2": max(CHART_W * v / scale, 0.4 if v else 0.0),
                          "y": y0, "y2": y0 + bar, "c": "persona" if j == 0 else "all"})
    height = TRAIT_ROW * len(traits)
    frame = pd.DataFrame(rects)
    chart = alt.Chart(alt.Data(name="rows")).mark_rect().encode(
        x=alt.X("x:Q", axis=None, scale=alt.Scale(domain=[0, CHART_W], nice=False, zero=False)),
        x2="x2:Q",
        y=alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[height, 0], nice=False, zero=False)),
        y2="y2:Q",
        color=alt.Color("c:N", legend=None, scale=alt.Scale(
            domain=["track", "persona", "all"],
            range=[_hex(c) for c in (LIGHT, color, POPULATION)])),
    ).properties(width=CHART_W * PX_PER_MM, height=height * PX_PER_MM)
    pdf.image(io.BytesIO(_png(chart, frame)), x=MARGIN, y=top, w=CHART_W, h=height)
    tx, tw = MARGIN + CHART_W + 4, TEXT_W - CHART_W - 4
    for k, t in enumerate(traits):
        text = t["sentence"]
        size = next((s for s in (9, 8.2, 7.5) if pdf.lines(text, tw, s) <= 2), 7.5)
        lines = min(2, pdf.lines(text, tw, size))
        if pdf.lines(text, tw, size) > 2:
            text = _fit_lines(pdf, text, tw, size, 2)
        lh = size * 0.45
        pdf.font(size)
        pdf.set_xy(tx, top + k * TRAIT_ROW + (TRAIT_ROW - lines * lh) / 2 - 1.0)
        pdf.multi_cell(tw, lh, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(top + height)


def _bullets(pdf: _Doc, title: str, items: list[str], size: float = 9.5) -> None:
    pdf.heading(title, first_line=size * 0.5 + 1)
    for item in items:
        _bullet(pdf, item, MARGIN, TEXT_W, size)


def _bullet(pdf: _Doc, item: str, x: float, width: float, size: float = 9.5) -> None:
    lh = size * 0.47
    pdf.keep(lh)
    pdf.font(size)
    pdf.set_x(x)
    pdf.cell(4, lh, "•")
    pdf.multi_cell(width - 4, lh, " ".join(item.split()), align="L", new_x=XPos.LMARGIN,
                   new_y=YPos.NEXT)
    pdf.ln(1)


def _two_lists(pdf: _Doc, left: tuple[str, list[str]], right: tuple[str, list[str]]) -> None:
    """Goals and pain points side by side (they are read together); one after the other
    when together they would not fit on the page."""
    col, gap = (TEXT_W - 8) / 2, 8.0

    def height(items: list[str]) -> float:
        return sum(pdf.lines(" ".join(i.split()), col - 4, 9.5) * 9.5 * 0.47 + 1 for i in items)

    need = 9.7 + max(height(left[1]), height(right[1]))
    if need > pdf.page_break_trigger - 30:           # longer than a page: plain flow
        _bullets(pdf, *left)
        _bullets(pdf, *right)
        return
    pdf.ln(3.2)
    pdf.keep(need)
    top = pdf.get_y()
    bottoms = []
    for k, (title, items) in enumerate((left, right)):
        x = MARGIN + k * (col + gap)
        pdf.set_xy(x, top)
        pdf.font(10.5, bold=True)
        pdf.cell(col, 5.5, title)
        pdf.set_y(top + 6.5)
        for item in items:
            _bullet(pdf, item, x, col)
        bottoms.append(pdf.get_y())
    pdf.set_y(max(bottoms))


def _quotes(pdf: _Doc, quotes: list[str], color: Sequence[int]) -> None:
    pdf.heading(_("Quotes"), first_line=6)
    for q in quotes:
        q = " ".join(q.split())
        if not q.startswith(("„", "“", "\"", "«", "‚", "'", "”")):
            q = _("“{quote}”", quote=q)          # „…“ in German
        lh = 4.6
        pdf.keep(lh + 1)
        top, page = pdf.get_y(), pdf.page_no()
        pdf.para(q, 9.5, (52, 58, 64), x=MARGIN + 4, width=TEXT_W - 4, lh=lh)
        if pdf.page_no() == page:            # accent bar beside the quote
            pdf.set_fill_color(*color)
            pdf.rect(MARGIN, top + 0.4, 1.1, pdf.get_y() - top - 0.8, style="F")
        pdf.ln(1.6)


def _tags(pdf: _Doc, tags: list[str], color: Sequence[int]) -> None:
    pdf.ln(4)
    pdf.keep(6)
    pdf.font(8)
    x, y = MARGIN, pdf.get_y()
    soft = tuple(int(255 - (255 - c) * 0.18) for c in color)
    for tag in tags:
        text = _fit(pdf, " ".join(tag.split()), TEXT_W - 6)
        w = pdf.get_string_width(text) + 5
        if x + w > W - MARGIN:
            x, y = MARGIN, y + 6.5
            if y + 6 > pdf.page_break_trigger:
                pdf.add_page()
                y = pdf.get_y()
        pdf.set_fill_color(*soft)
        pdf.rect(x, y, w, 5, style="F", round_corners=True, corner_radius=2.5)
        pdf.set_xy(x, y)
        pdf.font(8)
        pdf.cell(w, 5, text, align="C")
        x += w + 2
    pdf.set_y(y + 6)


# -- helpers --------------------------------------------------------------------------------------
def _png(chart: Any, frame: Any) -> bytes:
    """Render an Altair chart over ``frame`` offline (vl-convert: no network, no browser).

    The rows go in as a named dataset after ``to_dict``: Altair would otherwise validate
    every row against the Vega-Lite schema (seconds for a map) and cap them at 5,000."""
    import vl_convert as vlc

    spec = chart.configure_view(strokeWidth=0).properties(
        autosize={"type": "none"}, padding=0, background="transparent").to_dict(validate=False)
    spec["datasets"] = {"rows": [{k: (float(v) if isinstance(v, (float, np.floating)) else
                                      int(v) if isinstance(v, (int, np.integer)) else str(v))
                                  for k, v in row.items()} for row in frame.to_dict("records")]}
    return vlc.vegalite_to_png(spec, scale=2)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """Shorten with … so the text fits in ``width`` mm at the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:                       # longest prefix that fits with the ellipsis
        mid = (lo + hi + 1) // 2
        if pdf.get_string_width(text[:mid].rstrip() + "…") <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


def _fit_lines(pdf: _Doc, text: str, width: float, size: float, n: int) -> str:
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if pdf.lines(text[:mid].rstrip() + "…", width, size) <= n:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


def _clip(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _hex(rgb: Sequence[int]) -> str:
    return "#%02x%02x%02x" % tuple(rgb)


def _rgb(hex_color: str) -> tuple[int, int, int]:
    h = hex_color.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
