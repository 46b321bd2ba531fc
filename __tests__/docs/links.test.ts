// The README is the path from clone to deploy and docs/ holds the rest: every link between them, and from them into
// the tree, must land. Links and headings are read as GitHub renders them (anchors by its slug rules), from the
// files alone: no process, no network.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { projectRoot } from "../../settings/paths";

const README = "README.md";
const PAGES = [README, ...readdirSync(join(projectRoot, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)];
const MAX_README_LINES = 250;

/** `text` with fenced code blocks and inline code blanked out (line breaks kept, so line numbers stay right). */
function prose(text: string): string {
  const blank = (s: string) => s.replace(/[^\n]/g, " ");
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, blank).replace(/`[^`]*`/g, blank);
}

interface Link {
  readonly line: number;
  readonly target: string;
}

/** Every link and image target of a page (inline and reference definitions), with its line. */
function linksOf(text: string): Link[] {
  const body = prose(text);
  const lineAt = (index: number) => body.slice(0, index).split("\n").length;
  const inline = [...body.matchAll(/\]\(\s*(?:<([^>]*)>|([^)\s]+))(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g)].map((m) => ({
    line: lineAt(m.index!),
    target: m[1] ?? m[2],
  }));
  const definitions = [...body.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/gm)].map((m) => ({ line: lineAt(m.index!), target: m[1] }));
  return [...inline, ...definitions];
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//");

/** GitHub's anchor for a heading: lowercase; only letters, digits, spaces, hyphens and underscores kept; spaces to hyphens. */
function slug(heading: string): string {
  const text = heading.replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/<[^>]+>/g, "");
  return text.trim().toLowerCase().replace(/[^\p{L}\p{M}\p{Nd}_ -]/gu, "").replace(/ /g, "-");
}

/** The anchors a page offers: one per heading, duplicates numbered -1, -2, … as GitHub numbers them; and HTML ids. */
function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  const body = text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
  for (const m of body.matchAll(/^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/gm)) {
    const base = slug(m[1]);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const m of body.matchAll(/<a\s[^>]*\b(?:id|name)="([^"]+)"/g)) anchors.add(m[1]);
  return anchors;
}

const read = (path: string) => readFileSync(join(projectRoot, path), "utf8");

/** A link's target as a project path and an anchor; the path is the page itself for `#anchor`. */
function resolveTarget(page: string, target: string): { path: string; anchor?: string } {
  const [rawPath, anchor] = target.split("#", 2) as [string, string | undefined];
  const path = decodeURIComponent(rawPath);
  if (path === "") return { path: page, anchor };
  const absolute = path.startsWith("/") ? join(projectRoot, path) : resolve(projectRoot, dirname(page), path);
  return { path: relative(projectRoot, absolute), anchor: anchor === undefined ? undefined : decodeURIComponent(anchor) };
}

describe.each(PAGES)("%s", (page) => {
  const links = linksOf(read(page)).filter((l) => !isExternal(l.target));

  test("every relative link reaches a file or folder that exists", () => {
    const broken = links.filter((l) => {
      const { path } = resolveTarget(page, l.target);
      return path.startsWith("..") || !existsSync(join(projectRoot, path));
    });
    expect(broken.map((l) => `${page}:${l.line}: ${l.target}`)).toEqual([]);
  });

  test("every #anchor names a heading of the page it points into", () => {
    const broken = links.filter((l) => {
      const { path, anchor } = resolveTarget(page, l.target);
      if (anchor === undefined || !path.endsWith(".md") || !existsSync(join(projectRoot, path))) return false;
      return !anchorsOf(read(path)).has(anchor);
    });
    expect(broken.map((l) => `${page}:${l.line}: ${l.target}`)).toEqual([]);
  });
});

test("README.md links every page of docs/", () => {
  const linked = new Set(linksOf(read(README)).filter((l) => !isExternal(l.target)).map((l) => resolveTarget(README, l.target).path));
  expect(PAGES.filter((p) => p !== README && !linked.has(p))).toEqual([]);
});

test(`README.md has fewer than ${MAX_README_LINES} lines: the path from clone to deploy, the rest in docs/`, () => {
  const lines = read(README).split("\n").length - (read(README).endsWith("\n") ? 1 : 0);
  expect(lines).toBeLessThan(MAX_README_LINES);
});

test("anchors follow GitHub's slug rules", () => {
  expect(slug("Why TLS is in `daemon.json`")).toBe("why-tls-is-in-daemonjson");
  expect(slug("Backups, logs and environments")).toBe("backups-logs-and-environments");
  expect(slug("The region in the state's key")).toBe("the-region-in-the-states-key");
  expect(slug("CDK for Terraform's status, and the exit")).toBe("cdk-for-terraforms-status-and-the-exit");
  expect(slug("snake_case and a--b")).toBe("snake_case-and-a--b");
  expect([...anchorsOf("# Notes\n\n## Notes\n\n```sh\n# not a heading\n```\n\n## Notes\n")]).toEqual(["notes", "notes-1", "notes-2"]);
});
