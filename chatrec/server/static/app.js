// chatrec web page: the conversation — turns sent one at a time (a second message
// waits its turn, visibly), replies drawn and scrolled into view, errors in plain
// words. cards.js draws the films, sync.js keeps the page true to the stored session
// (reloads, tabs, one-tap states), composer.js runs the message box. Plain ES2020, no
// build step.
"use strict";

const SESSION_KEY = "chatrec.session_id", USER_KEY = "chatrec.user_id",
      API_KEY = "chatrec.api_key";
const MAX_MESSAGE = 2000;   // the server's limit (chatrec/service.py MAX_MESSAGE)
const $ = (id) => document.getElementById(id);
const form = $("chat"), input = $("message"), send = $("send"), log = $("log"),
      errorBox = $("error"), errorText = $("error-text"), userInput = $("user"),
      composer = $("composer"), lengthNote = $("length-note");
const EXAMPLES = ["movies like Star Wars", "top 10 comedies", "something scary from the 80s",
                  "what's popular"];
const SURPRISE = "surprise me";
// what the page knows of the conversation it shows (sync.js keeps it in step)
// (epoch counts turns started here: a redraw fetched before one began is dropped)
const page = {session: localStorage.getItem(SESSION_KEY), turns: 0, noun: "films",
              favourites: [], epoch: 0};
let busy = false, lastFailed = null;
const queue = [];          // turns typed while one is in flight: sent in order after it
const knownUsers = new Set();
userInput.value = localStorage.getItem(USER_KEY) || "";

// ---------------------------------------------------------------- scrolling
const barTop = () => composer.getBoundingClientRect().top - 8;

// Keep a node above the input bar (a short message, a failed one under the error box).
function keepAbove(node) {
  const box = node.getBoundingClientRect(), limit = barTop();
  if (box.bottom > limit) window.scrollBy(0, box.bottom - limit);
  else if (box.top < 0) window.scrollBy(0, box.top - 8);
}

// After a reply: the whole turn (your message and the reply) when it fits between the
// top of the window and the input bar; otherwise its START, so the heading and the
// first films are what you see, and you scroll down through the rest.
function revealTurn(mine, reply) {
  const top = (mine || reply).getBoundingClientRect().top;
  const bottom = reply.getBoundingClientRect().bottom, limit = barTop();
  if (bottom - top <= limit - 8) {
    if (bottom > limit || top < 0) window.scrollBy(0, bottom - limit);
  } else {
    window.scrollBy(0, top - 8);
  }
}

// ---------------------------------------------------------------- rendering
function addMessage(who, text, cls) {
  const li = el("li", "msg " + cls);
  li.append(el("span", "who", who), el("p", "reply", text));
  log.append(li);
  return li;
}

function showReply(body) {
  const li = addMessage("chatrec", body.reply || "", "bot");
  const items = body.items || [];
  const checklist = window.chatrecChecklist;
  if (items.length && checklist) checklist.retire();   // a later list closes a checklist
  if (items.length && body.checklist && checklist) {
    li.append(checklist.panel(items));   // seen / loved to tap: not recommendation cards
  } else if (items.length) {
    const ol = el("ol", "films");
    ol.setAttribute("aria-label", page.noun.charAt(0).toUpperCase() + page.noun.slice(1));
    items.forEach((film) => ol.append(filmCard(film)));
    li.append(ol);
  }
  const candidates = (body.query && body.query.candidates) || [];
  if (!items.length && candidates.length) {
    li.append(chips(candidates.map((c) => naturalTitle(c.title)), "Did you mean"));
  }
  return li;
}

// "surprise me" sends a different request each time: films like one of the catalog's
// best-known titles, picked at random (the bubble shows what was asked).
function surprise() {
  const films = page.favourites;
  if (!films.length) return SURPRISE;
  return "movies like " + spoken(films[Math.floor(Math.random() * films.length)]);
}

function greet() {
  const li = addMessage("chatrec", "Hi! Tell me a film you liked, a genre or a decade, " +
                        "and I'll suggest films with a reason for each. Try one of these:", "bot");
  li.dataset.testid = "greeting";
  const list = chips([...EXAMPLES, SURPRISE], "Examples",
                     (text) => (text === SURPRISE ? surprise() : text));
  li.append(list);
  fetch("health").then((r) => (r.ok ? r.json() : null)).then((h) => {
    if (h && h.items) {
      const noun = page.noun = h.noun || "films";
      li.querySelector(".reply").textContent = "Hi! I know " + h.items.toLocaleString("en") +
        " " + noun + ", rated by " + h.users.toLocaleString("en") + " people. Tell me one " +
        "you liked, a genre or a decade, and I'll suggest " + noun + " with a reason for " +
        "each. Try one of these:";
    }
  }).catch(() => {});
  quietly("items?limit=50").then((r) => (r.ok ? r.json() : null))
    .then((found) => { page.favourites = (found && found.items) || []; }).catch(() => {});
}

// ---------------------------------------------------------------- errors
// retry: a function for the "Try again" button, or null when trying the same thing
// again cannot help (a message too long, a bad user id): then the text goes back into
// the message box to be changed.
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
  if (status === 413) return "That message is too long for this server. Shorten it and send it again.";
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
// Only a server-side or passing failure is worth the same request again.
const retryable = (status) => status >= 500 || status === 429 || status === 408;

// ---------------------------------------------------------------- talking to the server
function setBusy(on) {
  busy = on;
  send.setAttribute("aria-disabled", String(on));
  log.parentElement.toggleAttribute("aria-busy", on);
  document.body.classList.toggle("busy", on);   // one class, not an attribute per button
  const typing = log.querySelector("[data-testid=typing]");
  if (on && !typing) {
    const li = el("li", "msg typing");
    li.dataset.testid = "typing";
    li.append(el("span", "who", "chatrec"), el("p", "reply", "is thinking"));
    li.querySelector(".reply").append(el("span", "dots", "…"));
    log.append(li);
    keepAbove(li);
  } else if (!on && typing) typing.remove();
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

// A GET that sends the stored API key but never asks for one (page furniture).
function quietly(path) {
  const key = localStorage.getItem(API_KEY);
  return fetch(path, {headers: key ? {"Authorization": "Bearer " + key} : {}});
}

// A user id the dataset does not know is said before the turn, not ignored by it.
async function checkUser(user) {
  if (!user || knownUsers.has(user)) return null;
  const resp = await api("users/" + encodeURIComponent(user) + "/recommendations?k=1");
  if (resp.ok) { knownUsers.add(user); return null; }
  if (resp.status === 404 || resp.status === 422) {
    return "There is no user " + user + " in this dataset: a user id is one of its " +
      "raters (a number such as 42). Change it, or clear the field to chat as yourself.";
  }
  return null;   // anything else: the turn itself will say what is wrong
}

async function post(message) {
  const payload = {message: message, panel: true};   // checklists drawn as panels here
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

// A turn that did not go through: the bubble says so, the text is kept.
function failed(mine, message, text, retry) {
  mine.classList.add("failed");
  mine.querySelector(".who").textContent = "you · not sent";
  showError(text, retry);
  if (!retry && !input.value) input.value = message;   // to change it and send again
  keepAbove(mine);
  return false;
}

// Sends one turn; resolves true when its reply was shown. While a turn is in flight,
// the next ones wait in `queue`, shown as "waiting" under it, and go in order.
function chat(message, bubble) {
  const mine = bubble || addMessage("you", message, "me");
  if (busy || queue.length) {
    mine.classList.add("queued");
    mine.querySelector(".who").textContent = "you · waiting for the reply above";
    keepAbove(mine);
    const sent = new Promise((resolve) => queue.push({message, mine, resolve}));
    if (!busy) next();   // nothing in flight (the one before failed): go on in order
    return sent;
  }
  return run(message, mine);
}

async function run(message, mine) {
  clearError();
  const user = userInput.value.trim();
  localStorage.setItem(USER_KEY, user);
  mine.classList.remove("failed", "queued");
  mine.querySelector(".who").textContent = "you";
  page.epoch += 1;
  setBusy(true);
  const t0 = performance.now();
  let ok = false;
  try {
    const problem = await checkUser(user);
    if (problem) return failed(mine, message, problem, null);
    const {resp, body} = await post(message);
    if (!resp.ok) {
      return failed(mine, message, explain(resp.status, body),
                    retryable(resp.status) ? again(message, mine) : null);
    }
    setBusy(false);
    if (body.session_id !== page.session) page.turns = 0;
    page.session = body.session_id;
    page.turns += 1;
    if (body.session_id) localStorage.setItem(SESSION_KEY, body.session_id);
    revealTurn(mine, showReply(body));
    window.chatrecLastTurnMs = performance.now() - t0;   // read by bench/bench_web.py
    const intent = body.query && body.query.intent;
    if ((intent === "rate" || intent === "seen") && window.chatrecSync) {
      window.chatrecSync.refreshStates();   // the buttons show what the server stored
    }
    ok = true;
    return true;
  } catch (e) {
    return failed(mine, message, "chatrec cannot be reached: is the server still running? " +
                  "Your message was not sent.", again(message, mine));
  } finally {
    setBusy(false);
    if (ok || !lastFailed) next();   // after a failure worth retrying, the rest wait for it
  }
}

// "Try again": the failed turn goes first, before any typed after it.
function again(message, mine) {
  return () => {
    if (!busy) { run(message, mine); return; }
    mine.classList.add("queued");
    queue.unshift({message, mine, resolve: () => {}});
  };
}

function next() {
  const waiting = queue.shift();
  if (waiting) run(waiting.message, waiting.mine).then(waiting.resolve);
}

window.chatrec = {page, greet, showReply, addMessage, showError, clearError, revealTurn,
                  api, quietly, isBusy: () => busy || queue.length > 0};
window.chatrecSend = chat;   // used by static/complete.js and tests
