"""Questions backcare declines on purpose, with why and where to go instead.

A personal dose, a diagnosis, reading a scan, a sick note, another part of the body, or an
animal's back: each gets its own knowledge-base item (topic `scope`, backcare-policy), so the
decline says why and names who can help, rather than the generic "not covered". Detection is
by pattern on the question, never by retrieval: the general question ("what is the maximum
paracetamol a day") is answered, the personal one ("how many mg can I take at once") is
declined.
"""

from __future__ import annotations

import re

from backcare import rx
from backcare.text.subject import writer_complains

_MEDICINE = (
    r"tablets?|pills?|doses?|capsules?|tabs?|one|paracetamol|ibuprofen|naproxen|codeine"
    r"|co codamol|cocodamol|tramadol|cyclobenzaprine|methocarbamol|metaxalone|diazepam|nurofen"
    r"|advil|tylenol|aleve|relaxants?|relaxers?|painkillers?"
)
_DOSE = rx.compile(
    r"\bhow (?:many|much) (?:mg|milligrams?|mls?|tablets?|pills?|capsules?|tabs?|doses?)\b"
    r"|\b(?:what|which|right|correct|safe|my) (?:dose|dosage|amount)\b"
    r"(?!.*\b(?:max|maximum|most)\b)"
    r"|\bdose (?:for|should) (?:me|i|my)\b"
    r"|\bcan i (?:take|have|use) (?:\d+|two|three|four|2x|double|extra|another|more)(?: \w+)? (?:"
    + _MEDICINE
    + r")\b"
    r"|\b(?:double|up) (?:up )?(?:the |my )?dose\b|\bdouble up\b"
    r"|\bhow often can i take\b"
    r"|\b\d+ ?(?:mg|milligrams?)\b"
    r"|\bhow (?:many|much)\b(?: \w+){0,3} (?:should|can|do|could|shall) (?:i|we|he|she|they)"
    r" (?:take|give|have)\b"
    r"|\b(?:i|he|she) weighs? \d+|\b\d+ ?(?:kg|kilos?|stone|st|lbs?|pounds)\b"
    r"|\b(?:\d+|two|three|four|five|six) \w+ too (?:many|much)\b"
    r"|\b(?:take|have|give) (?:another|an extra|a second|a third|more) (?:" + _MEDICINE + r")\b"
)
_DIAGNOSIS = rx.compile(
    r"\b(?:do|have) i (?:have|got)(?! to\b)\b|\bhave i (?:got|done|pulled|slipped|herniated)\b"
    r"|\bwhat (?:do|have) i (?:have|got)\b|\btell me what (?:i have|ive got|it is|is wrong)\b"
    r"|\bdiagnos(?:e|is) (?:me|my)\b|\bwhat(?:s| is) wrong with (?:me|my)\b"
    r"|\bcan (?:you|u) (?:diagnose|tell (?:me )?(?:if|whether|what) (?:i|its|it is|this is))\b"
    r"|\bwhat have i done to\b"
    r"|\bcan (?:you|u) confirm\b|\bis (?:this|it|mine) (?:sciatica|a (?:slipped|herniated|bulging)"
    r" dis[ck]|a trapped nerve)\b"
)
_SCAN = rx.compile(
    r"\b(?:read|interpret|explain|look at|check|understand) (?:my|the|this|these|an?) "
    r"(?:mri|scan|x ?ray|ct|report|results?|radiology)\b"
    r"|\bmy (?:mri|scan|x ?ray|ct scan|radiology|imaging)(?: report| results?)?\b"
    r"|\b(?:mri|scan|x ?ray|report|results?) (?:says?|said|shows?|showed|mentions?|found)\b"
    r"|\b(?:radiologist|radiology|consultant s?)\b.*\b(?:report|letter|says?|said)\b"
    r"|\b(?:protrusion|desiccation|arthropathy|schmorl s?|annular|modic|spondylolisthesis"
    r"|stenosis|degenerative changes|l[1-5] ?(?:l[1-5]|s1))\b.*\b(?:mean|means|meaning|serious)\b"
    r"|\bwhat (?:does|do|is) (?:a |an )?(?:\w+ ){0,3}(?:protrusion|desiccation|arthropathy"
    r"|schmorl s? node|annular tear|modic changes?)\b"
)
_FIT_NOTE = rx.compile(
    r"\b(?:sick|fit|doctors?|medical|gp|work) (?:note|cert|certificate|line)s?\b"
    r"|\bsign (?:me|him|her) off\b|\bnote for (?:work|my (?:job|boss|employer))\b|\bmed cert\b"
    r"|\b(?:get|be|being) signed off\b|\b(?:doctors?|gp|medical) letter\b"
)
_OTHER_PART = rx.compile(
    r"\b(?:knees?|ankles?|foot|feet|toes?|wrists?|elbows?|hands?|fingers?|thumbs?|shoulders?"
    r"|neck|jaw|teeth|tooth|head|headaches?|migraines?|eyes?|ears?|throat|stomach ?ache"
    r"|tummy|chest|calf|calves|shin|heel)\b"
)
_BACK = rx.compile(
    r"\b(?:back|spine|spinal|lumbar|sciatica|spasms?|disc|disk|coccyx|tailbone|hips?|legs?"
    r"|buttocks?|bum|bottom|shoulder blades?|ribs?|side|flank|kidneys?)\b"
)

_ANIMAL = rx.compile(
    r"\b(?:my|our|his|her|their) (?:dog|dogs|puppy|pup|cat|cats|kitten|horse|pony|pet|rabbit"
    r"|guinea pig|hamster|ferret|dachshund|labrador|spaniel|greyhound)\b"
)

KINDS = (
    ("decline_animal", _ANIMAL),
    ("decline_personal_dose", _DOSE),
    ("decline_scan_reading", _SCAN),
    ("decline_fit_note", _FIT_NOTE),
    ("decline_diagnosis", _DIAGNOSIS),
)


def normalised(question: str) -> str:
    text = question.lower().replace("\u2019", "'").replace("'", "")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def declined(question: str) -> str | None:
    """The id of the decline item the question calls for, or None to answer it."""
    text = normalised(question)
    for item, pattern in KINDS:
        if pattern.search(text):
            if item == "decline_animal" and writer_complains([text]):
                continue  # "I hurt my back walking the dog" is about the writer
            return item
    if _OTHER_PART.search(text) and not _BACK.search(text):
        return "decline_other_body_part"
    return None
