export {
  CredentialError,
  GENERATED_DEFAULT_WORDS,
  GENERATED_MAX_WORDS,
  GENERATED_MIN_WORDS,
  PASSPHRASE_MAX_LENGTH,
  PASSPHRASE_MIN_LENGTH,
  estimatePassphraseBits,
  generatePassphrase,
  passphraseStrength,
  validatePassphrase,
  validatePassphraseFormat,
  type GeneratePassphraseOptions,
  type PassphraseStrength,
  type PassphraseStrengthLabel,
  type PassphraseStrengthScore,
} from './passphrase.js';
export { isCommonPassphrase } from './common-passphrases.js';
export { ntHash } from './nt-hash.js';
export { computePmk, computePmkSync, PMK_BYTES, PMK_ITERATIONS, SSID_MAX_BYTES } from './pmk.js';
