// Keyboard shortcuts of the facilitator console: → or space next card, ← back,
// a open answers, t next turn. They press the button on the page, so the rules stay on the server.
document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey || event.repeat) return;
  if (event.target.closest("input, textarea, select, [contenteditable]")) return;
  if (event.key === " " && event.target.closest("button, a, summary")) return;
  const shortcut = { ArrowRight: "next", " ": "next", ArrowLeft: "previous", a: "open-answers", t: "turn-next" }[event.key];
  const button = shortcut && document.querySelector(`[data-shortcut="${shortcut}"]:not([disabled])`);
  if (button) {
    event.preventDefault();
    button.click();
  }
});
