// Text from a dump is hostile: a subject, a name or an appended body line can carry terminal escape
// sequences (to hide a line, rewrite a verdict on screen, or set the window title), a line feed (to
// print a line of its own, "Verdict: authentic" say) or Unicode direction overrides (to show
// characters in another order than they are stored). Every line Crible prints or writes for a person
// to read goes through here; JSON keeps the exact strings.

/** C0 and C1 controls except tab, and the bidirectional embedding/override/isolate marks. */
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** One line of text with each unsafe character shown as a visible escape (\x1b, \x0a, \u202e), never interpreted. */
export function safeText(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
