// Events of a page that is not connected yet reach the server in the order they happened (issue 8).
//
// NiceGUI holds every event (a keystroke's new value, a click on Save) until the page's first round trip is
// done, each one polling on its own 10 ms timer. When the connection comes up the held events go out in timer
// order, not in the order they happened: the server could keep an older prefix of what was typed (the field
// showed all of it) and even run Save before the last keystrokes. Here the held events wait in one queue and
// leave in order. Loaded after nicegui.js and before the page's Vue app is created (console/web.py).
(() => {
  const original = window.throttle; // nicegui.js: every element event goes through it
  if (typeof original !== "function") return;
  const held = [];

  function release() {
    if (window.did_handshake !== true) {
      setTimeout(release, 5);
      return;
    }
    for (const send of held.splice(0)) send(); // connected now: each sends at once, in order
  }

  window.throttle = function (callback, time, leading, trailing, id) {
    if (time > 0 || window.did_handshake === true) return original(callback, time, leading, trailing, id);
    if (held.length === 0) setTimeout(release, 5);
    held.push(callback);
  };
})();
