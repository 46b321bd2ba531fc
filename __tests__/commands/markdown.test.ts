// Code spans and fences in the review's Markdown, read back by commonmark.js, CommonMark's reference parser (GitHub's
// cmark-gfm parses code spans and fenced blocks by the same spec): each shows its text exactly, whatever backticks,
// spaces, pipes or HTML it holds.
import { Parser, type Node } from "commonmark";
import { cellCodeSpan, codeFence, codeSpan } from "../../commands/markdown";
import { renderMarkdown, reviewStack } from "../../commands/review";

/** The nodes of `type` in `markdown`, as the reference parser reads it. */
function nodes(markdown: string, type: string): Node[] {
  const found: Node[] = [];
  const walker = new Parser().parse(markdown).walker();
  for (let event = walker.next(); event; event = walker.next()) if (event.entering && event.node.type === type) found.push(event.node);
  return found;
}

const TRICKY = ["plain", "a`b", "``", "`x", "x`", "a```b", " a ", "  ", " a", "<script>alert(1)</script>", "a | b", "$(curl x | sh)", "**bold**", "\\`"];

test.each(TRICKY)("codeSpan(%j) is one code span of exactly that text", (text) => {
  const spans = nodes(`- ${codeSpan(text)}\n`, "code");
  expect(spans.map((n) => n.literal)).toEqual([text]);
});

test("an empty text is no span, and a table cell's pipes are escaped as GitHub's tables need", () => {
  expect(codeSpan("")).toBe("");
  expect(cellCodeSpan("a|b`c")).toBe("``a\\|b`c``");
});

test("codeFence holds lines with fences of their own: one code block, every line as it is", () => {
  const lines = ["+```", "-````js", " plain"];
  const fence = codeFence(lines);
  const blocks = nodes([`${fence}diff`, ...lines, fence, "after"].join("\n"), "code_block");
  expect(blocks.map((n) => [n.info, n.literal])).toEqual([["diff", `${lines.join("\n")}\n`]]);
  expect(codeFence(["+a", "-b"])).toBe("```");
});

test("the review's Markdown shows a value with backticks as the text review shows it, not with quotes in their place", () => {
  const container = (command: string) => ({ config: { resource: { docker_container: { c: { name: "c", command: [command] } } } }, files: {} });
  const markdown = renderMarkdown([reviewStack("docker", container("echo a"), container("echo `id` | sh"))], "t");
  const shown = nodes(markdown, "code").map((n) => n.literal);
  expect(shown).toContain(JSON.stringify("echo `id` | sh"));
});
