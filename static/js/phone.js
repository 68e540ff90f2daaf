// The phone. Pushed fragments are the same for every phone: this script shows "Your turn" to
// the right person, keeps what someone is typing when the answer form is replaced, and
// fetches this participant's own form when it may differ from the empty one pushed with a
// new card.
(() => {
  const WORDS = "textarea, input[type=text]";

  // What the room sees: the form's note follows "only for the facilitator" and the consent.
  const showAudience = (form) => {
    const note = form?.querySelector("[data-audience]");
    if (!note) return;
    const hidden = form.elements.namedItem("is_private");
    const consent = form.querySelector("input[name=archive_consent]:checked");
    let key = "room";
    if (hidden?.checked) key = "private";
    else if (consent && (consent.value === "named" || consent.value === "anonymous")) key = consent.value;
    const text = note.dataset[`audience${key[0].toUpperCase()}${key.slice(1)}`];
    if (text && note.textContent !== text) note.textContent = text;
  };
  document.addEventListener("change", (event) => showAudience(event.target.closest?.(".answer-form")));

  // A draft: what was typed or chosen in an answer form and not sent, and where the caret was.
  const draftOf = (area) => {
    const form = area?.querySelector(".answer-form");
    if (!form) return null;
    const fields = [...form.elements].filter((field) => field.name && field.type !== "hidden");
    const typed = fields.filter((field) => field.matches(WORDS) && field.value !== field.defaultValue);
    const ticked = fields.filter((field) => (field.type === "checkbox" || field.type === "radio") &&
      field.checked !== field.defaultChecked);
    const active = form.contains(document.activeElement) ? document.activeElement : null;
    const note = form.querySelector("[data-draft-note]");
    return {
      words: typed.map((field) => [field.name, field.value]),
      choices: ticked.map((field) => [field.name, field.value, field.checked]),
      focus: active && { name: active.name, value: active.value, start: active.selectionStart, end: active.selectionEnd },
      noted: Boolean(note && !note.hidden),
    };
  };

  // Put a draft into the form now in `area`. Onto another card's form only the words go,
  // with a note that they were written for the previous card.
  const restore = (area, draft, sameCard) => {
    const form = area?.querySelector(".answer-form");
    if (!form || !draft) return;
    const named = (name, value) => [...form.elements].find((field) => field.name === name &&
      (value === undefined || field.value === value));
    let carried = false;
    for (const [name, value] of draft.words) {
      const field = named(name);
      if (field?.matches(WORDS) && value.trim()) {
        field.value = value;
        carried = true;
      }
    }
    if (sameCard) {
      for (const [name, value, checked] of draft.choices) {
        const field = named(name, value);
        if (field) field.checked = checked;
      }
    }
    const note = form.querySelector("[data-draft-note]");
    if (note && ((carried && !sameCard) || draft.noted)) note.hidden = false;
    if (draft.focus) {
      const field = draft.focus.name && (named(draft.focus.name, draft.focus.value) || named(draft.focus.name));
      if (field) {
        field.focus();
        if (field.matches(WORDS) && draft.focus.start !== null) {
          field.setSelectionRange(draft.focus.start, draft.focus.end);
        }
      }
    }
    showAudience(form);
  };

  // Changing the phone's language loads the page again in the new language: what was typed
  // and not sent goes with it (kept in this tab only, for the same card).
  const KEPT = `cxw-draft:${location.pathname}`;
  document.addEventListener("submit", (event) => {
    if (!event.target.matches?.(".phone-language")) return;
    const area = document.getElementById("phone-answer");
    const draft = draftOf(area);
    if (draft && (draft.words.length || draft.choices.length)) {
      sessionStorage.setItem(KEPT, JSON.stringify({ card: area.dataset.card, draft }));
    }
  });
  const kept = JSON.parse(sessionStorage.getItem(KEPT) || "null");
  sessionStorage.removeItem(KEPT);
  const keptArea = document.getElementById("phone-answer");
  if (kept && keptArea && keptArea.dataset.card === kept.card) restore(keptArea, kept.draft, true);

  // A new card's empty form, pushed over the socket, replaces the old one in the same swap
  // as the card; the same card's form again is left alone (it may hold typing, or "Saved").
  let pushedDraft = null;
  document.addEventListener("htmx:oobBeforeSwap", (event) => {
    const { target, fragment } = event.detail;
    const incoming = fragment instanceof Element ? fragment : fragment.firstElementChild;
    if (target.id === "phone-card" || target.id === "phone-turn") {
      // Live regions, pushed as their insides: their data- attributes follow, and the same
      // insides again are not swapped, so a screen reader hears each change once.
      for (const name of Object.keys({ ...target.dataset, ...incoming.dataset })) {
        if (name in incoming.dataset) target.dataset[name] = incoming.dataset[name];
        else delete target.dataset[name];
      }
      if (target.innerHTML === incoming.innerHTML) event.detail.shouldSwap = false;
      return;
    }
    if (target.id !== "phone-answer") return;
    if (incoming?.dataset.card === target.dataset.card) {
      event.detail.shouldSwap = false;
      return;
    }
    pushedDraft = draftOf(target);
  });

  // This participant's own form, fetched: only into the area it was fetched for, and only
  // while that area shows the same card and nothing was sent from it meanwhile.
  let fetchedFor = null;
  let fetchedDraft = null;
  let sameCardFetched = true;
  let stateMayChange = false;
  const fetchOwnForm = (area, sameCard, mayChange = false) => {
    fetchedFor = area;
    sameCardFetched = sameCard;
    stateMayChange = mayChange;
    area.removeAttribute("data-fetch");
    htmx.ajax("GET", area.dataset.src, { target: area, swap: "outerHTML" });
  };
  document.addEventListener("htmx:beforeRequest", (event) => {
    if (event.detail.elt.closest?.(".answer-form")) fetchedFor = null; // an answer is on its way
  });
  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    if (target?.id !== "phone-answer" || event.detail.requestConfig?.verb !== "get") return;
    const key = /data-card="([^"]*)"/.exec(event.detail.serverResponse || "")?.[1];
    const cardOf = (value) => (value || "").split("-")[0];
    const sameCard = key === target.dataset.card ||
      (stateMayChange && cardOf(key) === cardOf(target.dataset.card));
    if (target !== fetchedFor || !document.contains(target) || !sameCard) {
      event.detail.shouldSwap = false;
      return;
    }
    const card = document.getElementById("phone-card");
    if (card && key !== card.dataset.card) card.dataset.card = key; // locked by the clock
    fetchedFor = null;
    fetchedDraft = draftOf(target);
  });
  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target?.id !== "phone-answer") return;
    if (fetchedDraft) restore(document.getElementById("phone-answer"), fetchedDraft, sameCardFetched);
    fetchedDraft = null;
  });

  let shownCard = null;
  const sync = () => {
    const me = document.body.dataset.participant;
    const turn = document.getElementById("phone-turn");
    document.body.classList.toggle("is-my-turn", Boolean(turn && me && turn.dataset.turnOf === me));
    const card = document.getElementById("phone-card");
    const cardId = card?.dataset.card.split("-")[0] || "";
    const said = document.getElementById("phone-said");
    if (said && shownCard !== null && cardId !== shownCard) said.textContent = ""; // "Saved": of the last card
    shownCard = cardId;

    const area = document.getElementById("phone-answer");
    if (!card || !area) return;
    if (area.hasAttribute("data-fetch")) {
      fetchOwnForm(area, true); // someone answered this card: perhaps this phone, earlier
    } else if (area.dataset.card !== card.dataset.card) {
      area.dataset.card = card.dataset.card; // a card that came without its form
      fetchOwnForm(area, false);
    }
  };
  // A locking timer reached zero (static/js/timer.js): the server, whose clock decides,
  // says whether this card still takes answers.
  document.addEventListener("timer:up", () => {
    const area = document.getElementById("phone-answer");
    if (area) fetchOwnForm(area, true, true);
  });

  // Draw mode: this phone's own card and draw buttons are never pushed. The turn, pushed to
  // every phone alike, says the round and the card up (screens.draw_key); #phone-draw says
  // what this phone's parts were made for. When they differ (a new round: draw again; this
  // phone's card put up on the room, or taken down) it fetches its own parts, as after a draw:
  // its answer form is kept while the card is the same, and a draft goes with a new card.
  let drawFetch = null; // the #phone-draw a fetch is on its way for
  let drawAsked = null; // the pushed key last fetched for: asked once, whatever it brings
  const syncDraw = () => {
    const turn = document.getElementById("phone-turn");
    const own = document.getElementById("phone-draw");
    if (!turn || !own?.dataset.src || !("drawRound" in turn.dataset) || drawFetch) return;
    const up = turn.dataset.turnOf === document.body.dataset.participant ? turn.dataset.drawUp : "";
    if (own.dataset.drawRound === turn.dataset.drawRound && own.dataset.drawUp === up) return;
    const wanted = `${turn.dataset.drawRound} ${up}`;
    if (wanted === drawAsked) return;
    drawAsked = wanted;
    drawFetch = own;
    htmx.ajax("GET", own.dataset.src, { source: own, target: own, swap: "outerHTML" });
  };
  document.addEventListener("htmx:beforeRequest", (event) => {
    // A draw or redraw on its way: its answer, not a fetch sent before it, says what is drawn.
    if (event.detail.elt.closest?.("#phone-draw form")) drawFetch = drawAsked = null;
  });
  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    if (target?.id !== "phone-draw" || event.detail.requestConfig?.verb !== "get") return;
    if (target !== drawFetch || !document.contains(target)) event.detail.shouldSwap = false;
  });

  document.addEventListener("htmx:wsAfterMessage", () => {
    if (pushedDraft) restore(document.getElementById("phone-answer"), pushedDraft, false);
    pushedDraft = null;
    sync();
    syncDraw();
  });
  // Draw mode: a draw's (or redraw's, or fetch's) answer brings this phone's own card and form,
  // out of band.
  document.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.target?.id !== "phone-draw") return;
    if (pushedDraft) restore(document.getElementById("phone-answer"), pushedDraft, false);
    pushedDraft = null;
    if (event.detail.requestConfig?.verb === "get" && drawFetch === event.detail.target) {
      drawFetch = null; // the turn may have moved on meanwhile: checked again just below
    }
    sync();
    syncDraw();
  });
  document.addEventListener("DOMContentLoaded", () => {
    sync();
    syncDraw();
    document.querySelectorAll(".answer-form").forEach(showAudience);
  });
})();

// An answer that could not be sent (no network, server away) keeps its text, is marked
// "not sent yet", and is sent by itself once the phone is back online or its live
// connection reopens. It is never dropped without a word.
(() => {
  let unsent = null;
  const mark = (form, visible) => {
    const note = form.querySelector("[data-unsent]");
    if (note) note.hidden = !visible;
  };
  document.addEventListener("htmx:sendError", (event) => {
    const form = event.detail.elt.closest?.(".answer-form");
    if (form) {
      unsent = form;
      mark(form, true);
    }
  });
  const resend = () => {
    const form = unsent;
    unsent = null;
    if (form && document.contains(form)) htmx.trigger(form, "submit");
  };
  window.addEventListener("online", resend);
  document.addEventListener("htmx:wsOpen", resend);
})();

// Reactions. The wall pushed to every phone carries counts only; which reactions are this
// phone's own comes with its page, its reconnect and the answer to each of its taps
// (`data-mine`, "answer:kind" words), and is kept here: each button shows it (aria-pressed)
// and asks for the opposite when tapped (give it, or take it back).
(() => {
  const mine = new Set();
  const sync = () => {
    const wall = document.querySelector("#phone-wall[data-mine]");
    if (wall) {
      mine.clear();
      wall.dataset.mine.split(" ").filter(Boolean).forEach((key) => mine.add(key));
      delete wall.dataset.mine;
    }
    document.querySelectorAll(".reactions[data-mine]").forEach((row) => {
      const answer = row.id.replace("phone-reactions-", "");
      for (const key of [...mine]) if (key.startsWith(`${answer}:`)) mine.delete(key);
      row.dataset.mine.split(" ").filter(Boolean).forEach((key) => mine.add(key));
      delete row.dataset.mine;
    });
    document.querySelectorAll("[data-reaction]").forEach((button) => {
      const pressed = mine.has(button.dataset.reaction);
      const state = pressed ? "true" : "false";
      if (button.getAttribute("aria-pressed") !== state) button.setAttribute("aria-pressed", state);
      button.name = pressed ? "take_back" : "give";
    });
  };
  document.addEventListener("DOMContentLoaded", sync);
  document.addEventListener("htmx:wsAfterMessage", sync);
  document.addEventListener("htmx:load", sync); // a tap's answer: its row, out of band

  // A tap is sent from the page rather than from its form, which a wall pushed while it is on
  // its way replaces (htmx drops the answer of a request whose element left the page). A
  // second tap on the same button before the first is answered (a double tap) is dropped.
  const pending = new Set();
  document.addEventListener("click", (event) => {
    const button = event.target.closest?.("[data-reaction]");
    if (!button?.form || !window.htmx) return;
    event.preventDefault();
    const key = button.dataset.reaction;
    if (pending.has(key)) return;
    pending.add(key);
    const values = { ...Object.fromEntries(new FormData(button.form)), [button.name]: button.value };
    htmx.ajax("POST", button.form.action, { source: document.body, values, swap: "none" })
      .finally(() => pending.delete(key));
  });
})();

// The end of the session replaces the whole phone, live regions and all: what it marks
// data-announce (the thanks, and which session ended) is said through #phone-announcer, which
// stays on the page. The first state after a reconnect is said only if it is new.
(() => {
  let said = null;
  document.addEventListener("htmx:wsAfterMessage", () => {
    const text = [...document.querySelectorAll("#phone-state [data-announce]")]
      .map((source) => source.textContent.replace(/\s+/g, " ").trim()).join(" ");
    const region = document.getElementById("phone-announcer");
    if (region && text && text !== said) region.textContent = text;
    said = text;
  });
})();
