// @ts-check
/// <reference path="./gateway.d.ts" />
"use strict";

// Zendesk ticket -> ilert event (docs/connecting-zendesk.md). A webhook connected to triggers or automations, its
// body built from placeholders in the trigger: id, title, description, status, priority, requester_name,
// group_name, assignee_name, link, latest_comment. Any of the webhook's request formats:
//   JSON:                 {"id": "{{ticket.id}}", ...}, or the same fields wrapped as {"ticket": {...}}
//   Form encoded:         id={{ticket.id}}&title=...
//   XML:                  <ticket><id>{{ticket.id}}</id>...</ticket> (the gateway gives it as {ticket: {...}})
// New, open and any other status -> ALERT.

/** Set in proxy.json, Gateway:Transforms:zendesk:Settings; the value written here is the default. */
const settings = {
  acceptStatuses: { list: ["pending", "hold"], anyCase: true, about: "statuses sent as `ACCEPT`" },
  resolveStatuses: { list: ["solved", "closed"], anyCase: true, about: "statuses sent as `RESOLVE`" },
  highPriorities: { list: ["high", "urgent"], anyCase: true, about: "priorities sent as `HIGH`, every other as `LOW`" },
};

/**
 * @param {GatewayRequest} request
 * @param {GatewayContext<typeof settings>} context
 * @returns {GatewayRequest | null}
 */
function transform(request, context) {
  const body = request.body;
  const ticket = body !== null && typeof body === "object" && body.ticket !== null && typeof body.ticket === "object" ? body.ticket : body;
  if (ticket === null || typeof ticket !== "object" || !ticket.id) {
    throw new Error("the body is not a Zendesk ticket: it needs at least an id (JSON, form or XML, optionally wrapped in ticket)");
  }
  const id = String(ticket.id);
  const status = String(ticket.status || "");

  /** @type {IlertEvent} */
  const event = {
    integrationKey: request.params.integrationKey,
    eventType: context.settings.resolveStatuses.has(status) ? "RESOLVE"
      : context.settings.acceptStatuses.has(status) ? "ACCEPT"
      : "ALERT",
    summary: "#" + id + " " + (ticket.title || "(no subject)"),
    details: [ticket.description, ticket.latest_comment && "Latest comment: " + ticket.latest_comment].filter(Boolean).join("\n\n"),
    alertKey: "zendesk-" + id,
    priority: context.settings.highPriorities.has(String(ticket.priority || "")) ? "HIGH" : "LOW",
    customDetails: gw.compact({
      ticketId: ticket.id,
      status: ticket.status,
      priority: ticket.priority,
      requester: ticket.requester_name,
      group: ticket.group_name,
      assignee: ticket.assignee_name,
    }),
    links: ticket.link ? [{ href: String(ticket.link), text: "Zendesk ticket #" + id }] : undefined,
  };
  request.path = "/api/events";
  request.body = event;
  return request;
}
