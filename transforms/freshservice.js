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
// Open and any other status -> ALERT.

/** Set in proxy.json, Gateway:Transforms:freshservice:Settings; the value written here is the default. */
const settings = {
  acceptStatuses: { list: ["Pending"], anyCase: true, about: "statuses sent as `ACCEPT`" },
  resolveStatuses: { list: ["Resolved", "Closed"], anyCase: true, about: "statuses sent as `RESOLVE`" },
  highPriorities: { list: ["High", "Urgent"], anyCase: true, about: "priorities sent as `HIGH`, every other as `LOW`" },
};

/** Simple mode writes the ticket id as "#INC-1201". */
const LEADING_HASH = /^#/;

/**
 * @param {GatewayRequest} request
 * @param {GatewayContext<typeof settings>} context
 * @returns {GatewayRequest | null}
 */
function transform(request, context) {
  const body = request.body;
  const ticket = body !== null && typeof body === "object" ? fieldsOf(body.freshdesk_webhook || body) : null;
  if (!ticket || !ticket.ticket_id) {
    throw new Error("the body is not a Freshservice ticket: it needs a ticket_id (Advanced) or freshdesk_webhook.ticket_id (Simple)");
  }
  const reference = String(ticket.ticket_id).replace(LEADING_HASH, "");
  const status = String(ticket.status || "").trim();

  /** @type {IlertEvent} */
  const event = {
    integrationKey: request.params.integrationKey,
    eventType: context.settings.resolveStatuses.has(status) ? "RESOLVE"
      : context.settings.acceptStatuses.has(status) ? "ACCEPT"
      : "ALERT",
    summary: reference + " " + (ticket.subject || "(no subject)"),
    details: gw.htmlToText(ticket.description),
    alertKey: "freshservice-" + reference.toLowerCase(),
    priority: context.settings.highPriorities.has(String(ticket.priority || "").trim()) ? "HIGH" : "LOW",
    customDetails: gw.compact({
      status: ticket.status,
      priority: ticket.priority,
      requester: ticket.requester_name,
      group: ticket.group,
      agent: ticket.agent,
    }),
    links: ticket.url ? [{ href: String(ticket.url), text: "Freshservice " + reference }] : undefined,
  };
  request.path = "/api/events";
  request.body = event;
  return request;
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
