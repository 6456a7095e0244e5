// Checks Mermaid diagrams with Mermaid's own parser. Started once by the `code` gate; reads one
// JSON line per diagram ({"id": ..., "text": ...}) and answers one JSON line ({"id", "error"}).
// argv[2]: a node_modules folder holding `mermaid` and `jsdom` (Mermaid's sanitizer needs a DOM).
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import readline from "node:readline";

const resolve = createRequire(join(process.argv[2], "_.js")).resolve;
const { JSDOM } = await import(pathToFileURL(resolve("jsdom")).href);
const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import(pathToFileURL(resolve("mermaid")).href);
mermaid.initialize({ startOnLoad: false });
process.stdout.write(JSON.stringify({ ready: true }) + "\n");

for await (const line of readline.createInterface({ input: process.stdin })) {
  const { id, text } = JSON.parse(line);
  let error = null;
  try {
    await mermaid.parse(text);
  } catch (exc) {
    error = String((exc && exc.message) || exc).split("\n").filter((l) => l.trim()).slice(0, 4).join(" ");
  }
  process.stdout.write(JSON.stringify({ id, error }) + "\n");
}
