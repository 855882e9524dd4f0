/**
 * OnCall's `emojize(text, language="alias")` (Python `emoji` package), which
 * OnCall applies to the Telegram text it sends: `:fire:` becomes 🔥. Names are
 * matched left to right as Python's `re.sub` does, so in `10:30:fire:` the
 * `:30:` is tried first and the fire stays a shortcode, as in OnCall.
 */
import { EMOJI_SHORTCODES } from './emoji-shortcodes.lookup.js';

/**
 * The emoji package's name pattern: word characters, a few punctuation marks and
 * the combining marks its names use (all nonspacing marks here, a superset).
 */
const NAME = /:([\p{L}\p{N}\p{Mn}_\-&.’”“()!#*+,/«»\u30fb]+):/gu;

export function emojize(text: string): string {
  if (!text.includes(':')) return text;
  return text.replace(NAME, (all, name: string) => {
    const key = name.normalize('NFKC');
    return Object.hasOwn(EMOJI_SHORTCODES, key) ? EMOJI_SHORTCODES[key] : all;
  });
}
