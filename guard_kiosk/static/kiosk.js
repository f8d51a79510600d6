// The guard kiosk: live lists, the theme switch, the clock, dialogs and the QR camera.
import { connectLive } from "/static/live.js";

const desk = document.getElementById("desk");
const search = document.getElementById("search");
const texts = JSON.parse(document.getElementById("kiosk-texts").innerHTML);
const HIGHLIGHT_MS = 8000;
const seenRows = new Set();
let listsLoaded = false;

function refreshLists() {
  htmx.trigger(document.body, "passes-changed");
}

function refreshResult() {
  if (search.value.trim()) htmx.trigger(search, "search");
}

function highlightNewRows(container) {
  for (const row of container.querySelectorAll("li[data-pass-id]")) {
    const key = `${row.closest("section").id}:${row.dataset.passId}`;
    if (listsLoaded && !seenRows.has(key)) {
      row.classList.add("fresh");
      setTimeout(() => row.classList.remove("fresh"), HIGHLIGHT_MS);
    }
    seenRows.add(key);
  }
  listsLoaded = true;
}

function shownPassIds() {
  return new Set([...document.querySelectorAll("#result [data-pass-id]")].map((card) => card.dataset.passId));
}

function onEvent(envelope) {
  if (!envelope.type.startsWith("pass.")) return;
  refreshLists();
  if (shownPassIds().has(String(envelope.data.pass_id))) refreshResult();
}

function setStatus(state) {
  document.getElementById("live-status").dataset.state = state;
}

function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  const toggle = document.getElementById("theme-toggle");
  toggle.setAttribute("aria-pressed", String(theme === "dark"));
  toggle.textContent = theme === "dark" ? texts.day : texts.night;
}

function toggleTheme() {
  const next = document.documentElement.dataset.theme === "dark" ? "light" : "dark";
  localStorage.setItem("kiosk-theme", next);
  applyTheme(next);
}

function tickClock() {
  const clock = document.getElementById("clock");
  clock.textContent = new Intl.DateTimeFormat("ru-RU", {
    timeZone: clock.dataset.zone, hour: "2-digit", minute: "2-digit",
  }).format(new Date());
}

function wireDialogs() {
  for (const button of document.querySelectorAll("[data-open]")) {
    button.addEventListener("click", () => {
      const dialog = document.getElementById(button.dataset.open);
      dialog.showModal();
      dialog.dispatchEvent(new Event("opened"));
    });
  }
  for (const button of document.querySelectorAll("dialog [data-close]")) {
    button.addEventListener("click", () => button.closest("dialog").close());
  }
  for (const dialog of document.querySelectorAll("dialog")) {
    dialog.addEventListener("close", () => search.focus());
  }
}

// A handheld scanner types the code and presses Enter. After such a search, and after a mark, the
// text is selected so that the next scan or name replaces it. While the guard types, it is left alone.
let selectAfterSwap = false;

function keepSearchReady(event) {
  if (event.detail.target.id !== "result") return;
  const fromButton = event.detail.requestConfig?.elt?.tagName === "BUTTON";
  if (selectAfterSwap || fromButton) search.select();
  selectAfterSwap = false;
}

search.addEventListener("keyup", (event) => {
  if (event.key === "Enter") selectAfterSwap = true;
});

async function scanWithCamera() {
  const dialog = document.getElementById("camera-dialog");
  const video = document.getElementById("camera-video");
  const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
  video.srcObject = stream;
  await video.play();
  dialog.showModal();
  const stop = () => { stream.getTracks().forEach((track) => track.stop()); dialog.close(); };
  dialog.addEventListener("close", () => stream.getTracks().forEach((track) => track.stop()), { once: true });
  const scan = async () => {
    if (!dialog.open) return;
    const codes = await detector.detect(video).catch(() => []);
    if (codes.length) {
      search.value = codes[0].rawValue;
      stop();
      htmx.trigger(search, "search");
      return;
    }
    requestAnimationFrame(scan);
  };
  requestAnimationFrame(scan);
}

// NOTE: the camera button appears only where the browser has BarcodeDetector (Chrome on Android,
// ChromeOS and macOS). Elsewhere guards use a handheld scanner, which types into the field.
function wireCamera() {
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  const button = document.getElementById("camera-button");
  button.hidden = false;
  button.addEventListener("click", () => scanWithCamera().catch(() => { button.hidden = true; }));
}

document.body.addEventListener("htmx:afterSwap", (event) => {
  if (event.detail.target.id === "lists") highlightNewRows(event.detail.target);
  keepSearchReady(event);
});
document.getElementById("theme-toggle").addEventListener("click", toggleTheme);
applyTheme(document.documentElement.dataset.theme);
wireDialogs();
wireCamera();
tickClock();
setInterval(tickClock, 15000);
connectLive({
  onEvent,
  after: Number(desk.dataset.liveAfter),
  buildings: [Number(desk.dataset.building)],
  onStatus: setStatus,
});
