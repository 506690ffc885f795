// The front end of lifteach.inspector.play.PlayButton: one button, "Play" or "Pause" in words, that moves the
// step on every `interval` ms. ipywidgets' Play draws icon-only buttons without a name for screen readers.

function render({ model, el }) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "jupyter-button widget-button lifteach-play-button";
  el.append(button);
  let timer = null;
  const halt = () => {
    clearInterval(timer);
    timer = null;
  };
  const tick = () => {
    const next = model.get("value") + 1;
    if (next > model.get("max")) {
      model.set("playing", false); // the last step: stop there
    } else {
      model.set("value", next);
    }
    model.save_changes();
  };
  const update = () => {
    const playing = model.get("playing");
    button.textContent = playing ? "Pause" : "Play";
    button.disabled = model.get("disabled");
    if (playing && timer === null) timer = setInterval(tick, model.get("interval"));
    if (!playing) halt();
  };
  button.addEventListener("click", () => {
    const playing = !model.get("playing");
    // Played to the end, it starts again from the first step.
    if (playing && model.get("value") >= model.get("max")) model.set("value", model.get("min"));
    model.set("playing", playing);
    model.save_changes();
    update();
  });
  for (const trait of ["playing", "disabled", "interval"]) model.on(`change:${trait}`, update);
  update();
  return () => {
    halt();
    for (const trait of ["playing", "disabled", "interval"]) model.off(`change:${trait}`, update);
  };
}

export default { render };
