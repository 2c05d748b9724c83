// The playground page: a chat with the bot through the bridge (/api/*). Messages are built with DOM calls
// from the bridge's node tree, never from HTML strings, so nothing the bot sends can run here.
"use strict";

const state = { language: "", role: "subscriber", rev: "", controller: null, shown: new Set(), texts: {} };
const chat = document.getElementById("chat");
const TAGS = { b: "b", i: "i", u: "u", s: "s", code: "code", pre: "pre", blockquote: "blockquote", a: "a", spoiler: "span" };

function buildNodes(parent, nodes) {
  for (const node of nodes) {
    if (typeof node === "string") {
      parent.appendChild(document.createTextNode(node));
      continue;
    }
    const element = document.createElement(TAGS[node.tag] || "span");
    if (node.tag === "spoiler") {
      element.className = "spoiler";
      element.addEventListener("click", () => element.classList.add("open"));
    }
    if (node.tag === "a" && node.href) {
      element.href = node.href;
      element.target = "_blank";
      element.rel = "noopener noreferrer";
    }
    buildNodes(element, node.children || []);
    parent.appendChild(element);
  }
}

function renderMessage(message) {
  const box = document.createElement("div");
  box.className = "message " + message.from;
  box.dataset.id = String(message.id);
  if (message.photo) {
    // The picture itself, as Telegram shows it; the bridge serves uploads, so the address is never the bot's text.
    const photo = document.createElement("img");
    photo.className = "photo";
    photo.src = message.photo;
    photo.alt = state.texts["kind-photo"] || "photo";
    box.appendChild(photo);
  } else if (message.from === "bot" && message.kind !== "text") {
    const kind = document.createElement("span");
    kind.className = "kind";
    kind.textContent = state.texts["kind-" + message.kind] || message.kind;
    box.appendChild(kind);
  }
  const body = document.createElement("div");
  body.className = "text";
  buildNodes(body, message.nodes);
  box.appendChild(body);
  if (message.buttons && message.buttons.length) {
    const buttons = document.createElement("div");
    buttons.className = "buttons";
    for (const row of message.buttons) {
      const line = document.createElement("div");
      line.className = "row";
      for (const button of row) {
        let element;
        if (button.url) {
          element = document.createElement("a");
          element.href = button.url;
          element.target = "_blank";
          element.rel = "noopener noreferrer";
        } else {
          element = document.createElement("button");
          element.type = "button";
          if (button.callback_data) {
            element.addEventListener("click", () => press(message.id, button.callback_data));
          } else {
            element.disabled = true;
          }
        }
        element.textContent = button.text;
        line.appendChild(element);
      }
      buttons.appendChild(line);
    }
    box.appendChild(buttons);
  }
  if (message.edited) {
    const edited = document.createElement("span");
    edited.className = "edited";
    edited.textContent = state.texts.edited || "edited";
    box.appendChild(edited);
  }
  return box;
}

function render(view) {
  state.rev = view.rev;
  document.getElementById("who").textContent = `${view.user.name} (id ${view.user.id})`;
  const atBottom = chat.scrollHeight - chat.scrollTop - chat.clientHeight < 80;
  const count = chat.children.length;
  chat.replaceChildren(...view.messages.map(renderMessage));
  if (atBottom || view.messages.length > count) chat.scrollTop = chat.scrollHeight;
  for (const notice of view.notices) {
    if (state.shown.has(notice.id)) continue;
    state.shown.add(notice.id);
    toast(notice.text, notice.alert);
  }
}

function toast(text, alert) {
  const element = document.createElement("div");
  element.className = "toast" + (alert ? " alert" : "");
  element.textContent = text;
  document.getElementById("toasts").appendChild(element);
  setTimeout(() => element.remove(), alert ? 6000 : 3000);
}

async function post(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ role: state.role, language: state.language, ...body }),
  });
  if (!response.ok) throw new Error(await response.text());
  return response.json();
}

async function send(text) {
  if (!text.trim()) return;
  render(await post("/api/send", { text }));
}

async function press(messageId, data) {
  render(await post("/api/press", { message_id: messageId, data }));
}

async function loadState(first) {
  // The first load asks for the bot's default language; later ones for the one picked.
  const response = await fetch(first ? "/api/state" : `/api/state?language=${state.language}`);
  const data = await response.json();
  state.language = data.language;
  document.getElementById("language").value = data.language;
  state.texts = data.texts;
  document.documentElement.lang = state.language;
  document.title = data.texts.title;
  for (const element of document.querySelectorAll("[data-text]")) {
    element.textContent = data.texts[element.dataset.text];
  }
  document.getElementById("input").placeholder = data.texts.input;
  document.getElementById("feed-status").textContent = data.texts.feed;
  document.getElementById("publish").disabled = data.feed.published >= data.feed.total;
}

async function follow(controller) {
  // Long polling: the bridge answers when the chat differs from the revision we have (or after a while).
  while (!controller.signal.aborted) {
    const query = new URLSearchParams({ role: state.role, language: state.language, rev: state.rev });
    try {
      const response = await fetch(`/api/chat?${query}`, { signal: controller.signal });
      if (response.ok) render(await response.json());
      else await new Promise((resolve) => setTimeout(resolve, 1000));
    } catch (error) {
      if (controller.signal.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

function switchChat() {
  if (state.controller) state.controller.abort();
  state.rev = "";
  chat.replaceChildren();
  document.body.classList.toggle("admin", state.role === "admin");
  for (const button of document.querySelectorAll(".role")) {
    button.classList.toggle("active", button.dataset.role === state.role);
  }
  state.controller = new AbortController();
  follow(state.controller);
}

document.getElementById("language").addEventListener("change", (event) => {
  state.language = event.target.value;
  loadState();
  switchChat();
});
for (const button of document.querySelectorAll(".role")) {
  button.addEventListener("click", () => {
    state.role = button.dataset.role;
    switchChat();
  });
}
for (const chip of document.querySelectorAll(".chip")) {
  chip.addEventListener("click", () => send(chip.dataset.command));
}
document.getElementById("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = document.getElementById("input");
  const text = input.value;
  input.value = "";
  send(text);
});
document.getElementById("publish").addEventListener("click", async () => {
  document.getElementById("publish").disabled = true;
  await post("/api/publish", {});
  await loadState();
});

loadState(true).then(switchChat);
