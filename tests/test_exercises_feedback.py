"""A check's verdict, as text and as HTML: said in words, announced to screen readers, legible (WCAG AA)."""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

import pytest

from lifteach import exercises
from lifteach.exercises import Feedback
from lifteach.exercises._feedback import PALETTE

# One feedback of each verdict, each with Markdown code spans in its message.
EXAMPLES = {
    "Correct": exercises.check_states_shape((1000, 1)),
    "Not yet": exercises.check_states_shape((1, 1000)),
    "Hint": exercises.check_states_shape(...),
}


class Elements(HTMLParser):
    """Every start tag of a piece of HTML with its attributes, and the text, in document order."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text = ""
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text += data


def luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of an sRGB colour ``#rrggbb``."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """WCAG 2.1 contrast ratio of two colours, from 1 (equal) to 21 (black on white)."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def style(attributes: dict[str, str | None]) -> dict[str, str]:
    declarations = (attributes.get("style") or "").split(";")
    return dict(
        (key.strip(), value.strip())
        for key, _, value in (part.partition(":") for part in declarations)
        if value
    )


def test_the_contrast_formula_matches_known_values() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic grey that just fails
    assert contrast("#123456", "#123456") == pytest.approx(1.0)


@pytest.mark.parametrize("verdict", list(EXAMPLES))
def test_every_coloured_element_meets_wcag_aa_text_contrast(verdict: str) -> None:
    feedback = EXAMPLES[verdict]
    assert feedback.verdict == verdict
    elements = Elements(feedback._repr_html_()).tags
    coloured = [style(attributes) for _, attributes in elements if "color" in style(attributes)]
    assert len(coloured) >= 2, "the box and its code spans set their own colours"
    for declarations in coloured:
        # Every element that sets a text colour sets its background too, so a theme cannot undercut it.
        ratio = contrast(declarations["color"], declarations["background-color"])
        assert ratio >= 4.5, f"{verdict}: {declarations} has contrast {ratio:.2f}, below WCAG AA's 4.5:1"


@pytest.mark.parametrize("verdict", list(PALETTE))
def test_the_stripe_stands_out_from_the_box(verdict: str) -> None:
    # WCAG 1.4.11: a graphical object needs 3:1 against what is next to it.
    palette = PALETTE[verdict]
    assert contrast(palette.stripe, palette.background) >= 3.0


@pytest.mark.parametrize("verdict", list(EXAMPLES))
def test_the_verdict_is_said_in_words_and_announced(verdict: str) -> None:
    feedback = EXAMPLES[verdict]
    markup = feedback._repr_html_()
    page = Elements(markup)
    tag, attributes = page.tags[0]
    assert (tag, attributes.get("role")) == ("div", "status")
    assert attributes.get("data-exercise") == "states_shape"
    # The text a screen reader reads: the verdict, then the message (its code spans without the backticks).
    assert page.text == f"{verdict}: {feedback.message.replace('`', '')}"
    assert str(feedback).startswith(f"{verdict} (states_shape): ")
    # Emoji and other pictographs (Unicode category So) render as empty boxes without an emoji font.
    for shown in (markup, str(feedback)):
        assert not [char for char in shown if unicodedata.category(char) == "So"], shown


def test_code_spans_become_code_and_markup_is_escaped() -> None:
    feedback = Feedback("demo", False, "Use `a < b` & <b>not</b> this.")
    markup = feedback._repr_html_()
    assert re.search(r"<code [^>]*>a &lt; b</code>", markup)
    assert "&amp; &lt;b&gt;not&lt;/b&gt;" in markup
    assert "<b>" not in markup


def test_verdicts_follow_correct_and_judged() -> None:
    assert Feedback("demo", True, "").verdict == "Correct"
    assert Feedback("demo", False, "").verdict == "Not yet"
    assert Feedback("demo", False, "", judged=False).verdict == "Hint"
    with pytest.raises(ValueError, match=r"'demo'.*correct=True needs judged=True"):
        Feedback("demo", True, "", judged=False)


@pytest.mark.parametrize(
    ("feedback", "verdict"),
    [
        (exercises.check_rheobase("0.2"), "Hint"),
        (exercises.check_rheobase(None), "Hint"),
        (exercises.check_rate_function(lambda x: 1 / 0), "Hint"),
        (exercises.check_cv(0.5, [0.01, -0.02, 0.03]), "Hint"),
        (exercises.check_rheobase(1.0), "Not yet"),
        (exercises.check_rheobase(0.7), "Not yet"),
        (exercises.check_rheobase(0.2), "Correct"),
    ],
)
def test_unreadable_answers_get_a_hint_and_wrong_ones_not_yet(feedback: Feedback, verdict: str) -> None:
    assert feedback.verdict == verdict, feedback
