/// <reference lib="dom" />
/** The viewer's controls: project switcher, layer toggles, fit, grid, stats and status. */
import type { SceneStats } from "./scene.ts";

/** What the controls ask the viewer to do. */
export interface UiActions {
  /** A project id, or null to follow the daemon's current project. */
  onProject(id: string | null): void;
  onLayer(id: number, visible: boolean): void;
  onFit(): void;
  onGrid(visible: boolean): void;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text = ""): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.textContent = text;
  return e;
}

/** The page around the canvas. */
export class ViewerUi {
  readonly canvasHost: HTMLElement;
  readonly #projects: HTMLSelectElement;
  readonly #layers: HTMLElement;
  readonly #stats: HTMLElement;
  readonly #status: HTMLElement;
  readonly #actions: UiActions;

  constructor(actions: UiActions) {
    this.#actions = actions;
    const bar = el("header");
    this.#projects = el("select");
    this.#projects.title = "Project";
    this.#projects.onchange = () => actions.onProject(this.#projects.value || null);
    const fit = el("button", "Fit");
    fit.onclick = () => actions.onFit();
    const grid = el("label");
    const gridBox = el("input");
    gridBox.type = "checkbox";
    gridBox.checked = true;
    gridBox.onchange = () => actions.onGrid(gridBox.checked);
    grid.append(gridBox, " grid");
    this.#layers = el("span");
    this.#layers.className = "layers";
    this.#stats = el("span");
    this.#stats.className = "stats";
    this.#status = el("span");
    this.#status.className = "status";
    bar.append(
      el("b", "goxel"),
      this.#projects,
      fit,
      grid,
      this.#layers,
      this.#stats,
      this.#status,
    );
    this.canvasHost = el("main");
    document.body.append(bar, this.canvasHost);
  }

  /** Fills the project switcher ("current" follows the daemon's current project). */
  setProjects(list: { id: string; name: string }[], shown: string | null, following: boolean) {
    const options = [el("option", "(current project)")];
    options[0].value = "";
    for (const p of list) {
      const o = el("option", `${p.name} (${p.id})`);
      o.value = p.id;
      options.push(o);
    }
    const value = following ? "" : shown ?? "";
    const same = this.#projects.options.length === options.length &&
      options.every((o, i) => this.#projects.options[i].textContent === o.textContent);
    if (!same) this.#projects.replaceChildren(...options);
    this.#projects.value = value;
  }

  /** Shows one toggle per layer. */
  setLayers(layers: { id: number; name: string; visible: boolean }[], hidden: Set<number>): void {
    const items = layers.map((l) => {
      const label = el("label");
      const box = el("input");
      box.type = "checkbox";
      box.checked = l.visible && !hidden.has(l.id);
      box.onchange = () => this.#actions.onLayer(l.id, box.checked);
      label.append(box, ` ${l.name}`);
      return label;
    });
    this.#layers.replaceChildren(...items);
  }

  /** Shows the voxel count, the bounding box and the sequence number. */
  setStats(name: string, s: SceneStats, seq: number): void {
    const box = s.min && s.max
      ? `box ${s.min.join(",")} → ${s.max.map((v) => v - 1).join(",")}`
      : "empty";
    this.#stats.textContent = `${name}: ${
      s.voxels.toLocaleString("en")
    } voxels, ${box}, seq ${seq}`;
  }

  /** Shows the connection state. */
  setStatus(text: string, connected: boolean): void {
    this.#status.textContent = text;
    this.#status.dataset.connected = String(connected);
  }
}
