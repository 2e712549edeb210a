// Personal WiFi passphrases: generation, WPA2 validation and a rough strength estimate.
import { randomInt } from 'node:crypto';
import { COMMON_BASE_WORDS, isCommonPassphrase } from './common-passphrases.js';
import { WORDLIST } from './wordlist.js';

/**
 * Domain error for credentials. Codes:
 * PASSPHRASE_TOO_SHORT, PASSPHRASE_TOO_LONG, PASSPHRASE_NOT_PRINTABLE_ASCII, PASSPHRASE_TOO_COMMON,
 * PASSPHRASE_INVALID (not a string), PASSPHRASE_INVALID_OPTIONS (bad generator options),
 * SSID_INVALID (PMK derivation: SSID must be 1-32 bytes of UTF-8).
 * Messages never contain the passphrase.
 */
export class CredentialError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CredentialError';
  }
}

/** WPA2 passphrase bounds (IEEE 802.11i): 8 to 63 printable ASCII characters. */
export const PASSPHRASE_MIN_LENGTH = 8;
export const PASSPHRASE_MAX_LENGTH = 63;

export const GENERATED_MIN_WORDS = 3;
export const GENERATED_MAX_WORDS = 7;
/** 4 words from a list of more than 1024 give > 40 bits; the 2-digit suffix adds ~6.5 bits. */
export const GENERATED_DEFAULT_WORDS = 4;

export interface GeneratePassphraseOptions {
  /** Number of words, 3-7 (default 4). */
  words?: number;
}

/**
 * A random passphrase that is easy to read aloud and type on a phone, e.g. `maple-river-quiet-42`:
 * lowercase words from the built-in list joined with '-', then '-' and a number from 10 to 99.
 * Uses crypto.randomInt. Entropy: words × log2(list size) + log2(90) bits (≈ 47.7 bits by default).
 */
export function generatePassphrase(options: GeneratePassphraseOptions = {}): string {
  const words = options.words ?? GENERATED_DEFAULT_WORDS;
  if (!Number.isInteger(words) || words < GENERATED_MIN_WORDS || words > GENERATED_MAX_WORDS) {
    throw new CredentialError(
      'PASSPHRASE_INVALID_OPTIONS',
      `word count must be an integer from ${GENERATED_MIN_WORDS} to ${GENERATED_MAX_WORDS}`,
    );
  }
  // The result always fits (3 × 3 + 3 + 2 = 14 ≥ 8, 7 × 7 + 7 + 2 = 58 ≤ 63); the loop only guards
  // against the (practically impossible) case of a phrase that validation would refuse.
  for (let attempt = 0; attempt < 100; attempt++) {
    const parts: string[] = [];
    for (let i = 0; i < words; i++) parts.push(WORDLIST[randomInt(WORDLIST.length)]!);
    parts.push(String(randomInt(10, 100)));
    const passphrase = parts.join('-');
    if (checkPassphrase(passphrase) === undefined) return passphrase;
  }
  throw new Error('could not generate a valid passphrase');
}

/** Length and character checks only (the WPA2 rule), without the common-passphrase check. */
export function validatePassphraseFormat(passphrase: string): void {
  const code = checkFormat(passphrase);
  if (code) throw errorFor(code);
}

/**
 * Throws CredentialError unless `passphrase` is 8-63 printable ASCII characters (0x20-0x7E) and
 * not a common password or trivial pattern.
 */
export function validatePassphrase(passphrase: string): void {
  const code = checkPassphrase(passphrase);
  if (code) throw errorFor(code);
}

type PassphraseProblem =
  | 'PASSPHRASE_INVALID'
  | 'PASSPHRASE_TOO_SHORT'
  | 'PASSPHRASE_TOO_LONG'
  | 'PASSPHRASE_NOT_PRINTABLE_ASCII'
  | 'PASSPHRASE_TOO_COMMON';

function checkFormat(passphrase: unknown): PassphraseProblem | undefined {
  if (typeof passphrase !== 'string') return 'PASSPHRASE_INVALID';
  const length = [...passphrase].length; // code points, so 'é' or an emoji counts once
  if (length < PASSPHRASE_MIN_LENGTH) return 'PASSPHRASE_TOO_SHORT';
  if (length > PASSPHRASE_MAX_LENGTH) return 'PASSPHRASE_TOO_LONG';
  if (!/^[\x20-\x7E]*$/.test(passphrase)) return 'PASSPHRASE_NOT_PRINTABLE_ASCII';
  return undefined;
}

function checkPassphrase(passphrase: unknown): PassphraseProblem | undefined {
  const problem = checkFormat(passphrase);
  if (problem) return problem;
  if (isCommonPassphrase(passphrase as string)) return 'PASSPHRASE_TOO_COMMON';
  return undefined;
}

function errorFor(code: PassphraseProblem): CredentialError {
  switch (code) {
    case 'PASSPHRASE_INVALID':
      return new CredentialError(code, 'passphrase must be a string');
    case 'PASSPHRASE_TOO_SHORT':
      return new CredentialError(code, `passphrase must be at least ${PASSPHRASE_MIN_LENGTH} characters`);
    case 'PASSPHRASE_TOO_LONG':
      return new CredentialError(code, `passphrase must be at most ${PASSPHRASE_MAX_LENGTH} characters`);
    case 'PASSPHRASE_NOT_PRINTABLE_ASCII':
      return new CredentialError(
        code,
        'passphrase may only contain printable ASCII characters (letters, digits, punctuation, space)',
      );
    case 'PASSPHRASE_TOO_COMMON':
      return new CredentialError(code, 'passphrase is too common or too easy to guess');
  }
}

// ---------------------------------------------------------------------------------------------
// Strength meter

export type PassphraseStrengthScore = 0 | 1 | 2 | 3 | 4;
export type PassphraseStrengthLabel = 'very-weak' | 'weak' | 'fair' | 'strong' | 'very-strong';

export interface PassphraseStrength {
  score: PassphraseStrengthScore;
  label: PassphraseStrengthLabel;
}

const LABELS: readonly PassphraseStrengthLabel[] = ['very-weak', 'weak', 'fair', 'strong', 'very-strong'];
/** Lower bounds (bits) of scores 1..4. */
const SCORE_THRESHOLDS = [28, 36, 45, 60] as const;

// Very common English words people put in passphrases, so the meter does not price them as random
// letters (the generator's list and the common base words are included too).
const COMMON_ENGLISH: readonly string[] = [
  'the',
  'and',
  'for',
  'are',
  'but',
  'not',
  'you',
  'all',
  'any',
  'can',
  'her',
  'was',
  'one',
  'our',
  'out',
  'day',
  'get',
  'has',
  'him',
  'his',
  'how',
  'man',
  'new',
  'now',
  'old',
  'see',
  'two',
  'way',
  'who',
  'boy',
  'did',
  'its',
  'let',
  'put',
  'say',
  'she',
  'too',
  'use',
  'big',
  'red',
  'sun',
  'son',
  'sat',
  'car',
  'cow',
  'pig',
  'rat',
  'bee',
  'ant',
  'ice',
  'sea',
  'eye',
  'man',
  'men',
  'why',
  'yes',
  'that',
  'with',
  'have',
  'this',
  'will',
  'your',
  'from',
  'they',
  'know',
  'want',
  'been',
  'good',
  'much',
  'some',
  'time',
  'very',
  'when',
  'come',
  'here',
  'just',
  'like',
  'long',
  'make',
  'many',
  'more',
  'only',
  'over',
  'such',
  'take',
  'than',
  'them',
  'well',
  'were',
  'what',
  'year',
  'life',
  'blue',
  'rain',
  'fire',
  'wind',
  'home',
  'baby',
  'girl',
  'lady',
  'best',
  'cool',
  'dark',
  'free',
  'hard',
  'high',
  'last',
  'left',
  'live',
  'lost',
  'open',
  'real',
  'road',
  'rose',
  'safe',
  'ball',
  'bear',
  'blue',
  'door',
  'fast',
  'four',
  'five',
  'nine',
  'star',
  'tree',
  'true',
  'wolf',
  'about',
  'after',
  'again',
  'black',
  'could',
  'every',
  'first',
  'great',
  'house',
  'horse',
  'light',
  'money',
  'never',
  'night',
  'other',
  'place',
  'right',
  'small',
  'sound',
  'still',
  'their',
  'there',
  'these',
  'thing',
  'think',
  'three',
  'under',
  'water',
  'where',
  'which',
  'while',
  'world',
  'would',
  'write',
  'angel',
  'happy',
  'heart',
  'magic',
  'music',
  'power',
  'queen',
  'smile',
  'sweet',
  'tiger',
  'seven',
  'eight',
  'zero',
  'hundred',
  'people',
  'mother',
  'father',
  'sister',
  'family',
  'friend',
  'little',
  'pretty',
  'secret',
  'silver',
  'simple',
  'spirit',
  'flower',
  'garden',
  'orange',
  'purple',
  'yellow',
  'forever',
  'correct',
  'battery',
  'staple',
  'morning',
  'coffee',
  'kitchen',
  'welcome',
  'network',
  'freedom',
  'monster',
  'rainbow',
  'thunder',
  'diamond',
  'dolphin',
  'chicken',
  'phoenix',
];

const DICTIONARY = new Set<string>([...WORDLIST, ...COMMON_BASE_WORDS, ...COMMON_ENGLISH]);
const DICTIONARY_MAX = Math.max(...[...DICTIONARY].map((w) => w.length));
const WORD_BITS = Math.log2(DICTIONARY.size);
const SEPARATORS = new Set(['-', '_', '.', ' ']);

type CharClass = 'lower' | 'upper' | 'digit' | 'symbol';

function charClass(ch: string): CharClass {
  if (ch >= 'a' && ch <= 'z') return 'lower';
  if (ch >= 'A' && ch <= 'Z') return 'upper';
  if (ch >= '0' && ch <= '9') return 'digit';
  return 'symbol';
}

const CLASS_SIZE: Readonly<Record<CharClass, number>> = { lower: 26, upper: 26, digit: 10, symbol: 33 };

/**
 * Rough entropy estimate in bits (exported for tests and tuning). Brute-force cost per character
 * from the character classes used, with cheaper charges for repeats and runs ("aaa", "abc",
 * "321"), words from the built-in dictionaries, 19xx/20xx years, repeated words and separators.
 */
export function estimatePassphraseBits(passphrase: string): number {
  const chars = [...passphrase];
  const pool = [...new Set(chars.map(charClass))].reduce((sum, c) => sum + CLASS_SIZE[c], 0);
  const perChar = Math.log2(Math.max(pool, 2));

  const charCost = (i: number): number => {
    if (i > 0) {
      const prev = chars[i - 1]!;
      const cur = chars[i]!;
      if (cur === prev) return 1;
      if (charClass(cur) === charClass(prev) && Math.abs(cur.charCodeAt(0) - prev.charCodeAt(0)) === 1)
        return 2;
    }
    return perChar;
  };
  const spanCost = (from: number, to: number): number => {
    let sum = 0;
    for (let i = from; i < to; i++) sum += charCost(i);
    return sum;
  };

  const seenWords = new Set<string>();
  let separator: string | undefined;
  let afterWord = false;
  let bits = 0;
  let i = 0;
  while (i < chars.length) {
    const ch = chars[i]!;
    if (afterWord && SEPARATORS.has(ch)) {
      if (separator === undefined) {
        separator = ch;
        bits += 3;
      } else {
        bits += separator === ch ? 1 : perChar;
      }
      i += 1;
      continue;
    }
    afterWord = false;

    const rest = chars.slice(i).join('');
    const year = /^(19|20)\d\d/.exec(rest);
    if (year) {
      bits += Math.min(7, spanCost(i, i + 4));
      i += 4;
      continue;
    }

    let matched = 0;
    const lowerRest = rest.toLowerCase();
    for (let len = Math.min(DICTIONARY_MAX, lowerRest.length); len >= 3; len--) {
      if (DICTIONARY.has(lowerRest.slice(0, len))) {
        matched = len;
        break;
      }
    }
    if (matched > 0) {
      const original = rest.slice(0, matched);
      const word = original.toLowerCase();
      let cost = seenWords.has(word) ? 2 : WORD_BITS;
      if (original !== word) cost += original === word[0]!.toUpperCase() + word.slice(1) ? 1 : 3;
      bits += Math.min(cost, spanCost(i, i + matched));
      seenWords.add(word);
      i += matched;
      afterWord = true;
      continue;
    }

    bits += charCost(i);
    i += 1;
  }
  return bits;
}

/**
 * Rough strength for the portal's meter. Invalid or common passphrases are always `very-weak`.
 */
export function passphraseStrength(passphrase: string): PassphraseStrength {
  let score: PassphraseStrengthScore = 0;
  if (checkPassphrase(passphrase) === undefined) {
    const bits = estimatePassphraseBits(passphrase);
    score = SCORE_THRESHOLDS.filter((t) => bits >= t).length as PassphraseStrengthScore;
  }
  return { score, label: LABELS[score]! };
}
