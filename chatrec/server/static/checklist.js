// chatrec web page: a newcomer's checklist ("My first 10 picks — which have you seen,
// and which did you love?") drawn as a panel to tap: Seen / Loved per film, one Send
// that sends the typed answer a person could write ("seen 2 5 7, loved 5"; nothing
// tapped: "none of them"). Its films are not recommendation cards (no one-tap turns).
// A panel answers only while it is the latest list: once it is sent, or a later list
// arrives, it is closed. Loaded after cards.js (el, shownTitle, spoken) and before
// app.js, whose chat() Send calls. Plain ES2020, no build step.
"use strict";

(() => {
  const WORDS = CARDS.checklist;   // the button labels and answer words (index.html)

  // "2 5 7" -> "seen 2 5 7"; with loved ones: "seen 2 5 7, loved 5"
  function answer(seen, loved) {
    if (!seen.length) return WORDS.none;
    const text = WORDS.seen.replace("{n}", seen.join(" "));
    return loved.length ? text + ", " + WORDS.loved.replace("{n}", loved.join(" ")) : text;
  }

  function toggle(card, mark, on) {
    const b = card.querySelector("[data-mark=" + mark + "]");
    b.setAttribute("aria-pressed", String(on));
  }
  const isOn = (card, mark) =>
    card.querySelector("[data-mark=" + mark + "]").getAttribute("aria-pressed") === "true";

  function pick(film, n) {
    const li = el("li", "film pick");
    li.dataset.testid = "checklist-item";
    li.dataset.itemId = film.item_id;
    li.dataset.n = n;
    const head = el("div", "film-head");
    head.append(el("span", "pick-title", shownTitle(film)));
    const genres = (film.genres || []).join(", ");
    const meta = [film.year ? "(" + film.year + ")" : "", genres ? "— " + genres : ""]
      .filter(Boolean).join(" ");
    if (meta) head.append(el("span", "meta", meta));
    li.append(head);
    const marks = el("div", "actions");
    marks.setAttribute("role", "group");
    marks.setAttribute("aria-label", "Have you seen " + spoken(film) + "?");
    for (const mark of ["seen", "loved"]) {
      const b = el("button", "action", WORDS.labels[mark]);
      b.type = "button";
      b.dataset.mark = mark;
      b.setAttribute("aria-pressed", "false");
      b.setAttribute("aria-label", WORDS.labels[mark] + ": " + spoken(film));
      b.addEventListener("click", () => {
        const on = !isOn(li, mark);
        toggle(li, mark, on);
        if (mark === "loved" && on) toggle(li, "seen", true);    // loved means seen
        if (mark === "seen" && !on) toggle(li, "loved", false);
        update(li.closest("[data-testid=checklist]"));
      });
      marks.append(b);
    }
    li.append(marks);
    return li;
  }

  // What Send would send, on the button itself.
  function update(box) {
    const {seen, loved} = marked(box);
    box.querySelector("[data-testid=checklist-send]").textContent =
      seen.length ? WORDS.labels.send + ": " + answer(seen, loved)
                  : WORDS.labels.send + ": " + WORDS.none;
  }

  function marked(box) {
    const cards = [...box.querySelectorAll("[data-testid=checklist-item]")];
    return {seen: cards.filter((c) => isOn(c, "seen")).map((c) => c.dataset.n),
            loved: cards.filter((c) => isOn(c, "loved")).map((c) => c.dataset.n)};
  }

  function panel(items) {
    const box = el("div", "checklist");
    box.dataset.testid = "checklist";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "My first picks: mark the ones you have seen and loved");
    const ol = el("ol", "films");
    items.forEach((film, i) => ol.append(pick(film, i + 1)));
    const send = el("button", "ghost send-marks");
    send.type = "button";
    send.dataset.testid = "checklist-send";
    send.addEventListener("click", () => {
      if (box.classList.contains("closed")) return;
      const {seen, loved} = marked(box);
      close(box);
      chat(answer(seen, loved));
    });
    box.append(ol, send);
    update(box);
    return box;
  }

  // A closed panel keeps what was tapped, but can no longer be changed or sent.
  function close(box) {
    box.classList.add("closed");
    box.querySelectorAll("button").forEach((b) => { b.disabled = true; });
  }
  const retire = () => document.querySelectorAll("[data-testid=checklist]:not(.closed)")
    .forEach(close);

  window.chatrecChecklist = {panel, retire, answer};
})();
