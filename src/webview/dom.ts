/**
 * A tiny element builder. Children that are strings become text nodes, so model and test text can never turn into
 * markup: there is deliberately no way to pass HTML here.
 */

/** Attribute values; `false`/`undefined` leave the attribute out, `true` sets it empty. */
export type Attrs = Record<string, string | number | boolean | undefined>;

/** A child: an element, or a string inserted as text. */
export type Child = Node | string | undefined | false;

/** Creates an element with attributes and children (strings as text nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name === 'class') el.className = String(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Appends children (strings as text nodes). */
export function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

/** Replaces all children of `el` (strings as text nodes). */
export function replaceChildren(el: Element, ...children: Child[]): void {
  el.replaceChildren(...children.filter((c): c is Node | string => c !== undefined && c !== false));
}
