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
const EMPTY_DATE = /^1900-01-01/;

/** Regular expressions are made once per engine, not on every call (an engine serves many requests). */
const LINE_ENDINGS = /\r\n?/g;
const BR_TAG = /<br\s*\/?>/gi;
const LI_TAG = /<li[^>]*>/gi;
const BLOCK_END_TAG = /<\/(p|div|h[1-6]|tr|ul|ol|table|blockquote)>/gi;
const ANY_TAG = /<[^>]*>/g;
const TRAILING_SPACE = /[ \t\u00a0]+$/gm;
const BLANK_LINES = /\n{3,}/g;
const ENTITY = /&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi;

/** Named HTML entities decoded in ticket details (numeric ones are decoded too); nbsp becomes a plain space. */
const ENTITIES = {
  amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'", nbsp: " ", times: "×", copy: "©", reg: "®", trade: "™",
  hellip: "…", ndash: "–", mdash: "—", euro: "€", pound: "£", laquo: "«", raquo: "»", bull: "•", middot: "·", deg: "°",
};

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

  const settings = readSettings(context.settings, context.route);
  const id = String(ticket.id);
  const ticketType = ref(ticket.tickettype, ticket.tickettype_id);
  if (settings.ignoredTicketTypeIds.indexOf(ticketType.id) >= 0) {
    return context.drop("ticket type " + (ticketType.name || ticketType.id) + " is not sent to ilert");
  }

  const status = ref(ticket.status, ticket.status_id);
  const priority = ref(ticket.priority, ticket.priority_id);

  /** @type {IlertEvent} */
  const event = {
    integrationKey: request.params["integrationKey"],
    eventType: isClosed(status, ticket.dateclosed, settings) ? "RESOLVE" : "ALERT",
    summary: summaryOf(id, text(ticket.summary), text(ticket.client_name)),
    details: htmlToText(text(ticket.details)),
    alertKey: settings.alertKeyPrefix + "-" + id,
    priority: settings.highPriorityIds.indexOf(priority.id) >= 0 ? "HIGH" : "LOW",
    customDetails: compact({
      ticketId: ticket.id,
      client: text(ticket.client_name),
      site: text(ticket.site_name),
      team: text(ticket.team),
      agent: text(ticket.agent && typeof ticket.agent === "object" ? ticket.agent.name : ticket.agent),
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
 * The settings as lists, derived once per engine and route: context.settings is the same frozen object from run to
 * run until proxy.json changes.
 * @type {{ from: any, route: string, value: ReturnType<typeof deriveSettings> | null }}
 */
const derived = { from: null, route: "", value: null };

/**
 * @param {{ [key: string]: SettingValue }} settings
 * @param {string} route
 */
function readSettings(settings, route) {
  if (derived.value === null || derived.from !== settings || derived.route !== route) {
    derived.value = deriveSettings(settings, route);
    derived.from = settings;
    derived.route = route;
  }
  return derived.value;
}

/**
 * @param {{ [key: string]: SettingValue }} settings
 * @param {string} route
 */
function deriveSettings(settings, route) {
  return {
    closedStatusIds: list(settings["closedStatusIds"], ["8", "9"]),
    closedStatusNames: list(settings["closedStatusNames"], ["Resolved", "Closed"]).map(lower),
    highPriorityIds: list(settings["highPriorityIds"], ["1", "2"]),
    ignoredTicketTypeIds: list(settings["ignoredTicketTypeIds"], []),
    ticketUrl: text(settings["ticketUrl"]),
    alertKeyPrefix: text(settings["alertKeyPrefix"]) || route,
  };
}

/**
 * A setting that is a list: an array, or a comma-separated string.
 * @param {SettingValue | undefined} value
 * @param {string[]} fallback
 * @returns {string[]}
 */
function list(value, fallback) {
  if (Array.isArray(value)) {
    return value.map(text).filter(Boolean);
  }
  if (typeof value === "string" && value.trim() !== "") {
    return value.split(",").map((item) => item.trim()).filter(Boolean);
  }
  return fallback;
}

/**
 * Halo sends lookups as {id, name} objects; some payloads carry only a bare *_id field.
 * @param {any} value
 * @param {any} bareId
 * @returns {{ id: string, name: string }}
 */
function ref(value, bareId) {
  if (value !== null && typeof value === "object") {
    return { id: text(value.id), name: text(value.name) };
  }
  return { id: text(bareId !== undefined ? bareId : value), name: "" };
}

/**
 * @param {{ id: string, name: string }} status
 * @param {any} dateClosed
 * @param {ReturnType<typeof readSettings>} settings
 */
function isClosed(status, dateClosed, settings) {
  return settings.closedStatusIds.indexOf(status.id) >= 0
    || (status.name !== "" && settings.closedStatusNames.indexOf(lower(status.name)) >= 0)
    || isRealDate(dateClosed);
}

/** @param {any} value */
function isRealDate(value) {
  return typeof value === "string" && value.trim() !== "" && !EMPTY_DATE.test(value) && !isNaN(Date.parse(value));
}

/**
 * @param {string} id
 * @param {string} summary
 * @param {string} client
 */
function summaryOf(id, summary, client) {
  const title = "#" + id + " " + (summary || "(no summary)");
  return client ? title + " (" + client + ")" : title;
}

/**
 * HaloPSA's HTML ticket details as readable text: line breaks kept, list items as "- ", tags removed, entities decoded.
 * @param {string} html
 */
function htmlToText(html) {
  // Each pass runs only when its input can be there: most details are short and have no entities or CRs.
  let value = html.indexOf("\r") >= 0 ? html.replace(LINE_ENDINGS, "\n") : html;
  if (value.indexOf("<") >= 0) {
    value = value.replace(BR_TAG, "\n").replace(LI_TAG, "\n- ").replace(BLOCK_END_TAG, "\n").replace(ANY_TAG, "");
  }
  if (value.indexOf("&") >= 0) {
    value = decodeEntities(value);
  }
  return value.replace(TRAILING_SPACE, "").replace(BLANK_LINES, "\n\n").trim();
}

/** @param {string} value */
function decodeEntities(value) {
  return value.replace(ENTITY, (match, entity) => {
    const lowerEntity = entity.toLowerCase();
    if (lowerEntity.charAt(0) === "#") {
      const code = lowerEntity.charAt(1) === "x" ? parseInt(lowerEntity.slice(2), 16) : parseInt(lowerEntity.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match;
    }
    return Object.prototype.hasOwnProperty.call(ENTITIES, lowerEntity) ? ENTITIES[/** @type {keyof typeof ENTITIES} */ (lowerEntity)] : match;
  });
}

/**
 * The object without its empty members (null, undefined, "").
 * @param {{ [key: string]: any }} value
 */
function compact(value) {
  /** @type {{ [key: string]: any }} */
  const result = {};
  Object.keys(value).forEach((key) => {
    if (value[key] !== null && value[key] !== undefined && value[key] !== "") {
      result[key] = value[key];
    }
  });
  return result;
}

/** @param {any} value */
function text(value) {
  return value === null || value === undefined ? "" : String(value).trim();
}

/** @param {string} value */
function lower(value) {
  return value.toLowerCase();
}
