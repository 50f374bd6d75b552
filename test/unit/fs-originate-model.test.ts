/**
 * The FreeSWITCH originate-parser model (test/helpers/fs-originate.ts) reproduces the behaviour
 * the fuzz relies on, including the bug of the old escaping (issue 8).
 */
import { describe, expect, it } from 'vitest';
import { cleanup, findEndParen, parseOriginateArgs, separateString } from '../helpers/fs-originate.ts';

const vars = (args: string) => parseOriginateArgs(args)?.vars;

describe('FreeSWITCH originate parser model', () => {
  it('splits on commas and the first =, groups quotes, takes \\ escapes', () => {
    expect(vars("{a=1,b='x y',c=p\\,q,d=e=f}sofia/gw/x/+1 &park()")).toEqual([
      ['a', '1'],
      ['b', 'x y'],
      ['c', 'p,q'],
      ['d', 'e=f'],
    ]);
  });

  it('a trailing backslash swallows the next variable (the old escaping of record id R\\)', () => {
    expect(vars('{dialerd_record=R\\,ignore_early_media=true}sofia/gw/x/+1 &park()')).toEqual([['dialerd_record', 'R,ignore_early_media=true']]);
  });

  it('an empty value sets nothing; a lone quote is literal; ^^X changes the delimiter', () => {
    expect(vars('{a=,b=1}e &park()')).toEqual([['b', '1']]);
    expect(cleanup("O'Brien", ',')).toBe("O'Brien");
    expect(separateString('^^:a=1:b=2,3', ',', 10)).toEqual(['a=1', 'b=2,3']);
  });

  it('the block ends at the first unbalanced }, quoted or not', () => {
    expect(findEndParen("{a='}',b=1}e", 0, '{', '}')).toBe(4);
    expect(vars("{a=x} y,b=1}e &park()")).toEqual([['a', 'x']]);
  });

  it('blank split first: an unescaped space inside {…} breaks the dial string; \\s survives as a space', () => {
    expect(parseOriginateArgs('{a=x y}e &park()')).toBeNull();
    expect(parseOriginateArgs('{a=x\\\\sy}e &park()')?.vars).toEqual([['a', 'x y']]);
    // each pass unescapes once and trims: a leading space needs escaping for every pass
    expect(parseOriginateArgs('{a=\\\\sx}e &park()')?.vars).toEqual([['a', 'x']]);
    expect(parseOriginateArgs('{a=\\\\\\\\sx}e &park()')?.vars).toEqual([['a', ' x']]);
  });
});
