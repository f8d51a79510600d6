// The outbox: actions waiting to reach the server, and the conflicts the server reported.
// Kept in IndexedDB so that they survive a closed tab or a restarted phone.
//
// An action: { id, key, ticketId, kind, label, url, json | blob + fileName, createdAt }
//   key        the Idempotency-Key sent with every attempt, so a repeat is applied once
// A conflict: { key, ticketId, label, message, at }

const DB_NAME = "domovoy-mobile";
const DB_VERSION = 1;
const ACTIONS = "actions";
const CONFLICTS = "conflicts";

let opening = null;

function promised(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function openDatabase() {
  if (!opening) {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore(ACTIONS, { keyPath: "id", autoIncrement: true });
      db.createObjectStore(CONFLICTS, { keyPath: "key" });
    };
    opening = promised(request);
  }
  return opening;
}

async function withStore(name, mode, work) {
  const db = await openDatabase();
  const transaction = db.transaction(name, mode);
  const done = new Promise((resolve, reject) => {
    transaction.oncomplete = resolve;
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
  const result = await work(transaction.objectStore(name));
  await done;
  return result;
}

export function newKey() {
  return crypto.randomUUID();
}

export function addAction(action) {
  const record = { key: newKey(), createdAt: new Date().toISOString(), ...action };
  return withStore(ACTIONS, "readwrite", (store) => promised(store.add(record)));
}

export function listActions() {
  return withStore(ACTIONS, "readonly", (store) => promised(store.getAll()));
}

export function removeAction(id) {
  return withStore(ACTIONS, "readwrite", (store) => promised(store.delete(id)));
}

export function addConflict(conflict) {
  return withStore(CONFLICTS, "readwrite", (store) => promised(store.put(conflict)));
}

export function listConflicts() {
  return withStore(CONFLICTS, "readonly", (store) => promised(store.getAll()));
}

export function removeConflict(key) {
  return withStore(CONFLICTS, "readwrite", (store) => promised(store.delete(key)));
}

export async function clearAll() {
  await withStore(ACTIONS, "readwrite", (store) => promised(store.clear()));
  await withStore(CONFLICTS, "readwrite", (store) => promised(store.clear()));
}
