// @ts-check
/// <reference path="./gateway.d.ts" />
"use strict";

// Freshservice ticket -> ilert event. Workflow Automator "Trigger Webhook" (POST, JSON) on ticket created and
// updated, with placeholders: ticket_id, subject, description, status, priority, requester_name, group, agent,
// url (see README "Connecting Freshservice").
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
  const ticket = /** @type {{ [key: string]: any }} */ (request.body);
  if (ticket === null || typeof ticket !== "object" || !ticket.ticket_id) {
    throw new Error("the body is not a Freshservice ticket: it needs a ticket_id");
  }
  const reference = String(ticket.ticket_id).replace(/^#/, "");
  const matches = (/** @type {string} */ setting, /** @type {string[]} */ defaults, /** @type {any} */ value) =>
    toList(context.settings[setting], defaults).indexOf(String(value || "").trim().toLowerCase()) >= 0;

  /** @type {IlertEvent} */
  const event = {
    integrationKey: request.params["integrationKey"],
    eventType: matches("resolveStatuses", ["Resolved", "Closed"], ticket.status) ? "RESOLVE"
      : matches("acceptStatuses", ["Pending"], ticket.status) ? "ACCEPT" : "ALERT",
    summary: reference + " " + (ticket.subject || "(no subject)"),
    details: plainText(String(ticket.description || "")),
    alertKey: "freshservice-" + reference.toLowerCase(),
    priority: matches("highPriorities", ["High", "Urgent"], ticket.priority) ? "HIGH" : "LOW",
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
 * @param {SettingValue | undefined} value
 * @param {string[]} defaults
 */
function toList(value, defaults) {
  return (Array.isArray(value) ? value : typeof value === "string" && value ? value.split(",") : defaults).map((v) => String(v).trim().toLowerCase());
}

/** Freshservice descriptions are HTML: keep the line breaks, drop the tags. @param {string} html */
function plainText(html) {
  return html.replace(/<br\s*\/?>|<\/(p|div|li)>/gi, "\n").replace(/<[^>]*>/g, "").replace(/&nbsp;/g, " ").replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/\n{3,}/g, "\n\n").trim();
}
