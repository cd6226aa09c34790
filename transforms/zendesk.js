// @ts-check
/// <reference path="./gateway.d.ts" />
"use strict";

// Zendesk ticket -> ilert event (docs/connecting-zendesk.md). A webhook connected to triggers or automations, its
// body built from placeholders in the trigger: id, title, description, status, priority, requester_name,
// group_name, assignee_name, link, latest_comment. Any of the webhook's request formats:
//   JSON:                 {"id": "{{ticket.id}}", ...}, or the same fields wrapped as {"ticket": {...}}
//   Form encoded:         id={{ticket.id}}&title=...
//   XML:                  <ticket><id>{{ticket.id}}</id>...</ticket> (the gateway gives it as {ticket: {...}})
//
// Settings (Gateway:Transforms:zendesk:Settings), statuses and priorities matched in any case:
//   acceptStatuses   ["pending", "hold"]     -> ACCEPT
//   resolveStatuses  ["solved", "closed"]    -> RESOLVE (anything else, new and open included -> ALERT)
//   highPriorities   ["high", "urgent"]      -> HIGH, else LOW

/**
 * @param {GatewayRequest} request
 * @param {GatewayContext} context
 * @returns {GatewayRequest | null}
 */
function transform(request, context) {
  const body = /** @type {{ [key: string]: any }} */ (request.body);
  const ticket = body !== null && typeof body === "object" && body.ticket !== null && typeof body.ticket === "object" ? body.ticket : body;
  if (ticket === null || typeof ticket !== "object" || !ticket.id) {
    throw new Error("the body is not a Zendesk ticket: it needs at least an id (JSON, form or XML, optionally wrapped in ticket)");
  }
  const id = String(ticket.id);
  const status = String(ticket.status || "").toLowerCase();
  const sets = readSettings(context.settings);

  /** @type {IlertEvent} */
  const event = {
    integrationKey: request.params["integrationKey"],
    eventType: status in sets.resolveStatuses ? "RESOLVE" : status in sets.acceptStatuses ? "ACCEPT" : "ALERT",
    summary: "#" + id + " " + (ticket.title || "(no subject)"),
    details: [ticket.description, ticket.latest_comment && "Latest comment: " + ticket.latest_comment].filter(Boolean).join("\n\n"),
    alertKey: "zendesk-" + id,
    priority: String(ticket.priority || "").toLowerCase() in sets.highPriorities ? "HIGH" : "LOW",
    customDetails: gw.compact({
      ticketId: ticket.id,
      status: ticket.status,
      priority: ticket.priority,
      requester: ticket.requester_name,
      group: ticket.group_name,
      assignee: ticket.assignee_name,
    }),
  };
  if (ticket.link) {
    event.links = [{ href: String(ticket.link), text: "Zendesk ticket #" + id }];
  }
  request.path = "/api/events";
  request.body = /** @type {any} */ (event);
  return request;
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
      acceptStatuses: gw.keySet(settings["acceptStatuses"], ["pending", "hold"], true),
      resolveStatuses: gw.keySet(settings["resolveStatuses"], ["solved", "closed"], true),
      highPriorities: gw.keySet(settings["highPriorities"], ["high", "urgent"], true),
    };
    derived.from = settings;
  }
  return derived.value;
}
