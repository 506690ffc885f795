/*
 * Live Code: the tutorial's code cells become cells that a Jupyter kernel runs, in the page (thebe 0.9).
 *
 * Nothing is loaded until a reader chooses "Live Code" in the launch menu. Then thebe comes from the site's
 * own _static/thebe/ (docs/live_code.py copies it there from npm), the cells become editors with run
 * buttons, and each stored output stays until its cell runs again. window.lifteachLiveCodeSettings, written
 * into the page when the site is built, says where the kernel comes from (Binder, or a teacher's server).
 */
"use strict";

window.lifteachLiveCode = (() => {
  const settings = window.lifteachLiveCodeSettings;
  const root = new URL(document.documentElement.dataset.content_root || "./", document.baseURI);
  const asset = (name) => new URL(`_static/thebe/${name}`, root).href;
  // thebe-core fetches require.js from this fixed CDN address before it shows the first widget, evaluates it
  // in a hidden frame, and loads every widget library but ipywidgets' own through it, from a CDN unless the
  // library is already defined there. The request is answered with the site's copy of require.js, followed by
  // a definition of "anywidget" (the explorer's sliders and figure are anywidgets), so nothing is fetched.
  const REQUIREJS_CDN = "https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.6/require.min.js";
  // Runs in thebe's frame: anywidget's module is made in this page (see loadAnywidget), on thebe's widget base.
  const DEFINE_ANYWIDGET =
    'define("anywidget", ["@jupyter-widgets/base"], (base) => window.parent.lifteachAnywidget(base));';
  let started = null;
  let fetchRedirected = false;

  const status = () => {
    let line = document.getElementById("live-code-status");
    if (!line) {
      line = document.createElement("p");
      line.id = "live-code-status";
      line.className = "live-code-status";
      line.setAttribute("role", "status");
      // The article's title (the theme also has a print-only copy of it, hidden on screen).
      const title = document.querySelector("article h1");
      title.insertAdjacentElement("afterend", line);
    }
    return line;
  };

  const say = (state, text) => {
    const line = status();
    line.dataset.state = state;
    line.textContent = text;
    document.documentElement.dataset.liveCode = state;
  };

  const load = (tag, attributes) =>
    new Promise((resolve, reject) => {
      const element = document.createElement(tag);
      Object.assign(element, attributes);
      element.addEventListener("load", resolve);
      element.addEventListener("error", () => reject(new Error(`could not load ${attributes.src || attributes.href}`)));
      document.head.appendChild(element);
    });

  // Every code cell gets an output place (thebe pairs the n-th cell with the n-th output place): the stored
  // output where there is one, else an empty one for what the cell will print.
  const markCells = () => {
    for (const cell of document.querySelectorAll("div.cell")) {
      const source = cell.querySelector("div.cell_input pre");
      if (!source) continue;
      source.setAttribute("data-executable", "true");
      source.setAttribute("data-language", "python");
      let output = cell.querySelector("div.cell_output");
      if (!output) {
        output = document.createElement("div");
        output.className = "cell_output docutils container";
        cell.appendChild(output);
      }
      output.setAttribute("data-output", "");
    }
  };

  // anywidget's front end (the classic Notebook's AMD module, copied from the anywidget package) is evaluated
  // in this page rather than in thebe's frame, so that the styles and elements it makes belong to this page's
  // document; its one define() hands over the function that makes the module from the widget base.
  const loadAnywidget = async () => {
    if (window.lifteachAnywidget) return;
    const response = await fetch(asset("anywidget.js"));
    if (!response.ok) throw new Error(`could not load anywidget.js (${response.status})`);
    let make = null;
    new Function("define", await response.text())((_dependencies, factory) => {
      make = factory;
    });
    if (typeof make !== "function") throw new Error("anywidget.js defined no module");
    window.lifteachAnywidget = make;
  };

  const answerRequireJsFromTheSite = () => {
    if (fetchRedirected) return;
    fetchRedirected = true;
    const fetchFromAnywhere = window.fetch.bind(window);
    const requireJsWithAnywidget = async (options) => {
      const response = await fetchFromAnywhere(asset("require.js"), options);
      if (!response.ok) return response;
      const text = `${await response.text()}\n;${DEFINE_ANYWIDGET}\n`;
      return new Response(text, { status: 200, headers: { "Content-Type": "text/javascript" } });
    };
    window.fetch = (resource, options) =>
      resource === REQUIREJS_CDN ? requireJsWithAnywidget(options) : fetchFromAnywhere(resource, options);
  };

  const connect = async () => {
    const { lifteach: about, ...options } = settings;
    const wait = about.slow ? " (Binder builds the environment first: this can take a few minutes)" : "";
    say("loading", `Live Code: connecting to a kernel on ${about.where}${wait}…`);
    answerRequireJsFromTheSite();
    await loadAnywidget();
    await load("link", { rel: "stylesheet", href: asset("thebe.css") });
    await load("script", { src: asset("index.js") });
    markCells();
    window.thebe.on("status", (_name, event) => {
      if (document.documentElement.dataset.liveCode === "loading" && event && event.status) {
        say("loading", `Live Code: ${event.status.replace(/-/g, " ")} on ${about.where}${wait}…`);
      }
    });
    const { session } = await window.thebe.bootstrap(options);
    if (!session) throw new Error("the server started no kernel");
    say(
      "ready",
      "Live Code: the kernel is ready. Edit a cell and press its run button (or Shift+Enter in the cell); " +
        "cells run in the order you run them, so run the cells above first.",
    );
  };

  const start = () => {
    if (!started) {
      started = connect().catch((error) => {
        say(
          "failed",
          `Live Code could not connect to ${settings.lifteach.where}: ${error.message || error}. ` +
            "It needs that server (and, for Binder, the network); the page and its stored outputs work " +
            "without it.",
        );
        started = null;
      });
    }
    return started;
  };

  return { start };
})();
