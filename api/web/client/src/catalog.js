import { errorFromResponse } from './errors.js';
import { MEDIA_JSON, PATH_DATASETS, PATH_HANDSHAKE, PATH_INFO } from './protocol.js';

/** `path` under a server's base URL (`https://host/` or `https://host/app/`). */
export function resolve(baseUrl, path) {
  const base = new URL(baseUrl, globalThis.location?.href);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  return new URL(path, base);
}

async function getJson(url, { token, signal, fetch: fetchImpl = globalThis.fetch } = {}) {
  const headers = { Accept: MEDIA_JSON };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetchImpl(url, { headers, signal });
  if (!response.ok) throw await errorFromResponse(response);
  return response.json();
}

/**
 * The catalog: one entry per dataset, with `name`, `description`, `schema` (Arrow's JSON form),
 * `totalRecords`, `endpoints` and `location`, as docs/protocol.md describes.
 *
 * @param {string|URL} baseUrl the server's base URL
 * @param {{token?: string, signal?: AbortSignal, fetch?: typeof fetch}} [options]
 */
export async function fetchCatalog(baseUrl, options = {}) {
  const catalog = await getJson(resolve(baseUrl, PATH_DATASETS), options);
  return catalog.datasets;
}

/** One catalog entry. */
export async function fetchInfo(baseUrl, name, options = {}) {
  return getJson(resolve(baseUrl, `${PATH_DATASETS}/${encodeURIComponent(name)}/${PATH_INFO}`), options);
}

/**
 * Signs in with a user name and password (HTTP Basic, once) and returns the server's bearer token
 * as `{token, expiresAt}`. Keep the token in memory and pass it as the `token` option.
 */
export async function handshake(baseUrl, user, password, { signal, fetch: fetchImpl = globalThis.fetch } = {}) {
  const credentials = base64(new TextEncoder().encode(`${user}:${password}`));
  const response = await fetchImpl(resolve(baseUrl, PATH_HANDSHAKE), {
    method: 'POST',
    headers: { Accept: MEDIA_JSON, Authorization: `Basic ${credentials}` },
    signal,
  });
  if (!response.ok) throw await errorFromResponse(response);
  const answer = await response.json();
  return { token: answer.token, expiresAt: answer.expiresAt };
}

function base64(bytes) {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
