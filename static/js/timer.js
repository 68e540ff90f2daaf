// The session's countdown on the room, the phones and the console (templates/includes/timer.html).
//
// The server sends its times, never "seconds left": data-ends-at (when it reaches zero) and
// data-server-now (the server's clock when it drew the fragment), both in ms since 1970. The
// offset between that and this browser's clock when the fragment arrived is how far this
// clock is off (plus the fragment's travel time, well under a second), so a phone whose
// clock is five minutes wrong still shows what the room shows.
//
// It announces only "one minute left" and "time is up" (role="timer" is silent). At zero,
// with "lock answers when the time is up", a phone fetches its answer form again: the server,
// whose clock decides, now answers that the card is locked.
(() => {
  const seenAt = new WeakMap(); // timer element -> this browser's clock when it appeared
  const announced = new Set(); // "<ends-at>:<what>", so a redrawn fragment does not repeat it
  const refetched = new Set(); // "<ends-at>:<id>" of fragments already asked for again

  const format = (ms) => {
    const seconds = Math.max(0, Math.ceil(ms / 1000));
    const pad = (n) => String(n).padStart(2, "0");
    return `${pad(Math.floor(seconds / 60))}:${pad(seconds % 60)}`;
  };

  function remaining(timer) {
    if (timer.dataset.state !== "running") return Number(timer.dataset.left);
    if (!seenAt.has(timer)) seenAt.set(timer, Date.now());
    const offset = Number(timer.dataset.serverNow) - seenAt.get(timer);
    return Number(timer.dataset.endsAt) - (Date.now() + offset);
  }

  function announce(timer, key, text) {
    const region = timer.querySelector("[data-timer-announce]");
    if (!region || announced.has(key)) return;
    announced.add(key);
    region.textContent = text;
  }

  function timeIsUp(timer) {
    timer.classList.add("timer--up");
    timer.classList.remove("timer--running");
    const note = timer.querySelector("[data-timer-note]");
    if (note) note.textContent = note.dataset.up;
    askAgain(timer.dataset.endsAt, "host-timer");
    if (!("locksAnswers" in timer.dataset)) return;
    timer.closest(".timer-box")?.querySelector("[data-answers-lock]")?.removeAttribute("hidden");
    // The phone's own script fetches its answer form again (static/js/phone.js).
    const key = `${timer.dataset.endsAt}:answers`;
    if (refetched.has(key)) return;
    refetched.add(key);
    setTimeout(() => document.dispatchEvent(new CustomEvent("timer:up")), 400);
  }

  // The console's timer from the server again (whose clock decides), a moment past zero so
  // that the server's clock is past it too.
  function askAgain(endsAt, id) {
    if (!document.getElementById(id) || refetched.has(`${endsAt}:${id}`)) return;
    refetched.add(`${endsAt}:${id}`);
    setTimeout(() => {
      const current = document.getElementById(id);
      if (current) htmx.ajax("GET", current.dataset.src, { target: `#${id}`, swap: "outerHTML" });
    }, 400);
  }

  function tick() {
    document.querySelectorAll("[data-timer]").forEach((timer) => {
      const left = remaining(timer);
      const clock = timer.querySelector("[data-timer-clock]");
      const text = format(left);
      if (clock && clock.textContent !== text) clock.textContent = text;
      if (timer.dataset.state !== "running") return;
      const endsAt = timer.dataset.endsAt;
      const region = timer.querySelector("[data-timer-announce]");
      if (left <= 60_000 && left > 55_000) announce(timer, `${endsAt}:minute`, region?.dataset.oneMinute);
      if (left <= 0) {
        announce(timer, `${endsAt}:up`, region?.dataset.timeUp);
        timeIsUp(timer);
      }
    });
  }

  // A fragment's "server now" pairs with the moment it arrived, not with the next tick.
  const note = () => document.querySelectorAll("[data-timer]").forEach((timer) => {
    if (!seenAt.has(timer)) seenAt.set(timer, Date.now());
  });
  document.addEventListener("htmx:wsAfterMessage", () => { note(); tick(); });
  document.addEventListener("htmx:afterSwap", () => { note(); tick(); });
  document.addEventListener("DOMContentLoaded", () => {
    note();
    tick();
    setInterval(tick, 250);
  });
})();

// What someone typed on their phone stays theirs when the card's answers lock: the form goes,
// the text is kept beside the message, read-only to copy, and it comes back into the form if
// the answers are unlocked.
(() => {
  let kept = null; // {card: "<card id>", text}
  const cardOf = (answer) => (answer?.dataset.card || "").split("-")[0];
  // The card the form was drawn for: phone.js changes data-card before it fetches the next.
  const remember = () => {
    const answer = document.getElementById("phone-answer");
    if (answer && !answer.dataset.formOf) answer.dataset.formOf = cardOf(answer);
  };
  document.addEventListener("DOMContentLoaded", remember);

  const keep = (answer) => {
    if (answer?.id !== "phone-answer") return;
    const field = answer.querySelector("textarea[name=text]");
    if (field && field.value.trim() && field.value !== field.defaultValue) {
      kept = { card: answer.dataset.formOf ?? cardOf(answer), text: field.value };
    }
  };
  document.addEventListener("htmx:beforeSwap", (event) => keep(event.detail.target));
  // The lock may also come over the socket, in the whole state a (re)connecting phone gets.
  document.addEventListener("htmx:wsBeforeMessage", () => keep(document.getElementById("phone-answer")));

  // After any swap (idempotent): put the kept text back into a form of the same card, or
  // beside the message when the form is gone.
  const putBack = () => {
    remember();
    const answer = document.getElementById("phone-answer");
    if (!kept || !answer || cardOf(answer) !== kept.card) return;
    const field = answer.querySelector("textarea[name=text]");
    if (field) {
      if (field.value.trim() !== kept.text.trim() && field.value === field.defaultValue) field.value = kept.text;
      kept = null;
      return;
    }
    const template = document.getElementById("kept-answer-template");
    // The server may have kept them itself (a refused post answers with them: #phone-unsent).
    if (answer.querySelector("#phone-unsent")) kept = null;
    if (!template || !kept || answer.querySelector("[data-kept-answer]")) return;
    const copy = template.content.cloneNode(true);
    copy.querySelector("textarea").value = kept.text;
    answer.append(copy);
  };
  document.addEventListener("htmx:afterSwap", putBack);
  document.addEventListener("htmx:wsAfterMessage", putBack);
})();

// Keyboard focus on the console's timer controls survives their redraw: the button's own
// response and the same fragment pushed over the socket both replace them (the controls have
// ids, the same in every redraw).
(() => {
  let focused = null;
  document.addEventListener("focusin", (event) => {
    focused = event.target.id && event.target.closest("#host-timer") ? event.target.id : null;
  });
  document.addEventListener("pointerdown", (event) => {
    if (!event.target.closest?.("#host-timer")) focused = null;
  });
  const restore = () => {
    const active = document.activeElement;
    if (focused && (!active || active === document.body)) document.getElementById(focused)?.focus();
  };
  document.addEventListener("htmx:afterSettle", restore);
  document.addEventListener("htmx:wsAfterMessage", restore);
})();
