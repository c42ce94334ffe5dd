// `npm run docs:build`: the API reference from the doc comments (TypeDoc, typedoc.json) into
// docs/api/, then the VitePress site into docs/.vitepress/dist/. The reference must be whole:
// the build fails when a public export has no doc comment, or a public function, method or
// constructor says nothing about what it throws (`@throws`).
//
//   node scripts/build-docs.mjs [--api-only]
import { Application, ReflectionKind } from 'typedoc';

const apiOnly = process.argv.includes('--api-only');

const app = await Application.bootstrapWithPlugins();
const project = await app.convert();
if (!project) process.exit(1);
app.validate(project);

const CALLABLE = ReflectionKind.Function | ReflectionKind.Method | ReflectionKind.Constructor;
const silent = Object.values(project.reflections)
  .filter((r) => r.kindOf(CALLABLE) && !r.flags.isPrivate && !r.inheritedFrom && r.signatures?.length)
  .filter((r) => !r.signatures.some((s) => s.comment?.getTag('@throws')))
  .map((r) => r.getFullName());
for (const name of silent) app.logger.error(`${name} has no @throws in its doc comment`);
if (app.logger.hasErrors() || app.logger.hasWarnings()) {
  console.error('the API reference has gaps (above): document them in src/');
  process.exit(1);
}
await app.generateOutputs(project);
console.log(`API reference: ${Object.values(project.reflections).filter((r) => r.kindOf(CALLABLE)).length} functions, methods and constructors, each with @throws`);

if (!apiOnly) {
  const { build } = await import('vitepress');
  await build('docs');
}
