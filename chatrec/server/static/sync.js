// Keeps the page true to the server's conversation:
// - after a reload, the session's recent turns come back from GET /sessions/{id};
// - one conversation per browser: every tab shows the same session, and a tab that
//   comes back into view (or sees another tab start a new conversation) redraws itself
//   when the conversation went on elsewhere, so "more" continues the list on screen;
// - the one-tap buttons show what the server stored: "Loved it" and "Not for me" are
//   one rating (the last one wins, so at most one is pressed), "Seen it" is apart.
"use strict";
(() => {
  const {page, greet, showReply, addMessage, showError, clearError, revealTurn, api} =
    window.chatrec;
  const log = document.getElementById("log");
  const LOVED = 4, DISLIKED = 2;   // the conversation's "liked" and "disliked" bounds
  const stored = {ratings: new Map(), seen: new Set()};

  function remember(state) {
    stored.ratings = new Map((state.ratings || []).map((r) => [String(r.item_id), r.rating]));
    stored.seen = new Set((state.seen || []).map((s) => String(s.item_id)));
  }

  function press(card, key, on) {
    const b = card.querySelector("[data-action=" + key + "]");
    if (b) b.setAttribute("aria-pressed", String(on));
  }

  function applyTo(card) {
    const id = card.dataset.itemId, rating = stored.ratings.get(id);
    press(card, "loved", rating !== undefined && rating >= LOVED);
    press(card, "dislike", rating !== undefined && rating <= DISLIKED);
    press(card, "seen", stored.seen.has(id));
  }
  const applyAll = () => log.querySelectorAll("[data-testid=film-item]").forEach(applyTo);

  async function fetchState(session) {
    const resp = await api("sessions/" + encodeURIComponent(session));
    if (resp.status === 404 || resp.status === 422) return null;   // expired or deleted
    if (!resp.ok) throw new Error("HTTP " + resp.status);
    return resp.json();
  }

  function render(state) {
    log.replaceChildren();
    remember(state);
    page.session = state.session_id;
    page.turns = state.turns;
    if (!state.transcript || !state.transcript.length) { greet(); return; }
    if (state.turns > state.transcript.length) {
      log.append(el("li", "msg note who", "Earlier turns of this conversation are not shown."));
    }
    let mine = null, reply = null;
    for (const turn of state.transcript) {
      mine = addMessage("you", turn.message, "me");
      reply = showReply({reply: turn.reply, items: turn.items, checklist: turn.checklist});
    }
    revealTurn(mine, reply);
  }

  function fresh() {
    localStorage.removeItem(SESSION_KEY);
    page.session = null;
    page.turns = 0;
    log.replaceChildren();
    greet();
  }

  // A turn begun while the session was being fetched wins: its reply is newer.
  const overtaken = (epoch) => epoch !== page.epoch || window.chatrec.isBusy();

  async function restore() {
    const session = localStorage.getItem(SESSION_KEY), epoch = page.epoch;
    if (!session) { fresh(); return; }
    try {
      const state = await fetchState(session);
      if (overtaken(epoch)) return;
      if (state) render(state); else fresh();
    } catch (e) {
      if (overtaken(epoch)) return;
      log.replaceChildren();
      greet();
      showError("The earlier conversation could not be loaded.", () => {
        clearError();
        restore();
      });
    }
  }

  let checking = false;
  async function resync() {
    if (checking || window.chatrec.isBusy()) return;
    checking = true;
    try {
      const session = localStorage.getItem(SESSION_KEY), epoch = page.epoch;
      if (session !== page.session) { await restore(); return; }
      if (!session) return;
      const state = await fetchState(session);
      if (overtaken(epoch)) return;
      if (!state) fresh();
      else if (state.turns !== page.turns) render(state);
      else { remember(state); applyAll(); }
    } catch (e) {
      // offline for a moment: the next turn says what is wrong
    } finally {
      checking = false;
    }
  }

  async function refreshStates() {
    if (!page.session) return;
    try {
      const state = await fetchState(page.session);
      if (state) { remember(state); applyAll(); }
    } catch (e) {
      // the buttons keep their last known state
    }
  }

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") resync();
  });
  window.addEventListener("focus", resync);
  window.addEventListener("storage", (e) => { if (e.key === SESSION_KEY) resync(); });
  window.chatrecSync = {applyTo, refreshStates, resync, restore};
  restore();
})();
