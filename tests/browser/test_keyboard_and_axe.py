"""The app page with the keyboard alone, heard as a screen reader hears it, and checked by axe-core.

What a control "announces" is read from Chromium's own accessibility tree (over the DevTools protocol): the
role and name a screen reader receives for the element that has the focus, whether a toggle is pressed, and a
slider's ``aria-valuetext`` (the words said for its value). Every expected name is written out here, but the
noise control's, which is made from its spec the way the explorer makes it (label, and the unit when the label
lacks it); every expected summary and step text is computed in the test process from the values the page
shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from browser.apppage import (
    CHANGE_TIMEOUT_MS,
    TIMEOUT_MS,
    assert_no_errors,
    control,
    expected_summary,
    image_source,
    open_app,
    page_values,
    shown_value,
    slider,
    value_box,
)
from browser.appserver import RunningApp
from browser.axe import report, serious_violations
from playwright.sync_api import Browser, Page, expect

from lifteach.explorer import CONTROLS, DEFAULT_CONTROLS, INPUT_KINDS, simulation_arguments
from lifteach.inspector import step_numbers, step_text
from lifteach.simulate import simulate

# What a screen reader calls each slider, and the unit it says after the value: written out, not derived.
EXPLORER_NAMES = {
    "scale": "current (× rheobase)",
    "weight": "spike weight (jump of i) (model units)",
    "rate": "input rate (Hz)",
    "noise": "noise (× rheobase/√ms)",
    "v_th": "threshold v_th (model units)",
    "tau_mem": "τ_mem (ms)",
    "tau_syn": "τ_syn (ms)",
    "refractory": "refractory (ms)",
    "n_neurons": "neurons",
    "duration": "duration (ms)",
}
NAMES = {**EXPLORER_NAMES, "step": "step time (ms)"}
UNITS = {
    "scale": "× rheobase",
    "weight": "model units",
    "rate": "Hz",
    "noise": "× rheobase/√ms",
    "v_th": "model units",
    "tau_mem": "ms",
    "tau_syn": "ms",
    "refractory": "ms",
    "n_neurons": "neurons",
    "duration": "ms",
    "step": "ms",
}

# A toggle (Keep as reference, Step by step) is a button that is pressed or not.
BUTTONS = {"button", "toggleButton", "ToggleButton"}


@dataclass(frozen=True)
class Heard:
    """What a screen reader is told about the focused element, and which control it belongs to."""

    control: str | None
    role: str
    name: str
    value: str
    pressed: str = ""  # a toggle's state, "true" or "false"; empty for anything else


def heard(page: Page) -> Heard:
    """The focused element's role and accessible name as Chromium computes them, and the value it says."""
    session = page.context.new_cdp_session(page)
    try:
        focused = session.send("Runtime.evaluate", {"expression": "document.activeElement"})
        object_id = focused["result"]["objectId"]
        nodes: list[dict[str, Any]] = session.send(
            "Accessibility.getPartialAXTree", {"objectId": object_id, "fetchRelatives": False}
        )["nodes"]
    finally:
        session.detach()
    node = next(node for node in nodes if not node.get("ignored"))

    def text(key: str) -> str:
        # ipywidgets writes option labels with no-break spaces; a screen reader says them as spaces.
        return " ".join(str(node.get(key, {}).get("value", "")).split())

    facts: dict[str, Any] = page.evaluate(
        """() => {
            const element = document.activeElement;
            const box = element.closest("[class*=lifteach-control-]");
            const css = box && [...box.classList].find((c) => c.startsWith("lifteach-control-"));
            return {control: css ? css.slice("lifteach-control-".length) : null,
                    valuetext: element.getAttribute("aria-valuetext")};
        }"""
    )
    # A slider's value is said as its aria-valuetext; Chromium reports that text empty over the DevTools
    # protocol, so it is read from the element that Chromium names.
    value = facts["valuetext"] if text("role") == "slider" else text("value")
    states = {item["name"]: item.get("value", {}).get("value") for item in node.get("properties", [])}
    pressed = "" if states.get("pressed") is None else str(states["pressed"]).lower()
    return Heard(facts["control"], text("role"), text("name"), value or "", pressed)


def said(name: str, shown: str) -> str:
    return f"{shown} {UNITS[name]}"


def wait_for_run(page: Page, old_source: str) -> dict[str, Any]:
    """Wait for a new figure whose summary is that of the values the page shows; returns those values."""
    expect(page.locator(".lifteach-figure")).not_to_have_attribute(
        "src", old_source, timeout=CHANGE_TIMEOUT_MS
    )
    values = page_values(page)
    expect(page.locator(".lifteach-summary")).to_have_text(
        expected_summary(values), timeout=CHANGE_TIMEOUT_MS
    )
    return values


def tab(page: Page, backwards: bool = False) -> Heard:
    page.keyboard.press("Shift+Tab" if backwards else "Tab")
    return heard(page)


def expect_slider(page: Page, name: str) -> Heard:
    """The next Tab stop is control ``name``'s slider, heard with its name and its shown value with the unit."""
    now = tab(page)
    assert (now.control, now.role, now.name) == (name, "slider", NAMES[name]), now
    assert now.value == said(name, shown_value(page, name)), now
    return now


def expect_value_box(page: Page, name: str) -> None:
    """The next Tab stop is the box to type control ``name``'s value in, named after the slider."""
    now = tab(page)
    assert (now.control, now.role) == (name, "textbox"), now
    assert now.name == f"{NAMES[name]}, typed value"
    assert now.value == shown_value(page, name)


def press(page: Page, name: str, key: str) -> dict[str, Any]:
    """Press ``key`` on the focused slider ``name``; the new value is said and the figure follows it."""
    source, before = image_source(page), shown_value(page, name)
    page.keyboard.press(key)
    expect(value_box(page, name)).not_to_have_value(before)
    assert heard(page).value == said(name, shown_value(page, name)), "the new value is said"
    return wait_for_run(page, source)


def type_value(page: Page, name: str, text: str) -> dict[str, Any]:
    """Type ``text`` into the focused value box and press Enter; the figure follows."""
    source = image_source(page)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    return wait_for_run(page, source)


def open_named(page: Page, app: RunningApp, query: str = "") -> list[str]:
    """Open the app and wait until every slider of the explorer can be found by its name."""
    errors = open_app(page, app, query)
    for words in EXPLORER_NAMES.values():
        expect(page.get_by_role("slider", name=words, exact=True)).to_have_count(1, timeout=TIMEOUT_MS)
    return errors


def test_the_whole_app_works_from_the_keyboard_and_says_names_and_units(
    page: Page, app_server: RunningApp
) -> None:
    errors = open_named(page, app_server)
    page.locator("body").focus()

    # The narrative's links, then the input chooser; with spike input, the current and the noise are greyed
    # out: Tab skips them.
    now = tab(page)
    for _ in range(20):
        if now.control is not None:
            break
        assert now.role == "link", f"a stop above the explorer that is not a link: {now}"
        now = tab(page)
    assert now == Heard("input_kind", "combobox", "input", INPUT_KINDS["spikes"])
    expect(slider(page, "scale")).to_be_disabled()
    expect(value_box(page, "noise")).to_be_disabled()

    # Each slider and then its value box; each changed by another kind of key press, or typed.
    expect_slider(page, "weight")
    assert press(page, "weight", "ArrowRight")["weight"] == 1.01
    expect_value_box(page, "weight")
    expect_slider(page, "rate")
    assert press(page, "rate", "End")["rate"] == 500.0
    assert press(page, "rate", "ArrowLeft")["rate"] == 499.0
    expect_value_box(page, "rate")
    assert type_value(page, "rate", "20")["rate"] == 20.0
    expect_slider(page, "v_th")
    assert press(page, "v_th", "ArrowRight")["v_th"] == 0.31
    expect_value_box(page, "v_th")
    expect_slider(page, "tau_mem")
    assert press(page, "tau_mem", "ArrowLeft")["tau_mem"] == 9.5
    expect_value_box(page, "tau_mem")
    expect_slider(page, "tau_syn")
    assert press(page, "tau_syn", "ArrowRight")["tau_syn"] == 5.5
    expect_value_box(page, "tau_syn")
    assert type_value(page, "tau_syn", "7.5")["tau_syn"] == 7.5
    expect_slider(page, "refractory")
    assert press(page, "refractory", "ArrowRight")["refractory"] == 1.0
    expect_value_box(page, "refractory")
    # The neuron count moves on a log scale; it is said as a number of neurons, never as the exponent.
    expect_slider(page, "n_neurons")
    assert heard(page).value == "1000 neurons"
    assert press(page, "n_neurons", "ArrowLeft")["n_neurons"] == 977.0  # 10 ** 2.99
    expect_value_box(page, "n_neurons")
    assert type_value(page, "n_neurons", "200")["n_neurons"] == 200.0
    page.keyboard.press("Shift+Tab")
    assert heard(page).value == "200 neurons"
    page.keyboard.press("Tab")
    expect_slider(page, "duration")
    assert press(page, "duration", "Home")["duration"] == 10
    assert press(page, "duration", "ArrowRight")["duration"] == 20
    expect_value_box(page, "duration")

    # The seed is typed.
    now = tab(page)
    assert (now.control, now.role, now.name, now.value) == ("seed", "spinbutton", "seed", "0")
    assert type_value(page, "seed", "7")["seed"] == 7

    # The figure's words: a disclosure under the figure, reached by Tab, opened by Enter, closed by Space.
    now = tab(page)
    assert (now.role, now.name) == ("DisclosureTriangle", "Describe the figure"), now
    details = page.locator(".lifteach-figure details")
    words = page.locator(".lifteach-figure .lifteach-description-text")
    expect(words).to_be_hidden()
    page.keyboard.press("Enter")
    expect(details).to_have_attribute("open", "")
    expect(words).to_be_visible()
    alt = page.locator(".lifteach-figure img").get_attribute("alt")
    assert alt and words.inner_text().split() == alt.split(), "the disclosure says what the alt text says"
    page.keyboard.press("Space")
    expect(words).to_be_hidden()

    # The buttons, by name alone (their icons are not read out).
    now = tab(page)
    assert (now.role, now.name) == ("button", "Reset")
    source = image_source(page)
    page.keyboard.press("Enter")
    assert wait_for_run(page, source) == {name: CONTROLS[name].default for name in DEFAULT_CONTROLS}
    # Keep as reference is a toggle: it says whether it is pressed, and the figure draws the kept run.
    now = tab(page)
    assert (now.role in BUTTONS, now.name, now.pressed) == (True, "Keep as reference", "false"), now
    toggle = page.get_by_role("button", name="Keep as reference")
    for key, pressed in (("Space", "true"), ("Enter", "false")):
        source = image_source(page)
        page.keyboard.press(key)
        expect(toggle).to_have_attribute("aria-pressed", pressed)
        assert heard(page).pressed == pressed
        wait_for_run(page, source)
    now = tab(page)
    assert (now.role in BUTTONS, now.name) == (True, "Export"), now
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="figure (PNG)", exact=False)).to_be_visible(
        timeout=CHANGE_TIMEOUT_MS
    )

    # Back to the input chooser, on to a constant current: now the current can be changed, the rate cannot.
    for _ in range(40):
        if heard(page).control == "input_kind":
            break
        page.keyboard.press("Shift+Tab")
    source = image_source(page)
    page.keyboard.press("ArrowDown")
    assert wait_for_run(page, source)["input_kind"] == "constant"
    assert heard(page) == Heard("input_kind", "combobox", "input", INPUT_KINDS["constant"])
    expect(slider(page, "rate")).to_be_disabled()
    expect_slider(page, "scale")
    assert press(page, "scale", "ArrowLeft")["scale"] == 4.9
    expect_value_box(page, "scale")

    # Back to the chooser, down to a noisy current (by way of the step current): the noise can be changed.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert heard(page).control == "input_kind"
    for kind in ("step", "noisy"):
        source = image_source(page)
        page.keyboard.press("ArrowDown")
        assert wait_for_run(page, source)["input_kind"] == kind
    assert heard(page) == Heard("input_kind", "combobox", "input", INPUT_KINDS["noisy"])
    expect_slider(page, "scale")
    expect_value_box(page, "scale")
    expect_slider(page, "noise")
    assert press(page, "noise", "ArrowRight")["noise"] == round(CONTROLS["noise"].default + 0.1, 2)
    expect_value_box(page, "noise")
    assert type_value(page, "noise", "1.5")["noise"] == 1.5
    for name in (
        "v_th",
        "tau_mem",
        "tau_syn",
        "refractory",
        "n_neurons",
        "duration",
    ):  # weight, rate, noise: skipped
        expect_slider(page, name)
        expect_value_box(page, name)
    assert tab(page).control == "seed"
    assert tab(page).name == "Describe the figure"
    for expected in ("Reset", "Keep as reference", "Export", "Step by step"):
        now = tab(page)
        assert (now.role in BUTTONS, now.name) == (True, expected), now

    # The step by step view opens from the keyboard; its step slider and neuron chooser come next.
    page.keyboard.press("Space")
    text = page.get_by_role("status", name="the step written out")
    expect(text).to_be_visible(timeout=CHANGE_TIMEOUT_MS)
    values = page_values(page)
    result = simulate(**simulation_arguments(values, record=("v", "i")))
    expect_slider(page, "step")
    start = round(float(shown_value(page, "step")))
    expect(text).to_have_text(step_text(step_numbers(result, 0, start)), timeout=CHANGE_TIMEOUT_MS)
    for key, step in (("ArrowRight", start + 1), ("Home", 0), ("End", result.n_steps - 1)):
        page.keyboard.press(key)
        expect(value_box(page, "step")).to_have_value(f"{step}")
        assert heard(page).value == f"{step} ms"
        expect(text).to_have_text(step_text(step_numbers(result, 0, step)), timeout=CHANGE_TIMEOUT_MS)
    expect_value_box(page, "step")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("12")
    page.keyboard.press("Enter")
    expect(text).to_have_text(step_text(step_numbers(result, 0, 12)), timeout=CHANGE_TIMEOUT_MS)
    now = tab(page)
    assert (now.control, now.role, now.name, now.value) == ("neuron", "combobox", "neuron", "neuron 0")
    page.keyboard.press("ArrowDown")
    expect(text).to_have_text(step_text(step_numbers(result, 1, 12)), timeout=CHANGE_TIMEOUT_MS)
    # Previous, Play and Next, each pressed by a key.
    now = tab(page)
    assert (now.role, now.name) == ("button", "Previous"), now
    page.keyboard.press("Enter")
    expect(value_box(page, "step")).to_have_value("11")
    expect(text).to_have_text(step_text(step_numbers(result, 1, 11)), timeout=CHANGE_TIMEOUT_MS)
    now = tab(page)
    assert (now.role, now.name) == ("button", "Play"), now
    page.keyboard.press("Space")
    assert heard(page).name == "Pause", "playing, the button says what pressing it does next"
    page.wait_for_function(
        "box => Number(box.value) >= 13",
        arg=value_box(page, "step").element_handle(),
        timeout=CHANGE_TIMEOUT_MS,
    )
    page.keyboard.press("Space")
    assert heard(page).name == "Play"
    # Paused: the text catches up with the step shown and Next moves one step on from there.
    paused = int(shown_value(page, "step"))
    expect(text).to_have_text(step_text(step_numbers(result, 1, paused)), timeout=CHANGE_TIMEOUT_MS)
    now = tab(page)
    assert (now.role, now.name) == ("button", "Next"), now
    page.keyboard.press("Enter")
    expect(value_box(page, "step")).to_have_value(f"{paused + 1}")
    expect(text).to_have_text(step_text(step_numbers(result, 1, paused + 1)), timeout=CHANGE_TIMEOUT_MS)
    assert_no_errors(page, errors)


def test_axe_finds_no_serious_violation_on_the_app_page_before_and_after_changes(
    page: Page, app_server: RunningApp
) -> None:
    errors = open_named(page, app_server, "?v_th=abc")  # with the notice about a bad value in the address
    expect(page.locator(".lifteach-query-notice")).to_be_visible()
    found = serious_violations(page)
    assert not found, report(found, "the app page")

    # After a change by key, with another input kind (other controls greyed out) and the step by step view.
    source = image_source(page)
    slider(page, "v_th").focus()
    page.keyboard.press("ArrowRight")
    wait_for_run(page, source)
    control(page, "input_kind").locator("select").select_option(label=INPUT_KINDS["noisy"])
    expect(slider(page, "rate")).to_be_disabled()
    page.get_by_role("button", name="Step by step").click()
    expect(page.locator(".lifteach-inspector-text")).to_be_visible(timeout=CHANGE_TIMEOUT_MS)
    expect(page.get_by_role("slider", name="step time (ms)", exact=True)).to_have_count(1)
    found = serious_violations(page)
    assert not found, report(found, "the app page after changes")
    assert_no_errors(page, errors)


LOADS = 10


def test_every_control_is_named_on_every_load(browser: Browser, app_server: RunningApp) -> None:
    """The names come from each slider's own view, so no load may lose them (the old design lost them in
    about one Voila load in five)."""
    named = 0
    for load in range(LOADS):
        context = browser.new_context(viewport={"width": 1280, "height": 1500})
        page = context.new_page()
        try:
            errors = open_app(page, app_server)
            for name, words in EXPLORER_NAMES.items():
                found = page.get_by_role("slider", name=words, exact=True)
                expect(found).to_have_count(1)
                expect(found).to_have_attribute("aria-valuetext", said(name, shown_value(page, name)))
                expect(page.get_by_role("textbox", name=f"{words}, typed value", exact=True)).to_have_count(1)
            expect(page.get_by_role("combobox", name="input", exact=True)).to_have_count(1)
            expect(page.get_by_role("spinbutton", name="seed", exact=True)).to_have_count(1)
            assert_no_errors(page, errors)
            named += 1
        finally:
            context.close()
        print(f"load {load + 1}: every control named")
    print(f"every control named on {named} of {LOADS} loads")
    assert named == LOADS
