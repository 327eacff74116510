// peers.mjs - drives the npm peer formatters for tests/bench/run.sh.
//
//   node peers.mjs check wasm|utils FILE...  one line per file: "ok<TAB>path" or "fail<TAB>path<TAB>why"
//   node peers.mjs bulk  wasm|utils FILE...  format every file in this one process, output discarded;
//                                            exit 1 if any file failed
//   node peers.mjs one   wasm FILE           format one file through the package's public API
//                                            (formatDockerfile), result to stdout: format-on-save cost
//   node peers.mjs api   wasm FILE...        the public API called once per file in one process;
//                                            prints "N files, MS ms" (it instantiates the WASM per call)
//
// wasm  = @reteps/dockerfmt's WASM build (what its prettier plugin runs). Its public API
//         compiles and starts a new Go WASM instance for every call; `check` and `bulk` start one
//         instance and reuse it (the best case for this peer), restarting it after a Go panic
//         (the instance is dead afterwards).
// utils = dockerfile-utils' format(), applied exactly as its CLI does (the CLI takes one file
//         per process, so `bulk` uses the library in one process).
//
// Options match dffix's defaults: 4-space indent, final newline.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const modules = process.env.DFFIX_PEERS_MODULES || path.join(here, 'peers', 'node_modules');
const dfmtDist = path.join(modules, '@reteps', 'dockerfmt', 'dist');
const require = createRequire(path.join(modules, 'noop.js'));

let quiet = false;

async function wasmFormatter() {
	await import(path.join(dfmtDist, 'wasm_exec.js'));
	// Go's runtime writes (its log output, panic traces) through this shim
	// to stdout; the tool's own output must stay parseable.
	if (quiet)
		globalThis.fs.writeSync = (fd, buf) => buf.length;
	const bytes = fs.readFileSync(path.join(dfmtDist, 'format.wasm'));
	const module = await WebAssembly.compile(bytes);
	let go = null;
	let formatBytes = null;
	const start = async () => {
		go = new globalThis.__dockerfmt_Go();
		const instance = await WebAssembly.instantiate(module, go.importObject);
		go.run(instance);
		formatBytes = globalThis.__dockerfmt_formatBytes;
	};
	await start();
	return async (text) => {
		if (go.exited)
			await start();
		let out;
		try {
			out = formatBytes(text, 4, true, false);
		} catch (e) {
			await start();
			throw e;
		}
		if (typeof out !== 'string') {
			// A Go panic or log.Fatal exits the instance and returns nothing.
			await start();
			throw new Error('dockerfmt gave no output (Go exited)');
		}
		return out;
	};
}

function utilsFormatter() {
	const utils = require('dockerfile-utils');
	const { TextDocument } = require('vscode-languageserver-types');
	const options = { tabSize: 4, insertSpaces: true };
	return async (text) => {
		const doc = TextDocument.create('', '', 0, text);
		const edits = utils.format(text, options);
		let content = text;
		for (let i = edits.length - 1; i >= 0; i--) {
			const s = doc.offsetAt(edits[i].range.start);
			const e = doc.offsetAt(edits[i].range.end);
			content = content.substring(0, s) + edits[i].newText + content.substring(e);
		}
		return content;
	};
}

async function formatter(peer) {
	if (peer === 'wasm')
		return wasmFormatter();
	if (peer === 'utils')
		return utilsFormatter();
	throw new Error(`unknown peer ${peer}`);
}

// Go's log package writes the failing input to stderr before exiting; keep
// this tool's output readable.
function quietStderr() {
	quiet = true;
	process.stderr.write = () => true;
	console.warn = () => {};
	console.error = () => {};
}

// A Go instance that exited (panic) may still have a timer pending; when it
// fires, wasm_exec throws from the timer callback. That instance is already
// replaced, so the error means nothing here.
process.on('uncaughtException', (e) => {
	if (!String(e && e.message).includes('Go program has already exited'))
		throw e;
});

const [mode, peer, ...files] = process.argv.slice(2);
if (mode === 'check') {
	quietStderr();
	const fmt = await formatter(peer);
	const lines = [];
	for (const f of files) {
		try {
			await fmt(fs.readFileSync(f, 'utf8'));
			lines.push(`ok\t${f}`);
		} catch (e) {
			lines.push(`fail\t${f}\t${String(e && e.message || e).split('\n')[0]}`);
		}
	}
	fs.writeSync(1, lines.join('\n') + '\n');
} else if (mode === 'bulk') {
	quietStderr();
	const fmt = await formatter(peer);
	let failed = 0;
	for (const f of files) {
		try {
			await fmt(fs.readFileSync(f, 'utf8'));
		} catch {
			failed++;
		}
	}
	process.exitCode = failed ? 1 : 0;
} else if (mode === 'one' && peer === 'wasm') {
	const { formatDockerfile } = await import(path.join(dfmtDist, 'node.js'));
	const out = await formatDockerfile(files[0], { indent: 4, trailingNewline: true, spaceRedirects: false });
	if (typeof out !== 'string')
		process.exit(1);
	fs.writeSync(1, out);
	process.exit(0); // the Go instance keeps the event loop alive
} else if (mode === 'api' && peer === 'wasm') {
	quietStderr();
	const { formatDockerfileContents } = await import(path.join(dfmtDist, 'node.js'));
	const t0 = performance.now();
	for (const f of files) {
		try {
			await formatDockerfileContents(fs.readFileSync(f, 'utf8'),
				{ indent: 4, trailingNewline: true, spaceRedirects: false });
		} catch {
			// counted by `check`
		}
	}
	fs.writeSync(1, `${files.length} files, ${(performance.now() - t0).toFixed(1)} ms\n`);
	process.exit(0);
} else {
	fs.writeSync(2, 'usage: node peers.mjs check|bulk wasm|utils FILE... | one wasm FILE | api wasm FILE...\n');
	process.exit(2);
}
