// Text shown in Markdown exactly as it is (the review's job summary): CommonMark code spans and fenced blocks sized to
// what they hold, so a backtick, a pipe or a fence in a value cannot end them early or change what reviewers read.

/** The longest run of backticks in `text`. */
function longestBacktickRun(text: string): number {
  return Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
}

/**
 * `text` as a code span that shows it exactly (CommonMark 6.1): between backtick strings one longer than its longest
 * run of backticks, and padded with a space on each side where it starts or ends with a backtick, or with a space on
 * both sides (one space each side is stripped from such spans). Empty text is no span.
 */
export function codeSpan(text: string): string {
  if (text === "") return "";
  const ticks = "`".repeat(longestBacktickRun(text) + 1);
  const pad = /^`|`$/.test(text) || (/^ .* $/s.test(text) && text.trim() !== "") ? " " : "";
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/** codeSpan for a cell of a GitHub table: its pipes escaped, which GitHub reads as pipes also inside code. */
export function cellCodeSpan(text: string): string {
  return codeSpan(text).replace(/\|/g, "\\|");
}

/** The fence of a code block holding `lines`: three backticks, or one more than the longest run in them. */
export function codeFence(lines: readonly string[]): string {
  return "`".repeat(Math.max(3, ...lines.map((l) => longestBacktickRun(l) + 1)));
}
