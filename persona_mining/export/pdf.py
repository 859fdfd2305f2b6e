"""A4 persona-card PDF: an overview page, then one card per persona.

Drawn with fpdf2 primitives (real, selectable text; DejaVu Sans embedded, so German
text „Schnäppchen-Jäger“ über 50 € → App survives); charts are vector shapes drawn
here, so nothing is fetched or rendered outside the process.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

import numpy as np
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from ..charts import PALETTE

FONTS = Path(__file__).with_name("fonts")
W, MARGIN = 210, 16
TEXT_W = W - 2 * MARGIN
INK, MUTED, LIGHT = (33, 37, 41), (110, 117, 125), (236, 239, 243)
BADGES = {"stable": (25, 135, 84), "shaky": (214, 130, 0), "unstable": (200, 50, 50),
          "not measured": (130, 130, 130)}
MAX_NAME = 300
MAP_POINTS = 4000


def to_pdf(ws: Any) -> bytes:
    from . import to_json

    doc = to_json(ws)
    pdf = _Doc(doc)
    _overview(pdf, ws, doc)
    for i, card in enumerate(doc["personas"]):
        _card(pdf, card, _rgb(PALETTE[i % len(PALETTE)]))
    return bytes(pdf.output())


class _Doc(FPDF):
    def __init__(self, doc: dict) -> None:
        super().__init__(format="A4", unit="mm")
        self.doc = doc
        self.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=18)
        self.set_title("Persona cards")
        self.set_creator("Persona Mining")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 7.5)
        self.set_text_color(*MUTED)
        ds = self.doc["provenance"]["dataset"].get("file") or "dataset"
        self.cell(0, 5, _clip(f"Persona Mining · {ds} · page {self.page_no()}", 140), align="C")

    def text_block(self, text: str, size: float = 10, bold: bool = False,
                   color: tuple = INK, h: float | None = None) -> None:
        self.set_font("DejaVu", "B" if bold else "", size)
        self.set_text_color(*color)
        self.set_x(MARGIN)
        self.multi_cell(TEXT_W, h or size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(self, text: str) -> None:
        if self.get_y() > 255:
            self.add_page()
        self.ln(3)
        self.text_block(text, 11, bold=True)
        self.ln(1)

    def bullets(self, items: list[str], size: float = 9.5) -> None:
        for item in items:
            self.set_font("DejaVu", "", size)
            self.set_text_color(*INK)
            self.set_x(MARGIN)
            self.cell(5, size * 0.5, "•")
            self.multi_cell(TEXT_W - 5, size * 0.5, item, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.ln(0.8)


def _overview(pdf: _Doc, ws: Any, doc: dict) -> None:
    prov = doc["provenance"]
    pdf.add_page()
    pdf.text_block("Personas", 26, bold=True, h=12)
    ds = prov["dataset"]
    made = prov.get("exported_at", "")[:10] or _dt.date.today().isoformat()
    pdf.text_block(f"{len(doc['personas'])} personas mined from {ds.get('rows') or 0:,} customers "
                   f"in “{_clip(ds.get('file') or 'dataset', 80)}” · {made}", 10.5, color=MUTED)
    pdf.text_block(f"{doc['unassigned']['share']:.1%} of customers fit no persona well. "
                   f"Method {prov['method']}, seed {prov['seed']}, {prov['edit_count']} edits by the "
                   "team.", 9, color=MUTED)
    pdf.ln(4)
    _map(pdf, ws, doc, top=pdf.get_y(), height=95)
    pdf.set_y(pdf.get_y() + 99)
    pdf.heading("Share of customers")
    for i, c in enumerate(doc["personas"]):
        _share_bar(pdf, c["name"], c["share"], _rgb(PALETTE[i % len(PALETTE)]))
    _share_bar(pdf, "Unassigned", doc["unassigned"]["share"], (200, 200, 200))


def _map(pdf: _Doc, ws: Any, doc: dict, top: float, height: float) -> None:
    """The persona map as dots: each persona in its colour, unassigned in grey."""
    pdf.set_fill_color(*LIGHT)
    pdf.rect(MARGIN, top, TEXT_W, height, style="F")
    labels = ws.state().labels
    pts = ws.map2d
    idx = np.arange(len(pts))
    if len(idx) > MAP_POINTS:
        idx = np.sort(np.random.default_rng(0).choice(len(idx), MAP_POINTS, replace=False))
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    sx = (TEXT_W - 8) / max(x1 - x0, 1e-9)
    sy = (height - 8) / max(y1 - y0, 1e-9)
    colors = {c["id"]: _rgb(PALETTE[i % len(PALETTE)]) for i, c in enumerate(doc["personas"])}
    r = 0.45 if len(idx) > 2000 else 0.7
    for i in idx:
        pdf.set_fill_color(*colors.get(labels[i], (200, 200, 200)))
        pdf.circle(MARGIN + 4 + (pts[i, 0] - x0) * sx, top + 4 + (y1 - pts[i, 1]) * sy, r, style="F")


def _share_bar(pdf: _Doc, name: str, share: float, color: tuple) -> None:
    if pdf.get_y() > 270:
        pdf.add_page()
    y = pdf.get_y()
    pdf.set_font("DejaVu", "", 8.5)
    pdf.set_text_color(*INK)
    pdf.set_xy(MARGIN, y)
    pdf.cell(78, 5, _fit(pdf, name, 76))
    pdf.set_fill_color(*LIGHT)
    pdf.rect(MARGIN + 80, y + 1, 80, 3, style="F")
    pdf.set_fill_color(*color)
    pdf.rect(MARGIN + 80, y + 1, max(0.4, 80 * share), 3, style="F")
    pdf.set_xy(MARGIN + 163, y)
    pdf.cell(15, 5, f"{share:.1%}", align="R")
    pdf.ln(6)


def _card(pdf: _Doc, card: dict, color: tuple) -> None:
    pdf.add_page()
    pdf.set_fill_color(*color)
    pdf.rect(0, 0, W, 6, style="F")
    pdf.set_y(12)
    name = _clip(card["name"], MAX_NAME)
    size = 20 if len(name) <= 40 else 16 if len(name) <= 80 else 12
    pdf.text_block(name, size, bold=True, h=size * 0.48)
    pdf.ln(1)
    pdf.text_block(card["description"], 10, color=MUTED)
    pdf.ln(2)
    _facts(pdf, card)
    if card["traits"]:
        pdf.heading("What sets them apart")
        for t in card["traits"]:
            _trait(pdf, t, color)
    if card["rules"]:
        pdf.heading("How to recognise them")
        pdf.bullets([f"If {r['text']}" for r in card["rules"]])
    for field, title in (("goals", "Goals"), ("pain_points", "Pain points"), ("quotes", "Quotes"),
                         ("hypotheses", "Business hypotheses")):
        if card[field]:
            pdf.heading(title)
            items = [f"„{q}“" for q in card[field]] if field == "quotes" else card[field]
            pdf.bullets(items)
    if card["notes"]:
        pdf.heading("Notes")
        pdf.text_block(card["notes"], 9.5)
    if card["tags"]:
        pdf.ln(2)
        pdf.text_block("Tags: " + ", ".join(card["tags"]), 8.5, color=MUTED)


def _facts(pdf: _Doc, card: dict) -> None:
    y = pdf.get_y()
    boxes = [("Share of customers", f"{card['share']:.1%}"), ("Customers", f"{card['size']:,}"),
             ("Stability", card["stability_label"] + ("" if card["stability"] is None
                                                      else f" ({card['stability']:.2f})"))]
    w = TEXT_W / 3
    for i, (label, value) in enumerate(boxes):
        x = MARGIN + i * w
        pdf.set_fill_color(*LIGHT)
        pdf.rect(x, y, w - 3, 16, style="F")
        pdf.set_xy(x + 3, y + 2)
        pdf.set_font("DejaVu", "", 7.5)
        pdf.set_text_color(*MUTED)
        pdf.cell(w - 6, 4, label)
        pdf.set_xy(x + 3, y + 7)
        pdf.set_font("DejaVu", "B", 12)
        pdf.set_text_color(*(BADGES[card["stability_label"]] if i == 2 else INK))
        pdf.cell(w - 6, 6, value)
    pdf.set_y(y + 19)


def _trait(pdf: _Doc, t: dict, color: tuple) -> None:
    """Bar from the average (centre) to the persona's standardised difference, then the sentence."""
    if pdf.get_y() > 262:
        pdf.add_page()
    y = pdf.get_y()
    cx, half = MARGIN + 22, 20
    pdf.set_fill_color(*LIGHT)
    pdf.rect(cx - half, y + 1, 2 * half, 3.2, style="F")
    e = float(np.clip(t["effect_size"] or 0.0, -3, 3)) / 3 * half
    # Same colours as the workbench: blue above the average, orange below.
    pdf.set_fill_color(*((59, 91, 165) if e >= 0 else (232, 116, 59)))
    pdf.rect(min(cx, cx + e), y + 1, max(abs(e), 0.4), 3.2, style="F")
    pdf.set_draw_color(*MUTED)
    pdf.line(cx, y + 0.3, cx, y + 4.9)
    pdf.set_xy(MARGIN + 46, y)
    pdf.set_font("DejaVu", "", 9.5)
    pdf.set_text_color(*INK)
    pdf.multi_cell(TEXT_W - 46, 4.8, t["sentence"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1.2)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """Shorten with … so the text fits in ``width`` mm at the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _clip(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _rgb(hex_color: str) -> tuple[int, int, int]:
    h = hex_color.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
