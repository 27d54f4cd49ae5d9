// The one way Capstan's workflow code is bundled, shared by `npm run build` (the bundle a
// container runs) and `npm run release:workflows` (the bundle a release leaves behind for the
// upgrade test): both must be the same code, or the test would prove nothing about production.
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { projectDir } from './tool-paths.ts';

/**
 * Bundles workflows/index.ts. `sourceMap: false` leaves out the inline source map: it holds the
 * absolute paths of the machine that built it and is 60 % of the bundle's size (4 MB with, 1.5 MB
 * without), and the code it maps is in git under the release's tag anyway.
 */
export async function bundleWorkflows(options: { readonly sourceMap: boolean }): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: join(projectDir, 'workflows', 'index.ts'),
    ...(options.sourceMap ? {} : { webpackConfigHook: (config) => ({ ...config, devtool: false }) }),
  });
  return code;
}
