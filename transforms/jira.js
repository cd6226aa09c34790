// @ts-check
/// <reference path="./gateway.d.ts" />
"use strict";

// Jira Service Management issue -> ilert event (docs/connecting-jira.md). Three documented shapes are taken:
//   Automation "Send web request", Issue data (Automation format): the issue at the top level {self, id, key, fields}
//   Automation "Send web request", Issue data (Jira format):       {issue: {...}}
//   Admin webhook (Settings > System > WebHooks):                    {timestamp, webhookEvent, issue_event_type_name, user, issue}
// An issue with a resolution, or in a status of the "done" category, resolves the alert; so does a deleted issue
// (jira:issue_deleted). Any other change (re)sends ALERT with the same alertKey.
//
// Settings (Gateway:Transforms:jira:Settings):
//   highPriorities  ["Highest", "High", "Critical", "Blocker"]  -> HIGH, else LOW

/**
 * @param {GatewayRequest} request
 * @param {GatewayContext} context
 * @returns {GatewayRequest | null}
 */
function transform(request, context) {
  const body = /** @type {{ [key: string]: any }} */ (request.body);
  const issue = body && typeof body === "object" ? (body.issue || (body.key && body.fields ? body : null)) : null;
  if (!issue || !issue.key) {
    throw new Error("the body is not a Jira issue: it has no issue.key (Jira format, admin webhook) and no top-level key and fields (Automation format)");
  }
  const fields = issue.fields || {};
  const priority = fields.priority && fields.priority.name ? String(fields.priority.name) : "";
  const category = fields.status && fields.status.statusCategory && fields.status.statusCategory.key;
  const resolved = !!fields.resolution || category === "done" || body.webhookEvent === "jira:issue_deleted";

  /** @type {IlertEvent} */
  const event = {
    integrationKey: request.params["integrationKey"],
    eventType: resolved ? "RESOLVE" : "ALERT",
    summary: issue.key + " " + (fields.summary || "(no summary)"),
    details: documentText(fields.description),
    alertKey: "jira-" + String(issue.key).toLowerCase(),
    priority: priority.toLowerCase() in readSettings(context.settings).highPriorities ? "HIGH" : "LOW",
    customDetails: gw.compact({
      status: fields.status && fields.status.name,
      resolution: fields.resolution && fields.resolution.name,
      priority,
      project: fields.project && fields.project.name,
      assignee: fields.assignee && fields.assignee.displayName,
      reporter: fields.reporter && fields.reporter.displayName,
    }),
  };
  const site = typeof issue.self === "string" ? issue.self.match(/^(https?:\/\/[^/]+)\//) : null;
  if (site) {
    event.links = [{ href: site[1] + "/browse/" + issue.key, text: "Jira " + issue.key }];
  }
  request.path = "/api/events";
  request.body = /** @type {any} */ (event);
  return request;
}

/**
 * Jira Cloud sends descriptions as Atlassian Document Format (a tree of nodes); Server/DC as plain text.
 * @param {any} description
 * @returns {string}
 */
function documentText(description) {
  if (description === null || description === undefined) return "";
  if (typeof description === "string") return description;
  /** @type {string[]} */
  const blocks = [];
  /** @param {any} node @param {string[]} into */
  const walk = (node, into) => {
    if (node.type === "text") into.push(String(node.text || ""));
    if (node.type === "hardBreak") into.push("\n");
    (node.content || []).forEach((/** @type {any} */ child) => walk(child, into));
  };
  (description.content || []).forEach((/** @type {any} */ block) => {
    /** @type {string[]} */
    const parts = [];
    walk(block, parts);
    blocks.push(parts.join(""));
  });
  return blocks.join("\n").trim();
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
      highPriorities: gw.keySet(settings["highPriorities"], ["Highest", "High", "Critical", "Blocker"], true),
    };
    derived.from = settings;
  }
  return derived.value;
}
