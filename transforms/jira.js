// @ts-check
/// <reference path="./gateway.d.ts" />
"use strict";

// Jira Service Management issue -> ilert event (docs/connecting-jira.md). Three documented shapes are taken:
//   Automation "Send web request", Issue data (Automation format): the issue at the top level {self, id, key, fields}
//   Automation "Send web request", Issue data (Jira format):       {issue: {...}}
//   Admin webhook (Settings > System > WebHooks):                    {timestamp, webhookEvent, issue_event_type_name, user, issue}
// An issue with a resolution, or in a status of the "done" category, resolves the alert; so does a deleted issue
// (jira:issue_deleted). Any other change (re)sends ALERT with the same alertKey.

/** Set in proxy.json, Gateway:Transforms:jira:Settings; the value written here is the default. */
const settings = {
  highPriorities: { list: ["Highest", "High", "Critical", "Blocker"], anyCase: true, about: "priorities sent as `HIGH`, every other as `LOW`" },
};

/** The site of an issue's self link: "https://contoso.atlassian.net" of "https://contoso.atlassian.net/rest/api/2/issue/10042". */
const SITE = /^(https?:\/\/[^/]+)\//;

/**
 * @param {GatewayRequest} request
 * @param {GatewayContext<typeof settings>} context
 * @returns {GatewayRequest | null}
 */
function transform(request, context) {
  const body = request.body;
  const issue = body && typeof body === "object" ? (body.issue || (body.key && body.fields ? body : null)) : null;
  if (!issue || !issue.key) {
    throw new Error("the body is not a Jira issue: it has no issue.key (Jira format, admin webhook) and no top-level key and fields (Automation format)");
  }
  const fields = issue.fields || {};
  const priority = fields.priority && fields.priority.name ? String(fields.priority.name) : "";
  const category = fields.status && fields.status.statusCategory && fields.status.statusCategory.key;
  const resolved = !!fields.resolution || category === "done" || body.webhookEvent === "jira:issue_deleted";
  const site = typeof issue.self === "string" ? issue.self.match(SITE) : null;

  /** @type {IlertEvent} */
  const event = {
    integrationKey: request.params.integrationKey,
    eventType: resolved ? "RESOLVE" : "ALERT",
    summary: issue.key + " " + (fields.summary || "(no summary)"),
    details: documentText(fields.description),
    alertKey: "jira-" + String(issue.key).toLowerCase(),
    priority: context.settings.highPriorities.has(priority) ? "HIGH" : "LOW",
    customDetails: gw.compact({
      status: fields.status && fields.status.name,
      resolution: fields.resolution && fields.resolution.name,
      priority,
      project: fields.project && fields.project.name,
      assignee: fields.assignee && fields.assignee.displayName,
      reporter: fields.reporter && fields.reporter.displayName,
    }),
    links: site ? [{ href: site[1] + "/browse/" + issue.key, text: "Jira " + issue.key }] : undefined,
  };
  request.path = "/api/events";
  request.body = event;
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
