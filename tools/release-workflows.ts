// `npm run release:workflows [-- --histories]`, at each release, from the commit that sets
// package.json's version to it: records the release's workflow code, bundled as production bundles
// it, under test/replay/releases/<version>/, so the next releases are tested to finish the
// operations this one started. With --histories it also keeps the histories now saved in
// test/replay/histories (re-record them first with CAPSTAN_SAVE_HISTORIES=1 if the workflows
// changed): later re-recordings replace those, these stay as the release left them.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectDir } from './tool-paths.ts';
import { bundleWorkflows } from './workflow-bundle.ts';
import { releaseBundlePath, releaseHistoriesDir, releaseVersion } from './workflow-releases.ts';

const packageJson = JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8')) as { version: string };
const version = releaseVersion(packageJson.version);
const bundlePath = releaseBundlePath(version);
const code = await bundleWorkflows('release');

// A release's code never changes once users run it; recording it again must give the same bytes.
if (existsSync(bundlePath) && readFileSync(bundlePath, 'utf8') !== code) {
  throw new Error(
    `${bundlePath} already holds other workflow code for release ${version}: a released version's code does not change; set package.json to the new release's version and record that`,
  );
}
mkdirSync(join(bundlePath, '..'), { recursive: true });
writeFileSync(bundlePath, code);
console.log(`recorded the workflow code of release ${version}: ${bundlePath} (${Math.round(statSync(bundlePath).size / 1024)} KiB)`);

if (process.argv.includes('--histories')) {
  const from = join(projectDir, 'test', 'replay', 'histories');
  const to = releaseHistoriesDir(version);
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to, { recursive: true });
  const files = readdirSync(from).filter((f) => f.endsWith('.json'));
  for (const file of files) copyFileSync(join(from, file), join(to, file));
  copyFileSync(join(projectDir, 'test', 'replay', 'workflow-ids.json'), join(to, '..', 'workflow-ids.json'));
  console.log(`kept ${files.length} histories with release ${version} in ${to}`);
}
