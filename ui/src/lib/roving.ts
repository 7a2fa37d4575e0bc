// One tab stop per composite widget (a list, a map, tabs, a tree, a grid):
// the items carry tabindex="-1" in the markup; this action gives tabindex 0 to
// one of them (the last one used, else the first) and moves focus with the
// arrows, Home/End, PageUp/PageDown and type-ahead; Enter activates.

export interface RovingOptions {
  /** Selector of the items, inside the node. */
  items: string;
  /** Which arrows move: up/down, left/right, or all four (as a line). */
  orientation?: "vertical" | "horizontal" | "both";
  /** A custom move (e.g. a map's geography): the item to go to, or null for the default. */
  move?: (from: HTMLElement, key: string, items: HTMLElement[]) => HTMLElement | null | undefined;
  /** Enter (and Space, unless `space` is false) on an item. */
  activate?: (el: HTMLElement) => void;
  space?: boolean;
  /** Called when focus moves to an item by key (tabs select on focus). */
  moved?: (el: HTMLElement) => void;
  /** Letters jump to the next item whose label starts with them. */
  typeahead?: boolean;
  /** Items a Page key skips. */
  page?: number;
  /** ArrowUp/Left on the first item (e.g. back to a search box). */
  beforeFirst?: () => void;
}

const label = (el: HTMLElement) =>
  (el.getAttribute("aria-label") ?? el.closest("label")?.textContent ?? el.textContent ?? "").trim().toLocaleLowerCase("it");

export function roving(node: HTMLElement | SVGSVGElement, opts: RovingOptions) {
  let o = opts;
  let current: HTMLElement | null = null;
  let typed = "";
  let typedAt = 0;

  const all = () => [...node.querySelectorAll<HTMLElement>(o.items)];

  // Exactly one item is in the tab order.
  function sync() {
    const list = all();
    if (list.length === 0) return;
    if (!current || !current.isConnected || !list.includes(current)) {
      current = list.find((el) => el.getAttribute("tabindex") === "0") ?? list[0];
    }
    for (const el of list) {
      const want = el === current ? "0" : "-1";
      if (el.getAttribute("tabindex") !== want) el.setAttribute("tabindex", want);
    }
  }

  function go(el: HTMLElement | null | undefined) {
    if (!el) return;
    current = el;
    sync();
    el.focus();
    o.moved?.(el);
  }

  function onKey(ev: Event) {
    const e = ev as KeyboardEvent;
    const list = all();
    const from = (e.target as HTMLElement).closest<HTMLElement>(o.items);
    if (!from || !list.includes(from) || e.ctrlKey || e.altKey || e.metaKey) return;
    const i = list.indexOf(from);
    const vertical = o.orientation !== "horizontal";
    const horizontal = o.orientation !== "vertical";
    const k = e.key;
    let to: HTMLElement | null | undefined;
    const custom = o.move?.(from, k, list);
    if (custom) to = custom;
    else if ((k === "ArrowDown" && vertical) || (k === "ArrowRight" && horizontal)) to = list[Math.min(i + 1, list.length - 1)];
    else if ((k === "ArrowUp" && vertical) || (k === "ArrowLeft" && horizontal)) {
      if (i === 0 && o.beforeFirst) {
        e.preventDefault();
        o.beforeFirst();
        return;
      }
      to = list[Math.max(i - 1, 0)];
    } else if (k === "Home") to = list[0];
    else if (k === "End") to = list[list.length - 1];
    else if (k === "PageDown") to = list[Math.min(i + (o.page ?? 10), list.length - 1)];
    else if (k === "PageUp") to = list[Math.max(i - (o.page ?? 10), 0)];
    else if (k === "Enter" || (k === " " && o.space !== false)) {
      if (o.activate) {
        e.preventDefault();
        o.activate(from);
      }
      return;
    } else if (o.typeahead && k.length === 1 && /\S/.test(k)) {
      const now = Date.now();
      typed = now - typedAt < 700 ? typed + k.toLocaleLowerCase("it") : k.toLocaleLowerCase("it");
      typedAt = now;
      const order = [...list.slice(i + (typed.length === 1 ? 1 : 0)), ...list.slice(0, i + (typed.length === 1 ? 1 : 0))];
      to = order.find((el) => label(el).startsWith(typed));
      if (!to) return;
    } else return;
    e.preventDefault();
    if (to && to !== from) go(to);
  }

  function onFocus(e: Event) {
    const el = (e.target as HTMLElement).closest<HTMLElement>(o.items);
    if (el && el !== current && all().includes(el)) {
      current = el;
      sync();
    }
  }

  node.addEventListener("keydown", onKey);
  node.addEventListener("focusin", onFocus);
  const observer = new MutationObserver(sync);
  observer.observe(node, { childList: true, subtree: true });
  sync();
  return {
    update(n: RovingOptions) {
      o = n;
      sync();
    },
    destroy() {
      node.removeEventListener("keydown", onKey);
      node.removeEventListener("focusin", onFocus);
      observer.disconnect();
    },
  };
}

/**
 * The nearest item in the direction of an arrow key, by the items' centres
 * (data-x, data-y): for maps and other two-dimensional layouts.
 */
export function geographic(from: HTMLElement, key: string, items: HTMLElement[]): HTMLElement | null {
  const dir: Record<string, [number, number]> = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };
  const d = dir[key];
  if (!d) return null;
  const x0 = Number(from.dataset.x);
  const y0 = Number(from.dataset.y);
  let best: HTMLElement | null = null;
  let bestScore = Infinity;
  for (const el of items) {
    if (el === from) continue;
    const dx = Number(el.dataset.x) - x0;
    const dy = Number(el.dataset.y) - y0;
    const along = dx * d[0] + dy * d[1];
    if (along <= 0) continue;
    const across = Math.abs(dx * d[1] - dy * d[0]);
    // Within 60° of the arrow; sideways distance costs more than distance ahead.
    if (across > along * 1.8) continue;
    const score = along + across * 2.5;
    if (score < bestScore) {
      bestScore = score;
      best = el;
    }
  }
  return best ?? from;
}

/**
 * Up/Down in a table whose rows hold several items (a checkbox and a link):
 * the same column in the next or previous row. Left/Right fall back to the
 * list order, i.e. along the row.
 */
export function tableColumns(from: HTMLElement, key: string, items: HTMLElement[]): HTMLElement | null {
  if (key !== "ArrowDown" && key !== "ArrowUp") return null;
  const cell = from.closest("td, th") as HTMLTableCellElement | null;
  const row = from.closest("tr");
  if (!cell || !row) return null;
  const rows = items.map((el) => el.closest("tr")).filter((r, i, all) => r && all.indexOf(r) === i) as HTMLTableRowElement[];
  const next = rows[rows.indexOf(row as HTMLTableRowElement) + (key === "ArrowDown" ? 1 : -1)];
  if (!next) return from;
  return items.find((el) => el.closest("tr") === next && (el.closest("td, th") as HTMLTableCellElement).cellIndex === cell.cellIndex) ?? from;
}
