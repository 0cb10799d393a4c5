// chatrec web page: the conversation, film cards with one-tap actions, the restore of
// a session after a reload, and errors in plain words. Plain ES2020, no build step.
"use strict";

const SESSION_KEY = "chatrec.session_id", USER_KEY = "chatrec.user_id",
      API_KEY = "chatrec.api_key";
const $ = (id) => document.getElementById(id);
const form = $("chat"), input = $("message"), send = $("send"), log = $("log"),
      errorBox = $("error"), errorText = $("error-text"), userInput = $("user"),
      composer = $("composer");
const CARDS = JSON.parse($("card-actions").textContent);
const EXAMPLES = ["movies like Star Wars", "top 10 comedies", "something scary from the 80s",
                  "what's popular", "surprise me"];
let busy = false, lastFailed = null;
userInput.value = localStorage.getItem(USER_KEY) || "";

// ---------------------------------------------------------------- small helpers
// Elements get text content only: a reply is never parsed as HTML.
function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

// MovieLens files articles at the end ("Godfather, The"); say them as people do.
const TRAILING_ARTICLE = /^(.+), (The|A|An|Les|La|Le|L'|Il|El|Die|Das|Der|Los|Las)( \(.*\))?$/;
function naturalTitle(title) {
  const m = TRAILING_ARTICLE.exec(String(title));
  if (!m) return String(title);
  return m[2] + (m[2].endsWith("'") ? "" : " ") + m[1] + (m[3] || "");
}
// "The Godfather (1972)": how a card names its film in the turns it sends.
function spoken(film) {
  return naturalTitle(film.title) + (film.year ? " (" + film.year + ")" : "");
}
const fill = (template, film) => template.replace("{title}", spoken(film));

// Scroll so the newest message sits fully above the input bar (its end, when it is
// taller than the window: the last film is never hidden under the bar).
function reveal(node) {
  const limit = composer.getBoundingClientRect().top - 8;
  const box = node.getBoundingClientRect();
  if (box.bottom > limit) window.scrollBy(0, box.bottom - limit);
  else if (box.top < 0) window.scrollBy(0, box.top - 8);
}

// ---------------------------------------------------------------- rendering
function addMessage(who, text, cls) {
  const li = el("li", "msg " + cls);
  li.append(el("span", "who", who), el("p", "reply", text));
  log.append(li);
  return li;
}

function chips(texts, label) {
  const ul = el("ul", "chips");
  ul.setAttribute("aria-label", label);
  for (const text of texts) {
    const li = el("li"), b = el("button", "chip", text);
    b.type = "button";
    b.addEventListener("click", () => chat(text));
    li.append(b);
    ul.append(li);
  }
  return ul;
}

function filmCard(film) {
  const li = el("li", "film");
  li.dataset.testid = "film-item";
  li.dataset.itemId = film.item_id;
  const head = el("div", "film-head");
  const title = el("button", "title-link", naturalTitle(film.title));
  title.type = "button";
  title.title = "Tell me about it";
  title.setAttribute("aria-label", "About " + spoken(film));
  title.addEventListener("click", () => chat(fill(CARDS.details, film)));
  head.append(title);
  const genres = (film.genres || []).join(", ");
  const meta = [film.year ? "(" + film.year + ")" : "", genres ? "— " + genres : ""]
    .filter(Boolean).join(" ");
  if (meta) head.append(el("span", "meta", meta));
  li.append(head);
  if (film.reason) li.append(el("span", "reason", film.reason));
  if (film.rating_counts) li.append(distribution(film));
  const actions = el("div", "actions");
  actions.setAttribute("role", "group");
  actions.setAttribute("aria-label", "Tell chatrec about " + spoken(film));
  for (const a of CARDS.actions) {
    const b = el("button", "action", a.label);
    b.type = "button";
    b.dataset.action = a.key;
    b.setAttribute("aria-label", a.label + ": " + spoken(film));
    if (a.key === "loved" || a.key === "seen" || a.key === "dislike") {
      b.setAttribute("aria-pressed", "false");
    }
    b.addEventListener("click", async () => {
      if (await chat(fill(a.text, film)) && b.hasAttribute("aria-pressed")) {
        b.setAttribute("aria-pressed", "true");
      }
    });
    actions.append(b);
  }
  li.append(actions);
  return li;
}

// A film's ratings per star (an `info` answer): a small bar chart that is a table,
// so a screen reader reads the numbers.
function distribution(film) {
  const counts = film.rating_counts, total = counts.reduce((a, b) => a + b, 0);
  const box = el("figure", "dist");
  box.dataset.testid = "rating-chart";
  const table = el("table");
  table.append(el("caption", null, "Ratings of " + spoken(film) + " (" + total + ")"));
  const most = Math.max(1, ...counts);
  for (let star = counts.length; star >= 1; star--) {
    const n = counts[star - 1], row = el("tr");
    const bar = el("td"), track = el("span", "track"), fillBar = el("span", "fill");
    fillBar.style.width = (100 * n / most).toFixed(1) + "%";
    track.append(fillBar);
    bar.append(track);
    const pct = total ? Math.round(100 * n / total) : 0;
    const label = el("th", null, star + " ★");
    label.setAttribute("scope", "row");
    row.append(label, bar, el("td", "n", n + " (" + pct + "%)"));
    table.append(row);
  }
  box.append(table);
  return box;
}

function showReply(body) {
  const li = addMessage("chatrec", body.reply || "", "bot");
  const items = body.items || [];
  if (items.length) {
    const ol = el("ol", "films");
    ol.setAttribute("aria-label", "Films");
    items.forEach((film) => ol.append(filmCard(film)));
    li.append(ol);
  }
  const candidates = (body.query && body.query.candidates) || [];
  if (!items.length && candidates.length) {
    li.append(chips(candidates.map((c) => naturalTitle(c.title)), "Did you mean"));
  }
  return li;
}

function greet() {
  const li = addMessage("chatrec", "Hi! Tell me a film you liked, a genre or a decade, " +
                        "and I'll suggest films with a reason for each. Try one of these:", "bot");
  li.dataset.testid = "greeting";
  li.append(chips(EXAMPLES, "Examples"));
  fetch("health").then((r) => (r.ok ? r.json() : null)).then((h) => {
    if (h && h.items) {
      li.querySelector(".reply").textContent = "Hi! I know " + h.items.toLocaleString("en") +
        " films, rated by " + h.users.toLocaleString("en") + " people. Tell me one you " +
        "liked, a genre or a decade, and I'll suggest films with a reason for each. " +
        "Try one of these:";
    }
  }).catch(() => {});
}

// ---------------------------------------------------------------- errors
function showError(text, retry) {
  errorText.textContent = text;
  lastFailed = retry;
  $("retry").hidden = !retry;
  errorBox.hidden = false;
}
function clearError() { errorBox.hidden = true; errorText.textContent = ""; lastFailed = null; }

// Plain words for what went wrong; the detail only where it helps the person.
function explain(status, body) {
  let detail = body && body.detail, about = String(detail);
  if (Array.isArray(detail)) {   // FastAPI's [{loc: ["body", "user_id"], msg}]
    about = detail.map((e) => (e.loc || []).join(".") + " " + e.msg).join("; ");
    detail = detail.map((e) => e.msg).filter(Boolean).join("; ");
  }
  if (status === 422 || status === 400) {
    if (/user/i.test(about)) return "That user id was not accepted: use a number such as 42, or leave it empty.";
    if (/too long|at most/i.test(about)) return "That message is too long: at most 2,000 characters.";
    return "chatrec could not read that message" + (detail ? " (" + detail + ")" : "") + ". Try wording it differently.";
  }
  if (status === 429) return "Too many messages at once. Wait a moment, then try again.";
  if (status === 503 && /busy/i.test(about)) return "chatrec is busy for a moment. Try again in a second.";
  if (status === 503) return "chatrec is not ready: its data or models are missing on the server. Try again in a moment.";
  if (status === 401) return "This chatrec server needs an API key. Reload the page to enter one.";
  if (status === 404) return "chatrec could not find that" + (detail ? " (" + detail + ")" : "") + ".";
  return "Something went wrong on the server (HTTP " + status + "). Try again.";
}

// ---------------------------------------------------------------- talking to the server
function setBusy(on) {
  busy = on;
  send.setAttribute("aria-disabled", String(on));
  log.toggleAttribute("aria-busy", on);
  document.body.classList.toggle("busy", on);   // one class, not an attribute per button
}

// fetch() with the API key this browser was given, if the server asks for one: on a
// 401 the person is asked once, and the key is kept in localStorage.
async function api(path, options) {
  const attempt = () => {
    const opts = Object.assign({}, options || {});
    const key = localStorage.getItem(API_KEY);
    opts.headers = Object.assign({}, opts.headers || {},
                                 key ? {"Authorization": "Bearer " + key} : {});
    return fetch(path, opts);
  };
  let resp = await attempt();
  if (resp.status === 401) {
    localStorage.removeItem(API_KEY);
    const key = (window.prompt("This chatrec server needs an API key:") || "").trim();
    if (key) {
      localStorage.setItem(API_KEY, key);
      resp = await attempt();
    }
  }
  return resp;
}
window.chatrecFetch = api;   // static/complete.js searches titles through it

async function post(message) {
  const payload = {message: message};
  const session = localStorage.getItem(SESSION_KEY);
  if (session) payload.session_id = session;
  const user = userInput.value.trim();
  if (user) payload.user_id = /^\d+$/.test(user) ? Number(user) : user;
  const resp = await api("chat", {method: "POST", body: JSON.stringify(payload),
                                  headers: {"Content-Type": "application/json"}});
  let body = null;
  try { body = await resp.json(); } catch (e) { body = null; }
  // A session the server no longer knows: start a new one and send again, once.
  if (resp.status === 404 && session) {
    localStorage.removeItem(SESSION_KEY);
    return post(message);
  }
  return {resp, body};
}

// Sends one turn; resolves true when a reply was shown.
async function chat(message, bubble) {
  if (busy) return false;
  clearError();
  const user = userInput.value.trim();
  localStorage.setItem(USER_KEY, user);
  const mine = bubble || addMessage("you", message, "me");
  mine.classList.remove("failed");
  reveal(mine);
  setBusy(true);
  const t0 = performance.now();
  try {
    const {resp, body} = await post(message);
    if (!resp.ok) {
      mine.classList.add("failed");
      showError(explain(resp.status, body), () => chat(message, mine));
      return false;
    }
    if (body.session_id) localStorage.setItem(SESSION_KEY, body.session_id);
    reveal(showReply(body));
    window.chatrecLastTurnMs = performance.now() - t0;   // read by bench/bench_web.py
    return true;
  } catch (e) {
    mine.classList.add("failed");
    showError("chatrec cannot be reached: is the server still running? Your message " +
              "was not sent.", () => chat(message, mine));
    return false;
  } finally {
    setBusy(false);
  }
}

// After a reload: the session's recent turns, from the server.
async function restore() {
  const session = localStorage.getItem(SESSION_KEY);
  if (!session) { greet(); return; }
  try {
    const resp = await api("sessions/" + encodeURIComponent(session));
    if (resp.status === 404 || resp.status === 422) {
      localStorage.removeItem(SESSION_KEY);
      greet();
      return;
    }
    if (!resp.ok) throw new Error("HTTP " + resp.status);
    const state = await resp.json();
    if (!state.transcript || !state.transcript.length) { greet(); return; }
    for (const turn of state.transcript) {
      addMessage("you", turn.message, "me");
      showReply({reply: turn.reply, items: turn.items});
    }
    if (state.turns > state.transcript.length) {
      log.prepend(el("li", "msg note who", "Earlier turns of this conversation are not shown."));
    }
    reveal(log.lastElementChild);
  } catch (e) {
    greet();
    showError("The earlier conversation could not be loaded.", () => {
      log.replaceChildren(); clearError(); restore();
    });
  }
}

// ---------------------------------------------------------------- wiring
form.addEventListener("submit", (event) => {
  event.preventDefault();
  const message = input.value.trim();
  if (!message) { showError("Type a message first.", null); input.focus(); return; }
  if (busy) return;
  input.value = "";
  chat(message).then(() => input.focus());
});
$("retry").addEventListener("click", () => lastFailed && lastFailed());
$("reset").addEventListener("click", () => {
  const session = localStorage.getItem(SESSION_KEY);
  if (session) api("sessions/" + encodeURIComponent(session), {method: "DELETE"}).catch(() => {});
  localStorage.removeItem(SESSION_KEY);
  log.replaceChildren();
  clearError();
  greet();
  input.focus();
});
window.chatrecSend = chat;   // used by static/complete.js and tests
restore();
