// Passphrases members must not use: well-known passwords, keyboard walks and trivial patterns.
// Everything is compared case-insensitively (entries are lowercase).

/** Well-known passwords and WiFi keys (exact matches, lowercase). */
export const COMMON_PASSPHRASES: readonly string[] = Object.freeze([
  // digits and repeats
  '12345678',
  '123456789',
  '1234567890',
  '12345678910',
  '0123456789',
  '87654321',
  '987654321',
  '9876543210',
  '11111111',
  '00000000',
  '88888888',
  '99999999',
  '66666666',
  '55555555',
  '77777777',
  '22222222',
  '1111111111',
  '2222222222',
  '12121212',
  '13131313',
  '20202020',
  '11223344',
  '12341234',
  '12344321',
  '123321123',
  '123123123',
  '112233445566',
  '147258369',
  '159753456',
  '741852963',
  '789456123',
  '123654789',
  '1234512345',
  '123456123456',
  '147852369',
  '321654987',
  '01234567',
  '98765432',
  // "password" and friends
  'password',
  'password1',
  'password12',
  'password123',
  'password1234',
  'password12345',
  'password!',
  'password@123',
  'password#1',
  'password2024',
  'password2025',
  'passw0rd',
  'p@ssw0rd',
  'p@ssword',
  'pa55word',
  'pa$$word',
  'passpass',
  'passwort',
  'motdepasse',
  'wachtwoord',
  'contrasena',
  'password01',
  'mypassword',
  'newpassword',
  'letmein',
  'letmein1',
  'letmein!',
  'letmein123',
  'changeme',
  'changeme1',
  'changeme123',
  'default',
  'default1',
  'secret',
  'secret123',
  'secret1234',
  // keyboard walks
  'qwertyuiop',
  'qwertyui',
  'qwerty123',
  'qwerty12',
  'qwerty1234',
  'qwerty!@#',
  'qwertyuiop123',
  'qwertz123',
  'qwertzuiop',
  'azerty123',
  'azertyuiop',
  'asdfghjkl',
  'asdfghjk',
  'asdfasdf',
  'zxcvbnm1',
  'zxcvbnm123',
  '1q2w3e4r',
  '1q2w3e4r5t',
  '1q2w3e4r!',
  '1qaz2wsx',
  '1qazxsw2',
  '1qaz@wsx',
  'qazwsxedc',
  'qazxswedc',
  'zaqxswcde',
  'zaq12wsx',
  'zaq1zaq1',
  'qweasdzxc',
  'q1w2e3r4',
  'q1w2e3r4t5',
  '1a2b3c4d',
  'a1b2c3d4',
  '123qweasd',
  'qwe123qwe',
  'asd123456',
  'zxc123456',
  '12345qwert',
  'qwert12345',
  '1234qwer',
  'qwer1234',
  'asdf1234',
  'zxcv1234',
  '1234asdf',
  'asdfqwer',
  'poiuytrewq',
  'lkjhgfdsa',
  'mnbvcxz1',
  '!@#$%^&*',
  '!@#$%^&*()',
  'abcd1234',
  'abc12345',
  'abcdefgh',
  'aa123456',
  'abc123456',
  'abcd12345',
  // WiFi, network and workplace themed
  'wifi1234',
  'wifi12345',
  'wifi123456',
  'wifipassword',
  'wifiwifi',
  'mywifi',
  'mywifi123',
  'freewifi',
  'guestwifi',
  'homewifi',
  'officewifi',
  'wifiguest',
  'guest123',
  'guest1234',
  'guestguest',
  'internet',
  'internet1',
  'internet123',
  'wireless',
  'wireless1',
  'network1',
  'network123',
  'router123',
  'netgear1',
  'linksys1',
  'tplink123',
  'dlink123',
  'wlan1234',
  'hotspot1',
  'coworking',
  'cowork123',
  'workspace',
  'office123',
  'office2024',
  'company123',
  'welcome1',
  'welcome123',
  'welcome2024',
  'welcome!',
  'lanyard123',
  'lanyardwifi',
  'nexudus1',
  'andcards',
  'admin123',
  'admin1234',
  'admin@123',
  'administrator',
  'root1234',
  'user1234',
  'test1234',
  'test12345',
  'testtest',
  'login123',
  'access14',
  'access123',
  // popular words, names and culture
  'iloveyou',
  'iloveyou1',
  'iloveyou2',
  'iloveu123',
  'loveyou1',
  'lovelove',
  'sunshine',
  'sunshine1',
  'princess',
  'princess1',
  'football',
  'football1',
  'baseball',
  'basketball',
  'superman',
  'superman1',
  'batman123',
  'spiderman',
  'ironman1',
  'starwars',
  'trustno1',
  'whatever',
  'computer',
  'chocolate',
  'butterfly',
  'butterfly1',
  'blink182',
  'michael1',
  'jennifer',
  'jordan23',
  'charlie1',
  'dragon12',
  'monkey123',
  'master123',
  'shadow12',
  'hello123',
  'hello1234',
  'helloworld',
  'hellokitty',
  'flower12',
  'sunflower',
  'cookie123',
  'mustang1',
  'matrix123',
  'google123',
  'facebook',
  'youtube1',
  'instagram',
  'iphone123',
  'samsung1',
  'apple123',
  'microsoft',
  'windows1',
  'linux123',
  'ubuntu123',
  'pokemon1',
  'minecraft',
  'fortnite',
  'roblox123',
  'naruto123',
  'starbucks',
  'cheese123',
  'banana123',
  'chelsea1',
  'liverpool',
  'arsenal1',
  'barcelona',
  'realmadrid',
  'juventus',
  'lakers24',
  'yankees1',
  'cowboys1',
  'steelers',
  'eagles12',
  'tigers12',
  'friends1',
  'family123',
  'forever1',
  'freedom1',
  'blessed1',
  'angel123',
  'soccer12',
  'hockey12',
  'tennis12',
  'dolphins',
  'elephant',
  'purple12',
  'yellow12',
  'orange12',
  'silver12',
  'golden12',
  'diamond1',
  'thunder1',
  'rainbow1',
  'pepper12',
  'ginger12',
  'peanut12',
  'buster12',
  'tigger12',
  'snoopy12',
  'superstar',
  'captain1',
  'summer2024',
  'winter2023',
  'spring2024',
  'autumn2024',
  'qwerty',
  'monkey',
  'dragon',
  'abc123',
  '123456',
  '1234567',
  'letmeinnow',
  'passw0rd1',
  'iloveyou123',
  'princesa',
  'daniel12',
]);

/**
 * Words that stay trivial when only digits or symbols are added around them
 * ("wifi2024", "Summer2024!", "p@ssw0rd1", "123password").
 */
export const COMMON_BASE_WORDS: readonly string[] = Object.freeze([
  'password',
  'passwort',
  'passwd',
  'pass',
  'passphrase',
  'qwerty',
  'qwertz',
  'azerty',
  'letmein',
  'welcome',
  'admin',
  'administrator',
  'root',
  'user',
  'guest',
  'test',
  'login',
  'secret',
  'default',
  'changeme',
  'iloveyou',
  'iloveu',
  'love',
  'hello',
  'monkey',
  'dragon',
  'master',
  'shadow',
  'sunshine',
  'princess',
  'football',
  'baseball',
  'soccer',
  'hockey',
  'batman',
  'superman',
  'starwars',
  'pokemon',
  'summer',
  'winter',
  'spring',
  'autumn',
  'freedom',
  'whatever',
  'trustno',
  'computer',
  'internet',
  'wifi',
  'wlan',
  'wireless',
  'network',
  'router',
  'hotspot',
  'office',
  'company',
  'coworking',
  'cowork',
  'workspace',
  'lanyard',
  'nexudus',
  'andcards',
  'abc',
  'abcd',
  'abcdef',
  'access',
  'michael',
  'jordan',
  'charlie',
  'jennifer',
  'thomas',
  'hunter',
  'buster',
  'tigger',
  'cookie',
  'flower',
  'mustang',
  'chocolate',
  'butterfly',
  'google',
  'apple',
  'samsung',
  'iphone',
  'facebook',
  'welcome',
]);

// Sequences a pattern may be cut from, forwards or backwards.
const SEQUENCES: readonly string[] = [
  '01234567890123456789',
  'abcdefghijklmnopqrstuvwxyz',
  '`1234567890-=',
  '~!@#$%^&*()_+',
  'qwertyuiop[]\\',
  "asdfghjkl;'",
  'zxcvbnm,./',
  'qwertzuiop',
  'azertyuiop',
  'yxcvbnm',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/',
  'qazwsxedcrfvtgbyhnujmikolp',
  'zaqxswcdevfrbgtnhymjukilop',
  '147258369',
  '789456123',
  '741852963',
  '159357',
  '13579135791357913579',
  '02468024680246802468',
];

const COMMON_SET = new Set(COMMON_PASSPHRASES);
const BASE_SET = new Set(COMMON_BASE_WORDS);

const LEET: Readonly<Record<string, string>> = {
  '@': 'a',
  '4': 'a',
  '8': 'b',
  '(': 'c',
  '3': 'e',
  '6': 'g',
  '9': 'g',
  '1': 'i',
  '!': 'i',
  '|': 'i',
  '0': 'o',
  $: 's',
  '5': 's',
  '7': 't',
  '+': 't',
  '2': 'z',
};

function deleet(s: string, one: 'i' | 'l'): string {
  let out = '';
  for (const ch of s) out += ch === '1' ? one : (LEET[ch] ?? ch);
  return out;
}

function isSequenceFragment(s: string): boolean {
  const reversed = [...s].reverse().join('');
  return SEQUENCES.some((seq) => seq.includes(s) || seq.includes(reversed));
}

/** Every step between neighbouring characters is the same small amount ("aceg", "13579", "8642"). */
function isArithmetic(s: string): boolean {
  if (s.length < 3) return false;
  const step = s.charCodeAt(1) - s.charCodeAt(0);
  if (Math.abs(step) > 2) return false;
  for (let i = 2; i < s.length; i++) if (s.charCodeAt(i) - s.charCodeAt(i - 1) !== step) return false;
  return true;
}

/** The whole string repeats a short unit ("abab", "123123", "abcabcab") or a common unit twice. */
function isRepetition(s: string): boolean {
  for (let unit = 1; unit <= s.length / 2; unit++) {
    const head = s.slice(0, unit);
    if (!head.repeat(Math.ceil(s.length / unit)).startsWith(s)) continue;
    if (unit <= 4) return true;
    if (s.length % unit === 0 && isTrivial(head)) return true;
  }
  return false;
}

/** DDMMYYYY, MMDDYYYY or YYYYMMDD between 1900 and 2099. */
function isDate(s: string): boolean {
  if (!/^\d{8}$/.test(s)) return false;
  const valid = (y: number, m: number, d: number) =>
    y >= 1900 && y <= 2099 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
  const n = (a: number, b: number) => Number(s.slice(a, b));
  return (
    valid(n(4, 8), n(2, 4), n(0, 2)) || valid(n(4, 8), n(0, 2), n(2, 4)) || valid(n(0, 4), n(4, 6), n(6, 8))
  );
}

function isTrivial(s: string): boolean {
  return COMMON_SET.has(s) || BASE_SET.has(s) || isSequenceFragment(s) || isArithmetic(s);
}

/**
 * Is `passphrase` a well-known password or a trivial pattern (case-insensitive)? Catches exact
 * list entries, one repeated character, short repeated units, sequences and keyboard walks,
 * dates, and a common base word with only digits/symbols/separators or look-alike characters
 * added ("wifi2024", "Wi-Fi_123", "P@ssw0rd!", "123password").
 */
export function isCommonPassphrase(passphrase: string): boolean {
  const lower = passphrase.toLowerCase();
  if (COMMON_SET.has(lower)) return true;
  if (lower.length === 0 || /^(.)\1*$/s.test(lower)) return true;
  if (isSequenceFragment(lower) || isArithmetic(lower) || isRepetition(lower) || isDate(lower)) return true;

  // A base word wrapped in digits/symbols, possibly with separators or look-alike characters inside.
  const stripLeading = (v: string) => v.replace(/^[^a-z]+/, '');
  const stripTrailing = (v: string) => v.replace(/[^a-z]+$/, '');
  const candidates = new Set<string>();
  for (const trimmed of [
    lower,
    stripTrailing(lower),
    stripLeading(lower),
    stripLeading(stripTrailing(lower)),
  ]) {
    for (const variant of [trimmed, deleet(trimmed, 'i'), deleet(trimmed, 'l')]) {
      for (const joined of [variant, variant.replace(/[\s._-]+/g, '')]) {
        candidates.add(stripLeading(stripTrailing(joined)));
      }
    }
  }
  for (const c of candidates) {
    if (c.length > 0 && (COMMON_SET.has(c) || BASE_SET.has(c) || isRepetitionOfCommon(c))) return true;
  }
  // A sequence or keyboard walk with digits/symbols around it ("ytrewq12", "12345678!").
  const lettersCore = stripLeading(stripTrailing(lower));
  const alnumCore = lower.replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  for (const c of [lettersCore, alnumCore]) {
    if (
      c.length >= 4 &&
      c !== lower &&
      (COMMON_SET.has(c) || isSequenceFragment(c) || isArithmetic(c) || isDate(c))
    ) {
      return true;
    }
  }
  return false;
}

function isRepetitionOfCommon(s: string): boolean {
  for (let unit = 3; unit <= s.length / 2; unit++) {
    if (s.length % unit !== 0) continue;
    const head = s.slice(0, unit);
    if (head.repeat(s.length / unit) === s && (COMMON_SET.has(head) || BASE_SET.has(head))) return true;
  }
  return false;
}
