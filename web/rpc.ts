/// <reference lib="dom" />
/**
 * The viewer's JSON-RPC over WebSocket: requests with promises, notifications to a handler,
 * and reconnection with back-off whenever the connection drops.
 */

/** What the connection reports to the page. */
export interface RpcEvents {
  /** Called on every (re)connection, before any request may be sent. */
  onOpen(): void;
  onNotification(method: string, params: unknown): void;
  onStatus(text: string, connected: boolean): void;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

/** A self-reconnecting JSON-RPC WebSocket client. */
export class RpcSocket {
  readonly #url: string;
  readonly #events: RpcEvents;
  #ws: WebSocket | null = null;
  #nextId = 1;
  #pending = new Map<number, Pending>();
  #retryMs = 200;
  /** Number of connections made so far (the first one included). */
  connections = 0;

  constructor(url: string, events: RpcEvents) {
    this.#url = url;
    this.#events = events;
    this.#connect();
  }

  /** Calls a method; rejects with the server's error message. */
  call<T>(method: string, params: unknown = {}): Promise<T> {
    const ws = this.#ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(new Error("Not connected"));
    }
    const id = this.#nextId++;
    ws.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    });
  }

  /** Drops the connection (it reconnects by itself); used by tests and the UI. */
  drop(): void {
    this.#ws?.close();
  }

  #connect(): void {
    this.#events.onStatus("connecting…", false);
    const ws = new WebSocket(this.#url);
    this.#ws = ws;
    ws.onopen = () => {
      this.#retryMs = 200;
      this.connections++;
      this.#events.onStatus("live", true);
      this.#events.onOpen();
    };
    ws.onmessage = (e) => this.#receive(String(e.data));
    ws.onclose = () => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      for (const p of this.#pending.values()) p.reject(new Error("Connection lost"));
      this.#pending.clear();
      this.#events.onStatus(`disconnected, retrying in ${this.#retryMs} ms`, false);
      setTimeout(() => this.#connect(), this.#retryMs);
      this.#retryMs = Math.min(this.#retryMs * 2, 3000);
    };
  }

  #receive(text: string): void {
    const msg = JSON.parse(text);
    if (msg.method) return this.#events.onNotification(msg.method, msg.params);
    const p = this.#pending.get(msg.id);
    if (!p) return;
    this.#pending.delete(msg.id);
    if (msg.error) p.reject(new Error(msg.error.message));
    else p.resolve(msg.result);
  }
}
