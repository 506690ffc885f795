// The front end of lifteach.explorer.toggle.ToggleButton: a button that tells screen readers whether it is
// pressed (aria-pressed), which ipywidgets' ToggleButton shows only as a colour (its mod-active class).

function render({ model, el }) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "jupyter-button widget-toggle-button lifteach-toggle-button";
  el.append(button);
  const update = () => {
    const pressed = model.get("value");
    button.setAttribute("aria-pressed", pressed ? "true" : "false");
    button.classList.toggle("mod-active", pressed);
    button.disabled = model.get("disabled");
    button.title = model.get("tooltip");
    const icon = model.get("icon");
    const parts = [];
    if (icon) {
      // The icon is a glyph of the page's icon font: a picture, hidden from screen readers.
      const glyph = document.createElement("i");
      glyph.className = `fa fa-${icon}`;
      glyph.setAttribute("aria-hidden", "true");
      parts.push(glyph, document.createTextNode(" "));
    }
    parts.push(document.createTextNode(model.get("description")));
    button.replaceChildren(...parts);
  };
  button.addEventListener("click", () => {
    model.set("value", !model.get("value"));
    model.save_changes();
    update();
  });
  const traits = ["value", "disabled", "tooltip", "icon", "description"];
  for (const trait of traits) model.on(`change:${trait}`, update);
  update();
  return () => {
    for (const trait of traits) model.off(`change:${trait}`, update);
  };
}

export default { render };
