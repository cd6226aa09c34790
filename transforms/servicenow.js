// @ts-check
/// <reference path="./gateway.d.ts" />
"use strict";

// ServiceNow incident -> ilert event. An async business rule on the incident table (insert and update) POSTs the
// record as JSON plus the instance URL: sys_id, number, short_description, description, state, priority,
// assignment_group, assigned_to, caller_id, cmdb_ci, instance_url (see README "Connecting ServiceNow").
// Choice fields may arrive as values ("2") or display values ("In Progress"); both are matched.
//
// Settings (Gateway:Transforms:servicenow:Settings):
//   acceptStates    ["2", "In Progress", "3", "On Hold"]                  -> ACCEPT
//   resolveStates   ["6", "Resolved", "7", "Closed", "8", "Canceled"]     -> RESOLVE (else ALERT)
//   highPriorities  ["1", "2"]   (the number a priority starts with)      -> HIGH, else LOW

/**
 * @param {GatewayRequest} request
 * @param {GatewayContext} context
 * @returns {GatewayRequest | null}
 */
function transform(request, context) {
  const incident = /** @type {{ [key: string]: any }} */ (request.body);
  if (incident === null || typeof incident !== "object" || !(incident.sys_id || incident.number)) {
    throw new Error("the body is not a ServiceNow incident: it needs a sys_id or a number");
  }
  const state = String(incident.state || "").trim().toLowerCase();
  const accept = settingList(context.settings["acceptStates"], ["2", "In Progress", "3", "On Hold"]);
  const resolve = settingList(context.settings["resolveStates"], ["6", "Resolved", "7", "Closed", "8", "Canceled"]);
  const priorityNumber = (String(incident.priority || "").match(/^\s*(\d+)/) || ["", ""])[1];
  const reference = String(incident.number || incident.sys_id);

  /** @type {IlertEvent} */
  const event = {
    integrationKey: request.params["integrationKey"],
    eventType: resolve.indexOf(state) >= 0 ? "RESOLVE" : accept.indexOf(state) >= 0 ? "ACCEPT" : "ALERT",
    summary: reference + " " + (incident.short_description || "(no short description)"),
    details: String(incident.description || ""),
    alertKey: "servicenow-" + reference.toLowerCase(),
    priority: settingList(context.settings["highPriorities"], ["1", "2"]).indexOf(priorityNumber) >= 0 ? "HIGH" : "LOW",
    customDetails: Object.fromEntries(Object.entries({
      number: incident.number,
      state: incident.state,
      priority: incident.priority,
      assignmentGroup: incident.assignment_group,
      assignedTo: incident.assigned_to,
      caller: incident.caller_id,
      configurationItem: incident.cmdb_ci,
    }).filter((entry) => entry[1] !== undefined && entry[1] !== null && entry[1] !== "")),
  };
  if (incident.instance_url && incident.sys_id) {
    const base = String(incident.instance_url).replace(/\/+$/, "");
    event.links = [{ href: base + "/nav_to.do?uri=incident.do?sys_id=" + encodeURIComponent(incident.sys_id), text: "ServiceNow " + reference }];
  }
  request.path = "/api/events";
  request.body = /** @type {any} */ (event);
  return request;
}

/**
 * A list setting (array or comma-separated), lower-cased for matching.
 * @param {SettingValue | undefined} value
 * @param {string[]} defaults
 */
function settingList(value, defaults) {
  const raw = Array.isArray(value) ? value : typeof value === "string" && value.trim() ? value.split(",") : defaults;
  return raw.map((entry) => String(entry).trim().toLowerCase());
}
