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
// <field>SysId, so that no one reads a 32-digit id as a group name. Any other state -> ALERT.

/** Set in proxy.json, Gateway:Transforms:servicenow:Settings; the value written here is the default. */
const settings = {
  acceptStates: { list: ["2", "In Progress", "3", "On Hold"], anyCase: true, about: "states (values or display values) sent as `ACCEPT`" },
  resolveStates: { list: ["6", "Resolved", "7", "Closed", "8", "Canceled"], anyCase: true, about: "states sent as `RESOLVE`" },
  highPriorities: { list: ["1", "2"], about: "priorities (the number a priority starts with) sent as `HIGH`, every other as `LOW`" },
  assignmentGroupNames: { map: {}, about: "names for assignment groups that arrive as sys_ids, e.g. `{ \"287ebd7da9fe198100f92cc8d1d2154e\": \"Network\" }`" },
};

/** The number a priority starts with: "1" of "1 - Critical". */
const PRIORITY_NUMBER = /^\s*(\d+)/;
/** A reference field sent as a sys_id (32 hexadecimal digits) rather than a display value. */
const SYS_ID = /^[0-9a-f]{32}$/;
const TRAILING_SLASHES = /\/+$/;

/**
 * @param {GatewayRequest} request
 * @param {GatewayContext<typeof settings>} context
 * @returns {GatewayRequest | null}
 */
function transform(request, context) {
  const incident = request.body;
  if (incident === null || typeof incident !== "object" || !(incident.sys_id || incident.number)) {
    throw new Error("the body is not a ServiceNow incident: it needs a sys_id or a number");
  }
  const state = String(incident.state || "").trim();
  const priorityNumber = (String(incident.priority || "").match(PRIORITY_NUMBER) || ["", ""])[1];
  const reference = String(incident.number || incident.sys_id);
  const instance = incident.instance_url || incident.server_url;
  const link = instance && incident.sys_id ? String(instance).replace(TRAILING_SLASHES, "") + "/nav_to.do?uri=incident.do?sys_id=" + encodeURIComponent(incident.sys_id) : "";

  /** @type {IlertEvent} */
  const event = {
    integrationKey: request.params.integrationKey,
    eventType: context.settings.resolveStates.has(state) ? "RESOLVE"
      : context.settings.acceptStates.has(state) ? "ACCEPT"
      : "ALERT",
    summary: reference + " " + (incident.short_description || "(no short description)"),
    details: String(incident.description || ""),
    alertKey: "servicenow-" + reference.toLowerCase(),
    priority: context.settings.highPriorities.has(priorityNumber) ? "HIGH" : "LOW",
    customDetails: gw.compact(Object.fromEntries([
      ["number", incident.number],
      ["state", incident.state],
      ["priority", incident.priority],
      referenceField("assignmentGroup", incident.assignment_group, context.settings.assignmentGroupNames),
      referenceField("assignedTo", incident.assigned_to),
      referenceField("caller", incident.caller_id),
      referenceField("configurationItem", incident.cmdb_ci),
    ])),
    links: link ? [{ href: link, text: "ServiceNow " + reference }] : undefined,
  };
  request.path = "/api/events";
  request.body = event;
  return request;
}

/**
 * A reference field: a display value as is; a sys_id named from `names` when it is there, else kept as <name>SysId.
 * @param {string} name
 * @param {any} value
 * @param {{ readonly [sysId: string]: string | undefined }} [names]
 * @returns {[string, any]}
 */
function referenceField(name, value, names) {
  if (typeof value !== "string" || !SYS_ID.test(value)) return [name, value];
  const known = names ? names[value] : undefined;
  return known ? [name, known] : [name + "SysId", value];
}
