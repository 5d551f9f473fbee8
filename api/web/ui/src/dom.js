// Small DOM helpers. Text from the server only ever goes in as text, never as HTML.

export const $ = (id) => document.getElementById(id);

/** A new element with text content and attributes. */
export function element(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

const NUMBER = new Intl.NumberFormat('en-US');
export const formatCount = (n) => NUMBER.format(n);

export function formatBytes(bytes) {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}
