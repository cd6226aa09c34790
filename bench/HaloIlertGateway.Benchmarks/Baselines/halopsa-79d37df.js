// @ts-check
/// <reference path="./gateway.d.ts" />
"use strict";

// HaloPSA (and HaloITSM) ticket -> ilert event (POST /api/events).
//
// HaloPSA's runbook step "Execute an Integration Method" POSTs {"ticket": {...}} to
// /api/v1/events/halopsa/{integrationKey} on the events "New Ticket Logged" and "Ticket Status Changed".
// A closed or resolved ticket resolves the alert that its new ticket opened (same alertKey); any other
// state (re)sends ALERT, which ilert de-duplicates by alertKey.
//
// Settings (proxy.json, Gateway:Transforms:halopsa:Settings; every one optional):
//   closedStatusIds       status ids meaning closed or resolved       default ["8", "9"]
//   closedStatusNames     status names meaning the same (any case)    default ["Resolved", "Closed"]
//   highPriorityIds       Halo priority ids sent as HIGH              default ["1", "2"]
//   ignoredTicketTypeIds  ticket type ids dropped, never sent         default []
//   ticketUrl             link to the ticket, "{id}" is replaced      default none
//   alertKeyPrefix        alertKey is "<prefix>-<ticket id>"          default: the route (halopsa, haloitsm)

/** HaloPSA writes an empty date as 1900-01-01T00:00:00. */
const EMPTY_DATE = "1900-01-01";

/**
 * The settings as sets of items, derived once per engine and route: context.settings is the same frozen object from run to
 * run until proxy.json changes. Checked in transform() itself, not in a function of its own: a call costs Jint as much as
 * the check. Declared above transform(): njs (bench/load.sh runs this script in nginx too) refuses to read a const
 * declared further down.
 * @type {{ from: any, route: string, value: ReturnType<typeof deriveSettings> | null }}
 */
const derived = { from: null, route: "", value: null };

/**
 * @param {GatewayRequest} request
 * @param {GatewayContext} context
 * @returns {GatewayRequest | null}
 */
function transform(request, context) {
  const ticket = request.body !== null && typeof request.body === "object" ? request.body["ticket"] : undefined;
  if (ticket === null || typeof ticket !== "object" || Array.isArray(ticket)) {
    throw new Error("the body has no 'ticket' object: check the runbook step's payload");
  }
  if (ticket.id === undefined || ticket.id === null || ticket.id === "") {
    throw new Error("ticket.id is missing");
  }

  if (derived.from !== context.settings || derived.route !== context.route) {
    derived.value = deriveSettings(context.settings, context.route);
    derived.from = context.settings;
    derived.route = context.route;
  }
  const settings = /** @type {ReturnType<typeof deriveSettings>} */ (derived.value);
  const id = String(ticket.id);
  const ticketType = gw.ref(ticket.tickettype, ticket.tickettype_id);
  if (ticketType.id in settings.ignoredTicketTypeIds) {
    return context.drop("ticket type " + (ticketType.name || ticketType.id) + " is not sent to ilert");
  }

  const status = gw.ref(ticket.status, ticket.status_id);
  const priority = gw.ref(ticket.priority, ticket.priority_id);
  const client = gw.text(ticket.client_name);

  // Closed or resolved: a closing status id or name, or a real dateclosed (HaloPSA writes an empty one as 1900-01-01).
  const dateClosed = ticket.dateclosed;
  const closed = status.id in settings.closedStatusIds
    || (status.name !== "" && status.name.toLowerCase() in settings.closedStatusNames)
    || (typeof dateClosed === "string" && !dateClosed.startsWith(EMPTY_DATE) && gw.parseDate(dateClosed) !== null);

  /** @type {IlertEvent} */
  const event = {
    integrationKey: request.params["integrationKey"],
    eventType: closed ? "RESOLVE" : "ALERT",
    summary: "#" + id + " " + (gw.text(ticket.summary) || "(no summary)") + (client ? " (" + client + ")" : ""),
    details: gw.htmlToText(ticket.details),
    alertKey: settings.alertKeyPrefix + "-" + id,
    priority: priority.id in settings.highPriorityIds ? "HIGH" : "LOW",
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
  };
  if (settings.ticketUrl) {
    event.links = [{ href: settings.ticketUrl.split("{id}").join(encodeURIComponent(id)), text: "Ticket #" + id }];
  }

  request.path = "/api/events";
  request.body = /** @type {any} */ (event);
  return request;
}

/**
 * @param {{ [key: string]: SettingValue }} settings
 * @param {string} route
 */
function deriveSettings(settings, route) {
  return {
    closedStatusIds: gw.keySet(settings["closedStatusIds"], ["8", "9"]),
    closedStatusNames: gw.keySet(settings["closedStatusNames"], ["Resolved", "Closed"], true),
    highPriorityIds: gw.keySet(settings["highPriorityIds"], ["1", "2"]),
    ignoredTicketTypeIds: gw.keySet(settings["ignoredTicketTypeIds"], []),
    ticketUrl: gw.text(settings["ticketUrl"]),
    alertKeyPrefix: gw.text(settings["alertKeyPrefix"]) || route,
  };
}
