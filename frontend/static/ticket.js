// The ticket page: actions through the JSON API, and a notice when someone else changes the ticket.
import { connectLive } from "/static/live.js";

const article = document.querySelector("article.ticket");
const ticketId = Number(article.dataset.ticketId);
const error = document.getElementById("action-error");

function csrfToken() {
  const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

async function post(path, body) {
  const response = await fetch(`/api/v1/tickets/${ticketId}/${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "x-csrftoken": csrfToken() },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new Error(problem.title || response.statusText);
  }
}

const builders = {
  transition: (form) => ({
    status: form.status.value,
    version: Number(article.dataset.version),
    reason: form.reason.value || null,
    hold_until: form.hold_until.value ? new Date(form.hold_until.value).toISOString() : null,
  }),
  assign: (form) => ({
    assignee_id: form.assignee_id.value ? Number(form.assignee_id.value) : null,
    version: Number(article.dataset.version),
  }),
  comment: (form) => ({ text: form.text.value, visible_to_client: form.visible_to_client.checked }),
};

const paths = { transition: "transition", assign: "assign", comment: "comments" };

for (const form of document.querySelectorAll("form[data-action]")) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    const action = form.dataset.action;
    try {
      await post(paths[action], builders[action](form));
      location.reload();
    } catch (failure) {
      error.textContent = failure.message;
      error.hidden = false;
    }
  });
}

connectLive({
  after: Number(article.dataset.liveAfter),
  buildings: [Number(article.dataset.buildingId)],
  onEvent(envelope) {
    const row = envelope.data.ticket;
    if (row && row.id === ticketId && row.version !== Number(article.dataset.version)) {
      document.getElementById("stale-notice").hidden = false;
    }
  },
});
