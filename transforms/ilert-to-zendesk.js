// @ts-check
/// <reference path="./gateway.d.ts" />
"use strict";

// ilert alert webhook -> a private comment on the Zendesk ticket that opened the alert (PUT /api/v2/tickets/{id}.json
// on Zendesk's API, docs/connecting-ilert-callbacks.md). ilert's Webhook alert action POSTs the payload ilert documents on
// the trigger events chosen: {id, status, summary, details, reportTime, eventType, priority, alertKey,
// alertSource{id, name}, assignedTo{username, email, firstName, lastName}}. The ticket is the one in the alert key
// zendesk.js sent (`zendesk-4711`); alerts that no Zendesk ticket opened are dropped.
//   alert-acknowledged              -> "Acknowledged in ilert by <name>", and acknowledgedStatus when set
//   alert-resolved, -auto-resolved  -> "Resolved in ilert", and resolvedStatus when set
//   alert-comment-added             -> the comment
//   alert-assigned, -auto-escalated -> the new assignee
// Any other event type is dropped; older alert actions' `incident-*` names are read as `alert-*`.
// Comments are always private (public: false): what is said in ilert is for agents, not the requester.

/** Set in proxy.json, Gateway:Transforms:ilert-to-zendesk:Settings; the value written here is the default. */
const settings = {
  alertKeyPrefixes: { list: ["zendesk"], anyCase: true, about: "first parts of the alert keys whose alerts a Zendesk ticket opened (`zendesk-4711`); others are dropped" },
  acknowledgedStatus: { text: "", about: "status set when the alert is acknowledged, e.g. `open`; none: the status stays" },
  resolvedStatus: { text: "solved", about: "status set when the alert is resolved; `keep`: the status stays" },
};

/** `<prefix>-<ticket id>`: the prefix may itself hold dashes, the id is the digits after the last one. */
const ALERT_KEY = /^(.+)-(\d{1,15})$/;
/** Alert actions made before ilert renamed incidents to alerts send `incident-acknowledged` and so on. */
const LEGACY_EVENT = /^incident-/;
/** The status setting that leaves the ticket's status as it is (a blank setting takes the declared value instead). */
const KEEP = "keep";
/** An assignment or escalation whose webhook carries no assignedTo. */
const NO_ONE = "someone the webhook does not name";

/**
 * @param {GatewayRequest} request
 * @param {GatewayContext<typeof settings>} context
 * @returns {GatewayRequest | null}
 */
function transform(request, context) {
  const alert = request.body;
  if (alert === null || typeof alert !== "object" || Array.isArray(alert)) {
    throw new Error("the body is not an ilert alert webhook: check the alert action's payload");
  }
  const ticketId = ticketIdOf(gw.text(alert.alertKey), context.settings.alertKeyPrefixes);
  if (ticketId === null) {
    return context.drop("alert key '" + gw.text(alert.alertKey).slice(0, 100) + "' is not one a Zendesk ticket opened (" + context.settings.alertKeyPrefixes.join(", ") + "-<ticket id>)");
  }

  const eventType = gw.text(alert.eventType).toLowerCase().replace(LEGACY_EVENT, "alert-");
  const update = updateFor(eventType, alert, context.settings);
  if (update === null) {
    return context.drop("ilert event '" + eventType.slice(0, 60) + "' is not sent to Zendesk");
  }

  /** @type {{ [field: string]: JsonValue }} */
  const ticket = { comment: { body: update.comment, public: false } };
  if (update.status && update.status.toLowerCase() !== KEEP) {
    ticket.status = update.status;
  }
  request.path = "/api/v2/tickets/" + ticketId + ".json";
  request.body = { ticket };
  return request;
}

/**
 * The ticket's id (digits) from `<prefix>-<id>` when the prefix is one of ours, else null.
 * @param {string} alertKey @param {SettingList} prefixes @returns {string | null}
 */
function ticketIdOf(alertKey, prefixes) {
  const match = ALERT_KEY.exec(alertKey);
  return match !== null && prefixes.has(match[1]) && Number(match[2]) > 0 ? String(Number(match[2])) : null;
}

/**
 * The comment and the status change an ilert event makes, or null for an event that changes nothing on the ticket.
 * @param {string} eventType
 * @param {any} alert
 * @param {DeclaredSettings<typeof settings>} s
 * @returns {{ comment: string, status: string } | null}
 */
function updateFor(eventType, alert, s) {
  const who = personName(alert.assignedTo);
  const ref = gw.text(alert.id) ? " (ilert alert " + gw.text(alert.id) + ")" : "";
  switch (eventType) {
    case "alert-acknowledged":
      return { comment: "Acknowledged in ilert" + (who ? " by " + who : "") + ref, status: s.acknowledgedStatus };
    case "alert-resolved":
      return { comment: "Resolved in ilert" + ref, status: s.resolvedStatus };
    case "alert-auto-resolved":
      return { comment: "Resolved automatically in ilert" + ref, status: s.resolvedStatus };
    case "alert-comment-added":
      return { comment: "Comment in ilert" + ref + ":\n\n" + commentText(alert), status: "" };
    case "alert-assigned":
      return { comment: "Assigned in ilert to " + (who || NO_ONE) + ref, status: "" };
    case "alert-auto-escalated":
      return { comment: "Escalated in ilert to " + (who || NO_ONE) + ref, status: "" };
    default:
      return null;
  }
}

/**
 * ilert documents no comment field in its payload: the text is read from `comment` (text, or an object's
 * `content`). A comment without text is an error, so that the webhook is kept as a dead letter rather than lost.
 * @param {any} alert @returns {string}
 */
function commentText(alert) {
  const comment = alert.comment;
  const text = gw.text(comment !== null && typeof comment === "object" ? comment.content : comment);
  if (!text) {
    throw new Error("alert-comment-added without a comment text (read from 'comment' or 'comment.content')");
  }
  return text;
}

/**
 * "First Last", else the username, else the email; "" when there is no one.
 * @param {any} user @returns {string}
 */
function personName(user) {
  if (user === null || typeof user !== "object") {
    return "";
  }
  return [gw.text(user.firstName), gw.text(user.lastName)].filter(Boolean).join(" ") || gw.text(user.username) || gw.text(user.email);
}
