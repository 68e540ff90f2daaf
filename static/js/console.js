// Keyboard shortcuts of the facilitator console. They press a button on the page
// ([data-shortcut="…"]), so the rules stay on the server; a disabled or absent button does
// nothing. The keys follow the session's mode (data-mode on the console's buttons): in a
// table spread the main move is giving the next turn, in pairs mode the next round of pairs,
// in draw mode calling the next person to share, in reveal mode turning the next card.
// The shortcuts box in templates/sessions/console.html lists the same keys.
const SHORTCUTS = {
  // In every mode.
  all: { ArrowLeft: "previous", a: "open-answers", w: "wall", l: "lock-answers", n: "open-next-level" },
  reveal: { ArrowRight: "next", " ": "next", t: "turn-next" },
  spread: { ArrowRight: "turn-next", " ": "turn-next", r: "next" },
  pairs: { ArrowRight: "pair-up", " ": "pair-up" },
  draw: { ArrowRight: "turn-next", " ": "turn-next", r: "turn-random" },
};

const currentMode = () => document.querySelector("[data-mode]")?.dataset.mode || "reveal";

document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey || event.repeat) return;
  if (event.target.closest("input, textarea, select, [contenteditable]")) return;
  if (event.key === " " && event.target.closest("button, a, summary")) return;
  const keys = { ...SHORTCUTS.all, ...SHORTCUTS[currentMode()] };
  const shortcut = keys[event.key];
  const button = shortcut && document.querySelector(`[data-shortcut="${shortcut}"]:not([disabled])`);
  if (button) {
    event.preventDefault();
    // From nowhere in particular, the keyboard focus goes to the button pressed, so the next Tab
    // starts from the controls and the focus follows that button through its redraw.
    if (!document.activeElement || document.activeElement.matches("body, main")) button.focus();
    button.click();
  }
});

// Folding boxes that live updates redraw (who has not answered, the shortcuts) stay as the
// facilitator left them, open or closed.
(() => {
  const chosen = new Map();
  document.addEventListener("toggle", (event) => {
    if (event.target.matches?.("details[data-remember][id]")) chosen.set(event.target.id, event.target.open);
  }, true);
  document.addEventListener("htmx:load", (event) => {
    event.detail.elt.querySelectorAll?.("details[data-remember][id]").forEach((details) => {
      if (chosen.has(details.id)) details.open = chosen.get(details.id);
    });
  });
})();
