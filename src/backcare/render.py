"""Terminal rendering of assessments, dispositions and plans (Rich)."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from backcare.assessment import Assessment
from backcare.careplan import CarePlan
from backcare.findings import Citation, FindingSet, Level
from backcare.interview import Screen
from backcare.knowledge.load import Knowledge
from backcare.progress import Progress
from backcare.recovery import RecoveryEstimate
from backcare.triage import Disposition

LEVEL_STYLE = {
    Level.SELF_CARE: "green",
    Level.CONSULTATION: "cyan",
    Level.CONSULTATION_24H: "yellow",
    Level.EMERGENCY: "bold red",
    Level.EMERGENCY_AMBULANCE: "bold white on red",
}


def disposition(console: Console, d: Disposition) -> None:
    """The level, what to do and why, as a panel."""
    style = LEVEL_STYLE[d.level]
    body = Text()
    body.append(d.action + "\n\n")
    body.append("Why:\n", style="bold")
    for reason in d.reasons:
        body.append(f"  - {reason}\n")
    if d.questions:
        body.append("\nNot settled yet (treated as present until answered):\n", style="bold")
        for q in d.questions:
            body.append(f"  ? {q.question}\n")
    rules = ", ".join(r.id for r in d.fired) or "none (self-care by default)"
    body.append(f"\nRules that fired: {rules}", style="dim")
    console.print(Panel(body, title=f"[{style}] {d.title} [/]", subtitle=d.level.value))


def findings(console: Console, fs: FindingSet, kb: Knowledge) -> None:
    """What was understood, with the words that set each finding."""
    table = Table(title="What backcare understood", show_lines=False, expand=False)
    table.add_column("finding")
    table.add_column("status")
    table.add_column("from the words")
    for f in fs.values():
        label = kb.findings[f.id].label if f.id in kb.findings else f.id
        value = f" ({f.value:g})" if f.value is not None else ""
        status = f.status.value
        if f.context:
            status += f": {f.context}"
        table.add_row(label + value, status, f.evidence or "")
    console.print(table)


def recovery(console: Console, e: RecoveryEstimate) -> None:
    text = Text()
    text.append(f"Expected recovery: {e.min_days} to {e.max_days} days ", style="bold")
    text.append(f"({e.severity} spasm).\n")
    for reason in e.reasons:
        text.append(f"  - {reason}\n")
    text.append(f"Check progress on days {', '.join(str(d) for d in e.review_days)}. ")
    text.append(f"If it is not clearly better by day {e.escalation_day}, book a consultation.")
    console.print(Panel(text, title="How long will it last?"))


def plan(console: Console, p: CarePlan, brief: bool = False) -> None:
    """The care plan, phase by phase."""
    for phase in p.phases:
        parts: list[Text] = []
        for action in phase.actions:
            t = Text()
            t.append(action.title, style="bold")
            t.append(f": {action.text}\n")
            if action.timing:
                t.append(f"  When: {action.timing}\n", style="italic")
            if not brief:
                for step in action.how:
                    t.append(f"  - {step}\n")
            for caution in action.cautions:
                t.append(f"  ! {caution}\n", style="yellow")
            parts.append(t)
        console.print(Panel(Group(*parts), title=phase.title))
    if p.medicines:
        parts = []
        for m in p.medicines:
            t = Text()
            t.append(m.title, style="bold")
            t.append(f": {m.text}\n")
            for step in m.how:
                t.append(f"  - {step}\n")
            for caution in m.cautions:
                t.append(f"  ! {caution}\n", style="yellow")
            if m.guideline_note:
                t.append(f"  Guidelines: {m.guideline_note}\n", style="dim")
            parts.append(t)
        console.print(Panel(Group(*parts), title="Medicines (label-level advice, never a dose)"))
    if p.restricted and not brief:
        t = Text()
        for r in p.restricted:
            t.append(f"{r.title}: ", style="bold")
            t.append(f"{r.guideline_note}\n")
        console.print(Panel(t, title="Options you may hear about that guidelines restrict"))
    if p.warning_signs:
        t = Text()
        for sign in p.warning_signs:
            t.append(f"  - {sign.sign} -> {sign.level.value}\n")
        console.print(Panel(t, title="Get help sooner if any of these appear"))
    if p.clinician_questions:
        t = Text("\n".join(f"  - {q}" for q in p.clinician_questions))
        console.print(Panel(t, title="Questions to ask your clinician"))


def sources(console: Console, citations: tuple[Citation, ...], kb: Knowledge) -> None:
    seen = []
    for c in citations:
        src = kb.sources.get(c.source)
        name = f"{src.publisher}, {src.title}" if src else c.source
        line = f"{name}: {c.section}"
        if line not in seen:
            seen.append(line)
    console.print(Text("Sources: " + "; ".join(seen), style="dim"))


def assessment(console: Console, a: Assessment, kb: Knowledge) -> None:
    disposition(console, a.disposition)
    if a.disposition.level < Level.EMERGENCY:
        recovery(console, a.recovery)
    plan(console, a.plan)
    sources(console, (*a.disposition.sources, *a.recovery.sources, *a.plan.sources), kb)
    console.print(Text(a.disposition.disclaimer, style="italic"))


def progress(
    console: Console, p: Progress, estimate: RecoveryEstimate, level: str, reason: str | None
) -> None:
    """Pain over time as a terminal chart with the expected band, then the verdict."""
    console.print(Text(progress_chart(p, estimate)))
    text = Text()
    text.append(p.message + "\n", style="bold")
    if p.latest is not None and p.baseline is not None:
        text.append(f"Day {p.day}: pain {p.latest:g}/10 (started at {p.baseline:g}); ")
        fast, typical, slow = p.expected
        text.append(f"expected today {fast:.1f}-{slow:.1f} (typical {typical:.1f}).\n")
    for r in p.escalation_reasons:
        text.append(f"! {r}\n", style="yellow")
    for w in p.medicine_warnings:
        text.append(f"! {w.text}\n", style="yellow")
    if level not in ("self_care", "consultation") and reason:
        text.append(f"This episode was raised to {level}: {reason}\n", style="bold red")
    console.print(Panel(text, title="Am I recovering as expected?"))


def progress_chart(p: Progress, estimate: RecoveryEstimate, width: int = 60) -> str:
    """Rows 10..0 of pain, columns of days; '.' is the expected band, '*' your entries."""
    last_day = max([estimate.max_days, p.day, *(int(d) + 1 for d, _ in p.points)])
    scale = max(1.0, last_day / width)
    columns = int(last_day / scale) + 1
    grid = [[" "] * columns for _ in range(11)]
    for col in range(columns):
        fast, _, slow = estimate.expected_pain(col * scale)
        for row in range(11):
            if fast - 0.5 <= row <= slow + 0.5:
                grid[row][col] = "."
    for day, pain in p.points:
        col = min(columns - 1, int(day / scale))
        grid[min(10, max(0, round(pain)))][col] = "*"
    lines = [f"{row:>2} |" + "".join(grid[row]) for row in range(10, -1, -1)]
    lines.append("   +" + "-" * columns)
    lines.append(f"    day 0{' ' * max(1, columns - 12)}day {last_day}")
    return "\n".join(lines)


def ask_screen(console: Console, screen: Screen, kb: Knowledge) -> dict[str, object]:
    """Ask one interview screen at the prompt; returns finding id -> raw answer.

    "Any of these?" first: `n` answers every yes/no question no at once (a pre-filled yes from
    the description is kept); `y` or `?` goes through them one by one. EOFError when input ends.
    """
    from rich.prompt import Prompt

    from backcare.errors import InputError
    from backcare.questionnaire import parse_answer

    console.print(f"\n[bold]{screen.title}[/]  [dim]{screen.why}[/]")
    yes_no = [q for q in screen.questions if q.answer_type == "yes_no"]
    numbers = [q for q in screen.questions if q.answer_type != "yes_no"]
    answers: dict[str, object] = {}
    if yes_no:
        for q in yes_no:
            known = (
                ""
                if q.prefilled is None
                else f"  [dim](from what you wrote: {_word(q.prefilled)})[/]"
            )
            console.print(f"  - {q.question}{known}")
        overall = Prompt.ask(
            "Any of these? y = yes, some; n = none of these; ? = not sure",
            choices=["y", "n", "?"], console=console,
        )  # fmt: skip
        for q in yes_no:
            if overall == "n":
                answers[q.finding] = q.prefilled if q.prefilled is True else False
            else:
                default = _word(q.prefilled) if q.prefilled is not None else None
                raw = Prompt.ask(f"{q.question} (y/n/?)", console=console, default=default)
                answers[q.finding] = raw
    for q in numbers:
        while True:
            default = None if q.prefilled is None else str(q.prefilled)
            raw = Prompt.ask(f"{q.question} [{q.unit}] (? if you do not know)", console=console,
                             default=default)  # fmt: skip
            try:
                parse_answer(q.finding, raw, kb)
            except InputError as exc:
                console.print(f"[yellow]{exc}[/]")
                continue
            answers[q.finding] = raw
            break
    return answers


def _word(value: object) -> str:
    if value is True:
        return "y"
    if value is False:
        return "n"
    return "?" if value == "unknown" else str(value)
