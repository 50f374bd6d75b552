/** Hiding secrets in what dialerd prints and logs. */

/**
 * `url` without its secrets: user and password become `***`, the query `?***`, the fragment is
 * dropped (`https://***@hooks.example/x?***`). Text that is not a URL comes back as `(hidden)`
 * when it could hold credentials (it has an `@`), unchanged otherwise.
 */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url.includes('@') ? '(hidden)' : url;
  }
  const auth = u.username !== '' || u.password !== '';
  if (!auth && u.search === '' && u.hash === '') return url;
  return `${u.protocol}//${auth ? '***@' : ''}${u.host}${u.pathname}${u.search !== '' ? '?***' : ''}`;
}

/** Config keys whose values are never quoted: secrets, and the names of variables holding them. */
export function isSecretKey(key: string): boolean {
  return /password|token|secret|_env$/i.test(key);
}
