/**
 * excerpt: the most of a piece of someone's text an error message may quote — printable
 * characters only (control and other invisible characters become "?") and at most
 * EXCERPT_MAX characters, cut with an ellipsis. A 60 MB CSV cell then gives a one-line error,
 * never a 60 MB one; boundText does the same for whole messages stored with a run.
 */

/** The longest quote of outside text in any message Runlab shows or stores. */
export const EXCERPT_MAX = 200;
/** The longest error message stored with a run (it quotes at most one excerpt, plus paths). */
export const ERROR_TEXT_MAX = 2000;

// C0/C1 controls, DEL, zero-width and bidi controls, line/paragraph separators, lone surrogates
// (matching control characters is the point here).
/* eslint-disable no-control-regex */
const UNPRINTABLE =
  /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/* eslint-enable no-control-regex */

/** `text` made printable and cut to `max` characters (ellipsis included). */
export function excerpt(text: string, max = EXCERPT_MAX): string {
  // Look at a little more than fits, so a 60 MB string is never scanned whole.
  const head = text.length > max * 2 ? text.slice(0, max * 2) : text;
  const clean = head.replace(UNPRINTABLE, '?');
  if (clean.length <= max && head.length === text.length) return clean;
  return `${clean.slice(0, Math.max(0, max - 1)).replace(/[\ud800-\udbff]$/, '')}…`;
}

/**
 * A whole message bounded for storing or sending: newlines and tabs kept (a trainer's stderr
 * tail is several lines), every other unprintable character replaced, at most `max` characters.
 */
export function boundText(text: string, max = ERROR_TEXT_MAX): string {
  const lines = text.length > max * 2 ? text.slice(0, max * 2) : text;
  const clean = lines.replace(/\r\n?/g, '\n').replace(/[^\n\t]+/g, (part) => part.replace(UNPRINTABLE, '?'));
  if (clean.length <= max && lines.length === text.length) return clean;
  return `${clean.slice(0, Math.max(0, max - 1)).replace(/[\ud800-\udbff]$/, '')}…`;
}
