// @ts-check
/// <reference path="./gateway.d.ts" />
"use strict";

// Autotask ticket -> ilert event (docs/connecting-autotask.md). Two documented ways in:
//   REST API ticket webhook (TicketWebhooks): {Action: Create|Update|Delete, Guid, EntityType: "Ticket", Id, EventTime,
//     SequenceNumber, PersonID, Fields: {the subscribed fields that changed, plus the display-always fields}}.
//     Create -> ALERT; Update -> by Fields.status, and dropped when the status is not in it (nothing to page or resolve);
//     Delete -> RESOLVE. The alertKey is "autotask-" + Id, so a completion resolves the alert its creation opened.
//   Extension Callout attached to ticket workflow rules: the ticket's fields, "Name Value Pair" (form-encoded) or
//     JSON: id, ticketNumber, title, description, status, priority, accountName (or companyName), queue,
//     assignedResource.
// Field names are matched in any case. Status and priority may be picklist ids or labels; both are matched.
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
  const body = /** @type {{ [key: string]: any }} */ (request.body);
  if (body.EntityType !== undefined && body.Fields !== undefined) {
    return restWebhook(request, context, body);
  }
  const fields = caseInsensitive(body);
  const id = fields("id") || fields("ticketid") || fields("ticketnumber");
  if (!id) {
    throw new Error("the Autotask ticket has no id or ticketNumber");
  }
  const status = String(fields("status") || "").trim();
  const number = fields("ticketnumber") || id;

  /** @type {IlertEvent} */
  const event = {
    integrationKey: request.params["integrationKey"],
    eventType: eventTypeOf(context, status),
    summary: number + " " + (fields("title") || "(no title)"),
    details: String(fields("description") || ""),
    alertKey: "autotask-" + String(id),
    priority: isIn(context, "lowPriorities", String(fields("priority") || "")) ? "LOW" : "HIGH",
    customDetails: {},
  };
  const details = { ticketNumber: fields("ticketnumber"), status, priority: fields("priority"), account: fields("accountname") || fields("companyname"), queue: fields("queue"), resource: fields("assignedresource") };
  return toEvents(request, event, details);
}

/**
 * A REST API ticket webhook. Fields holds only what changed (plus display-always fields), so every part of the event
 * is built from what is there, and the Id alone keys the alert.
 * @param {GatewayRequest} request
 * @param {GatewayContext} context
 * @param {{ [key: string]: any }} body
 * @returns {GatewayRequest | null}
 */
function restWebhook(request, context, body) {
  if (String(body.EntityType).toLowerCase() !== "ticket") {
    return context.drop("an Autotask " + body.EntityType + " webhook, not a ticket one");
  }
  if (body.Id === undefined || body.Id === null || body.Id === "") {
    throw new Error("the Autotask webhook has no Id");
  }
  const fields = caseInsensitive(body.Fields && typeof body.Fields === "object" ? body.Fields : {});
  const action = String(body.Action || "").toLowerCase();
  const hasStatus = fields("status") !== undefined && fields("status") !== null && fields("status") !== "";
  const status = hasStatus ? String(fields("status")).trim() : "";
  if (action === "update" && !hasStatus) {
    return context.drop("an update that does not change the ticket's status");
  }
  const changed = Object.keys(body.Fields || {});
  const number = fields("ticketnumber") || "Ticket " + body.Id;
  const title = fields("title") || (action === "delete" ? "(deleted)" : "(" + (changed.length ? "changed: " + changed.join(", ") : action || "no title") + ")");

  /** @type {IlertEvent} */
  const event = {
    integrationKey: request.params["integrationKey"],
    eventType: action === "delete" ? "RESOLVE" : action === "create" ? "ALERT" : eventTypeOf(context, status),
    summary: number + " " + title,
    details: String(fields("description") || ""),
    alertKey: "autotask-" + String(body.Id),
    priority: isIn(context, "lowPriorities", String(fields("priority") || "")) ? "LOW" : "HIGH",
    customDetails: {},
  };
  const details = { action: body.Action, ticketNumber: fields("ticketnumber"), status: hasStatus ? fields("status") : undefined, priority: fields("priority"), companyID: fields("companyid"), queueID: fields("queueid"), assignedResourceID: fields("assignedresourceid"), changedBy: body.PersonID };
  return toEvents(request, event, details);
}

/**
 * The request, sent to the events API with `event` and the non-empty `details` as its custom details.
 * @param {GatewayRequest} request
 * @param {IlertEvent} event
 * @param {{ [key: string]: any }} details
 * @returns {GatewayRequest}
 */
function toEvents(request, event, details) {
  event.customDetails = gw.compact(details);
  request.path = "/api/events";
  request.body = /** @type {any} */ (event);
  return request;
}

/**
 * @param {GatewayContext} context
 * @param {string} status
 * @returns {"ALERT" | "ACCEPT" | "RESOLVE"}
 */
function eventTypeOf(context, status) {
  return isIn(context, "resolveStatuses", status) ? "RESOLVE"
    : isIn(context, "acceptStatuses", status) || /^waiting/i.test(status) ? "ACCEPT"
    : "ALERT";
}

/**
 * @param {GatewayContext} context
 * @param {"acceptStatuses" | "resolveStatuses" | "lowPriorities"} setting
 * @param {string} value
 */
function isIn(context, setting, value) {
  return value.toLowerCase() in readSettings(context.settings)[setting];
}

/**
 * The settings as sets of lower-case items, derived once per engine: context.settings is the same frozen object from
 * run to run until proxy.json changes.
 * @type {{ from: any, value: { [setting: string]: { readonly [item: string]: true } } | null }}
 */
const derived = { from: null, value: null };

/** @param {{ [key: string]: SettingValue }} settings */
function readSettings(settings) {
  if (derived.value === null || derived.from !== settings) {
    derived.value = {
      acceptStatuses: gw.keySet(settings["acceptStatuses"], ["7", "9", "Waiting Customer", "Waiting Materials", "Waiting Vendor"], true),
      resolveStatuses: gw.keySet(settings["resolveStatuses"], ["5", "Complete"], true),
      lowPriorities: gw.keySet(settings["lowPriorities"], ["1", "Low"], true),
    };
    derived.from = settings;
  }
  return derived.value;
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
