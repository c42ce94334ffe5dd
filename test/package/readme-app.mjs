// "Show it": a new user's first hour, from the packed tarball in a fresh `npm init -y` app (whose
// package.json has no "type": "module"): the README's first examples as .mjs files (the ES-module
// note), the same network through CommonJS `require`, CLI sessions on CSVs with class names (and
// one with a text column, `--categorical auto`) whose exported modules predict from raw rows, the
// README's examples compiled by strict TypeScript, then the README's browser example under Vite
// dev and build, webpack 5, a plain <script type="module"> and esbuild in Chromium
// (test/package/loaders.mjs), each page's text checked and its screenshot kept.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLoaders } from './loaders.mjs';
import { runCheck } from './check.mjs';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** The ```js blocks of a README section (from its heading to the next ## heading). */
function sectionBlocks(readme, heading) {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README has no section "## ${heading}"`);
  const end = readme.indexOf('\n## ', start + 4);
  return [...readme.slice(start, end < 0 ? undefined : end).matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

/** `console.log(…); // expected` comments, in order; `…` stands for omitted digits. */
function expectedPrints(code) {
  return code.split('\n').filter((l) => /^\s*console\.log\(/.test(l) && l.includes('// ')).map((l) => l.slice(l.lastIndexOf('// ') + 3).trim());
}
const matches = (printed, comment) => new RegExp(`^${comment.split('…').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\d*')}$`).test(printed);

/** Runs the walk-through in `app` (the tarball installed); returns `{ name, passed, failed, skipped, failures }`. */
export async function testReadmeApp(app, { screenshots } = {}) {
  const summary = { name: 'README walk-through (npm init -y app, Vite dev/build, webpack, plain ESM, esbuild)', passed: 0, failed: 0, skipped: 0, failures: [] };
  const check = (name, fn) => runCheck(summary, name, fn);
  const node = (file, args = []) => spawnSync(process.execPath, [file, ...args], { cwd: app, encoding: 'utf8', timeout: 180_000 });
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const [trainAndPredict, xor] = sectionBlocks(readme, 'Train and predict');

  await check('npm init -y leaves no "type": "module", so a .js file of the README is CommonJS and fails as the note says', () => {
    if (JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')).type === 'module') throw new Error('npm init -y wrote "type": "module"');
    writeFileSync(join(app, 'first.js'), trainAndPredict);
    const run = node('first.js');
    if (run.status === 0 || !/Cannot use import statement outside a module/.test(run.stderr)) throw new Error(`exit ${run.status}: ${run.stderr.split('\n').slice(0, 5).join(' ')}`);
  });
  for (const [name, code] of [['first example (Train and predict)', trainAndPredict], ['XOR', xor]]) {
    await check(`the README's ${name} as an .mjs file prints what its comments say`, () => {
      const file = `${name.split(' ')[0].toLowerCase()}.mjs`;
      writeFileSync(join(app, file), code);
      const run = node(file);
      if (run.status !== 0) throw new Error(run.stderr);
      const printed = run.stdout.trimEnd().split('\n');
      const expected = expectedPrints(code);
      if (printed.length !== expected.length || !printed.every((p, i) => matches(p, expected[i]))) throw new Error(`printed ${JSON.stringify(printed)}, README says ${JSON.stringify(expected)}`);
    });
  }
  await check('CommonJS: require("wasm-mlp") trains the same network (Node ≥ 20.19 loads ES modules with require)', () => {
    writeFileSync(join(app, 'first.cjs'), [
      "const { MLP } = require('wasm-mlp');",
      'async function main() {',
      "  const net = await MLP.create({ layers: [2, 8, 1], activations: ['relu', 'sigmoid'], loss: 'binary-cross-entropy', seed: 1 });",
      '  const X = [[2, 9], [1, 5], [5, 4], [6, 8], [8, 7], [3, 6], [9, 5], [4, 8], [7, 3], [2, 4]];',
      '  net.fit(X, [[0], [0], [0], [1], [1], [0], [1], [1], [0], [0]]);',
      '  console.log(JSON.stringify(net.predict([[7, 8], [1, 3]])));',
      '}',
      'main();',
    ].join('\n'));
    const cjs = node('first.cjs');
    const esm = node('first.mjs');
    const first = esm.stdout.split('\n')[0];
    if (cjs.status !== 0) throw new Error(cjs.stderr.split('\n').slice(0, 4).join(' '));
    if (!first.includes(JSON.parse(cjs.stdout)[0][0].toString().slice(0, 7))) throw new Error(`CommonJS printed ${cjs.stdout.trim()}, the ES module ${first}`);
  });
  await check('no seed: two runs start apart and each says its seed; that seed repeats the run', () => {
    writeFileSync(join(app, 'seed.mjs'), "import { MLP } from 'wasm-mlp';\nconst spec = { layers: [2, 4, 1], activations: ['tanh', 'sigmoid'] };\nconst a = await MLP.create(spec), b = await MLP.create(spec), again = await MLP.create({ ...spec, seed: a.seed });\nconsole.log(a.seed !== b.seed, String(a.getParameters()) !== String(b.getParameters()), String(again.getParameters()) === String(a.getParameters()));\n");
    const run = node('seed.mjs');
    if (run.stdout.trim() !== 'true true true') throw new Error(run.stdout + run.stderr);
  });
  await check('one model file story: net.save() (.wmlp), toJSON (.json) and safetensors all load with MLP.load and Predictor.load; an ONNX file is named', () => {
    writeFileSync(join(app, 'files.mjs'), [
      "import { MLP } from 'wasm-mlp';",
      "import { Predictor } from 'wasm-mlp/inference';",
      "const net = await MLP.create({ layers: [2, 3], activations: ['softmax'], loss: 'cross-entropy', seed: 2 });",
      'const files = [net.save(), new TextEncoder().encode(JSON.stringify(net)), net.toSafetensors()];',
      'const want = JSON.stringify(net.predictClasses([[1, 0], [0, 1]]));',
      'for (const bytes of files) console.log(JSON.stringify((await MLP.load(bytes)).predictClasses([[1, 0], [0, 1]])) === want, JSON.stringify((await Predictor.load(bytes)).predictClasses([[1, 0], [0, 1]])) === want);',
      'try { await MLP.load(net.toOnnx()); } catch (e) { console.log(e.message.split(" (")[0]); }',
    ].join('\n'));
    const run = node('files.mjs');
    const lines = run.stdout.trim().split('\n');
    if (lines.slice(0, 3).join('|') !== 'true true|true true|true true' || lines[3] !== 'MLP.load: the bytes are an ONNX model') throw new Error(run.stdout + run.stderr);
  });
  await check('CLI: train on a CSV with class names (prints its drawn seed), export, and the exported module predicts names from raw rows', () => {
    const rows = ['sepal_length,sepal_width,petal_length,petal_width,species'];
    for (let i = 0; i < 90; i++) {
      const k = i % 3, t = (i * 37 % 11) / 11;
      rows.push([5 + k * 0.9 + t * 0.3, 3.4 - k * 0.3 + t * 0.2, 1.4 + k * 2.1 + t * 0.4, 0.2 + k * 0.9 + t * 0.2, ['setosa', 'versicolor', 'virginica'][k]].map((v) => (typeof v === 'number' ? v.toFixed(2) : v)).join(','));
    }
    writeFileSync(join(app, 'iris.csv'), rows.join('\n') + '\n');
    const cli = join(app, 'node_modules/wasm-mlp/dist/cli/main.js');
    const trained = node(cli, ['train', 'iris.csv', '--target', 'species', '--layers', '16', '--epochs', '30']);
    if (trained.status !== 0) throw new Error(trained.stderr);
    if (!/^seed \d+ \(drawn; --seed \d+ repeats this run\)$/m.test(trained.stdout)) throw new Error(`no seed line in ${trained.stdout.split('\n').slice(0, 3).join(' | ')}`);
    if (!/saved the model to model\.json/.test(trained.stdout)) throw new Error('the model was not saved to model.json');
    const exported = node(cli, ['export', 'model.json']);
    if (exported.status !== 0) throw new Error(exported.stderr);
    writeFileSync(join(app, 'use-model.mjs'), "import { predictRows } from './model.mjs';\nconsole.log(JSON.stringify(predictRows([[5.0, 3.4, 1.5, 0.2], [6.8, 2.8, 5.7, 2.0]])));\n");
    const used = node('use-model.mjs');
    if (used.stdout.trim() !== '["setosa","virginica"]') throw new Error(`predictRows gave ${used.stdout.trim()} ${used.stderr}`);
    writeFileSync(join(app, 'load-cli.mjs'), "import { readFileSync } from 'node:fs';\nimport { MLP } from 'wasm-mlp';\nconst net = await MLP.load(readFileSync('model.json'));\nconsole.log(net.layers.join('-'));\n");
    const cliModel = node('load-cli.mjs');
    // MLP.load reads the CLI's model.json too.
    if (cliModel.stdout.trim() !== '4-16-3') throw new Error(`MLP.load(model.json) gave ${cliModel.stdout} ${cliModel.stderr}`);
  });
  await check('CLI on a CSV with a text column: npx wasm-mlp train --categorical auto one-hot encodes the city, export writes a module whose predict and predictRows take raw rows', () => {
    const npx = (args) => spawnSync('npx', ['--no-install', 'wasm-mlp', ...args], { cwd: app, encoding: 'utf8', timeout: 180_000 });
    // rooms, area, city, kind: a home over 140 m² is a villa, else a Springfield home a flat and any other a house, so the city matters.
    const cities = ['Springfield', 'Shelbyville', 'Ogdenville'];
    const homes = Array.from({ length: 120 }, (_, i) => {
      const city = cities[(i * 7) % 3], area = 30 + ((i * 53) % 171);
      return [1 + (i % 6), area, city, area > 140 ? 'villa' : city === 'Springfield' ? 'flat' : 'house'];
    });
    writeFileSync(join(app, 'homes.csv'), 'rooms,area,city,kind\n' + homes.map((r) => r.join(',')).join('\n') + '\n');

    const refused = npx(['train', 'homes.csv', '--target', 'kind', '--epochs', '1']);
    if (refused.status !== 1 || !refused.stderr.includes('column "city": expected a number, got "Springfield"; if "city" holds categories, add --categorical city (or --categorical auto)')) throw new Error(`without --categorical: exit ${refused.status}, ${refused.stderr}`);

    const trained = npx(['train', 'homes.csv', '--target', 'kind', '--categorical', 'auto', '--layers', '12', '--epochs', '60', '--seed', '2', '--out', 'homes.json']);
    if (trained.status !== 0) throw new Error(trained.stderr);
    for (const line of ['homes.csv: 120 rows, 3 features; city one-hot (3 categories) → kind (classification, 3 classes: flat, house, villa)', 'network 5-12-3', 'saved the model to homes.json']) {
      if (!trained.stdout.includes(line)) throw new Error(`train did not print "${line}": ${trained.stdout}`);
    }
    const accuracy = Number(/training: accuracy ([\d.]+)%/.exec(trained.stdout)?.[1]);
    if (!(accuracy > 90)) throw new Error(`training accuracy ${accuracy}%: ${trained.stdout}`);

    const exported = npx(['export', 'homes.json', '--out', 'homes.mjs']);
    if (exported.status !== 0) throw new Error(exported.stderr);
    // A 190 m² Ogdenville home is a villa, a 50 m² Springfield one a flat, a 90 m² Shelbyville one a house.
    writeFileSync(join(app, 'use-homes.mjs'), [
      "import { classNames, predict, predictRows } from './homes.mjs';",
      "const rows = [[4, 190, 'Ogdenville'], [2, 50, 'Springfield'], { rooms: 3, area: 90, city: 'Shelbyville' }];",
      'const probabilities = predict(rows);',
      "console.log(classNames.join(' '));",
      "console.log(predictRows(rows).join(' '));",
      "console.log(probabilities.map((p) => classNames[p.indexOf(Math.max(...p))]).join(' '));",
      "console.log(probabilities.every((p) => p.length === 3 && Math.abs(p[0] + p[1] + p[2] - 1) < 1e-6));",
      '// predictRows also reads cells as a CSV parser gives them, numbers as text.',
      "console.log(predictRows([{ rooms: '3', area: '90', city: 'Shelbyville' }, ['2', '50', 'Springfield']]).join(' '));",
    ].join('\n') + '\n');
    const used = node('use-homes.mjs');
    const printed = used.stdout.trim().split('\n');
    const want = ['flat house villa', 'villa flat house', 'villa flat house', 'true', 'house flat'];
    if (JSON.stringify(printed) !== JSON.stringify(want)) throw new Error(`the exported module printed ${JSON.stringify(printed)} (want ${JSON.stringify(want)}) ${used.stderr}`);
  });
  await check("strict TypeScript (strict, noUncheckedIndexedAccess, node16) compiles the README's examples unchanged against the installed package", () => {
    const dir = join(app, 'strict-ts');
    mkdirSync(dir, { recursive: true });
    const blocks = [...readme.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((m) => m[1]).filter((code) => /^import .* from 'wasm-mlp(\/inference)?';$/m.test(code) && !/onnxruntime-web|xor-model\.mjs/.test(code));
    if (blocks.length < 4) throw new Error(`only ${blocks.length} README blocks import wasm-mlp`);
    blocks.forEach((code, i) => writeFileSync(join(dir, `block${i}.ts`), code));
    // The repository's @types/node, as a user's own devDependency would provide it.
    const compilerOptions = { target: 'ES2022', module: 'Node16', moduleResolution: 'Node16', lib: ['ES2022', 'DOM'], types: ['node'], typeRoots: [join(repo, 'node_modules/@types')], strict: true, noUncheckedIndexedAccess: true, noEmit: true, skipLibCheck: false };
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['*.ts'] }, null, 2));
    const tsc = spawnSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', dir], { cwd: dir, encoding: 'utf8', timeout: 180_000 });
    if (tsc.status !== 0) throw new Error(`tsc: ${tsc.stdout}${tsc.stderr}`);
    // It resolved the installed tarball's declarations, not the repository's.
    const listed = spawnSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', dir, '--listFiles'], { cwd: dir, encoding: 'utf8', timeout: 180_000 }).stdout;
    if (!listed.includes(join(app, 'node_modules/wasm-mlp/dist/index.d.ts'))) throw new Error('tsc did not read node_modules/wasm-mlp/dist/index.d.ts');
  });
  // The browser section starts from `npm create vite`, whose package.json says "type": "module"
  // (webpack, unlike Vite, parses a .js file of a "commonjs" package as CommonJS).
  const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ ...manifest, type: 'module' }, null, 2));
  const loaders = await runLoaders(app, { screenshots }).catch((error) => [{ name: 'browser loaders', problems: [String(error.stack ?? error)] }]);
  for (const { name, problems } of loaders) {
    await check(`the README browser example in ${name}${/esbuild/.test(name) ? '' : ': the page shows its promised text (screenshot kept)'}`, () => {
      if (problems.length) throw new Error(problems.join('; '));
    });
  }
  return summary;
}

/** Sets up the app: `npm init -y` in `dir`, then the tarball installed. */
export function makeReadmeApp(dir, tarball) {
  mkdirSync(dir, { recursive: true });
  execFileSync('npm', ['init', '-y'], { cwd: dir, stdio: 'ignore' });
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  return dir;
}
