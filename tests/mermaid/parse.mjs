// Parses Mermaid diagrams with the official parser (mermaid@11 under jsdom), one batch per call.
// stdin: a JSON array of diagram strings. stdout: a JSON array of null (parsed) or an error message.
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });

let input = '';
for await (const chunk of process.stdin) input += chunk;
const diagrams = JSON.parse(input);
const results = [];
for (const text of diagrams) {
  try {
    await mermaid.parse(text);
    results.push(null);
  } catch (error) {
    results.push(String(error && error.message ? error.message : error).slice(0, 500));
  }
}
process.stdout.write(JSON.stringify(results));
