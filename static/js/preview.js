// Keys for the preview: → or space flips the next card, ← goes back.
document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.target.closest("input, textarea, select, button, a")) {
    if (event.key === " ") return;
  }
  const key = { ArrowRight: "next", " ": "next", ArrowLeft: "previous" }[event.key];
  const link = key && document.querySelector(`#stage [data-key="${key}"]`);
  if (link) {
    event.preventDefault();
    link.click();
  }
});
