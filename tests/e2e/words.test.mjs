// No English word in what the UI says (issue 23): every text the built UI
// can show, read from its sources through Svelte's own parser: the markup's
// text, the attributes a person reads (labels, titles, placeholders, the
// kit's props such as `title`, `what`, `empty`), and the string literals of
// scripts and expressions that read as text (a space, or a capital first
// letter). Code is not text: imports, class names, ids, test ids, event and
// command names. The app is not started.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const UI = resolve(import.meta.dirname, "../../ui");
const require = createRequire(join(UI, "package.json"));
const compiler = await import(pathToFileURL(require.resolve("svelte/compiler")).href);
const parse = compiler.parse ?? compiler.default.parse;

const ENGLISH = /\b(Baseline|Target|report|Webinar report|Export|Import|Print|Delete|Cancel|Save)\b/i;
/** Attributes whose value is code, not text. */
const CODE_ATTRS = /^(class|id|for|name|type|role|href|src|style|key|testid|kind|value|autocomplete|inputmode|lang|rel|target|method|accept|pattern|tabindex|viewBox|d|fill|stroke|transform|points|xmlns|text-anchor|dominant-baseline|font-family|aria-(labelledby|describedby|controls|owns|activedescendant|current|expanded|haspopup|live|sort|hidden|invalid|selected|checked|pressed|orientation|level|keyshortcuts)|data-.*|on.*|bind:.*|use:.*|class:.*|style:.*)$/;

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === "gen" ? [] : files(p);
    return /\.(svelte|ts)$/.test(e.name) ? [p] : [];
  });
}

/** The texts of one node tree: text nodes, string literals and template parts. */
function texts(node, out, inCode = false) {
  if (!node || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const n of node) texts(n, out, inCode);
    return;
  }
  switch (node.type) {
    case "ImportDeclaration":
    case "ExportAllDeclaration":
    case "TSTypeAnnotation":
    case "TSTypeAliasDeclaration":
    case "TSInterfaceDeclaration":
    case "TSLiteralType":
      return;
    case "Attribute":
      if (CODE_ATTRS.test(node.name)) return;
      break;
    case "Text":
      if (!inCode) out.push(node.data);
      return;
    case "Literal":
      if (typeof node.value === "string" && !inCode) out.push(node.value);
      return;
    case "TemplateElement":
      if (!inCode) out.push(node.value.cooked ?? node.value.raw);
      return;
    case "CallExpression": {
      // Event and command names, selectors and the like are code.
      const callee = node.callee;
      const name = callee?.property?.name ?? callee?.name;
      const code = ["querySelector", "querySelectorAll", "getElementById", "closest", "matches", "addEventListener", "removeEventListener", "dispatchEvent", "setAttribute", "getAttribute", "hasAttribute", "toggleAttribute", "listen", "emit", "invoke", "Event", "KeyboardEvent", "startsWith", "endsWith", "includes"].includes(name);
      texts(node.callee, out, inCode);
      texts(node.arguments, out, inCode || code);
      return;
    }
    case "MemberExpression":
      texts(node.object, out, inCode);
      if (node.computed) texts(node.property, out, true);
      return;
    case "Property":
      if (node.computed) texts(node.key, out, true);
      texts(node.value, out, inCode);
      return;
  }
  for (const [k, v] of Object.entries(node)) {
    if (k === "start" || k === "end" || k === "loc" || k === "metadata" || k === "parent") continue;
    if (v && typeof v === "object") texts(v, out, inCode);
  }
}

/** What a text is worth checking: markup text and literals that read as text. */
const readsAsText = (t) => /\s/.test(t.trim()) || /^\p{Lu}\p{Ll}/u.test(t.trim());

test("no English word in the texts of the UI", () => {
  const found = [];
  const sources = files(join(UI, "src"));
  assert.ok(sources.length > 50, `the UI's sources (${sources.length})`);
  for (const file of sources) {
    const src = readFileSync(file, "utf8");
    // A TypeScript module is parsed as the script of an empty component.
    const ast = parse(file.endsWith(".ts") ? `<script lang="ts">${src}</script>` : src, { modern: true });
    const out = [];
    texts(ast.fragment, out);
    texts(ast.instance?.content, out);
    texts(ast.module?.content, out);
    for (const t of out) {
      const m = t.match(ENGLISH);
      if (m && readsAsText(t)) found.push(`${relative(UI, file)}: «${t.trim().slice(0, 100)}» (${m[0]})`);
    }
  }
  assert.deepEqual(found, []);
});

// The core's words the UI shows (GLOSSARY in the generated contract): the
// stages, steps, kinds of act and document, roles, levels, states.
test("no English word in the core's glossary the UI shows", () => {
  const gen = readFileSync(join(UI, "src/api/gen/bindings.ts"), "utf8");
  const json = gen.match(/^export const GLOSSARY = (\{.*\}) as const;$/m);
  assert.ok(json, "GLOSSARY in the generated contract");
  const words = [];
  // Its labels (a term's `code` is code, not text).
  const walk = (v) => (typeof v === "string" ? words.push(v) : v && typeof v === "object" && Object.entries(v).forEach(([k, x]) => k !== "code" && walk(x)));
  walk(JSON.parse(json[1]));
  assert.ok(words.length > 50, `the glossary's words (${words.length})`);
  assert.deepEqual(words.filter((w) => ENGLISH.test(w)), []);
});
