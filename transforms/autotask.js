// @ts-check
/// <reference path="./gateway.d.ts" />
"use strict";

// Autotask ticket -> ilert event. An Extension Callout (Admin > Extensions & Integrations > Other Extensions & Tools)
// attached to ticket workflow rules on create and edit. With Data Format "Name Value Pair" Autotask posts the
// ticket's fields form-encoded (the gateway hands them to the script as an object); a JSON callout works the same.
// Field names are matched in any case: id, ticketNumber, title, description, status, priority, accountName (or
// companyName), queue, assignedResource (see README "Connecting Autotask"). Status and priority may be picklist
// ids or labels; both are matched.
//
// Settings (Gateway:Transforms:autotask:Settings):
//   acceptStatuses   ["7", "9", "Waiting Customer", "Waiting Materials", "Waiting Vendor"]   -> ACCEPT
//                    (besides these, any status label starting with "Waiting" is ACCEPT)
//   resolveStatuses  ["5", "Complete"]                                                      -> RESOLVE
//   lowPriorities    ["1", "Low"]                                                           -> LOW, others HIGH
//   (New, In Progress and anything else -> ALERT)

/**
 * @param {GatewayRequest} request
 * @param {GatewayContext} context
 * @returns {GatewayRequest | null}
 */
function transform(request, context) {
  if (request.body === null || typeof request.body !== "object" || Array.isArray(request.body)) {
    throw new Error("the body is not an Autotask ticket (send Name Value Pair or JSON)");
  }
  const fields = caseInsensitive(/** @type {{ [key: string]: any }} */ (request.body));
  const id = fields("id") || fields("ticketid") || fields("ticketnumber");
  if (!id) {
    throw new Error("the Autotask ticket has no id or ticketNumber");
  }
  const status = String(fields("status") || "").trim();
  const isIn = (/** @type {string} */ setting, /** @type {string[]} */ defaults, /** @type {string} */ value) =>
    names(context.settings[setting], defaults).indexOf(value.toLowerCase()) >= 0;
  const number = fields("ticketnumber") || id;

  /** @type {IlertEvent} */
  const event = {
    integrationKey: request.params["integrationKey"],
    eventType: isIn("resolveStatuses", ["5", "Complete"], status) ? "RESOLVE"
      : isIn("acceptStatuses", ["7", "9", "Waiting Customer", "Waiting Materials", "Waiting Vendor"], status) || /^waiting/i.test(status) ? "ACCEPT"
      : "ALERT",
    summary: number + " " + (fields("title") || "(no title)"),
    details: String(fields("description") || ""),
    alertKey: "autotask-" + String(id),
    priority: isIn("lowPriorities", ["1", "Low"], String(fields("priority") || "")) ? "LOW" : "HIGH",
    customDetails: {},
  };
  const details = { ticketNumber: fields("ticketnumber"), status, priority: fields("priority"), account: fields("accountname") || fields("companyname"), queue: fields("queue"), resource: fields("assignedresource") };
  for (const key of Object.keys(details)) {
    const value = /** @type {{ [key: string]: any }} */ (details)[key];
    if (value !== undefined && value !== null && value !== "") event.customDetails[key] = value;
  }
  request.path = "/api/events";
  request.body = /** @type {any} */ (event);
  return request;
}

/**
 * Looks fields up whatever their case (Autotask's callouts differ in casing between versions).
 * @param {{ [key: string]: any }} body
 * @returns {(name: string) => any}
 */
function caseInsensitive(body) {
  /** @type {{ [key: string]: any }} */
  const lower = {};
  Object.keys(body).forEach((key) => { lower[key.toLowerCase()] = body[key]; });
  return (name) => lower[name];
}

/**
 * @param {SettingValue | undefined} setting
 * @param {string[]} defaults
 */
function names(setting, defaults) {
  const list = Array.isArray(setting) ? setting : typeof setting === "string" && setting ? setting.split(",") : defaults;
  return list.map((name) => String(name).trim().toLowerCase());
}
