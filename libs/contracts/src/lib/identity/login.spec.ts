import fc from 'fast-check';
import { checkLogin, LOGIN_MAX_LENGTH, loginKey } from './login';

const refusal = (value: unknown) => {
  const checked = checkLogin(value);
  if (checked.ok) throw new Error(`accepted ${JSON.stringify(value)}`);
  return checked;
};

describe('checkLogin: what a login may be', () => {
  it.each([
    ['ASCII', 'casey', 'casey'],
    ['an email address', 'casey.peters+1@example.com', 'casey.peters+1@example.com'],
    ['an inner space', 'Casey Peters', 'Casey Peters'],
    ['a decomposed é (stored composed)', 'Ce\u0301line', 'C\u00e9line'],
    ['Cyrillic alone', '\u0414\u043c\u0438\u0442\u0440\u0438\u0439', '\u0414\u043c\u0438\u0442\u0440\u0438\u0439'],
    ['Greek with digits', '\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac123', '\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac123'],
    ['Arabic alone', '\u0645\u0631\u062d\u0628\u0627', '\u0645\u0631\u062d\u0628\u0627'],
    ['Latin + Han + Hiragana + Katakana', 'yamada\u5c71\u7530\u305f\u308d\u3046\u30bf\u30ed\u30a6', 'yamada\u5c71\u7530\u305f\u308d\u3046\u30bf\u30ed\u30a6'],
    ['Latin + Han + Hangul', 'kim\uae40\u91d1', 'kim\uae40\u91d1'],
    ['Han + Bopomofo', '\u4e2d\u6587\u3105', '\u4e2d\u6587\u3105'],
    ['Katakana with the prolonged sound mark (Common, Hiragana and Katakana)', '\u30ab\u30fc', '\u30ab\u30fc'],
    ['an emoji', 'casey\ud83e\udd84', 'casey\ud83e\udd84'],
    ['digits and punctuation only', '1234-5678', '1234-5678'],
    ['255 characters', 'a'.repeat(255), 'a'.repeat(255)],
    ['255 emoji (510 UTF-16 units)', '\ud83e\udd84'.repeat(255), '\ud83e\udd84'.repeat(255)],
  ])('accepts %s, stored in NFC', (_name, value, stored) => {
    expect(checkLogin(value)).toEqual({ ok: true, login: stored, key: loginKey(stored) });
  });

  it.each([
    ['empty', '', /empty/],
    ['only spaces', '   ', /white space/],
    ['a leading space', ' casey', /white space/],
    ['a trailing space', 'casey ', /white space/],
    ['a trailing tab', 'casey\t', /white space/],
    ['a leading no-break space', '\u00a0casey', /white space/],
    ['a trailing ideographic space', 'casey\u3000', /white space/],
    ['a right-to-left override', '\u202eyesac', /U\+202E/],
    ['a left-to-right embedding', 'ca\u202asey', /U\+202A/],
    ['a pop directional formatting', 'casey\u202c', /U\+202C/],
    ['a left-to-right mark', 'casey\u200e', /U\+200E/],
    ['a right-to-left mark', 'casey\u200f', /U\+200F/],
    ['a first-strong isolate', 'ca\u2068sey', /U\+2068/],
    ['a pop directional isolate', 'ca\u2069sey', /U\+2069/],
    ['an Arabic letter mark', 'casey\u061c', /U\+061C/],
    ['a zero-width space', 'ca\u200bsey', /U\+200B/],
    ['a zero-width non-joiner', 'ca\u200csey', /U\+200C/],
    ['a zero-width joiner', 'ca\u200dsey', /U\+200D/],
    ['a word joiner', 'ca\u2060sey', /U\+2060/],
    ['a byte order mark', '\ufeffcasey', /U\+FEFF/],
    ['a soft hyphen', 'ca\u00adsey', /U\+00AD/],
    ['a combining grapheme joiner', 'ca\u034fsey', /U\+034F/],
    ['a variation selector', 'casey\ufe0f', /U\+FE0F/],
    ['a Hangul filler', 'ca\u3164sey', /U\+3164/],
    ['a tag character', 'casey\u{e0041}', /U\+E0041/],
    ['NUL', 'ca\u0000sey', /U\+0000/],
    ['BEL', 'ca\u0007sey', /U\+0007/],
    ['an escape sequence', '\u001b[31mcasey', /U\+001B/],
    ['DEL', 'casey\u007f', /U\+007F/],
    ['a newline', 'ca\nsey', /U\+000A/],
    ['a C1 control (NEL)', 'ca\u0085sey', /U\+0085/],
    ['a line separator', 'ca\u2028sey', /U\+2028/],
    ['a paragraph separator', 'ca\u2029sey', /U\+2029/],
    ['a private-use character', 'casey\ue000', /U\+E000/],
    ['a noncharacter', 'casey\uffff', /U\+FFFF/],
    ['the last code point (a noncharacter)', 'x\u{10ffff}', /U\+10FFFF/],
    ['an unassigned code point', 'casey\u0378', /U\+0378/],
  ])('refuses %s (value_error, naming what is wrong)', (_name, value, msg) => {
    const r = refusal(value);
    expect(r.type).toBe('value_error');
    expect(r.msg).toMatch(msg);
  });

  it.each([
    ['Latin with a Cyrillic і', 'v\u0456ctim', 'Latin', 'Cyrillic'],
    ['Cyrillic а and о in Latin', '\u0430dmin\u043e', 'Cyrillic', 'Latin'],
    ['Latin with a Greek ο', 'r\u03bfot', 'Latin', 'Greek'],
    ['Latin with Arabic-Indic digits', 'casey\u0661\u0662', 'Latin', 'Arabic'],
    ['Latin + Han with Cyrillic', 'yamada\u5c71\u0434', 'Latin', 'Cyrillic'],
    ['Hangul with Hiragana', '\uae40\u305f', 'Hangul', 'Hiragana'],
    ['Armenian with Latin (ս looks like u)', 'cas\u057dy', 'Latin', 'Armenian'],
  ])('refuses mixed scripts: %s', (_name, value, first, second) => {
    const r = refusal(value);
    expect(r.type).toBe('value_error');
    expect(r.msg).toContain(`mixes ${first} with ${second}`);
  });

  it('refuses what is not a string, and lone surrogates', () => {
    for (const v of [undefined, null, 42, true, {}, ['casey']]) expect(refusal(v)).toMatchObject({ type: 'string_type' });
    for (const v of ['ca\ud800sey', '\udc00', 'x\ud83d']) expect(refusal(v)).toMatchObject({ type: 'string_unicode' });
  });

  it(`refuses more than ${LOGIN_MAX_LENGTH} code points, counted in NFC`, () => {
    expect(refusal('a'.repeat(256))).toMatchObject({ type: 'string_too_long' });
    expect(refusal('\ud83e\udd84'.repeat(256))).toMatchObject({ type: 'string_too_long' });
    // 510 code points as sent, 255 composed.
    expect(checkLogin('e\u0301'.repeat(255))).toMatchObject({ ok: true, login: '\u00e9'.repeat(255) });
  });

  it('never throws, and what it accepts is NFC, unpadded, not empty and accepted again as itself', () => {
    const unit = fc.oneof(
      fc.constantFrom('a', 'Z', '\u0301', ' ', '\u202e', '\u200d', '\u0456', '\u03bf', '\u5c71', '\u30a2', '\u00df', '\u1e9e', '\u00e9', '\ud800', '\t', '\ufe0f'),
      fc.string({ unit: 'grapheme', maxLength: 1 }),
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 12 }).map((parts) => parts.join('')), (value) => {
        const checked = checkLogin(value);
        if (!checked.ok) return;
        expect(checked.login).toBe(checked.login.normalize('NFC'));
        expect(checked.login).toBe(checked.login.trim());
        expect(checked.login.length).toBeGreaterThan(0);
        expect(checkLogin(checked.login)).toEqual(checked);
      }),
      { numRuns: 2_000 },
    );
  });

  it('knows a script for every assigned character that is not Common or Inherited (the script list is complete)', () => {
    // A character of a script missing from the list would count as "unknown": a login of it with a Latin letter says so.
    const skip = /[\p{Cn}\p{Cs}\p{Co}\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\p{White_Space}\p{Script_Extensions=Common}\p{Script_Extensions=Inherited}\p{Script_Extensions=Latin}]/u;
    const unknown: string[] = [];
    for (let cp = 0x80; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      if (skip.test(ch)) continue;
      const r = checkLogin(`a${ch}`);
      if (!r.ok && /unknown script/.test(r.msg)) unknown.push(cp.toString(16));
    }
    expect(unknown).toEqual([]);
  });
});

describe('loginKey: which logins are one login', () => {
  it.each([
    ['case', ['Victim', 'victim', 'VICTIM', 'vIcTiM']],
    ['NFC and NFD', ['caf\u00e9', 'cafe\u0301', 'CAF\u00c9', 'CAFE\u0301']],
    ['compatibility forms (fullwidth, mathematical letters, ligatures)', ['victim', '\uff56\uff49\uff43\uff54\uff49\uff4d', '\ud835\udc2f\ud835\udc22\ud835\udc1c\ud835\udc2d\ud835\udc22\ud835\udc26']],
    ['ligatures', ['file', '\ufb01le', 'FILE']],
    ['German sharp s', ['Stra\u00dfe', 'STRASSE', 'strasse', 'STRA\u1e9eE']],
    ['Greek final sigma', ['\u1f48\u03b4\u03c5\u03c3\u03c3\u03b5\u03cd\u03c2', '\u1f48\u0394\u03a5\u03a3\u03a3\u0395\u038e\u03a3', '\u1f40\u03b4\u03c5\u03c3\u03c3\u03b5\u03cd\u03c3']],
    ['dotless ı and i', ['admin', 'adm\u0131n', 'ADMIN']],
    ['no-break space and space inside', ['Casey Peters', 'Casey\u00a0Peters']],
  ])('%s: one key', (_name, spellings) => {
    const keys = new Set(spellings.map(loginKey));
    expect(keys.size).toBe(1);
  });

  it.each([
    ['rn and m', 'rn', 'm'],
    ['0 and O', '0', 'O'],
    ['l and 1', 'l', '1'],
    ['two spaces and one', 'a  b', 'a b'],
    ['accent or none', 'caf\u00e9', 'cafe'],
    ['dotted İ and I', '\u0130', 'I'],
  ])('%s: different logins (no confusable skeleton, no accent folding)', (_name, a, b) => {
    expect(loginKey(a)).not.toBe(loginKey(b));
  });

  it('is idempotent, and the same for a login in upper and lower case', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 12 }), (s) => {
        const checked = checkLogin(s);
        if (!checked.ok) return;
        expect(loginKey(checked.key)).toBe(checked.key);
        expect(loginKey(checked.login.toUpperCase())).toBe(checked.key);
        expect(loginKey(checked.login.toLowerCase())).toBe(checked.key);
      }),
      { numRuns: 3_000 },
    );
  });
});
