/**
 * Input checks shared by services. Length is checked before any pattern so hostile input cannot
 * make a regular expression run long, and the patterns themselves are linear.
 */
const EMAIL_RE = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export function isEmail(s: string): boolean {
  return s.length <= 320 && EMAIL_RE.test(s);
}
