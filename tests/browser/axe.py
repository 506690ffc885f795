"""Accessibility checks with axe-core in a Playwright page, offline, for any browser test.

axe-playwright-python ships axe-core (``axe.min.js``) inside the wheel, so nothing is downloaded at run time.
Usage::

    from axe import assert_accessible, serious_violations

    assert_accessible(page)                      # fails with a readable list of what is wrong
    problems = serious_violations(page, context="#main-content")
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

SERIOUS = ("critical", "serious")
_AXE = Axe()


@dataclass(frozen=True)
class Violation:
    """One axe rule broken on a page, with the elements that break it."""

    rule: str
    impact: str
    help: str
    help_url: str
    targets: tuple[str, ...]
    snippets: tuple[str, ...]
    messages: tuple[str, ...]

    def __str__(self) -> str:
        lines = [f"[{self.impact}] {self.rule}: {self.help} ({self.help_url})"]
        for target, snippet, message in zip(self.targets, self.snippets, self.messages, strict=True):
            lines.append(f"    {target}: {snippet[:160]}")
            if message:
                lines.append(f"      {message}")
        return "\n".join(lines)


def _violation(raw: dict[str, Any]) -> Violation:
    nodes = raw.get("nodes", [])

    def message(node: dict[str, Any]) -> str:
        checks = [*node.get("any", []), *node.get("all", []), *node.get("none", [])]
        return "; ".join(str(check.get("message", "")) for check in checks if check.get("message"))

    return Violation(
        rule=str(raw["id"]),
        impact=str(raw.get("impact")),
        help=str(raw.get("help", "")),
        help_url=str(raw.get("helpUrl", "")),
        targets=tuple(" ".join(map(str, node.get("target", []))) for node in nodes),
        snippets=tuple(" ".join(str(node.get("html", "")).split()) for node in nodes),
        messages=tuple(message(node) for node in nodes),
    )


def violations(page: Page, context: str | None = None, impacts: Sequence[str] = SERIOUS) -> list[Violation]:
    """The axe violations of ``impacts`` on the page as it is now (or inside the CSS selector ``context``)."""
    results = _AXE.run(page, context=context, options={"resultTypes": ["violations"]})
    return [_violation(raw) for raw in results.response["violations"] if raw.get("impact") in impacts]


def serious_violations(page: Page, context: str | None = None) -> list[Violation]:
    """The critical and serious axe violations on the page."""
    return violations(page, context, SERIOUS)


def report(found: Sequence[Violation], where: str = "") -> str:
    heading = f"{len(found)} critical or serious accessibility violation(s)" + (
        f" on {where}" if where else ""
    )
    return "\n".join([heading + ":", *map(str, found)])


def assert_accessible(page: Page, context: str | None = None) -> None:
    """Fail if axe finds a critical or serious violation; the message lists rules, elements and fixes."""
    found = serious_violations(page, context)
    assert not found, report(found, page.url)
