// @ts-check
/// <reference path="./gateway.d.ts" />
"use strict";

// HaloPSA (and HaloITSM) ticket -> ilert event (POST /api/events).
//
// HaloPSA's runbook step "Execute an Integration Method" POSTs {"ticket": {...}} to
// /api/v1/events/halopsa/{integrationKey} on the events "New Ticket Logged" and "Ticket Status Changed".
// A closed or resolved ticket resolves the alert that its new ticket opened (same alertKey); any other
// state (re)sends ALERT, which ilert de-duplicates by alertKey.

/** Set in proxy.json, Gateway:Transforms:halopsa:Settings; the value written here is the default. */
const settings = {
  closedStatusIds: { list: ["8", "9"], about: "status ids that resolve the alert" },
  closedStatusNames: { list: ["Resolved", "Closed"], anyCase: true, about: "status names that resolve it" },
  highPriorityIds: { list: ["1", "2"], about: "Halo priority ids sent as `HIGH`" },
  ignoredTicketTypeIds: { list: [], about: "ticket type ids dropped (answered 202 `dropped`, never sent)" },
  ticketUrl: { text: "", about: "a link to the ticket, `{id}` replaced by its id, e.g. `https://contoso.halopsa.com/ticket?id={id}`" },
  alertKeyPrefix: { text: "{route}", about: "first part of `alertKey`: `{route}` is the route's id (`halopsa`, `haloitsm`)" },
};

/** HaloPSA writes an empty date as 1900-01-01T00:00:00. */
const EMPTY_DATE = "1900-01-01";

/**
 * @param {GatewayRequest} request
 * @param {GatewayContext<typeof settings>} context
 * @returns {GatewayRequest | null}
 */
function transform(request, context) {
  const ticket = request.body !== null && typeof request.body === "object" ? request.body.ticket : undefined;
  if (ticket === null || typeof ticket !== "object" || Array.isArray(ticket)) {
    throw new Error("the body has no 'ticket' object: check the runbook step's payload");
  }
  if (ticket.id === undefined || ticket.id === null || ticket.id === "") {
    throw new Error("ticket.id is missing");
  }

  const id = String(ticket.id);
  const ticketType = gw.ref(ticket.tickettype, ticket.tickettype_id);
  if (context.settings.ignoredTicketTypeIds.has(ticketType.id)) {
    return context.drop("ticket type " + (ticketType.name || ticketType.id) + " is not sent to ilert");
  }

  const status = gw.ref(ticket.status, ticket.status_id);
  const priority = gw.ref(ticket.priority, ticket.priority_id);
  const client = gw.text(ticket.client_name);
  // Closed or resolved: a closing status id or name, or a real dateclosed.
  const closed = context.settings.closedStatusIds.has(status.id)
    || context.settings.closedStatusNames.has(status.name)
    || (typeof ticket.dateclosed === "string" && !ticket.dateclosed.startsWith(EMPTY_DATE) && gw.parseDate(ticket.dateclosed) !== null);
  const ticketUrl = context.settings.ticketUrl;

  /** @type {IlertEvent} */
  const event = {
    integrationKey: request.params.integrationKey,
    eventType: closed ? "RESOLVE" : "ALERT",
    summary: "#" + id + " " + (gw.text(ticket.summary) || "(no summary)") + (client ? " (" + client + ")" : ""),
    details: gw.htmlToText(ticket.details),
    alertKey: context.settings.alertKeyPrefix + "-" + id,
    priority: context.settings.highPriorityIds.has(priority.id) ? "HIGH" : "LOW",
    customDetails: gw.compact({
      ticketId: ticket.id,
      client,
      site: gw.text(ticket.site_name),
      team: gw.text(ticket.team),
      agent: gw.text(ticket.agent && typeof ticket.agent === "object" ? ticket.agent.name : ticket.agent),
      ticketType: ticketType.name,
      status: status.name,
      priority: priority.name,
    }),
    links: ticketUrl ? [{ href: ticketUrl.split("{id}").join(encodeURIComponent(id)), text: "Ticket #" + id }] : undefined,
  };
  request.path = "/api/events";
  request.body = event;
  return request;
}
