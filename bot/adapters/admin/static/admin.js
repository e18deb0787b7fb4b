// The admin pages' editors: the flow editor (line numbers, check and diagram as you
// type), the texts table (Fluent check as you type, save the changed rows) and the
// preview chat. Everything goes to /admin/api with the session's CSRF token.
"use strict";

(() => {
  const csrf = document.body.dataset.csrf;

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    let data = {};
    try { data = await response.json(); } catch (_) { data = { error: response.statusText }; }
    return { ok: response.ok, status: response.status, data };
  }

  function debounce(action, ms) {
    let timer;
    return () => { clearTimeout(timer); timer = setTimeout(action, ms); };
  }

  function element(tag, text, attributes = {}) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    return node;
  }

  let unsaved = false;
  window.addEventListener("beforeunload", (event) => { if (unsaved) event.preventDefault(); });

  // --- The flow editor ---
  const flow = document.querySelector(".flow-editor");
  if (flow) {
    const textarea = flow.querySelector("textarea");
    const gutter = flow.querySelector(".gutter");
    const problems = flow.querySelector(".problems");
    const diagram = flow.querySelector(".diagram-box");
    const stale = flow.querySelector(".diagram-note");
    const status = flow.querySelector(".status");
    const name = flow.dataset.flow;
    let revision = Number(flow.dataset.revision);

    const numberLines = () => {
      const count = textarea.value.split("\n").length;
      gutter.textContent = Array.from({ length: count }, (_, i) => String(i + 1)).join("\n");
    };
    const goToLine = (line) => {
      const lines = textarea.value.split("\n");
      const start = lines.slice(0, line - 1).reduce((sum, text) => sum + text.length + 1, 0);
      textarea.focus();
      textarea.setSelectionRange(start, start + (lines[line - 1] || "").length);
      const lineHeight = textarea.scrollHeight / lines.length;
      textarea.scrollTop = Math.max(0, (line - 5) * lineHeight);
    };
    let asked = 0; // checks overtake each other: only the answer to the latest text counts
    const check = async () => {
      const mine = ++asked;
      const { ok, data } = await post(`/admin/api/flows/${name}/check`, { text: textarea.value });
      if (mine !== asked) return;
      if (!ok) { status.textContent = data.error || "Kontrollen gick inte just nu."; return; }
      const items = data.problems.map((problem) => {
        const item = element("li");
        if (problem.line) {
          const link = element("button", `rad ${problem.line}`, { type: "button", class: "line" });
          link.addEventListener("click", () => goToLine(problem.line));
          item.append(link, " ");
        }
        item.append(`${problem.where ? problem.where + ": " : ""}${problem.message}`);
        return item;
      });
      for (const other of data.elsewhere) items.push(element("li", other, { class: "elsewhere" }));
      problems.replaceChildren(...(items.length ? items : [element("li", "Inga fel.", { class: "done" })]));
      problems.dataset.count = String(data.problems.length + data.elsewhere.length);
      if (data.diagram) diagram.innerHTML = data.diagram; // made by the server, every name escaped
      stale.hidden = Boolean(data.diagram) || !diagram.childElementCount; // unreadable YAML: the last diagram stays
    };
    const checkSoon = debounce(check, 500);
    textarea.addEventListener("input", () => { unsaved = true; status.textContent = "Inte sparat"; numberLines(); checkSoon(); });
    textarea.addEventListener("scroll", () => { gutter.scrollTop = textarea.scrollTop; });
    flow.querySelector("[data-action=save]").addEventListener("click", async () => {
      const { ok, data } = await post(`/admin/api/flows/${name}`, { text: textarea.value, revision });
      if (ok) { revision = data.revision; unsaved = false; status.textContent = "Sparat i utkastet."; }
      else status.textContent = data.error || "Det gick inte att spara.";
    });
    numberLines();
    check();
  }

  // --- The texts table ---
  const texts = document.querySelector("table.texts");
  if (texts) {
    const language = texts.dataset.language;
    let revision = Number(texts.dataset.revision);
    const status = document.querySelector(".status");
    const changed = new Map();
    const unsavedCount = () => (changed.size === 1 ? "1 ändrad, inte sparad" : `${changed.size} ändrade, inte sparade`);
    // Each box as tall as its text, so that nothing is hidden below its edge: all heights
    // read first, then all set (one layout, not one per row).
    const needed = (area) => area.scrollHeight + area.offsetHeight - area.clientHeight;
    const areas = Array.from(texts.querySelectorAll("tbody textarea"));
    const heights = areas.map(needed);
    areas.forEach((area, i) => { if (heights[i] > area.offsetHeight) area.style.height = `${heights[i]}px`; });
    const fit = (area) => { area.style.height = ""; if (needed(area) > area.offsetHeight) area.style.height = `${needed(area)}px`; };
    for (const row of texts.tBodies[0].rows) {
      const area = row.querySelector("textarea");
      const problem = row.querySelector(".problem");
      let asked = 0;
      const check = debounce(async () => {
        const mine = ++asked;
        const { ok, data } = await post(`/admin/api/texts/${language}/check`, { id: row.dataset.id, text: area.value });
        if (mine !== asked) return;
        problem.textContent = ok ? data.problem || "" : data.error || "";
        row.classList.toggle("invalid", Boolean(problem.textContent));
      }, 400);
      area.addEventListener("input", () => {
        changed.set(row.dataset.id, area.value);
        row.classList.add("changed");
        unsaved = true;
        status.textContent = unsavedCount();
        fit(area);
        check();
      });
    }
    document.querySelector("[data-action=only-todo]").addEventListener("change", (event) => {
      for (const row of texts.tBodies[0].rows) row.hidden = event.target.checked && row.dataset.status === "ok";
    });
    document.querySelector("[data-action=save-texts]").addEventListener("click", async () => {
      if (!changed.size) { status.textContent = "Inget är ändrat."; return; }
      const { ok, data } = await post(`/admin/api/texts/${language}`, { messages: Object.fromEntries(changed), revision });
      if (ok) {
        revision = data.revision;
        for (const row of texts.tBodies[0].rows) {
          if (!changed.has(row.dataset.id)) continue;
          row.classList.remove("changed");
          row.dataset.status = "ok";
          row.querySelector(".badge")?.remove(); // translated from today's Swedish text now
        }
        changed.clear();
        unsaved = false;
        status.textContent = "Sparat i utkastet.";
      } else {
        status.textContent = (data.id ? `${data.id}: ` : "") + (data.error || "Det gick inte att spara.");
      }
    });
  }

  // --- The preview chat ---
  const simulator = document.querySelector(".simulator");
  if (simulator) {
    const log = simulator.querySelector(".preview-log");
    const options = simulator.querySelector(".preview-options");
    const language = simulator.querySelector("#preview-language");
    const input = simulator.querySelector("#preview-text");
    const state = simulator.querySelector("[data-state]");
    let conversation = null;
    let started = 0; // which conversation is on screen: answers to an earlier one are dropped

    const SPEAKERS = { user: "Du: ", bot: "Fristad: " }; // said by a screen reader, as in the web chat
    const show = (speaker, text, dir = "auto", lang = undefined) => {
      const item = element("li", undefined, { class: `said ${speaker}`, dir, ...(lang ? { lang } : {}) });
      if (SPEAKERS[speaker]) item.append(element("span", SPEAKERS[speaker], { class: "visually-hidden", lang: "sv" }));
      item.append(text);
      log.append(item);
    };
    const turn = async (input) => {
      const mine = started;
      const lang = language.value;
      const { ok, data } = await post("/admin/api/preview", { language: lang, conversation, ...input });
      if (mine !== started) return;
      if (!ok) {
        show("note", data.error || "Det gick inte.");
        for (const problem of data.problems || []) show("note", problem);
        return;
      }
      conversation = data.conversation;
      state.textContent = conversation ? data.state : "(raderat)";
      for (const reply of data.replies) show("bot", reply.text, reply.dir, lang);
      if (data.handoff) show("note", `Här lämnas samtalet till en handläggare (${data.handoff}).`);
      const last = data.replies[data.replies.length - 1];
      options.replaceChildren(...(last ? last.options : []).map((option) => {
        const button = element("button", option.label, { type: "button", lang, dir: last.dir });
        button.addEventListener("click", () => { show("user", option.label, last.dir, lang); turn({ choice: option.id }); });
        return button;
      }));
    };
    const restart = () => { started += 1; conversation = null; log.replaceChildren(); options.replaceChildren(); turn({}); };
    simulator.querySelector("[data-action=restart]").addEventListener("click", restart);
    language.addEventListener("change", restart);
    simulator.querySelector(".preview-form").addEventListener("submit", (event) => {
      event.preventDefault();
      if (!input.value.trim()) return;
      show("user", input.value);
      turn({ text: input.value });
      input.value = "";
    });
    restart();
  }
})();
