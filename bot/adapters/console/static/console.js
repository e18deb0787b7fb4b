// The console: keeps the queue and the open case live over a WebSocket, and fills the
// reply box with a ready-made reply. The pages work without it, just not live.
"use strict";

(() => {
  const SPEAKERS = { user: "Personen", bot: "Boten", caseworker: "Handläggare" };
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";

  function live(query, onMessage) {
    let delay = 1000;
    const open = () => {
      const ws = new WebSocket(scheme + location.host + "/console/events" + (typeof query === "function" ? query() : query));
      ws.onmessage = (event) => { delay = 1000; onMessage(JSON.parse(event.data)); };
      ws.onclose = () => { setTimeout(open, delay); delay = Math.min(delay * 2, 15000); };
    };
    open();
  }

  function element(tag, text, attributes = {}) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    return node;
  }

  const queues = document.querySelector("[data-live=queue]");
  if (queues) {
    const csrf = queues.dataset.csrf;
    live("", (message) => {
      if (message.type !== "queue") return;
      queues.replaceChildren(...message.queues.map((queue) => {
        const section = element("section", undefined, { class: "queue" });
        section.append(element("h2", queue.name));
        if (!queue.cases.length) {
          section.append(element("p", "Ingen väntar.", { class: "empty" }));
          return section;
        }
        const table = element("table");
        const head = element("tr");
        for (const title of ["Ärende", "Språk", "Ämne", "Fara", "Väntat", "Status", ""]) head.append(element("th", title));
        table.append(element("thead"));
        table.tHead.append(head);
        const body = element("tbody");
        for (const c of queue.cases) {
          const row = element("tr", undefined, c.danger ? { class: "danger" } : {});
          const link = element("a", c.code, { href: `/console/cases/${c.team}/${c.code}` });
          const first = element("td");
          first.append(link);
          row.append(first, element("td", c.language), element("td", c.topic || "–"),
            element("td", c.danger ? "JA" : ""), element("td", `${c.waiting_minutes} min`),
            element("td", c.status === "waiting" ? "väntar" : `hos ${c.owner}`));
          const last = element("td");
          if (c.status === "waiting") {
            const form = element("form", undefined, { method: "post", action: `/console/cases/${c.team}/${c.code}/claim`, class: "inline" });
            form.append(element("input", undefined, { type: "hidden", name: "csrf", value: csrf }));
            form.append(element("button", "Ta ärendet", { type: "submit" }));
            last.append(form);
          }
          row.append(last);
          body.append(row);
        }
        table.append(body);
        section.append(table);
        return section;
      }));
    });
  }

  const transcript = document.querySelector("[data-live=case]");
  if (transcript) {
    const { team, code, lang, dir } = transcript.dataset;
    let next = transcript.dataset.turn;  // the page shows what was said before this turn
    const query = () => `?team=${encodeURIComponent(team)}&code=${encodeURIComponent(code)}&from=${next}`;
    live(query, (message) => {
      if (message.type === "ended") {
        document.getElementById("ended").hidden = false;
      } else if (message.type === "turn") {
        next = message.next;
      } else if (message.type === "said") {
        const attributes = { class: `said ${message.speaker}` };
        if (message.speaker !== "caseworker") Object.assign(attributes, { lang, dir });
        const item = element("li", undefined, attributes);
        item.append(element("span", `${SPEAKERS[message.speaker]}:`, { class: "speaker" }), ` ${message.text}`);
        transcript.append(item);
        item.scrollIntoView({ block: "end" });
      }
    });
  }

  for (const button of document.querySelectorAll(".canned-reply")) {
    button.addEventListener("click", () => {
      const box = document.getElementById("reply-text");
      box.value = button.dataset.text;
      box.focus();
    });
  }
})();
