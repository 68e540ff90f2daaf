// The room screen at any size: the answer wall in pages that fit the screen, the lobby's names
// that fit their area, the counts said aloud, and the "Present (full screen)" button.
//
// The server sends every answer (oldest first) and every name (newest first, up to a limit);
// this script only measures what fits at the current size and shows that, with a count of the
// rest. Without it the page still shows everything, in areas that scroll.
(() => {
  const root = document.querySelector("[data-room]");
  if (!root) return;
  document.documentElement.classList.add("room-fits");

  const pager = { page: 0, pages: 1, card: null, seconds: 10, timer: null };

  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_, name) => values[name]);
  const setText = (element, text) => {
    if (element.textContent !== text) element.textContent = text;
  };
  // The counts this script writes itself: changing them is no reason to lay out again.
  const OWN = "[data-pager], [data-more-names]";

  // Answers: mark each note with the page it is on (whole grid rows, as many as the wall's
  // box holds), then show one page. A note is never taller than a page (CSS max-height).
  function paginate() {
    const wall = root.querySelector("[data-pages]");
    if (!wall) return;
    if (wall.dataset.card !== pager.card) {
      pager.card = wall.dataset.card;
      pager.page = 0;
    }
    pager.seconds = Number(wall.dataset.pageSeconds) || 10;
    const notes = [...wall.children];
    notes.forEach((note) => { note.hidden = false; });
    const height = wall.clientHeight;
    wall.style.setProperty("--page-height", `${height}px`);
    let page = 0;
    let pageTop = null;
    let index = 0;
    while (index < notes.length) {
      const top = notes[index].offsetTop;
      const row = [];
      while (index < notes.length && notes[index].offsetTop === top) row.push(notes[index++]);
      const bottom = Math.max(...row.map((note) => note.offsetTop + note.offsetHeight));
      if (pageTop === null) pageTop = top;
      else if (bottom - pageTop > height) { page += 1; pageTop = top; }
      row.forEach((note) => { note.dataset.page = page; });
    }
    pager.pages = notes.length ? page + 1 : 1;
    pager.page = Math.min(pager.page, pager.pages - 1);
    show();
  }

  function show() {
    const wall = root.querySelector("[data-pages]");
    const indicator = root.querySelector("[data-pager]");
    if (!wall || !indicator) return;
    let elsewhere = 0;
    for (const note of wall.children) {
      note.hidden = Number(note.dataset.page) !== pager.page;
      if (note.hidden) elsewhere += 1;
    }
    indicator.hidden = pager.pages < 2;
    wall.dataset.page = pager.page + 1;
    wall.dataset.pageCount = pager.pages;
    const pageLabel = indicator.querySelector("[data-pager-page]");
    const more = indicator.querySelector("[data-pager-more]");
    setText(pageLabel, fill(pageLabel.dataset.text, { page: pager.page + 1, pages: pager.pages }));
    setText(more, fill(elsewhere === 1 ? more.dataset.textOne : more.dataset.textMany, { count: elsewhere }));
  }

  function turn(step) {
    if (pager.pages < 2) return;
    pager.page = (pager.page + step + pager.pages) % pager.pages;
    show();
  }

  function restartTimer() {
    clearInterval(pager.timer);
    pager.timer = setInterval(() => turn(1), pager.seconds * 1000);
  }

  // Lobby: the newest names that fit the area; the others as "+150 more".
  function fitNames() {
    const list = root.querySelector("[data-fit-names]");
    const more = root.querySelector("[data-more-names]");
    if (!list || !more) return;
    const names = [...list.children];
    names.forEach((name) => { name.hidden = false; });
    more.hidden = true;
    const fits = () => list.scrollHeight <= list.clientHeight + 1;
    let shown = names.length;
    if (!fits()) {
      more.hidden = false;
      const first = names.findIndex((name) => name.offsetTop + name.offsetHeight > list.clientHeight);
      shown = first < 0 ? names.length : first;
      names.slice(shown).forEach((name) => { name.hidden = true; });
    }
    const rest = Number(list.dataset.total) - shown;
    more.hidden = rest <= 0;
    setText(more, fill(more.dataset.moreText, { count: rest }));
  }

  // Each part marked data-announce (by its value, else its id) is said when its text changes:
  // a new card, a new turn or a new count, not the parts that stayed the same.
  const announced = new Map();
  // A part's lines (the card's kind, then its question) each end with a stop, so a screen
  // reader pauses between them instead of running "Question What made you smile?" together.
  function spoken(source) {
    const lines = [...source.querySelectorAll("p, h1, h2, h3, li")];
    return (lines.length ? lines : [source])
      .map((line) => line.textContent.replace(/\s+/g, " ").trim())
      .filter(Boolean)
      .map((line) => (/[.!?:…]$/.test(line) ? line : `${line}.`))
      .join(" ");
  }
  function announce() {
    const news = [];
    const present = new Set();
    root.querySelectorAll("[data-announce]").forEach((source) => {
      const key = source.dataset.announce || source.id;
      const text = spoken(source);
      present.add(key);
      if (text && announced.get(key) !== text) news.push(text);
      announced.set(key, text);
    });
    [...announced.keys()].filter((key) => !present.has(key)).forEach((key) => announced.delete(key));
    if (news.length) document.getElementById("room-announcer").textContent = news.join(" ");
  }

  // How many live updates have come, and which the last layout followed (tests wait on these).
  let messages = 0;
  document.addEventListener("htmx:wsAfterMessage", () => {
    messages += 1;
    root.dataset.messages = messages;
    layout(); // also after a message that changed nothing (the page was current)
  });

  let pending = false;
  function layout() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      root.dataset.laidOutAfter = messages;
      const before = pager.pages;
      paginate();
      fitNames();
      announce();
      if (before !== pager.pages) restartTimer();
    });
  }

  // Live updates replace fragments (a new card resets the pages; new answers keep the page).
  new MutationObserver((changes) => {
    if (changes.some((change) => !change.target.closest?.(OWN))) layout();
  }).observe(root, { childList: true, subtree: true });
  window.addEventListener("resize", layout);
  document.fonts?.ready.then(layout);
  layout();
  restartTimer();

  // A presenter's clicker sends Page Down / Page Up; tests send "room:next-page".
  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const step = { PageDown: 1, ArrowRight: 1, PageUp: -1, ArrowLeft: -1 }[event.key];
    if (step) {
      event.preventDefault();
      turn(step);
      restartTimer();
    }
  });
  document.addEventListener("room:next-page", () => { turn(1); restartTimer(); });

  // Full screen: "Present", and while presenting a visible way back (Esc works too).
  const present = document.querySelector("[data-present]");
  const leave = document.querySelector("[data-leave-present]");
  if (present && leave && document.fullscreenEnabled) {
    const update = () => {
      const full = Boolean(document.fullscreenElement);
      const focused = document.activeElement === present || document.activeElement === leave;
      present.hidden = full;
      leave.hidden = !full;
      if (focused) (full ? leave : present).focus();
      layout();
    };
    present.addEventListener("click", () => document.documentElement.requestFullscreen());
    leave.addEventListener("click", () => document.exitFullscreen());
    document.addEventListener("fullscreenchange", update);
    update();
  }
})();
