"""The one-page clinician summary, as HTML (Jinja2, inline SVG chart) and PDF (fpdf2, vector chart).

Both read the same `Summary`; the PDF uses DejaVu Sans when the system has it (any text) and
falls back to a built-in font with characters outside Latin-1 replaced.
"""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

from backcare.interop.records import EpisodeRecord
from backcare.interop.summary import Summary, build, chart_window
from backcare.knowledge.load import Knowledge

TEMPLATES = Path(__file__).resolve().parent / "templates"
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))


def html(record: EpisodeRecord, today: date, kb: Knowledge) -> str:
    """The summary as a self-contained HTML page."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    s = build(record, today, kb)
    return env.get_template("summary.html").render(
        s=s, chart=svg_chart(s.chart_points, s.band, s.max_day)
    )


def svg_from(points: tuple[tuple[float, float], ...], estimate: Any, day: int) -> str:
    """The diary chart for progress points and a recovery estimate."""
    band, max_day = chart_window(points, estimate, today=day)
    return svg_chart(points, band, max_day)


def svg_chart(
    points: tuple[tuple[float, float], ...],
    band: tuple[tuple[float, float, float], ...],
    max_day: int,
    width: int = 640,
    height: int = 220,
) -> str:
    """Pain (0-10) by day: the expected band shaded, diary scores as dots."""
    left, bottom, top, right = 34, 24, 8, 8
    w, h = width - left - right, height - top - bottom

    def x(day: float) -> float:
        return round(left + w * day / max(max_day, 1), 1)

    def y(pain: float) -> float:
        return round(top + h * (1 - pain / 10), 1)

    upper = " ".join(f"{x(d)},{y(slow)}" for d, _, slow in band)
    lower = " ".join(f"{x(d)},{y(fast)}" for d, fast, _ in reversed(band))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Pain by day since onset against the expected range" width="100%">',
        f'<polygon points="{upper} {lower}" fill="#cfe3f7" stroke="none"/>',
        f'<line x1="{left}" y1="{y(0)}" x2="{left + w}" y2="{y(0)}" stroke="#333"/>',
        f'<line x1="{left}" y1="{y(0)}" x2="{left}" y2="{y(10)}" stroke="#333"/>',
    ]
    for p in (0, 5, 10):
        parts.append(
            f'<text x="{left - 6}" y="{y(p) + 4}" font-size="11" text-anchor="end">{p}</text>'
        )
    parts.append(f'<text x="{left}" y="{height - 6}" font-size="11">day 0</text>')
    end = f"day {max_day}"
    parts.append(
        f'<text x="{left + w}" y="{height - 6}" font-size="11" text-anchor="end">{end}</text>'
    )
    line = " ".join(f"{x(day)},{y(pain)}" for day, pain in points)
    if len(points) > 1:
        parts.append(f'<polyline points="{line}" fill="none" stroke="#a00000" stroke-width="1.5"/>')
    for day, pain in points:
        parts.append(f'<circle cx="{x(day)}" cy="{y(pain)}" r="3" fill="#a00000"/>')
    parts.append("</svg>")
    return "".join(parts)


def pdf(record: EpisodeRecord, today: date, kb: Knowledge) -> bytes:
    """The summary as a one-page PDF."""
    from fpdf import FPDF

    s = build(record, today, kb)
    doc = FPDF(format="A4")
    doc.set_auto_page_break(auto=True, margin=12)
    doc.set_margins(14, 12, 14)
    doc.add_page()
    font, clean = _font(doc)
    doc.set_title(s.title)

    def text(size: float, value: str, style: str = "", h: float = 4.6) -> None:
        doc.set_font(font, style, size)
        doc.multi_cell(0, h, clean(value), new_x="LMARGIN", new_y="NEXT")

    def heading(value: str) -> None:
        doc.ln(1.5)
        text(11, value, "B", 5.5)
        doc.set_draw_color(180, 180, 180)
        doc.line(doc.l_margin, doc.get_y(), doc.w - doc.r_margin, doc.get_y())
        doc.ln(0.8)

    text(15, s.title, "B", 7)
    text(8.5, f"{s.person} - episode {s.episode} - back pain since {s.onset} - "
              f"generated {s.generated} - {s.entries} diary entries")  # fmt: skip
    heading(f"Triage: {s.level.replace('_', ' ')}"
            + (f" (at assessment: {s.first_level.replace('_', ' ')})"
               if s.level != s.first_level else ""))  # fmt: skip
    for r in s.reasons or ("No warning sign at assessment.",):
        text(9, f"- {r}")
    if s.escalation:
        text(9, f"Raised later: {s.escalation}", "B")
    text(8, f"Rules: {', '.join(s.rules) or 'none'}. Recovery: {s.recovery}.")
    heading("What the clinician usually asks")
    for question, lines in s.topics:
        answer = "; ".join(
            f"{line.label}: {line.answer}" + (f' ("{line.words}")' if line.words else "")
            for line in lines
        )  # fmt: skip
        text(8.5, f"{question} {answer or 'not recorded'}")
    heading("Red flags asked")
    flagged = [f"{line.label}: {line.answer}" for line in s.red_flags]
    text(8.5, "; ".join(flagged) or "none asked at assessment")
    if s.entry_flags:
        text(8.5, "Diary entries with a warning sign: " + "; ".join(s.entry_flags), "B")
    if s.not_asked:
        text(7.5, "Not asked at assessment (every diary note is checked for them): "
                  + "; ".join(s.not_asked))  # fmt: skip
    heading("Pain against the expected course")
    _pdf_chart(doc, s, font)
    heading("Medicines logged")
    meds = [f"{m.name}: {m.doses} dose(s), {m.first:%d %b %H:%M} to {m.last:%d %b %H:%M}"
            for m in s.medicines]  # fmt: skip
    text(8.5, "; ".join(meds) or "none logged")
    heading("Questions the person wants to ask")
    for q in s.questions:
        text(8.5, f"- {q}")
    doc.ln(1)
    text(7.5, s.disclaimer, "I")
    return bytes(doc.output())


def _pdf_chart(doc: Any, s: Summary, font: str, height: float = 38) -> None:
    left = float(doc.l_margin) + 8
    width = float(doc.w) - float(doc.r_margin) - left
    top = float(doc.get_y()) + 1
    bottom = top + height

    def x(day: float) -> float:
        return left + width * day / max(s.max_day, 1)

    def y(pain: float) -> float:
        return bottom - height * pain / 10

    doc.set_fill_color(207, 227, 247)
    polygon = [(x(d), y(slow)) for d, _, slow in s.band]
    polygon += [(x(d), y(fast)) for d, fast, _ in reversed(s.band)]
    doc.polygon(polygon, style="F")
    doc.set_draw_color(50, 50, 50)
    doc.line(left, bottom, left + width, bottom)
    doc.line(left, bottom, left, top)
    doc.set_font(font, "", 7)
    for p in (0, 5, 10):
        doc.text(left - 5, y(p) + 1, str(p))
    doc.text(left, bottom + 4, "day 0")
    doc.text(left + width - 10, bottom + 4, f"day {s.max_day}")
    doc.set_draw_color(160, 0, 0)
    doc.set_fill_color(160, 0, 0)
    points = [(x(d), y(p)) for d, p in s.chart_points]
    for (x1, y1), (x2, y2) in pairwise(points):
        doc.line(x1, y1, x2, y2)
    for px, py in points:
        doc.circle(x=px, y=py, radius=0.9, style="F")
    doc.set_y(bottom + 6)


def _font(doc: Any) -> tuple[str, Any]:
    for directory in FONT_DIRS:
        regular = directory / "DejaVuSans.ttf"
        if regular.is_file():
            doc.add_font("DejaVu", "", str(regular))
            for style, name in (("B", "DejaVuSans-Bold.ttf"), ("I", "DejaVuSans-Oblique.ttf")):
                path = directory / name
                doc.add_font("DejaVu", style, str(path if path.is_file() else regular))
            return "DejaVu", str
    return "Helvetica", _latin1


_REPLACE = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
            "\u2014": "-", "\u2026": "...", "\u2022": "-"}  # fmt: skip


def _latin1(value: str) -> str:
    for a, b in _REPLACE.items():
        value = value.replace(a, b)
    return value.encode("latin-1", "replace").decode("latin-1")
