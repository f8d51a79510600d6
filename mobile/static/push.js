// Web Push sign-up: the browser subscribes with the server's VAPID public key and the server
// keeps the subscription, so new assignments reach the phone while the app is closed.

function keyBytes(base64url) {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const raw = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(raw, (char) => char.charCodeAt(0));
}

export function pushSupported() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

export async function currentSubscription() {
  const registration = await navigator.serviceWorker.ready;
  return registration.pushManager.getSubscription();
}

// Returns "enabled", "denied" or "failed".
export async function enablePush(vapidKey, csrfToken) {
  const permission = await Notification.requestPermission();
  if (permission !== "granted") return "denied";
  try {
    const registration = await navigator.serviceWorker.ready;
    const subscription = await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: keyBytes(vapidKey),
    });
    const response = await fetch("/m/push/subscriptions", {
      method: "POST",
      headers: { "Content-Type": "application/json", "x-csrftoken": csrfToken },
      body: JSON.stringify(subscription.toJSON()),
      credentials: "same-origin",
    });
    return response.ok ? "enabled" : "failed";
  } catch {
    return "failed";
  }
}
