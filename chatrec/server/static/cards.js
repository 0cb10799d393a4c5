// chatrec web page: how a film is drawn — its card with one-tap buttons that send the
// turns a person would type, its ratings chart, and rows of chips. Plain ES2020,
// no build step; every element gets text content only (a reply is never parsed as
// HTML). Loaded before app.js, whose chat() the buttons call.
"use strict";

const CARDS = JSON.parse(document.getElementById("card-actions").textContent);

// ---------------------------------------------------------------- small helpers
// Elements get text content only: a reply is never parsed as HTML.
function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

// MovieLens files articles at the end ("Godfather, The"); the server sends
// display_title, this is for older transcripts that lack it.
const TRAILING_ARTICLE = /^(.+), (The|A|An|Les|La|Le|L'|Il|El|Die|Das|Der|Los|Las)( \(.*\))?$/;
function naturalTitle(title) {
  const m = TRAILING_ARTICLE.exec(String(title));
  if (!m) return String(title);
  return m[2] + (m[2].endsWith("'") ? "" : " ") + m[1] + (m[3] || "");
}
const shownTitle = (film) => film.display_title || naturalTitle(film.title);
// "The Godfather (1972)": how a card names its film in the turns it sends.
const spoken = (film) => shownTitle(film) + (film.year ? " (" + film.year + ")" : "");
const fill = (template, film) => template.replace("{title}", spoken(film));

// ---------------------------------------------------------------- cards
function chips(texts, label, sendAs) {
  const ul = el("ul", "chips");
  ul.setAttribute("aria-label", label);
  for (const text of texts) {
    const li = el("li"), b = el("button", "chip", text);
    b.type = "button";
    b.addEventListener("click", () => chat(sendAs ? sendAs(text) : text));
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
  const title = el("button", "title-link", shownTitle(film));
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
    b.addEventListener("click", () => chat(fill(a.text, film)));
    actions.append(b);
  }
  li.append(actions);
  if (window.chatrecSync) window.chatrecSync.applyTo(li);   // its stored state, if any
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
