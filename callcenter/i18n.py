"""The translation layer: every text a person sees goes through :func:`translate`.

Catalogues are keyed by stable message codes (the ``code`` of core exceptions and UI
strings). English is the fallback; Simplified Chinese ships with the product.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from callcenter.i18n_en import TEXTS_EN
from callcenter.i18n_en_admin import TEXTS_EN_ADMIN
from callcenter.i18n_en_chat import TEXTS_EN_CHAT
from callcenter.i18n_en_chatweb import TEXTS_EN_CHATWEB
from callcenter.i18n_en_chstats import TEXTS_EN_CHSTATS
from callcenter.i18n_en_demo import TEXTS_EN_DEMO
from callcenter.i18n_en_email import TEXTS_EN_EMAIL
from callcenter.i18n_en_fax import TEXTS_EN_FAX
from callcenter.i18n_en_recordings import TEXTS_EN_RECORDINGS
from callcenter.i18n_en_voicemail import TEXTS_EN_VOICEMAIL
from callcenter.i18n_errors import ERROR_CATALOGUES, PARAM_NAMES
from callcenter.i18n_zh_cn import TEXTS_ZH_CN
from callcenter.i18n_zh_cn_admin import TEXTS_ZH_CN_ADMIN
from callcenter.i18n_zh_cn_chat import TEXTS_ZH_CN_CHAT
from callcenter.i18n_zh_cn_chatweb import TEXTS_ZH_CN_CHATWEB
from callcenter.i18n_zh_cn_chstats import TEXTS_ZH_CN_CHSTATS
from callcenter.i18n_zh_cn_demo import TEXTS_ZH_CN_DEMO
from callcenter.i18n_zh_cn_email import TEXTS_ZH_CN_EMAIL
from callcenter.i18n_zh_cn_fax import TEXTS_ZH_CN_FAX
from callcenter.i18n_zh_cn_recordings import TEXTS_ZH_CN_RECORDINGS
from callcenter.i18n_zh_cn_voicemail import TEXTS_ZH_CN_VOICEMAIL

SUPPORTED_LANGUAGES: Final = ("en", "zh_CN")

_CATALOGUES: Final[Mapping[str, Mapping[str, str]]] = {
    "en": TEXTS_EN
    | TEXTS_EN_ADMIN
    | TEXTS_EN_CHAT
    | TEXTS_EN_CHATWEB
    | TEXTS_EN_EMAIL
    | TEXTS_EN_VOICEMAIL
    | TEXTS_EN_FAX
    | TEXTS_EN_CHSTATS
    | TEXTS_EN_DEMO
    | TEXTS_EN_RECORDINGS,
    "zh_CN": TEXTS_ZH_CN
    | TEXTS_ZH_CN_ADMIN
    | TEXTS_ZH_CN_CHAT
    | TEXTS_ZH_CN_CHATWEB
    | TEXTS_ZH_CN_EMAIL
    | TEXTS_ZH_CN_VOICEMAIL
    | TEXTS_ZH_CN_FAX
    | TEXTS_ZH_CN_CHSTATS
    | TEXTS_ZH_CN_DEMO
    | TEXTS_ZH_CN_RECORDINGS,
}


def translate(code: str, language: str = "en", **params: object) -> str:
    """Text for ``code`` in ``language`` (falls back to English, then to the code itself)."""
    catalogue = _CATALOGUES.get(language, _CATALOGUES["en"])
    errors = ERROR_CATALOGUES.get(language, ERROR_CATALOGUES["en"])
    template = (
        catalogue.get(code)
        or errors.get(code)
        or _CATALOGUES["en"].get(code)
        or ERROR_CATALOGUES["en"].get(code)
        or code
    )
    try:
        return template.format(**_named(code, language, params))
    except (KeyError, IndexError):
        return template


def _named(code: str, language: str, params: Mapping[str, object]) -> Mapping[str, object]:
    """``params`` with the state and action names of ``code`` (see ``PARAM_NAMES``) translated."""
    names = PARAM_NAMES.get(code)
    if not names:
        return params
    named = dict(params)
    for param, prefix in names.items():
        key = prefix + str(params.get(param, "")).replace(" ", "_").replace("-", "_")
        if key in ERROR_CATALOGUES["en"]:
            named[param] = translate(key, language)
    return named


def missing_translations() -> dict[str, set[str]]:
    """Codes present in English but absent from another catalogue (a test keeps this empty)."""
    missing: dict[str, set[str]] = {}
    for catalogues in (_CATALOGUES, ERROR_CATALOGUES):
        english = set(catalogues["en"])
        for lang, cat in catalogues.items():
            if english - set(cat):
                missing.setdefault(lang, set()).update(english - set(cat))
    return missing


def catalogue(language: str, prefix: str) -> dict[str, str]:
    """Every text whose code starts with ``prefix`` in ``language`` (English where missing)."""
    english = {k: v for k, v in _CATALOGUES["en"].items() if k.startswith(prefix)}
    own = _CATALOGUES.get(language, {})
    return {k: own.get(k, v) for k, v in english.items()}
