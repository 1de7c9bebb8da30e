/**
 * What may reach a person's screen or a file: secrets replaced by `[redacted]` everywhere (not only in the trace),
 * credentials taken out of URLs shown in messages, and terminal control sequences taken out of untrusted text (model replies, test
 * output) so a reply cannot clear the screen, retitle the window or write the clipboard. Pure functions.
 */

/** The marker that stands where a secret was. */
export const REDACTED = '[redacted]';

/** Secrets worth looking for: short strings (a placeholder, "1234") would redact ordinary words. */
function usableSecrets(secrets: readonly (string | undefined)[]): string[] {
  return [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= 8))]
    // Longest first, so a secret that contains another is replaced whole.
    .sort((a, b) => b.length - a.length);
}

/**
 * `text` with every occurrence of each secret (8+ characters) replaced. Only exact secrets: patterns (a bearer
 * token, `user@` in a URL) also occur in ordinary code, and redacting code would change what gets written.
 */
export function redactText(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const key of usableSecrets(secrets)) if (out.includes(key)) out = out.split(key).join(REDACTED);
  return out;
}

/** Any plain value (event, result, trace, lesson) with every string in it redacted; other values kept. */
export function redactDeep<T>(value: T, secrets: readonly (string | undefined)[]): T {
  const keys = usableSecrets(secrets);
  const scrub = (v: unknown): unknown => {
    if (typeof v === 'string') return redactText(v, keys);
    if (Array.isArray(v)) return v.map(scrub);
    if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrub(x)]));
    }
    return v;
  };
  return scrub(value) as T;
}

/** URLs with `user:password@` (or `token@`) replaced by nothing: `https://u:p@host/v1` → `https://host/v1`. */
export function withoutUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, '$1');
}

/** The password (or lone token) of a URL, for adding to the secrets to redact; undefined when it has none. */
export function urlCredential(url: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^\s/@]*)@/i.exec(url);
  if (!m) return undefined;
  const userInfo = m[1];
  const colon = userInfo.indexOf(':');
  const secret = colon >= 0 ? userInfo.slice(colon + 1) : userInfo;
  try {
    return decodeURIComponent(secret) || undefined;
  } catch {
    return secret || undefined;
  }
}

/**
 * `text` without terminal control sequences: ESC sequences (CSI, OSC such as clipboard writes, DCS …), C1
 * controls and C0 controls other than tab and newline (a carriage return could overwrite a line). Each removed
 * sequence leaves nothing behind; the visible text stays.
 */
// Matching control characters is the point of this function.
/* eslint-disable no-control-regex */
export function stripControlSequences(text: string): string {
  return text
    // OSC / DCS / SOS / PM / APC strings, ended by BEL or ST (ESC \) or cut off at the end.
    .replace(/(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[\s\S]*?(?:\x07|\x1b\\|\x9c|$)/g, '')
    // CSI sequences (ESC [ or the 8-bit CSI) with their parameters.
    .replace(/(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?/g, '')
    // Any other ESC + one character.
    .replace(/\x1b[\s\S]?/g, '')
    // Remaining C0 (but tab, newline) and C1 controls, and DEL.
    .replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, '');
}
/* eslint-enable no-control-regex */
