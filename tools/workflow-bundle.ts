// The one way Capstan's workflow code is bundled, shared by `npm run build` (the bundle a
// container runs) and `npm run release:workflows` (the bundle a release leaves behind for the
// upgrade test): both must be the same code, or the test would prove nothing about production.
import { join } from 'node:path';
import { bundleWorkflowCode, type BundleOptions } from '@temporalio/worker';
import { projectDir } from './tool-paths.ts';

/** webpack's configuration, as the SDK hands it to a hook (webpack is the SDK's dependency, not ours). */
type WebpackConfig = Parameters<NonNullable<BundleOptions['webpackConfigHook']>>[0];

/**
 * Bundles workflows/index.ts. For `production`, as the SDK does: with an inline source map holding
 * the sources (a workflow's stack trace then names our lines). For `release`, the same code made
 * fit to commit: the map keeps its line mappings but not the sources (they are in git under the
 * release's tag; 4 MB with them, 2.1 MB without), and module names are relative to the project, not
 * to the machine that built it (no absolute paths, node_modules not followed through a symlink), so
 * recording a release again from another checkout gives the same bytes. The worker insists on an
 * inline source map being there.
 */
export async function bundleWorkflows(purpose: 'production' | 'release'): Promise<string> {
  const portable = (config: WebpackConfig): WebpackConfig => ({
    ...config,
    context: projectDir,
    devtool: 'inline-nosources-source-map',
    output: { ...config.output, devtoolModuleFilenameTemplate: 'webpack://capstan/[resource-path]' },
    resolve: { ...config.resolve, symlinks: false },
  });
  const { code } = await bundleWorkflowCode({
    workflowsPath: join(projectDir, 'workflows', 'index.ts'),
    ...(purpose === 'release' ? { webpackConfigHook: portable } : {}),
  });
  return code;
}
