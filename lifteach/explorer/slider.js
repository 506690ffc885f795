// The front end of lifteach.explorer.slider.Slider: a native range input with its own label and a typed value.
//
// Every name and value a screen reader needs is written by this view, into elements this view made, whenever
// the model changes: nothing outside it can re-create them and lose the attributes (ipywidgets' own slider
// re-creates noUiSlider's handle, which carries no name).

function shown(model, value) {
  // The number people read: for a log scale the value itself (1000 neurons), never its exponent.
  return Number(value).toFixed(model.get("decimals"));
}

function position(model, value) {
  // Where `value` sits on the range input: its exponent on a log scale.
  return model.get("scale") === "log" ? Math.log10(value) : value;
}

function fromPosition(model, at) {
  const value = model.get("scale") === "log" ? 10 ** at : at;
  // A position is a float sum of steps (0.1 + 0.2); round it to the digits shown, as the value box reads it.
  return model.get("scale") === "log" ? value : Number(value.toFixed(Math.max(model.get("decimals"), 6)));
}

function render({ model, el }) {
  // The label's `for` needs an id unique on the page. Each widget imports its own copy of this module, so a
  // counter here would start again at 1 for every slider: the id is random instead.
  const id = `lifteach-slider-${Array.from(crypto.getRandomValues(new Uint32Array(2))).join("-")}`;
  el.classList.add("lifteach-slider");
  const label = document.createElement("label");
  label.htmlFor = id;
  label.className = "lifteach-slider-label";
  const visible = document.createElement("span");
  const unit = document.createElement("span"); // said, not shown: the unit when the label lacks it
  unit.className = "lifteach-visually-hidden";
  label.append(visible, unit);
  const range = document.createElement("input");
  range.type = "range";
  range.id = id;
  const box = document.createElement("input"); // the value, typed
  box.type = "text";
  box.inputMode = "decimal";
  box.className = "lifteach-slider-value";
  box.autocomplete = "off";
  box.spellcheck = false;
  el.append(label, range, box);

  const name = () => {
    const description = model.get("description");
    const u = model.get("unit");
    return u && !description.includes(u) ? `${description} (${u})` : description;
  };
  const spoken = (value) => {
    const u = model.get("unit");
    return u ? `${shown(model, value)} ${u}` : shown(model, value);
  };
  const update = () => {
    const value = model.get("value");
    const description = model.get("description");
    visible.textContent = description;
    unit.textContent = name().slice(description.length);
    range.min = String(model.get("min"));
    range.max = String(model.get("max"));
    range.step = String(model.get("step"));
    const at = String(position(model, value));
    if (range.value !== at) range.value = at;
    range.setAttribute("aria-valuetext", spoken(value));
    if (document.activeElement !== box) box.value = shown(model, value);
    box.setAttribute("aria-label", `${name()}, typed value`);
    // A disabled input is greyed out and skipped by Tab, for the keyboard as for the mouse.
    range.disabled = box.disabled = model.get("disabled");
    el.classList.toggle("lifteach-slider-disabled", model.get("disabled"));
  };

  const send = (value) => {
    model.set("value", value);
    model.save_changes();
  };
  const moved = (final) => {
    const value = fromPosition(model, Number(range.value));
    range.setAttribute("aria-valuetext", spoken(value));
    box.value = shown(model, value);
    if (final || model.get("continuous_update")) send(value);
  };
  range.addEventListener("input", () => moved(false));
  range.addEventListener("change", () => moved(true));

  const typed = () => {
    const number = Number(box.value.trim());
    if (box.value.trim() === "" || !Number.isFinite(number)) {
      box.value = shown(model, model.get("value")); // not a number: back to the value, nothing sent
      return;
    }
    const log = model.get("scale") === "log";
    const low = log ? 10 ** model.get("min") : model.get("min");
    const high = log ? 10 ** model.get("max") : model.get("max");
    let value = Math.min(Math.max(number, low), high);
    if (!log) {
      // Onto the slider's grid of steps, as the arrow keys would put it.
      const step = model.get("step");
      value = Math.min(low + Math.round((value - low) / step) * step, high);
      value = Number(value.toFixed(Math.max(model.get("decimals"), 6)));
    }
    box.value = shown(model, value);
    send(value);
    update();
  };
  box.addEventListener("change", typed);
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter") typed();
  });
  for (const input of [range, box]) {
    // Keys that move the slider or edit the value are this control's, not the notebook's shortcuts.
    input.addEventListener("keydown", (event) => event.stopPropagation());
  }

  const traits = ["value", "min", "max", "step", "disabled", "description", "unit", "decimals", "scale"];
  for (const trait of traits) model.on(`change:${trait}`, update);
  update();
  return () => {
    for (const trait of traits) model.off(`change:${trait}`, update);
  };
}

export default { render };
