/**
 * Stores the cookies of `Set-Cookie` headers in a name → value map. One client
 * talks to one host, so domains and paths are not tracked; what matters is
 * sending `JSESSIONID` back so Opencast skips re-authenticating every request.
 */
export function storeCookies(
  jar: Map<string, string>,
  setCookies: readonly string[],
  now: number,
): void {
  for (const line of setCookies) {
    const [pair = "", ...attributes] = line.split(";");
    const equals = pair.indexOf("=");
    if (equals <= 0) continue;
    const name = pair.slice(0, equals).trim();
    const value = pair.slice(equals + 1).trim();
    if (isExpired(attributes, now)) jar.delete(name);
    else jar.set(name, value);
  }
}

/** Formats the jar as a `Cookie` header value; `null` when it is empty. */
export function cookieHeader(jar: ReadonlyMap<string, string>): string | null {
  if (jar.size === 0) return null;
  return [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
}

function isExpired(attributes: readonly string[], now: number): boolean {
  for (const attribute of attributes) {
    const [key = "", ...rest] = attribute.split("=");
    const value = rest.join("=").trim();
    switch (key.trim().toLowerCase()) {
      case "max-age":
        if (/^-?\d+$/.test(value) && Number(value) <= 0) return true;
        break;
      case "expires": {
        const at = Date.parse(value);
        if (!Number.isNaN(at) && at <= now) return true;
        break;
      }
    }
  }
  return false;
}
