"""Whose back pain is it? A carer writing about a parent or child describes the patient.

CLINICAL.md: "my dad, 78, fell off a ladder and his back hurts" is about the patient, so its
findings count; "someone else" applies only to another person mentioned beside the writer's
own complaint ("my father had cancer, but I'm fine apart from a back spasm").

Works on normalised sentences (lower case, no apostrophes, commas as their own token).
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

from backcare import rx

# A person the text may be about: a relative or someone in the writer's care, or he/she.
# "my little one", "our youngest", "my mate at work" and a kin word opening a clause without
# "my" ("wife is 8 months pregnant") name another person too.
_KIN = (
    r"mum|mom|mother|mam|mummy|mommy|dad|father|daddy|papa|pa|ma|brother|sister|son|daughter"
    r"|kid|child|children|boy|girl|baby|toddler|teen|teenager|wife|husband|hubby|partner|spouse"
    r"|fiance|fiancee|aunt|auntie|uncle|gran|granny|grandma|nan|nanna|nana|grandmother|grandad"
    r"|granddad|grandpa|grandfather|grandson|granddaughter|parents?|patient|client|resident"
    r"|friend|flatmate|roommate|neighbou?r|boyfriend|girlfriend|other half|mate|pal|colleague"
    r"|coworker|workmate|lad|lass|little one|youngest|eldest|oldest|middle one"
    r"|(?:mother|father|brother|sister|son|daughter) in law|in laws"
)
_PRONOUNS = r"he|she|hes|shes|him|her|his"
PERSON = rx.compile(
    rf"\b(?:my|our) (?:little |baby |eldest |youngest |oldest |older |younger |big |best )?"
    rf"(?:{_KIN})s?\b"
    rf"|(?:^|(?<=, )|(?<=and )|(?<=but ))(?:the )?(?:wife|hubby|husband|missus|mrs|other half"
    rf"|mum|mom|dad|nan|gran|grandad|grandma|son|daughter|mate|pal|buddy|friend|partner"
    rf"|brother|sister|boss)"
    # "mums on chemo": the apostrophe of "mum's" is gone, and its s is the verb
    rf"(?:s\b(?! (?:and|or|,)\b)|\b(?= (?:, )?(?:\d{{1,3}} (?:, )?)?(?:is|was|has|had|hasnt|got"
    rf"|keeps|says|said|cant|couldnt|fell|went|collapsed|blacked|fainted|slipped|tripped|hurt|hurts"
    rf"|pulled|did|bent|lifted|twisted|woke|feels|felt|seems|keeps|came|come|crashed|come off"
    rf"|ended up|broke)\b))"
    # a grandparent needs no "my": "nan has fallen", "grandad passed away"
    r"|\b(?:grandad|granddad|grandpa|grandma|granny|gran|nan|nanna|nana)\b"
    rf"|\b(?:{_PRONOUNS})\b"
)
FIRST_PERSON = rx.compile(r"\b(?:i|im|ive|id|ill|me|myself|mine|mines)\b")
MY_BODY = rx.compile(
    r"\bmy (?:own )?(?:lower |upper |low |middle |mid |bad )?(?:back|spine|neck|legs?|bum"
    r"|bottom|butt|side|hips?|shoulders?|body|spasms?|pain|sciatica|disc)s?\b"  # "my backs sore"
)
COMPLAINT = rx.compile(
    r"\b(?:back|spine|pain\w*|spasm\w*|hurt\w*|sore|ache\w*|aching|agony|numb\w*|stiff\w*"
    r"|injur\w*|pulled|sciatica|twinge\w*|seized|cramp\w*|fell|fallen|slipped|tweaked|put out"
    r"|threw out|backache\w*|backpain|blacked out|passed out|collaps\w*|faint\w*|confused"
    r"|keeled over|weak\w*|tingl\w*|incontinen\w*|wetting|soiling|cant walk|cant feel)\b"
)
# What makes another person's text a carer's, on top of COMPLAINT: "my mum has had a fall and
# can't get up". Only for that: a writer saying "I need advice after a fall" is not complaining
# of one.
CARER_COMPLAINT = rx.compile(
    r"\b(?:fall|falls|had a tumble|cant get up|cant move|cant stand|stuck|unwell|poorly"
    r"|breathless|unconscious|unresponsive|fever\w*|temperature|temp|vomit\w*|bleeding"
    # any warning sign said of that person: "my wife's face is drooping"
    r"|droop\w*|slurr\w*|confus\w*|dizz\w*|faint\w*|chest|breath\w*|blood|clammy|sweat\w*"
    r"|shiver\w*|pale|grey|gray|leak\w*|wet|bladder|bowels?|swollen|seiz\w*|drowsy|sleepy)\b"
)
_BARE_BACK = rx.compile(
    r"(?:lower |upper |low |middle |mid )?(?:back|backs|spine|backache)"
    r" (?:is |s |has |feels |been |gone |went |really |so |still |absolutely |totally )*"
    r"(?:sore|aching|achy|stiff|killing|wrecked|agony|painful|hurting|tight|bad|screaming|locked)\b"
)
_CLAUSE = rx.compile(r" , | but | and then | because | so ")


def clauses(sentence_texts: Iterable[str]) -> list[str]:
    return [c for s in sentence_texts for c in _CLAUSE.split(s) if c.strip()]


def writer_complains(sentence_texts: Iterable[str]) -> bool:
    """True when the writer describes a complaint of their own ("my back", "I hurt it")."""
    texts = list(sentence_texts)
    for before, here in pairwise(texts):
        # "I leak when I sneeze. Backs sore from painting": a sentence with no subject goes on
        # from the last person of the sentence before, here the writer
        if _BARE_BACK.match(here) and not PERSON.search(here) and _writer_last(before):
            return True
    for clause in clauses(texts):
        if MY_BODY.search(clause):
            return True
        for complaint in COMPLAINT.finditer(clause):
            # Whose complaint: the nearest person word before it ("mine's stiff from helping
            # him" is the writer's; "worried about my dad, his back hurts" is not).
            if _writer_last(clause[: complaint.start()]):
                return True
    return False


def _writer_last(text: str) -> bool:
    """Whether the last person named in `text` is the writer (I, me) rather than another."""
    mine = [m.start() for m in FIRST_PERSON.finditer(text)]
    theirs = [m.start() for m in PERSON.finditer(text)]
    return bool(mine) and (not theirs or max(mine) > max(theirs))


# A person who has died is never the patient: "my dad died of a burst aneurysm, so any back
# pain spooks me" is the writer's worry.
_DIED = rx.compile(
    r"^ ?(?:, )?(?:who |whos |has |had |sadly |just |recently |suddenly )*(?:died|passed away"
    r"|passed on|is dead|was dead|lost (?:his|her) (?:life|battle|fight)|was killed|got killed"
    r"|succumbed)\b"
)
_PRONOUN = rx.compile(rf"(?:{_PRONOUNS})")


def about_someone_else(sentence_texts: list[str]) -> bool:
    """True when the text describes another person's back problem and none of the writer's:
    that person is then the patient, and their findings count."""
    if writer_complains(sentence_texts):
        return False
    whole = " ".join(sentence_texts)
    if not (COMPLAINT.search(whole) or CARER_COMPLAINT.search(whole)):
        return False
    people = [m for m in PERSON.finditer(whole) if not _PRONOUN.fullmatch(m.group(0))]
    alive = [m for m in people if not _DIED.search(whole[m.end() :])]
    if people and not alive:
        return False  # everyone named has died: the text is the writer's
    return bool(PERSON.search(whole))
