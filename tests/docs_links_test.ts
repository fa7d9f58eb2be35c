/**
 * The README and `docs/` link to each other: every relative link must name a
 * file that exists, and every `#anchor` a heading of the file it points at
 * (as GitHub renders it), so a moved section never leaves a dead link.
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** The Markdown files of the documentation: the README and everything in docs/. */
function documents(): string[] {
  return [
    join(ROOT, "README.md"),
    ...[...Deno.readDirSync(join(ROOT, "docs"))]
      .filter((entry) => entry.isFile && entry.name.endsWith(".md"))
      .map((entry) => join(ROOT, "docs", entry.name)),
  ];
}

/** The text outside fenced code blocks and inline code, where links live. */
function prose(markdown: string): string[] {
  let fenced = false;
  return markdown.split("\n").flatMap((line) => {
    if (line.startsWith("```")) {
      fenced = !fenced;
      return [];
    }
    return fenced ? [] : [line.replace(/`[^`]*`/g, "``")];
  });
}

/** The anchors GitHub gives a file's headings (`## The `harvest` loop` → `the-harvest-loop`). */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (line.startsWith("```")) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*$/.exec(line);
    if (!heading) continue;
    const base = heading[1]!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

/** Every relative link of a file: `[text](target)`, external ones left out. */
function relativeLinks(markdown: string): string[] {
  return prose(markdown).flatMap((line) =>
    [...line.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
      .map((match) => match[1]!)
      .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
  );
}

Deno.test("headingAnchors() slugs headings the way GitHub does", () => {
  assert.deepEqual(
    [
      ...headingAnchors(
        "# ua-harvest\n## How `harvest` reads upstream Opencast\n## `load_episodes`\n" +
          "### Icinga / Nagios\n## Exit codes\n## Exit codes\n```\n# not a heading\n```\n",
      ),
    ],
    [
      "ua-harvest",
      "how-harvest-reads-upstream-opencast",
      "load_episodes",
      "icinga--nagios",
      "exit-codes",
      "exit-codes-1",
    ],
  );
});

Deno.test("every relative link and anchor in the README and docs/ resolves", () => {
  const files = documents();
  assert.ok(files.length > 1, "docs/ holds the documentation");
  let checked = 0;
  const dead: string[] = [];
  for (const file of files) {
    const text = Deno.readTextFileSync(file);
    for (const link of relativeLinks(text)) {
      checked++;
      const [path, anchor] = link.split("#") as [string, string | undefined];
      const target = path === "" ? file : join(dirname(file), path);
      const where = `${relative(ROOT, file)}: ${link}`;
      let stat: Deno.FileInfo;
      try {
        stat = Deno.statSync(target);
      } catch {
        dead.push(`${where} (no such file)`);
        continue;
      }
      if (anchor === undefined) continue;
      if (!stat.isFile || !target.endsWith(".md")) {
        dead.push(`${where} (an anchor into something that is not Markdown)`);
      } else if (!headingAnchors(Deno.readTextFileSync(target)).has(anchor)) {
        dead.push(`${where} (no such heading)`);
      }
    }
  }
  assert.deepEqual(dead, []);
  assert.ok(checked >= 10, `only ${checked} links checked`);
});

Deno.test("the README links every file of docs/", () => {
  const readme = Deno.readTextFileSync(join(ROOT, "README.md"));
  const linked = new Set(
    relativeLinks(readme).map((link) => link.split("#")[0]),
  );
  for (const file of documents().slice(1)) {
    assert.ok(
      linked.has(relative(ROOT, file)),
      `${relative(ROOT, file)} is linked from the README`,
    );
  }
});
