"""The rule registry: every rule's stable code, dotted name, category and documentation.

Codes are a public contract (baselines, suppressions and SARIF ``ruleId`` use them): never
renumber one; retire a code by leaving it documented as retired. A rule's docstring is its
documentation: ``mapcheck rules`` lists the first line and ``mapcheck explain CODE`` prints it all,
including its bad and good examples.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from checker.model import POLICY_CRIMEA, Category, RawFinding

#: Modules that define rules; imported on demand so that start-up stays light.
RULE_MODULES = (
    "checker.rules.geometry",
    "checker.rules.inputs",
    "checker.rules.text",
    "checker.rules.data",
    "checker.rules.image",
)

RuleFunc = Callable[[Any], Iterable[RawFinding]]


@dataclass(frozen=True)
class Rule:
    """A registered rule. ``check`` is ``None`` for rules raised by the engine (ME9xx)."""

    code: str
    name: str
    category: Category
    applies_to: str
    policy: str
    doc: str
    check: RuleFunc | None

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0] if self.doc.strip() else self.name


_RULES: dict[str, Rule] = {}


def register(
    code: str,
    name: str,
    category: Category,
    applies_to: str,
    policy: str = POLICY_CRIMEA,
) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule function under a stable ``code`` and dotted ``name``."""

    def deco(func: RuleFunc) -> RuleFunc:
        if code in _RULES:
            msg = f"rule code {code} registered twice"
            raise RuntimeError(msg)
        doc = inspect.cleandoc(func.__doc__ or "")
        _RULES[code] = Rule(code, name, category, applies_to, policy, doc, func)
        global _LOADED  # noqa: PLW0603
        _LOADED = None  # a rule registered late (tests) invalidates the cache
        return func

    return deco


def declare(code: str, name: str, category: Category, applies_to: str, doc: str) -> None:
    """Declare a rule the engine raises itself (no check function)."""
    if code in _RULES:
        msg = f"rule code {code} registered twice"
        raise RuntimeError(msg)
    _RULES[code] = Rule(code, name, category, applies_to, "", inspect.cleandoc(doc), None)
    global _LOADED  # noqa: PLW0603
    _LOADED = None


_LOADED: dict[str, Rule] | None = None


def all_rules() -> dict[str, Rule]:
    """Every rule, by code, in code order (rule modules are imported once per process)."""
    global _LOADED  # noqa: PLW0603 - a load-once cache, like the rule table itself
    # The length check also notices a rule removed by a test's clean-up.
    if _LOADED is None or len(_LOADED) != len(_RULES):
        for module in RULE_MODULES:
            if importlib.util.find_spec(module) is not None:  # families land one by one
                importlib.import_module(module)
        _LOADED = dict(sorted(_RULES.items()))
    return _LOADED


def get_rule(code: str) -> Rule:
    """A rule by code (case-insensitive) or dotted name; ``KeyError`` if unknown."""
    rules = all_rules()
    wanted = code.strip()
    if wanted.upper() in rules:
        return rules[wanted.upper()]
    for rule in rules.values():
        if rule.name == wanted:
            return rule
    raise KeyError(code)


def rules_for(kind: str) -> list[Rule]:
    """Rules that check evidence of a given kind (``"vector"`` …)."""
    return [r for r in all_rules().values() if r.applies_to == kind and r.check is not None]
