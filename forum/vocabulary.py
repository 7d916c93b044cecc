"""The fixed choices members and admins pick from: journey roles, cancer types, treatment stages,
languages. Codes are stored; labels are shown. Lists are stored as ``,code,code,`` so that one
``LIKE '%,code,%'`` finds a member or group by any of them."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

from flask_babel import LazyString

from forum.i18n import lazy_gettext as _l

JOURNEY_ROLES: dict[str, LazyString] = {
    "patient": _l("Living with cancer"),
    "survivor": _l("Survivor"),
    "caregiver": _l("Caregiver, family or friend"),
    "bereaved": _l("Bereaved"),
}

CANCER_TYPES: dict[str, LazyString] = {
    "bladder": _l("Bladder"),
    "blood": _l("Blood (leukaemia, lymphoma, myeloma)"),
    "bone": _l("Bone and soft tissue (sarcoma)"),
    "brain": _l("Brain and spinal cord"),
    "breast": _l("Breast"),
    "cervical": _l("Cervical"),
    "childhood": _l("Childhood cancers"),
    "colorectal": _l("Bowel (colorectal)"),
    "head_neck": _l("Head and neck"),
    "kidney": _l("Kidney"),
    "liver": _l("Liver"),
    "lung": _l("Lung"),
    "oesophageal": _l("Oesophageal and stomach"),
    "ovarian": _l("Ovarian"),
    "pancreatic": _l("Pancreatic"),
    "prostate": _l("Prostate"),
    "skin": _l("Skin (including melanoma)"),
    "testicular": _l("Testicular"),
    "thyroid": _l("Thyroid"),
    "uterine": _l("Womb (uterine)"),
    "other": _l("Another type"),
}

TREATMENT_STAGES: dict[str, LazyString] = {
    "waiting": _l("Waiting for a diagnosis"),
    "diagnosed": _l("Newly diagnosed"),
    "treatment": _l("In treatment"),
    "after": _l("Finished treatment"),
    "remission": _l("In remission"),
    "advanced": _l("Living with advanced cancer"),
    "recurrence": _l("Facing a recurrence"),
    "palliative": _l("Palliative or end-of-life care"),
}

LANGUAGES: dict[str, LazyString] = {
    "ar": _l("Arabic"),
    "bg": _l("Bulgarian"),
    "cs": _l("Czech"),
    "da": _l("Danish"),
    "de": _l("German"),
    "el": _l("Greek"),
    "en": _l("English"),
    "es": _l("Spanish"),
    "et": _l("Estonian"),
    "fi": _l("Finnish"),
    "fr": _l("French"),
    "ga": _l("Irish"),
    "hr": _l("Croatian"),
    "hu": _l("Hungarian"),
    "it": _l("Italian"),
    "lt": _l("Lithuanian"),
    "lv": _l("Latvian"),
    "mt": _l("Maltese"),
    "nl": _l("Dutch"),
    "no": _l("Norwegian"),
    "pl": _l("Polish"),
    "pt": _l("Portuguese"),
    "ro": _l("Romanian"),
    "ru": _l("Russian"),
    "sk": _l("Slovak"),
    "sl": _l("Slovenian"),
    "sv": _l("Swedish"),
    "tr": _l("Turkish"),
    "uk": _l("Ukrainian"),
}


def pack(codes: Iterable[str], allowed: Mapping[str, object]) -> str | None:
    """Known codes, sorted and stored as ``,a,b,``; None when there are none."""
    kept = sorted({code for code in codes if code in allowed})
    return f",{','.join(kept)}," if kept else None


def unpack(stored: str | None) -> list[str]:
    return [code for code in (stored or "").split(",") if code]


def labels(stored: str | None, allowed: Mapping[str, object]) -> list[str]:
    """The labels of the stored codes, in the page's language."""
    return [str(allowed[code]) for code in unpack(stored) if code in allowed]


def by_label(labels: Mapping[str, object]) -> list[tuple[str, str]]:
    """(code, label) pairs sorted by the label as the page's language writes it (accents aside)."""
    pairs = [(code, str(label)) for code, label in labels.items()]
    return sorted(pairs, key=lambda pair: sort_key(pair[1]))


def sort_key(text: str) -> str:
    """Sorts "Österreich" with the O's rather than after Z."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def contains(code: str) -> str:
    """The ``LIKE`` pattern that finds ``code`` in a packed list."""
    return f"%,{code},%"
