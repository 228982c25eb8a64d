/**
 * Resources: the project list (`goxel://projects`) and each project's info
 * (`goxel://projects/{id}`), as JSON. A cheap poll of the daemon (list_projects each interval,
 * get_project_info only for subscribed projects) sends list-changed and updated notifications.
 */
import type { Resource, ResourceTemplate } from "@modelcontextprotocol/sdk/types.js";
import type { McpContext } from "./context.ts";

/** The URI of the project list. */
export const PROJECTS_URI = "goxel://projects";
const PROJECT_PREFIX = `${PROJECTS_URI}/`;

/** How often the daemon is polled for changes while a client is connected. */
export const POLL_INTERVAL_MS = 1000;

interface ProjectList {
  projects: { id: string; name: string; dirty: boolean }[];
}

/** A URI that names no resource (or a project that is not open). */
export class UnknownResourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnknownResourceError";
  }
}

/** The resource template of one project. */
export const PROJECT_TEMPLATE: ResourceTemplate = {
  uriTemplate: `${PROJECT_PREFIX}{id}`,
  name: "project",
  title: "Project info",
  description: "One open project: name, file, box, layer and voxel counts, undo depth",
  mimeType: "application/json",
};

/** The daemon call that reads `uri`, or null when the URI names no resource. */
function readerOf(uri: string): [string, Record<string, unknown>] | null {
  if (uri === PROJECTS_URI) return ["goxel.list_projects", {}];
  if (!uri.startsWith(PROJECT_PREFIX)) return null;
  const id = decodeURIComponent(uri.slice(PROJECT_PREFIX.length));
  return id && !id.includes("/") ? ["goxel.get_project_info", { project: id }] : null;
}

/** Lists, reads and watches the resources for one MCP session. */
export class ProjectResources {
  #subscribed = new Set<string>();
  /** The project ids at the last poll, null before the first (an empty list is "" too). */
  #lastList: string | null = null;
  #lastSeen = new Map<string, string>();
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    readonly ctx: McpContext,
    readonly notify: { listChanged(): void; updated(uri: string): void },
  ) {}

  /** The project list and one resource per open project. */
  async list(): Promise<Resource[]> {
    const list = await this.ctx.link.call("goxel.list_projects", {}) as ProjectList;
    return [
      {
        uri: PROJECTS_URI,
        name: "projects",
        title: "Open projects",
        mimeType: "application/json",
      },
      ...list.projects.map((p) => ({
        uri: `${PROJECT_PREFIX}${encodeURIComponent(p.id)}`,
        name: p.id,
        title: `Project "${p.name}"${p.dirty ? " (unsaved changes)" : ""}`,
        mimeType: "application/json",
      })),
    ];
  }

  /** Reads one resource as JSON text; throws when the URI names none. */
  async read(uri: string): Promise<{ uri: string; mimeType: string; text: string }> {
    const reader = readerOf(uri);
    if (!reader) {
      throw new UnknownResourceError(
        `Unknown resource "${uri}" (resources: ${PROJECTS_URI}, ${PROJECT_PREFIX}{id})`,
      );
    }
    const value = await this.ctx.link.call(reader[0], reader[1]);
    return { uri, mimeType: "application/json", text: JSON.stringify(value, null, 1) };
  }

  /** Starts watching a resource for updates; changes after this resolves are notified. */
  async subscribe(uri: string): Promise<void> {
    if (!readerOf(uri)) throw new UnknownResourceError(`Unknown resource "${uri}"`);
    const seen = await this.#snapshot(uri);
    if (seen === "gone" && uri !== PROJECTS_URI) {
      throw new UnknownResourceError(`Resource "${uri}": no such project is open`);
    }
    this.#subscribed.add(uri);
    this.#lastSeen.set(uri, seen);
  }

  /** The resource's current content as compared between polls ("gone" once unreadable). */
  async #snapshot(uri: string): Promise<string> {
    const reader = readerOf(uri)!;
    try {
      return JSON.stringify(await this.ctx.link.call(reader[0], reader[1], { spawn: false }));
    } catch {
      return "gone";
    }
  }

  /** Stops watching a resource. */
  unsubscribe(uri: string): void {
    this.#subscribed.delete(uri);
    this.#lastSeen.delete(uri);
  }

  /** Starts the poll (idempotent); the first one runs now, to record the current state. */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.poll().catch(() => {}), POLL_INTERVAL_MS);
    this.poll().catch(() => {});
  }

  /** Stops the poll. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** One poll: compares what the daemon reports with what was last seen. */
  async poll(): Promise<void> {
    const list = await this.ctx.link.call("goxel.list_projects", {}, {
      spawn: false,
    }) as ProjectList;
    const ids = list.projects.map((p) => p.id).join(",");
    if (this.#lastList !== null && this.#lastList !== ids) this.notify.listChanged();
    this.#lastList = ids;
    for (const uri of this.#subscribed) {
      const text = await this.#snapshot(uri);
      const before = this.#lastSeen.get(uri);
      if (before !== undefined && before !== text) this.notify.updated(uri);
      this.#lastSeen.set(uri, text);
    }
  }
}
