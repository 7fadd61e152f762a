// Unsaved changes of an editor, kept in this browser's localStorage (console/ui/drafts.py, BrowserDrafts).
//
// The browser writes the draft itself, on every keystroke (debounced), so text typed while the page is not
// connected yet, or after "Connection lost", survives a reload and a server restart. A hidden element of the
// page describes the form: `data-draft-key` (staff and row) and `data-draft-spec`, JSON of
//   {texts: {field: NiceGUI element id}, state: {field: value the server holds}, meta: {row_id, version}}.
// Text fields are read from the inputs (what the user sees); the other fields and lists come from `state`,
// which the server keeps current. The server reads a draft back with consoleDrafts.offered(key) (the draft as
// it was when this page was opened), and clears it after a successful save.
(() => {
  if (window.consoleDrafts) return; // loaded once per page
  const PREFIX = "console-draft:";
  const DEBOUNCE_MS = 250;
  const offeredByKey = {}; // key -> the stored draft (JSON text or null) before this page wrote one
  const timers = {};

  function holders() {
    return Array.from(document.querySelectorAll("[data-draft-key]"));
  }

  function spec(holder) {
    try {
      return JSON.parse(holder.dataset.draftSpec || "{}");
    } catch (e) {
      return {};
    }
  }

  function remember(key) {
    if (!(key in offeredByKey)) offeredByKey[key] = localStorage.getItem(PREFIX + key);
  }

  function component(id) {
    try {
      return getElement(id); // nicegui.js: the Vue component of a NiceGUI element
    } catch (e) {
      return undefined;
    }
  }

  function save(holder) {
    const key = holder.dataset.draftKey;
    const s = spec(holder);
    const values = Object.assign({}, s.state || {});
    for (const [name, id] of Object.entries(s.texts || {})) {
      const c = component(id);
      if (c && typeof c.inputValue === "string") values[name] = c.inputValue;
    }
    remember(key);
    try {
      localStorage.setItem(PREFIX + key, JSON.stringify({ meta: s.meta || {}, values, saved_at: new Date().toISOString() }));
    } catch (e) {
      console.warn("draft not kept:", e); // storage full or disabled: the page still works, without a draft
    }
  }

  function schedule(holder) {
    const key = holder.dataset.draftKey;
    remember(key); // before the first write of this page
    clearTimeout(timers[key]);
    timers[key] = setTimeout(() => {
      delete timers[key];
      save(holder);
    }, DEBOUNCE_MS);
  }

  function owns(holder, target) {
    // Quasar gives the native <input>/<textarea> of a NiceGUI input the element's html id, "c<id>".
    return Object.values(spec(holder).texts || {}).some((id) => target?.id === "c" + id);
  }

  document.addEventListener(
    "input",
    (event) => {
      for (const holder of holders()) if (owns(holder, event.target)) schedule(holder);
    },
    true,
  );

  window.addEventListener("pagehide", () => {
    for (const holder of holders()) {
      if (holder.dataset.draftKey in timers) save(holder);
    }
  });

  window.consoleDrafts = {
    offered(key) {
      remember(key);
      try {
        return JSON.parse(offeredByKey[key] || "null");
      } catch (e) {
        return null;
      }
    },
    changed(key) {
      const holder = holders().find((h) => h.dataset.draftKey === key);
      if (holder) schedule(holder);
    },
    clear(key) {
      remember(key);
      clearTimeout(timers[key]);
      delete timers[key];
      localStorage.removeItem(PREFIX + key);
    },
  };
})();
