// chatrec web page: the message box and the buttons around it — a message over the
// server's length is said, not cut; the placeholder is the longest example that
// fits; Enter sends (or queues, app.js); Try again; New conversation.
"use strict";

function lengthProblem() {
  const n = input.value.length;
  return n > MAX_MESSAGE ? n.toLocaleString("en") + " characters: at most " +
    MAX_MESSAGE.toLocaleString("en") + " can be sent. Shorten it to send." : "";
}
input.addEventListener("input", () => {
  const problem = lengthProblem();
  lengthNote.textContent = problem;
  lengthNote.hidden = !problem;
});

// The longest example that fits the message box (a phone gets a shorter one).
const PLACEHOLDERS = ["e.g. something like The Godfather, but funnier",
                      "e.g. like The Godfather, but funnier", "e.g. movies like Fargo"];
function textWidth(text, node) {
  const ctx = (textWidth.canvas ||= document.createElement("canvas")).getContext("2d");
  const style = getComputedStyle(node);
  ctx.font = [style.fontStyle, style.fontWeight, style.fontSize, style.fontFamily].join(" ");
  return ctx.measureText(text).width;
}
function fitPlaceholder() {
  const style = getComputedStyle(input);
  const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  input.placeholder = PLACEHOLDERS.find((p) => textWidth(p, input) <= room) || PLACEHOLDERS.at(-1);
}
window.addEventListener("resize", fitPlaceholder);
fitPlaceholder();

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const message = input.value.trim();
  if (!message) { showError("Type a message first.", null); input.focus(); return; }
  const tooLong = lengthProblem();
  if (tooLong) { showError("That message is too long: " + tooLong, null); input.focus(); return; }
  input.value = "";
  chat(message);
  input.focus();
});
$("retry").addEventListener("click", () => lastFailed && lastFailed());
$("reset").addEventListener("click", () => {
  const session = localStorage.getItem(SESSION_KEY);
  if (session) api("sessions/" + encodeURIComponent(session), {method: "DELETE"}).catch(() => {});
  localStorage.removeItem(SESSION_KEY);
  page.session = null;
  page.turns = 0;
  queue.length = 0;
  log.replaceChildren();
  clearError();
  greet();
  input.focus();
});

window.chatrec.textWidth = textWidth;   // the layout tests measure with it
