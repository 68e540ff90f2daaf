// Keyboard shortcuts of the facilitator console: → or space next card, ← back,
// a open answers, t next turn, w word cloud or answers in the room. They press the button on
// the page, so the rules stay on the server.
document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey || event.repeat) return;
  if (event.target.closest("input, textarea, select, [contenteditable]")) return;
  if (event.key === " " && event.target.closest("button, a, summary")) return;
  const shortcut = { ArrowRight: "next", " ": "next", ArrowLeft: "previous", a: "open-answers", t: "turn-next", w: "wall" }[event.key];
  const button = shortcut && document.querySelector(`[data-shortcut="${shortcut}"]:not([disabled])`);
  if (button) {
    event.preventDefault();
    button.click();
  }
});
