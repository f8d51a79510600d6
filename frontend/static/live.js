// Live events from /ws: reconnects with back-off and replays what was missed by event id.
//
// connectLive({ onEvent, after, buildings, onStatus }) -> { close(), lastId }
//   onEvent(envelope)  called once per event, in id order, never twice for one id
//   after              the event id the page's data is current to (data-live-after on the page)
//   buildings          optional list of building ids to narrow the subscription
//   onStatus(status)   "live" | "reconnecting" | "offline"

const MAX_BACKOFF_MS = 30000;
const CLOSE_UNAUTHENTICATED = 4401;
const CLOSE_RESYNC = 4409;

export function connectLive({ onEvent, after = null, buildings = null, onStatus = () => {} }) {
  let lastId = after;
  let attempt = 0;
  let socket = null;
  let stopped = false;

  function socketUrl() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const params = new URLSearchParams();
    if (lastId !== null) params.set("after", String(lastId));
    if (buildings && buildings.length) params.set("buildings", buildings.join(","));
    const query = params.toString();
    return `${scheme}//${location.host}/ws${query ? "?" + query : ""}`;
  }

  function handleMessage(message) {
    const envelope = JSON.parse(message.data);
    if (envelope.type === "hello") {
      if (lastId === null) lastId = envelope.id;
      attempt = 0;
      onStatus("live");
      return;
    }
    if (lastId !== null && envelope.id <= lastId) return;
    lastId = envelope.id;
    onEvent(envelope);
  }

  function handleClose(event) {
    if (stopped) return;
    if (event.code === CLOSE_UNAUTHENTICATED) {
      location.href = "/login?next=" + encodeURIComponent(location.pathname);
      return;
    }
    if (event.code === CLOSE_RESYNC) {
      location.reload();
      return;
    }
    onStatus(navigator.onLine === false ? "offline" : "reconnecting");
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt) * (0.75 + Math.random() / 2);
    attempt += 1;
    setTimeout(open, delay);
  }

  function open() {
    if (stopped) return;
    socket = new WebSocket(socketUrl());
    socket.addEventListener("message", handleMessage);
    socket.addEventListener("close", handleClose);
  }

  open();
  return {
    close() {
      stopped = true;
      if (socket) socket.close();
    },
    get lastId() {
      return lastId;
    },
  };
}
