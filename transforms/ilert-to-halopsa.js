// @ts-check
/// <reference path="./gateway.d.ts" />
"use strict";

// ilert alert webhook -> a note on the HaloPSA ticket that opened the alert (POST /api/Actions on Halo's API,
// docs/connecting-ilert-callbacks.md). ilert's Webhook alert action POSTs the payload ilert documents on the trigger events
// chosen: {id, status, summary, details, reportTime, eventType, priority, alertKey, alertSource{id, name},
// assignedTo{username, email, firstName, lastName}}. The ticket is the one in the alert key halopsa.js sent
// (`halopsa-10234`); alerts that no Halo ticket opened are dropped.
//   alert-acknowledged            -> "Acknowledged in ilert by <name>", and acknowledgedStatusId when set
//   alert-resolved, -auto-resolved -> "Resolved in ilert", and resolvedStatusId when set
//   alert-comment-added           -> the comment, HTML-escaped
//   alert-assigned, -auto-escalated -> the new assignee
// Any other event type is dropped; older alert actions' `incident-*` names are read as `alert-*`.

/** Set in proxy.json, Gateway:Transforms:ilert-to-halopsa:Settings; the value written here is the default. */
const settings = {
  alertKeyPrefixes: { list: ["halopsa", "haloitsm"], anyCase: true, about: "first parts of the alert keys whose alerts a Halo ticket opened (`halopsa-10234`); others are dropped" },
  outcomeId: { text: "7", about: "the outcome (action type) of the note: outcome ids are per instance, look yours up with `GET /api/Outcome`" },
  hiddenFromUser: { text: "true", about: "`true`: the note is internal (hidden from the end user); `false`: the end user sees it" },
  acknowledgedStatusId: { text: "", about: "status id set when the alert is acknowledged; none: the status stays" },
  resolvedStatusId: { text: "", about: "status id set when the alert is resolved; none: the status stays (status ids are per instance: `GET /api/Status`)" },
};

/** `<prefix>-<ticket id>`: the prefix may itself hold dashes, the id is the digits after the last one. */
const ALERT_KEY = /^(.+)-(\d{1,15})$/;
const ID = /^\d{1,15}$/;
/** Alert actions made before ilert renamed incidents to alerts send `incident-acknowledged` and so on. */
const LEGACY_EVENT = /^incident-/;
const HTML_SPECIAL = /[&<>"']/g;
/** @type {{ [c: string]: string }} */
const HTML_ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" };
const LINE_BREAK = /\r\n|\r|\n/g;
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
    return context.drop("alert key '" + gw.text(alert.alertKey).slice(0, 100) + "' is not one a HaloPSA ticket opened (" + context.settings.alertKeyPrefixes.join(", ") + "-<ticket id>)");
  }

  const eventType = gw.text(alert.eventType).toLowerCase().replace(LEGACY_EVENT, "alert-");
  const update = updateFor(eventType, alert, context.settings);
  if (update === null) {
    return context.drop("ilert event '" + eventType.slice(0, 60) + "' is not sent to HaloPSA");
  }

  /** @type {{ [field: string]: JsonValue }} */
  const action = {
    ticket_id: ticketId,
    outcome_id: settingId("outcomeId", context.settings.outcomeId),
    hiddenfromuser: flag("hiddenFromUser", context.settings.hiddenFromUser),
    note_html: update.note,
  };
  if (update.statusId) {
    action.new_status = update.statusId;
  }
  request.path = "/api/Actions";
  request.body = [action];
  return request;
}

/**
 * The ticket's id from `<prefix>-<id>` when the prefix is one of ours, else null.
 * @param {string} alertKey @param {SettingList} prefixes @returns {number | null}
 */
function ticketIdOf(alertKey, prefixes) {
  const match = ALERT_KEY.exec(alertKey);
  return match !== null && prefixes.has(match[1]) && Number(match[2]) > 0 ? Number(match[2]) : null;
}

/**
 * The note and the status change an ilert event makes, or null for an event that changes nothing on the ticket.
 * @param {string} eventType
 * @param {any} alert
 * @param {DeclaredSettings<typeof settings>} s
 * @returns {{ note: string, statusId: number | null } | null}
 */
function updateFor(eventType, alert, s) {
  const who = personName(alert.assignedTo);
  const ref = gw.text(alert.id) ? " (ilert alert " + gw.text(alert.id) + ")" : "";
  switch (eventType) {
    case "alert-acknowledged":
      return { note: paragraph("Acknowledged in ilert" + (who ? " by " + who : "") + ref), statusId: optionalId("acknowledgedStatusId", s.acknowledgedStatusId) };
    case "alert-resolved":
      return { note: paragraph("Resolved in ilert" + ref), statusId: optionalId("resolvedStatusId", s.resolvedStatusId) };
    case "alert-auto-resolved":
      return { note: paragraph("Resolved automatically in ilert" + ref), statusId: optionalId("resolvedStatusId", s.resolvedStatusId) };
    case "alert-comment-added":
      return commentNote(alert, ref);
    case "alert-assigned":
      return { note: paragraph("Assigned in ilert to " + (who || NO_ONE) + ref), statusId: null };
    case "alert-auto-escalated":
      return { note: paragraph("Escalated in ilert to " + (who || NO_ONE) + ref), statusId: null };
    default:
      return null;
  }
}

/**
 * ilert documents no comment field in its payload: the text is read from `comment` (text, or an object's
 * `content`). A comment without text is an error, so that the webhook is kept as a dead letter rather than lost.
 * @param {any} alert @param {string} ref @returns {{ note: string, statusId: null }}
 */
function commentNote(alert, ref) {
  const comment = alert.comment;
  const text = gw.text(comment !== null && typeof comment === "object" ? comment.content : comment);
  if (!text) {
    throw new Error("alert-comment-added without a comment text (read from 'comment' or 'comment.content')");
  }
  return { note: paragraph("Comment in ilert" + ref + ":") + paragraph(text), statusId: null };
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

/**
 * Untrusted text as one HTML paragraph: special characters escaped, line breaks kept.
 * @param {string} text @returns {string}
 */
function paragraph(text) {
  return "<p>" + text.replace(HTML_SPECIAL, (c) => HTML_ENTITIES[c]).replace(LINE_BREAK, "<br>") + "</p>";
}

/** @param {string} name @param {string} value @returns {number | null} */
function optionalId(name, value) {
  return value ? settingId(name, value) : null;
}

/** @param {string} name @param {string} value @returns {number} */
function settingId(name, value) {
  if (!ID.test(value)) {
    throw new Error("setting " + name + " must be a Halo id (digits), not '" + value.slice(0, 30) + "'");
  }
  return Number(value);
}

/** @param {string} name @param {string} value @returns {boolean} */
function flag(name, value) {
  const lower = value.toLowerCase();
  if (lower !== "true" && lower !== "false") {
    throw new Error("setting " + name + " must be true or false");
  }
  return lower === "true";
}
