/** excerpt and boundText: what of someone's text a message may quote, and how long a stored error may be. */
import { describe, expect, it } from 'vitest';
import { boundText, excerpt } from '../../../src/shared/excerpt';
import { describeJsonError } from '../../../src/shared/json-error';

describe('excerpt', () => {
  it('keeps short printable text as it is, including non-Latin letters and emoji', () => {
    expect(excerpt('loss, 損失 📉')).toBe('loss, 損失 📉');
  });

  it('replaces control, bidi and zero-width characters and cuts long text with an ellipsis', () => {
    expect(excerpt('a\u001b[31mb\u0000c\u202ed\u200be\nf')).toBe('a?[31mb?c?d?e?f');
    const long = excerpt('x'.repeat(60_000_000));
    expect(long).toHaveLength(200);
    expect(long.endsWith('…')).toBe(true);
    expect(excerpt('abcdef', 4)).toBe('abc…');
  });

  it('never leaves half of a surrogate pair at the cut', () => {
    const cut = excerpt('ab📉📉📉', 4);
    expect(cut).toBe('ab…');
  });
});

describe('boundText', () => {
  it('keeps lines and tabs, replaces other controls, and bounds the length', () => {
    expect(boundText('line 1\r\n\tline 2\u0007')).toBe('line 1\n\tline 2?');
    expect(boundText('y'.repeat(10_000))).toHaveLength(2000);
  });
});

describe('describeJsonError', () => {
  it('says where JSON.parse stopped, never what the text was', () => {
    const why = (text: string): string => {
      try {
        JSON.parse(text);
      } catch (error) {
        return describeJsonError(error);
      }
      throw new Error('parsed');
    };
    expect(why('root:$y$j9T$secret')).toBe('unexpected character');
    expect(why('{"a": ')).toBe('it ends in the middle of a value');
    expect(why('{x')).toBe("Expected property name or '}' at position 1");
    expect(why('"abc')).toBe('Unterminated string at position 4');
  });
});
