// Unbound per-user-PSK matching: EAPOL-Key parsing, MIC check and the rate-limited matcher.
export {
  EapolError,
  computeMic,
  deriveKck,
  micMatches,
  parseEapolKeyMsg2,
  type EapolErrorCode,
  type EapolKeyFrame,
} from './eapol.js';
export {
  UnboundMatcher,
  type MatchRequest,
  type MatchResult,
  type PmkCandidate,
  type UnboundMatcherOptions,
  type UnboundMatcherStats,
} from './matcher.js';
