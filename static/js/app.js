// After htmx swaps in new content, move the keyboard focus where the fragment asks for it,
// so adding, editing and reordering cards never leaves a keyboard user lost on the page.
document.addEventListener("htmx:afterSettle", (event) => {
  const target = event.detail.elt.querySelector?.("[data-autofocus]") ||
    (event.detail.elt.matches?.("[data-autofocus]") ? event.detail.elt : null);
  if (target) target.focus();
});

// A swap that replaces the focused element (a button's own response, or the same fragment
// pushed over the socket: htmx keeps focus only on an element with an id, and only in its own
// responses) gives the focus to its counterpart in the new content: the element with the same
// id, else the same button of the same form, else the same link; failing those (a button now
// disabled or gone), to the first heading of the nearest part of the page still there. Without
// this a keyboard user is thrown back to the top of the page by every live update.
(() => {
  // What lost the focus, until a later swap gives it back. A button's own response and a
  // pushed update can cross (one swapped, the other before the first has settled): the second
  // must not forget the first's loss, so it is kept until focus is somewhere again, for a while.
  let lost = null;
  const KEEP_MS = 3000;
  const visible = (element) => element && !element.disabled && element.checkVisibility?.() !== false &&
    !element.closest(".visually-hidden, [hidden]");
  const describe = (active) => {
    const form = active.form;
    return {
      since: Date.now(),
      element: active,
      id: active.id,
      button: form && active.matches("button") ?
        `form[action="${CSS.escape(form.getAttribute("action") || "")}"] button` +
        (active.name ? `[name="${CSS.escape(active.name)}"][value="${CSS.escape(active.value)}"]` : "") : null,
      link: active.matches("a[href]") ? `a[href="${CSS.escape(active.getAttribute("href"))}"]` : null,
      places: [...function* () { for (let up = active.parentElement; up; up = up.parentElement) if (up.id) yield up.id; }()],
    };
  };
  const remember = () => {
    const active = document.activeElement;
    if (!active || active === document.body) return;  // already lost: keep what was
    lost = describe(active);
  };
  // The last element that had the focus: should a swap take it away unnoticed (two swaps
  // crossing), the next swap still finds where it was.
  let lastSeen = null;
  document.addEventListener("focusin", (event) => {
    if (event.target !== document.body) lastSeen = describe(event.target);
  });
  // Focus given by a script after the page lost it may not count as keyboard focus to the
  // browser (:focus-visible); it is shown all the same, until it moves on.
  const give = (element) => {
    element.classList.add("focus-given");
    element.addEventListener("blur", () => element.classList.remove("focus-given"), { once: true });
    element.focus();
  };
  const restore = () => {
    const active = document.activeElement;
    const dropped = lastSeen && !document.contains(lastSeen.element) && (!active || active === document.body);
    const was = lost || (dropped ? { ...lastSeen, since: Date.now() } : null);
    if (!was || document.contains(was.element) || (active && active !== document.body) ||
        Date.now() - was.since > KEEP_MS) {
      lost = null;
      return;
    }
    const found = (was.id && document.getElementById(was.id)) ||
      (was.button && [...document.querySelectorAll(was.button)].find(visible)) ||
      (was.link && [...document.querySelectorAll(was.link)].find(visible));
    if (visible(found)) {
      lost = null;
      give(found);
      return;
    }
    for (const id of was.places) {
      const place = document.getElementById(id);
      if (!place) continue;
      const heading = [...place.querySelectorAll("h1, h2, h3")].find(visible);
      const target = heading || [...place.querySelectorAll("button, a[href], input, textarea, select")].find(visible);
      if (!target) continue;
      if (target === heading && !heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
      lost = null;
      give(target);
      return;
    }
    // Nothing to go to yet (the other swap has not settled): the next one tries again.
  };
  document.addEventListener("htmx:beforeSwap", remember);
  document.addEventListener("htmx:wsBeforeMessage", remember);
  document.addEventListener("htmx:afterSettle", restore);
  document.addEventListener("htmx:wsAfterMessage", restore);
})();

// When a request fails (network down, server error), say so instead of doing nothing.
(() => {
  const show = (visible) => {
    const banner = document.getElementById("connection-problem");
    if (banner) banner.hidden = !visible;
  };
  // A form marked data-resends says so itself, and sends again by itself (the phone's answer).
  document.addEventListener("htmx:sendError", (event) => {
    if (!event.detail.elt.closest?.("[data-resends]")) show(true);
  });
  document.addEventListener("htmx:responseError", () => show(true));
  document.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.successful) show(false);
  });
})();

// Drag a card to a new place in the deck (the ↑ ↓ buttons do the same by keyboard).
(() => {
  let dragged = null;
  document.addEventListener("dragstart", (event) => {
    dragged = event.target.closest?.("[data-reorder-url] > [data-card]");
    if (dragged) {
      dragged.classList.add("is-dragging");
      event.dataTransfer.effectAllowed = "move";
    }
  });
  document.addEventListener("dragover", (event) => {
    const over = event.target.closest?.("[data-reorder-url] > [data-card]");
    if (!dragged || !over || over === dragged || over.parentElement !== dragged.parentElement) return;
    event.preventDefault();
    const box = over.getBoundingClientRect();
    const after = event.clientY > box.top + box.height / 2;
    over.parentElement.insertBefore(dragged, after ? over.nextSibling : over);
  });
  document.addEventListener("dragend", () => {
    if (!dragged) return;
    const list = dragged.parentElement;
    dragged.classList.remove("is-dragging");
    dragged = null;
    // Only the cards: a level's heading sits in the list too.
    const values = {card: [...list.children].filter((item) => item.dataset.card).map((item) => item.dataset.card)};
    htmx.ajax("POST", list.dataset.reorderUrl, {target: "#cards", swap: "outerHTML", values});
  });
})();

// On a phone the archive's filters start folded away under a "Filters" button,
// so the stories come first; on a wide screen they stay open beside the results.
document.querySelectorAll("details[data-close-on-phone]").forEach((details) => {
  if (window.matchMedia("(max-width: 760px)").matches) details.open = false;
});

// Live screens (room, console, phone) keep a WebSocket open. When it drops (the server
// restarts, Redis is down, the phone loses its network), say that live updates are paused
// and try again soon: after 0.5-1 s, then doubling, never more than 4-8 s apart, so a room
// is back within seconds of the server. The server sends the current state on reconnect.
(() => {
  htmx.config.wsReconnectDelay = (retries) => {
    const ceiling = Math.min(1000 * 2 ** retries, 8000);
    return ceiling / 2 + (Math.random() * ceiling) / 2;
  };
  const paused = (visible) => {
    const banner = document.getElementById("live-paused");
    if (banner) banner.hidden = !visible;
  };
  // 4403: the server said goodbye for good (a removed participant): nothing to wait for.
  document.addEventListener("htmx:wsClose", (event) => paused(event.detail.event?.code !== 4403));
  document.addEventListener("htmx:wsError", () => paused(true));
  document.addEventListener("htmx:wsOpen", () => paused(false));
})();

// A copy button: <button type="button" data-copy="#field-id" data-copied="Copied">. It copies
// the field's value (or text) and says so in a live region beside it; where the browser
// refuses the clipboard (no HTTPS), it selects the text so that Ctrl+C copies it.
document.addEventListener("click", async (event) => {
  const button = event.target.closest?.("[data-copy]");
  if (!button) return;
  const field = document.querySelector(button.dataset.copy);
  if (!field) return;
  const text = field.value ?? field.textContent;
  let status = button.nextElementSibling;
  if (!status?.matches("[data-copy-status]")) {
    status = document.createElement("span");
    status.dataset.copyStatus = "";
    status.className = "copy-status";
    status.setAttribute("role", "status");
    button.after(status);
  }
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = button.dataset.copied;
  } catch {
    field.focus();
    field.select?.();
    status.textContent = button.dataset.copyFailed || "";
  }
});
