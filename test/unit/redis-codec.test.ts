/** The Redis store's JSON codec: history rows written before a field existed read back with its default. */
import { expect, it } from 'vitest';
import { decodeHistory, encodeHistory } from '../../src/store/redis/codec.ts';
import { row } from '../contract/store-fixtures.ts';

it('a history row stored before `interrupted` existed reads as not interrupted; a new one round-trips', () => {
  const { interrupted: _, ...old } = row('d1');
  expect(decodeHistory(JSON.stringify(old)).interrupted).toBe(false);
  const cut = row('d2', { result: 'answered', interrupted: true });
  expect(decodeHistory(encodeHistory(cut))).toEqual(cut);
});
