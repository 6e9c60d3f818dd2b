/**
 * True when `left + right` encodes to the same UTF-8 as `left` and `right` encoded apart: false
 * only when `left` ends with a lone high surrogate and `right` starts with a low one, which would
 * join into one astral character. Message parts are hashed part by part (`HmacMessage`), so a
 * primitive may join adjacent strings for speed only when this holds.
 */
export function canJoinStrings(left: string, right: string): boolean {
  if (left.length === 0 || right.length === 0) return true;
  const last = left.charCodeAt(left.length - 1);
  const first = right.charCodeAt(0);
  return !(last >= 0xd800 && last <= 0xdbff && first >= 0xdc00 && first <= 0xdfff);
}
