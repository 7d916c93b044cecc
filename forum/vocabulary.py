"""The fixed choices members and admins pick from: journey roles, cancer types, treatment stages,
languages. Codes are stored; labels are shown. Lists are stored as ``,code,code,`` so that one
``LIKE '%,code,%'`` finds a member or group by any of them."""

from __future__ import annotations

from collections.abc import Iterable

JOURNEY_ROLES: dict[str, str] = {
    "patient": "Living with cancer",
    "survivor": "Survivor",
    "caregiver": "Caregiver, family or friend",
    "bereaved": "Bereaved",
}

CANCER_TYPES: dict[str, str] = {
    "bladder": "Bladder",
    "blood": "Blood (leukaemia, lymphoma, myeloma)",
    "bone": "Bone and soft tissue (sarcoma)",
    "brain": "Brain and spinal cord",
    "breast": "Breast",
    "cervical": "Cervical",
    "childhood": "Childhood cancers",
    "colorectal": "Bowel (colorectal)",
    "head_neck": "Head and neck",
    "kidney": "Kidney",
    "liver": "Liver",
    "lung": "Lung",
    "oesophageal": "Oesophageal and stomach",
    "ovarian": "Ovarian",
    "pancreatic": "Pancreatic",
    "prostate": "Prostate",
    "skin": "Skin (including melanoma)",
    "testicular": "Testicular",
    "thyroid": "Thyroid",
    "uterine": "Womb (uterine)",
    "other": "Another type",
}

TREATMENT_STAGES: dict[str, str] = {
    "waiting": "Waiting for a diagnosis",
    "diagnosed": "Newly diagnosed",
    "treatment": "In treatment",
    "after": "Finished treatment",
    "remission": "In remission",
    "advanced": "Living with advanced cancer",
    "recurrence": "Facing a recurrence",
    "palliative": "Palliative or end-of-life care",
}

LANGUAGES: dict[str, str] = {
    "ar": "Arabic",
    "bg": "Bulgarian",
    "cs": "Czech",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "et": "Estonian",
    "fi": "Finnish",
    "fr": "French",
    "ga": "Irish",
    "hr": "Croatian",
    "hu": "Hungarian",
    "it": "Italian",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "mt": "Maltese",
    "nl": "Dutch",
    "no": "Norwegian",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sk": "Slovak",
    "sl": "Slovenian",
    "sv": "Swedish",
    "tr": "Turkish",
    "uk": "Ukrainian",
}


def pack(codes: Iterable[str], allowed: dict[str, str]) -> str | None:
    """Known codes, sorted and stored as ``,a,b,``; None when there are none."""
    kept = sorted({code for code in codes if code in allowed})
    return f",{','.join(kept)}," if kept else None


def unpack(stored: str | None) -> list[str]:
    return [code for code in (stored or "").split(",") if code]


def labels(stored: str | None, allowed: dict[str, str]) -> list[str]:
    return [allowed[code] for code in unpack(stored) if code in allowed]


def contains(code: str) -> str:
    """The ``LIKE`` pattern that finds ``code`` in a packed list."""
    return f"%,{code},%"
