/** The process environment. The one place outside loaders that reads it, so callers elsewhere stay pure. */
export function currentEnv(): NodeJS.ProcessEnv {
  return process.env;
}
