"""Policy profiles: how a rule's category becomes a severity (DESIGN §3).

``un`` follows UN General Assembly resolutions 68/262 and ES-11/4 and EU non-recognition policy:
showing the areas as Russian is an error, neutral "disputed" treatments are warnings, and Russian
transliterations are information. ``ua-strict`` follows Ukrainian MFA usage: "disputed"
treatments are errors too, and style issues are warnings.
"""

from __future__ import annotations

from checker.model import Category, Severity

_PROFILE_TABLE: dict[str, dict[Category, Severity]] = {
    "un": {
        Category.CONCEDES: Severity.ERROR,
        Category.DISPUTES: Severity.WARNING,
        Category.STYLE: Severity.INFO,
        Category.INPUT: Severity.ERROR,
        Category.REPORTAGE: Severity.INFO,
        Category.HYGIENE: Severity.WARNING,
    },
    "ua-strict": {
        Category.CONCEDES: Severity.ERROR,
        Category.DISPUTES: Severity.ERROR,
        Category.STYLE: Severity.WARNING,
        Category.INPUT: Severity.ERROR,
        Category.REPORTAGE: Severity.INFO,
        Category.HYGIENE: Severity.WARNING,
    },
}

#: Per-rule exceptions to the category table; ``None`` means the profile does not report the
#: rule at all (e.g. AP-style datelines "SEVASTOPOL, Crimea" are fine under ``un``).
_CODE_OVERRIDES: dict[str, dict[str, Severity | None]] = {
    # MT309: AP-style datelines ("SEVASTOPOL, Crimea") are newsroom practice, fine under un;
    # Ukrainian MFA usage adds the country, so ua-strict reports them as information.
    # MD409: a reference to a map file that draws Crimea in Russia: the code may correct it
    # after loading, so a warning in both profiles.
    "un": {"MT309": None, "MD409": Severity.WARNING},
    # MD404: a Russian-issued phone number can be factual contact data (LEXICON: "W (contact
    # data can be factual)"; a number quoted in a human-rights report is evidence): a warning
    # in ua-strict too.
    "ua-strict": {"MD404": Severity.WARNING, "MT309": Severity.INFO, "MD409": Severity.WARNING},
}


def severity_for(profile: str, category: Category, code: str | None = None) -> Severity | None:
    """The severity a profile gives to a rule (by its category, unless the rule is an exception);
    ``None`` when the profile does not report it."""
    overrides = _CODE_OVERRIDES[profile]
    if code is not None and code in overrides:
        return overrides[code]
    return _PROFILE_TABLE[profile][category]
