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
// New, In Progress and any other status -> ALERT.

/** Set in proxy.json, Gateway:Transforms:autotask:Settings; the value written here is the default. */
const settings = {
  acceptStatuses: { list: ["7", "9", "Waiting Customer", "Waiting Materials", "Waiting Vendor"], anyCase: true, about: "status ids and labels sent as `ACCEPT` (so is any label starting with \"Waiting\")" },
  resolveStatuses: { list: ["5", "Complete"], anyCase: true, about: "status ids and labels sent as `RESOLVE`" },
  lowPriorities: { list: ["1", "Low"], anyCase: true, about: "priority ids and labels sent as `LOW`, every other as `HIGH`" },
};

/** A status label starting with "Waiting" (Waiting Customer, Waiting Materials, ...) accepts the alert. */
const WAITING = /^waiting/i;

/**
 * @param {GatewayRequest} request
 * @param {GatewayContext<typeof settings>} context
 * @returns {GatewayRequest | null}
 */
function transform(request, context) {
  const body = request.body;
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new Error("the body is not an Autotask ticket (send Name Value Pair or JSON)");
  }
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
    integrationKey: request.params.integrationKey,
    eventType: eventTypeOf(context, status),
    summary: number + " " + (fields("title") || "(no title)"),
    details: String(fields("description") || ""),
    alertKey: "autotask-" + String(id),
    priority: context.settings.lowPriorities.has(String(fields("priority") || "")) ? "LOW" : "HIGH",
    customDetails: gw.compact({
      ticketNumber: fields("ticketnumber"),
      status,
      priority: fields("priority"),
      account: fields("accountname") || fields("companyname"),
      queue: fields("queue"),
      resource: fields("assignedresource"),
    }),
  };
  request.path = "/api/events";
  request.body = event;
  return request;
}

/**
 * A REST API ticket webhook. Fields holds only what changed (plus display-always fields), so every part of the event
 * is built from what is there, and the Id alone keys the alert.
 * @param {GatewayRequest} request
 * @param {GatewayContext<typeof settings>} context
 * @param {any} body
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
    integrationKey: request.params.integrationKey,
    eventType: action === "delete" ? "RESOLVE" : action === "create" ? "ALERT" : eventTypeOf(context, status),
    summary: number + " " + title,
    details: String(fields("description") || ""),
    alertKey: "autotask-" + String(body.Id),
    priority: context.settings.lowPriorities.has(String(fields("priority") || "")) ? "LOW" : "HIGH",
    customDetails: gw.compact({
      action: body.Action,
      ticketNumber: fields("ticketnumber"),
      status: hasStatus ? fields("status") : undefined,
      priority: fields("priority"),
      companyID: fields("companyid"),
      queueID: fields("queueid"),
      assignedResourceID: fields("assignedresourceid"),
      changedBy: body.PersonID,
    }),
  };
  request.path = "/api/events";
  request.body = event;
  return request;
}

/**
 * @param {GatewayContext<typeof settings>} context
 * @param {string} status
 * @returns {"ALERT" | "ACCEPT" | "RESOLVE"}
 */
function eventTypeOf(context, status) {
  return context.settings.resolveStatuses.has(status) ? "RESOLVE"
    : context.settings.acceptStatuses.has(status) || WAITING.test(status) ? "ACCEPT"
    : "ALERT";
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
