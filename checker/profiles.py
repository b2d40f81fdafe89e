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
    },
    "ua-strict": {
        Category.CONCEDES: Severity.ERROR,
        Category.DISPUTES: Severity.ERROR,
        Category.STYLE: Severity.WARNING,
        Category.INPUT: Severity.ERROR,
    },
}


def severity_for(profile: str, category: Category) -> Severity:
    """The severity a profile gives to a category of finding."""
    return _PROFILE_TABLE[profile][category]
