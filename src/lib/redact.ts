/** Hiding secrets in what dialerd prints and logs. */

/**
 * `url` without its secrets: user and password become `***`, the path `/***` (webhook services
 * carry their key in it: `/services/T…/B…/<key>`), the query `?***`, the fragment is dropped
 * (`https://***@hooks.example/***?***`). Text that is not a URL comes back as `(hidden)` when it
 * could hold credentials (it has an `@`), unchanged otherwise.
 */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url.includes('@') ? '(hidden)' : url;
  }
  const auth = u.username !== '' || u.password !== '';
  const path = u.pathname === '/' || u.pathname === '' ? '' : '/***';
  return `${u.protocol}//${auth ? '***@' : ''}${u.host}${path}${u.search !== '' ? '?***' : ''}`;
}

/** Config keys whose values are never quoted: secrets, and the names of variables holding them. */
export function isSecretKey(key: string): boolean {
  return /password|token|secret|_env$/i.test(key);
}
