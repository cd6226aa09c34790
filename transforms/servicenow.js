// @ts-check
/// <reference path="./gateway.d.ts" />
"use strict";

// ServiceNow incident -> ilert event (docs/connecting-servicenow.md). An async business rule on the incident table
// (insert and update) POSTs the record as JSON. Two documented rules are taken:
//   ours:    sys_id, number, short_description, description, state, priority and display values of assignment_group,
//            assigned_to, caller_id, cmdb_ci, plus instance_url
//   ilert's: every field of the record by getValue (choices as values, references as sys_ids), plus server_url
// Choice fields may arrive as values ("2") or display values ("In Progress"); both are matched. A reference that
// arrives as a sys_id is named through the assignmentGroupNames setting where it can be, and is otherwise kept as
// <field>SysId, so that no one reads a 32-digit id as a group name.
//
// Settings (Gateway:Transforms:servicenow:Settings):
//   acceptStates    ["2", "In Progress", "3", "On Hold"]                  -> ACCEPT
//   resolveStates   ["6", "Resolved", "7", "Closed", "8", "Canceled"]     -> RESOLVE (else ALERT)
//   highPriorities  ["1", "2"]   (the number a priority starts with)      -> HIGH, else LOW
//   assignmentGroupNames  { "<sys_id>": "Network" }                       names for assignment groups sent as sys_ids

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
  const sets = readSettings(context.settings);
  const priorityNumber = (String(incident.priority || "").match(/^\s*(\d+)/) || ["", ""])[1];
  const reference = String(incident.number || incident.sys_id);

  /** @type {IlertEvent} */
  const event = {
    integrationKey: request.params["integrationKey"],
    eventType: state in sets.resolveStates ? "RESOLVE" : state in sets.acceptStates ? "ACCEPT" : "ALERT",
    summary: reference + " " + (incident.short_description || "(no short description)"),
    details: String(incident.description || ""),
    alertKey: "servicenow-" + reference.toLowerCase(),
    priority: priorityNumber in sets.highPriorities ? "HIGH" : "LOW",
    customDetails: gw.compact(Object.fromEntries([
      ["number", incident.number],
      ["state", incident.state],
      ["priority", incident.priority],
      referenceField("assignmentGroup", incident.assignment_group, context.settings["assignmentGroupNames"]),
      referenceField("assignedTo", incident.assigned_to, undefined),
      referenceField("caller", incident.caller_id, undefined),
      referenceField("configurationItem", incident.cmdb_ci, undefined),
    ])),
  };
  const instance = incident.instance_url || incident.server_url;
  if (instance && incident.sys_id) {
    const base = String(instance).replace(/\/+$/, "");
    event.links = [{ href: base + "/nav_to.do?uri=incident.do?sys_id=" + encodeURIComponent(incident.sys_id), text: "ServiceNow " + reference }];
  }
  request.path = "/api/events";
  request.body = /** @type {any} */ (event);
  return request;
}

/**
 * A reference field: a display value as is; a sys_id named from `names` when it is there, else kept as <name>SysId.
 * @param {string} name
 * @param {any} value
 * @param {SettingValue | undefined} names
 * @returns {[string, any]}
 */
function referenceField(name, value, names) {
  if (typeof value !== "string" || !/^[0-9a-f]{32}$/.test(value)) return [name, value];
  const known = names && typeof names === "object" && !Array.isArray(names) ? names[value] : undefined;
  return known ? [name, known] : [name + "SysId", value];
}

/**
 * The settings as sets of lower-case items, derived once per engine: context.settings is the same frozen object from
 * run to run until proxy.json changes.
 * @type {{ from: any, value: { [setting: string]: { readonly [item: string]: true } } | null }}
 */
const derived = { from: null, value: null };

/** @param {{ [key: string]: SettingValue }} settings */
function readSettings(settings) {
  if (derived.value === null || derived.from !== settings) {
    derived.value = {
      acceptStates: gw.keySet(settings["acceptStates"], ["2", "In Progress", "3", "On Hold"], true),
      resolveStates: gw.keySet(settings["resolveStates"], ["6", "Resolved", "7", "Closed", "8", "Canceled"], true),
      highPriorities: gw.keySet(settings["highPriorities"], ["1", "2"], true),
    };
    derived.from = settings;
  }
  return derived.value;
}
