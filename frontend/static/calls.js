// The call log and callback list: refresh the table when a call is logged or a callback changes.
import { connectLive } from "/static/live.js";

const REFRESH_TYPES = new Set(["call.logged", "callback.changed"]);
const REFRESH_DELAY_MS = 300; // several events of one call cause one refresh
const table = document.querySelector("[data-live-after]");
let timer = null;

function typing() {
  // A refresh replaces the rows, so it waits while the user writes a note in one of them.
  const field = document.activeElement;
  return table.contains(field) && field.tagName === "INPUT" && field.value !== "";
}

function refresh() {
  clearTimeout(timer);
  timer = setTimeout(() => {
    if (typing()) refresh();
    else htmx.trigger(table, "refresh");
  }, REFRESH_DELAY_MS);
}

connectLive({
  after: Number(table.dataset.liveAfter),
  onEvent(envelope) {
    if (REFRESH_TYPES.has(envelope.type)) refresh();
  },
});
