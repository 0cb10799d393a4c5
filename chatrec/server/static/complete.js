// Title completion in the message box (an ARIA combobox): after "like", "loved",
// "about"... (or on the whole text) it asks GET /items?search=, which matches titles
// the way the chat does, and offers up to 6 films. Arrow keys move, Enter or a click
// takes one, Escape closes. naturalTitle() comes from app.js.
"use strict";
(() => {
  const input = document.getElementById("message");
  const list = document.getElementById("suggestions");
  // the words after which a film title usually follows
  const CUE = /\b(?:like|loved?|liked|enjoyed|hated|seen|watched|about|why|than|rate|and)\s+/gi;
  let timer = 0, asked = 0, options = [], active = -1, span = null;

  function fragment() {
    const text = input.value.slice(0, input.selectionStart ?? input.value.length);
    let start = 0, m;
    CUE.lastIndex = 0;
    while ((m = CUE.exec(text))) start = m.index + m[0].length;
    const typed = text.slice(start);
    return typed.trim().length >= 2 ? {start, end: text.length, typed} : null;
  }

  function close() {
    list.hidden = true;
    list.replaceChildren();
    options = [];
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function choose(i) {
    const film = options[i];
    if (!film || !span) return;
    const title = naturalTitle(film.title) + (film.year ? " (" + film.year + ")" : "");
    const before = input.value.slice(0, span.start), after = input.value.slice(span.end);
    input.value = before + title + after;
    const caret = (before + title).length;
    input.setSelectionRange(caret, caret);
    close();
    input.focus();
  }

  function highlight(i) {
    active = i;
    [...list.children].forEach((li, j) => li.setAttribute("aria-selected", String(j === i)));
    if (i >= 0) {
      input.setAttribute("aria-activedescendant", list.children[i].id);
      list.children[i].scrollIntoView({block: "nearest"});
    } else input.removeAttribute("aria-activedescendant");
  }

  async function suggest() {
    span = fragment();
    if (!span) return close();
    const ticket = ++asked;
    try {
      const resp = await (window.chatrecFetch || fetch)("items?limit=6&search=" + encodeURIComponent(span.typed.trim()));
      if (!resp.ok || ticket !== asked) return;
      const found = (await resp.json()).items || [];
      if (ticket !== asked) return;
      if (!found.length) return close();
      options = found;
      list.replaceChildren(...found.map((film, i) => {
        const li = document.createElement("li");
        li.id = "suggestion-" + i;
        li.setAttribute("role", "option");
        li.dataset.testid = "suggestion";
        li.append(naturalTitle(film.title) + " ");
        const year = document.createElement("span");
        year.className = "year";
        year.textContent = film.year ? "(" + film.year + ")" : "";
        li.append(year);
        li.addEventListener("mousedown", (e) => { e.preventDefault(); choose(i); });
        return li;
      }));
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(-1);
    } catch (e) { close(); }
  }

  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(suggest, 120); });
  input.addEventListener("blur", () => setTimeout(close, 100));
  input.addEventListener("keydown", (e) => {
    if (list.hidden) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const n = options.length, step = e.key === "ArrowDown" ? 1 : -1;
      highlight(active < 0 ? (step > 0 ? 0 : n - 1) : (active + step + n) % n);
    } else if (e.key === "Enter" && active >= 0) {
      e.preventDefault();
      choose(active);
    } else if (e.key === "Escape") {
      e.preventDefault();
      close();
    }
  });
  input.form.addEventListener("submit", close);
})();
