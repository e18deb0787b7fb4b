// The web chat page. No framework, no storage: the conversation token lives in this
// script's memory only and is gone when the page is (SAFETY rules 1 and 2).
"use strict";

(() => {
  const SHIFT_PRESSES = 3;
  const SHIFT_WINDOW_MS = 5000;
  const TEXTS = JSON.parse(document.getElementById("page-texts").textContent);
  const $ = (id) => document.getElementById(id);
  const exitLink = $("quick-exit");
  const log = $("log");
  const form = $("composer");
  const input = $("text");
  const statusLine = $("status");
  const actions = $("actions");
  const languageSelect = $("language");

  let token = null;
  let starting = null; // the one start in progress, shared by all who need a conversation
  let queue = Promise.resolve(); // sends go one after another, none is dropped
  let language = document.documentElement.lang;
  let lastReplyId = "0";
  let socket = null;
  let reconnectDelay = 500;

  const text = (id) => (TEXTS[language] || TEXTS.sv).texts[id];

  // --- Quick exit: hide at once, end on the server, leave without a way back ---

  function quickExit(event) {
    if (event) event.preventDefault();
    document.body.hidden = true;
    document.title = "";
    try {
      if (token) navigator.sendBeacon("/api/v1/exit", new Blob([JSON.stringify({ token })], { type: "text/plain" }));
      token = null;
      if (socket) {
        socket.onclose = null;
        socket.close();
      }
    } finally {
      leaveFor(exitLink.href);
    }
  }

  // Replace the page the person sees: the whole window when the chat is in a frame of
  // the municipality's site (the browser may refuse that), else the chat itself.
  function leaveFor(url) {
    try {
      if (window.top !== window) {
        window.top.location.replace(url);
        return;
      }
    } catch {
      // not allowed to navigate the top window: at least leave the chat
    }
    location.replace(url);
  }

  exitLink.addEventListener("click", quickExit);

  // Shift pressed on its own three times within five seconds (capital letters, which
  // hold Shift while another key is pressed, do not count).
  let shiftAlone = false;
  let shiftPresses = [];
  document.addEventListener("keydown", (event) => {
    shiftAlone = event.key === "Shift" && !event.repeat;
  }, true);
  document.addEventListener("keyup", (event) => {
    if (event.key !== "Shift" || !shiftAlone) return;
    shiftAlone = false;
    const now = Date.now();
    shiftPresses = shiftPresses.filter((t) => now - t < SHIFT_WINDOW_MS);
    shiftPresses.push(now);
    if (shiftPresses.length >= SHIFT_PRESSES) quickExit();
  }, true);

  // --- Talking to the API ---

  async function post(path, body) {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept-Language": language },
      body: JSON.stringify(body),
      cache: "no-store",
      credentials: "omit",
      referrerPolicy: "no-referrer",
    });
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    return { status: response.status, data };
  }

  function ensureStarted(chosenLanguage) {
    if (token) return Promise.resolve(true);
    if (!starting) starting = start(chosenLanguage).finally(() => { starting = null; });
    return starting;
  }

  async function start(chosenLanguage) {
    // The language chosen or shown now first, then the browser's.
    const hint = [chosenLanguage || language, ...(navigator.languages || [navigator.language])].join(",");
    const { status, data } = await post("/api/v1/conversations", { language: hint });
    if (status !== 201) {
      showStatus((data && data.message) || text("web-error-unavailable"));
      return false;
    }
    token = data.token;
    lastReplyId = "0";
    render(data.replies, false);
    connect();
    return true;
  }

  // Resolves true when the message was taken; false tells the caller to give typed text back.
  function send(body, echo, fromButton) {
    const result = queue.then(() => deliver(body, echo, fromButton));
    queue = result.catch(() => false);
    return result;
  }

  async function deliver(body, echo, fromButton) {
    let bubble = null;
    try {
      if (!token) {
        const chosen = body.choice && body.choice.startsWith("language:") ? body.choice.slice(9) : null;
        if (!(await ensureStarted(chosen))) return false;
        // A new conversation begins with the safety check; only danger goes first.
        if (body.choice !== "global:danger") return body.text === undefined;
      }
      if (echo) bubble = addMessage(echo, "you", language, document.documentElement.dir);
      const { status, data } = await post("/api/v1/messages", { token, ...body });
      if (status === 200) {
        hideStatus();
        render(data.replies, fromButton);
        if (data.ended) endConversation();
        return true;
      }
      if (bubble) bubble.remove();
      if (status === 404) endConversation();
      showStatus((data && data.message) || text("web-error-unavailable"));
      return false;
    } catch {
      if (bubble) bubble.remove();
      showStatus(text("web-error-unavailable"));
      return false;
    }
  }

  function endConversation() {
    token = null;
    if (socket) {
      socket.onclose = null;
      socket.close();
      socket = null;
    }
  }

  // Replies that come later (a caseworker): a WebSocket that resumes where it left off.
  function connect() {
    if (!token || socket) return;
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const ws = new WebSocket(scheme + location.host + "/api/v1/events");
    let ready = false;
    socket = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: "hello", token, after: lastReplyId }));
    ws.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "ready") {
        ready = true;
        reconnectDelay = 500;
        hideStatus();
      } else if (message.type === "reply") {
        lastReplyId = message.id;
        render([message.reply], false);
      }
    };
    ws.onclose = (event) => {
      socket = null;
      if (!token) return;
      if (event.code === 4404) {
        endConversation();
        return;
      }
      // A connection that drops may be back in a moment; one that cannot even be made
      // means the chat is down: say so, with the numbers that answer day and night.
      showStatus(text(ready ? "web-reconnecting" : "web-error-unavailable"));
      setTimeout(connect, reconnectDelay);
      reconnectDelay = Math.min(reconnectDelay * 2, 10000);
    };
  }

  // --- Showing the conversation ---

  function addMessage(content, speaker, lang, dir) {
    const bubble = document.createElement("div");
    bubble.className = "msg " + speaker;
    bubble.lang = lang;
    bubble.dir = dir;
    const who = document.createElement("span");
    who.className = "visually-hidden";
    who.textContent = text(speaker === "bot" ? "web-speaker-bot" : "web-speaker-you") + " ";
    bubble.append(who);
    for (const paragraph of content.split(/\n\s*\n/)) {
      const p = document.createElement("p");
      p.textContent = paragraph;
      bubble.append(p);
    }
    log.append(bubble);
    bubble.scrollIntoView({ block: "end" });
    return bubble;
  }

  function render(replies, fromButton) {
    const focusWasHere = log.contains(document.activeElement) || actions.contains(document.activeElement);
    for (const old of log.querySelectorAll(".options")) old.remove();
    replies.forEach((reply, index) => {
      setLanguage(reply.language, reply.direction);
      addMessage(reply.text, "bot", reply.language, reply.direction);
      if (index === replies.length - 1) {
        showOptions(reply);
        showActions(reply.actions);
      }
    });
    // Keep keyboard users where they were: on the new options, or in the text box when
    // the button they pressed is gone.
    const first = log.querySelector(".options button");
    if (fromButton && first) first.focus();
    else if (focusWasHere && document.activeElement === document.body) input.focus();
  }

  function showOptions(reply) {
    if (!reply.options.length) return;
    const group = document.createElement("div");
    group.className = "options";
    group.setAttribute("role", "group");
    group.lang = reply.language;
    group.dir = reply.direction;
    for (const option of reply.options) group.append(choiceButton(option, "option"));
    log.append(group);
  }

  function showActions(list) {
    actions.replaceChildren(...list.map((action) => choiceButton(action, "danger")));
  }

  function choiceButton(option, kind) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = kind;
    button.textContent = option.label;
    button.addEventListener("click", () => send({ choice: option.id }, option.label, true));
    return button;
  }

  function setLanguage(lang, dir) {
    if (lang === language) return;
    language = lang;
    document.documentElement.lang = lang;
    document.documentElement.dir = dir;
    for (const element of document.querySelectorAll("[data-text]")) {
      element.textContent = text(element.dataset.text);
    }
    log.setAttribute("aria-label", text("web-log-label"));
    document.title = text("web-title");
    languageSelect.value = lang;
  }

  // The status line stays in the page (empty when there is nothing to say), so that
  // screen readers announce what is written into it.
  function showStatus(message) {
    statusLine.textContent = message;
  }

  function hideStatus() {
    statusLine.textContent = "";
  }

  // The sticky bar must not cover what the keyboard focuses (WCAG 2.4.11).
  const bar = document.querySelector(".bar");
  new ResizeObserver(() => {
    document.documentElement.style.scrollPaddingTop = bar.offsetHeight + 8 + "px";
  }).observe(bar);

  // --- Controls ---

  for (const [code, info] of Object.entries(TEXTS)) {
    const option = document.createElement("option");
    option.value = code;
    option.lang = code;
    option.textContent = info.name;
    languageSelect.append(option);
  }
  languageSelect.value = language;
  languageSelect.addEventListener("change", () => {
    send({ choice: "language:" + languageSelect.value }, null, false);
  });

  for (const button of document.querySelectorAll("[data-choice]")) {
    button.addEventListener("click", () => send({ choice: button.dataset.choice }, button.textContent, true));
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = input.value.trim();
    if (!value) return;
    input.value = "";
    if (!(await send({ text: value }, value, false)) && !input.value) input.value = value;
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  ensureStarted(null);
})();
