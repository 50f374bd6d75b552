import { beforeAll, describe, expect, it } from 'vitest';
import { createZoneResolver, type ZoneResolver } from '../../src/lib/phone-zones.ts';

let resolver: ZoneResolver;
beforeAll(async () => {
  resolver = await createZoneResolver();
});

describe('zonesFor: geographic numbers by prefix', () => {
  it('New York (212) → America/New_York', () => {
    expect(resolver.zonesFor('+12125550123')).toEqual(['America/New_York']);
  });

  it('Los Angeles (213) → America/Los_Angeles', () => {
    expect(resolver.zonesFor('+12135550123')).toEqual(['America/Los_Angeles']);
  });

  it('Moscow (+7 495) → Europe/Moscow', () => {
    expect(resolver.zonesFor('+74951234567')).toEqual(['Europe/Moscow']);
  });

  it('Novosibirsk (+7 383) → Asia/Novosibirsk', () => {
    expect(resolver.zonesFor('+73832123456')).toEqual(['Asia/Novosibirsk']);
  });

  it('Vladivostok (+7 423) → Asia/Vladivostok', () => {
    expect(resolver.zonesFor('+74232123456')).toEqual(['Asia/Vladivostok']);
  });

  it('Berlin (+49 30) → Europe/Berlin', () => {
    expect(resolver.zonesFor('+493012345678')).toEqual(['Europe/Berlin']);
  });

  it('a prefix shared by two zones returns both', () => {
    // 1208 3xx (Idaho) straddles Boise and Pacific time in libphonenumber's map.
    expect(resolver.zonesFor('+12083205555')).toEqual(['America/Boise', 'America/Los_Angeles']);
  });
});

describe('zonesFor: non-geographic numbers get every zone of their country code', () => {
  it('an Australian mobile may be anywhere in Australia', () => {
    const zones = resolver.zonesFor('+61412345678');
    expect(zones).toEqual(expect.arrayContaining(['Australia/Perth', 'Australia/Sydney', 'Australia/Adelaide']));
    expect(zones.length).toBeGreaterThan(3);
  });

  it('a Russian mobile spans Moscow to Vladivostok', () => {
    const zones = resolver.zonesFor('+79123456789');
    expect(zones).toEqual(expect.arrayContaining(['Europe/Moscow', 'Asia/Novosibirsk', 'Asia/Vladivostok']));
  });

  it('a US toll-free number is not pinned to one zone', () => {
    expect(resolver.zonesFor('+18005550123')).toEqual(
      expect.arrayContaining(['America/New_York', 'America/Los_Angeles', 'Pacific/Honolulu']),
    );
  });

  it('a Brazilian mobile is geographic (area code) as in libphonenumber', () => {
    expect(resolver.zonesFor('+5511987654321')).toEqual(['America/Sao_Paulo']);
  });
});

describe('zonesFor: unknown', () => {
  it('returns [] for invalid numbers and garbage', () => {
    expect(resolver.zonesFor('+15555550123')).toEqual([]);
    expect(resolver.zonesFor('+999123456')).toEqual([]);
    expect(resolver.zonesFor('not a number')).toEqual([]);
    expect(resolver.zonesFor('')).toEqual([]);
  });

  it('answers the same from its cache, and keeps answering after the cache is dropped', async () => {
    const small = await createZoneResolver({ cacheSize: 2 });
    const first = small.zonesFor('+12125550123');
    small.zonesFor('+74951234567');
    small.zonesFor('+493012345678');
    expect(small.zonesFor('+12125550123')).toEqual(first);
    expect(small.zonesFor('+74951234567')).toEqual(['Europe/Moscow']);
  });
});
