// @ts-check
/// <reference path="./gateway.d.ts" />
"use strict";

// Freshservice ticket -> ilert event (docs/connecting-freshservice.md). Workflow Automator "Trigger Webhook" (POST,
// JSON) on ticket created and updated, in either content mode:
//   Simple (ilert's own guide: all fields ticked):  {"freshdesk_webhook": {ticket_id, ticket_subject, ticket_description,
//                                                   ticket_status, ticket_priority, ticket_requester_name, ticket_group_name,
//                                                   ticket_agent_name, ticket_url, ...}}
//   Advanced (a template of placeholders):          {ticket_id, subject, description, status, priority, requester_name,
//                                                   group, agent, url}
//
// Settings (Gateway:Transforms:freshservice:Settings), matched in any case:
//   acceptStatuses   ["Pending"]                -> ACCEPT
//   resolveStatuses  ["Resolved", "Closed"]     -> RESOLVE (Open and anything else -> ALERT)
//   highPriorities   ["High", "Urgent"]         -> HIGH, else LOW

/**
 * @param {GatewayRequest} request
 * @param {GatewayContext} context
 * @returns {GatewayRequest | null}
 */
function transform(request, context) {
  const body = /** @type {{ [key: string]: any }} */ (request.body);
  const ticket = body !== null && typeof body === "object" ? fieldsOf(body.freshdesk_webhook || body) : null;
  if (!ticket || !ticket.ticket_id) {
    throw new Error("the body is not a Freshservice ticket: it needs a ticket_id (Advanced) or freshdesk_webhook.ticket_id (Simple)");
  }
  const reference = String(ticket.ticket_id).replace(/^#/, "");
  const sets = readSettings(context.settings);
  const matches = (/** @type {{ readonly [item: string]: true }} */ set, /** @type {any} */ value) => String(value || "").trim().toLowerCase() in set;

  /** @type {IlertEvent} */
  const event = {
    integrationKey: request.params["integrationKey"],
    eventType: matches(sets.resolveStatuses, ticket.status) ? "RESOLVE"
      : matches(sets.acceptStatuses, ticket.status) ? "ACCEPT" : "ALERT",
    summary: reference + " " + (ticket.subject || "(no subject)"),
    details: gw.htmlToText(ticket.description),
    alertKey: "freshservice-" + reference.toLowerCase(),
    priority: matches(sets.highPriorities, ticket.priority) ? "HIGH" : "LOW",
    customDetails: {},
  };
  for (const [name, value] of [["status", ticket.status], ["priority", ticket.priority], ["requester", ticket.requester_name], ["group", ticket.group], ["agent", ticket.agent]]) {
    if (value) event.customDetails[name] = value;
  }
  if (ticket.url) {
    event.links = [{ href: String(ticket.url), text: "Freshservice " + reference }];
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
      resolveStatuses: gw.keySet(settings["resolveStatuses"], ["Resolved", "Closed"], true),
      acceptStatuses: gw.keySet(settings["acceptStatuses"], ["Pending"], true),
      highPriorities: gw.keySet(settings["highPriorities"], ["High", "Urgent"], true),
    };
    derived.from = settings;
  }
  return derived.value;
}

/**
 * One set of names for both content modes: Simple mode's ticket_-prefixed fields (ticket_subject, ticket_group_name...)
 * are read under the Advanced template's names (subject, group...), which win when both are there.
 * @param {{ [key: string]: any }} fields
 * @returns {{ [key: string]: any }}
 */
function fieldsOf(fields) {
  /** @type {{ [key: string]: any }} */
  const simple = {
    ticket_id: fields.ticket_id,
    subject: fields.ticket_subject,
    description: fields.ticket_description,
    status: fields.ticket_status,
    priority: fields.ticket_priority,
    requester_name: fields.ticket_requester_name || fields.requester_name,
    group: fields.ticket_group_name,
    agent: fields.ticket_agent_name,
    url: fields.ticket_url,
  };
  for (const key of Object.keys(simple)) {
    if (fields[key] !== undefined && fields[key] !== null && fields[key] !== "") simple[key] = fields[key];
  }
  return simple;
}
