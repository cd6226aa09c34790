// @ts-check
/// <reference path="./gateway.d.ts" />
"use strict";

// ConnectWise PSA (Manage) ticket -> ilert event. A ticket callback (System > Setup Tables > Callbacks, or the
// /system/callbacks API) POSTs {Action, ID, Type, MemberId, CompanyId, FromUrl, Entity}, where Entity is the ticket
// as a JSON string (docs/connecting-connectwise.md). ConnectWise's own ilert integration is deprecated; this is the
// way to connect it. The ticket in Entity is the ticket as the REST API returns it, and ConnectWise documents
// initialDescription as "only available for POST, will not be returned": details are built from the facts the ticket
// does carry (contact, board, type, severity and impact, site), unless initialDescription is there after all.
//
// A ticket whose closedFlag is set, or a deleted ticket, resolves the alert; anything else (re)sends ALERT.

/** Set in proxy.json, Gateway:Transforms:connectwise:Settings; the value written here is the default. */
const settings = {
  highPriorityPattern: { pattern: "^(Priority [12]\\b|Critical|High)", anyCase: true, about: "priority names matching it are sent as `HIGH`, every other as `LOW`" },
};

/**
 * @param {GatewayRequest} request
 * @param {GatewayContext<typeof settings>} context
 * @returns {GatewayRequest | null}
 */
function transform(request, context) {
  const callback = request.body;
  if (!callback || typeof callback !== "object" || callback.ID === undefined) {
    throw new Error("the body is not a ConnectWise callback: it has no ID");
  }
  const ticket = typeof callback.Entity === "string" && callback.Entity ? JSON.parse(callback.Entity) : callback.Entity || {};
  const id = String(ticket.id || callback.ID);
  const priorityName = String((ticket.priority && ticket.priority.name) || "");
  const closed = ticket.closedFlag === true || String(callback.Action).toLowerCase() === "deleted";

  /** @type {IlertEvent} */
  const event = {
    integrationKey: request.params.integrationKey,
    eventType: closed ? "RESOLVE" : "ALERT",
    summary: "#" + id + " " + (ticket.summary || "(no summary)") + (ticket.company && ticket.company.name ? " (" + ticket.company.name + ")" : ""),
    details: detailsOf(ticket),
    alertKey: "connectwise-" + id,
    priority: context.settings.highPriorityPattern.test(priorityName) ? "HIGH" : "LOW",
    customDetails: gw.compact({
      action: callback.Action,
      status: ticket.status && ticket.status.name,
      priority: priorityName,
      company: ticket.company && ticket.company.name,
      board: ticket.board && ticket.board.name,
      owner: ticket.owner && ticket.owner.identifier,
    }),
  };
  request.path = "/api/events";
  request.body = event;
  return request;
}

/**
 * @param {{ [key: string]: any }} ticket
 * @returns {string}
 */
function detailsOf(ticket) {
  if (ticket.initialDescription) return String(ticket.initialDescription);
  const name = (/** @type {any} */ ref) => (ref && (ref.name || ref.identifier)) || "";
  const contact = [ticket.contactName || name(ticket.contact), ticket.contactEmailAddress, ticket.contactPhoneNumber].filter(Boolean).join(", ");
  const lines = [
    ["Contact", contact],
    ["Board", [name(ticket.board), name(ticket.type), name(ticket.subType), name(ticket.item)].filter(Boolean).join(" / ")],
    ["Severity", ticket.severity],
    ["Impact", ticket.impact],
    ["Site", ticket.siteName || name(ticket.site)],
  ].filter(([, value]) => value).map(([label, value]) => label + ": " + value);
  return lines.join("\n");
}
