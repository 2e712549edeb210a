import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CredentialError,
  estimatePassphraseBits,
  generatePassphrase,
  passphraseStrength,
  validatePassphrase,
  validatePassphraseFormat,
} from './passphrase.js';
import { COMMON_PASSPHRASES, isCommonPassphrase } from './common-passphrases.js';
import { WORDLIST } from './wordlist.js';
import * as credentials from './index.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof CredentialError, `expected CredentialError, got ${String(error)}`);
    return error.code;
  }
  return undefined;
}

const validationCode = (p: string) => codeOf(() => validatePassphrase(p));

// 70 printable, non-repeating, non-sequential characters.
const LONG = 'Kp3#vR8!mZ2@qW7$xL5%tN9^bH4&jF6*cD1(gS0)yU_eA=iO+uE[wQ]zX{rT}sY<hG>nB?';

describe('CredentialError', () => {
  it('is an Error carrying a code', () => {
    const error = new CredentialError('PASSPHRASE_TOO_SHORT', 'too short');
    assert.ok(error instanceof Error);
    assert.equal(error.code, 'PASSPHRASE_TOO_SHORT');
    assert.equal(error.name, 'CredentialError');
  });
});

describe('validatePassphrase length (8-63)', () => {
  it('rejects 0 and 7 characters, accepts 8', () => {
    assert.equal(validationCode(''), 'PASSPHRASE_TOO_SHORT');
    assert.equal(validationCode(LONG.slice(0, 7)), 'PASSPHRASE_TOO_SHORT');
    assert.equal(validationCode(LONG.slice(0, 8)), undefined);
  });

  it('accepts 63 characters, rejects 64', () => {
    assert.equal(LONG.slice(0, 63).length, 63);
    assert.equal(validationCode(LONG.slice(0, 63)), undefined);
    assert.equal(validationCode(LONG.slice(0, 64)), 'PASSPHRASE_TOO_LONG');
    assert.equal(validationCode(LONG), 'PASSPHRASE_TOO_LONG');
  });

  it('rejects non-strings', () => {
    assert.equal(validationCode(undefined as unknown as string), 'PASSPHRASE_INVALID');
    assert.equal(validationCode(12345678 as unknown as string), 'PASSPHRASE_INVALID');
  });
});

describe('validatePassphrase characters (printable ASCII 0x20-0x7E)', () => {
  it('accepts spaces and every printable ASCII character', () => {
    assert.equal(validationCode('blue moon river 7'), undefined);
    let all = '';
    for (let c = 0x20; c <= 0x7e; c++) all += String.fromCharCode(c);
    for (let i = 0; i < all.length; i += 40) {
      const chunk = all.slice(i, i + 40);
      assert.equal(validationCode(`Zq7${chunk}`.padEnd(8, 'k')), undefined, JSON.stringify(chunk));
    }
  });

  it('rejects non-ASCII letters such as é', () => {
    assert.equal(validationCode('café-au-lait-42'), 'PASSPHRASE_NOT_PRINTABLE_ASCII');
    assert.equal(validationCode('é'.repeat(9)), 'PASSPHRASE_NOT_PRINTABLE_ASCII');
    assert.equal(validationCode('moon-river-😀-42'), 'PASSPHRASE_NOT_PRINTABLE_ASCII');
    assert.equal(validationCode('moon\u00a0river42'), 'PASSPHRASE_NOT_PRINTABLE_ASCII'); // no-break space
  });

  it('rejects control characters: tab, newline, NUL, DEL', () => {
    for (const ch of ['\t', '\n', '\r', '\0', '\x7f', '\x1b']) {
      assert.equal(validationCode(`moon${ch}river42`), 'PASSPHRASE_NOT_PRINTABLE_ASCII', JSON.stringify(ch));
    }
  });

  it('counts length in characters, not UTF-16 units or bytes', () => {
    // 7 code points (one is an astral emoji, 2 UTF-16 units) is still too short.
    assert.equal(validationCode('abcdef😀'), 'PASSPHRASE_TOO_SHORT');
  });

  it('never puts the passphrase in the error message', () => {
    for (const p of ['Sekr1t!', 'pâté-secret-99', 'password123', LONG]) {
      try {
        validatePassphrase(p);
        assert.fail('expected a CredentialError');
      } catch (error) {
        assert.ok(error instanceof CredentialError);
        assert.ok(!error.message.includes(p));
      }
    }
  });
});

describe('validatePassphrase commonness', () => {
  it('rejects the required trivial examples, case-insensitively', () => {
    for (const p of [
      '12345678',
      'password1',
      'PASSWORD1',
      'Password1',
      'qwertyuiop',
      'QwErTyUiOp',
      'wifi2024',
      'WIFI12345678',
      'wifi0000',
      'aaaaaaaa',
      'ZZZZZZZZZZZZ',
      '        ',
      '########',
      '1111111111',
    ]) {
      assert.equal(validationCode(p), 'PASSPHRASE_TOO_COMMON', p);
    }
  });

  it('rejects keyboard walks, sequences, repeats, dates and decorated common words', () => {
    for (const p of [
      'asdfghjkl',
      '1qaz2wsx',
      'zaq12wsx',
      'abcdefgh',
      'ABCDEFGHIJ',
      '87654321',
      '98765432',
      'ytrewq12',
      'abcabcab',
      '12121212',
      'xyxyxyxy',
      '13579135',
      '01011990',
      '19900101',
      'P@ssw0rd!',
      'p@55w0rd',
      '123password',
      'Wi-Fi_123',
      'wifi-1234',
      'Welcome2024!',
      'Summer2024',
      'Coworking2024',
      'letmein123',
      'iloveyou',
      'qwertyqwerty',
      'passwordpassword',
      '12345678!',
      '4dmin123',
    ]) {
      assert.equal(validationCode(p), 'PASSPHRASE_TOO_COMMON', p);
    }
  });

  it('accepts ordinary good passphrases, even ones containing a common word', () => {
    for (const p of [
      'maple-river-quiet-42',
      'Vq7!rTz2',
      'blue moon river 7',
      'correct horse battery staple',
      'wifi-is-not-my-password?',
      'my cat eats 3 lemons',
      'Jx7-morning-coffee',
      'summer-at-lake-como',
    ]) {
      assert.equal(validationCode(p), undefined, p);
    }
  });

  it('has a list of at least 200 distinct lowercase entries, all rejected', () => {
    assert.ok(COMMON_PASSPHRASES.length >= 200, `${COMMON_PASSPHRASES.length}`);
    assert.equal(new Set(COMMON_PASSPHRASES).size, COMMON_PASSPHRASES.length);
    for (const p of COMMON_PASSPHRASES) {
      assert.equal(p, p.toLowerCase());
      assert.ok(isCommonPassphrase(p) && isCommonPassphrase(p.toUpperCase()), p);
      const code = validationCode(p);
      assert.ok(code === 'PASSPHRASE_TOO_COMMON' || (p.length < 8 && code === 'PASSPHRASE_TOO_SHORT'), p);
    }
  });

  it('validatePassphraseFormat checks only the WPA2 format', () => {
    assert.equal(
      codeOf(() => validatePassphraseFormat('password1')),
      undefined,
    );
    assert.equal(
      codeOf(() => validatePassphraseFormat('short')),
      'PASSPHRASE_TOO_SHORT',
    );
    assert.equal(
      codeOf(() => validatePassphraseFormat('tab\there1')),
      'PASSPHRASE_NOT_PRINTABLE_ASCII',
    );
  });
});

describe('wordlist', () => {
  it('has at least 1024 distinct lowercase words of 3-7 letters', () => {
    assert.ok(WORDLIST.length >= 1024, `${WORDLIST.length}`);
    assert.equal(new Set(WORDLIST).size, WORDLIST.length);
    for (const word of WORDLIST) assert.match(word, /^[a-z]{3,7}$/);
  });

  it('leaves out homophones, heteronyms and number words', () => {
    const excluded = [
      'sun',
      'son',
      'sail',
      'sale',
      'pair',
      'pear',
      'wind',
      'bow',
      'lead',
      'tear',
      'one',
      'two',
      'four',
      'eight',
      'see',
      'sea',
      'right',
      'write',
    ];
    for (const word of excluded) assert.ok(!WORDLIST.includes(word), word);
  });

  it('is frozen', () => {
    assert.ok(Object.isFrozen(WORDLIST));
  });
});

describe('generatePassphrase', () => {
  it('defaults to 4 words and a 2-digit number, e.g. maple-river-quiet-42', () => {
    for (let i = 0; i < 200; i++) {
      const p = generatePassphrase();
      assert.match(p, /^[a-z]{3,7}(-[a-z]{3,7}){3}-[1-9][0-9]$/);
      const parts = p.split('-');
      for (const word of parts.slice(0, 4)) assert.ok(WORDLIST.includes(word), word);
    }
  });

  it('gives at least 40 bits of entropy by default', () => {
    assert.ok(4 * Math.log2(WORDLIST.length) >= 40);
  });

  it('honours the word count from 3 to 7 and always stays valid (8-63 chars)', () => {
    for (let words = 3; words <= 7; words++) {
      for (let i = 0; i < 300; i++) {
        const p = generatePassphrase({ words });
        assert.equal(p.split('-').length, words + 1);
        assert.ok(p.length >= 8 && p.length <= 63, p);
        assert.equal(validationCode(p), undefined, p);
      }
    }
  });

  it('rejects unsupported word counts', () => {
    for (const words of [0, 2, 8, 3.5, Number.NaN, -4]) {
      assert.equal(
        codeOf(() => generatePassphrase({ words })),
        'PASSPHRASE_INVALID_OPTIONS',
        String(words),
      );
    }
  });

  it('is random: no repeats and wide word coverage over many draws', () => {
    const phrases = new Set<string>();
    const words = new Set<string>();
    const numbers = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const p = generatePassphrase();
      phrases.add(p);
      const parts = p.split('-');
      parts.slice(0, 4).forEach((w) => words.add(w));
      numbers.add(parts[4]!);
    }
    assert.equal(phrases.size, 2000);
    assert.ok(words.size > WORDLIST.length * 0.9, `${words.size}`);
    assert.equal(numbers.size, 90);
  });
});

describe('passphraseStrength', () => {
  const labels = ['very-weak', 'weak', 'fair', 'strong', 'very-strong'];

  it('returns a score with its matching label', () => {
    for (const p of [
      'password1',
      'kitten12',
      'bluebird7',
      'horse-staple-92',
      generatePassphrase(),
      LONG.slice(0, 20),
    ]) {
      const { score, label } = passphraseStrength(p);
      assert.ok([0, 1, 2, 3, 4].includes(score));
      assert.equal(label, labels[score]);
    }
  });

  it('scores common and invalid passphrases as very weak', () => {
    for (const p of [
      'password1',
      '12345678',
      'qwertyuiop',
      'aaaaaaaaaaaa',
      'Wi-Fi_123',
      'P@ssw0rd!',
      'short',
      'café-au-lait-99-river',
      'tab\tinside-here',
    ]) {
      assert.deepEqual(passphraseStrength(p), { score: 0, label: 'very-weak' }, p);
    }
  });

  it('penalises dictionary words with digits, repeats and runs', () => {
    assert.ok(passphraseStrength('kitten12').score <= 1);
    assert.ok(passphraseStrength('maplemaplemaple1').score <= 1);
    assert.ok(estimatePassphraseBits('abcdefgh1') < estimatePassphraseBits('qmzkvtrx1'));
    assert.ok(estimatePassphraseBits('kkkkkkkk7') < estimatePassphraseBits('kqkzkwkb7'));
  });

  it('rates generated passphrases strong and long random ones very strong', () => {
    for (let i = 0; i < 50; i++) assert.ok(passphraseStrength(generatePassphrase()).score >= 3);
    assert.equal(passphraseStrength(generatePassphrase({ words: 6 })).score, 4);
    assert.equal(passphraseStrength('xK9#mQ2$vL7@pW4').score, 4);
    assert.equal(passphraseStrength(LONG.slice(0, 30)).score, 4);
  });

  it('grows with length and character variety', () => {
    assert.ok(estimatePassphraseBits('qmzkvtrx') < estimatePassphraseBits('qmzkvtrxwp'));
    assert.ok(estimatePassphraseBits('qmzkvtrx') < estimatePassphraseBits('qMzK5t#x'));
    assert.ok(passphraseStrength('zqvkmt49').score < passphraseStrength('zQ#vK9m!t4Rw@x').score);
  });
});

describe('credentials index', () => {
  it('re-exports the public API', () => {
    for (const name of [
      'generatePassphrase',
      'validatePassphrase',
      'passphraseStrength',
      'ntHash',
      'computePmk',
      'computePmkSync',
      'CredentialError',
      'isCommonPassphrase',
    ]) {
      assert.equal(typeof (credentials as Record<string, unknown>)[name], 'function', name);
    }
  });
});
