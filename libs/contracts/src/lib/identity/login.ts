/**
 * The login rule: what an entity user's login may be, how it is stored, and
 * which logins are one login. Used by the gateway (422 before anything is sent)
 * and by identity (which stores logins and trusts no caller). docs/IDENTITY.md
 * states the rule for API users.
 *
 * A login is stored in NFC, as given otherwise. It is refused when it:
 * - is not a string, or holds lone UTF-16 surrogates (not Unicode text);
 * - is empty, or begins or ends with white space;
 * - holds a character that is invisible or not text: controls (Cc), format
 *   characters (Cf: zero-width space and joiners, bidi marks, embeddings,
 *   overrides and isolates, the BOM, the soft hyphen…), other default-ignorable
 *   code points (variation selectors, Hangul fillers…), line and paragraph
 *   separators, private-use, unassigned code points (in the runtime's Unicode
 *   version) and noncharacters;
 * - is longer than LOGIN_MAX_LENGTH code points (in NFC);
 * - mixes scripts (Unicode UTS #39 "highly restrictive"): letters of one script
 *   plus Common and Inherited characters (digits, punctuation, symbols, marks),
 *   or Latin with Han and Hiragana/Katakana, Bopomofo or Hangul. So a Latin
 *   login with a Cyrillic or Greek look-alike letter is refused.
 *
 * Two logins are one login when their keys (`loginKey`) are equal: compatibility
 * forms (NFKC: fullwidth letters, ligatures) and case (Victim, victim, VICTIM;
 * Straße, STRASSE) do not make a different login.
 */

/** The longest login, in code points of its NFC form (the reference's maxLength). */
export const LOGIN_MAX_LENGTH = 255;

export type LoginCheck =
  | { ok: true; login: string; key: string }
  | { ok: false; msg: string; type: 'string_type' | 'string_unicode' | 'string_too_long' | 'value_error' };

/** Checks a login as sent; on success, the login to store (NFC) and its uniqueness key. */
export function checkLogin(value: unknown): LoginCheck {
  if (typeof value !== 'string') return { ok: false, msg: 'Login should be a valid string', type: 'string_type' };
  if (LONE_SURROGATE.test(value)) return { ok: false, msg: 'Login should be valid Unicode (it holds a lone surrogate)', type: 'string_unicode' };
  const login = value.normalize('NFC');
  if (login.length === 0) return refuse('Login should not be empty');
  if (PADDED.test(login)) return refuse('Login should not begin or end with white space');
  const hidden = NOT_VISIBLE_TEXT.exec(login);
  if (hidden) return refuse(`Login should not contain control, invisible or formatting characters (it holds ${codePoint(hidden[0])})`);
  if (countCodePoints(login) > LOGIN_MAX_LENGTH) {
    return { ok: false, msg: `Login should have at most ${LOGIN_MAX_LENGTH} characters`, type: 'string_too_long' };
  }
  const mixed = mixedScripts(login);
  if (mixed) return refuse(`Login should be written in one script: it mixes ${mixed[0]} with ${mixed[1]} letters, which can look alike`);
  return { ok: true, login, key: loginKey(login) };
}

/**
 * The key two logins share when they are one login: NFKC, then a full-case
 * fold (lower, upper, lower: ß and ẞ become ss, σ and final ς fold alike),
 * then NFKC again (casing can undo normalization). Idempotent.
 */
export function loginKey(login: string): string {
  const folded = login.normalize('NFKC').toLowerCase().toUpperCase().toLowerCase();
  return folded.normalize('NFKC');
}

function refuse(msg: string): LoginCheck {
  return { ok: false, msg, type: 'value_error' };
}

const LONE_SURROGATE = /\p{Cs}/u;
const PADDED = /^\p{White_Space}|\p{White_Space}$/u;
/** Controls, format, surrogates, private use, unassigned (noncharacters too), line/paragraph separators, default-ignorables. */
const NOT_VISIBLE_TEXT = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;

function codePoint(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

function countCodePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

// ---- scripts (UTS #39, "highly restrictive") ---------------------------------

/**
 * The scripts of Unicode 17 (Common, Inherited and Unknown aside; login.spec.ts checks that every assigned character has one of them). A runtime
 * that does not know a name skips it; its characters then count as one
 * unknown script.
 */
const SCRIPT_NAMES = [
  'Adlam', 'Ahom', 'Anatolian_Hieroglyphs', 'Arabic', 'Armenian', 'Avestan', 'Balinese', 'Bamum', 'Bassa_Vah', 'Batak',
  'Bengali', 'Beria_Erfe', 'Bhaiksuki', 'Bopomofo', 'Brahmi', 'Braille', 'Buginese', 'Buhid', 'Canadian_Aboriginal', 'Carian',
  'Caucasian_Albanian', 'Chakma', 'Cham', 'Cherokee', 'Chorasmian', 'Coptic', 'Cuneiform', 'Cypriot', 'Cypro_Minoan',
  'Cyrillic', 'Deseret', 'Devanagari', 'Dives_Akuru', 'Dogra', 'Duployan', 'Egyptian_Hieroglyphs', 'Elbasan', 'Elymaic',
  'Ethiopic', 'Garay', 'Georgian', 'Glagolitic', 'Gothic', 'Grantha', 'Greek', 'Gujarati', 'Gunjala_Gondi', 'Gurmukhi',
  'Gurung_Khema', 'Han', 'Hangul', 'Hanifi_Rohingya', 'Hanunoo', 'Hatran', 'Hebrew', 'Hiragana', 'Imperial_Aramaic',
  'Inscriptional_Pahlavi', 'Inscriptional_Parthian', 'Javanese', 'Kaithi', 'Kannada', 'Katakana', 'Kawi', 'Kayah_Li',
  'Kharoshthi', 'Khitan_Small_Script', 'Khmer', 'Khojki', 'Khudawadi', 'Kirat_Rai', 'Lao', 'Latin', 'Lepcha', 'Limbu',
  'Linear_A', 'Linear_B', 'Lisu', 'Lycian', 'Lydian', 'Mahajani', 'Makasar', 'Malayalam', 'Mandaic', 'Manichaean', 'Marchen',
  'Masaram_Gondi', 'Medefaidrin', 'Meetei_Mayek', 'Mende_Kikakui', 'Meroitic_Cursive', 'Meroitic_Hieroglyphs', 'Miao', 'Modi',
  'Mongolian', 'Mro', 'Multani', 'Myanmar', 'Nabataean', 'Nag_Mundari', 'Nandinagari', 'New_Tai_Lue', 'Newa', 'Nko', 'Nushu',
  'Nyiakeng_Puachue_Hmong', 'Ogham', 'Ol_Chiki', 'Ol_Onal', 'Old_Hungarian', 'Old_Italic', 'Old_North_Arabian', 'Old_Permic',
  'Old_Persian', 'Old_Sogdian', 'Old_South_Arabian', 'Old_Turkic', 'Old_Uyghur', 'Oriya', 'Osage', 'Osmanya', 'Pahawh_Hmong',
  'Palmyrene', 'Pau_Cin_Hau', 'Phags_Pa', 'Phoenician', 'Psalter_Pahlavi', 'Rejang', 'Runic', 'Samaritan', 'Saurashtra',
  'Sharada', 'Shavian', 'Siddham', 'Sidetic', 'SignWriting', 'Sinhala', 'Sogdian', 'Sora_Sompeng', 'Soyombo', 'Sundanese',
  'Sunuwar', 'Syloti_Nagri', 'Syriac', 'Tagalog', 'Tagbanwa', 'Tai_Le', 'Tai_Tham', 'Tai_Viet', 'Tai_Yo', 'Takri', 'Tamil',
  'Tangsa', 'Tangut', 'Telugu', 'Thaana', 'Thai', 'Tibetan', 'Tifinagh', 'Tirhuta', 'Todhri', 'Tolong_Siki', 'Toto',
  'Tulu_Tigalari', 'Ugaritic', 'Vai', 'Vithkuqi', 'Wancho', 'Warang_Citi', 'Yezidi', 'Yi', 'Zanabazar_Square',
];

const UNKNOWN_SCRIPT = 'an unknown script';

let scriptTests: Map<string, RegExp> | undefined;

/** One `\p{Script_Extensions=…}` test per script this runtime knows, compiled on first use. */
function scripts(): Map<string, RegExp> {
  if (!scriptTests) {
    scriptTests = new Map();
    for (const name of SCRIPT_NAMES) {
      try {
        scriptTests.set(name, new RegExp(`\\p{Script_Extensions=${name}}`, 'u'));
      } catch {
        // Not in this runtime's Unicode version.
      }
    }
  }
  return scriptTests;
}

/** Characters that go with any script: Script_Extensions is Common or Inherited (digits, punctuation, symbols, marks). */
const ANY_SCRIPT = /[\p{Script_Extensions=Common}\p{Script_Extensions=Inherited}]/u;
const ASCII_LETTER = /[A-Za-z]/;

/** The mixes UTS #39 allows in "highly restrictive" identifiers: Latin + Han + Hiragana + Katakana, + Bopomofo, + Hangul. */
const CJK_MIXES = [
  /[\p{Script_Extensions=Latin}\p{Script_Extensions=Han}\p{Script_Extensions=Hiragana}\p{Script_Extensions=Katakana}]/u,
  /[\p{Script_Extensions=Latin}\p{Script_Extensions=Han}\p{Script_Extensions=Bopomofo}]/u,
  /[\p{Script_Extensions=Latin}\p{Script_Extensions=Han}\p{Script_Extensions=Hangul}]/u,
];

/** The scripts of a letter (a character that is not Common or Inherited): its Script_Extensions. */
function scriptsOf(ch: string): string[] {
  if (ASCII_LETTER.test(ch)) return ['Latin'];
  const found: string[] = [];
  for (const [name, test] of scripts()) if (test.test(ch)) found.push(name);
  return found.length ? found : [UNKNOWN_SCRIPT];
}

function inScript(ch: string, script: string): boolean {
  if (script === 'Latin' && ASCII_LETTER.test(ch)) return true;
  const test = scripts().get(script);
  return test ? test.test(ch) : scriptsOf(ch)[0] === UNKNOWN_SCRIPT;
}

/**
 * Undefined when the login is "highly restrictive": its letters share a script
 * (the intersection of their Script_Extensions is not empty), or they fit one
 * of the CJK mixes. Otherwise two scripts it mixes, to name in the refusal.
 */
function mixedScripts(login: string): [string, string] | undefined {
  let first: string | undefined;
  let shared: string[] = [];
  let mixes = CJK_MIXES;
  for (const ch of new Set(login)) {
    if (!ASCII_LETTER.test(ch) && ANY_SCRIPT.test(ch)) continue;
    if (first === undefined) {
      shared = scriptsOf(ch);
      first = shared[0];
    } else {
      shared = shared.filter((s) => inScript(ch, s));
    }
    mixes = mixes.filter((mix) => mix.test(ch));
    if (!shared.length && !mixes.length) {
      const own = scriptsOf(ch);
      return [first, own.find((s) => s !== first) ?? own[0]];
    }
  }
  return undefined;
}
