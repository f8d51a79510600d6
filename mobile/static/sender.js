// Sends the outbox in order. Each attempt carries the action's Idempotency-Key, so an action
// whose reply was lost is not applied twice when it is sent again.
//
// Outcomes per action:
//   2xx                      sent: removed from the outbox
//   network error, 408, 429, 5xx   stop; the action stays and is retried later
//   401                      stop; the user must sign in again
//   other 4xx (404, 409...)  conflict: the ticket was reassigned, cancelled or changed meanwhile;
//                            the action moves to the conflicts list that the technician sees

import { addConflict, listActions, removeAction } from "/m/static/outbox.js";

const RETRY_STATUSES = new Set([408, 425, 429]);

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function requestOf(action) {
  const headers = { "Idempotency-Key": action.key, "x-csrftoken": csrfToken(), Accept: "application/json" };
  let body;
  if (action.blob) {
    body = new FormData();
    body.append("file", action.blob, action.fileName || "photo.jpg");
  } else if (action.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(action.json);
  }
  return new Request(action.url, { method: "POST", headers, body, credentials: "same-origin" });
}

async function problemTitle(response) {
  try {
    const problem = await response.json();
    return problem.title || String(response.status);
  } catch {
    return String(response.status);
  }
}

async function sendOne(action, handlers) {
  let response;
  try {
    response = await fetch(requestOf(action));
  } catch {
    return "stop";
  }
  if (response.ok) {
    await removeAction(action.id);
    handlers.onSent(action);
    return "next";
  }
  if (response.status === 401) {
    handlers.onSignInNeeded();
    return "stop";
  }
  if (RETRY_STATUSES.has(response.status) || response.status >= 500) {
    handlers.onRetryLater(action, response.status);
    return "stop";
  }
  const conflict = { key: action.key, ticketId: action.ticketId, label: action.label,
                     message: await problemTitle(response), at: new Date().toISOString() };
  await addConflict(conflict);
  await removeAction(action.id);
  handlers.onConflict(conflict);
  return "next";
}

let running = null;
let again = false;

async function drain(handlers) {
  do {
    again = false;
    for (const action of await listActions()) {
      if ((await sendOne(action, handlers)) === "stop") return;
    }
  } while (again);
}

// Send everything in the outbox; concurrent calls join the run in progress, which then goes
// round once more so that actions added meanwhile are sent too.
export function flush(handlers) {
  if (running) {
    again = true;
    return running;
  }
  running = drain(handlers).finally(() => {
    running = null;
  });
  return running;
}
