// Types of the HaloIlertGateway transform contract. Reference them from a transform with JSDoc:
//   // @ts-check
//   const settings = { highPriorities: { list: ["High"], anyCase: true, about: "priorities sent as HIGH" } };
//   /** @param {GatewayRequest} request @param {GatewayContext<typeof settings>} context @returns {GatewayRequest | null} */
//   function transform(request, context) { ... context.settings.highPriorities.has(priority) ... }
// The gateway runs transforms with Jint (ECMAScript 2023+, strict mode) in a sandbox: no CLR access, no
// eval / new Function, no import(), require, fetch, timers or I/O, and per-run limits (README "Transform limits"):
//   timeout        250 ms of the run's CPU time (never more than twice that in wall-clock time)
//   statements     1,000,000 statements
//   memory         32 MiB allocated
//   recursion      100 calls of one function on the stack; any deeper recursion (Proxy traps, toPrimitive,
//                  iterators, serializing a deep object) stops at the stack guard
//   regex-timeout  100 ms per regular-expression match
//   string-length  4,194,304 characters from one built-in call (repeat, padStart/padEnd, concat, replace,
//                  replaceAll, join and String() of arrays, case conversion, normalize, encodeURIComponent...),
//                  and for JSON.stringify's result and the returned body
//   array-length   1,000,000 elements in one array, and in the result of flat, flatMap and concat
// A run that hits a limit ends (it cannot be caught) and the client gets a 502 "transform-limit" problem naming it.
// Not available (undefined): BigInt (and 1n literals), ArrayBuffer, SharedArrayBuffer, DataView, Atomics, typed
// arrays, ShadowRealm, Temporal.

/** A JSON value as JSON.parse produces it. */
type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A value from configuration: configuration is string-typed, so leaves are strings; 0..n-1 keys become arrays. */
type SettingValue = string | null | SettingValue[] | { [key: string]: SettingValue };

/**
 * One setting in a transform's declaration (the top-level `const settings = { name: ..., ... }`, read by the gateway when
 * it loads the script, never run for it): its kind, given by the key that holds its default, and what it means. Ops set
 * it in proxy.json (`Gateway:Transforms:<name>:Settings`, or a route's own `Routes:<route>:Settings`); a setting they
 * leave out, blank or empty takes the default. Every default is a literal: text in quotes, arrays of text, objects of text.
 * - `{ list: ["8", "9"] }`: a list; in proxy.json an array of text or text separated by commas. `anyCase: true` makes
 *   `has` match in any case.
 * - `{ text: "" }`: text, trimmed; `{route}` in it stands for the route's id.
 * - `{ pattern: "^(Critical|High)" }`: a regular expression, compiled once; `anyCase: true` matches in any case.
 * - `{ map: {} }`: names for keys, e.g. `{ "<sys_id>": "Network" }`.
 * A value of the wrong kind, an invalid pattern, or a setting the script does not declare is a config error naming the
 * transform, the route and the setting.
 */
type SettingDeclaration =
  | { list: string[]; anyCase?: boolean; about?: string }
  | { text: string; about?: string }
  | { pattern: string; anyCase?: boolean; about?: string }
  | { map: { [key: string]: string }; about?: string };

/** A transform's settings declaration: `const settings = { closedStatusIds: { list: ["8", "9"], about: "..." }, ... }`. */
type SettingsDeclaration = { [name: string]: SettingDeclaration };

/** A list setting: its items as trimmed text, without empty ones, in a frozen array. */
interface SettingList extends ReadonlyArray<string> {
  /**
   * Whether the list holds `item` (text, or a number as its text), in any case when the setting is declared `anyCase`.
   * Anything else (undefined, null, an object) is never held.
   * @example context.settings.closedStatusNames.has(status.name) // true for "closed" when the list is ["Resolved", "Closed"] with anyCase
   */
  has(item: unknown): boolean;
}

/** `context.settings` of a script that declares its settings: each one parsed, its default where proxy.json gives none. Frozen. */
type DeclaredSettings<D extends SettingsDeclaration> = {
  readonly [K in keyof D]: D[K] extends { list: unknown } ? SettingList
    : D[K] extends { text: unknown } ? string
    : D[K] extends { pattern: unknown } ? RegExp
    : D[K] extends { map: unknown } ? { readonly [key: string]: string | undefined }
    : never;
};

/** The request as it arrived; return it (changed or not) to forward it, or null to drop it. */
interface GatewayRequest {
  /** HTTP method, upper case. Cannot be changed. */
  readonly method: string;
  /**
   * Path on the upstream, starting with a single "/" (for example "/api/events"). May be changed to another path
   * of the same upstream cluster, in URL form: visible ASCII (percent-encode the rest, e.g. encodeURIComponent),
   * no scheme, host, "?", "#" or "\\", every "%" a valid escape, and after decoding no "." or ".." segment and no
   * encoded "/", "\\" or control character. It is sent exactly as given.
   */
  path: string;
  /** Query string parameters; repeated keys arrive joined with ",". May be changed. */
  query: { [name: string]: string };
  /**
   * Request headers with lower-case names; repeated headers arrive joined with ",". May be changed, except the
   * protected ones (host, content-length, transfer-encoding, connection, keep-alive, upgrade, te, trailer, expect,
   * proxy-connection, proxy-authorization, and the route's credential headers): setting one of those fails the run;
   * leaving one out keeps it. Names must be HTTP tokens; values visible ASCII, spaces and tabs (a CR, LF, NUL or
   * non-ASCII character fails the run: encode such text yourself). The header carrying the caller's credential and any header the route injects are
   * not shown to the script at all.
   */
  headers: { [name: string]: string };
  /** Route values from the route's path pattern, e.g. { integrationKey: "il1hps..." }. Read only. */
  readonly params: { [name: string]: string };
  /**
   * The body, typed `any`: it is whatever the sender posted, so check its shape before relying on it. JSON requests (application/json or +json): the parsed value. Form requests
   * (application/x-www-form-urlencoded, as Autotask's extension callouts send): an object of the decoded fields,
   * repeated fields joined with ",". XML requests (application/xml, text/xml, +xml, as Zendesk can send): an object
   * named after the root element; an element with neither attributes nor children is its text, any other an object
   * of "@attribute" strings, child elements (a repeated name becomes an array) and "#text"; namespace prefixes are
   * dropped: <ticket id="7"><title>Down</title></ticket> is {ticket: {"@id": "7", title: "Down"}}.
   * Other content types: the raw text. No body: null.
   * Set an object, array, number, boolean or null to send JSON (content-type becomes application/json unless you
   * set it); set a string to send it as is.
   */
  body: any;
}

/**
 * What the run knows besides the request. `GatewayContext<typeof settings>` types `settings` from the script's declaration;
 * a plain `GatewayContext` (a script without a declaration) has the raw configuration.
 */
interface GatewayContext<D extends SettingsDeclaration | undefined = undefined> {
  /** The id of the route in proxy.json that matched. */
  readonly route: string;
  /** The name of this transform (its file name without .js). */
  readonly transform: string;
  /** When the gateway received the request, ISO-8601 UTC with milliseconds ("2026-11-28T09:14:03.217Z"). */
  readonly receivedAt: string;
  /**
   * This transform's settings from proxy.json (Gateway:Transforms:<name>:Settings, a route's own over them). For a script
   * that declares its settings (`const settings = { ... }` at its top), each declared setting parsed, with its default
   * where proxy.json gives none: a list as a `SettingList` (`has`), text as a string, a pattern as a `RegExp`, a map as an
   * object. Without a declaration, the configuration as it is: strings, arrays of strings and objects. Frozen either way.
   */
  readonly settings: D extends SettingsDeclaration ? DeclaredSettings<D> : { [key: string]: SettingValue };
  /**
   * This transform's secrets, from Gateway:Transforms:<name>:Secrets (env:NAME or file:/path references, read per
   * request), e.g. an ilert integration key so that the caller never holds it. Only routes that authenticate their
   * callers may use a transform with secrets. Masked in logs; never put them in a log line on purpose.
   */
  readonly secrets: { [name: string]: string };
  /** Writes a line to the gateway log with the route and transform name. Bounded per run; secrets are masked. */
  log(...values: unknown[]): void;
  /** Drops the request with a reason (the client gets 202 {"status":"dropped","reason":...}). Returns null: `return context.drop("why")`. */
  drop(reason?: string): null;
}

/** console.log / info / warn / error / debug write to the same bounded log as context.log. */
declare const console: {
  log(...values: unknown[]): void;
  info(...values: unknown[]): void;
  warn(...values: unknown[]): void;
  error(...values: unknown[]): void;
  debug(...values: unknown[]): void;
};

/** An ilert events API body (POST /api/events), the usual output of an alert transform. */
interface IlertEvent {
  integrationKey: string;
  eventType: "ALERT" | "ACCEPT" | "RESOLVE" | "COMMENT";
  summary: string;
  details?: string;
  alertKey?: string;
  priority?: "HIGH" | "LOW";
  images?: { src: string; href?: string; alt?: string }[];
  links?: { href: string; text?: string }[];
  customDetails?: { [key: string]: JsonValue };
  routingKey?: string;
}

/**
 * `gw`: helpers for what PSA transforms keep doing, implemented in the gateway (C#) rather than interpreted, so they
 * cost a fraction of the same work written in the script. A frozen object: its helpers cannot be changed, and a script
 * cannot declare its own `gw`. A run that assigns the global `gw` does so for itself: the next run has the helpers
 * again. Each helper refuses input beyond the sandbox's string-length or array-length limit (a "transform-limit"
 * failure), and does only its own work.
 */
interface GatewayHelpers {
  /**
   * HTML (as ticket tools send descriptions) as readable text: CR LF and CR become LF; `<br>` a line break; `<li ...>`
   * a line starting "- "; the end of p, div, h1-h6, tr, ul, ol, table and blockquote a line break; any other tag
   * (`<` to the next `>`) is removed; entities are decoded (see decodeEntities); spaces, tabs and no-break spaces at
   * line ends are removed, runs of blank lines become one, and the text is trimmed. null or undefined give "".
   * @example gw.htmlToText("<p>Ping times out.<br>Since 09:12 &amp; counting</p>") // "Ping times out.\nSince 09:12 & counting"
   */
  htmlToText(html: unknown): string;
  /**
   * Decodes numeric entities (`&#233;`, `&#xE9;`, up to U+10FFFF) and amp, lt, gt, quot, apos, nbsp (a plain space),
   * times, copy, reg, trade, hellip, ndash, mdash, euro, pound, laquo, raquo, bull, middot, deg (names in any case);
   * anything else stays as written.
   * @example gw.decodeEntities("Fish &amp; Chips &euro;5") // "Fish & Chips €5"
   */
  decodeEntities(text: unknown): string;
  /**
   * The value as trimmed text: "" for null or undefined, else String(value).trim().
   * @example gw.text("  Contoso ") // "Contoso"
   */
  text(value: unknown): string;
  /**
   * A date as ISO-8601 UTC with milliseconds, or null when it is not one: ISO 8601 with or without a zone (without one
   * it is read as UTC, as ticket tools mean it), RFC 1123 ("Sat, 28 Nov 2026 09:14:03 GMT"), or epoch milliseconds.
   * @example gw.parseDate("2026-11-28T09:14:03.217") // "2026-11-28T09:14:03.217Z"
   * @example gw.parseDate("1900-01-01T00:00:00") // "1900-01-01T00:00:00.000Z" (check tool-specific "empty" dates yourself)
   */
  parseDate(value: unknown): string | null;
  /**
   * A lookup as `{ id, name }` strings: from an object's id and name (`{ id: 1, name: "New" }`), else from `bareId`
   * (or the value itself) with an empty name, for payloads that carry only `status_id`.
   * @example gw.ref(ticket.status, ticket.status_id).name // "New"
   */
  ref(value: unknown, bareId?: unknown): { id: string; name: string };
  /**
   * A new object with the own enumerable members of `value` that are not null, undefined or "" (0 and false stay).
   * @example gw.compact({ team: "", agent: "Jane", site: null }) // { agent: "Jane" }
   */
  compact<T extends object>(value: T): Partial<T>;
  /**
   * For a script without a settings declaration (one with a declaration gets its lists parsed: `SettingList`).
   * A list setting: an array, or a comma-separated string, as trimmed strings without empty ones; `fallback` when the
   * setting is missing or blank. `lowerCase` lower-cases every item, the fallback's too (for matching in any case).
   * @example gw.list(context.settings["closedStatusNames"], ["Resolved", "Closed"], true) // ["resolved", "closed"]
   */
  list(setting: SettingValue | undefined, fallback?: string[], lowerCase?: boolean): string[];
  /**
   * For a script without a settings declaration (one with a declaration has `has` on its lists).
   * The items `list` gives, as the keys of a frozen object without a prototype (every value is true), to test an item
   * with `in`.
   * @example "9" in gw.keySet(context.settings["closedStatusIds"], ["8", "9"]) // true
   * @example "toString" in gw.keySet("a, b") // false: no prototype
   */
  keySet(setting: SettingValue | undefined, fallback?: string[], lowerCase?: boolean): { readonly [item: string]: true };
}

declare const gw: GatewayHelpers;
